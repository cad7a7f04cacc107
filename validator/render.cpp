#include "validator/render.hpp"

#include "validator/catalogue.hpp"
#include "validator/identifiers.hpp"
#include "validator/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <set>

namespace preflight {
namespace {

using json = nlohmann::json;

struct Shown {
    std::string message;
    std::string remedy;
};

// Text from users (names, file names) as it may be shown: valid UTF-8, control
// characters escaped as \uXXXX (so a name cannot fake a line of output or break XML),
// personal identifiers masked unless asked for.
std::string clean(std::string_view s, const RenderOptions& o) {
    const std::string p = text::escape_controls(text::printable(s));
    return o.show_ids ? p : ident::mask_person_ids(p);
}

MessageArgs clean_args(const MessageArgs& args, const RenderOptions& o) {
    MessageArgs out;
    out.reserve(args.size());
    for (const auto& [k, v] : args) {
        out.emplace_back(k, clean(v, o));
    }
    return out;
}

Shown shown(const Finding& f, const RenderOptions& o) {
    const MessageArgs args = clean_args(f.args, o);
    return {catalogue::text(f.message_id, o.lang, args), catalogue::text(f.remedy_id, o.lang, args)};
}

std::string location(const Finding& f, const RenderOptions& o) {
    std::string where = f.document ? clean(*f.document, o) : catalogue::text("ui.post", o.lang);
    if (f.page) {
        where += fmt::format(":{}", *f.page);
    }
    if (f.recipient) {
        where +=
            fmt::format(" ({})", catalogue::text("ui.recipient", o.lang, {{"index", std::to_string(*f.recipient)}}));
    }
    return where;
}

std::string severity_label(Severity s, Lang lang) {
    return catalogue::text(fmt::format("ui.severity.{}", to_string(s)), lang);
}

std::string render_text(const Report& r, const RenderOptions& o) {
    std::string out;
    int counts[3] = {0, 0, 0};
    for (const auto& f : r.findings) {
        ++counts[static_cast<int>(f.severity)];
        const Shown s = shown(f, o);
        out +=
            fmt::format("{}: {} {} [{}] {}\n    {}: {}\n", location(f, o), f.code, severity_label(f.severity, o.lang),
                        f.check, s.message, catalogue::text("ui.remedy", o.lang), s.remedy);
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
                     {"name", clean(rec.name.empty() ? (rec.id ? ident::normalise_id(*rec.id) : "-") : rec.name, o)},
                     {"route", std::string(to_string(rec.route))},
                     {"reason", rec.route_reason.empty() ? std::string("-")
                                                         : catalogue::text("ui.reason." + rec.route_reason, o.lang)}}) +
                "\n";
        }
        out += "\n";
    }
    out += catalogue::text("ui.summary", o.lang,
                           {{"documents", std::to_string(r.post.documents.size())},
                            {"block", std::to_string(counts[2])},
                            {"warn", std::to_string(counts[1])},
                            {"info", std::to_string(counts[0])}}) +
           "\n";
    out += catalogue::text(fmt::format("ui.verdict.{}", to_string(r.verdict())), o.lang) + "\n";
    return out;
}

json optional_string(const std::optional<std::string>& s, const RenderOptions& o) {
    return s ? json(clean(*s, o)) : json(nullptr);
}

std::string render_github(const Report& r, const RenderOptions& o) {
    std::string out;
    const auto escape = [](const std::string& s) {
        std::string e;
        for (const char c : s) {
            if (c == '%') {
                e += "%25";
            } else if (c == '\n') {
                e += "%0A";
            } else if (c == '\r') {
                e += "%0D";
            } else {
                e += c;
            }
        }
        return e;
    };
    for (const auto& f : r.findings) {
        const Shown s = shown(f, o);
        const char* level = f.severity == Severity::block  ? "error"
                            : f.severity == Severity::warn ? "warning"
                                                           : "notice";
        std::string props;
        if (f.document) {
            props = fmt::format("file={},", escape(clean(*f.document, o)));
        }
        out += fmt::format("::{} {}title={} {}::{} {}\n", level, props, f.code, f.check, escape(s.message),
                           escape(s.remedy));
    }
    return out;
}

