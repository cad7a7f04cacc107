// The chain engine: gathers the facts about a journal post, runs every check, and
// returns findings as data. Nothing here prints.
#pragma once

#include "validator/check.hpp"
#include "validator/config.hpp"
#include "validator/model.hpp"
#include "validator/routing.hpp"

namespace preflight::registry {
class Registers;
}

#include <vector>

namespace preflight {

enum class Verdict : std::uint8_t { pass, warn, block };
std::string_view to_string(Verdict v);

struct RunSettings {
    Channel channel = Channel::general;
    bool channel_given = false;  // --channel was on the command line: it overrides recipients
    bool sandbox = true;         // analyse PDFs in a child process with limits
    RunFlags flags;
    registry::Registers* directory = nullptr;  // where recipients are looked up; none: not looked up
    // Codes of the checks switched off (--select/--ignore, validator/selection.hpp);
    // the gate never sets any.
    std::vector<std::string> off;
    [[nodiscard]] bool runs(const Check& check) const;
};

struct Report {
    JournalPost post;
    Targets targets;
    std::vector<Finding> findings;  // sorted: post-level first, then by document, page, code
    [[nodiscard]] Verdict verdict() const;
    [[nodiscard]] bool fails(Severity threshold) const;
};

// Asks `directory` about every recipient whose method needs it (general, dpi,
// dpo, dpv, dpf, signing, and email for DP604) and has a valid identifier, then
// predicts every route.
void look_up_recipients(JournalPost& post, registry::Registers* directory);
Targets targets_for(const JournalPost& post, const RunSettings& settings);
// [pdf]: limits of the analysing child, read by pdf_limits(), and the analysis's
// time budget, read by pdf_budget_milliseconds().
Section pdf_section();
pdf::Limits pdf_limits(const Config& config);
// [pdf] budget-ms, kept inside wall-seconds: at most the wall clock less one second
// (half of it when that is less), so that the child answers before it is killed.
std::int64_t pdf_budget_milliseconds(const Config& config);

// Reads size, type and PDF facts of every document into `post`; with Fact::text in
// `facts`, also searches each document's text for fødselsnummer; with
// Fact::content_boxes, also measures where each PDF page's content is drawn. Each
// PDF's analysis keeps to `budget_milliseconds` (0: none; pdf::AnalyzeOptions).
void gather_facts(JournalPost& post, const pdf::Limits& limits, bool sandbox, Facts facts = {},
                  std::int64_t budget_milliseconds = 0);

Report run_checks(JournalPost post, const CheckSet& check_set, const Config& config, const RunSettings& settings);

}  // namespace preflight
