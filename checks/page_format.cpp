// DP301 page-format: every page portrait A4 within tolerance, as print needs.
#include "checks/common.hpp"

#include <cmath>
#include <map>
#include <tuple>

namespace preflight::checks {
namespace {

constexpr double kA4Short = 210.0;
constexpr double kA4Long = 297.0;
constexpr double kMmPerTwip = 25.4 / 1440.0;  // a twip is 1/20 pt, 1/1440 inch

// Sizes off portrait A4, grouped: one finding per distinct size (rounded to whole
// mm), naming the first page or section that has it and how many do.
class SizeGroups {
public:
    explicit SizeGroups(double tolerance) : tol_(tolerance) {}

    // Adds page or section `number` of w x h mm; portrait A4 within tolerance is left out.
    void add(int number, double w, double h) {
        if (near(w, kA4Short) && near(h, kA4Long)) {
            return;
        }
        const auto key = std::make_tuple(std::lround(w), std::lround(h));
        auto [it, fresh] = groups_.try_emplace(key);
        if (fresh) {
            it->second.first = number;
            it->second.landscape = near(w, kA4Long) && near(h, kA4Short);
            order_.push_back(key);
        }
        ++it->second.count;
    }

    // One finding per size, in the order first seen: `<prefix>landscape` or
    // `<prefix>size`, with `plural` appended when more than one has the size;
    // `unit` ("page" or "section") names the first one's message argument.
    void report(const Context& ctx, const Document& d, const std::string& prefix, const std::string& plural,
                const std::string& unit, Findings& out) const {
        for (const auto& key : order_) {
            const Group& g = groups_.at(key);
            const Severity severity =
                ctx.targets.print_bound ? (g.landscape ? Severity::warn : Severity::block) : Severity::info;
            const MessageArgs args{{"width", std::to_string(std::get<0>(key))},
                                   {"height", std::to_string(std::get<1>(key))},
                                   {unit, std::to_string(g.first)},
                                   {"count", std::to_string(g.count)},
                                   {"tolerance", fmt::format("{:g}", tol_)}};
            const std::string id = prefix + (g.landscape ? "landscape" : "size");
            auto& f = out.add(severity, g.count > 1 ? id + plural : id, args);
            f.document = d.file;
            if (unit == "page") {
                f.page = g.first;
            }
        }
    }

private:
    struct Group {
        int first = 0;
        int count = 0;
        bool landscape = false;
    };
    [[nodiscard]] bool near(double a, double b) const { return std::fabs(a - b) <= tol_; }

    double tol_;
    std::map<std::tuple<long, long>, Group> groups_;
    std::vector<std::tuple<long, long>> order_;
};

class PageFormat final : public Check {
public:
    std::string_view code() const override { return "DP301"; }
    std::string_view slug() const override { return "page-format"; }
    Scope scope() const override { return Scope::document; }
    Facts needs() const override { return Fact::pdf | Fact::docx_layout; }
    bool report_unreadable(DocumentKind kind, const std::string& detail, Findings& out) const override {
        if (kind != DocumentKind::docx) {
            return false;
        }
        out.add(Severity::block, "DP301.docx-unreadable", {{"detail", detail}});
        return true;
    }
    std::vector<OptionSpec> options() const override {
        return {{"tolerance-mm", OptionSpec::Kind::number, "10", 0, 1000}};
    }
    void run(const Context& ctx, Findings& out) const override {
        const double tol = ctx.options.number("tolerance-mm");
        for (const auto& d : ctx.post.documents) {
            if (d.docx && inspectable(d)) {
                word_sections(ctx, d, tol, out);
                continue;
            }
            if (!d.pdf || !inspectable(d)) {
                continue;
            }
            SizeGroups sizes(tol);
            for (const auto& p : d.pdf->pages) {
                if (p.ok) {
                    sizes.add(p.number, p.width_pt() * kMmPerPt, p.height_pt() * kMmPerPt);
                }
            }
            sizes.report(ctx, d, "DP301.", "-pages", "page", out);
        }
    }

private:
    // A Word document's page setup, section by section (w:pgSz in twips): the PDF the
    // archive system makes of it gets these page sizes. Sections of one size are
    // reported together, like pages.
    static void word_sections(const Context& ctx, const Document& d, double tol, Findings& out) {
        const bool print = ctx.targets.print_bound;
        const doctext::DocxLayout& layout = *d.docx;
        if (!layout.error.empty() || layout.truncated) {
            // Not read (fully): the pages cannot be vouched for.
            auto& f = out.add(print ? Severity::block : Severity::warn,
                              layout.error.empty() ? "DP301.docx-truncated" : "DP301.docx-unreadable",
                              {{"detail", layout.error}});
            f.document = d.file;
            if (!layout.error.empty()) {
                return;
            }
        }
        if (layout.sections.empty() && !layout.truncated) {
            out.add(print ? Severity::warn : Severity::info, "DP301.docx-no-size", {{"section", "1"}}).document =
                d.file;
            return;
        }
        SizeGroups sizes(tol);
        for (const auto& s : layout.sections) {
            const MessageArgs at{{"section", std::to_string(s.section)}};
            if (!s.has_size) {
                out.add(print ? Severity::warn : Severity::info, "DP301.docx-no-size", at).document = d.file;
                continue;
            }
            const double w = static_cast<double>(s.width_twips) * kMmPerTwip;
            const double h = static_cast<double>(s.height_twips) * kMmPerTwip;
            if (s.orient_contradicts()) {
                MessageArgs args = at;
                args.emplace_back("orient", s.orient.empty() ? std::string("-") : s.orient);
                args.emplace_back("width", std::to_string(std::lround(w)));
                args.emplace_back("height", std::to_string(std::lround(h)));
                out.add(print ? Severity::warn : Severity::info,
                        s.orient.empty() ? "DP301.docx-orient-missing" : "DP301.docx-orient", std::move(args))
                    .document = d.file;
            }
            sizes.add(s.section, w, h);
        }
        sizes.report(ctx, d, "DP301.docx-", "-sections", "section", out);
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_page_format, PageFormat)
}  // namespace preflight::checks
