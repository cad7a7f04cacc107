// `preflight fix`: a print-ready copy of one PDF (pdf/fix.hpp does the pages), and
// shorter names for the documents of a journal post that DP101 stops.
#pragma once

#include "pdf/fix.hpp"
#include "report/render.hpp"
#include "validator/config.hpp"
#include "validator/engine.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace preflight::fixup {

struct PdfFix {
    std::string in, out;  // as given
    // The input checked for print first. refused: a finding there says why it
    // cannot be fixed (encrypted, damaged, no pages, not a PDF, missing).
    Report input;
    bool refused = false;
    std::vector<Finding> reasons;  // the input's findings that refused it
    pdf::FixResult result;         // when not refused
    // The written copy checked for print (when the fix succeeded).
    std::optional<Report> output;
    [[nodiscard]] bool fixed() const { return !refused && result.ok; }
};

// Checks `in`, writes the fixed copy to a temporary file beside `out` in a
// sandboxed child, renames it to `out` only when complete, and checks the copy.
// Throws UsageError when `out` is `in`, or exists and `force` is false.
PdfFix fix_pdf(const std::filesystem::path& in, const std::filesystem::path& out, const pdf::FixOptions& options,
               bool force, const CheckSet& check_set, const Config& config, const RunSettings& settings);

std::string render_fix(const PdfFix& fix, Format format, const RenderOptions& options);

struct NameProposal {
    std::string file;
    std::string name;
    std::size_t chars = 0;
    std::size_t limit = 0;
    std::string proposal;
    std::size_t proposal_chars = 0;
    // The main document's name equals the journal post's title (DP406 needs that):
    // the title is to be changed to the proposal too.
    bool retitle = false;
};

// A name of at most `limit` characters (Unicode, after NFC) for `name`, cut at a
// word boundary with "…" where it was cut. When other names of the post share
// its first words, those are what gets shortened and the words that tell it
// apart are kept. Differs (as DP405 compares) from every name in `taken`.
std::string shorter_name(const std::string& name, std::size_t limit, const std::vector<std::string>& others,
                         const std::vector<std::string>& taken);

// A proposal for every document of `report` whose finding a shorter name answers
// (Check::answered_by_shorter_name: name-length).
std::vector<NameProposal> propose_names(const Report& report, const CheckSet& check_set);

// Text (for people to copy into the archive system) or JSON.
std::string render_names(const std::vector<NameProposal>& proposals, Format format, const RenderOptions& options);

}  // namespace preflight::fixup
