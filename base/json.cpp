#include "base/json.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

namespace preflight {
namespace {

using json = nlohmann::json;

// A minimal scanner over JSON text that is already known to be valid.
class Scanner {
public:
    explicit Scanner(std::string_view t) : t_(t) {}
    std::size_t pos = 0;
    void ws() {
        while (pos < t_.size() && (t_[pos] == ' ' || t_[pos] == '\t' || t_[pos] == '\n' || t_[pos] == '\r')) {
            ++pos;
        }
    }
    std::string string() {  // at '"'; returns raw content (escapes kept, enough for keys)
        std::string out;
        ++pos;
        while (pos < t_.size() && t_[pos] != '"') {
            if (t_[pos] == '\\' && pos + 1 < t_.size()) {
                out += t_[pos++];
            }
            out += t_[pos++];
        }
        ++pos;
        return out;
    }
    // Skips one value. Iterative, so that deeply nested input cannot exhaust the stack.
    void skip_value() {
        ws();
        if (pos >= t_.size()) {
            return;
        }
        if (t_[pos] == '"') {
            string();
            return;
        }
        if (t_[pos] != '{' && t_[pos] != '[') {
            while (pos < t_.size() && t_[pos] != ',' && t_[pos] != '}' && t_[pos] != ']' && t_[pos] != ' ' &&
                   t_[pos] != '\n' && t_[pos] != '\r' && t_[pos] != '\t') {
                ++pos;
            }
            return;
        }
        std::size_t depth = 0;
        while (pos < t_.size()) {
            const char c = t_[pos];
            if (c == '"') {
                string();
                continue;
            }
            ++pos;
            if (c == '{' || c == '[') {
                ++depth;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                return;
            }
        }
    }
    [[nodiscard]] char peek() const { return pos < t_.size() ? t_[pos] : '\0'; }

private:
    std::string_view t_;
};

}  // namespace

std::string display_pointer(std::string_view pointer) {
    std::string out;
    std::size_t i = 1;
    while (i <= pointer.size() && !pointer.empty()) {
        const auto next = pointer.find('/', i);
        const std::string token(pointer.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i));
        const bool index = !token.empty() && token.find_first_not_of("0123456789") == std::string::npos;
        if (index) {
            out += "[" + token + "]";
        } else {
            out += (out.empty() ? "" : ".") + token;
        }
        if (next == std::string_view::npos) {
            break;
        }
        i = next + 1;
    }
    return out.empty() ? "(root)" : out;
}

std::string json_syntax_detail(std::string_view what) {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: <reason>; last read: '<token>'"
    // "[json.exception.out_of_range.406] number overflow parsing '1e400'"
    // The reason is worth showing; the position is ours; the token may hold personal data.
    std::string detail(what);
    if (detail.starts_with("[json.exception.")) {
        const auto close = detail.find("] ");
        detail = close == std::string::npos ? std::string() : detail.substr(close + 2);
    }
    const auto colon = detail.find(": ");
    if (colon != std::string::npos) {
        detail = detail.substr(colon + 2);
    }
    for (const std::string_view token_follows : {"; last read", " parsing '"}) {
        const auto at = detail.find(token_follows);
        if (at != std::string::npos) {
            detail = detail.substr(0, at);
        }
    }
    return detail;
}

TextPosition position_of(std::string_view text, std::size_t offset) {
    TextPosition p;
    offset = std::min(offset, text.size());
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80U) {
            ++p.column;
        }
    }
    return p;
}

