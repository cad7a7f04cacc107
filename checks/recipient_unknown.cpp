// DP503 recipient-unknown: the registry does not know the recipient, or says it is
// deleted; a bankrupt organisation or one being wound up is a warning.
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

using registry::Outcome;

class RecipientUnknown final : public Check {
public:
    std::string_view code() const override { return "DP503"; }
    std::string_view slug() const override { return "recipient-unknown"; }
    Facts needs() const override { return Fact::registry; }
    void run(const Context& ctx, Findings& out) const override {
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            if (ctx.post.recipients[i].method == Channel::email) {
                continue;  // looked up for DP604 only: e-mail needs no register to know them
            }
            const auto& facts = ctx.post.recipients[i].facts;
            const auto& person = facts.person;
            if (person.outcome == Outcome::not_found) {
                add_for(out, ctx.post, i, Severity::block, "DP503.person-not-found", {{"source", person.source}});
            } else if (person.outcome == Outcome::found && person.value && person.value->status == "SLETTET" &&
                       ctx.post.recipients[i].method != Channel::signing) {  // signers: DP512
                add_for(out, ctx.post, i, Severity::block, "DP503.person-deleted", {{"source", person.source}});
            }
            const auto& org = facts.organisation;
            if (org.outcome == Outcome::not_found) {
                add_for(out, ctx.post, i, Severity::block, "DP503.org-not-found", {{"source", org.source}});
            } else if (org.outcome == Outcome::removed) {
                const std::string date = org.value ? org.value->deleted_date : "";
                add_for(out, ctx.post, i, Severity::block, date.empty() ? "DP503.org-removed" : "DP503.org-deleted",
                        {{"source", org.source}, {"date", date}});
            } else if (org.outcome == Outcome::found && org.value) {
                if (org.value->bankrupt) {
                    add_for(out, ctx.post, i, Severity::warn, "DP503.org-bankrupt", {{"name", org.value->name}});
                }
                if (org.value->winding_up) {
                    add_for(out, ctx.post, i, Severity::warn, "DP503.org-winding-up", {{"name", org.value->name}});
                }
                if (org.value->forced_dissolution) {
                    add_for(out, ctx.post, i, Severity::warn, "DP503.org-forced-dissolution",
                            {{"name", org.value->name}});
                }
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_recipient_unknown, RecipientUnknown)
}  // namespace preflight::checks
