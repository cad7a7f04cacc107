#include "pdf/serialize.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace preflight::pdf {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<Damage, std::string_view>, 12> damage_names = {{
    {Damage::none, "none"},
    {Damage::not_pdf, "not_pdf"},
    {Damage::leading_bytes, "leading_bytes"},
    {Damage::no_eof, "no_eof"},
    {Damage::load_failed, "load_failed"},
    {Damage::page_tree, "page_tree"},
    {Damage::bad_pages, "bad_pages"},
    {Damage::memory_limit, "memory_limit"},
    {Damage::cpu_limit, "cpu_limit"},
    {Damage::time_limit, "time_limit"},
    {Damage::crashed, "crashed"},
    {Damage::internal, "internal"},
}};

constexpr std::array<std::pair<TextScan, std::string_view>, 4> text_scan_names = {{
    {TextScan::not_requested, "not_requested"},
    {TextScan::complete, "complete"},
    {TextScan::partial, "partial"},
    {TextScan::failed, "failed"},
}};

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument("pdf info JSON: " + what); }

}  // namespace

std::string_view damage_name(Damage d) {
    for (const auto& [value, name] : damage_names) {
        if (value == d) {
            return name;
        }
    }
    return "internal";
}

std::optional<Damage> damage_from_name(std::string_view name) {
    for (const auto& [value, n] : damage_names) {
        if (n == name) {
            return value;
        }
    }
    return std::nullopt;
}

std::string_view text_scan_name(TextScan s) {
    for (const auto& [value, name] : text_scan_names) {
        if (value == s) {
            return name;
        }
    }
    return "failed";
}

std::optional<TextScan> text_scan_from_name(std::string_view name) {
    for (const auto& [value, n] : text_scan_names) {
        if (n == name) {
            return value;
        }
    }
    return std::nullopt;
}

}  // namespace preflight::pdf

// --- the fast text forms ------------------------------------------------------

namespace preflight::pdf {
namespace {

void put_string(std::string& out, std::string_view s) {
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
        } else if (c < 0x20) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
            ++i;
        } else if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
        } else {
            // One UTF-8 sequence if valid (no overlongs, surrogates or > U+10FFFF), else U+FFFD.
            std::size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
            bool valid = len != 0 && c <= 0xf4 && i + len <= s.size();
            for (std::size_t k = 1; valid && k < len; ++k) {
                valid = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
            }
            if (valid && len >= 3) {
                const auto c1 = static_cast<unsigned char>(s[i + 1]);
                valid = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0) && !(c == 0xf0 && c1 < 0x90) &&
                        !(c == 0xf4 && c1 >= 0x90);
            }
            if (valid) {
                out.append(s.substr(i, len));
                i += len;
            } else {
                out += "\xef\xbf\xbd";
                ++i;
            }
        }
    }
    out += '"';
}

void put_number(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += "null";
        return;
    }
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, d);
    out.append(buf, r.ptr);
}

