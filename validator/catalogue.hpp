// The one message catalogue: every text a user reads, in bokmål and English.
#pragma once

#include "validator/finding.hpp"
#include "validator/model.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace preflight::catalogue {

struct Entry {
    std::string_view id;
    std::string_view nb;
    std::string_view en;
};

// Every entry (for tests and tooling).
std::span<const Entry> entries();

// True when `id` is in the catalogue.
bool has(std::string_view id);

// The text of `id` in `lang` with its named placeholders ({limit}) filled from `args`.
// Throws std::out_of_range for an unknown id and fmt::format_error for a placeholder
// that `args` lacks: both are programming errors that the tests catch.
std::string text(std::string_view id, Lang lang, const MessageArgs& args = {});

// `preflight explain`: for each cause (what a log message means), the checks that would
// have caught it before sending, most likely first; and, for a cause with more than one
// possible reason, the note to add when a check blocks the letter of `--manifest`
// (`otherwise` when none does).
struct CauseChecks {
    std::string_view cause;
    std::vector<std::string_view> codes;
    std::vector<std::pair<std::string_view, std::string_view>> notes;  // code, note id
    std::string_view otherwise;
};
const std::vector<CauseChecks>& cause_checks();

}  // namespace preflight::catalogue
