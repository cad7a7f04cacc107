#include "lookup/lookup.hpp"

#include "base/error.hpp"
#include "base/identifiers.hpp"
#include "base/text.hpp"
#include "validator/catalogue.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace preflight {
namespace {

using json = nlohmann::json;
using registry::Outcome;

std::string_view outcome_name(Outcome o) {
    switch (o) {
        case Outcome::unknown:
            return "unknown";
        case Outcome::found:
            return "found";
        case Outcome::not_found:
            return "not-found";
        case Outcome::removed:
            return "removed";
        case Outcome::failed:
            return "failed";
    }
    return "unknown";
}

std::string shown(std::string_view s, const RenderOptions& o) {
    const std::string p = text::escape_controls(text::printable(s));
    return o.show_ids ? p : ident::mask_person_ids(p);
}

std::string opt_bool(const std::optional<bool>& b, const char* yes, const char* no) {
    return b ? (*b ? yes : no) : "-";
}

json person_json(const registry::Answer<registry::Person>& a, const RenderOptions& o) {
    json j{{"outcome", outcome_name(a.outcome)}};
    if (!a.detail.empty()) {
        j["detail"] = shown(a.detail, o);
    }
    if (a.value) {
        const auto& p = *a.value;
        j["status"] = p.status;
        j["reservasjon"] = opt_bool(p.reserved, "JA", "NEI");
        j["varslingsstatus"] = opt_bool(p.notifiable, "KAN_VARSLES", "KAN_IKKE_VARSLES");
        j["epostadresse"] = shown(p.email, o);
        j["mobiltelefonnummer"] = shown(p.mobile, o);
        j["postkasseleverandoer"] = p.mailbox_provider;
        j["postkasse"] = std::string(mailbox_provider_name(p.mailbox_provider));
    }
    return j;
}

json org_json(const registry::Answer<registry::Organisation>& a, const RenderOptions& o) {
    json j{{"outcome", outcome_name(a.outcome)}};
    if (!a.detail.empty()) {
        j["detail"] = shown(a.detail, o);
    }
    if (a.value) {
        const auto& g = *a.value;
        j["navn"] = shown(g.name, o);
        j["slettedato"] = g.deleted_date;
        j["konkurs"] = g.bankrupt;
        j["underAvvikling"] = g.winding_up;
        j["underTvangsavviklingEllerTvangsopplosning"] = g.forced_dissolution;
        j["underenhet"] = g.sub_unit;
    }
    return j;
}

json caps_json(const registry::Answer<registry::Capabilities>& a, const RenderOptions& o) {
    json j{{"outcome", outcome_name(a.outcome)}};
    if (!a.detail.empty()) {
        j["detail"] = shown(a.detail, o);
    }
    if (a.value) {
        json list = json::array();
        for (const auto& c : *a.value) {
            list.push_back(
                {{"process", c.process}, {"serviceIdentifier", c.service}, {"documentTypes", c.document_types}});
        }
        j["capabilities"] = list;
    }
    return j;
}

std::string person_text(const registry::Answer<registry::Person>& a, const RenderOptions& o) {
    if (!a.value) {
        return catalogue::text(fmt::format("ui.lookup.{}", outcome_name(a.outcome)), o.lang,
                               {{"detail", shown(a.detail, o)}});
    }
    const auto& p = *a.value;
    const std::string_view box = mailbox_provider_name(p.mailbox_provider);
    return catalogue::text("ui.lookup.person", o.lang,
                           {{"status", p.status.empty() ? "-" : p.status},
                            {"reserved", opt_bool(p.reserved, "JA", "NEI")},
                            {"notify", opt_bool(p.notifiable, "KAN_VARSLES", "KAN_IKKE_VARSLES")},
                            {"mailbox", p.has_mailbox() ? std::string(box.empty() ? p.mailbox_provider : box) : "-"},
                            {"email", p.email.empty() ? "-" : shown(p.email, o)},
                            {"mobile", p.mobile.empty() ? "-" : shown(p.mobile, o)}});
}

std::string org_text(const registry::Answer<registry::Organisation>& a, const RenderOptions& o) {
    if (!a.value) {
        return catalogue::text(fmt::format("ui.lookup.{}", outcome_name(a.outcome)), o.lang,
                               {{"detail", shown(a.detail, o)}});
    }
    const auto& g = *a.value;
    std::string flags;
    if (g.deleted) {
        flags += " slettedato=" + (g.deleted_date.empty() ? std::string("-") : g.deleted_date);
    }
    if (g.bankrupt) {
        flags += " konkurs";
    }
    if (g.winding_up) {
        flags += " underAvvikling";
    }
    if (g.forced_dissolution) {
        flags += " underTvangsavviklingEllerTvangsopplosning";
    }
    return catalogue::text("ui.lookup.organisation", o.lang, {{"name", shown(g.name, o)}, {"flags", flags}});
}

std::string caps_text(const registry::Answer<registry::Capabilities>& a, const RenderOptions& o) {
    if (!a.value) {
        return catalogue::text(fmt::format("ui.lookup.{}", outcome_name(a.outcome)), o.lang,
                               {{"detail", shown(a.detail, o)}});
    }
    std::string list;
    for (const auto& c : *a.value) {
        std::string types;
        for (const auto& t : c.document_types) {
            types += (types.empty() ? "" : ",") + t;
        }
        list += fmt::format("{}{} {} [{}]", list.empty() ? "" : "; ", c.service, c.process, types);
    }
    return list.empty() ? catalogue::text("ui.lookup.no-capabilities", o.lang) : list;
}

}  // namespace

