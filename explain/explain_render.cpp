// Renderers of `preflight explain`: text for records managers, JSON for tools.
#include "base/identifiers.hpp"
#include "base/text.hpp"
#include "checks/check_set.hpp"
#include "explain/explain.hpp"
#include "validator/catalogue.hpp"
#include "validator/check.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace preflight::explain {
namespace {

using json = nlohmann::json;

// For JSON: as clean_text(), but control characters stay as they are (the JSON encoder
// escapes them itself; a multi-line message keeps its line breaks).
std::string clean_json(std::string_view s, const RenderOptions& o) {
    const std::string p = text::printable(s);
    return o.show_ids ? p : ident::mask_person_ids(p);
}

// One line of at most `limit` characters (a JSON block is shown on one line).
std::string one_line(std::string_view s, std::size_t limit, const RenderOptions& o) {
    std::string flat;
    flat.reserve(s.size());
    bool space = false;
    for (const char c : s) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = !flat.empty();
            continue;
        }
        if (space) {
            flat += ' ';
            space = false;
        }
        flat += c;
    }
    std::string shown = clean_text(flat, o);
    if (text::char_count(shown) > limit) {
        std::size_t chars = 0;
        std::size_t i = 0;
        for (; i < shown.size() && chars < limit; ++i) {
            if ((static_cast<unsigned char>(shown[i]) & 0xC0U) != 0x80U) {
                ++chars;
            }
        }
        while (i < shown.size() && (static_cast<unsigned char>(shown[i]) & 0xC0U) == 0x80U) {
            ++i;
        }
        shown = shown.substr(0, i) + "…";
    }
    return shown;
}

std::string cause_text(std::string_view cause, std::string_view part, const Explanation* e, Lang lang) {
    return catalogue::text(fmt::format("explain.{}.{}", cause, part), lang, e != nullptr ? e->args : MessageArgs{});
}

std::string check_name(std::string_view code) {
    const Check* c = builtin_checks().find(code);
    return c != nullptr ? std::string(c->slug()) : std::string();
}

std::string codes_text(const std::vector<std::string>& codes) {
    std::string out;
    for (const auto& code : codes) {
        const std::string slug = check_name(code);
        out += (out.empty() ? "" : ", ") + code + (slug.empty() ? "" : " " + slug);
    }
    return out;
}

json explanation_json(const Explanation& e, const RenderOptions& o, bool checked) {
    const Cause& c = cause(e.cause);
    json checks = json::array();
    for (const auto& code : e.codes) {
        checks.push_back({{"code", code}, {"check", check_name(code)}});
    }
    json details = json::object();
    for (const auto& [k, v] : e.details) {
        details[k] = clean_json(v, o);
    }
    json notes = json::array();
    for (const auto& n : e.notes) {
        notes.push_back(clean_json(catalogue::text(n, o.lang), o));
    }
    json out = {{"line", e.line},
                {"text", clean_json(e.text, o)},
                {"cause", e.cause},
                {"kind", to_string(e.kind)},
                {"title", cause_text(e.cause, "title", &e, o.lang)},
                {"explanation", cause_text(e.cause, "what", &e, o.lang)},
                {"preventable", to_string(c.preventable)},
                {"checks", checks},
                {"records_manager", cause_text(e.cause, "manager", &e, o.lang)},
                {"case_handler", cause_text(e.cause, "handler", &e, o.lang)},
                {"details", details},
                {"notes", notes}};
    if (checked) {
        json applies = json::array();
        for (const auto& a : e.applies) {
            applies.push_back({{"code", a.code},
                               {"check", a.check},
                               {"severity", to_string(a.severity)},
                               {"document", a.document.empty() ? json(nullptr) : json(clean_json(a.document, o))},
                               {"message", clean_json(a.message, o)}});
        }
        out["applies"] = applies;
    }
    return out;
}

std::string kind_label(Kind k, Lang lang) {
    return catalogue::text(fmt::format("ui.explain.kind.{}", to_string(k)), lang);
}

}  // namespace

