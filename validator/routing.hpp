// Where each recipient's letter will go, predicted from the dispatch method and
// what the registries said, by the eFormidling service registry's own rules
// (docs/registry.md, "Routes"): efm-service-registry's DpiMessageRouter and
// ServiceRecordService for persons, the capabilities for organisations, and the
// integrasjonspunkt's ServiceRecordProvider for the record a message uses.
#pragma once

#include "validator/model.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace preflight {

// The integrasjonspunkt's difi.move.arkivmelding.default-process.
inline constexpr std::string_view kDefaultArkivmeldingProcess =
    "urn:no:difi:profile:arkivmelding:administrasjon:ver1.0";

struct RoutePrediction {
    Route route = Route::unknown;
    // method (fixed by the dispatch method), reserved, not-notifiable, mailbox,
    // no-mailbox, capabilities, no-record (the registry makes no record the message
    // can use), no-registry, not-found, no-id
    std::string reason;
};

// `process` is the journal post's: "vedtak" or "info"; `organisation_process` the
// process URN an organisation is sent with (JournalPost::organisation_process).
RoutePrediction predict_route(const Recipient& r, std::string_view process,
                              std::string_view organisation_process = kDefaultArkivmeldingProcess);

// DpiMessageRouter.TargetRecord: what the service registry decides for a person.
enum class DpiTarget : std::uint8_t { digital, print, dpv };

// DpiMessageRouter.route: a vedtak needs notification (OBLIGATED): reserved or not
// notifiable goes to print; otherwise (and always for info) an active mailbox is
// DPI, anything else DPV.
DpiTarget dpi_target(const registry::Person& p, std::string_view process);

// The document types ("digital", "print", "digital_dpv") of the service records the
// registry makes for a person with that target (ServiceRecordService
// .createDigitalpostServiceRecords), in its order. The print record assumes the
// person is in Folkeregisteret without a secret address, which preflight cannot see.
std::vector<std::string> predicted_record_types(DpiTarget target);

// The eFormidling process URN of a digital post process: urn:no:difi:profile:digitalpost:vedtak:ver1.0.
std::string digital_post_process(std::string_view process);

// The KRR mailbox provider of a person, by its org number (Digdir's KRR attribute
// docs list 984661185 and 922020175; e-Boks's older 996460320 is still known):
// "digipost", "eboks" or "".
std::string_view mailbox_provider_name(std::string_view orgnr);

// Whether a recipient is an organisation (its identifier is an organisation number).
bool is_organisation(const Recipient& r);

// The carrier whose limits bind the recipient, from its predicted route.
Carrier carrier_of(const Recipient& r);

// The carrier of a channel (--channel, or loose files): general, dpi and print are DPI.
Carrier carrier_of(Channel c);

// Whether the recipient's letter is print-bound (the contract): method print, a
// print route, or a person sent `general` whose route is unknown.
bool print_bound(const Recipient& r);

}  // namespace preflight
