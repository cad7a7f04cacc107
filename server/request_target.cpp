#include "server/request_target.hpp"

#include "base/text.hpp"

#include <array>

namespace preflight::server {
namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_unreserved(char c) { return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }
bool is_sub_delim(char c) {
    constexpr std::string_view subs = "!$&'()*+,;=";
    return subs.find(c) != std::string_view::npos;
}
// RFC 3986 pchar without the percent-escape: what Tomcat takes unencoded in a path.
bool is_path_char(char c) { return is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@'; }
bool is_query_char(char c) { return is_path_char(c) || c == '/' || c == '?'; }

TargetReading problem(std::string reason) {
    TargetReading r;
    r.problem.reason = std::move(reason);
    return r;
}

}  // namespace

std::string encode_segment(std::string_view decoded) {
    static constexpr std::array<char, 16> digits{'0', '1', '2', '3', '4', '5', '6', '7',
                                                 '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
    std::string out;
    out.reserve(decoded.size());
    for (const char c : decoded) {
        if (is_unreserved(c) || (is_sub_delim(c) && c != ';')) {
            out += c;
        } else {
            const auto u = static_cast<unsigned char>(c);
            out += '%';
            out += digits[u >> 4U];
            out += digits[u & 0x0FU];
        }
    }
    return out;
}

std::string CanonicalTarget::decoded_path() const {
    std::string out;
    for (const auto& s : segments) {
        out += '/';
        out += s;
    }
    if (out.empty() || trailing_slash) {
        out += '/';
    }
    return out;
}

std::string CanonicalTarget::encoded_path(bool keep_trailing_slash) const {
    std::string out;
    for (const auto& s : segments) {
        out += '/';
        out += encode_segment(s);
    }
    if (out.empty() || (keep_trailing_slash && trailing_slash)) {
        out += '/';
    }
    return out;
}

TargetReading read_target(std::string_view raw) {
    if (raw.empty()) {
        return problem("empty-target");
    }
    // A fragment is never sent; Tomcat refuses '#' in a request line.
    if (raw.find('#') != std::string_view::npos) {
        return problem("fragment");
    }
    CanonicalTarget t;
    std::string_view path = raw;
    if (const auto mark = raw.find('?'); mark != std::string_view::npos) {
        path = raw.substr(0, mark);
        t.query = std::string(raw.substr(mark + 1));
        t.has_query = true;
        for (const char c : t.query) {
            if (!is_query_char(c) && c != '%') {
                return problem("bad-character");
            }
        }
    }
    bool absolute = false;
    // Absolute-form (RFC 9112 3.2.2), as Tomcat takes it: "http" or "https" in any
    // case, "://", an authority up to the first '/', then the path ("/" when none).
    {
        std::size_t pos = 0;
        auto starts_ci = [&](std::string_view word) {
            if (path.size() < pos + word.size()) {
                return false;
            }
            for (std::size_t i = 0; i < word.size(); ++i) {
                char c = path[pos + i];
                if (c >= 'A' && c <= 'Z') {
                    c = static_cast<char>(c - 'A' + 'a');
                }
                if (c != word[i]) {
                    return false;
                }
            }
            return true;
        };
        if (starts_ci("http")) {
            pos = 4;
            if (starts_ci("s")) {
                ++pos;
            }
            if (path.substr(pos, 3) == "://") {
                pos += 3;
                const auto slash = path.find('/', pos);
                const std::string_view authority =
                    path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
                for (const char c : authority) {
                    if (!is_path_char(c) && c != '[' && c != ']' && c != '%') {
                        return problem("bad-authority");
                    }
                }
                if (authority.empty()) {
                    return problem("bad-authority");
                }
                path = slash == std::string_view::npos ? std::string_view("/") : path.substr(slash);
                absolute = true;
            }
        }
    }
    if (path.empty() || path.front() != '/') {
        return problem("not-origin-form");
    }
    bool clean = !absolute;
    // Segments between raw '/' (an encoded slash never separates; it is refused below).
    std::vector<std::string> out;
    std::size_t i = 1;
    bool last_was_dot = false;  // the last raw segment was "." or "..": Tomcat then adds a '/'
    while (i <= path.size()) {
        const auto next = path.find('/', i);
        std::string_view seg = path.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i);
        i = next == std::string_view::npos ? path.size() + 1 : next + 1;
        // `;` path parameters are cut before decoding, as Tomcat and Spring do.
        if (const auto semi = seg.find(';'); semi != std::string_view::npos) {
            seg = seg.substr(0, semi);
            clean = false;
        }
        std::string decoded;
        decoded.reserve(seg.size());
        for (std::size_t k = 0; k < seg.size(); ++k) {
            const char c = seg[k];
            if (c == '%') {
                if (k + 2 >= seg.size()) {
                    return problem("malformed-escape");
                }
                const int h = text::hex_digit(seg[k + 1]);
                const int l = text::hex_digit(seg[k + 2]);
                if (h < 0 || l < 0) {
                    return problem("malformed-escape");
                }
                const char d = static_cast<char>(h * 16 + l);
                if (d == '/' || d == '\\') {
                    return problem("encoded-slash");
                }
                if (d == '\0') {
                    return problem("encoded-nul");
                }
                if (d == ';') {
                    // Tomcat would keep it as a character, Spring's matcher too, its firewall
                    // refuses it: not placed with certainty.
                    return problem("encoded-semicolon");
                }
                if (is_unreserved(d)) {
                    clean = false;  // "%6F" is "o": sent decoded
                }
                decoded += d;
                k += 2;
            } else if (is_path_char(c)) {
                decoded += c;
            } else {
                return problem("bad-character");
            }
        }
        if (!text::valid_utf8(decoded)) {
            return problem("invalid-utf8");
        }
        last_was_dot = false;
        if (decoded.empty()) {
            if (next != std::string_view::npos) {
                clean = false;  // "//"
            }
            continue;
        }
        if (decoded == ".") {
            clean = false;
            last_was_dot = true;
            continue;
        }
        if (decoded == "..") {
            clean = false;
            last_was_dot = true;
            if (out.empty()) {
                // Above the root: Tomcat refuses it (and above the upstream's base path).
                return problem("above-root");
            }
            out.pop_back();
            continue;
        }
        out.push_back(std::move(decoded));
    }
    t.segments = std::move(out);
    t.trailing_slash = !t.segments.empty() && (path.back() == '/' || last_was_dot);
    t.canonical = clean;
    return TargetReading{std::move(t), {}};
}

std::optional<std::vector<std::pair<std::string, std::string>>> read_query(std::string_view query,
                                                                           std::string& problem) {
    std::vector<std::pair<std::string, std::string>> out;
    const auto decode = [&](std::string_view s, std::string& to) {
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '+') {
                to += ' ';
            } else if (s[i] == '%') {
                const int h = i + 2 < s.size() ? text::hex_digit(s[i + 1]) : -1;
                const int l = i + 2 < s.size() ? text::hex_digit(s[i + 2]) : -1;
                if (h < 0 || l < 0) {
                    problem = "malformed-escape";
                    return false;
                }
                to += static_cast<char>(h * 16 + l);
                i += 2;
            } else {
                to += s[i];
            }
        }
        if (!text::valid_utf8(to)) {
            problem = "invalid-utf8";
            return false;
        }
        return true;
    };
    std::size_t pos = 0;
    while (pos < query.size()) {
        const auto amp = query.find('&', pos);
        const std::string_view pair =
            query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
        pos = amp == std::string_view::npos ? query.size() : amp + 1;
        if (pair.empty()) {
            continue;
        }
        const auto eq = pair.find('=');
        std::string name;
        std::string value;
        if (!decode(pair.substr(0, eq), name) ||
            (eq != std::string_view::npos && !decode(pair.substr(eq + 1), value))) {
            return std::nullopt;
        }
        out.emplace_back(std::move(name), std::move(value));
    }
    return out;
}

