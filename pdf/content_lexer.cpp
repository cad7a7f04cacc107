// See pdf/content_lexer.hpp.
#include "pdf/content_lexer.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <system_error>

namespace preflight::pdf::content {
namespace {

enum : std::uint8_t { regular = 0, space = 1, delimiter = 2, number_char = 4 };

constexpr std::array<std::uint8_t, 256> make_classes() {
    std::array<std::uint8_t, 256> c{};
    for (const unsigned char ch : {0, 9, 10, 12, 13, 32}) {
        c[ch] = space;
    }
    for (const unsigned char ch : {'(', ')', '<', '>', '[', ']', '{', '}', '/', '%'}) {
        c[ch] = delimiter;
    }
    for (const unsigned char ch : {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '+', '-', '.'}) {
        c[ch] = number_char;  // regular, and may make a number
    }
    return c;
}
constexpr std::array<std::uint8_t, 256> classes = make_classes();

inline std::uint8_t cls(char ch) { return classes[static_cast<unsigned char>(ch)]; }
inline bool is_regular(char ch) { return (cls(ch) & (space | delimiter)) == 0; }
inline bool is_space(char ch) { return cls(ch) == space; }
inline bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

using lex::hex_value;

// The value of a word made of digits, signs and dots: that of its longest
// well-formed prefix (sign, digits, dot, digits), 0 without one (as PoDoFo's
// strtol/strtod). Real when the word has a dot.
void number(std::string_view word, Operand& out) {
    out.kind = word.find('.') != std::string_view::npos ? OperandKind::real : OperandKind::integer;
    std::size_t i = 0;
    bool negative = false;
    if (i < word.size() && (word[i] == '+' || word[i] == '-')) {
        negative = word[i] == '-';
        ++i;
    }
    const std::size_t start = i;
    std::uint64_t mantissa = 0;
    int digits = 0;  // significant digits in mantissa
    int scale = 0;   // digits after the dot
    bool any = false;
    while (i < word.size() && is_digit(word[i])) {
        mantissa = mantissa * 10 + static_cast<unsigned>(word[i] - '0');
        digits += mantissa != 0 ? 1 : 0;
        any = true;
        ++i;
        if (digits > 18) {
            break;
        }
    }
    bool long_form = digits > 18;
    if (!long_form && i < word.size() && word[i] == '.') {
        ++i;
        while (i < word.size() && is_digit(word[i])) {
            mantissa = mantissa * 10 + static_cast<unsigned>(word[i] - '0');
            digits += mantissa != 0 ? 1 : 0;
            ++scale;
            any = true;
            ++i;
            if (digits > 15 || scale > 15) {
                long_form = true;
                break;
            }
        }
    }
    out.number = 0;
    if (!any) {
        return;
    }
    static constexpr std::array<double, 16> pow10 = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                     1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    if (!long_form && digits <= 15) {
        out.number = static_cast<double>(mantissa) / pow10[static_cast<std::size_t>(scale)];
    } else {
        // Long: from_chars over the well-formed prefix (it stops where that ends).
        double d = 0;
        const auto r = std::from_chars(word.data() + start, word.data() + word.size(), d, std::chars_format::fixed);
        out.number = r.ec == std::errc() ? d : 0;
    }
    if (negative) {
        out.number = -out.number;
    }
}

// "N G R" inside an array or dictionary (PoDoFo reads it as a reference there; at
// the top level R is an operator): `pos` is after N, an unsigned integer.
void reference(std::string_view s, std::size_t& pos, std::size_t start, Operand& out) {
    std::size_t j = pos;
    detail::skip_space(s, j);
    if (j == pos || j >= s.size() || !is_digit(s[j])) {
        return;
    }
    while (j < s.size() && is_digit(s[j])) {
        ++j;
    }
    const std::size_t after_generation = j;
    detail::skip_space(s, j);
    if (j == after_generation || j >= s.size() || s[j] != 'R' || (j + 1 < s.size() && is_regular(s[j + 1]))) {
        return;
    }
    out.kind = OperandKind::reference;
    out.text = s.substr(start, j + 1 - start);
    out.number = 0;
    pos = j + 1;
}

// A literal string: balanced parentheses, backslash escapes. pos is at '('.
bool skip_literal(std::string_view s, std::size_t& pos) {
    int open = 0;
    const char* p = s.data() + pos;
    const char* const end = s.data() + s.size();
    for (; p < end; ++p) {
        const char ch = *p;
        if (ch == '\\') {
            if (++p == end) {
                break;  // a backslash as the last byte: unterminated
            }
        } else if (ch == '(') {
            ++open;
        } else if (ch == ')') {
            if (--open == 0) {
                pos = static_cast<std::size_t>(p + 1 - s.data());
                return true;
            }
        }
    }
    return false;
}

// Array elements or dictionary entries up to `close`; pos is after the opening.
detail::Read read_until(std::string_view s, std::size_t& pos, char close, bool two, int depth) {
    Operand element;
    for (;;) {
        detail::skip_space(s, pos);
        if (pos >= s.size()) {
            return detail::Read::eof;
        }
        if (s[pos] == close && (!two || (pos + 1 < s.size() && s[pos + 1] == close))) {
            pos += two ? 2 : 1;
            return detail::Read::value;
        }
        const detail::Read r = detail::read(s, pos, element, depth + 1);
        if (r == detail::Read::keyword) {
            return detail::Read::syntax;
        }
        if (r != detail::Read::value) {
            return r;
        }
    }
}

}  // namespace

namespace detail {

void skip_space(std::string_view s, std::size_t& pos) {
    while (pos < s.size()) {
        const char ch = s[pos];
        if (is_space(ch)) {
            ++pos;
        } else if (ch == '%') {
            while (pos < s.size() && s[pos] != '\n' && s[pos] != '\r') {
                ++pos;
            }
        } else {
            return;
        }
    }
}

Read read(std::string_view s, std::size_t& pos, Operand& out, int depth) {
    skip_space(s, pos);
    if (pos >= s.size()) {
        return Read::end;
    }
    if (depth > ContentLexer::max_depth) {
        return Read::depth;
    }
    const std::size_t start = pos;
    const char ch = s[pos];
    switch (ch) {
        case '/': {
            std::size_t i = pos + 1;
            while (i < s.size() && is_regular(s[i])) {
                ++i;
            }
            out.kind = OperandKind::name;
            out.text = s.substr(pos + 1, i - pos - 1);
            pos = i;
            return Read::value;
        }
        case '(':
            if (!skip_literal(s, pos)) {
                pos = s.size();
                return Read::eof;
            }
            out.kind = OperandKind::literal_string;
            out.text = s.substr(start, pos - start);
            return Read::value;
        case '<': {
            if (pos + 1 < s.size() && s[pos + 1] == '<') {
                pos += 2;
                const Read r = read_until(s, pos, '>', true, depth);
                if (r != Read::value) {
                    return r;
                }
                out.kind = OperandKind::dict;
                out.text = s.substr(start, pos - start);
                return Read::value;
            }
            const auto close = s.find('>', pos + 1);
            if (close == std::string_view::npos) {
                pos = s.size();
                return Read::eof;
            }
            pos = close + 1;
            out.kind = OperandKind::hex_string;
            out.text = s.substr(start, pos - start);
            return Read::value;
        }
        case '[': {
            ++pos;
            const Read r = read_until(s, pos, ']', false, depth);
            if (r != Read::value) {
                return r;
            }
            out.kind = OperandKind::array;
            out.text = s.substr(start, pos - start);
            return Read::value;
        }
        case ')':
        case '>':
        case ']':
        case '{':
        case '}':
            // Starts no value: an operator of its own at the top level.
            out.text = s.substr(pos, 1);
            ++pos;
            return depth == 0 ? Read::keyword : Read::syntax;
        default:
            break;
    }
    std::size_t i = pos;
    bool numeric = true;
    while (i < s.size()) {
        const std::uint8_t c = cls(s[i]);
        if ((c & (space | delimiter)) != 0) {
            break;
        }
        numeric = numeric && c == number_char;
        ++i;
    }
    const std::string_view word = s.substr(pos, i - pos);
    pos = i;
    out.text = word;
    if (numeric) {
        number(word, out);
        if (depth > 0 && out.kind == OperandKind::integer && is_digit(word[0])) {
            reference(s, pos, start, out);
        }
        return Read::value;
    }
    if (word == "true" || word == "false") {
        out.kind = OperandKind::boolean;
        out.number = word == "true" ? 1 : 0;
        return Read::value;
    }
    if (word == "null") {
        out.kind = OperandKind::null;
        out.number = 0;
        return Read::value;
    }
    return Read::keyword;
}

}  // namespace detail

ContentLexer::Token ContentLexer::next(Operand& operand, std::string_view& op) {
    if (error_ != Error::none) {
        return Token::end;
    }
    if (image_next_) {
        image_next_ = false;
        skip_image_data();
        return Token::image;
    }
    switch (detail::read(s_, pos_, operand, 0)) {
        case detail::Read::value:
            return Token::operand;
        case detail::Read::keyword:
            op = operand.text;
            image_next_ = op == "ID";
            return Token::op;
        case detail::Read::end:
            return Token::end;
        case detail::Read::eof:
            error_ = Error::eof;
            break;
        case detail::Read::syntax:
            error_ = Error::syntax;
            break;
        case detail::Read::depth:
            error_ = Error::depth;
            break;
    }
    pos_ = s_.size();
    return Token::end;
}

// After ID: one white-space byte, then the data up to the first "EI" followed by
// white space or the stream's end (PoDoFo's rule; ASCIIHex data may end in ">EI"),
// which is then read as the next operator; without one, the data runs to the end
// of the stream. Never a later EI: image bytes after an early EI are read as
// operators (harmless), whereas skipping to a later one would hide the content in
// between from the text scan and the content boxes. One pass: linear.
void ContentLexer::skip_image_data() {
    if (pos_ < s_.size() && is_space(s_[pos_])) {
        ++pos_;
    }
    for (std::size_t i = s_.find("EI", pos_); i != std::string_view::npos; i = s_.find("EI", i + 1)) {
        if (i + 2 >= s_.size() || is_space(s_[i + 2])) {
            pos_ = i;
            return;
        }
    }
    pos_ = s_.size();
}

void decode_string(const Operand& string, std::string& out) {
    out.clear();
    if (!string.is_string() || string.text.size() < 2) {
        return;
    }
    const std::string_view in = string.text.substr(1, string.text.size() - 2);
    if (string.kind == OperandKind::hex_string) {
        int high = -1;
        for (const char ch : in) {
            const int v = hex_value(ch);
            if (v < 0) {
                continue;  // white space (anything else: lenient)
            }
            if (high < 0) {
                high = v;
            } else {
                out += static_cast<char>(high * 16 + v);
                high = -1;
            }
        }
        if (high >= 0) {
            out += static_cast<char>(high * 16);
        }
        return;
    }
    // Most strings have neither escapes nor CRs: copied at once.
    // (find_first_of with a two-byte set calls memchr per byte.)
    if (std::none_of(in.begin(), in.end(), [](char ch) { return ch == '\\' || ch == '\r'; })) {
        out.assign(in);
        return;
    }
    for (std::size_t i = 0; i < in.size(); ++i) {
        char ch = in[i];
        if (ch == '\r') {
            out += '\n';
            if (i + 1 < in.size() && in[i + 1] == '\n') {
                ++i;
            }
            continue;
        }
        if (ch != '\\') {
            out += ch;
            continue;
        }
        if (++i >= in.size()) {
            break;
        }
        ch = in[i];
        switch (ch) {
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case '\r':  // a line continued: the backslash and the end of line vanish
                if (i + 1 < in.size() && in[i + 1] == '\n') {
                    ++i;
                }
                break;
            case '\n':
                break;
            default:
                if (ch >= '0' && ch <= '7') {
                    int v = ch - '0';
                    for (int n = 1; n < 3 && i + 1 < in.size() && in[i + 1] >= '0' && in[i + 1] <= '7'; ++n) {
                        v = v * 8 + (in[++i] - '0');
                    }
                    out += static_cast<char>(v & 0xff);
                } else {
                    out += ch;  // \( \) \\ and unknown escapes: the character
                }
                break;
        }
    }
}

}  // namespace preflight::pdf::content
