// JSON as users see it: 1-based positions, JSON pointers in their words, parsing that
// always says where it failed, and parsing within a memory budget.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace preflight {

// 1-based line and column of byte `offset` in `text` (columns count characters).
struct TextPosition {
    std::size_t line = 1;
    std::size_t column = 1;
};
TextPosition position_of(std::string_view text, std::size_t offset);

// One reference token of a JSON pointer (RFC 6901): '~' -> "~0", '/' -> "~1".
std::string escape_pointer_token(std::string_view token);

// A JSON pointer as users read it: "/documents/1/role" -> "documents[1].role",
// "" -> "(root)".
std::string display_pointer(std::string_view pointer);

// The reason of a JSON parser's error message (nlohmann's what()) as a catalogue phrase
// (phrase() in base/error.hpp, "json.reason.*"): without its position (callers give
// their own) and without the text last read (it may hold personal data).
std::string json_syntax_reason(std::string_view what);

// Why a JSON text could not be parsed: where (the byte offset the parser had reached)
// and the reason (json_syntax_reason of the parser's message, a phrase).
struct JsonSyntaxError {
    std::size_t offset = 0;
    std::string detail;
};

// nlohmann::json::parse, but every failure is a JsonSyntaxError with a place: a syntax
// error and also a number too large for a double ("1e400"), which nlohmann reports as
// out_of_range without a position.
nlohmann::json parse_json(std::string_view text);

// What parsing builds in memory, told as it is built: `charge(bytes)` is called with
// an estimate of each value's share of the tree (the value, a string's or key's bytes,
// a container's bookkeeping); when it returns false the parse stops at once and
// JsonOverBudget is thrown. The gate parses clients' JSON this way, within its
// memory budget (server/budget.hpp), so that a 4 MiB body of a million small values
// is refused before it costs a hundred megabytes.
using JsonCharge = std::function<bool(std::size_t bytes)>;
struct JsonOverBudget {};
nlohmann::json parse_json(std::string_view text, const JsonCharge& charge);

// Byte offset where the value at `pointer` (e.g. "/documents/1/role") starts in
// valid JSON `text`; the offset of the deepest existing ancestor when absent.
std::size_t locate(std::string_view text, std::string_view pointer);

}  // namespace preflight
