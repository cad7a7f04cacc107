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

// `value` with `digits` decimals (the shortest form when `digits` is negative) and the
// decimal mark of `lang`: nb "50,0", en "50.0".
std::string format_decimal(double value, int digits, Lang lang);

// A number with decimals for a message argument, before the language is known: text()
// shows it with the decimal mark of the language it writes (a marker in the value, not
// for any other use of the value).
std::string decimal(double value, int digits);

// `value` as a text in `lang`: the phrases (phrase() in base/error.hpp), numbers
// (decimal()) and file types (file_type()) in it worded in that language, as text()
// words its arguments. For a value that is shown without a message around it.
std::string words(std::string_view value, Lang lang);
// A file type as people say it, with its article, for a message argument: nb "et
// Word-dokument", en "a Word document", from the MIME type (the JSON report keeps the
// MIME type itself). text() words it in the message's language, like decimal().
std::string file_type(std::string_view mime);
// The same, worded in `lang` now.
std::string file_type_name(std::string_view mime, Lang lang);

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
