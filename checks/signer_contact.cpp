// DP513 signer-contact: a signer with neither e-mail address nor mobile number in
// KRR: the signing invitation cannot be announced.
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class SignerContact final : public Check {
public:
    std::string_view code() const override { return "DP513"; }
    std::string_view slug() const override { return "signer-contact"; }
    Facts needs() const override { return Fact::registry; }
    Severity max_severity() const override { return Severity::warn; }
    void run(const Context& ctx, Findings& out) const override {
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            const Recipient& r = ctx.post.recipients[i];
            const auto& person = r.facts.person;
            if (r.method == Channel::signing && person.outcome == registry::Outcome::found && person.value &&
                person.value->email.empty() && person.value->mobile.empty()) {
                add_for(out, ctx.post, i, Severity::warn, "DP513.none", {{"source", person.source}});
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_signer_contact, SignerContact)
}  // namespace preflight::checks
