#include "pdf/serialize.hpp"

#include <array>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

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

json box_to_json(const Box& b) { return json::array({b.llx, b.lly, b.urx, b.ury}); }

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument("pdf info JSON: " + what); }

const json* member(const json& j, const char* key) {
    const auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

template <typename T>
void read(const json& j, const char* key, T& out) {
    const json* v = member(j, key);
    if (v == nullptr) {
        return;
    }
    if constexpr (std::is_same_v<T, bool>) {
        if (!v->is_boolean()) bad(std::string(key) + " is not a boolean");
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!v->is_string()) bad(std::string(key) + " is not a string");
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!v->is_number()) bad(std::string(key) + " is not a number");
    } else if constexpr (std::is_unsigned_v<T>) {
        if (!v->is_number_unsigned()) bad(std::string(key) + " is not an unsigned integer");
    } else {
        if (!v->is_number_integer()) bad(std::string(key) + " is not an integer");
    }
    out = v->get<T>();
}

Box box_from_json(const json& j, const char* key) {
    Box b;
    const json* v = member(j, key);
    if (v == nullptr) {
        return b;
    }
    if (!v->is_array() || v->size() != 4) bad(std::string(key) + " is not a 4-element array");
    for (const auto& e : *v) {
        if (!e.is_number()) bad(std::string(key) + " holds a non-number");
    }
    b.llx = (*v)[0].get<double>();
    b.lly = (*v)[1].get<double>();
    b.urx = (*v)[2].get<double>();
    b.ury = (*v)[3].get<double>();
    return b;
}

}  // namespace

std::string_view damage_name(Damage d) {
    for (const auto& [value, name] : damage_names) {
        if (value == d) return name;
    }
    return "internal";
}

std::optional<Damage> damage_from_name(std::string_view name) {
    for (const auto& [value, n] : damage_names) {
        if (n == name) return value;
    }
    return std::nullopt;
}

json to_json(const Info& info) {
    json pages = json::array();
    for (const Page& p : info.pages) {
        json page = {{"number", p.number}, {"ok", p.ok},           {"media", box_to_json(p.media)},
                     {"crop", box_to_json(p.crop)}, {"rotate", p.rotate}};
        if (!p.error.empty()) {
            page["error"] = p.error;
        }
        pages.push_back(std::move(page));
    }
    json fonts = json::array();
    for (const Font& f : info.fonts_not_embedded) {
        fonts.push_back({{"name", f.name}, {"first_page", f.first_page}});
    }
    return json{{"damage", std::string(damage_name(info.damage))},
                {"damage_detail", info.damage_detail},
                {"version", info.version},
                {"encrypted", info.encrypted},
                {"needs_password", info.needs_password},
                {"encryption", info.encryption},
                {"declared_page_count", info.declared_page_count},
                {"bytes", info.bytes},
                {"pages", std::move(pages)},
                {"fonts_not_embedded", std::move(fonts)}};
}

Info info_from_json(const json& j) {
    if (!j.is_object()) bad("not an object");
    Info info;
    const json* damage = member(j, "damage");
    if (damage == nullptr || !damage->is_string()) bad("damage missing");
    const auto d = damage_from_name(damage->get<std::string>());
    if (!d) bad("unknown damage " + damage->get<std::string>());
    info.damage = *d;
    read(j, "damage_detail", info.damage_detail);
    read(j, "version", info.version);
    read(j, "encrypted", info.encrypted);
    read(j, "needs_password", info.needs_password);
    read(j, "encryption", info.encryption);
    read(j, "declared_page_count", info.declared_page_count);
    read(j, "bytes", info.bytes);
    if (const json* pages = member(j, "pages")) {
        if (!pages->is_array()) bad("pages is not an array");
        info.pages.reserve(pages->size());
        for (const json& pj : *pages) {
            if (!pj.is_object()) bad("a page is not an object");
            Page p;
            read(pj, "number", p.number);
            read(pj, "ok", p.ok);
            read(pj, "error", p.error);
            p.media = box_from_json(pj, "media");
            p.crop = box_from_json(pj, "crop");
            read(pj, "rotate", p.rotate);
            info.pages.push_back(std::move(p));
        }
    }
    if (const json* fonts = member(j, "fonts_not_embedded")) {
        if (!fonts->is_array()) bad("fonts_not_embedded is not an array");
        for (const json& fj : *fonts) {
            if (!fj.is_object()) bad("a font is not an object");
            Font f;
            read(fj, "name", f.name);
            read(fj, "first_page", f.first_page);
            info.fonts_not_embedded.push_back(std::move(f));
        }
    }
    return info;
}

}  // namespace preflight::pdf
