// DP305 fonts-not-embedded: fonts the print service would have to substitute.
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class FontsNotEmbedded final : public Check {
public:
    std::string_view code() const override { return "DP305"; }
    std::string_view slug() const override { return "fonts-not-embedded"; }
    Scope scope() const override { return Scope::document; }
    Facts needs() const override { return Fact::pdf; }
    Severity max_severity() const override { return Severity::warn; }
    void run(const Context& ctx, Findings& out) const override {
        const Severity severity = ctx.targets.print_bound ? Severity::warn : Severity::info;
        for (const auto& d : ctx.post.documents) {
            if (!d.pdf) {
                continue;
            }
            for (const auto& font : d.pdf->fonts_not_embedded) {
                auto& f =
                    out.add(severity, "DP305.font", {{"font", font.name}, {"page", std::to_string(font.first_page)}});
                f.document = d.file;
                f.page = font.first_page;
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_fonts_not_embedded, FontsNotEmbedded)
}  // namespace preflight::checks
