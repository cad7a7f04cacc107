// `preflight fix`: a print-ready copy of a PDF, every page portrait A4.
//
// Through PoDoFo, over the input's own objects (so the document information,
// XMP metadata, outlines, fonts and the text itself stay as they are):
// - a page that is portrait A4 within the tolerance is kept unchanged;
// - a landscape A4 page is turned to portrait (its /Rotate, plus 90);
// - any other page becomes a form XObject (its content streams and resources,
//   clipped to its CropBox, turned by its own /Rotate) drawn on a new portrait
//   A4 page: scaled to fit, never enlarged, aspect ratio kept, centred in the
//   area right of the print service's left strip (18 mm + 2 mm) and inside a
//   10 mm margin elsewhere; turned a quarter when that gives a larger scale.
//   With two_up, two landscape pages in a row share one A4 page, one above the
//   other. The page objects stay (links and outlines keep pointing at them);
//   their annotations move with the content (/Rect and /QuadPoints mapped).
// The page tree is written flat, with every inherited attribute made explicit.
//
// The caller checks the input first (encrypted, damaged, no pages: refused) and
// runs fix() in a child process under limits (fix_sandboxed()); fix() reads and
// writes only the files it is given.
#pragma once

#include "pdf/pdf_info.hpp"

#include <filesystem>
#include <string>

namespace preflight::pdf {

struct FixOptions {
    bool two_up = false;
    double tolerance_mm = 10;  // as DP301's tolerance-mm
    double strip_mm = 18;      // the print service's left strip, kept free on placed pages
};

struct FixResult {
    bool ok = false;
    std::string error;  // why not (short, English, technical), when !ok
    int pages_in = 0;
    int pages_out = 0;
    int kept = 0;         // portrait A4 already
    int turned = 0;       // landscape A4, turned
    int placed = 0;       // drawn scaled on a new A4 page (pages of two-up pairs included)
    int two_up = 0;       // output pages holding two input pages
    int rotated = 0;      // placed pages turned a quarter to fit better
    int annotations = 0;  // annotations moved with their page's content
};

// Writes the fixed copy of `in` to `out` (which must not be `in`). In this process.
FixResult fix(const std::filesystem::path& in, const std::filesystem::path& out, const FixOptions& options = {});

// fix() in a limited child under `limits` (memory, CPU time, wall clock): the job
// "pdf.fix" of isolate::run_job(), so in fork mode for the CLI and through the fork
// server in the gate (safe in its threads); a child that dies or runs out is an
// error result naming the limit.
FixResult fix_sandboxed(const std::filesystem::path& in, const std::filesystem::path& out, const FixOptions& options,
                        const Limits& limits);

}  // namespace preflight::pdf
