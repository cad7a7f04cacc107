// DP307 print-margin: content drawn in the left strip of a print-bound page, which
// the print service may print over (its own marks and addressing).
#include "checks/common.hpp"

#include <fmt/format.h>

#include <cmath>

namespace preflight::checks {
namespace {

constexpr double kMmPerPoint = 25.4 / 72.0;

class PrintMargin final : public Check {
public:
    std::string_view code() const override { return "DP307"; }
    std::string_view slug() const override { return "print-margin"; }
    Scope scope() const override { return Scope::document; }
    Facts needs() const override { return Fact::pdf | Fact::content_boxes; }
    // Where content is drawn is only measured for a letter that may be printed, with the
    // check on: it means reading every content stream.
    bool wanted(const JournalPost& /*post*/, const Targets& targets, const SectionOptions& options) const override {
        return targets.print_bound && options.boolean("enabled");
    }
    Severity max_severity() const override { return Severity::warn; }
    std::vector<OptionSpec> options() const override {
        return {{"margin-mm", OptionSpec::Kind::number, "18", 0, 100}, {"enabled", OptionSpec::Kind::boolean, "true"}};
    }
    void run(const Context& ctx, Findings& out) const override {
        if (!ctx.targets.print_bound || !ctx.options.boolean("enabled")) {
            return;
        }
        const double margin = ctx.options.number("margin-mm");
        const std::string margin_text = catalogue::decimal(margin, -1);
        for (const Document& d : ctx.post.documents) {
            if (!d.pdf || d.pdf->damage != pdf::Damage::none || d.pdf->needs_password) {
                continue;  // DP302 and DP303 speak for these
            }
            const pdf::Info& info = *d.pdf;
            if (info.text_scan == pdf::TextScan::failed) {
                out.add(Severity::info, "DP307.unmeasured", {{"detail", info.text_scan_detail}}).document = d.file;
                continue;
            }
            if (info.text_scan == pdf::TextScan::partial) {
                // Pages past a limit, or with a stream that could not be read, are
                // missing from content_boxes: say so; the pages measured still count.
                out.add(Severity::info, "DP307.partial", {{"detail", info.text_scan_detail}}).document = d.file;
            }
            for (const pdf::PageContent& c : info.content_boxes) {
                const double distance = c.box.llx * kMmPerPoint;
                if (!(distance < margin)) {
                    continue;
                }
                // Whole millimetres, rounded down: content at 17.96 mm is "17 mm" in,
                // not "18" (and no decimal separator to localise).
                const auto shown = static_cast<long>(std::max(0.0, std::floor(distance)));
                Finding& f = out.add(
                    Severity::warn, "DP307.page",
                    {{"page", std::to_string(c.page)}, {"distance", std::to_string(shown)}, {"margin", margin_text}});
                f.document = d.file;
                f.page = c.page;
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_print_margin, PrintMargin)
}  // namespace preflight::checks
