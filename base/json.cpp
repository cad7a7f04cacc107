#include "base/json.hpp"

#include "base/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <utility>

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

namespace {

// A token as nlohmann names it ("':'", "string literal", "end of input") as a phrase.
std::string token_phrase(std::string_view name) {
    static constexpr std::pair<std::string_view, std::string_view> kTokens[] = {
        {"'['", "json.token.open-array"},
        {"'{'", "json.token.open-object"},
        {"']'", "json.token.close-array"},
        {"'}'", "json.token.close-object"},
        {"':'", "json.token.colon"},
        {"','", "json.token.comma"},
        {"true literal", "json.token.true"},
        {"false literal", "json.token.false"},
        {"null literal", "json.token.null"},
        {"string literal", "json.token.string"},
        {"number literal", "json.token.number"},
        {"end of input", "json.token.end"},
        {"'[', '{', or a literal", "json.token.value"}};
    for (const auto& [nlohmann_name, id] : kTokens) {
        if (name == nlohmann_name) {
            return phrase(id);
        }
    }
    return phrase("json.token.other");
}

}  // namespace

std::string json_syntax_reason(std::string_view what) {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while
    //  parsing value - invalid literal; last read: '<token>'"
    // "[json.exception.parse_error.101] ...: syntax error while parsing object - unexpected
    //  ','; expected string literal"
    // "[json.exception.out_of_range.406] number overflow parsing '1e400'"
    // The position is the caller's; the text last read may hold personal data: neither is kept.
    std::string_view m(what);
    const auto dash = m.find(" - ");
    const std::string_view reason = dash == std::string_view::npos ? m : m.substr(dash + 3);
    const auto has = [&](std::string_view s) { return reason.find(s) != std::string_view::npos; };
    if (m.find("number overflow") != std::string_view::npos) {
        return phrase("json.reason.overflow");
    }
    if (has("unexpected end of input")) {
        return phrase("json.reason.end");
    }
    if (reason.starts_with("unexpected ")) {
        const std::string_view rest = reason.substr(11);
        const auto semi = rest.find("; expected ");
        const std::string found = token_phrase(rest.substr(0, semi));
        if (semi == std::string_view::npos) {
            return phrase("json.reason.unexpected", {}, {{"found", found}});
        }
        const std::string_view expected = rest.substr(semi + 11);
        if (expected == "end of input") {
            return phrase("json.reason.trailing", {}, {{"found", found}});
        }
        return phrase("json.reason.unexpected-expected", {}, {{"found", found}, {"expected", token_phrase(expected)}});
    }
    if (has("ill-formed UTF-8")) {
        return phrase("json.reason.utf8");
    }
    if (has("missing closing quote")) {
        return phrase("json.reason.closing-quote");
    }
    if (has("must be followed by 4 hex digits")) {
        return phrase("json.reason.unicode-escape");
    }
    if (has("surrogate")) {
        return phrase("json.reason.surrogate");
    }
    if (has("after backslash")) {
        return phrase("json.reason.escape");
    }
    if (const auto at = reason.find("control character "); at != std::string_view::npos) {
        // "control character U+000A (LF) must be escaped to \u000A or \n"
        const std::string_view rest = reason.substr(at + 18);
        const std::string_view code = rest.substr(0, rest.find(' '));
        const auto to = rest.find("escaped to ");
        std::string_view escape = to == std::string_view::npos ? std::string_view() : rest.substr(to + 11);
        escape = escape.substr(0, escape.find_first_of(" ;,"));
        return phrase("json.reason.control", {{"char", std::string(code)}, {"escape", std::string(escape)}});
    }
    if (has("invalid number")) {
        return phrase("json.reason.number");
    }
    if (has("invalid literal")) {
        return phrase("json.reason.literal");
    }
    if (has("invalid BOM")) {
        return phrase("json.reason.bom");
    }
    if (has("invalid comment")) {
        return phrase("json.reason.comment");
    }
    return phrase("json.reason.other");
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
        throw JsonSyntaxError{chars_read == 0 ? 0 : chars_read - 1, json_syntax_reason(e.what())};
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