template <typename T>
void put_integer(std::string& out, T v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void put_box(std::string& out, const Box& b) {
    out += '[';
    put_number(out, b.llx);
    out += ',';
    put_number(out, b.lly);
    out += ',';
    put_number(out, b.urx);
    out += ',';
    put_number(out, b.ury);
    out += ']';
}

// Builds an Info from SAX events. Keeps a stack of what the current container is.
class InfoSax {
public:
    using number_integer_t = nlohmann::json::number_integer_t;
    using number_unsigned_t = nlohmann::json::number_unsigned_t;
    using number_float_t = nlohmann::json::number_float_t;
    using string_t = nlohmann::json::string_t;
    using binary_t = nlohmann::json::binary_t;

    explicit InfoSax(Info& info) : info_(info) {}

    bool null() { return scalar(Value{}); }
    bool boolean(bool v) { return scalar(Value{Type::boolean, v, 0, 0, {}}); }
    bool number_integer(number_integer_t v) {
        return scalar(Value{Type::integer, false, v, static_cast<double>(v), {}});
    }
    bool number_unsigned(number_unsigned_t v) {
        if (v > static_cast<number_unsigned_t>(INT64_MAX)) {
            return scalar(Value{Type::real, false, 0, static_cast<double>(v), {}});
        }
        return scalar(Value{Type::integer, false, static_cast<std::int64_t>(v), static_cast<double>(v), {}});
    }
    bool number_float(number_float_t v, const string_t&) { return scalar(Value{Type::real, false, 0, v, {}}); }
    bool string(string_t& v) { return scalar(Value{Type::string, false, 0, 0, std::move(v)}); }
    bool binary(binary_t&) { return fail("binary value"); }

    bool start_object(std::size_t) {
        if (skip_container()) {
            return true;
        }
        switch (top()) {
            case Ctx::none:
                return push(Ctx::top);
            case Ctx::pages:
                info_.pages.emplace_back();
                return push(Ctx::page);
            case Ctx::fonts:
                info_.fonts_not_embedded.emplace_back();
                return push(Ctx::font);
            case Ctx::hits:
                info_.person_ids.emplace_back();
                return push(Ctx::hit);
            case Ctx::contents:
                info_.content_boxes.emplace_back();
                return push(Ctx::content);
            default:
                return unexpected("an object");
        }
    }
    bool end_object() {
        if (skip_ > 0) {
            return --skip_, true;
        }
        if (top() == Ctx::top) {
            seen_top_ = true;
        }
        if (top() == Ctx::page && repeat_ > 0) {
            const std::int64_t n = repeat_;
            repeat_ = 0;
            Page p = info_.pages.back();
            info_.pages.reserve(info_.pages.size() + static_cast<std::size_t>(n));
            for (std::int64_t i = 0; i < n; ++i) {
                if (p.number == INT32_MAX) {
                    return fail("repeat makes page numbers overflow");
                }
                ++p.number;
                info_.pages.push_back(p);
            }
        }
        return pop();
    }
    bool start_array(std::size_t) {
        if (skip_container()) {
            return true;
        }
        if (top() == Ctx::top && key_ == "pages") {
            return push(Ctx::pages);
        }
        if (top() == Ctx::top && key_ == "fonts_not_embedded") {
            return push(Ctx::fonts);
        }
        if (top() == Ctx::top && key_ == "person_ids") {
            return push(Ctx::hits);
        }
        if (top() == Ctx::top && key_ == "content_boxes") {
            return push(Ctx::contents);
        }
        if (top() == Ctx::content && key_ == "box") {
            box_ = &info_.content_boxes.back().box;
            box_index_ = 0;
            return push(Ctx::box);
        }
        if (top() == Ctx::page && (key_ == "media" || key_ == "crop")) {
            box_ = key_ == "media" ? &info_.pages.back().media : &info_.pages.back().crop;
            box_index_ = 0;
            return push(Ctx::box);
        }
        return unexpected("an array");
    }
    bool end_array() {
        if (skip_ > 0) {
            return --skip_, true;
        }
        if (top() == Ctx::box && box_index_ != 4) {
            return fail(key_ + " is not a 4-element array");
        }
        return pop();
    }
    bool key(string_t& k) {
        if (skip_ > 0) {
            return true;
        }
        key_ = std::move(k);
        // The value of an unknown key: a scalar is dropped in scalar(), a container skipped whole.
        unknown_value_ = (top() == Ctx::top && !is_top_key(key_)) || (top() == Ctx::page && !is_page_key(key_)) ||
                         (top() == Ctx::font && key_ != "name" && key_ != "first_page") ||
                         (top() == Ctx::hit && key_ != "page" && key_ != "id") ||
                         (top() == Ctx::content && key_ != "page" && key_ != "box");
        return true;
    }
    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
        error_ = "malformed JSON at byte " + std::to_string(position) + ": " + e.what();
        return false;
    }

    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] bool complete() const { return seen_top_ && have_damage_; }