std::string xml_escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string render_junit(const Report& r, const RenderOptions& o) {
    // One test case per document and one for the journal post; findings that block or
    // warn are failures of their test case, info findings are system-out.
    std::string cases;
    int failures = 0;
    int tests = 0;
    const auto emit = [&](const std::optional<std::string>& doc, const std::string& name) {
        ++tests;
        std::string body;
        bool failed = false;
        for (const auto& f : r.findings) {
            if (f.document != doc) {
                continue;
            }
            const Shown s = shown(f, o);
            if (f.severity == Severity::info) {
                body += fmt::format("      <system-out>{} {}</system-out>\n", f.code, xml_escape(s.message));
                continue;
            }
            failed = true;
            body += fmt::format("      <failure type=\"{} {}\" message=\"{}\">{}</failure>\n", f.code,
                                severity_label(f.severity, o.lang), xml_escape(s.message), xml_escape(s.remedy));
        }
        failures += failed ? 1 : 0;
        cases += fmt::format("    <testcase classname=\"preflight\" name=\"{}\">\n{}    </testcase>\n",
                             xml_escape(name), body);
    };
    emit(std::nullopt, catalogue::text("ui.post", o.lang));
    for (const auto& d : r.post.documents) {
        emit(d.file, clean(d.file, o));
    }
    return fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"preflight\" tests=\"{}\" "
        "failures=\"{}\">\n{}  </testsuite>\n</testsuites>\n",
        tests, failures, cases);
}

std::string render_sarif(const Report& r, const RenderOptions& o) {
    json rules = json::array();
    std::set<std::string> seen;
    json results = json::array();
    for (const auto& f : r.findings) {
        if (seen.insert(f.code).second) {
            rules.push_back({{"id", f.code},
                             {"name", f.check},
                             {"shortDescription", {{"text", catalogue::text(f.code + ".summary", o.lang)}}}});
        }
        const Shown s = shown(f, o);
        json result = {{"ruleId", f.code},
                       {"level", f.severity == Severity::block  ? "error"
                                 : f.severity == Severity::warn ? "warning"
                                                                : "note"},
                       {"message", {{"text", s.message + " " + s.remedy}}}};
        if (f.document) {
            json loc = {{"physicalLocation", {{"artifactLocation", {{"uri", clean(*f.document, o)}}}}}};
            if (f.page) {
                loc["physicalLocation"]["region"] = {{"startLine", *f.page}};
            }
            result["locations"] = json::array({loc});
        }
        results.push_back(result);
    }
    const json sarif = {
        {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
        {"version", "2.1.0"},
        {"runs",
         json::array(
             {{{"tool", {{"driver", {{"name", "preflight"}, {"version", PREFLIGHT_VERSION}, {"rules", rules}}}}},
               {"results", results}}})}};
    return sarif.dump(2) + "\n";
}

}  // namespace

std::optional<Format> parse_format(std::string_view s) {
    if (s == "text") {
        return Format::text;
    }
    if (s == "json") {
        return Format::json;
    }
    if (s == "junit") {
        return Format::junit;
    }
    if (s == "sarif") {
        return Format::sarif;
    }
    if (s == "github") {
        return Format::github;
    }
    return std::nullopt;
}

std::string render_json(const Report& r, const RenderOptions& o) {
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
        documents.push_back({{"file", clean(d.file, o)},
                             {"name", clean(d.name, o)},
                             {"bytes", d.bytes},
                             {"type", d.type.empty() ? json(nullptr) : json(d.type)},
                             {"pages", d.pdf ? json(d.pdf->pages.size()) : json(nullptr)}});
    }
    json recipients = json::array();
    for (std::size_t i = 0; i < r.post.recipients.size(); ++i) {
        recipients.push_back({{"index", i}, {"route", to_string(r.post.recipients[i].route)}});
    }
    const json out = {{"tool", {{"name", "preflight"}, {"version", PREFLIGHT_VERSION}}},
                      {"verdict", to_string(r.verdict())},
                      {"findings", findings},
                      {"documents", documents},
                      {"recipients", recipients}};
    return out.dump(2) + "\n";
}

std::string render(const Report& report, Format format, const RenderOptions& options) {
    switch (format) {
        case Format::text:
            return render_text(report, options);
        case Format::json:
            return render_json(report, options);
        case Format::junit:
            return render_junit(report, options);
        case Format::sarif:
            return render_sarif(report, options);
        case Format::github:
            return render_github(report, options);
    }
    return render_text(report, options);
}

std::string render_checks(const Registry& registry, Format format, const RenderOptions& o) {
    if (format == Format::json) {
        json checks = json::array();
        for (const auto& c : registry.checks()) {
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
    std::string out = catalogue::text("ui.checks.header", o.lang) + "\n";
    for (const auto& c : registry.checks()) {
        const std::string code(c->code());
        out += fmt::format("{:<6} {:<24} {}\n       {}\n", code, c->slug(), catalogue::text(code + ".severity", o.lang),
                           catalogue::text(code + ".summary", o.lang));
        for (const auto& opt : c->options()) {
            out += fmt::format("       [{}] {} = {}\n", c->slug(), opt.key, opt.default_value);
        }
    }
    return out;
}

}  // namespace preflight