std::string render_json(const Result& r, const RenderOptions& o) {
    json items = json::array();
    for (const auto& e : r.items) {
        items.push_back(explanation_json(e, o, r.manifest_checked));
    }
    json out = {{"tool", {{"name", "preflight"}, {"version", PREFLIGHT_VERSION}}},
                {"summary",
                 {{"messages", r.entries},
                  {"explained", r.items.size() - r.count(Kind::unknown)},
                  {"unknown", r.count(Kind::unknown)},
                  {"ordinary", r.ignored},
                  {"act", r.count(Kind::act)},
                  {"wait", r.count(Kind::wait)},
                  {"fine", r.count(Kind::fine)}}},
                {"explanations", items}};
    if (r.manifest_checked) {
        out["manifest"] = clean_json(r.manifest, o);
    }
    return out.dump(2) + "\n";
}

std::string render_text(const Result& r, const RenderOptions& o) {
    const Lang lang = o.lang;
    std::string out;
    if (r.entries == 0) {
        return catalogue::text("ui.explain.empty", lang) + "\n";
    }
    out += catalogue::text("ui.explain.summary", lang,
                           {{"messages", std::to_string(r.entries)},
                            {"explained", std::to_string(r.items.size() - r.count(Kind::unknown))},
                            {"unknown", std::to_string(r.count(Kind::unknown))},
                            {"ordinary", std::to_string(r.ignored)}}) +
           "\n";
    // One block per cause (and per argument set: "set back to LEST" and "to LEVERT"
    // are two), most urgent first; each names the lines it stands for.
    std::map<std::tuple<int, std::string, MessageArgs>, std::vector<const Explanation*>> groups;
    std::vector<std::tuple<int, std::string, MessageArgs>> order;
    for (const auto& e : r.items) {
        auto key = std::make_tuple(urgency(e.kind), e.cause, e.args);
        auto& g = groups[key];
        if (g.empty()) {
            order.push_back(key);
        }
        g.push_back(&e);
    }
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
    constexpr std::size_t kShown = 10;
    for (const auto& key : order) {
        const auto& group = groups[key];
        const Explanation& first = *group.front();
        const Cause& c = cause(first.cause);
        out += fmt::format("\n[{}] {}\n", kind_label(first.kind, lang), cause_text(first.cause, "title", &first, lang));
        for (std::size_t i = 0; i < group.size() && i < kShown; ++i) {
            const Explanation& e = *group[i];
            out += "  " + catalogue::text("ui.explain.line", lang, {{"line", std::to_string(e.line)}}) + ": " +
                   one_line(e.text, 160, o) + "\n";
            std::string facts;
            for (const auto& [k, v] : e.details) {
                if (k == "message" || k == "description" || k == "exception") {
                    continue;  // in the line itself
                }
                facts += (facts.empty() ? "" : "; ") + catalogue::text("ui.explain.detail." + k, lang) + ": " +
                         one_line(v, 100, o);
            }
            if (!facts.empty()) {
                out += "    " + facts + "\n";
            }
        }
        if (group.size() > kShown) {
            out += "  " + catalogue::text("ui.explain.more", lang, {{"count", std::to_string(group.size() - kShown)}}) +
                   "\n";
        }
        out += "  " + catalogue::text("ui.explain.what", lang) + ": " + cause_text(first.cause, "what", &first, lang) +
               "\n";
        std::string prevent = catalogue::text(fmt::format("ui.explain.preventable.{}", to_string(c.preventable)), lang);
        if (!first.codes.empty()) {
            prevent += ": " + codes_text(first.codes);
        }
        out += "  " + catalogue::text("ui.explain.before", lang) + ": " + prevent + "\n";
        out += "  " + catalogue::text("ui.explain.manager", lang) + ": " +
               cause_text(first.cause, "manager", &first, lang) + "\n";
        out += "  " + catalogue::text("ui.explain.handler", lang) + ": " +
               cause_text(first.cause, "handler", &first, lang) + "\n";
        std::vector<std::string> notes;
        for (const Explanation* e : group) {
            for (const auto& n : e->notes) {
                if (std::find(notes.begin(), notes.end(), n) == notes.end()) {
                    notes.push_back(n);
                }
            }
        }
        for (const auto& n : notes) {
            out +=
                "  " + catalogue::text("ui.explain.note", lang) + ": " + clean_text(catalogue::text(n, lang), o) + "\n";
        }
        if (r.manifest_checked && !first.codes.empty()) {
            if (first.applies.empty()) {
                out += "  " +
                       catalogue::text("ui.explain.applies-none", lang,
                                       {{"manifest", clean_text(r.manifest, o)}, {"codes", codes_text(first.codes)}}) +
                       "\n";
            } else {
                out += "  " + catalogue::text("ui.explain.applies", lang, {{"manifest", clean_text(r.manifest, o)}}) +
                       "\n";
                for (const auto& a : first.applies) {
                    out +=
                        fmt::format("    {} {} {}: {}\n", a.code, to_string(a.severity),
                                    a.document.empty() ? catalogue::text("ui.post", lang) : clean_text(a.document, o),
                                    clean_text(a.message, o));
                }
            }
        }
    }
    return out;
}