private:
    enum class Ctx : std::uint8_t { none, top, pages, page, box, fonts, font, hits, hit, contents, content };
    enum class Type : std::uint8_t { null, boolean, integer, real, string };
    struct Value {
        Type type = Type::null;
        bool b = false;
        std::int64_t i = 0;
        double d = 0;
        std::string s;
    };

    static bool is_top_key(const std::string& k) {
        return k == "damage" || k == "damage_detail" || k == "version" || k == "encrypted" || k == "needs_password" ||
               k == "encryption" || k == "declared_page_count" || k == "bytes" || k == "pages" ||
               k == "fonts_not_embedded" || k == "text_scan" || k == "text_scan_detail" || k == "person_ids" ||
               k == "content_boxes" || k == "active_content";
    }
    static bool is_page_key(const std::string& k) {
        return k == "number" || k == "ok" || k == "error" || k == "media" || k == "crop" || k == "rotate" ||
               k == "repeat";
    }

    Ctx top() const { return stack_.empty() ? Ctx::none : stack_.back(); }
    // True if the container starting now is skipped (inside a skipped one, or
    // the value of an unknown key).
    bool skip_container() {
        if (skip_ > 0) {
            ++skip_;
            return true;
        }
        if (unknown_value_) {
            unknown_value_ = false;
            skip_ = 1;
            return true;
        }
        return false;
    }
    bool push(Ctx c) {
        stack_.push_back(c);
        return true;
    }
    bool pop() {
        if (stack_.empty()) {
            return fail("unbalanced JSON");
        }
        stack_.pop_back();
        return true;
    }
    bool fail(std::string why) {
        error_ = std::move(why);
        return false;
    }
    bool unexpected(const char* what) {
        return fail(std::string("unexpected ") + what + " at " + (key_.empty() ? "top" : key_));
    }

    bool want(const Value& v, Type t, const char* type_name) {
        if (v.type == t || (t == Type::real && v.type == Type::integer)) {
            return true;
        }
        return fail(key_ + " is not " + type_name);
    }
    bool get_bool(const Value& v, bool& out) { return want(v, Type::boolean, "a boolean") && (out = v.b, true); }
    bool get_string(const Value& v, std::string& out) { return want(v, Type::string, "a string") && (out = v.s, true); }
    bool get_int(const Value& v, int& out) {
        if (!want(v, Type::integer, "an integer")) {
            return false;
        }
        if (v.i < INT32_MIN || v.i > INT32_MAX) {
            return fail(key_ + " is out of range");
        }
        out = static_cast<int>(v.i);
        return true;
    }

    bool scalar(const Value& v) {
        if (skip_ > 0) {
            return true;
        }
        if (unknown_value_) {
            unknown_value_ = false;
            return true;
        }
        switch (top()) {
            case Ctx::top:
                if (key_ == "damage") {
                    if (!want(v, Type::string, "a string")) {
                        return false;
                    }
                    const auto d = damage_from_name(v.s);
                    if (!d) {
                        return fail("unknown damage " + v.s);
                    }
                    info_.damage = *d;
                    have_damage_ = true;
                    return true;
                }
                if (key_ == "damage_detail") {
                    return get_string(v, info_.damage_detail);
                }
                if (key_ == "version") {
                    return get_string(v, info_.version);
                }
                if (key_ == "encrypted") {
                    return get_bool(v, info_.encrypted);
                }
                if (key_ == "needs_password") {
                    return get_bool(v, info_.needs_password);
                }
                if (key_ == "encryption") {
                    return get_string(v, info_.encryption);
                }
                if (key_ == "text_scan") {
                    if (!want(v, Type::string, "a string")) {
                        return false;
                    }
                    const auto s = text_scan_from_name(v.s);
                    if (!s) {
                        return fail("unknown text_scan " + v.s);
                    }
                    info_.text_scan = *s;
                    return true;
                }
                if (key_ == "text_scan_detail") {
                    return get_string(v, info_.text_scan_detail);
                }
                if (key_ == "declared_page_count") {
                    return get_int(v, info_.declared_page_count);
                }
                if (key_ == "active_content") {
                    int bits = 0;
                    if (!get_int(v, bits) || bits < 0 || bits > 0xFF) {
                        return fail("active_content is not a byte");
                    }
                    info_.active_content = static_cast<std::uint8_t>(bits);
                    return true;
                }
                if (key_ == "bytes") {
                    if (!want(v, Type::integer, "an integer") || v.i < 0) {
                        return fail("bytes is not an unsigned integer");
                    }
                    info_.bytes = static_cast<std::uint64_t>(v.i);
                    return true;
                }
                return unexpected("a scalar");
            case Ctx::page: {
                Page& p = info_.pages.back();
                if (key_ == "number") {
                    return get_int(v, p.number);
                }
                if (key_ == "ok") {
                    return get_bool(v, p.ok);
                }
                if (key_ == "error") {
                    return get_string(v, p.error);
                }
                if (key_ == "rotate") {
                    return get_int(v, p.rotate);
                }
                if (key_ == "repeat") {
                    if (!want(v, Type::integer, "an integer") || v.i < 0 || v.i > max_repeat) {
                        return fail("repeat is out of range");
                    }
                    repeat_ = v.i;
                    return true;
                }
                return unexpected("a scalar");
            }
            case Ctx::box: {
                if (!want(v, Type::real, "a number") || box_index_ >= 4) {
                    return fail(key_ + " is not a 4-element array");
                }
                double* fields[4] = {&box_->llx, &box_->lly, &box_->urx, &box_->ury};
                *fields[box_index_++] = v.d;
                return true;
            }
            case Ctx::font: {
                Font& f = info_.fonts_not_embedded.back();
                if (key_ == "name") {
                    return get_string(v, f.name);
                }
                if (key_ == "first_page") {
                    return get_int(v, f.first_page);
                }
                return unexpected("a scalar");
            }
            case Ctx::content: {
                if (key_ == "page") {
                    return get_int(v, info_.content_boxes.back().page);
                }
                return unexpected("a scalar");
            }
            case Ctx::hit: {
                PersonIdHit& h = info_.person_ids.back();
                if (key_ == "page") {
                    return get_int(v, h.page);
                }
                if (key_ == "id") {
                    return get_string(v, h.id);
                }
                return unexpected("a scalar");
            }
            default:
                return unexpected("a scalar");
        }
    }

    static constexpr std::int64_t max_repeat = 100'000'000;
    std::int64_t repeat_ = 0;
    Info& info_;
    std::vector<Ctx> stack_;
    std::string key_;
    std::string error_;
    Box* box_ = nullptr;
    int box_index_ = 0;
    int skip_ = 0;
    bool unknown_value_ = false;
    bool seen_top_ = false;
    bool have_damage_ = false;
};

}  // namespace

