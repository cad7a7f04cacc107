#include "report/common.hpp"

#include "base/identifiers.hpp"
#include "base/text.hpp"
#include "validator/catalogue.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <vector>

namespace preflight::report {
namespace {

using json = nlohmann::json;

class TextRenderer final : public Renderer {
public:
    std::string report(const Report& r, const RenderOptions& o) const override {
        if (o.quiet) {
            return verdict_line(r, o);
        }
        // Blocking findings first, then warnings, then info; in the report's order within
        // each (the machine formats keep the report's order).
        std::vector<const Finding*> sorted;
        sorted.reserve(r.findings.size());
        for (const auto& f : r.findings) {
            sorted.push_back(&f);
        }
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const Finding* a, const Finding* b) { return a->severity > b->severity; });
        std::string out;
        for (const Finding* f : sorted) {
            const Shown s = shown(*f, o);
            out +=
                fmt::format("{}: {} {} [{}] {}\n    {}: {}\n", location(*f, o), f->code, severity_shown(f->severity, o),
                            f->check, s.message, catalogue::text("ui.remedy", o.lang), s.remedy);
        }
        if (!r.findings.empty()) {
            out += "\n";
        }
        if (!r.post.recipients.empty()) {
            out += catalogue::text("ui.recipients", o.lang) + "\n";
            for (std::size_t i = 0; i < r.post.recipients.size(); ++i) {
                const Recipient& rec = r.post.recipients[i];
                out +=
                    catalogue::text(
                        "ui.recipient-route", o.lang,
                        {{"index", std::to_string(i + 1)},
                         {"name",
                          clean_text(rec.name.empty() ? (rec.id ? ident::normalise_id(*rec.id) : "-") : rec.name, o)},
                         {"route", std::string(to_string(rec.route))},
                         {"reason", rec.route_reason.empty()
                                        ? std::string("-")
                                        : catalogue::text("ui.reason." + rec.route_reason, o.lang)}}) +
                    "\n";
            }
            out += "\n";
        }
        out += summary_line(r, o);
        out += verdict_line(r, o);
        return out;
    }
};

}  // namespace

const Renderer& text_renderer() {
    static const TextRenderer renderer;
    return renderer;
}

}  // namespace preflight::report
