// DP501 recipient-not-verified: a recipient of a digital or general dispatch that
// the archive system never looked up in Folkeregisteret or Enhetsregisteret.
#include "base/identifiers.hpp"
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class RecipientNotVerified final : public Check {
public:
    std::string_view code() const override { return "DP501"; }
    std::string_view slug() const override { return "recipient-not-verified"; }
    void run(const Context& ctx, Findings& out) const override {
        if (ctx.run.training) {
            return;  // recipients are typed in by hand there; DP701 checks who they are
        }
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            const Recipient& r = ctx.post.recipients[i];
            if (!digital_or_general(r.method)) {
                continue;
            }
            if (!r.id || ident::normalise_id(*r.id).empty()) {
                add_for(out, ctx.post, i, Severity::block, "DP501.no-id",
                        {{"method", std::string(to_string(r.method))}});
            } else if (!r.verified) {
                // In the training environment recipients are typed in by hand and cannot be
                // looked up: never verified. DP701 checks who they are instead.
                add_for(out, ctx.post, i, Severity::block, "DP501.not-verified");
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_recipient_not_verified, RecipientNotVerified)
}  // namespace preflight::checks