namespace {
bool same_box(const Box& a, const Box& b) {
    return a.llx == b.llx && a.lly == b.lly && a.urx == b.urx && a.ury == b.ury;
}
bool repeats(const Page& a, const Page& b) {
    return b.number == a.number + 1 && a.ok == b.ok && a.rotate == b.rotate && same_box(a.media, b.media) &&
           same_box(a.crop, b.crop) && a.error == b.error;
}
}  // namespace

std::string to_json_text(const Info& info, bool collapse_runs) {
    std::string out;
    out.reserve(320 + info.pages.size() * 96 + info.fonts_not_embedded.size() * 48 + info.person_ids.size() * 40);
    out += "{\"active_content\":";
    put_integer(out, info.active_content);
    out += ",\"bytes\":";
    put_integer(out, info.bytes);
    out += ",\"content_boxes\":[";
    for (std::size_t i = 0; i < info.content_boxes.size(); ++i) {
        const PageContent& c = info.content_boxes[i];
        out += i == 0 ? "{\"box\":" : ",{\"box\":";
        put_box(out, c.box);
        out += ",\"page\":";
        put_integer(out, c.page);
        out += '}';
    }
    out += "],\"damage\":";
    put_string(out, damage_name(info.damage));
    out += ",\"damage_detail\":";
    put_string(out, info.damage_detail);
    out += ",\"declared_page_count\":";
    put_integer(out, info.declared_page_count);
    out += info.encrypted ? ",\"encrypted\":true" : ",\"encrypted\":false";
    out += ",\"encryption\":";
    put_string(out, info.encryption);
    out += ",\"fonts_not_embedded\":[";
    for (std::size_t i = 0; i < info.fonts_not_embedded.size(); ++i) {
        const Font& f = info.fonts_not_embedded[i];
        out += i == 0 ? "{\"first_page\":" : ",{\"first_page\":";
        put_integer(out, f.first_page);
        out += ",\"name\":";
        put_string(out, f.name);
        out += '}';
    }
    out += info.needs_password ? "],\"needs_password\":true" : "],\"needs_password\":false";
    out += ",\"pages\":[";
    for (std::size_t i = 0; i < info.pages.size(); ++i) {
        const Page& p = info.pages[i];
        std::size_t same = 0;
        if (collapse_runs) {
            while (i + same + 1 < info.pages.size() && repeats(info.pages[i + same], info.pages[i + same + 1])) {
                ++same;
            }
        }
        out += i == 0 ? "{\"crop\":" : ",{\"crop\":";
        put_box(out, p.crop);
        if (!p.error.empty()) {
            out += ",\"error\":";
            put_string(out, p.error);
        }
        out += ",\"media\":";
        put_box(out, p.media);
        out += ",\"number\":";
        put_integer(out, p.number);
        out += p.ok ? ",\"ok\":true" : ",\"ok\":false";
        if (same > 0) {
            out += ",\"repeat\":";
            put_integer(out, same);
            i += same;
        }
        out += ",\"rotate\":";
        put_integer(out, p.rotate);
        out += '}';
    }
    out += "],\"person_ids\":[";
    for (std::size_t i = 0; i < info.person_ids.size(); ++i) {
        const PersonIdHit& h = info.person_ids[i];
        out += i == 0 ? "{\"id\":" : ",{\"id\":";
        put_string(out, h.id);
        out += ",\"page\":";
        put_integer(out, h.page);
        out += '}';
    }
    out += "],\"text_scan\":";
    put_string(out, text_scan_name(info.text_scan));
    out += ",\"text_scan_detail\":";
    put_string(out, info.text_scan_detail);
    out += ",\"version\":";
    put_string(out, info.version);
    out += '}';
    return out;
}

