// DP601 email-access-code: an e-mail dispatch of a journal post that is exempt
// from public access (it has an access code): confidential content goes out unprotected.
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class EmailAccessCode final : public Check {
public:
    std::string_view code() const override { return "DP601"; }
    std::string_view slug() const override { return "email-access-code"; }
    void run(const Context& ctx, Findings& out) const override {
        if (!ctx.post.access_code || ctx.post.access_code->empty()) {
            return;
        }
        bool any = false;
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            if (ctx.post.recipients[i].route == Route::email) {
                add_for(out, ctx.post, i, Severity::block, "DP601.recipient", {{"code", *ctx.post.access_code}});
                any = true;
            }
        }
        if (!any && ctx.targets.has(Channel::email)) {
            out.add(Severity::block, "DP601.channel", {{"code", *ctx.post.access_code}});
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_email_access_code, EmailAccessCode)
}  // namespace preflight::checks
