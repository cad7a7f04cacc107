// The facts preflight needs from one PDF, as plain data. Produced by analyze()
// (in process, for trusted input and tests) or analyze_sandboxed() (a child
// process with limits, for everything a user hands us).
#pragma once

#include "base/isolate.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace preflight::pdf {

// A rectangle in PDF user space units (1/72 inch), normalised so that
// llx <= urx and lly <= ury.
struct Box {
    double llx = 0;
    double lly = 0;
    double urx = 0;
    double ury = 0;
    [[nodiscard]] double width() const { return urx - llx; }
    [[nodiscard]] double height() const { return ury - lly; }
};

struct Page {
    int number = 0;     // 1-based, in page-tree order
    bool ok = false;    // false: the page's boxes could not be read
    std::string error;  // why not (short, English, technical)
    Box media;          // effective MediaBox (inherited if needed)
    Box crop;           // effective CropBox, clipped to the MediaBox
    int rotate = 0;     // normalised to 0, 90, 180 or 270
    // Size as displayed/printed: the clipped CropBox, swapped for 90/270.
    [[nodiscard]] double width_pt() const { return rotate % 180 == 0 ? crop.width() : crop.height(); }
    [[nodiscard]] double height_pt() const { return rotate % 180 == 0 ? crop.height() : crop.width(); }
};

struct Font {
    std::string name;  // BaseFont, without a subset prefix
    int first_page = 0;
};

// Why a PDF could not be read reliably. Rendering to text is the caller's job.
enum class Damage : std::uint8_t {
    none,
    not_pdf,        // no %PDF- header at all
    leading_bytes,  // bytes before %PDF- (detail: how many)
    no_eof,         // no %%EOF marker: truncated
    load_failed,    // the parser gave up (detail: PoDoFo error name)
    page_tree,      // the page tree is broken (cycle, missing kids)
    bad_pages,      // some pages could not be read (see Page::ok)
    memory_limit,   // the analysing child ran out of memory
    cpu_limit,      // the analysing child ran out of CPU time
    time_limit,     // the analysing child ran out of wall-clock time
    crashed,        // the analysing child died (detail: signal)
    internal,       // the child's answer could not be understood
};

// A valid fødselsnummer, D-nummer, H-nummer or synthetic test identifier found
// in the text of a page (base/idscan.hpp decides what counts).
struct PersonIdHit {
    int page = 0;    // 1-based, as Page::number
    std::string id;  // the 11 digits: personal data, never to be logged or printed unmasked
};

// Whether the text was scanned for personal identifiers, and how far.
enum class TextScan : std::uint8_t {
    not_requested,  // AnalyzeOptions::find_person_ids was false
    complete,       // every page's text was read (hits, if any, are in person_ids)
    partial,        // some text could not be read (text_scan_detail): hits are real,
                    // their absence proves nothing
    failed,         // no text could be read (encrypted with a password, unreadable,
                    // the scan ran out of memory or time)
};

// Where a page's visible content is drawn: pdf/text.hpp's PageText::content.
struct PageContent {
    int page = 0;  // 1-based, as Page::number
    Box box;       // points from the lower left corner of the page as displayed (after /Rotate)
};

// At most this many hits are kept (in page order); one is enough to act on.
inline constexpr std::size_t max_person_id_hits = 100;

// What a PDF carries besides its pages, from its document catalogue: the things the
// PDF/A rules leave out and Digipost's guidance for PDFs rules out (no scripts, no
// embedded files or media). Bits of Info::active_content.
enum class Active : std::uint8_t {
    javascript = 1U << 0,      // a /JavaScript name tree, an /OpenAction of type JavaScript, or /AA actions
    embedded_files = 1U << 1,  // an /EmbeddedFiles name tree: files attached to the document
    xfa_form = 1U << 2,        // an XFA form (/AcroForm /XFA): shown by few readers, never printed as filled
};

