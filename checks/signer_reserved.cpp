// DP512 signer-reserved: a signer reserved against digital communication in KRR,
// or whose KRR status is not AKTIV: Posten signering refuses the job.
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class SignerReserved final : public Check {
public:
    std::string_view code() const override { return "DP512"; }
    std::string_view slug() const override { return "signer-reserved"; }
    Facts needs() const override { return Fact::registry; }
    void run(const Context& ctx, Findings& out) const override {
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            const Recipient& r = ctx.post.recipients[i];
            const auto& person = r.facts.person;
            if (r.method != Channel::signing || person.outcome != registry::Outcome::found || !person.value) {
                continue;
            }
            if (person.value->reserved.value_or(false)) {
                add_for(out, ctx.post, i, Severity::block, "DP512.reserved", {{"source", person.source}});
            } else if (person.value->status == "SLETTET") {
                add_for(out, ctx.post, i, Severity::block, "DP512.deleted", {{"source", person.source}});
            } else if (!person.value->active()) {
                add_for(
                    out, ctx.post, i, Severity::block, "DP512.not-active",
                    {{"status", person.value->status.empty() ? "-" : person.value->status}, {"source", person.source}});
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_signer_reserved, SignerReserved)
}  // namespace preflight::checks
