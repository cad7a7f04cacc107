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

class PageFormat final : public Check {
public:
    std::string_view code() const override { return "DP301"; }
    std::string_view slug() const override { return "page-format"; }
    std::vector<OptionSpec> options() const override {
        return {{"tolerance-mm", OptionSpec::Kind::number, "10", 0, 1000}};
    }
    void run(const Context& ctx, Findings& out) const override {
        const double tol = ctx.options.number("tolerance-mm");
        const auto near = [tol](double a, double b) { return std::fabs(a - b) <= tol; };
        for (const auto& d : ctx.post.documents) {
            if (d.docx && inspectable(d)) {
                word_sections(ctx, d, tol, out);
                continue;
            }
            if (!d.pdf || !inspectable(d)) {
                continue;
            }
            // One finding per distinct size: first page, count.
            struct Group {
                int first = 0;
                int count = 0;
                bool landscape = false;
            };
            std::map<std::tuple<long, long>, Group> groups;
            std::vector<std::tuple<long, long>> order;
            for (const auto& p : d.pdf->pages) {
                if (!p.ok) {
                    continue;
                }
                const double w = p.width_pt() * kMmPerPt;
                const double h = p.height_pt() * kMmPerPt;
                if (near(w, kA4Short) && near(h, kA4Long)) {
                    continue;
                }
                const auto key = std::make_tuple(std::lround(w), std::lround(h));
                auto [it, fresh] = groups.try_emplace(key);
                if (fresh) {
                    it->second.first = p.number;
                    it->second.landscape = near(w, kA4Long) && near(h, kA4Short);
                    order.push_back(key);
                }
                ++it->second.count;
            }
            for (const auto& key : order) {
                const Group& g = groups.at(key);
                const Severity severity =
                    ctx.targets.print_bound ? (g.landscape ? Severity::warn : Severity::block) : Severity::info;
                const MessageArgs args{{"width", std::to_string(std::get<0>(key))},
                                       {"height", std::to_string(std::get<1>(key))},
                                       {"page", std::to_string(g.first)},
                                       {"count", std::to_string(g.count)},
                                       {"tolerance", fmt::format("{:g}", tol)}};
                const char* id = g.landscape ? "DP301.landscape" : "DP301.size";
                auto& f = out.add(severity, g.count > 1 ? std::string(id) + "-pages" : std::string(id), args);
                f.document = d.file;
                f.page = g.first;
            }
        }
    }

private:
    // A Word document's page setup, section by section (w:pgSz in twips): the PDF the
    // archive system makes of it gets these page sizes. Sections of one size are
    // reported together, like pages.
    static void word_sections(const Context& ctx, const Document& d, double tol, Findings& out) {
        const auto near = [tol](double a, double b) { return std::fabs(a - b) <= tol; };
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
        struct Group {
            int first = 0;
            int count = 0;
            bool landscape = false;
        };
        std::map<std::tuple<long, long>, Group> groups;
        std::vector<std::tuple<long, long>> order;
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
            if (near(w, kA4Short) && near(h, kA4Long)) {
                continue;
            }
            const auto key = std::make_tuple(std::lround(w), std::lround(h));
            auto [it, fresh] = groups.try_emplace(key);
            if (fresh) {
                it->second.first = s.section;
                it->second.landscape = near(w, kA4Long) && near(h, kA4Short);
                order.push_back(key);
            }
            ++it->second.count;
        }
        for (const auto& key : order) {
            const Group& g = groups.at(key);
            const Severity severity = print ? (g.landscape ? Severity::warn : Severity::block) : Severity::info;
            const MessageArgs args{{"width", std::to_string(std::get<0>(key))},
                                   {"height", std::to_string(std::get<1>(key))},
                                   {"section", std::to_string(g.first)},
                                   {"count", std::to_string(g.count)},
                                   {"tolerance", fmt::format("{:g}", tol)}};
            const std::string id = g.landscape ? "DP301.docx-landscape" : "DP301.docx-size";
            out.add(severity, g.count > 1 ? id + "-sections" : id, args).document = d.file;
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_page_format, PageFormat)
}  // namespace preflight::checks
