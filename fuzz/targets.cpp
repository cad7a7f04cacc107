// The fuzz targets (fuzz/targets.hpp). Each one feeds the input to one parser the
// way preflight does with untrusted bytes, and checks what must hold of the answer:
// anything else (a crash, a sanitizer report, an exception other than the parser's
// documented error, a broken invariant) ends the process through check() and is a
// finding.
#include "fuzz/targets.hpp"
#include "app/sections.hpp"
#include "checks/check_set.hpp"

#include "base/deadline.hpp"
#include "base/error.hpp"
#include "docx/doctext.hpp"
#include "explain/explain.hpp"
#include "pdf/detail.hpp"
#include "pdf/serialize.hpp"
#include "report/render.hpp"
#include "server/multipart.hpp"
#include "server/sbd.hpp"
#include "validator/catalogue.hpp"
#include "validator/check.hpp"
#include "validator/config.hpp"
#include "validator/manifest.hpp"

#include <unistd.h>
#include <zip.h>
#include <nlohmann/json.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace preflight::fuzz {
namespace {

namespace fs = std::filesystem;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
        std::abort();
    }
}

std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}

// The readers that take a path get the input as a file in a folder of this process.
fs::path scratch_dir() {
    static const fs::path dir = [] {
        fs::path d = fs::temp_directory_path() / ("preflight-fuzz-" + std::to_string(::getpid()));  // $TMPDIR
        fs::create_directories(d);
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(fs::temp_directory_path() / ("preflight-fuzz-" + std::to_string(::getpid())), ec);
        });
        return d;
    }();
    return dir;
}

fs::path write_input(std::string_view name, std::string_view bytes) {
    fs::path file = scratch_dir() / name;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    check(out.good(), "cannot write the scratch file");
    return file;
}

// A UsageError's message must render in both languages whatever its arguments hold.
void render_error(const UsageError& e) {
    check(catalogue::has(e.message_id()), "a UsageError with an id that is not in the catalogue");
    check(!catalogue::text(e.message_id(), Lang::nb, e.args()).empty(), "empty nb message");
    check(!catalogue::text(e.message_id(), Lang::en, e.args()).empty(), "empty en message");
}

// ---- manifest: the journal post JSON of `preflight check --manifest`.
void manifest(const std::uint8_t* data, std::size_t size) {
    try {
        const JournalPost post = parse_manifest(as_text(data, size), "fuzz/post.json");
        check(post.from_manifest, "a parsed manifest is from_manifest");
    } catch (const UsageError& e) {
        render_error(e);
    }
}

// ---- config: the INI file of --config. A file that loads dumps to INI that loads
// to the same options.
void config(const std::uint8_t* data, std::size_t size) {
    static const std::vector<Section> sections = app::config_sections(builtin_checks());
    const fs::path file = write_input("preflight.ini", as_text(data, size));
    try {
        const Config loaded = Config::load(file, sections);
        const std::string dumped = loaded.dump(sections);
        const fs::path again = write_input("again.ini", dumped);
        const Config reloaded = Config::load(again, sections);
        check(reloaded.dump(sections) == dumped, "config dump does not load back to itself");
    } catch (const UsageError& e) {
        render_error(e);
    }
}

bool finite(const pdf::Box& b) {
    return std::isfinite(b.llx) && std::isfinite(b.lly) && std::isfinite(b.urx) && std::isfinite(b.ury);
}

// What must hold of any analysis, and its JSON (the sandbox's wire format) must
// give the same analysis back.
void check_info(const pdf::Info& info, std::size_t size) {
    check(info.bytes == size, "Info.bytes is not the file size");
    int number = 0;
    for (const auto& page : info.pages) {
        check(page.number == ++number, "pages are not numbered 1, 2, 3 ...");
        if (page.ok) {
            check(page.rotate == 0 || page.rotate == 90 || page.rotate == 180 || page.rotate == 270,
                  "rotation not normalised");
            check(finite(page.media) && finite(page.crop), "a box that is not finite");
            check(page.crop.llx >= page.media.llx && page.crop.urx <= page.media.urx &&
                      page.crop.lly >= page.media.lly && page.crop.ury <= page.media.ury,
                  "CropBox not clipped to the MediaBox");
        }
    }
    const std::string wire = pdf::to_json_text(info);
    check(pdf::to_json_text(pdf::info_from_json_text(wire)) == wire, "Info does not survive its JSON");
}

// ---- pdf_geometry: page count, boxes and rotation by preflight's own readers
// (cross-reference table or stream, lexer, page-tree walk), never PoDoFo.
void pdf_geometry(const std::uint8_t* data, std::size_t size) {
    const fs::path file = write_input("input.pdf", as_text(data, size));
    const pdf::Info info = pdf::detail::analyze_with(
        file, {.raw_reader = true, .free_objects = true, .fast_xref = true, .fast_only = true});
    check_info(info, size);
}