struct Info {
    Damage damage = Damage::none;
    std::string damage_detail;             // e.g. "NoEOFToken", "SIGSEGV", "12 bytes"
    std::string version;                   // "1.4", "2.0"; the catalogue's /Version wins if higher
    bool encrypted = false;                // the trailer has /Encrypt
    bool needs_password = false;           // it cannot be opened without a password
    std::string encryption;                // e.g. "RC4 40-bit", "AES-256"; empty if unknown
    int declared_page_count = -1;          // the root /Count, as written (never trusted)
    std::vector<Page> pages;               // every page actually reachable in the tree
    std::vector<Font> fonts_not_embedded;  // outside the standard 14, not embedded
    std::uint64_t bytes = 0;
    std::uint8_t active_content = 0;  // Active bits
    [[nodiscard]] bool has(Active a) const { return (active_content & static_cast<std::uint8_t>(a)) != 0; }
    // Only with AnalyzeOptions::find_person_ids:
    TextScan text_scan = TextScan::not_requested;
    std::string text_scan_detail;         // why partial or failed (short, English)
    std::vector<PersonIdHit> person_ids;  // distinct (page, id) pairs, page order
    // Only with AnalyzeOptions::find_content_boxes (the same pass over the
    // content, so text_scan tells how far it got): one entry per page with
    // visible content, page order. A page without an entry draws nothing visible.
    std::vector<PageContent> content_boxes;
};

struct AnalyzeOptions {
    // Also extract the pages' text (pdf/text.hpp) and look for personal
    // identifiers in it. Only the hits leave the analysing child, never the text.
    bool find_person_ids = false;
    // Also measure where each page's content is drawn (Info::content_boxes), for
    // DP307. The same pass over the content streams as the text.
    bool find_content_boxes = false;
    // A time budget for the whole analysis, content pass included, counted from its
    // start (in the sandbox: the child's). When it runs out the answer says what is
    // known: a structure not read in time is Damage::time_limit (DP303); a content
    // pass cut short is TextScan::partial (DP307 "partial"), or failed when it had not
    // begun. 0: none (only the child's limits). [pdf] budget-ms; inside wall-seconds.
    std::int64_t budget_milliseconds = 0;
    [[nodiscard]] bool scans_content() const { return find_person_ids || find_content_boxes; }
};

// A child's memory, CPU and wall-clock limits (base/isolate.hpp).
using Limits = isolate::Limits;

// Analyses in this process. Never throws for bad input: damage is reported in Info.
Info analyze(const std::filesystem::path& file, const AnalyzeOptions& options = {});

// Analyses in a child process under `limits`; a child that dies or runs out is
// reported as damage (memory_limit, cpu_limit, time_limit, crashed). Never throws
// for bad input. With find_person_ids the child answers the analysis first and
// scans the text afterwards, under the same limits: a child that dies or runs
// out during the scan leaves the analysis as it was and makes text_scan failed.
//
// By default the child is fork()ed without exec: cheap, but only safe while the
// calling process has a single thread. See below for the modes a multi-threaded
// caller needs.
Info analyze_sandboxed(const std::filesystem::path& file, const Limits& limits, const AnalyzeOptions& options = {});

// The mode is the isolation module's (base/isolate.hpp), for the job "pdf.analyze"
// (ARGS: FILE SCAN BUDGET_MS; SCAN 0-3: 1 find_person_ids, 2 find_content_boxes): the fork server
// while it runs (isolate::start_server(), the gate), else exec mode when a program
// is set (isolate::set_program(): `PROGRAM __isolate-child pdf.analyze MEMORY_BYTES
// CPU_SECONDS FILE_BYTES FILE SCAN BUDGET_MS`, safe in a multi-threaded process), else fork
// mode. In server mode the caller waits at most Limits::wall_milliseconds + 2 s: no
// answer in time is time_limit, a missing or broken answer (the helper is gone) is
// internal. Same answers in every mode; the test hooks (detail::set_sandbox_child_hook)
// run in fork mode only.

}  // namespace preflight::pdf
