// DP506 eboks-mailbox: a recipient whose digital mailbox is e-Boks, where the
// dispatch status stays «sendt»: normal, not an error.
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class EboksMailbox final : public Check {
public:
    std::string_view code() const override { return "DP506"; }
    std::string_view slug() const override { return "eboks-mailbox"; }
    Severity max_severity() const override { return Severity::info; }
    std::vector<OptionSpec> options() const override {
        return {{"provider-orgnr", OptionSpec::Kind::text, "996460320"}};
    }
    void run(const Context& ctx, Findings& out) const override {
        const std::string& eboks = ctx.options.text("provider-orgnr");
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            const Recipient& r = ctx.post.recipients[i];
            const auto& person = r.facts.person;
            if (r.route == Route::dpi_digital && person.value && person.value->mailbox_provider == eboks) {
                add_for(out, ctx.post, i, Severity::info, "DP506.eboks");
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_eboks_mailbox, EboksMailbox)
}  // namespace preflight::checks
