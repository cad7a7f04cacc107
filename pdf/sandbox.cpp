// pdf::analyze_sandboxed(): analyze() in a child process under resource limits.
//
// Built on the isolation module (base/isolate.hpp): starting a child in fork or
// exec mode, its descriptors, signals and limits, reading its answer under the
// wall clock, reaping and the mapping of how it ended are isolate's; this file
// adds the PDF child's work, the Info its ending becomes (to_info()) and the fork
// server.
//
// Three ways to start the child; everything after the start is the same code
// (child_work() in the child, to_info() in the process that started it):
//
// - Fork mode (the default): fork() without exec. The child runs analyze() on
//   its copy of this process. Cheap (the parent's PoDoFo and OpenSSL set-up is
//   inherited), but only safe while the caller is single-threaded: a fork while
//   other threads hold locks (OpenSSL, libstdc++, curl, PoDoFo; glibc's malloc
//   is reset at fork) can leave the child deadlocked; the wall-clock limit then
//   kills it and the document is reported as time_limit, never a hang. Use it
//   for the CLI and other single-threaded callers. The test hooks
//   (detail::set_sandbox_child_hook) work in this mode only.
// - Exec mode (set_sandbox_program(PROGRAM)): posix_spawn() of
//   `PROGRAM __sandbox-child FILE MEMORY_BYTES CPU_SECONDS SCAN(0-3)`
//   (argv built before the spawn) with the pipe's write end dup2'ed to fd 3,
//   every descriptor from 4 up closed whatever its O_CLOEXEC
//   (posix_spawn_file_actions_addclosefrom_np), every signal at its default
//   action and none blocked (POSIX_SPAWN_SETSIGDEF, POSIX_SPAWN_SETSIGMASK).
//   PROGRAM's main() hands that to sandbox_child_main(), which initialises
//   PoDoFo and OpenSSL and then runs child_work() like a forked child. Nothing
//   of the parent's state is inherited, so it is safe in a multi-threaded
//   process (the HTTP gate), but slow (below).
// - Fork-server mode (start_sandbox_server(), called while the caller is still
//   single-threaded): fork mode, run by a helper process forked at that moment,
//   which stays single-threaded for its whole life. The caller and the helper
//   share a socketpair(AF_UNIX, SOCK_SEQPACKET): each analyze_sandboxed() sends
//   one message (a WireRequest header and the file's absolute path) with the
//   write end of a fresh pipe (SCM_RIGHTS), guarded by a shared lock only
//   against stop_sandbox_server() closing the socket (SEQPACKET keeps concurrent
//   messages whole; SO_SNDTIMEO 2 s so that a wedged helper cannot block a
//   sender). The helper forks a manager per request (so requests run
//   concurrently) and closes its copy of the pipe. The manager runs fork mode
//   (run() without a program: it forks the analysing child, enforces the wall
//   clock, reaps, maps the damage, combines the text scan's second line) and
//   writes the final Info, to_json_text() as one line, into the pipe, then
//   _exit()s. The caller reads it until EOF, waiting at most the wall limit +
//   2 s: no answer in time is time_limit, EOF without a complete line (the
//   helper or the manager died) is internal, as is a failed send (the helper is
//   gone: EPIPE). The helper keeps only fds 0-2 and its socket, ignores SIGCHLD
//   (the kernel reaps the managers), SIGPIPE, SIGINT, SIGTERM and SIGHUP (it is
//   the caller who is to stop; requests in flight still get their answer), and
//   exits when its socket reaches EOF: stop_sandbox_server(), or the caller is
//   gone, so no helper outlives the gate. Safe with threads, and as cheap as
//   fork mode plus a message and a second fork. Use it in the gate. The test
//   hooks are not seen by the helper (it was forked before they were set).
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
#include "base/isolate.hpp"
#include "pdf/detail.hpp"
#include "pdf/pdf_info.hpp"
#include "pdf/serialize.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <optional>
#include <shared_mutex>
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

