// The facts preflight needs from one PDF, as plain data. Produced by analyze()
// (in process, for trusted input and tests) or analyze_sandboxed() (a child
// process with limits, for everything a user hands us).
#pragma once

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
};

struct Limits {
    std::uint64_t memory_bytes = 1024ULL * 1024 * 1024;  // address space of the child
    int cpu_seconds = 20;
    int wall_milliseconds = 30000;
};

// Analyses in this process. Never throws for bad input: damage is reported in Info.
Info analyze(const std::filesystem::path& file);

// Analyses in a forked child under `limits`; a child that dies or runs out is
// reported as damage (memory_limit, cpu_limit, time_limit, crashed). Never throws
// for bad input.
Info analyze_sandboxed(const std::filesystem::path& file, const Limits& limits);

}  // namespace preflight::pdf
