// DP511 signer-identifier: a signer of a signing job without a valid fødselsnummer
// or D-nummer (Posten signering identifies every signer by one).
#include "base/identifiers.hpp"
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class SignerIdentifier final : public Check {
public:
    std::string_view code() const override { return "DP511"; }
    std::string_view slug() const override { return "signer-identifier"; }
    void run(const Context& ctx, Findings& out) const override {
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            const Recipient& r = ctx.post.recipients[i];
            if (r.method != Channel::signing) {
                continue;
            }
            const std::string id = r.id ? ident::normalise_id(*r.id) : "";
            if (id.empty()) {
                add_for(out, ctx.post, i, Severity::block, "DP511.missing");
                continue;
            }
            switch (ident::person_kind(id)) {
                case ident::PersonKind::fodselsnummer:
                case ident::PersonKind::d_nummer:
                case ident::PersonKind::synthetic:
                    break;
                case ident::PersonKind::h_nummer:
                    add_for(out, ctx.post, i, Severity::block, "DP511.h-nummer", {{"id", id}});
                    break;
                case ident::PersonKind::none:
                    add_for(
                        out, ctx.post, i, Severity::block,
                        ident::classify(id) == ident::IdClass::organisation ? "DP511.organisation" : "DP511.invalid",
                        {{"id", id}});
                    break;
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_signer_identifier, SignerIdentifier)
}  // namespace preflight::checks
