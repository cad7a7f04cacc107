// DP604 email-registered-recipient: a recipient who gets the letter by e-mail
// although it is in Folkeregisteret or Enhetsregisteret. The runbook keeps e-mail
// for recipients who are in neither; everyone else gets a general digital
// dispatch, and the registers decide whether that goes digitally or on paper.
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

using registry::Outcome;

// The source that found the recipient in a register (and does not give it as
// deleted), or "" when none did.
std::string found_by(const registry::Facts& facts) {
    const auto& person = facts.person;
    if (person.outcome == Outcome::found && person.value && person.value->status != "SLETTET") {
        return person.source;
    }
    const auto& org = facts.organisation;
    if (org.outcome == Outcome::found && org.value && !org.value->deleted) {
        return org.source;
    }
    return "";
}

class EmailRegisteredRecipient final : public Check {
public:
    std::string_view code() const override { return "DP604"; }
    std::string_view slug() const override { return "email-registered-recipient"; }
    Facts needs() const override { return Fact::registry; }
    Severity max_severity() const override { return Severity::warn; }
    void run(const Context& ctx, Findings& out) const override {
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            const Recipient& r = ctx.post.recipients[i];
            if (!emailed(ctx, r) || !r.id) {
                continue;
            }
            const auto kind = ident::classify(ident::normalise_id(*r.id));
            if (kind != ident::IdClass::person && kind != ident::IdClass::organisation) {
                continue;  // no number, or an invalid one (DP502): nothing says it is registered
            }
            const std::string reg = kind == ident::IdClass::person ? "Folkeregisteret" : "Enhetsregisteret";
            if (const std::string source = found_by(r.facts); !source.empty()) {
                add_for(out, ctx.post, i, Severity::warn, "DP604.found", {{"register", reg}, {"source", source}});
            } else if (r.verified) {
                add_for(out, ctx.post, i, Severity::warn, "DP604.verified", {{"register", reg}});
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_email_registered_recipient, EmailRegisteredRecipient)
}  // namespace preflight::checks
