// DP101 name-length: document names the DPI chain cannot carry.
#include "base/text.hpp"
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class NameLength final : public Check {
public:
    std::string_view code() const override { return "DP101"; }
    std::string_view slug() const override { return "name-length"; }
    Scope scope() const override { return Scope::document; }
    bool answered_by_shorter_name(const Finding& finding) const override { return finding.message_id != "DP101.bytes"; }
    std::vector<OptionSpec> options() const override {
        return {{"max-chars", OptionSpec::Kind::integer, "96", 1, 100000},
                {"max-chars-signing", OptionSpec::Kind::integer, "80", 1, 100000},
                {"warn-bytes", OptionSpec::Kind::boolean, "true"}};
    }
    void run(const Context& ctx, Findings& out) const override {
        const bool signing = ctx.targets.signing();
        const auto limit = static_cast<std::size_t>(ctx.options.integer(signing ? "max-chars-signing" : "max-chars"));
        // DPI's limit binds a recipient reached through DPI (digital or print, or a
        // person whose route is unknown) and signing; DPO, DPF and DPV take longer names.
        const bool binds = ctx.targets.carried_by(Carrier::dpi) || signing || ctx.targets.print_bound;
        const Severity severity = binds ? Severity::block : Severity::warn;
        for (const auto& d : ctx.post.documents) {
            if (!text::valid_utf8(d.name)) {
                continue;  // name-characters reports it
            }
            const std::size_t chars = text::char_count(d.name);
            const std::size_t bytes = text::nfc(d.name).size();
            if (chars > limit) {
                out.add(severity,
                        signing ? "DP101.too-long-signing"
                        : binds ? "DP101.too-long"
                                : "DP101.too-long-other",
                        {{"name", d.name},
                         {"count", std::to_string(chars)},
                         {"limit", std::to_string(limit)},
                         {"over", std::to_string(chars - limit)}})
                    .document = d.file;
            } else if (bytes > limit && ctx.options.boolean("warn-bytes")) {
                out.add(Severity::warn, "DP101.bytes",
                        {{"name", d.name},
                         {"count", std::to_string(chars)},
                         {"bytes", std::to_string(bytes)},
                         {"limit", std::to_string(limit)}})
                    .document = d.file;
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_name_length, NameLength)
}  // namespace preflight::checks
