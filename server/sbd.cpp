#include "server/sbd.hpp"
#include "base/text.hpp"

#include "base/error.hpp"
#include "base/identifiers.hpp"
#include "validator/manifest.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace preflight {
namespace {

using json = nlohmann::json;

class SbdReader {
public:
    SbdReader(std::string_view text, std::string_view where) : text_(text), where_(where) {}

    [[noreturn]] void fail(const char* id, const std::string& pointer, MessageArgs args = {}) const {
        const auto at = position_of(text_, locate(text_, pointer));
        args.emplace_back("where", std::string(where_));
        args.emplace_back("line", std::to_string(at.line));
        args.emplace_back("column", std::to_string(at.column));
        args.emplace_back("field", display_pointer(pointer));
        throw UsageError(id, std::move(args));
    }

    // parent[key] when present and not null, checked against `is`; nullptr when
    // absent (an error when `required`).
    const json* member(const json& parent, const std::string& pointer, const char* key, bool required,
                       bool (json::*is)() const noexcept, const char* expected) const {
        const std::string p = pointer + "/" + escape_pointer_token(key);
        const auto it = parent.find(key);
        if (it == parent.end() || it->is_null()) {
            if (required) {
                fail("error.sbd.missing", p);
            }
            return nullptr;
        }
        if (!((*it).*is)()) {
            fail("error.sbd.type", p, {{"expected", expected}});
        }
        return &*it;
    }

    const json* object(const json& parent, const std::string& pointer, const char* key, bool required) const {
        return member(parent, pointer, key, required, &json::is_object, "object");
    }

    // An array with at least one element when `required`.
    const json* array(const json& parent, const std::string& pointer, const char* key, bool required) const {
        const json* a = member(parent, pointer, key, required, &json::is_array, "array");
        if (a != nullptr && a->empty() && required) {
            fail("error.sbd.missing", pointer + "/" + key + "/0");
        }
        return a;
    }

    std::optional<std::string> string(const json& parent, const std::string& pointer, const char* key,
                                      bool required) const {
        const json* v = member(parent, pointer, key, required, &json::is_string, "string");
        if (v == nullptr) {
            return std::nullopt;
        }
        return v->get<std::string>();
    }

    // A string that must not be empty when present.
    std::optional<std::string> text(const json& parent, const std::string& pointer, const char* key,
                                    bool required) const {
        auto v = string(parent, pointer, key, required);
        if (v && v->empty()) {
            fail("error.sbd.empty", pointer + "/" + key);
        }
        return v;
    }

    // A whole number; its decimal string too, which the integrasjonspunkt accepts as well.
    std::optional<int> integer(const json& parent, const std::string& pointer, const char* key) const {
        const std::string p = pointer + "/" + key;
        const auto it = parent.find(key);
        if (it == parent.end() || it->is_null()) {
            return std::nullopt;
        }
        if (it->is_number_integer() && it->get<std::int64_t>() >= 0 && it->get<std::int64_t>() <= 1000) {
            return static_cast<int>(it->get<std::int64_t>());
        }
        if (it->is_string()) {
            const auto& s = it->get_ref<const std::string&>();
            if (!s.empty() && s.size() <= 3 &&
                std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
                return std::stoi(s);
            }
        }
        fail("error.sbd.type", p, {{"expected", "number"}});
    }

    // identifier.value of the first partner in `list` (sender or receiver).
    std::optional<std::string> partner(const json& header, const char* list, bool required) const {
        const std::string h = "/standardBusinessDocumentHeader";
        const json* partners = array(header, h, list, required);
        if (partners == nullptr || partners->empty()) {
            return std::nullopt;
        }
        const std::string p = fmt::format("{}/{}/0", h, list);
        if (!partners->at(0).is_object()) {
            fail("error.sbd.type", p, {{"expected", "object"}});
        }
        const json* identifier = object(partners->at(0), p, "identifier", required);
        if (identifier == nullptr) {
            return std::nullopt;
        }
        return text(*identifier, p + "/identifier", "value", required);
    }

