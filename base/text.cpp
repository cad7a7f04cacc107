#include "base/text.hpp"

#include <fmt/format.h>
#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace preflight::text {
namespace {

struct FreeDeleter {
    void operator()(utf8proc_uint8_t* p) const { std::free(p); }  // NOLINT(cppcoreguidelines-no-malloc)
};

std::string map(std::string_view s, int options) {
    utf8proc_uint8_t* out = nullptr;
    const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                static_cast<utf8proc_ssize_t>(s.size()), &out, static_cast<utf8proc_option_t>(options));
    std::unique_ptr<utf8proc_uint8_t, FreeDeleter> owner(out);
    if (n < 0) {
        return std::string(s);
    }
    return {reinterpret_cast<const char*>(out), static_cast<std::size_t>(n)};
}

bool is_space(utf8proc_int32_t cp) {
    const auto cat = utf8proc_category(cp);
    return cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' || cat == UTF8PROC_CATEGORY_ZS ||
           cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

}  // namespace

bool valid_utf8(std::string_view s) {
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
    auto left = static_cast<utf8proc_ssize_t>(s.size());
    while (left > 0) {
        utf8proc_int32_t cp = 0;
        const auto n = utf8proc_iterate(p, left, &cp);
        if (n <= 0 || cp < 0) {
            return false;
        }
        p += n;
        left -= n;
    }
    return true;
}

std::string nfc(std::string_view s) {
    if (!valid_utf8(s)) {
        return std::string(s);
    }
    return map(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

std::size_t char_count(std::string_view s) {
    const std::string composed = nfc(s);
    std::size_t count = 0;
    for (const unsigned char c : composed) {
        if ((c & 0xC0U) != 0x80U) {
            ++count;
        }
    }
    return count;
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

std::string trim(std::string_view s) {
    if (!valid_utf8(s)) {
        const auto first = s.find_first_not_of(" \t\r\n\v\f");
        if (first == std::string_view::npos) {
            return {};
        }
        const auto last = s.find_last_not_of(" \t\r\n\v\f");
        return std::string(s.substr(first, last - first + 1));
    }
    std::size_t begin = 0;
    std::size_t end = 0;
    bool seen = false;
    const auto* base = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
    std::size_t pos = 0;
    while (pos < s.size()) {
        utf8proc_int32_t cp = 0;
        const auto n = utf8proc_iterate(base + pos, static_cast<utf8proc_ssize_t>(s.size() - pos), &cp);
        if (!is_space(cp)) {
            if (!seen) {
                begin = pos;
                seen = true;
            }
            end = pos + static_cast<std::size_t>(n);
        }
        pos += static_cast<std::size_t>(n);
    }
    return seen ? std::string(s.substr(begin, end - begin)) : std::string();
}

std::string name_key(std::string_view s) {
    if (!valid_utf8(s)) {
        return trim(s);
    }
    return map(trim(s), UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
}

std::string printable(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    const auto* base = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
    std::size_t pos = 0;
    while (pos < s.size()) {
        utf8proc_int32_t cp = 0;
        const auto n = utf8proc_iterate(base + pos, static_cast<utf8proc_ssize_t>(s.size() - pos), &cp);
        if (n <= 0 || cp < 0) {
            out += "\xEF\xBF\xBD";
            ++pos;
            continue;
        }
        out.append(s.substr(pos, static_cast<std::size_t>(n)));
        pos += static_cast<std::size_t>(n);
    }
    return out;
}

std::string escape_controls(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7F) {
            out += fmt::format("\\u{:04X}", c);
        } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
            out += fmt::format("\\u{:04X}", static_cast<unsigned char>(s[i + 1]));
            ++i;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

void append_utf8(std::string& out, char32_t c) {
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        c = 0xFFFD;
    }
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

// Escaped for XML and HTML text and attribute values (also newline, tab and CR as
// character references, so that an attribute keeps them).
std::string xml_escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            case '\n':
                out += "&#10;";
                break;
            case '\t':
                out += "&#9;";
                break;
            case '\r':
                out += "&#13;";
                break;
            default:
                // Other C0 controls are not allowed in XML 1.0 at all (clean_text() escapes
                // them already; this keeps the XML well-formed whatever comes in).
                if (static_cast<unsigned char>(c) < 0x20) {
                    out += "\xEF\xBF\xBD";  // U+FFFD
                } else {
                    out += c;
                }
        }
    }
    // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML characters either.
    for (std::size_t at = out.find("\xEF\xBF"); at != std::string::npos; at = out.find("\xEF\xBF", at + 1)) {
        if (at + 2 < out.size() && (out[at + 2] == '\xBE' || out[at + 2] == '\xBF')) {
            out[at + 2] = '\xBD';  // U+FFFD
        }
    }
    return out;
}

}  // namespace preflight::text
