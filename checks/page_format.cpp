// DP301 page-format: every page portrait A4 within tolerance, as print needs.
#include "checks/common.hpp"

#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace preflight::checks {
namespace {

constexpr double kA4Short = 210.0;
constexpr double kA4Long = 297.0;
constexpr double kMmPerTwip = 25.4 / 1440.0;  // a twip is 1/20 pt, 1/1440 inch

// Ascending page or section numbers as a list with ranges (an en dash) for runs:
// 2, 4, 5, 6, 9 -> "2, 4–6, 9"; 4, 5 -> "4–5".
std::string number_list(const std::vector<int>& numbers) {
    std::string out;
    for (std::size_t i = 0; i < numbers.size();) {
        std::size_t j = i;
        while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1) {
            ++j;
        }
        out += (out.empty() ? "" : ", ") + std::to_string(numbers[i]);
        if (j > i) {
            out += "–" + std::to_string(numbers[j]);
        }
        i = j + 1;
    }
    return out;
}

// Sizes off portrait A4, grouped: one finding per distinct size (rounded to whole
// mm), naming the pages or sections that have it.
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
            it->second.landscape = near(w, kA4Long) && near(h, kA4Short);
            it->second.remedy = remedy_for(w, h);
            order_.push_back(key);
        }
        it->second.numbers.push_back(number);
    }

    // One finding per size, in the order first seen: `<prefix>landscape` or
    // `<prefix>size`, with `plural` appended when more than one has the size;
    // `unit` ("page" or "section") names the first one's message argument, and
    // `unit`s ("pages", "sections") all of them as a list with ranges ("2, 4–5").
    // A PDF page's remedy fits its size (slides, Letter, larger than A4).
    void report(const Context& ctx, const Document& d, const std::string& prefix, const std::string& plural,
                const std::string& unit, Findings& out) const {
        for (const auto& key : order_) {
            const Group& g = groups_.at(key);
            const Severity severity =
                ctx.targets.print_bound ? (g.landscape ? Severity::warn : Severity::block) : Severity::info;
            const MessageArgs args{
                {"width", std::to_string(std::get<0>(key))}, {"height", std::to_string(std::get<1>(key))},
                {unit, std::to_string(g.numbers.front())},   {unit + "s", number_list(g.numbers)},
                {"count", std::to_string(g.numbers.size())}, {"tolerance", catalogue::decimal(tol_, -1)}};
            const std::string id = prefix + (g.landscape ? "landscape" : "size");
            auto& f = out.add(severity, g.numbers.size() > 1 ? id + plural : id, args);
            f.document = d.file;
            if (unit == "page") {
                f.page = g.numbers.front();
                if (!g.landscape && g.remedy != nullptr) {
                    f.remedy_id = g.remedy;
                }
            }
        }
    }

private:
    struct Group {
        std::vector<int> numbers;  // the pages or sections of this size, in order
        bool landscape = false;
        const char* remedy = nullptr;  // for a page of this size, when not the general one
    };
    [[nodiscard]] bool near(double a, double b) const { return std::fabs(a - b) <= tol_; }

    // The remedy for a page of w x h mm that is not A4: slides (wider than high) go
    // two to an A4 page or as handouts; US Letter is saved as A4; larger pages are
    // scaled down to A4. Each names `preflight fix`.
    static const char* remedy_for(double w, double h) {
        constexpr double kLetterShort = 215.9;
        constexpr double kLetterLong = 279.4;
        const auto close = [](double a, double b) { return std::fabs(a - b) <= 3.0; };
        if ((close(w, kLetterShort) && close(h, kLetterLong)) || (close(w, kLetterLong) && close(h, kLetterShort))) {
            return "DP301.letter.remedy";
        }
        if (w > h) {
            return "DP301.slides.remedy";
        }
        if (w >= kA4Short && h >= kA4Long) {
            return "DP301.larger.remedy";
        }
        return nullptr;
    }

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
    std::vector<OptionSpec> options() const override {
        return {{"tolerance-mm", OptionSpec::Kind::number, "10", 0, 1000}};
    }
    // A PDF's pages: the print-ready copy has every page portrait A4 (a Word file's
    // sections are not what `fix` changes).
    bool answered_by_fix(const Finding& finding) const override {
        return !finding.message_id.starts_with("DP301.docx-");
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
        if (!layout.error.empty()) {
            return;  // not read: DP303 pdf-damaged reports the damaged document
        }
        if (layout.truncated) {
            // Not read fully: the pages past the cap cannot be vouched for.
            out.add(print ? Severity::block : Severity::warn, "DP301.docx-truncated", {{"detail", layout.error}})
                .document = d.file;
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
