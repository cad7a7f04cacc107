// DP508 registry-unavailable: a configured registry could not be asked, or no
// registry knows the recipient. Warns; blocks with --strict-registry or
// [registry] strict = true (the gate's fail-closed setting).
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

using registry::Outcome;

class RegistryUnavailable final : public Check {
public:
    std::string_view code() const override { return "DP508"; }
    std::string_view slug() const override { return "registry-unavailable"; }
    Facts needs() const override { return Fact::registry; }
    void run(const Context& ctx, Findings& out) const override {
        const Severity severity = ctx.run.strict_registry ? Severity::block : Severity::warn;
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            const auto& facts = ctx.post.recipients[i].facts;
            if (!facts.asked || ctx.post.recipients[i].method == Channel::email) {
                continue;  // e-mail recipients are looked up for DP604 only
            }
            for (const auto& [source, detail] : facts.failures) {
                add_for(out, ctx.post, i, severity, "DP508.failed", {{"source", source}, {"detail", detail}});
            }
            const bool known = facts.person.outcome != Outcome::unknown ||
                               facts.organisation.outcome != Outcome::unknown ||
                               facts.capabilities.outcome != Outcome::unknown;
            if (!known && facts.failures.empty()) {
                add_for(out, ctx.post, i, severity, "DP508.nobody-knows");
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_registry_unavailable, RegistryUnavailable)
}  // namespace preflight::checks
