// DP306 no-pages: a PDF whose page tree holds no page at all.
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class NoPages final : public Check {
public:
    std::string_view code() const override { return "DP306"; }
    std::string_view slug() const override { return "no-pages"; }
    Scope scope() const override { return Scope::document; }
    Facts needs() const override { return Fact::pdf; }
    bool prevents_fix() const override { return true; }
    void run(const Context& ctx, Findings& out) const override {
        for (const auto& d : ctx.post.documents) {
            // Only when the page tree was read: a damaged file is DP303's, a locked one DP302's.
            if (!d.pdf || d.pdf->damage != pdf::Damage::none || d.pdf->needs_password || !d.pdf->pages.empty()) {
                continue;
            }
            out.add(Severity::block, "DP306.empty", {{"declared", std::to_string(d.pdf->declared_page_count)}})
                .document = d.file;
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_no_pages, NoPages)
}  // namespace preflight::checks