// ---- pdf_analyze: the whole analysis the sandboxed child runs, PoDoFo fallback and
// the content scan (fødselsnummer in the text, where content is drawn) included. PoDoFo is not instrumented; its
// crashes are contained by the sandbox in production, here they are findings to triage.
//
// With the time budget production has ([pdf] budget-ms, 800 ms), but on a clock that
// advances 1 ms at every reading: an input stops at the same place every run (the
// fuzzer needs that), and a decompression bomb stops where the sandboxed child would
// stop it instead of inflating a gigabyte (2026-12-07: a doubly Flate-encoded object
// stream took 15 s and 1.3 GB here, libFuzzer's out-of-memory, exit 71).
Deadline::Clock::time_point work_clock() {
    static std::atomic<std::int64_t> readings{0};
    return Deadline::Clock::time_point{} + std::chrono::milliseconds(readings.fetch_add(1));
}

void pdf_analyze(const std::uint8_t* data, std::size_t size) {
    const fs::path file = write_input("input.pdf", as_text(data, size));
    const Deadline deadline = Deadline::after(std::chrono::milliseconds(800), &work_clock);
    pdf::Info info = pdf::detail::analyze_with(file, {.raw_reader = true, .free_objects = true, .deadline = deadline});
    if (info.damage == pdf::Damage::none) {
        pdf::TextLimits limits;
        limits.deadline = deadline;
        pdf::detail::scan_content(file, info, {.find_person_ids = true, .find_content_boxes = true}, limits);
        int last = 0;
        for (const pdf::PageContent& c : info.content_boxes) {
            check(c.page > last, "content boxes out of page order");
            last = c.page;
            check(c.box.llx <= c.box.urx && c.box.lly <= c.box.ury, "a content box that is not normalised");
            check(std::isfinite(c.box.llx) && std::isfinite(c.box.ury), "a content box that is not finite");
        }
    }
    check_info(info, size);
}