std::filesystem::path sandbox_program() { return isolate::program(); }

}  // namespace

namespace {

// The child's work in either mode, once its descriptors, signals and limits are
// set (isolate::run_forked(), or sandbox_child_main() after isolate::child_begin()):
// analyses and answers on out_fd. false: the answer could not be written.
bool child_work(int out_fd, const std::filesystem::path& file, const AnalyzeOptions& options) {
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
        Info info = detail::analyze_with(file, {.raw_reader = true, .free_objects = false});
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
            detail::scan_content(file, scan, options);
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

using isolate::Fd;

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
            return out.signal != 0 ? "out of memory, then " + isolate::signal_name(out.signal)
                                   : "exit status " + std::to_string(out.exit_status);
        default:
            return "no answer from the analysing child";
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

std::string error_text(int error) { return std::system_category().message(error); }  // thread-safe, unlike strerror

std::chrono::milliseconds wall_limit(const Limits& limits) {
    return std::chrono::milliseconds(std::max(1, limits.wall_milliseconds));
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

// One document in a child: exec mode with `program`, fork mode when it is empty.
Info run(const std::filesystem::path& file, const Limits& limits, const AnalyzeOptions& options,
         const std::filesystem::path& program) {
    if (!program.empty()) {
        // `program __sandbox-child FILE MEMORY_BYTES CPU_SECONDS SCAN`; the child
        // answers memory_limit itself (no page is shared across exec).
        return to_info(isolate::run_spawned(
                           {program.string(), sandbox_child_command, file.string(), std::to_string(limits.memory_bytes),
                            std::to_string(limits.cpu_seconds), std::to_string(scan_flags(options))},
                           limits),
                       limits, options);
    }
    detail::initialise();  // inherited by the child: not paid per document
    isolate::RunOptions run_options;
    run_options.extra_bytes = mapped_bytes(file);
    const isolate::Outcome out = isolate::run_forked(
        [&](int out_fd) {
            if (!child_work(out_fd, file, options)) {
                ::_exit(3);
            }
        },
        limits, run_options);
    return to_info(out, limits, options);
}

bool parse_argument(const char* text, auto& value) {
    const std::string_view s(text);
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

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

// ---- Fork-server mode --------------------------------------------------------

std::shared_mutex server_mutex;  // shared: a request being sent; unique: start, stop
int server_socket = -1;          // this process's end; -1: no server
pid_t server_pid = -1;
bool server_wanted = false;  // started and not stopped: keep_sandbox_server() keeps one running

// Wait for the server's answer this much longer than the request's wall limit.
constexpr std::chrono::milliseconds server_margin{2000};

// A request on the socket: this header, then the file's path (not terminated),
// and the pipe's write end as SCM_RIGHTS.
struct WireRequest {
    std::uint64_t memory_bytes;
    std::int32_t cpu_seconds;
    std::int32_t wall_milliseconds;
    std::uint8_t scan;  // scan_flags()
};
// One datagram of `size` bytes at `data` with room for `Fds` descriptors
// (SCM_RIGHTS), for sendmsg() and recvmsg(). Not copyable: msg points into it.
template <std::size_t Fds>
struct FdMessage {
    FdMessage(void* data, std::size_t size) : iov{data, size} {
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.bytes;
        msg.msg_controllen = sizeof control.bytes;
    }
    FdMessage(const FdMessage&) = delete;
    FdMessage& operator=(const FdMessage&) = delete;
    FdMessage(FdMessage&&) = delete;
    FdMessage& operator=(FdMessage&&) = delete;
    ~FdMessage() = default;

    iovec iov;
    msghdr msg{};
    struct {
        alignas(cmsghdr) char bytes[CMSG_SPACE(sizeof(int) * Fds)];
    } control{};
};

constexpr std::size_t max_request_bytes = sizeof(WireRequest) + 16384;

// The manager: one request, in a process of its own. Runs fork mode (which forks
// the analysing child, enforces the limits and reaps it) and writes the final
// Info as one line into out_fd.
[[noreturn]] void manager_main(int socket_fd, int out_fd, const std::filesystem::path& file, const Limits& limits,
                               const AnalyzeOptions& options) {
    ::close(socket_fd);
    ::signal(SIGCHLD, SIG_DFL);  // the helper ignores it; wait4() needs it back
    int rc = 1;
    try {
        const Info info = guarded(file, [&] { return run(file, limits, options, {}); });
        std::string line = to_json_text(info, /*collapse_runs=*/true);
        line += '\n';
        rc = isolate::write_all(out_fd, line) ? 0 : 1;
    } catch (...) {
        rc = 1;  // no answer: the caller reports internal
    }
    ::_exit(rc);
}

// The helper: single-threaded for its whole life. Keeps fds 0-2 and its socket,
// reads requests until EOF (the caller's end is closed: stop_sandbox_server() or
// the caller is gone) and forks a manager for each.
[[noreturn]] void server_main(int socket_fd) {
    if (socket_fd != 3 && ::dup3(socket_fd, 3, O_CLOEXEC) == 3) {
        socket_fd = 3;
    }
    if (socket_fd == 3) {
        ::close_range(4, ~0U, 0);  // the caller's other descriptors stay the caller's
    }
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP) {
            ::signal(sig, SIG_DFL);  // glibc's internal signals refuse: harmless
        }
    }
    // Children are reaped by the kernel. A terminal's ^C or a service manager's
    // SIGTERM is meant for the caller: the helper leaves when the caller does,
    // and requests in flight are answered meanwhile.
    for (const int sig : {SIGCHLD, SIGPIPE, SIGINT, SIGTERM, SIGHUP}) {
        ::signal(sig, SIG_IGN);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    detail::initialise();  // inherited by every manager and child

    std::vector<char> buffer(max_request_bytes);
    for (;;) {
        FdMessage<8> packet(buffer.data(), buffer.size());
        msghdr& msg = packet.msg;
        const ssize_t n = ::recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            ::_exit(n == 0 ? 0 : 1);  // EOF: the caller is gone
        }
        std::vector<int> fds;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (std::size_t i = 0; i < count; ++i) {
                    int fd = -1;
                    std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                    fds.push_back(fd);
                }
            }
        }
        const auto size = static_cast<std::size_t>(n);
        if (fds.size() == 1 && size >= sizeof(WireRequest) && (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) == 0) {
            WireRequest request{};
            std::memcpy(&request, buffer.data(), sizeof request);
            const std::filesystem::path file(std::string(buffer.data() + sizeof request, size - sizeof request));
            Limits limits;
            limits.memory_bytes = request.memory_bytes;
            limits.cpu_seconds = request.cpu_seconds;
            limits.wall_milliseconds = request.wall_milliseconds;
            AnalyzeOptions options;
            options = options_from_flags(request.scan);
            if (::fork() == 0) {
                manager_main(socket_fd, fds[0], file, limits, options);
            }
            // A failed fork: the caller's pipe reaches EOF below, it reports internal.
        }
        for (const int fd : fds) {
            ::close(fd);
        }
    }
}

