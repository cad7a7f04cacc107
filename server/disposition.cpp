#include "server/disposition.hpp"
#include "base/error.hpp"

#include "base/text.hpp"

#include <array>
#include <vector>

namespace preflight::server {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string latin1_to_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x80U) {
            out += c;
        } else {
            out += static_cast<char>(0xC0U | (u >> 6U));
            out += static_cast<char>(0x80U | (u & 0x3FU));
        }
    }
    return out;
}

// RFC 5987 attr-char as the integrasjonspunkt's decoder accepts it.
bool is_attr_char(char c) {
    constexpr std::string_view extra = "!#$&+-.^_`|~";
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           extra.find(c) != std::string_view::npos;
}

// charset'language'value-chars: only UTF-8 and ISO-8859-1, spelled so.
std::optional<std::string> decode_extended(std::string_view v, std::string& problem) {
    const auto q1 = v.find('\'');
    const auto q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
    if (q2 == std::string_view::npos) {
        problem = phrase("disposition.no-charset");
        return std::nullopt;
    }
    const std::string charset = text::ascii_lower(v.substr(0, q1));
    if (charset != "utf-8" && charset != "iso-8859-1") {
        problem = phrase("disposition.charset", {{"charset", std::string(v.substr(0, q1))}});
        return std::nullopt;
    }
    std::string raw;
    for (std::size_t i = q2 + 1; i < v.size(); ++i) {
        if (v[i] == '%') {
            const int h = i + 2 < v.size() ? text::hex_digit(v[i + 1]) : -1;
            const int l = i + 2 < v.size() ? text::hex_digit(v[i + 2]) : -1;
            if (h < 0 || l < 0) {
                problem = phrase("disposition.bad-escape");
                return std::nullopt;
            }
            raw += static_cast<char>(h * 16 + l);
            i += 2;
        } else if (is_attr_char(v[i])) {
            raw += v[i];
        } else {
            problem = phrase("disposition.unescaped");
            return std::nullopt;
        }
    }
    if (charset == "iso-8859-1") {
        return latin1_to_utf8(raw);
    }
    if (!text::valid_utf8(raw)) {
        problem = phrase("disposition.extended-utf8");
        return std::nullopt;
    }
    return raw;
}

}  // namespace

DispositionReading read_disposition(std::string_view value, HeaderBytes bytes) {
    DispositionReading r;
    const auto fail = [&](std::string why) {
        r.problem = std::move(why);
        r.name.reset();
        r.filename.reset();
        return r;
    };
    // Split at ';' outside quotes. A backslash is an escape to Spring and to Tomcat's
    // part parser, a plain character to the integrasjonspunkt's own copy: refused.
    std::vector<std::string_view> parts;
    {
        bool quoted = false;
        std::size_t start = 0;
        for (std::size_t i = 0; i < value.size(); ++i) {
            const char c = value[i];
            if (c == '\\') {
                // An escape to Spring's and Tomcat's tokenisers, inside quotes and out; a
                // plain character to the integrasjonspunkt's own copy.
                return fail(phrase("disposition.backslash"));
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                parts.push_back(value.substr(start, i - start));
                start = i + 1;
            } else if (c == '\r' || c == '\n' || c == '\0') {
                return fail(phrase("disposition.control"));
            }
        }
        if (quoted) {
            return fail(phrase("disposition.unbalanced"));
        }
        parts.push_back(value.substr(start));
    }
    r.type = std::string(text::trim_blanks(parts.front()));
    if (r.type.empty() || r.type.find_first_of("\"=") != std::string::npos) {
        return fail(phrase("disposition.no-type"));
    }
    std::optional<std::string> plain_name;
    std::optional<std::string> ext_name;
    std::optional<std::string> plain_file;
    std::optional<std::string> ext_file;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const std::string_view part = text::trim_blanks(parts[i]);
        if (part.empty()) {
            continue;
        }
        const auto eq = part.find('=');
        if (eq == std::string_view::npos) {
            return fail(phrase("disposition.no-equals"));
        }
        const std::string_view attribute = part.substr(0, eq);
        const std::string key = text::ascii_lower(text::trim_blanks(attribute));
        const bool ours = key == "name" || key == "name*" || key == "filename" || key == "filename*";
        if (!ours) {
            continue;  // size, creation-date, ...: not read by the gate
        }
        if (attribute != key) {
            return fail(phrase("disposition.spelling", {{"parameter", std::string(attribute)}}));
        }
        std::string_view v = part.substr(eq + 1);
        if (!v.empty() && is_blank(v.front())) {
            return fail(phrase("disposition.space-after", {{"parameter", key}}));
        }
        if (!v.empty() && v.front() == '"') {
            if (v.size() < 2 || v.back() != '"' || v.substr(1, v.size() - 2).find('"') != std::string_view::npos) {
                return fail(phrase("disposition.after-quote"));
            }
            v = v.substr(1, v.size() - 2);
        } else if (v.find('"') != std::string_view::npos) {
            return fail(phrase("disposition.inner-quote"));
        }
        std::optional<std::string>* slot = key == "name"       ? &plain_name
                                           : key == "name*"    ? &ext_name
                                           : key == "filename" ? &plain_file
                                                               : &ext_file;
        if (slot->has_value()) {
            return fail(phrase("disposition.twice", {{"parameter", key}}));
        }
        if (key.back() == '*') {
            std::string why;
            auto decoded = decode_extended(v, why);
            if (!decoded) {
                return fail(why);
            }
            *slot = std::move(*decoded);
        } else {
            if (v.find("=?") != std::string_view::npos) {
                return fail(phrase("disposition.rfc2047", {{"parameter", key}}));
            }
            if (bytes == HeaderBytes::utf8 && !v.empty() &&
                (static_cast<unsigned char>(v.front()) <= 0x20U || static_cast<unsigned char>(v.back()) <= 0x20U)) {
                // Tomcat trims a part's name (Java's trim): " sbd" is the sbd there.
                return fail(phrase("disposition.space-around", {{"parameter", key}}));
            }
            if (bytes == HeaderBytes::latin1) {
                *slot = latin1_to_utf8(v);
            } else {
                if (!text::valid_utf8(v)) {
                    return fail(phrase("disposition.utf8", {{"parameter", key}}));
                }
                *slot = std::string(v);
            }
        }
    }
    if (plain_file && ext_file && *plain_file != *ext_file) {
        return fail(phrase("disposition.filenames-differ"));
    }
    if (plain_name && ext_name && *plain_name != *ext_name) {
        return fail(phrase("disposition.names-differ"));
    }
    r.filename = ext_file ? ext_file : plain_file;
    r.name = ext_name ? ext_name : plain_name;
    return r;
}

}  // namespace preflight::server