LookupResult look_up(registry::Directory& directory, const std::string& raw) {
    LookupResult r;
    r.id = ident::normalise_id(raw);
    switch (ident::classify(r.id)) {
        case ident::IdClass::person:
            switch (ident::person_kind(r.id)) {
                case ident::PersonKind::d_nummer:
                    r.kind = "d-nummer";
                    break;
                case ident::PersonKind::h_nummer:
                    r.kind = "h-nummer";
                    break;
                case ident::PersonKind::synthetic:
                    r.kind = "synthetic";
                    break;
                default:
                    r.kind = "fodselsnummer";
                    break;
            }
            break;
        case ident::IdClass::organisation:
            r.kind = "organisation";
            break;
        default:
            throw UsageError("error.usage.bad-id", {{"id", raw}});
    }
    r.sources = directory.ask_all(r.id);
    r.facts = directory.lookup({r.id}).front();
    Recipient rec;
    rec.id = r.id;
    rec.method = Channel::general;
    rec.facts = r.facts;
    r.vedtak = predict_route(rec, "vedtak");
    r.info = predict_route(rec, "info");
    return r;
}

std::string render_lookup(const LookupResult& r, Format format, const RenderOptions& o) {
    const bool person = r.kind != "organisation";
    if (format == Format::json) {
        json sources = json::array();
        for (const auto& s : r.sources) {
            json j{{"source", s.source}};
            j[person ? "person" : "organisation"] = person ? person_json(s.person, o) : org_json(s.organisation, o);
            j["capabilities"] = caps_json(s.capabilities, o);
            sources.push_back(j);
        }
        const json out{{"id", shown(r.id, o)},
                       {"kind", r.kind},
                       {"sources", sources},
                       {"routes",
                        {{"vedtak", {{"route", to_string(r.vedtak.route)}, {"reason", r.vedtak.reason}}},
                         {"info", {{"route", to_string(r.info.route)}, {"reason", r.info.reason}}}}}};
        return out.dump(2) + "\n";
    }
    std::string out = catalogue::text("ui.lookup.header", o.lang, {{"id", shown(r.id, o)}, {"kind", r.kind}}) + "\n";
    for (const auto& s : r.sources) {
        out += fmt::format("  {}:\n", s.source);
        out += fmt::format("    {}: {}\n", catalogue::text(person ? "ui.lookup.krr" : "ui.lookup.er", o.lang),
                           person ? person_text(s.person, o) : org_text(s.organisation, o));
        out += fmt::format("    {}: {}\n", catalogue::text("ui.lookup.caps", o.lang), caps_text(s.capabilities, o));
    }
    for (const auto& [process, p] : {std::pair{"vedtak", r.vedtak}, std::pair{"info", r.info}}) {
        out += catalogue::text("ui.lookup.route", o.lang,
                               {{"process", process},
                                {"route", std::string(to_string(p.route))},
                                {"reason", catalogue::text("ui.reason." + p.reason, o.lang)}}) +
               "\n";
    }
    return out;
}

}  // namespace preflight
