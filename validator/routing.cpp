#include "validator/routing.hpp"

#include "base/identifiers.hpp"

#include <algorithm>
#include <optional>

namespace preflight {
namespace {

using registry::Outcome;

bool has_type(const registry::Capability& c, std::string_view type) {
    return std::find(c.document_types.begin(), c.document_types.end(), type) != c.document_types.end();
}

bool offers(const registry::Capabilities& caps, std::string_view service) {
    return std::any_of(caps.begin(), caps.end(), [&](const registry::Capability& c) { return c.service == service; });
}

// The route a person's message takes among the records the registry has for the
// process. A message uses the record of its own document type
// (ServiceRegistryLookup.getServiceRecord): `dpi` is a `digital` message and needs
// a digital record. For `general` the archive system picks the message type from
// the records; preflight assumes digital first, then print, then DPV: the print
// record comes before the DPV one in the registry's answer, and of the two, print
// is the one with rules that can fail (the contract's print-bound).
std::optional<Route> route_among(const std::vector<std::string>& types, Channel method) {
    const auto has = [&](std::string_view t) { return std::find(types.begin(), types.end(), t) != types.end(); };
    if (has("digital")) {
        return Route::dpi_digital;
    }
    if (method != Channel::general) {
        return std::nullopt;
    }
    if (has("print")) {
        return Route::dpi_print;
    }
    if (has("digital_dpv")) {
        return Route::dpv;
    }
    return std::nullopt;
}

// Why the registry decides as it does, from the KRR entry.
std::string krr_reason(const registry::Person& p, std::string_view process) {
    switch (dpi_target(p, process)) {
        case DpiTarget::digital:
            return "mailbox";
        case DpiTarget::print:
            return p.reserved.value_or(false) ? "reserved" : "not-notifiable";
        case DpiTarget::dpv:
            return "no-mailbox";
    }
    return "no-mailbox";
}

RoutePrediction person_route(const Recipient& r, std::string_view process) {
    const auto& facts = r.facts;
    const registry::Person* krr =
        facts.person.outcome == Outcome::found && facts.person.value ? &*facts.person.value : nullptr;
    if (krr != nullptr && krr->status == "SLETTET") {
        return {Route::unknown, "not-found"};
    }
    // The integrasjonspunkt's capabilities are the registry's own answer: they win
    // over our reading of the KRR entry (they also know Folkeregisteret).
    if (facts.capabilities.outcome == Outcome::found && facts.capabilities.value) {
        const std::string urn = digital_post_process(process);
        std::vector<std::string> types;
        for (const auto& c : *facts.capabilities.value) {
            if (c.process != urn) {
                continue;
            }
            if (c.service == "DPI") {
                for (const char* t : {"digital", "print"}) {
                    if (has_type(c, t)) {
                        types.emplace_back(t);
                    }
                }
            } else if (c.service == "DPV") {
                types.emplace_back("digital_dpv");
            }
        }
        const auto route = route_among(types, r.method);
        if (!route) {
            return {Route::unknown, "no-record"};
        }
        std::string reason = krr != nullptr ? krr_reason(*krr, process) : "capabilities";
        if ((*route == Route::dpi_digital) != (reason == "mailbox")) {
            reason = "capabilities";  // the registry knows more than the KRR entry says (e.g. Folkeregisteret)
        }
        return {*route, reason};
    }
    // Capabilities "not found" blocks (DP507); the KRR entry still tells the route it would take.
    if (krr != nullptr) {
        const DpiTarget target = dpi_target(*krr, process);
        const auto route = route_among(predicted_record_types(target), r.method);
        if (!route) {
            return {Route::unknown, "no-record"};
        }
        return {*route, krr_reason(*krr, process)};
    }
    if (facts.person.outcome == Outcome::not_found) {
        return {Route::unknown, "not-found"};
    }
    if (facts.capabilities.outcome == Outcome::not_found) {
        return {Route::unknown, "no-record"};
    }
    return {Route::unknown, "no-registry"};
}

RoutePrediction organisation_route(const Recipient& r, std::string_view process) {
    const auto& facts = r.facts;
    if (facts.organisation.outcome == Outcome::not_found || facts.organisation.outcome == Outcome::removed) {
        return {Route::unknown, "not-found"};
    }
    if (facts.capabilities.outcome == Outcome::found && facts.capabilities.value) {
        // An organisation gets one record per arkivmelding process: DPO where it is
        // registered for the process in ELMA, else DPF where it has SvarUt, else DPV
        // (ServiceRecordService.createArkivmeldingServiceRecord). The message uses
        // the record of its own process (ServiceRecordProvider).
        registry::Capabilities caps;
        for (const auto& c : *facts.capabilities.value) {
            if (c.process == process) {
                caps.push_back(c);
            }
        }
        if (offers(caps, "DPO")) {
            return {Route::dpo, "capabilities"};
        }
        if (offers(caps, "DPF")) {
            return {Route::dpf, "capabilities"};
        }
        if (offers(caps, "DPV")) {
            return {Route::dpv, "capabilities"};
        }
        return {Route::unknown, "no-record"};
    }
    if (facts.capabilities.outcome == Outcome::not_found) {
        return {Route::unknown, "no-record"};
    }
    return {Route::unknown, "no-registry"};
}

}  // namespace

DpiTarget dpi_target(const registry::Person& p, std::string_view process) {
    // PersonResource: isReserved is reservasjon JA, isNotifiable varslingsstatus
    // KAN_VARSLES (absent is not notifiable), isActive status AKTIV, hasMailbox a
    // certificate and a digital_post entry.
    const auto active_mailbox = [&] { return p.has_mailbox() && p.active() ? DpiTarget::digital : DpiTarget::dpv; };
    if (process == "info") {  // Notification.NOT_OBLIGATED
        return active_mailbox();
    }
    if (p.reserved.value_or(false)) {
        return DpiTarget::print;
    }
    if (!p.notifiable.value_or(false)) {
        return DpiTarget::print;
    }
    return active_mailbox();
}

std::vector<std::string> predicted_record_types(DpiTarget target) {
    switch (target) {
        case DpiTarget::digital:
            return {"digital"};
        case DpiTarget::print:
            return {"print"};
        case DpiTarget::dpv:
            return {"print", "digital_dpv"};
    }
    return {};
}

bool is_organisation(const Recipient& r) {
    return r.id && ident::classify(ident::normalise_id(*r.id)) == ident::IdClass::organisation;
}

Carrier carrier_of(const Recipient& r) {
    switch (r.route) {
        case Route::dpi_digital:
        case Route::dpi_print:
            return Carrier::dpi;
        case Route::dpo:
            return Carrier::dpo;
        case Route::dpv:
            return Carrier::dpv;
        case Route::dpf:
            return Carrier::dpf;
        case Route::email:
            return Carrier::email;
        case Route::signing:
            return Carrier::signing;
        case Route::manual:
            return Carrier::manual;
        case Route::unknown:
            break;
    }
    // A person whose route is unknown keeps DPI's rules; an organisation never goes by DPI.
    return is_organisation(r) ? Carrier::organisation : Carrier::dpi;
}

Carrier carrier_of(Channel c) {
    switch (c) {
        case Channel::general:
        case Channel::dpi:
        case Channel::print:
            return Carrier::dpi;
        case Channel::dpo:
            return Carrier::dpo;
        case Channel::dpv:
            return Carrier::dpv;
        case Channel::dpf:
            return Carrier::dpf;
        case Channel::email:
            return Carrier::email;
        case Channel::signing:
            return Carrier::signing;
        case Channel::manual:
            return Carrier::manual;
    }
    return Carrier::dpi;
}

bool print_bound(const Recipient& r) {
    // `dpi` is a digital message: it never turns into print (the integrasjonspunkt
    // refuses it without a digital record, DP507).
    return r.method == Channel::print || r.route == Route::dpi_print ||
           (r.route == Route::unknown && r.method == Channel::general && !is_organisation(r));
}

RoutePrediction predict_route(const Recipient& r, std::string_view process, std::string_view organisation_process) {
    switch (r.method) {
        case Channel::print:
            return {Route::dpi_print, "method"};
        case Channel::dpo:
            return {Route::dpo, "method"};
        case Channel::dpv:
            return {Route::dpv, "method"};
        case Channel::dpf:
            return {Route::dpf, "method"};
        case Channel::email:
            return {Route::email, "method"};
        case Channel::signing:
            return {Route::signing, "method"};
        case Channel::manual:
            return {Route::manual, "method"};
        case Channel::general:
        case Channel::dpi:
            break;
    }
    if (!r.id) {
        return {Route::unknown, "no-id"};
    }
    switch (ident::classify(ident::normalise_id(*r.id))) {
        case ident::IdClass::person:
            return person_route(r, process);
        case ident::IdClass::organisation:
            // DPI is for persons: the registry makes no DPI record for an organisation.
            return r.method == Channel::dpi ? RoutePrediction{Route::unknown, "no-record"}
                                            : organisation_route(r, organisation_process);
        default:
            return {Route::unknown, "no-id"};
    }
}

std::string digital_post_process(std::string_view process) {
    return "urn:no:difi:profile:digitalpost:" + std::string(process) + ":ver1.0";
}

std::string_view mailbox_provider_name(std::string_view orgnr) {
    if (orgnr == "984661185") {  // Posten Norge AS: Digipost
        return "digipost";
    }
    if (orgnr == "922020175" || orgnr == "996460320") {  // e-Boks (KRR's current and older org number)
        return "eboks";
    }
    return "";
}

}  // namespace preflight
