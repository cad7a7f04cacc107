// DP507 receiver-capability: the integrasjonspunkt's capabilities of the receiver
// lack the service, process or document type the letter needs; the send would
// fail with "Receiver do not accept the document process".
#include "checks/common.hpp"
#include "validator/routing.hpp"

#include <algorithm>

namespace preflight::checks {
namespace {

using registry::Outcome;

struct Need {
    std::string service;
    std::string type;     // document type; empty: any
    std::string process;  // empty: any
};

std::optional<Need> need_for(const Recipient& r, const std::string& process) {
    switch (r.route) {
        case Route::dpi_digital:
            return Need{"DPI", "digital", digital_post_process(process)};
        case Route::dpi_print:
            return Need{"DPI", "print", digital_post_process(process)};
        case Route::dpo:
            return Need{"DPO", "", ""};
        case Route::dpv:
            return Need{"DPV", "", ""};
        case Route::dpf:
            return Need{"DPF", "", ""};
        default:
            return std::nullopt;
    }
}

class ReceiverCapability final : public Check {
public:
    std::string_view code() const override { return "DP507"; }
    std::string_view slug() const override { return "receiver-capability"; }
    void run(const Context& ctx, Findings& out) const override {
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            const Recipient& r = ctx.post.recipients[i];
            const auto& caps = r.facts.capabilities;
            if (caps.outcome != Outcome::found && caps.outcome != Outcome::not_found) {
                continue;  // nobody said: nothing to judge
            }
            const registry::Capabilities none;
            const auto& list = caps.value ? *caps.value : none;
            const auto need = need_for(r, ctx.post.process);
            // Signing, e-mail and manual letters do not go through the integrasjonspunkt's routing.
            const bool routed = need || (r.route == Route::unknown && digital_or_general(r.method));
            if (!routed) {
                continue;
            }
            if (list.empty()) {
                add_for(out, ctx.post, i, Severity::block, "DP507.none", {{"source", caps.source}});
                continue;
            }
            if (!need) {
                continue;
            }
            const bool ok = std::any_of(list.begin(), list.end(), [&](const registry::Capability& c) {
                return c.service == need->service && (need->process.empty() || c.process == need->process) &&
                       (need->type.empty() || std::find(c.document_types.begin(), c.document_types.end(), need->type) !=
                                                  c.document_types.end());
            });
            if (!ok) {
                if (need->type.empty()) {
                    add_for(out, ctx.post, i, Severity::block, "DP507.missing-service",
                            {{"service", need->service}, {"source", caps.source}});
                } else {
                    add_for(out, ctx.post, i, Severity::block, "DP507.missing",
                            {{"service", need->service},
                             {"type", need->type},
                             {"process", need->process},
                             {"source", caps.source}});
                }
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_receiver_capability, ReceiverCapability)
}  // namespace preflight::checks