// Sends the request to the helper and waits for its answer; nullopt when no
// server is running.
std::optional<Info> ask_server(const std::filesystem::path& file, const Limits& limits, const AnalyzeOptions& options) {
    {
        const std::shared_lock lock(server_mutex);
        if (server_socket < 0) {
            return std::nullopt;
        }
    }
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return failure(Damage::internal, "pipe: " + error_text(errno));
    }
    Fd read_end(fds[0]);
    Fd write_end(fds[1]);
    // The helper's working directory is the one of start_sandbox_server().
    std::error_code absolute_error;
    std::filesystem::path absolute = std::filesystem::absolute(file, absolute_error);
    if (absolute_error) {
        absolute = file;
    }
    const std::string path = absolute.string();
    if (path.size() > max_request_bytes - sizeof(WireRequest)) {
        return failure(Damage::internal, "path too long for the sandbox server");
    }
    WireRequest request{};
    request.memory_bytes = limits.memory_bytes;
    request.cpu_seconds = limits.cpu_seconds;
    request.wall_milliseconds = limits.wall_milliseconds;
    request.scan = static_cast<std::uint8_t>(scan_flags(options));
    std::string message(sizeof request, '\0');
    std::memcpy(message.data(), &request, sizeof request);
    message += path;

    const auto wall = wall_limit(limits);
    const auto deadline = std::chrono::steady_clock::now() + wall + server_margin;
    bool restart_wanted = false;
    {
        FdMessage<1> packet(message.data(), message.size());
        msghdr& msg = packet.msg;
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        const int fd = write_end.get();
        std::memcpy(CMSG_DATA(c), &fd, sizeof fd);

        const std::shared_lock lock(server_mutex);
        if (server_socket < 0) {
            return std::nullopt;  // stopped meanwhile
        }
        ssize_t sent = 0;
        do {
            sent = ::sendmsg(server_socket, &msg, MSG_NOSIGNAL);
        } while (sent < 0 && errno == EINTR);
        if (sent < 0) {
            // The helper is gone (killed, or out of memory): with a program to
            // exec, the caller falls back to exec mode rather than failing every
            // document from now on; without one, the document is internal.
            // The helper is reaped and started again below, for the next document.
            if ((errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN) && !sandbox_program().empty()) {
                restart_wanted = true;
            } else {
                return failure(Damage::internal, "sandbox server: " + error_text(errno));
            }
        }
    }
    if (restart_wanted) {
        keep_sandbox_server();
        return std::nullopt;
    }
    write_end.reset();  // from now on only the manager holds it: EOF when it is done

    isolate::ReadResult read =
        isolate::read_until_eof(read_end.get(), deadline, isolate::RunOptions{}.max_answer_bytes);
    if (read.timed_out) {
        return failure(Damage::time_limit, "wall-clock limit of " + std::to_string(wall.count()) + " ms");
    }
    if (read.error != 0) {
        return failure(Damage::internal, "read: " + error_text(read.error));
    }
    if (read.too_large) {
        return failure(Damage::internal, "answer of the sandbox server too large");
    }
    const std::string& answer = read.data;
    const std::size_t end = answer.find('\n');
    if (end == std::string::npos) {
        return failure(Damage::internal, "no answer from the sandbox server");
    }
    try {
        return info_from_json_text(std::string_view(answer).substr(0, end));
    } catch (const std::exception& e) {
        return failure(Damage::internal, std::string("unreadable answer from the sandbox server: ") + e.what());
    }
}

}  // namespace

