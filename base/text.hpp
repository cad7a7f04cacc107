// UTF-8 helpers over utf8proc: validity, NFC, character counts, case folding.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace preflight::text {

[[nodiscard]] bool valid_utf8(std::string_view s);
// NFC form of valid UTF-8; invalid input is returned unchanged.
[[nodiscard]] std::string nfc(std::string_view s);
// Unicode code points after NFC (a decomposed «å» counts once).
[[nodiscard]] std::size_t char_count(std::string_view s);
// NFC, case-folded, trimmed of Unicode white space: the key two names collide on.
[[nodiscard]] std::string name_key(std::string_view s);
// ASCII letters to lower case, every other byte as it is (for protocol words,
// MIME types and file extensions, not for names).
[[nodiscard]] std::string ascii_lower(std::string_view s);
// Trims Unicode white space at both ends (valid UTF-8 only; else ASCII white space).
[[nodiscard]] std::string trim(std::string_view s);
// Trims spaces and tabs only (HTTP's optional white space), whatever the bytes are.
[[nodiscard]] std::string_view trim_blanks(std::string_view s);
// The value of a hexadecimal digit, or -1.
[[nodiscard]] int hex_digit(char c);
// Appends code point `c` as UTF-8; surrogates and values above U+10FFFF become U+FFFD.
void append_utf8(std::string& out, char32_t c);
// Replaces invalid UTF-8 sequences by U+FFFD so the text can be shown or put in JSON.
[[nodiscard]] std::string printable(std::string_view s);

// Replaces C0 and C1 control characters and DEL in valid UTF-8 by "\uXXXX".
[[nodiscard]] std::string escape_controls(std::string_view s);

// `s` escaped for XML or HTML text and attribute values: & < > " ' and newline,
// tab and carriage return as character references.
[[nodiscard]] std::string xml_escape(std::string_view s);

}  // namespace preflight::text
