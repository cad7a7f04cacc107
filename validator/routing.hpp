// Where each recipient's letter will go, predicted from the dispatch method and
// what the registries said (the eFormidling registry's rules, docs/registry.md).
#pragma once

#include "validator/model.hpp"

#include <string>
#include <string_view>

namespace preflight {

struct RoutePrediction {
    Route route = Route::unknown;
    // method (fixed by the dispatch method), reserved, not-notifiable, mailbox,
    // no-mailbox (DPV for want of a mailbox), capabilities, no-registry, not-found
    std::string reason;
};

// `process` is the journal post's: "vedtak" or "info".
RoutePrediction predict_route(const Recipient& r, std::string_view process);

// The eFormidling process URN of a digital post process: urn:no:difi:profile:digitalpost:vedtak:ver1.0.
std::string digital_post_process(std::string_view process);

// The KRR mailbox provider of a person, by its org number: "digipost", "eboks" or "".
std::string_view mailbox_provider_name(std::string_view orgnr);

}  // namespace preflight
