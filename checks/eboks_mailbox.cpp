// DP506 eboks-mailbox: a recipient whose digital mailbox is e-Boks, where the
// dispatch status stays «sendt»: normal, not an error.
#include "base/text.hpp"
#include "checks/common.hpp"

#include <algorithm>

namespace preflight::checks {
namespace {

class EboksMailbox final : public Check {
public:
    std::string_view code() const override { return "DP506"; }
    std::string_view slug() const override { return "eboks-mailbox"; }
    Facts needs() const override { return Fact::registry; }
    Severity max_severity() const override { return Severity::info; }
    std::vector<OptionSpec> options() const override {
        // KRR returns e-Boks as 922020175 (Digdir's KRR attribute docs); 996460320
        // is e-Boks's older organisation number. A comma-separated list.
        return {{"provider-orgnr", OptionSpec::Kind::text, "922020175,996460320"}};
    }
    void run(const Context& ctx, Findings& out) const override {
        const std::string& list = ctx.options.text("provider-orgnr");
        const auto is_eboks = [&](const std::string& orgnr) {
            std::size_t at = 0;
            while (at <= list.size()) {
                const std::size_t end = std::min(list.find(',', at), list.size());
                if (!orgnr.empty() && text::trim(list.substr(at, end - at)) == orgnr) {
                    return true;
                }
                at = end + 1;
            }
            return false;
        };
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            const Recipient& r = ctx.post.recipients[i];
            const auto& person = r.facts.person;
            if (r.route == Route::dpi_digital && person.value && is_eboks(person.value->mailbox_provider)) {
                add_for(out, ctx.post, i, Severity::info, "DP506.eboks");
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_eboks_mailbox, EboksMailbox)
}  // namespace preflight::checks
