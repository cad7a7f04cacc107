// DP507 receiver-capability: the receiver has no service record for the message's
// process, document type (print included) and security level, so the
// integrasjonspunkt refuses it: «Receiver do not accept the document process».
// The records are the capabilities when a source gave them, else those the
// service registry would make from the KRR entry (docs/registry.md, "Routes").
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

std::optional<Need> need_for(const Recipient& r, const JournalPost& post) {
    const std::string dp = digital_post_process(post.process);
    const std::string& op = post.organisation_process;
    switch (r.route) {
        case Route::dpi_digital:
            return Need{"DPI", "digital", dp};
        case Route::dpi_print:
            return Need{"DPI", "print", dp};
        case Route::dpo:
            return Need{"DPO", "", op};
        case Route::dpv:
            // A person's DPV record is the digital post process's digital_dpv record.
            return is_organisation(r) ? Need{"DPV", "", op} : Need{"DPV", "digital_dpv", dp};
        case Route::dpf:
            return Need{"DPF", "", op};
        default:
            return std::nullopt;
    }
}

bool has(const registry::Capabilities& list, const Need& need) {
    return std::any_of(list.begin(), list.end(), [&](const registry::Capability& c) {
        // A person's DPV record lists digital_dpv; older answers may list none.
        const bool type_ok =
            need.type.empty() || c.document_types.empty() ||
            std::find(c.document_types.begin(), c.document_types.end(), need.type) != c.document_types.end();
        return c.service == need.service && (need.process.empty() || c.process == need.process) && type_ok;
    });
}

class ReceiverCapability final : public Check {
public:
    std::string_view code() const override { return "DP507"; }
    std::string_view slug() const override { return "receiver-capability"; }
    Facts needs() const override { return Fact::registry; }
    void run(const Context& ctx, Findings& out) const override {
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            check_one(ctx, out, i);
        }
    }

private:
    static void check_one(const Context& ctx, Findings& out, std::size_t i) {
        const Recipient& r = ctx.post.recipients[i];
        const auto need = need_for(r, ctx.post);
        // Signing, e-mail and manual letters do not go through the integrasjonspunkt's routing.
        if (!need && !(r.route == Route::unknown && digital_or_general(r.method))) {
            return;
        }
        const auto& caps = r.facts.capabilities;
        // Altinn (DPV) takes no security level 4: the registry makes no DPV record
        // for an organisation then, and refuses the level outright when nothing else
        // reaches it (ServiceRecordService.createArkivmeldingServiceRecord).
        if (is_organisation(r) &&
            (caps.refused_level || (r.route == Route::dpv && ctx.post.security_level.value_or(0) >= 4))) {
            const int level = caps.refused_level.value_or(ctx.post.security_level.value_or(4));
            add_for(out, ctx.post, i, Severity::block, "DP507.security-level", {{"level", std::to_string(level)}});
            return;
        }
        if (caps.outcome == Outcome::found || caps.outcome == Outcome::not_found) {
            const registry::Capabilities none;
            const auto& list = caps.value ? *caps.value : none;
            if (list.empty()) {
                add_for(out, ctx.post, i, Severity::block, "DP507.none", {{"source", caps.source}});
            } else if (!need) {
                const std::string process =
                    is_organisation(r) ? ctx.post.organisation_process : digital_post_process(ctx.post.process);
                add_for(out, ctx.post, i, Severity::block, "DP507.no-record",
                        {{"process", process}, {"source", caps.source}});
            } else if (!has(list, *need)) {
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
            return;
        }
        // No capabilities: the records the registry would make from the KRR entry.
        // A `print` message needs the print record, a `dpi` (digital) message the
        // digital one; `general` takes what there is.
        const auto& person = r.facts.person;
        if ((r.method != Channel::print && r.method != Channel::dpi) || person.outcome != Outcome::found ||
            !person.value || person.value->status == "SLETTET" || is_organisation(r)) {
            return;
        }
        const auto types = predicted_record_types(dpi_target(*person.value, ctx.post.process));
        const auto missing = [&](std::string_view type) {
            return std::find(types.begin(), types.end(), type) == types.end();
        };
        if (r.method == Channel::print && missing("print")) {
            // An active mailbox: a print message finds no print record (the runbook's 400).
            add_for(out, ctx.post, i, Severity::block, "DP507.print-mailbox", {{"source", person.source}});
        } else if (r.method == Channel::dpi && missing("digital")) {
            // Reserved, not notifiable (vedtak) or no active mailbox: no digital record.
            add_for(out, ctx.post, i, Severity::block, "DP507.digital-no-mailbox", {{"source", person.source}});
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_receiver_capability, ReceiverCapability)
}  // namespace preflight::checks
