// DP103 title-length: journal post titles over the DPI or signing limit.
#include "base/text.hpp"
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class TitleLength final : public Check {
public:
    std::string_view code() const override { return "DP103"; }
    std::string_view slug() const override { return "title-length"; }
    std::vector<OptionSpec> options() const override {
        return {{"max-chars", OptionSpec::Kind::integer, "255", 1, 100000},
                {"max-chars-signing", OptionSpec::Kind::integer, "80", 1, 100000}};
    }
    void run(const Context& ctx, Findings& out) const override {
        if (!ctx.post.title) {
            return;
        }
        const std::size_t chars = text::char_count(*ctx.post.title);
        const auto signing_limit = static_cast<std::size_t>(ctx.options.integer("max-chars-signing"));
        const auto limit = static_cast<std::size_t>(ctx.options.integer("max-chars"));
        if (ctx.targets.signing() && chars > signing_limit) {
            out.add(Severity::block, "DP103.too-long-signing",
                    {{"count", std::to_string(chars)}, {"limit", std::to_string(signing_limit)}});
        } else if (ctx.targets.carried_by(Carrier::dpi) && chars > limit) {
            out.add(Severity::block, "DP103.too-long",
                    {{"count", std::to_string(chars)}, {"limit", std::to_string(limit)}});
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_title_length, TitleLength)
}  // namespace preflight::checks