    // A PostAddress: adresselinje1..4 (every line up to the last one given, so
    // that line 1 stays line 1), postnummer, poststed, land.
    Address address(const json& to, const std::string& tp) const {
        Address a;
        std::vector<std::optional<std::string>> lines;
        for (const char* key : {"adresselinje1", "adresselinje2", "adresselinje3", "adresselinje4"}) {
            lines.push_back(string(to, tp, key, false));
        }
        while (!lines.empty() && !lines.back()) {
            lines.pop_back();
        }
        for (const auto& line : lines) {
            a.lines.push_back(line.value_or(""));
        }
        a.postcode = string(to, tp, "postnummer", false).value_or("");
        a.city = string(to, tp, "poststed", false).value_or("");
        a.country = string(to, tp, "land", false).value_or("");
        return a;
    }

    SbdMessage read(const json& root) const {
        if (!root.is_object()) {
            fail("error.sbd.type", "", {{"expected", "object"}});
        }
        SbdMessage m;
        const std::string h = "/standardBusinessDocumentHeader";
        const json& header = *object(root, "", "standardBusinessDocumentHeader", true);
        m.sender = partner(header, "sender", false).value_or("");

        const std::string di = h + "/documentIdentification";
        const json& ident = *object(header, h, "documentIdentification", true);
        m.type = text::ascii_lower(*text(ident, di, "type", true));
        // The integrasjonspunkt allows a print message without a receiver (a person
        // without a fødselsnummer: ServiceRecordProvider.getServiceIdentifier).
        m.receiver = partner(header, "receiver", m.type != "print").value_or("");
        m.message_id = text(ident, di, "instanceIdentifier", false).value_or("");
        m.standard = string(ident, di, "standard", false).value_or("");

        const std::string bs = h + "/businessScope";
        const json& scope_holder = *object(header, h, "businessScope", true);
        const json& scopes = *array(scope_holder, bs, "scope", true);
        std::size_t chosen = 0;  // the ConversationId scope, else the first
        for (std::size_t i = 0; i < scopes.size(); ++i) {
            const std::string p = fmt::format("{}/scope/{}", bs, i);
            if (!scopes[i].is_object()) {
                fail("error.sbd.type", p, {{"expected", "object"}});
            }
            if (string(scopes[i], p, "type", false).value_or("") == "ConversationId") {
                chosen = i;
                break;
            }
        }
        const std::string sp = fmt::format("{}/scope/{}", bs, chosen);
        m.process = *text(scopes[chosen], sp, "identifier", true);
        m.conversation_id = string(scopes[chosen], sp, "instanceIdentifier", false).value_or("");

        // The business message, named after the type. Its absence is the integrasjonspunkt's to judge.
        const std::string bp = "/" + escape_pointer_token(m.type);
        const json* business = object(root, "", m.type.c_str(), false);
        if (business == nullptr) {
            return m;
        }
        m.title = string(*business, bp, "tittel", false);
        m.main_file = string(*business, bp, "hoveddokument", false);
        m.security_level = integer(*business, bp, "sikkerhetsnivaa");
        m.language = string(*business, bp, "spraak", false);
        if (const json* meta = object(*business, bp, "metadataFiler", false)) {
            for (const auto& [document, value] : meta->items()) {
                if (!value.is_string()) {
                    fail("error.sbd.type", bp + "/metadataFiler/" + escape_pointer_token(document),
                         {{"expected", "string"}});
                }
                m.metadata_files.emplace_back(document, value.get<std::string>());
            }
        }
        if (m.type == "print") {
            if (const json* to = object(*business, bp, "mottaker", false)) {
                m.print_name = string(*to, bp + "/mottaker", "navn", false);
                m.print_address = address(*to, bp + "/mottaker");
            }
            if (const json* back = object(*business, bp, "retur", false)) {
                if (const json* to = object(*back, bp + "/retur", "mottaker", false)) {
                    m.return_name = string(*to, bp + "/retur/mottaker", "navn", false);
                    m.return_address = address(*to, bp + "/retur/mottaker");
                }
            }
        }
        return m;
    }

private:
    std::string_view text_;
    std::string_view where_;
};

Channel channel_for(std::string_view type) {
    if (type == "digital") {
        return Channel::dpi;
    }
    if (type == "print") {
        return Channel::print;
    }
    if (type == "digital_dpv") {
        return Channel::dpv;
    }
    // arkivmelding (and every other type): the integrasjonspunkt picks DPO, DPF or DPV
    // from the receiver's capabilities, and so does the route prediction for `general`.
    return Channel::general;
}

}  // namespace

