#include "report/common.hpp"

#include "base/identifiers.hpp"
#include "base/text.hpp"
#include "validator/catalogue.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace preflight::report {
namespace {

using json = nlohmann::json;

class TextRenderer final : public Renderer {
public:
    std::string report(const Report& r, const RenderOptions& o) const override {
        std::string out;
        for (const auto& f : r.findings) {
            const Shown s = shown(f, o);
            out += fmt::format("{}: {} {} [{}] {}\n    {}: {}\n", location(f, o), f.code,
                               severity_label(f.severity, o.lang), f.check, s.message,
                               catalogue::text("ui.remedy", o.lang), s.remedy);
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
                        {{"index", std::to_string(i)},
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
        out += catalogue::text(fmt::format("ui.verdict.{}{}", o.templates ? "scan." : "", to_string(r.verdict())),
                               o.lang) +
               "\n";
        return out;
    }
};

}  // namespace

const Renderer& text_renderer() {
    static const TextRenderer renderer;
    return renderer;
}

}  // namespace preflight::report