bool served_method(std::string_view method) {
    return method == "GET" || method == "HEAD" || method == "POST" || method == "PUT" || method == "DELETE" ||
           method == "OPTIONS";
}

Routing route_of(std::string_view method, const CanonicalTarget& target, bool proxy) {
    const auto& s = target.segments;
    Routing r;
    const bool read = method == "GET" || method == "HEAD";
    if (s.empty() && read && !target.trailing_slash) {
        r.route = Route::page;
        return r;
    }
    if (s.size() == 1 && s[0] == "healthz") {
        r.route = Route::healthz;
        return r;
    }
    if (s.size() == 1 && s[0] == "metrics") {
        r.route = Route::metrics;
        return r;
    }
    if (s.size() == 2 && s[0] == "v1" && s[1] == "check") {
        r.route = Route::check_api;
        return r;
    }
    if (s.size() == 2 && s[0] == "v1" && s[1] == "explain") {
        r.route = Route::explain_api;
        return r;
    }
    if (s.size() == 2 && s[0] == "v1" && s[1] == "fix") {
        r.route = Route::fix_api;
        return r;
    }
    if (!proxy || s.size() < 3 || s[0] != "api" || s[1] != "messages" || s[2] != "out") {
        r.route = Route::passthrough;
        return r;
    }
    if (s.size() == 3) {
        r.route = method == "POST" ? Route::create : Route::message_other;
        return r;
    }
    if (s.size() > 4) {
        r.route = Route::unknown_sub_path;
        return r;
    }
    if (s[3] == "multipart" && method == "POST") {
        // Spring picks the "multipart" mapping for a multipart body; for any other body
        // it would take POST /{messageId} with the id "multipart". The gate checks it as
        // the multipart route either way, which refuses a body that is not multipart.
        r.route = Route::multipart;
        return r;
    }
    r.message_id = s[3];
    if (method == "PUT") {
        r.route = Route::upload;
    } else if (method == "POST") {
        r.route = Route::send;
    } else {
        r.route = Route::message_other;
    }
    return r;
}

}  // namespace preflight::server
