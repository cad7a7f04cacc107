// pdf::analyze_sandboxed(): analyze() in a child process under resource limits.
//
// Built on the isolation module (base/isolate.hpp): starting a child in fork or
// exec mode, its descriptors, signals and limits, reading its answer under the
// wall clock, reaping and the mapping of how it ended are isolate's; this file
// adds the PDF child's work and the Info its ending becomes (to_info()).
//
// The child is the isolation module's named job "pdf.analyze" (FILE SCAN(0-3) BUDGET_MS),
// started by isolate::run_job() in its three modes (base/isolate.hpp; everything
// after the start is the same code: child_work() in the child, to_info() in the
// process that called):
//
// - Fork mode (the default): fork() without exec. The child runs analyze() on
//   its copy of this process. Cheap (the parent's PoDoFo and OpenSSL set-up, the
//   job's prepare, is inherited), but only safe while the caller is
//   single-threaded: a fork while other threads hold locks (OpenSSL, libstdc++,
//   curl, PoDoFo; glibc's malloc is reset at fork) can leave the child
//   deadlocked; the wall-clock limit then kills it and the document is reported
//   as time_limit, never a hang. Use it for the CLI and other single-threaded
//   callers. The test hooks (detail::set_sandbox_child_hook) work in this mode only.
// - Exec mode (isolate::set_program(PROGRAM)):
//   posix_spawn() of `PROGRAM __isolate-child pdf.analyze MEMORY_BYTES CPU_SECONDS
//   FILE_BYTES FILE SCAN BUDGET_MS` with the pipe's write end on fd 3, every other
//   descriptor closed, default signal actions and an empty mask. PROGRAM's main()
//   hands that to isolate::child_main(), which runs the job's prepare (PoDoFo and
//   OpenSSL), sets the limits and runs child_work() like a forked child. Nothing
//   of the parent's state is inherited, so it is safe in a multi-threaded process,
//   but slow (below). The same command runs one analysis alone (bench/gate.sh).
// - Fork-server mode (isolate::start_server(), called while the caller is still
//   single-threaded): fork mode, run by
//   the isolation server's single-threaded helper, which forks each request's
//   child itself and sends back the isolate::Outcome (the answer lines and how
//   the child ended), which to_info() maps here as in the other modes. Use it in
//   the gate. The test hooks are not seen by the helper (it was forked before
//   they were set).
// Precedence: the server while it runs, else exec mode if a program is set,
// else fork mode. Over the fixtures the three modes give identical answers.
//
// Cost per document (a4_portrait.pdf, 200 runs each, RelWithDebInfo, 2 cores
// shared with other builds, load about 2.9): exec mode 16-21 ms, fork mode
// 1.3-1.5 ms, analyze() in process 0.02 ms. Almost all of exec mode's cost is
// starting the preflight binary: about 13 ms of CPU before main(), mostly the
// dynamic loader's symbol lookups and page faults for its 56 shared libraries.
// (SandboxExec.DISABLED_Overhead in pdf/sandbox_test.cpp measures it.) Fork-server
// mode, SandboxServer.DISABLED_Overhead, same file, 200 runs, load about 2:
// 3.4 ms per document against exec 15.9 ms and fork 1.55 ms in the same run
// (a message, two forks and a JSON round trip more than fork mode).
//
// Limits in the child (set by the child itself, in both modes):
// - RLIMIT_AS = the child's address space when it sets its limits (at fork, or
//   right after exec and PoDoFo/OpenSSL set-up) + the file's size (it is
//   memory-mapped) + Limits::memory_bytes, so the budget does not shrink with the
//   size of the calling process or of the document;
// - RLIMIT_CPU = Limits::cpu_seconds (soft; SIGXCPU), hard one second later (SIGKILL);
// - RLIMIT_CORE = 0 (no core dumps of a 1 GiB child).
// The child keeps no descriptor but 0-2 and its pipe (fd 3), starts with default
// signal dispositions and an empty mask, and does not free PoDoFo's objects (it
// exits right away).
// Out of memory: a caught std::bad_alloc is answered by the child itself as a
// memory_limit line (the line is static: no allocation needed), and an analysis
// that swallowed a failed allocation (new_handler sets a flag) is turned into
// memory_limit before it is answered. In fork mode the flag lives in a page
// shared with the parent, so a child that fails an allocation and then dies
// some other way (a signal, an exit) is still memory_limit; in exec mode no page
// is shared and such a child is reported as crashed. In both modes a child
// SIGKILLed below its CPU limit (the kernel's OOM killer) is memory_limit. Over
// the shared corpus and the fixtures (491 files, with the text scan, at 1024 and
// at 48 MiB) both modes give identical answers.
//
// Damage mapping: wall limit -> time_limit; SIGXCPU (or SIGKILL at the CPU
// limit) -> cpu_limit; out of memory -> memory_limit; other signals -> crashed
// ("SIGSEGV"); a non-zero exit -> crashed ("exit status N"); an answer that is
// not valid JSON for an Info -> internal; a program that cannot be started
// (exec mode) -> internal ("posix_spawn PROGRAM: ...").
//
// The answer is one line of JSON (to_json_text escapes every control character)
// ending in '\n'. With AnalyzeOptions::find_person_ids or find_content_boxes a
// second line follows: the child writes the analysis first, then reads the
// content streams and writes an Info that carries only text_scan,
// text_scan_detail, person_ids and content_boxes. A child that dies
// or runs out after the first line (PoDoFo's font and content code is fragile,
// and a PoDoFo object-stream bomb is only met there when the fast path answered
// the analysis) keeps the analysis as it was: only text_scan becomes failed,
// with the limit or signal as its detail. The text never leaves the child.
//
// The parent waits on the pipe with poll() until Limits::wall_milliseconds have
// passed, then SIGKILLs the child. The child is always reaped (wait4 on its pid,
// so concurrent calls from several threads do not reap each other's children);
// both pipe ends and the shared flag page are always released.
#include "pdf/sandbox.hpp"
#include "base/error.hpp"
#include "base/isolate.hpp"
#include "pdf/detail.hpp"
#include "pdf/pdf_info.hpp"
#include "pdf/serialize.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace preflight::pdf {
namespace detail {
namespace {
std::atomic<SandboxChildHook> child_hook{nullptr};
std::atomic<SandboxChildHook> text_scan_hook{nullptr};
}  // namespace

void set_sandbox_child_hook(SandboxChildHook hook) { child_hook.store(hook); }
void set_sandbox_text_scan_hook(SandboxChildHook hook) { text_scan_hook.store(hook); }
}  // namespace detail

