// DP308 pdf-active-content: a PDF with scripts, attached files or an XFA form, which
// digital mailboxes do not run or show and paper cannot carry.
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class PdfActiveContent final : public Check {
public:
    std::string_view code() const override { return "DP308"; }
    std::string_view slug() const override { return "pdf-active-content"; }
    Scope scope() const override { return Scope::document; }
    Facts needs() const override { return Fact::pdf; }
    Severity max_severity() const override { return Severity::warn; }
    void run(const Context& ctx, Findings& out) const override {
        // Through DPI (Digipost's guidance rules these out) or on paper: warn; a
        // letter between organisations or by e-mail reaches a full PDF reader: info.
        const bool dpi = ctx.targets.carried_by(Carrier::dpi) || ctx.targets.print_bound;
        const Severity severity = dpi ? Severity::warn : Severity::info;
        for (const auto& d : ctx.post.documents) {
            if (!d.pdf || d.pdf->damage != pdf::Damage::none) {
                continue;  // DP303 speaks for a damaged file
            }
            for (const auto& [kind, id] : {std::pair{pdf::Active::javascript, "DP308.javascript"},
                                           std::pair{pdf::Active::embedded_files, "DP308.embedded-files"},
                                           std::pair{pdf::Active::xfa_form, "DP308.xfa-form"}}) {
                if (d.pdf->has(kind)) {
                    out.add(severity, id).document = d.file;
                }
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_pdf_active_content, PdfActiveContent)
}  // namespace preflight::checks
