#include "report/common.hpp"

#include "base/identifiers.hpp"
#include "base/text.hpp"
#include "validator/catalogue.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <map>

namespace preflight::report {
namespace {

using json = nlohmann::json;

// The version of the report's shape that docs/report.schema.json describes: raised
// whenever a field is added (fields are never removed or renamed).
constexpr const char* kSchemaVersion = "2";

json optional_string(const std::optional<std::string>& s, const RenderOptions& o) {
    return s ? json(clean_text(*s, o)) : json(nullptr);
}

class JsonRenderer final : public Renderer {
public:
    std::string report(const Report& r, const RenderOptions& o) const override {
        json findings = json::array();
        for (const auto& f : r.findings) {
            const Shown s = shown(f, o);
            findings.push_back({{"code", f.code},
                                {"check", f.check},
                                {"severity", to_string(f.severity)},
                                {"document", optional_string(f.document, o)},
                                {"page", f.page ? json(*f.page) : json(nullptr)},
                                {"recipient", f.recipient ? json(*f.recipient) : json(nullptr)},
                                {"message", s.message},
                                {"remedy", s.remedy}});
        }
        json documents = json::array();
        for (const auto& d : r.post.documents) {
            documents.push_back({{"file", clean_text(d.file, o)},
                                 {"name", clean_text(d.name, o)},
                                 {"bytes", d.bytes},
                                 {"type", d.type.empty() ? json(nullptr) : json(d.type)},
                                 {"pages", d.pdf ? json(d.pdf->pages.size()) : json(nullptr)},
                                 {"fixable", d.fixable}});
        }
        json recipients = json::array();
        for (std::size_t i = 0; i < r.post.recipients.size(); ++i) {
            recipients.push_back({{"index", i}, {"route", to_string(r.post.recipients[i].route)}});
        }
        json channels = json::array();
        for (const Channel c : r.targets.channels) {
            channels.push_back(to_string(c));
        }
        std::map<Severity, int> counts{{Severity::block, 0}, {Severity::warn, 0}, {Severity::info, 0}};
        for (const auto& f : r.findings) {
            ++counts[f.severity];
        }
        json summary = {{"documents", r.post.documents.size()}, {"recipients", r.post.recipients.size()}};
        for (const auto& [severity, n] : counts) {
            summary[std::string(to_string(severity))] = n;
        }
        // docs/report.schema.json describes this object; kSchemaVersion changes with it.
        const json out = {{"schemaVersion", kSchemaVersion},
                          {"tool", {{"name", "preflight"}, {"version", PREFLIGHT_VERSION}}},
                          {"verdict", to_string(r.verdict())},
                          {"channels", channels},
                          {"summary", summary},
                          {"findings", findings},
                          {"documents", documents},
                          {"recipients", recipients}};
        return out.dump(2) + "\n";
    }
    [[nodiscard]] std::string checks(const CheckSet& check_set, const RenderOptions& o) const override {
        json checks = json::array();
        for (const auto& c : check_set.checks()) {
            json options = json::array();
            for (const auto& opt : c->options()) {
                options.push_back({{"key", opt.key}, {"default", opt.default_value}});
            }
            const std::string code(c->code());
            checks.push_back({{"code", code},
                              {"slug", c->slug()},
                              {"severity", to_string(c->max_severity())},
                              {"severity_rule", catalogue::text(code + ".severity", o.lang)},
                              {"summary", catalogue::text(code + ".summary", o.lang)},
                              {"options", options}});
        }
        return json{{"checks", checks}}.dump(2) + "\n";
    }
};

}  // namespace

const Renderer& json_renderer() {
    static const JsonRenderer renderer;
    return renderer;
}

}  // namespace preflight::report