namespace {

// AnalyzeOptions as the exec'd child's SCAN argument and the fork server's
// request byte: 1 find_person_ids, 2 find_content_boxes.
int scan_flags(const AnalyzeOptions& options) {
    return (options.find_person_ids ? 1 : 0) | (options.find_content_boxes ? 2 : 0);
}
AnalyzeOptions options_from_flags(int flags) {
    AnalyzeOptions options;
    options.find_person_ids = (flags & 1) != 0;
    options.find_content_boxes = (flags & 2) != 0;
    return options;
}

}  // namespace

namespace {

// The child's work in either mode, once its descriptors, signals and limits are
// set (isolate::run_forked(), or isolate::child_main() after isolate::child_begin()):
// analyses and answers on out_fd. false: the answer could not be written.
bool child_work(int out_fd, const std::filesystem::path& file, const AnalyzeOptions& options) {
    // One budget for the analysis and the content pass, from the child's start.
    const Deadline deadline = Deadline::after_milliseconds(options.budget_milliseconds, detail::budget_clock());
    static constexpr std::string_view out_of_memory =
        "{\"damage\":\"memory_limit\",\"damage_detail\":\"out of memory in the analysing child\"}\n";
    static constexpr std::string_view failed =
        "{\"damage\":\"internal\",\"damage_detail\":\"exception in the analysing child\"}\n";
    std::string answer;
    std::string_view reply;
    try {
        if (const auto hook = detail::child_hook.load()) {
            hook();
        }
        // PoDoFo's objects are left to the child's exit, unless a letter's next
        // document follows in the same child (base/isolate_batch.hpp).
        detail::ReadOptions read;
        read.free_objects = isolate::items_after_this() > 0;
        read.deadline = deadline;
        Info info = detail::analyze_with(file, read);
        if (isolate::allocation_failed() && info.damage != Damage::memory_limit) {
            info.damage = Damage::memory_limit;
            info.damage_detail = "an allocation failed in the analysing child";
            info.pages.clear();
            info.fonts_not_embedded.clear();
        }
        answer = to_json_text(info, /*collapse_runs=*/true);
        answer += '\n';
        reply = answer;
    } catch (const std::bad_alloc&) {
        reply = out_of_memory;  // no allocation needed to say so
    } catch (...) {
        reply = failed;
    }
    bool ok = isolate::write_all(out_fd, reply);
    if (ok && options.scans_content()) {
        answer.clear();
        answer.shrink_to_fit();
        isolate::clear_allocation_failed();  // from here on it concerns the text scan only
        static constexpr std::string_view scan_out_of_memory =
            "{\"damage\":\"none\",\"text_scan\":\"failed\",\"text_scan_detail\":\"out of memory\"}\n";
        try {
            Info scan;
            if (const auto hook = detail::text_scan_hook.load()) {
                hook();
            }
            TextLimits limits;
            limits.deadline = deadline;
            detail::scan_content(file, scan, options, limits);
            if (isolate::allocation_failed() && scan.text_scan != TextScan::failed) {
                scan.text_scan = TextScan::partial;  // PoDoFo may have swallowed a failed allocation
                scan.text_scan_detail +=
                    scan.text_scan_detail.empty() ? "an allocation failed" : "; an allocation failed";
            }
            answer = to_json_text(scan);
            answer += '\n';
            reply = answer;
        } catch (const std::bad_alloc&) {
            reply = scan_out_of_memory;
        } catch (...) {
            reply = "{\"damage\":\"none\",\"text_scan\":\"failed\",\"text_scan_detail\":\"exception\"}\n";
        }
        ok = isolate::write_all(out_fd, reply);
    }
    return ok;
}

// The file is memory-mapped: its size comes on top of the child's memory budget.
std::uint64_t mapped_bytes(const std::filesystem::path& file) {
    std::error_code size_error;
    const std::uint64_t bytes =
        std::filesystem::is_regular_file(file, size_error) ? std::filesystem::file_size(file, size_error) : 0;
    return size_error ? 0 : bytes;
}

Info failure(Damage d, std::string detail) {
    Info info;
    info.damage = d;
    info.damage_detail = std::move(detail);
    return info;
}

// How the child ended, as the detail of a failed text scan.
std::string child_fate(const isolate::Outcome& out, const Limits& limits) {
    switch (out.ended) {
        case isolate::Ended::time_limit:
        case isolate::Ended::cpu_limit:
        case isolate::Ended::signal:
        case isolate::Ended::exit_status:
            return isolate::describe(out, limits);
        case isolate::Ended::memory_limit:
            return out.signal != 0 ? phrase("isolate.memory-signal", {{"signal", isolate::signal_name(out.signal)}})
                                   : phrase("isolate.exit-status", {{"status", std::to_string(out.exit_status)}});
        default:
            return phrase("pdf.no-answer");
    }
}

// The first line of the answer (the analysis), and the second (the text scan)
// if it is complete. Lines end in '\n'; a line without it is cut short.
std::pair<std::string_view, std::string_view> split_answer(std::string_view answer) {
    const std::size_t first = answer.find('\n');
    if (first == std::string_view::npos) {
        return {answer, {}};
    }
    const std::string_view rest = answer.substr(first + 1);
    const std::size_t second = rest.find('\n');
    return {answer.substr(0, first), second == std::string_view::npos ? std::string_view{} : rest.substr(0, second)};
}

// The parent's side: the child's answer and how it ended, as an Info.
Info to_info(const isolate::Outcome& out, const Limits& limits, const AnalyzeOptions& options) {
    if (out.ended == isolate::Ended::not_started) {
        return failure(Damage::internal, out.error);
    }
    const auto [analysis, scan] = split_answer(out.answer);
    const bool analysis_complete = out.answer.size() > analysis.size();  // its '\n' arrived
    if (analysis_complete && out.ended != isolate::Ended::too_large) {
        Info info;
        try {
            info = info_from_json_text(analysis);
        } catch (const std::exception& e) {
            return failure(Damage::internal, std::string("unreadable answer from the analysing child: ") + e.what());
        }
        if (!options.scans_content()) {
            return info;
        }
        bool scanned = false;
        if (!scan.empty()) {
            try {
                const Info text = info_from_json_text(scan);
                info.text_scan = text.text_scan;
                info.text_scan_detail = text.text_scan_detail;
                info.person_ids = text.person_ids;
                info.content_boxes = text.content_boxes;
                scanned = true;
            } catch (const std::exception& e) {
                info.text_scan_detail = std::string("unreadable text scan answer: ") + e.what();
            }
        }
        if (!scanned) {
            info.text_scan = TextScan::failed;
            if (info.text_scan_detail.empty()) {
                info.text_scan_detail = child_fate(out, limits);
            }
            info.person_ids.clear();
            info.content_boxes.clear();
        }
        return info;
    }
    switch (out.ended) {
        case isolate::Ended::time_limit:
            return failure(Damage::time_limit, isolate::describe(out, limits));
        case isolate::Ended::too_large:
            return failure(Damage::internal, "answer of the analysing child too large");
        case isolate::Ended::cpu_limit:
            return failure(Damage::cpu_limit, isolate::describe(out, limits));
        case isolate::Ended::memory_limit:
            return failure(Damage::memory_limit, isolate::describe(out, limits));
        case isolate::Ended::signal:
        case isolate::Ended::exit_status:
            return failure(Damage::crashed, isolate::describe(out, limits));
        default:
            break;
    }
    try {
        return info_from_json_text(analysis);
    } catch (const std::exception& e) {
        return failure(Damage::internal, std::string("unreadable answer from the analysing child: ") + e.what());
    }
}

// The job every mode runs (isolate::run_job()): ARGS are the file, scan_flags() and
// the budget in milliseconds (0: none), counted per document from its start.
constexpr const char* analyze_job = "pdf.analyze";

std::vector<std::string> job_args(const std::filesystem::path& file, const AnalyzeOptions& options) {
    return {file.string(), std::to_string(scan_flags(options)),
            std::to_string(std::clamp<std::int64_t>(options.budget_milliseconds, 0, 999'999'999))};
}

void analyze_child(int out_fd, const std::vector<std::string>& args) {
    const auto digits = [](const std::string& a) {
        return !a.empty() && a.size() <= 9 &&
               std::all_of(a.begin(), a.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (args.size() != 3 || args[1].size() != 1 || args[1][0] < '0' || args[1][0] > '3' || !digits(args[2])) {
        throw std::invalid_argument("pdf.analyze: expects FILE SCAN(0-3) BUDGET_MS");
    }
    AnalyzeOptions options = options_from_flags(args[1][0] - '0');
    options.budget_milliseconds = std::stoll(args[2]);
    if (!child_work(out_fd, args[0], options)) {
        ::_exit(3);
    }
}

// Inherited by every forked child (and the server's helper): not paid per document.
void prepare_analysis() { detail::initialise(); }

// Run once by the fork server's helper (isolate::Job::warm): the analysis and the
// content pass of warm_letter(), so that what every child would otherwise do first
// (bind the library calls of the analysis, set up function-local statics, the
// standard-14 font metrics) is done once and inherited. The letter is in memory
// (a memfd), never on disk; a failure only leaves the children to do it themselves.
void warm_analysis() noexcept {
    try {
        detail::warm_standard14();
        struct Memfd {
            int fd = ::memfd_create("preflight-warm", MFD_CLOEXEC);
            Memfd() = default;
            Memfd(const Memfd&) = delete;
            Memfd& operator=(const Memfd&) = delete;
            Memfd(Memfd&&) = delete;
            Memfd& operator=(Memfd&&) = delete;
            ~Memfd() {
                if (fd >= 0) {
                    ::close(fd);
                }
            }
        } const memfd;
        if (memfd.fd < 0) {
            return;
        }
        const std::string letter = detail::warm_letter();
        if (isolate::write_all(memfd.fd, letter)) {
            const std::filesystem::path file = "/proc/self/fd/" + std::to_string(memfd.fd);
            (void)to_json_text(detail::analyze_with(file, detail::ReadOptions{}), /*collapse_runs=*/true);
            Info scan;
            AnalyzeOptions options;
            options.find_person_ids = true;
            options.find_content_boxes = true;
            detail::scan_content(file, scan, options);
            (void)to_json_text(scan);
        }
    } catch (...) {
        // nothing is inherited but what was done before the failure
    }
}

const isolate::JobRegistration analyze_registration(analyze_job, analyze_child, prepare_analysis, warm_analysis);

// What every mode does around its work: exceptions become internal, and the
// file's size is filled in when the child could not say.
template <typename Work>
Info guarded(const std::filesystem::path& file, Work&& work) {
    Info info;
    try {
        info = work();
    } catch (const std::bad_alloc&) {
        info = Info{};
        info.damage = Damage::internal;
        info.damage_detail = "out of memory in the parent";
    } catch (const std::exception& e) {
        info = Info{};
        info.damage = Damage::internal;
        info.damage_detail = e.what();
    }
    if (info.bytes == 0) {
        std::error_code ec;
        const auto size = std::filesystem::file_size(file, ec);
        if (!ec) {
            info.bytes = size;
        }
    }
    return info;
}

}  // namespace

Info analyze_sandboxed(const std::filesystem::path& file, const Limits& limits, const AnalyzeOptions& options) {
    return guarded(file, [&] {
        isolate::RunOptions run_options;
        run_options.extra_bytes = mapped_bytes(file);  // the child memory-maps it
        return to_info(isolate::run_job(analyze_job, job_args(file, options), limits, run_options), limits, options);
    });
}

isolate::BatchItem analysis_item(const std::filesystem::path& file, const AnalyzeOptions& options) {
    return {analyze_job, job_args(file, options), mapped_bytes(file)};
}

Info analysis_of(const isolate::Outcome& outcome, const std::filesystem::path& file, const Limits& limits,
                 const AnalyzeOptions& options) {
    return guarded(file, [&] { return to_info(outcome, limits, options); });
}

// A letter of our own: one portrait A4 page with a line of Helvetica and a filled
// box, its cross-reference table computed here.
std::string detail::warm_letter() {
    const std::vector<std::string> objects = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        std::string("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] ") +
            "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        "",  // the content stream, below
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    };
    const std::string content =
        "q 0.2 0.4 0.8 rg 72 600 200 40 re f Q\nBT /F1 12 Tf 72 720 Td (Vedtak om opptak, 1. januar) Tj "
        "0 -14 TD [(Med) -250 (hilsen)] TJ T* (Arkiv) ' ET\n";
    std::string pdf = "%PDF-1.4\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(pdf.size());
        pdf += std::to_string(i + 1) + " 0 obj\n";
        pdf += i == 3 ? "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "endstream"
                      : objects[i];
        pdf += "\nendobj\n";
    }
    const std::size_t xref = pdf.size();
    pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (const std::size_t at : offsets) {
        const std::string number = std::to_string(at);
        pdf += std::string(10 - number.size(), '0') + number + " 00000 n \n";
    }
    pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
           std::to_string(xref) + "\n%%EOF\n";
    return pdf;
}

}  // namespace preflight::pdf
