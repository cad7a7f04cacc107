// A content-stream tokenizer over memory, for the content pass (pdf/content.cpp):
// operators and their operands, without an allocation per token. It replaces
// PoDoFo's PdfContentsTokenizer, whose PdfVariant operands (a copy, a malloc and
// a string decode per operand) took over a third of the time of a whole check.
//
// Operands are views of the content: strings are decoded (decode_string) and
// names unescaped (decode_name) only where an operator needs them; the elements
// of an array (TJ) are read again from its text (for_each_element).
//
// Malformed content: a byte that starts no token (")", ">", "]", "{", "}") is
// an operator of its own (unknown, so ignored with its operands); a number-like
// word ("1e5", "--5") is what PoDoFo makes of it (a keyword; a number: the value
// of its longest well-formed prefix); "R" is an operator at the top level
// (content has no references; "N G R" inside an array or dictionary is one
// value, as in PoDoFo). An unterminated string, array or dictionary, an operator inside
// an array or dictionary, or nesting deeper than max_depth ends the stream with
// error() set (PoDoFo threw a PdfError there). Inline image data (after ID) runs
// to an "EI" with white space before and after it (else to the first EI with
// white space after it, as in PoDoFo, else to the end of the stream).
// Every call to next() moves forward or ends: no loop, no read past the end.
// Internal to pdf/.
#pragma once

#include "pdf/lexer.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace preflight::pdf::content {

// reference: "N G R", only inside an array or dictionary.
enum class OperandKind : std::uint8_t {
    null,
    boolean,
    integer,
    real,
    name,
    literal_string,
    hex_string,
    array,
    dict,
    reference
};

struct Operand {
    OperandKind kind = OperandKind::null;
    // name: the raw name after '/', #xx not decoded; string: with its delimiters,
    // "(...)" or "<...>"; array and dict: the whole value, "[...]", "<<...>>";
    // everything else: the token as written.
    std::string_view text;
    double number = 0;  // integer and real; boolean: 0 or 1

    [[nodiscard]] bool is_number() const { return kind == OperandKind::integer || kind == OperandKind::real; }
    [[nodiscard]] bool is_name() const { return kind == OperandKind::name; }
    [[nodiscard]] bool is_string() const {
        return kind == OperandKind::literal_string || kind == OperandKind::hex_string;
    }
    [[nodiscard]] bool is_array() const { return kind == OperandKind::array; }
};

class ContentLexer {
public:
    enum class Token : std::uint8_t { end, operand, op, image };
    // Why the stream ended early: an unterminated string, array or dictionary;
    // a syntax error inside an array or dictionary; nesting deeper than max_depth.
    enum class Error : std::uint8_t { none, eof, syntax, depth };
    static constexpr int max_depth = 64;

    explicit ContentLexer(std::string_view content) : s_(content) {}

    // The next token: an operand (in `operand`), an operator (in `op`, a view of
    // the content), inline image data (the bytes between ID and EI, skipped) or
    // the end (of the content, or at an error).
    Token next(Operand& operand, std::string_view& op);

    [[nodiscard]] Error error() const { return error_; }
    [[nodiscard]] std::size_t position() const { return pos_; }

private:
    void skip_image_data();

    std::string_view s_;
    std::size_t pos_ = 0;
    bool image_next_ = false;
    Error error_ = Error::none;
};

// The bytes of a string operand: escapes decoded, CR and CR LF in a literal
// string read as LF, a hex string's odd last digit followed by 0. Replaces `out`.
void decode_string(const Operand& string, std::string& out);

// A name with its #xx escapes decoded (the page-tree lexer's).
using lex::decode_name;

namespace detail {
enum class Read : std::uint8_t { value, keyword, end, eof, syntax, depth };
// Reads the value or keyword at `pos` (after white space and comments) into
// `out` (a keyword's text in out.text); `end` at the end of `s`. Used by ContentLexer and for_each_element.
Read read(std::string_view s, std::size_t& pos, Operand& out, int depth);
void skip_space(std::string_view s, std::size_t& pos);
}  // namespace detail

// Calls f(const Operand&) for each element of an array operand, in order
// (nested arrays and dictionaries as one element each).
template <typename F>
void for_each_element(const Operand& array, F&& f) {
    if (array.kind != OperandKind::array || array.text.size() < 2) {
        return;
    }
    const std::string_view inner = array.text.substr(1, array.text.size() - 2);
    std::size_t pos = 0;
    Operand element;
    while (detail::read(inner, pos, element, 1) == detail::Read::value) {
        f(static_cast<const Operand&>(element));
    }
}

}  // namespace preflight::pdf::content