void check_docx(const fs::path& file) {
    const doctext::Limits limits;
    const auto layout = doctext::docx_layout(file, limits);
    const auto text =
        doctext::document_text(file, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", limits);
    check(text.has_value(), "a Word type always gets a DocumentText");
    check(text->text.size() <= limits.max_text_bytes, "text over max_text_bytes");
    if (layout) {
        check(layout->sections.size() <= limits.max_xml_elements, "more sections than elements");
    }
}

// ---- docx: a Word file as sent (any bytes: zip, damaged zip, no zip).
void docx(const std::uint8_t* data, std::size_t size) { check_docx(write_input("input.docx", as_text(data, size))); }

// ---- docx_xml: the input is word/document.xml of an otherwise valid Word file, so
// that the XML readers (page setup, text) are reached by every input.
void docx_xml(const std::uint8_t* data, std::size_t size) {
    const fs::path file = scratch_dir() / "wrapped.docx";
    int error = 0;
    zip_t* archive = zip_open(file.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    check(archive != nullptr, "zip_open");
    static constexpr std::string_view types =
        R"(<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
        R"(<Override PartName="/word/document.xml" ContentType="application/)"
        R"(vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>)";
    zip_source_t* t = zip_source_buffer(archive, types.data(), types.size(), 0);
    zip_source_t* d = zip_source_buffer(archive, data, size, 0);
    check(t != nullptr && d != nullptr, "zip_source_buffer");
    check(zip_file_add(archive, "[Content_Types].xml", t, ZIP_FL_OVERWRITE) >= 0, "zip_file_add");
    check(zip_file_add(archive, "word/document.xml", d, ZIP_FL_OVERWRITE) >= 0, "zip_file_add");
    check(zip_close(archive) == 0, "zip_close");
    check_docx(file);
}

// ---- sbd: the StandardBusinessDocument JSON the gate receives.
void sbd(const std::uint8_t* data, std::size_t size) {
    try {
        const SbdMessage message = parse_sbd(as_text(data, size), "POST /api/messages/out");
        const JournalPost post = to_journal_post(message);
        for (const auto& document : post.documents) {
            (void)role_of(message, document.name);
        }
        (void)process_kind(message.process);
    } catch (const UsageError& e) {
        render_error(e);
    }
}

// ---- multipart: the gate's multipart/form-data parser. The first line is the
// Content-Type; the rest is the body, fed in pieces of varying size.
class CheckingSink : public server::PartSink {
public:
    void begin(const server::PartHeaders& /*headers*/) override {
        check(!open_, "begin inside a part");
        open_ = true;
        ++parts_;
    }
    void data(std::string_view bytes) override {
        check(open_, "data outside a part");
        bytes_ += bytes.size();
    }
    void end() override {
        check(open_, "end outside a part");
        open_ = false;
    }
    [[nodiscard]] std::size_t parts() const { return parts_; }
    [[nodiscard]] std::size_t bytes() const { return bytes_; }
    [[nodiscard]] bool open() const { return open_; }

private:
    bool open_ = false;
    std::size_t parts_ = 0;
    std::size_t bytes_ = 0;
};

void multipart(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = as_text(data, size);
    const auto eol = input.find('\n');
    if (eol == std::string_view::npos) {
        return;
    }
    const auto boundary = server::multipart_boundary(input.substr(0, eol));
    if (!boundary) {
        return;
    }
    const std::string_view body = input.substr(eol + 1);
    CheckingSink sink;
    const server::MultipartLimits limits{.max_parts = 8, .max_header_bytes = 512};
    server::MultipartParser parser(*boundary, sink, limits);
    bool finished = false;
    try {
        std::size_t at = 0;
        std::uint32_t state = static_cast<std::uint32_t>(size) * 2654435761U;
        while (at < body.size()) {
            state = state * 1103515245U + 12345U;
            const std::size_t piece = 1 + (state >> 16U) % 97;
            parser.feed(body.substr(at, piece));
            at += piece;
        }
        parser.finish();
        finished = true;
    } catch (const server::MultipartError& e) {
        check(*e.what() != '\0', "MultipartError without a detail");
    }
    check(sink.parts() == parser.parts(), "parts counted differently");
    check(sink.parts() <= limits.max_parts, "more parts than max_parts");
    check(sink.bytes() <= body.size(), "more part bytes than the body holds");
    if (finished) {
        check(parser.done() && !sink.open(), "finished with a part still open");
    }
}

void check_json(const std::string& text) { check(nlohmann::json::accept(text), "a renderer wrote invalid JSON"); }

// ---- explain: a log or message given to `preflight explain` / POST /v1/explain.
void explain(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = as_text(data, size);
    if (explain::looks_binary(input)) {
        return;  // refused before explaining (exit 2, 400)
    }
    const explain::Result result = explain::explain_log(input);
    check(result.items.size() <= result.entries, "more explanations than messages");
    check(result.count(explain::Kind::fine) + result.count(explain::Kind::wait) + result.count(explain::Kind::act) +
                  result.count(explain::Kind::unknown) ==
              result.items.size(),
          "kinds do not add up");
    for (const Lang lang : {Lang::nb, Lang::en}) {
        (void)explain::render_text(result, RenderOptions::in(lang));
        check_json(explain::render_json(result, RenderOptions::in(lang)));
    }
}

// ---- statuses: an /api/statuses or /api/conversations export (explain --statuses).
void statuses(const std::uint8_t* data, std::size_t size) {
    const auto now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 28} + std::chrono::hours{12};
    try {
        const explain::StatusResult result = explain::sort_statuses(as_text(data, size), "statuses.json", now);
        check(result.messages.size() <= result.statuses, "more messages than statuses");
        for (const Lang lang : {Lang::nb, Lang::en}) {
            (void)explain::render_text(result, RenderOptions::in(lang));
            check_json(explain::render_json(result, RenderOptions::in(lang)));
        }
    } catch (const UsageError& e) {
        render_error(e);
    }
}

constexpr std::array kTargets{
    Target{"manifest", manifest, "journal post JSON (check --manifest)"},
    Target{"config", config, "INI config (--config); a loaded file dumps and reloads to itself"},
    Target{"pdf_geometry", pdf_geometry, "PDF pages, boxes, rotation by preflight's own readers"},
    Target{"pdf_analyze", pdf_analyze, "the sandboxed child's whole analysis, PoDoFo and text scan included"},
    Target{"docx", docx, "Word file bytes: page setup and text"},
    Target{"docx_xml", docx_xml, "word/document.xml inside a valid zip: page setup and text"},
    Target{"sbd", sbd, "StandardBusinessDocument JSON (the gate)"},
    Target{"multipart", multipart, "multipart/form-data (the gate): Content-Type line, then the body"},
    Target{"explain", explain, "a log for explain / POST /v1/explain"},
    Target{"statuses", statuses, "an /api/statuses or /api/conversations export"},
};

}  // namespace

std::span<const Target> targets() { return kTargets; }

const Target* find_target(std::string_view name) {
    for (const auto& t : kTargets) {
        if (t.name == name) {
            return &t;
        }
    }
    return nullptr;
}

void initialise() { pdf::detail::initialise(); }

}  // namespace preflight::fuzz