Info info_from_json_text(std::string_view text) {
    Info info;
    InfoSax sax(info);
    const bool ok = nlohmann::json::sax_parse(text, &sax);
    if (!ok) {
        bad(sax.error().empty() ? std::string("malformed JSON") : sax.error());
    }
    if (!sax.complete()) {
        bad("damage missing");
    }
    return info;
}

// The tree forms are the text forms read back: one codec, one shape.
json to_json(const Info& info) { return json::parse(to_json_text(info)); }

Info info_from_json(const json& j) {
    return info_from_json_text(j.dump(-1, ' ', false, json::error_handler_t::replace));
}

namespace {
// FixResult's counts, by key: the one list the writer and the reader share.
constexpr std::array<std::pair<std::string_view, int FixResult::*>, 8> fix_counts = {{
    {"pages_in", &FixResult::pages_in},
    {"pages_out", &FixResult::pages_out},
    {"kept", &FixResult::kept},
    {"turned", &FixResult::turned},
    {"placed", &FixResult::placed},
    {"two_up", &FixResult::two_up},
    {"rotated", &FixResult::rotated},
    {"annotations", &FixResult::annotations},
}};
}  // namespace

std::string to_json_text(const FixResult& result) {
    std::string out = result.ok ? "{\"ok\":true,\"error\":" : "{\"ok\":false,\"error\":";
    put_string(out, result.error);
    for (const auto& [key, field] : fix_counts) {
        out += ",\"";
        out += key;
        out += "\":";
        put_integer(out, result.*field);
    }
    out += '}';
    return out;
}

FixResult fix_result_from_json_text(std::string_view text) {
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        throw std::invalid_argument("fix result JSON: not a JSON object");
    }
    const auto field = [&](std::string_view key) -> const json& {
        const auto it = j.find(key);
        if (it == j.end()) {
            throw std::invalid_argument("fix result JSON: " + std::string(key) + " missing");
        }
        return *it;
    };
    FixResult r;
    if (!field("ok").is_boolean() || !field("error").is_string()) {
        throw std::invalid_argument("fix result JSON: ok is not a boolean or error not a string");
    }
    r.ok = field("ok").get<bool>();
    r.error = field("error").get<std::string>();
    for (const auto& [key, member] : fix_counts) {
        const json& v = field(key);
        if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > INT32_MAX) {
            throw std::invalid_argument("fix result JSON: " + std::string(key) + " is not a count");
        }
        r.*member = v.get<int>();
    }
    return r;
}

}  // namespace preflight::pdf