Info analyze_sandboxed(const std::filesystem::path& file, const Limits& limits, const AnalyzeOptions& options) {
    return guarded(file, [&] {
        if (std::optional<Info> answer = ask_server(file, limits, options)) {
            return std::move(*answer);
        }
        return run(file, limits, options, sandbox_program());
    });
}

bool start_sandbox_server() {
    const std::unique_lock lock(server_mutex);
    if (server_socket >= 0) {
        return false;
    }
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        return false;
    }
    // A request that the helper does not take within 2 s fails (internal)
    // instead of blocking its thread: the helper is stopped or wedged.
    const timeval send_timeout{2, 0};
    ::setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(sv[0]);
        ::close(sv[1]);
        return false;
    }
    if (pid == 0) {
        ::close(sv[0]);
        server_main(sv[1]);
    }
    ::close(sv[1]);
    server_socket = sv[0];
    server_pid = pid;
    server_wanted = true;
    return true;
}

namespace {

// posix_spawn of `program __sandbox-server` with `socket_fd` as its fd 3.
pid_t spawn_server(const std::filesystem::path& program, int socket_fd) {
    int error = 0;
    return isolate::spawn_with_fd3({program.string(), sandbox_server_command}, socket_fd, error);
}

}  // namespace

bool keep_sandbox_server() {
    const std::unique_lock lock(server_mutex);
    if (!server_wanted) {
        return false;  // never started, or stopped
    }
    if (server_pid > 0) {
        int status = 0;
        pid_t r = 0;
        do {
            r = ::waitpid(server_pid, &status, WNOHANG);
        } while (r < 0 && errno == EINTR);
        if (r == 0) {
            return false;  // alive
        }
        // Dead and now reaped (or not ours to reap any more): no zombie stays behind.
        ::close(server_socket);
        server_socket = -1;
        server_pid = -1;
    }
    // No helper (it died, or starting one failed last time, e.g. out of descriptors):
    // start one; the next call tries again if this fails.
    const std::filesystem::path program = sandbox_program();
    if (program.empty()) {
        return false;  // fork mode only: no safe way to start one from threads
    }
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        return false;
    }
    const timeval send_timeout{2, 0};
    ::setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    const pid_t pid = spawn_server(program, sv[1]);
    ::close(sv[1]);
    if (pid < 0) {
        ::close(sv[0]);
        return false;
    }
    server_socket = sv[0];
    server_pid = pid;
    return true;
}

