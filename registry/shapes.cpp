#include "registry/shapes.hpp"

#include "registry/source.hpp"

#include <fmt/format.h>

namespace preflight::registry {
namespace shapes {
namespace {

using json = nlohmann::json;

bool bool_member(const json& j, const char* key, const std::string& pointer) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        return false;
    }
    if (!it->is_boolean()) {
        throw ShapeError(pointer + "/" + key, "true/false");
    }
    return it->get<bool>();
}

std::optional<bool> choice_member(const json& j, const char* key, const char* yes, const char* no,
                                  const std::string& pointer) {
    const std::string v = text_member(j, key, pointer);
    if (v.empty()) {
        return std::nullopt;
    }
    if (v == yes) {
        return true;
    }
    if (v == no) {
        return false;
    }
    throw ShapeError(pointer + "/" + key, fmt::format("\"{}\" or \"{}\"", yes, no));
}

}  // namespace

const json& object_at(const json& j, const std::string& pointer) {
    if (!j.is_object()) {
        throw ShapeError(pointer, "object");
    }
    return j;
}

std::string text_member(const json& j, const char* key, const std::string& pointer) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        return {};
    }
    if (!it->is_string()) {
        throw ShapeError(pointer + "/" + key, "string");
    }
    return it->get<std::string>();
}

Person person_at(const json& entry, const std::string& p) {
    object_at(entry, p);
    Person person;
    person.id = text_member(entry, "personidentifikator", p);
    if (person.id.empty()) {
        throw ShapeError(p + "/personidentifikator", "string");
    }
    person.status = text_member(entry, "status", p);
    person.reserved = choice_member(entry, "reservasjon", "JA", "NEI", p);
    person.notifiable = choice_member(entry, "varslingsstatus", "KAN_VARSLES", "KAN_IKKE_VARSLES", p);
    if (const auto it = entry.find("kontaktinformasjon"); it != entry.end() && !it->is_null()) {
        const std::string cp = p + "/kontaktinformasjon";
        object_at(*it, cp);
        person.email = text_member(*it, "epostadresse", cp);
        person.mobile = text_member(*it, "mobiltelefonnummer", cp);
    }
    if (const auto it = entry.find("digital_post"); it != entry.end() && !it->is_null()) {
        const std::string dp = p + "/digital_post";
        object_at(*it, dp);
        person.mailbox_address = text_member(*it, "postkasseadresse", dp);
        person.mailbox_provider = text_member(*it, "postkasseleverandoeradresse", dp);
        person.digital_post = true;
    }
    person.certificate = !text_member(entry, "sertifikat", p).empty();
    return person;
}

Organisation organisation_at(const json& body, const std::string& today, const std::string& p) {
    object_at(body, p);
    Organisation org;
    org.orgnr = text_member(body, "organisasjonsnummer", p);
    org.name = text_member(body, "navn", p);
    org.deleted_date = text_member(body, "slettedato", p);
    org.deleted = !org.deleted_date.empty() && org.deleted_date <= today;
    org.bankrupt = bool_member(body, "konkurs", p);
    org.winding_up = bool_member(body, "underAvvikling", p);
    org.forced_dissolution = bool_member(body, "underTvangsavviklingEllerTvangsopplosning", p);
    return org;
}

Capabilities capabilities_at(const json& body, const std::string& p) {
    object_at(body, p);
    const auto it = body.find("capabilities");
    if (it == body.end() || !it->is_array()) {
        throw ShapeError(p + "/capabilities", "array");
    }
    Capabilities caps;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const std::string cp = fmt::format("{}/capabilities/{}", p, i);
        const json& c = object_at((*it)[i], cp);
        Capability cap;
        cap.process = text_member(c, "process", cp);
        cap.service = text_member(c, "serviceIdentifier", cp);
        if (const auto dt = c.find("documentTypes"); dt != c.end() && !dt->is_null()) {
            if (!dt->is_array()) {
                throw ShapeError(cp + "/documentTypes", "array");
            }
            for (std::size_t k = 0; k < dt->size(); ++k) {
                const std::string tp = fmt::format("{}/documentTypes/{}", cp, k);
                cap.document_types.push_back(text_member(object_at((*dt)[k], tp), "type", tp));
            }
        }
        caps.push_back(std::move(cap));
    }
    return caps;
}

std::string describe(const HttpError& e) {
    switch (e.kind()) {
        case HttpError::Kind::timeout:
            return "no answer in time";
        case HttpError::Kind::connect:
            return "connection refused or host not found";
        case HttpError::Kind::too_large:
            return "answer too large";
        case HttpError::Kind::no_client:
            return "libcurl cannot be loaded (install the package libcurl4)";
        case HttpError::Kind::other:
            break;
    }
    return "transport error";
}

std::string trim_slash(std::string url) {
    while (!url.empty() && url.back() == '/') {
        url.pop_back();
    }
    return url;
}

}  // namespace shapes

Person person_from_krr(const nlohmann::json& entry) { return shapes::person_at(entry, ""); }
Organisation organisation_from_brreg(const nlohmann::json& body, const std::string& today) {
    return shapes::organisation_at(body, today, "");
}
Capabilities capabilities_from_json(const nlohmann::json& body) { return shapes::capabilities_at(body, ""); }

}  // namespace preflight::registry
