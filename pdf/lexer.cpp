#include "pdf/lexer.hpp"

#include <array>
#include <charconv>
#include <system_error>

namespace preflight::pdf::lex {
namespace {

enum : std::uint8_t { regular = 0, space = 1, delimiter = 2 };

constexpr std::array<std::uint8_t, 256> make_classes() {
    std::array<std::uint8_t, 256> c{};
    for (const unsigned char ch : {0, 9, 10, 12, 13, 32}) {
        c[ch] = space;
    }
    for (const unsigned char ch : {'(', ')', '<', '>', '[', ']', '{', '}', '/', '%'}) {
        c[ch] = delimiter;
    }
    return c;
}
constexpr std::array<std::uint8_t, 256> classes = make_classes();

inline std::uint8_t cls(char ch) { return classes[static_cast<unsigned char>(ch)]; }
inline bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

// A literal string: balanced parentheses, backslash escapes. pos is at '('.
bool skip_string(std::string_view s, std::size_t& pos) {
    int open = 0;
    for (std::size_t i = pos; i < s.size(); ++i) {
        const char ch = s[i];
        if (ch == '\\') {
            ++i;
        } else if (ch == '(') {
            ++open;
        } else if (ch == ')') {
            if (--open == 0) {
                pos = i + 1;
                return true;
            }
        }
    }
    return false;
}

// A number, or "N G R". pos is at a digit, '+', '-' or '.'.
bool read_number(std::string_view s, std::size_t& pos, Value& out) {
    const std::size_t start = pos;
    std::size_t i = pos;
    if (s[i] == '+' || s[i] == '-') {
        ++i;
    }
    const std::size_t digits_start = i;
    while (i < s.size() && is_digit(s[i])) {
        ++i;
    }
    const bool int_digits = i > digits_start;
    bool dot = false;
    bool frac_digits = false;
    if (i < s.size() && s[i] == '.') {
        dot = true;
        ++i;
        while (i < s.size() && is_digit(s[i])) {
            ++i;
            frac_digits = true;
        }
    }
    if (!int_digits && !frac_digits) {
        return false;
    }
    if (i < s.size() && cls(s[i]) == regular) {
        return false;  // "12abc", "1.2.3", "--5"
    }
    const char* first = s.data() + start + (s[start] == '+' ? 1 : 0);
    const char* last = s.data() + i;
    out.text = s.substr(start, i - start);
    pos = i;
    if (dot) {
        // Most reals in PDF are short ("595.2756"): digits / 10^n, both exact in a
        // double, gives the correctly rounded value, as from_chars would.
        static constexpr std::array<double, 16> pow10 = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                         1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
        std::uint64_t mantissa = 0;
        int digits = 0;
        int scale = 0;
        bool after_dot = false;
        for (const char* p = first; p != last; ++p) {
            if (*p == '.') {
                after_dot = true;
            } else if (*p != '-') {
                mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
                if (mantissa != 0 || after_dot) {
                    ++digits;
                }
                if (after_dot) {
                    ++scale;
                }
            }
        }
        double d = 0;
        if (digits <= 15 && scale <= 15) {
            d = static_cast<double>(mantissa) / pow10[static_cast<std::size_t>(scale)];
            if (*first == '-') {
                d = -d;
            }
        } else {
            const auto r = std::from_chars(first, last, d, std::chars_format::fixed);
            if (r.ec != std::errc() || r.ptr != last) {
                return false;
            }
        }
        out.kind = Kind::real;
        out.real = d;
        return true;
    }
    long long v = 0;
    const auto r = std::from_chars(first, last, v);
    if (r.ec == std::errc::result_out_of_range) {
        double d = 0;
        const auto rd = std::from_chars(first, last, d, std::chars_format::fixed);
        if (rd.ec != std::errc()) {
            return false;
        }
        out.kind = Kind::real;
        out.real = d;
        return true;
    }
    if (r.ec != std::errc() || r.ptr != last) {
        return false;
    }
    out.kind = Kind::integer;
    out.integer = v;
    out.real = static_cast<double>(v);

    // "N G R": a non-negative integer, white space, an integer, white space, 'R'.
    if (s[start] == '+' || s[start] == '-' || v > 0x7fffffffLL) {
        return true;
    }
    std::size_t j = i;
    skip_space(s, j);
    if (j == i || j >= s.size() || !is_digit(s[j])) {
        return true;
    }
    const std::size_t gen_start = j;
    while (j < s.size() && is_digit(s[j])) {
        ++j;
    }
    if (j - gen_start > 5) {
        return true;
    }
    unsigned gen = 0;
    std::from_chars(s.data() + gen_start, s.data() + j, gen);
    const std::size_t after_gen = j;
    skip_space(s, j);
    if (j == after_gen || j >= s.size() || s[j] != 'R') {
        return true;
    }
    if (j + 1 < s.size() && cls(s[j + 1]) == regular) {
        return true;  // "5 0 RG" is not a ref
    }
    out.kind = Kind::ref;
    out.generation = gen;
    out.text = s.substr(start, j + 1 - start);
    pos = j + 1;
    return true;
}

}  // namespace

void skip_space(std::string_view s, std::size_t& pos) {
    while (pos < s.size()) {
        const char ch = s[pos];
        if (cls(ch) == space) {
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

bool read_value(std::string_view s, std::size_t& pos, Value& out, int depth) {
    if (depth > max_depth) {
        return false;
    }
    skip_space(s, pos);
    if (pos >= s.size()) {
        return false;
    }
    const std::size_t start = pos;
    const char ch = s[pos];
    out = Value{};
    switch (ch) {
        case '/': {
            std::size_t i = pos + 1;
            while (i < s.size() && cls(s[i]) == regular) {
                ++i;
            }
            out.kind = Kind::name;
            out.text = s.substr(pos + 1, i - pos - 1);
            pos = i;
            return true;
        }
        case '(':
            if (!skip_string(s, pos)) {
                return false;
            }
            out.kind = Kind::string;
            out.text = s.substr(start, pos - start);
            return true;
        case '<': {
            if (pos + 1 < s.size() && s[pos + 1] == '<') {
                pos += 2;
                for (;;) {
                    skip_space(s, pos);
                    if (pos + 1 < s.size() && s[pos] == '>' && s[pos + 1] == '>') {
                        pos += 2;
                        break;
                    }
                    Value key;
                    Value value;
                    if (!read_value(s, pos, key, depth + 1) || key.kind != Kind::name) {
                        return false;
                    }
                    if (!read_value(s, pos, value, depth + 1)) {
                        return false;
                    }
                }
                out.kind = Kind::dict;
                out.text = s.substr(start, pos - start);
                return true;
            }
            // A hex string: like PoDoFo, anything up to '>' is accepted (bad digits are
            // its decoder's business; this reader never decodes strings).
            const auto close = s.find('>', pos + 1);
            if (close == std::string_view::npos) {
                return false;
            }
            const std::size_t i = close;
            pos = i + 1;
            out.kind = Kind::string;
            out.text = s.substr(start, pos - start);
            return true;
        }
        case '[': {
            ++pos;
            for (;;) {
                skip_space(s, pos);
                if (pos < s.size() && s[pos] == ']') {
                    ++pos;
                    break;
                }
                Value element;
                if (!read_value(s, pos, element, depth + 1)) {
                    return false;
                }
            }
            out.kind = Kind::array;
            out.text = s.substr(start, pos - start);
            return true;
        }
        default:
            break;
    }
    if (is_digit(ch) || ch == '+' || ch == '-' || ch == '.') {
        return read_number(s, pos, out);
    }
    if (cls(ch) != regular) {
        return false;  // ) > ] { } where a value should start
    }
    std::size_t i = pos;
    while (i < s.size() && cls(s[i]) == regular) {
        ++i;
    }
    const std::string_view word = s.substr(pos, i - pos);
    if (word == "null") {
        out.kind = Kind::null;
    } else if (word == "true" || word == "false") {
        out.kind = Kind::boolean;
        out.integer = word == "true" ? 1 : 0;
    } else {
        return false;  // "endobj", "stream", a stray R: not a value
    }
    out.text = word;
    pos = i;
    return true;
}

bool name_equals(std::string_view raw_name, std::string_view plain) {
    if (raw_name.find('#') == std::string_view::npos) {
        return raw_name == plain;
    }
    return decode_name(raw_name) == plain;
}

std::string decode_name(std::string_view raw_name) {
    std::string out;
    if (raw_name.find('#') == std::string_view::npos) {
        out.assign(raw_name);
        return out;
    }
    out.reserve(raw_name.size());
    for (std::size_t i = 0; i < raw_name.size(); ++i) {
        if (raw_name[i] == '#' && i + 2 < raw_name.size() && hex_value(raw_name[i + 1]) >= 0 &&
            hex_value(raw_name[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(raw_name[i + 1]) * 16 + hex_value(raw_name[i + 2]));
            i += 2;
        } else {
            out += raw_name[i];
        }
    }
    return out;
}

int hex_value(char ch) {
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

}  // namespace preflight::pdf::lex