int sandbox_server_main(int argc, char** argv) {
    if (argc != 2 || std::strcmp(argv[1], sandbox_server_command) != 0 || ::fcntl(3, F_GETFD) < 0) {
        std::fprintf(stderr, "preflight %s: expects its socket as fd 3 and no arguments\n", sandbox_server_command);
        return 2;
    }
    server_main(3);
}

void stop_sandbox_server() {
    pid_t pid = -1;
    {
        const std::unique_lock lock(server_mutex);
        server_wanted = false;
        if (server_socket < 0) {
            return;
        }
        ::close(server_socket);  // the helper reads EOF and exits
        server_socket = -1;
        pid = server_pid;
        server_pid = -1;
    }
    // Reap it; one that has not left after 2 s (stopped, wedged) is killed.
    int status = 0;
    for (int waited_ms = 0;; ++waited_ms) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR)) {
            return;  // reaped, or not ours to reap any more (ECHILD)
        }
        if (waited_ms == 2000) {
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            return;
        }
        ::usleep(1000);
    }
}

void set_sandbox_program(std::filesystem::path program) { isolate::set_program(std::move(program)); }

int detail::sandbox_server_pid() {
    const std::shared_lock lock(server_mutex);
    return server_pid;
}

int sandbox_child_main(int argc, char** argv) {
    const auto usage = [](const char* why) {
        std::fprintf(stderr, "preflight %s: %s\n", sandbox_child_command, why);
        return 2;
    };
    if (argc != 6 || std::strcmp(argv[1], sandbox_child_command) != 0) {
        return usage("expects FILE MEMORY_BYTES CPU_SECONDS SCAN(0-3)");
    }
    Limits limits;
    AnalyzeOptions options;
    const std::string_view scan(argv[5]);
    if (!parse_argument(argv[3], limits.memory_bytes) || !parse_argument(argv[4], limits.cpu_seconds) ||
        scan.size() != 1 || scan[0] < '0' || scan[0] > '3') {
        return usage("expects FILE MEMORY_BYTES CPU_SECONDS SCAN(0-3)");
    }
    options = options_from_flags(scan[0] - '0');
    // Before the limits are set, as a forked child inherits it from its parent.
    detail::initialise();
    // The allocation flag stays in this process (no page shared across exec): it
    // still turns an analysis that swallowed a failed allocation into
    // memory_limit, and a caught std::bad_alloc is answered as memory_limit.
    const std::filesystem::path file(argv[2]);
    if (!isolate::child_begin(limits, mapped_bytes(file))) {
        return usage("fd 3 (the answer pipe) is not open");
    }
    const bool ok = child_work(3, file, options);
    ::close(3);
    ::_exit(ok ? 0 : 3);
}

}  // namespace preflight::pdf
