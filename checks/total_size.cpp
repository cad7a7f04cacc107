// DP201 total-size: the journal post's documents together over the channel's limit.
#include "checks/common.hpp"

#include <algorithm>

namespace preflight::checks {
namespace {

// Limits above 1 PB are not limits; the cap keeps the percentage arithmetic in range.
constexpr std::int64_t kMaxBytes = 1'000'000'000'000'000;

class TotalSize final : public Check {
public:
    std::string_view code() const override { return "DP201"; }
    std::string_view slug() const override { return "total-size"; }
    Scope scope() const override { return Scope::documents_so_far; }
    std::vector<OptionSpec> options() const override {
        return {{"dpi-bytes", OptionSpec::Kind::integer, "52428800", 1, kMaxBytes},
                {"dpv-bytes", OptionSpec::Kind::integer, "262144000", 1, kMaxBytes},
                {"dpo-bytes", OptionSpec::Kind::integer, "1073741824", 1, kMaxBytes},
                {"dpf-bytes", OptionSpec::Kind::integer, "1073741824", 1, kMaxBytes},
                {"warn-percent", OptionSpec::Kind::integer, "90", 1, 100}};
    }
    void run(const Context& ctx, Findings& out) const override {
        // Each recipient's route sets its limit; the letter's verdict is the worst,
        // which is that of the strictest limit among them.
        std::uint64_t limit = 0;
        std::string channel;
        const auto consider = [&](std::initializer_list<Carrier> cs, const char* key, const char* name) {
            if (std::none_of(cs.begin(), cs.end(), [&](Carrier c) { return ctx.targets.carried_by(c); })) {
                return;
            }
            const auto l = static_cast<std::uint64_t>(ctx.options.integer(key));
            if (limit == 0 || l < limit) {
                limit = l;
                channel = name;
            }
        };
        consider({Carrier::dpi}, "dpi-bytes", "DPI");
        // An organisation whose route is unknown may go by DPV, the strictest of the three.
        consider({Carrier::dpv, Carrier::organisation}, "dpv-bytes", "DPV");
        consider({Carrier::dpo}, "dpo-bytes", "DPO");
        consider({Carrier::dpf}, "dpf-bytes", "DPF");
        if (limit == 0) {
            return;
        }
        std::uint64_t total = 0;
        for (const auto& d : ctx.post.documents) {
            total += d.readable ? d.bytes : 0;
        }
        const MessageArgs args{
            {"total", bytes_text(total)},
            {"limit", bytes_text(limit)},
            {"channel", channel},
            {"percent", fmt::format("{:.0f}", 100.0 * static_cast<double>(total) / static_cast<double>(limit))}};
        const auto warn_from = static_cast<std::uint64_t>(ctx.options.integer("warn-percent"));
        if (total > limit) {
            out.add(Severity::block, "DP201.over", args);
        } else if (total * 100 >= limit * warn_from) {
            out.add(Severity::warn, "DP201.near", args);
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_total_size, TotalSize)
}  // namespace preflight::checks
