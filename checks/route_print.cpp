// DP504 route-print: a recipient whose letter the registries will send to print.
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class RoutePrint final : public Check {
public:
    std::string_view code() const override { return "DP504"; }
    std::string_view slug() const override { return "route-print"; }
    Severity max_severity() const override { return Severity::info; }
    void run(const Context& ctx, Findings& out) const override {
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            const Recipient& r = ctx.post.recipients[i];
            if (r.route != Route::dpi_print || r.route_reason == "method") {
                continue;  // asked for print: no news
            }
            add_for(out, ctx.post, i, Severity::info, "DP504." + r.route_reason);
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_route_print, RoutePrint)
}  // namespace preflight::checks