SbdMessage parse_sbd(std::string_view text, std::string_view where) { return parse_sbd(text, where, nullptr); }

SbdMessage parse_sbd(std::string_view text, std::string_view where, const JsonCharge& charge) {
    json root;
    try {
        root = charge ? parse_json(text, charge) : parse_json(text);
    } catch (const JsonSyntaxError& e) {
        const auto at = position_of(text, e.offset);
        throw UsageError("error.sbd.syntax", {{"where", std::string(where)},
                                              {"line", std::to_string(at.line)},
                                              {"column", std::to_string(at.column)},
                                              {"detail", e.detail}});
    }
    return SbdReader(text, where).read(root);
}

std::string process_kind(std::string_view urn) {
    // urn:no:difi:profile:digitalpost:<kind>:ver1.0
    const std::string u = text::ascii_lower(urn);
    const std::string marker = ":digitalpost:";
    const auto at = u.find(marker);
    if (at == std::string::npos) {
        return "";
    }
    const auto start = at + marker.size();
    const auto end = u.find(':', start);
    const std::string kind = u.substr(start, end == std::string::npos ? std::string::npos : end - start);
    return kind == "vedtak" || kind == "info" ? kind : "";
}

bool is_document(const SbdMessage& sbd, std::string_view filename) {
    if (sbd.type == "arkivmelding" && filename == "arkivmelding.xml") {
        return false;
    }
    return std::none_of(sbd.metadata_files.begin(), sbd.metadata_files.end(),
                        [&](const auto& m) { return m.second == filename; });
}

Role role_of(const SbdMessage& sbd, std::string_view filename) {
    return sbd.main_file && *sbd.main_file == filename ? Role::main : Role::attachment;
}

JournalPost to_journal_post(const SbdMessage& sbd) {
    JournalPost post;
    // Only digital and digital_dpv messages carry a title; print and arkivmelding
    // have none in the SBD (arkivmelding's is inside arkivmelding.xml).
    post.title = sbd.title;
    // Other processes (arkivmelding, avtalt, ...) keep the model's default,
    // "vedtak": it only steers the routing of persons, where it is the stricter
    // of the two (a reserved person gets a vedtak on paper).
    if (const std::string kind = process_kind(sbd.process); !kind.empty()) {
        post.process = kind;
    } else if (!sbd.process.empty()) {
        post.organisation_process = sbd.process;
    }
    // Only arkivmelding and digital messages carry a level the integrasjonspunkt
    // uses (HasSikkerhetsNivaa: ArkivmeldingMessage, DpiDigitalMessage).
    if (sbd.type == "arkivmelding" || sbd.type == "digital") {
        post.security_level = sbd.security_level;
    }
    Recipient r;
    if (!sbd.receiver.empty()) {
        r.id = ident::normalise_id(sbd.receiver);
    }
    r.method = channel_for(sbd.type);
    // DP501 asks whether the archive system looked the recipient up in
    // Folkeregisteret or Enhetsregisteret before sending; the failure it foresees
    // ("ugyldige verdier hos mottaker") happens in the archive system, before any
    // SBD is made. An SBD always names its receiver by identifier, which the
    // integrasjonspunkt resolves in the registries itself, and which preflight looks
    // up too (DP502 invalid, DP503 unknown, DP508 no registry). So the recipient
    // counts as looked up; a missing identifier still gives DP501.no-id.
    r.verified = true;
    if (sbd.type == "print") {
        // NextMoveValidator.validatePrintBusinessMessage: the print message carries
        // the receiver's address (mottaker) and the return address (retur).
        r.name = sbd.print_name.value_or("");
        r.address = sbd.print_address;
        post.return_address = sbd.return_address;
        post.return_name = sbd.return_name;
        // With a receiver, the integrasjonspunkt completes both addresses from the
        // print record before it validates (NextMoveOutMessageFactory.setDpiDefaults);
        // without one, both must be whole.
        r.address_completed_upstream = !sbd.receiver.empty();
        post.return_required = sbd.receiver.empty();
    }
    post.recipients.push_back(std::move(r));
    return post;
}

}  // namespace preflight