// ---- statuses

std::string render_json(const StatusResult& r, const RenderOptions& o) {
    json messages = json::array();
    for (const auto& m : r.messages) {
        json item = {{"messageId", clean_json(m.message_id, o)},
                     {"conversationId", clean_json(m.conversation_id, o)},
                     {"status", clean_json(m.status, o)},
                     {"lastUpdate", clean_json(m.last_update, o)},
                     {"history", clean_json(m.history, o)},
                     {"category", to_string(m.kind)},
                     {"reason", catalogue::text(m.reason, o.lang, m.args)}};
        if (!m.description.empty()) {
            item["description"] = clean_json(m.description, o);
        }
        for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"service", &m.service},
                                         {"title", &m.title},
                                         {"receiver", &m.receiver}}) {
            if (!value->empty()) {
                item[key] = clean_json(*value, o);
            }
        }
        messages.push_back(item);
    }
    const json out = {{"tool", {{"name", "preflight"}, {"version", PREFLIGHT_VERSION}}},
                      {"summary",
                       {{"statuses", r.statuses},
                        {"messages", r.messages.size()},
                        {"act", r.count(Kind::act)},
                        {"wait", r.count(Kind::wait)},
                        {"fine", r.count(Kind::fine)},
                        {"unknown", r.count(Kind::unknown)}}},
                      {"messages", messages}};
    return out.dump(2) + "\n";
}

std::string render_text(const StatusResult& r, const RenderOptions& o) {
    const Lang lang = o.lang;
    std::string out = catalogue::text("ui.explain.statuses.summary", lang,
                                      {{"messages", std::to_string(r.messages.size())},
                                       {"act", std::to_string(r.count(Kind::act) + r.count(Kind::unknown))},
                                       {"wait", std::to_string(r.count(Kind::wait))},
                                       {"fine", std::to_string(r.count(Kind::fine))}}) +
                      "\n";
    std::string shown;
    for (const auto& m : r.messages) {
        // Unknown statuses are listed with those to act on: someone has to look.
        const std::string section =
            m.kind == Kind::act || m.kind == Kind::unknown ? "act" : std::string(to_string(m.kind));
        if (section != shown) {
            shown = section;
            out += "\n" + catalogue::text("ui.explain.statuses." + section, lang) + "\n";
        }
        std::string who;
        if (!m.title.empty()) {
            who += " «" + one_line(m.title, 60, o) + "»";
        }
        if (!m.service.empty()) {
            who += " " + clean_text(m.service, o);
        }
        if (!m.receiver.empty()) {
            who += " → " + clean_text(m.receiver, o);
        }
        out += fmt::format("  {} {} {}{}\n", clean_text(m.message_id.empty() ? m.conversation_id : m.message_id, o),
                           clean_text(m.status, o), clean_text(m.last_update, o), who);
        out += "    " + catalogue::text(m.reason, lang, m.args) + "\n";
        if (!m.description.empty() && m.kind != Kind::fine) {
            out += "    " + catalogue::text("ui.explain.detail.description", lang) + ": " +
                   one_line(m.description, 160, o) + "\n";
        }
    }
    return out;
}

}  // namespace preflight::explain
