// DP303 pdf-damaged: PDFs that cannot be read reliably, including files whose
// analysis ran out of its limits; and Word documents that cannot be read at all
// (not a zip, no word/document.xml, over the reading limits): damage, not a page format.
#include "checks/common.hpp"

#include <array>

namespace preflight::checks {
namespace {

std::string_view damage_id(pdf::Damage d) {
    using pdf::Damage;
    switch (d) {
        case Damage::none:
            return "";
        case Damage::not_pdf:
            return "DP303.not-pdf";
        case Damage::leading_bytes:
            return "DP303.leading-bytes";
        case Damage::no_eof:
            return "DP303.no-eof";
        case Damage::load_failed:
            return "DP303.load-failed";
        case Damage::page_tree:
            return "DP303.page-tree";
        case Damage::bad_pages:
            return "DP303.bad-pages";
        case Damage::memory_limit:
            return "DP303.memory-limit";
        case Damage::cpu_limit:
            return "DP303.cpu-limit";
        case Damage::time_limit:
            return "DP303.time-limit";
        case Damage::crashed:
            return "DP303.crashed";
        case Damage::internal:
            return "DP303.internal";
    }
    return "DP303.internal";
}

class PdfDamaged final : public Check {
public:
    std::string_view code() const override { return "DP303"; }
    std::string_view slug() const override { return "pdf-damaged"; }
    Scope scope() const override { return Scope::document; }
    Facts needs() const override { return Fact::pdf | Fact::docx_layout; }
    bool prevents_fix() const override { return true; }
    bool report_unreadable(DocumentKind kind, const std::string& detail, Findings& out) const override {
        out.add(Severity::block, kind == DocumentKind::pdf ? "DP303.crashed" : "DP303.docx-unreadable",
                {{"detail", detail}});
        return true;
    }
    void run(const Context& ctx, Findings& out) const override {
        for (const auto& d : ctx.post.documents) {
            if (d.docx && inspectable(d) && !d.docx->error.empty()) {
                out.add(Severity::block, "DP303.docx-unreadable", {{"detail", d.docx->error}}).document = d.file;
                continue;
            }
            if (!d.pdf || d.pdf->damage == pdf::Damage::none) {
                continue;
            }
            MessageArgs args{{"detail", d.pdf->damage_detail.empty() ? "-" : d.pdf->damage_detail}};
            std::optional<int> page;
            if (d.pdf->damage == pdf::Damage::bad_pages) {
                int bad = 0;
                for (const auto& p : d.pdf->pages) {
                    if (!p.ok) {
                        page = page ? page : p.number;
                        ++bad;
                    }
                }
                args.emplace_back("count", std::to_string(bad));
                args.emplace_back("page", page ? std::to_string(*page) : "?");
            }
            auto& f = out.add(Severity::block, std::string(damage_id(d.pdf->damage)), std::move(args));
            f.document = d.file;
            f.page = page;
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_pdf_damaged, PdfDamaged)
}  // namespace preflight::checks
