#include "validator/routing.hpp"

#include "validator/identifiers.hpp"

#include <algorithm>
#include <optional>

namespace preflight {
namespace {

using registry::Outcome;

bool offers(const registry::Capabilities& caps, std::string_view service, std::string_view type = {}) {
    return std::any_of(caps.begin(), caps.end(), [&](const registry::Capability& c) {
        return c.service == service && (type.empty() || std::find(c.document_types.begin(), c.document_types.end(),
                                                                  type) != c.document_types.end());
    });
}

// What the integrasjonspunkt offers a person for `process`: its capabilities already
// reflect KRR, so they win over our reading of the KRR entry.
std::optional<RoutePrediction> capability_route(const registry::Capabilities& caps, std::string_view process) {
    const std::string urn = digital_post_process(process);
    bool digital = false;
    bool print = false;
    for (const auto& c : caps) {
        if (c.service != "DPI" || c.process != urn) {
            continue;
        }
        digital |= std::find(c.document_types.begin(), c.document_types.end(), "digital") != c.document_types.end();
        print |= std::find(c.document_types.begin(), c.document_types.end(), "print") != c.document_types.end();
    }
    if (digital) {
        return RoutePrediction{Route::dpi_digital, "capabilities"};
    }
    if (print) {
        return RoutePrediction{Route::dpi_print, "capabilities"};
    }
    return std::nullopt;
}

RoutePrediction person_route(const Recipient& r, std::string_view process) {
    const auto& facts = r.facts;
    if (facts.person.outcome == Outcome::found && facts.person.value && facts.person.value->status == "SLETTET") {
        return {Route::unknown, "not-found"};
    }
    if (facts.capabilities.outcome == Outcome::found && facts.capabilities.value) {
        if (auto route = capability_route(*facts.capabilities.value, process)) {
            // A print route is better explained by the KRR entry when there is one.
            if (route->route == Route::dpi_print && facts.person.value) {
                const auto& p = *facts.person.value;
                route->reason = p.reserved.value_or(false)     ? "reserved"
                                : !p.notifiable.value_or(true) ? "not-notifiable"
                                                               : "capabilities";
            }
            return *route;
        }
    }
    if (facts.person.outcome == Outcome::found && facts.person.value) {
        const registry::Person& p = *facts.person.value;
        const bool digital = p.has_mailbox() && p.active();
        if (process == "info") {
            return digital ? RoutePrediction{Route::dpi_digital, "mailbox"} : RoutePrediction{Route::dpv, "no-mailbox"};
        }
        if (p.reserved.value_or(false)) {
            return {Route::dpi_print, "reserved"};
        }
        if (!p.notifiable.value_or(true)) {
            return {Route::dpi_print, "not-notifiable"};
        }
        return digital ? RoutePrediction{Route::dpi_digital, "mailbox"} : RoutePrediction{Route::dpv, "no-mailbox"};
    }
    if (facts.person.outcome == Outcome::not_found) {
        return {Route::unknown, "not-found"};
    }
    return {Route::unknown, "no-registry"};
}

RoutePrediction organisation_route(const Recipient& r) {
    const auto& facts = r.facts;
    if (facts.organisation.outcome == Outcome::not_found || facts.organisation.outcome == Outcome::removed) {
        return {Route::unknown, "not-found"};
    }
    if (facts.capabilities.outcome == Outcome::found && facts.capabilities.value) {
        const auto& caps = *facts.capabilities.value;
        // The integrasjonspunkt prefers eFormidling (DPO), then KS FIKS (DPF), then Altinn (DPV).
        if (offers(caps, "DPO")) {
            return {Route::dpo, "capabilities"};
        }
        if (offers(caps, "DPF")) {
            return {Route::dpf, "capabilities"};
        }
        if (offers(caps, "DPV")) {
            return {Route::dpv, "capabilities"};
        }
    }
    return {Route::unknown, "no-registry"};
}

}  // namespace

RoutePrediction predict_route(const Recipient& r, std::string_view process) {
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
            return r.method == Channel::dpi ? RoutePrediction{Route::unknown, "no-registry"} : organisation_route(r);
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
    if (orgnr == "996460320") {  // e-Boks AS
        return "eboks";
    }
    return "";
}

}  // namespace preflight
