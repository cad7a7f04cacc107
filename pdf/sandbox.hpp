// One PDF analysis as an item of a batch (base/isolate_batch.hpp): a letter's
// documents analysed in one limited child. analyze_sandboxed() (pdf_info.hpp) is
// the same job alone; the answer of one item, and its mapping, are the same.
#pragma once

#include "base/isolate_batch.hpp"
#include "pdf/pdf_info.hpp"

#include <filesystem>

namespace preflight::pdf {

// The job "pdf.analyze" for `file`, with the file's size as its extra bytes (mapped).
isolate::BatchItem analysis_item(const std::filesystem::path& file, const AnalyzeOptions& options = {});

// What the child answered for that item (or how it ended while on it) as an Info,
// exactly as analyze_sandboxed() maps its own child. Never throws.
Info analysis_of(const isolate::Outcome& outcome, const std::filesystem::path& file, const Limits& limits,
                 const AnalyzeOptions& options = {});

}  // namespace preflight::pdf