namespace {

// nlohmann's own DOM builder, with its parse_error replaced: that one throws out_of_range
// (a number over a double's range) with no position, this one throws JsonSyntaxError with
// the offset the parser had reached, for every kind of error.
class PlacedDomParser {
public:
    PlacedDomParser(json& root, const JsonCharge* charge) : dom_(root, true), charge_(charge) {}
    bool null() { return take(kValue) && dom_.null(); }
    bool boolean(bool v) { return take(kValue) && dom_.boolean(v); }
    bool number_integer(json::number_integer_t v) { return take(kValue) && dom_.number_integer(v); }
    bool number_unsigned(json::number_unsigned_t v) { return take(kValue) && dom_.number_unsigned(v); }
    bool number_float(json::number_float_t v, const json::string_t& s) {
        return take(kValue) && dom_.number_float(v, s);
    }
    bool string(json::string_t& v) { return take(kValue + kString + v.size()) && dom_.string(v); }
    bool binary(json::binary_t& v) { return take(kValue + v.size()) && dom_.binary(v); }
    bool start_object(std::size_t n) { return take(kValue + kContainer) && dom_.start_object(n); }
    bool key(json::string_t& v) { return take(kMember + v.size()) && dom_.key(v); }
    bool end_object() { return dom_.end_object(); }
    bool start_array(std::size_t n) { return take(kValue + kContainer) && dom_.start_array(n); }
    bool end_array() { return dom_.end_array(); }
    template <class Exception>
    bool parse_error(std::size_t chars_read, const std::string& /*token*/, const Exception& e) {
        throw JsonSyntaxError{chars_read == 0 ? 0 : chars_read - 1, json_syntax_detail(e.what())};
    }

private:
    // Estimates of what the tree holds per item (64-bit libstdc++, glibc malloc): a
    // json value is 16 bytes, twice that in an array that has grown by doubling; a
    // string's heap block has 16 bytes of malloc overhead besides its own 32; an
    // object member is a map node (about 80 bytes with the key's string).
    static constexpr std::size_t kValue = 32;
    static constexpr std::size_t kString = 48;
    static constexpr std::size_t kContainer = 64;
    static constexpr std::size_t kMember = 96;
    bool take(std::size_t bytes) {
        if (charge_ != nullptr && !(*charge_)(bytes)) {
            throw JsonOverBudget{};
        }
        return true;
    }
    nlohmann::detail::json_sax_dom_parser<json> dom_;
    const JsonCharge* charge_;
};

}  // namespace

json parse_json(std::string_view text) {
    json root;
    PlacedDomParser sax(root, nullptr);
    json::sax_parse(text, &sax);
    return root;
}

json parse_json(std::string_view text, const JsonCharge& charge) {
    json root;
    PlacedDomParser sax(root, &charge);
    json::sax_parse(text, &sax);
    return root;
}

std::size_t locate(std::string_view text, std::string_view pointer) {
    Scanner s(text);
    if (text.substr(0, 3) == "\xEF\xBB\xBF") {
        s.pos = 3;  // a UTF-8 byte-order mark, which the JSON parser accepts too
    }
    s.ws();
    std::size_t found = s.pos;
    std::size_t i = 1;
    while (!pointer.empty() && i <= pointer.size()) {
        const auto next = pointer.find('/', i);
        const std::string token(pointer.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i));
        s.ws();
        const std::size_t container = s.pos;
        bool hit = false;
        if (s.peek() == '{') {
            ++s.pos;
            s.ws();
            while (s.peek() == '"') {
                const std::string key = s.string();
                s.ws();
                ++s.pos;  // ':'
                s.ws();
                if (escape_pointer_token(key) == token) {
                    hit = true;
                    break;
                }
                s.skip_value();
                s.ws();
                if (s.peek() == ',') {
                    ++s.pos;
                    s.ws();
                }
            }
        } else if (s.peek() == '[') {
            ++s.pos;
            std::size_t want = 0;
            try {
                want = std::stoul(token);
            } catch (const std::exception&) {
                return container;
            }
            s.ws();
            std::size_t index = 0;
            while (s.peek() != ']' && s.peek() != '\0') {
                s.ws();
                if (index == want) {
                    hit = true;
                    break;
                }
                s.skip_value();
                s.ws();
                if (s.peek() == ',') {
                    ++s.pos;
                }
                ++index;
            }
        }
        if (!hit) {
            return container;
        }
        s.ws();
        found = s.pos;
        if (next == std::string_view::npos) {
            break;
        }
        i = next + 1;
    }
    return found;
}

std::string escape_pointer_token(std::string_view token) {
    std::string out;
    for (const char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace preflight
