#include "validator/render.hpp"

#include "validator/catalogue.hpp"
#include "validator/docs.hpp"
#include "validator/identifiers.hpp"
#include "validator/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdint>
#include <map>

namespace preflight {

std::string clean_text(std::string_view s, const RenderOptions& o) {
    const std::string p = text::escape_controls(text::printable(s));
    return o.show_ids ? p : ident::mask_person_ids(p);
}
namespace {

using json = nlohmann::json;

struct Shown {
    std::string message;
    std::string remedy;
};

// A file's path where a CI system must find the file (GitHub's file=, SARIF's uri,
// JUnit's file): the path as it is, unless it holds a personal identifier (masked,
// unless --show-ids), control characters or invalid UTF-8 (cleaned): such a name is
// shown, but cannot be found.
std::string located(std::string_view file, const RenderOptions& o) {
    const std::string shown_name = clean_text(file, o);
    const bool plain = text::valid_utf8(file) && text::escape_controls(file) == file;
    return plain && (o.show_ids || ident::mask_person_ids(file) == file) ? std::string(file) : shown_name;
}

MessageArgs clean_args(const MessageArgs& args, const RenderOptions& o) {
    MessageArgs out;
    out.reserve(args.size());
    for (const auto& [k, v] : args) {
        out.emplace_back(k, clean_text(v, o));
    }
    return out;
}

Shown shown(const Finding& f, const RenderOptions& o) {
    const MessageArgs args = clean_args(f.args, o);
    return {catalogue::text(f.message_id, o.lang, args), catalogue::text(f.remedy_id, o.lang, args)};
}

std::string location(const Finding& f, const RenderOptions& o) {
    std::string where = f.document ? clean_text(*f.document, o) : catalogue::text("ui.post", o.lang);
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

// "Documents: 9 · blocking: 4 · warnings: 3 · info: 0", and a newline.
std::string summary_line(const Report& r, const RenderOptions& o) {
    int counts[3] = {0, 0, 0};
    for (const auto& f : r.findings) {
        ++counts[static_cast<int>(f.severity)];
    }
    return catalogue::text("ui.summary", o.lang,
                           {{"documents", std::to_string(r.post.documents.size())},
                            {"block", std::to_string(counts[2])},
                            {"warn", std::to_string(counts[1])},
                            {"info", std::to_string(counts[0])}}) +
           "\n";
}

std::string render_text(const Report& r, const RenderOptions& o) {
    std::string out;
    for (const auto& f : r.findings) {
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
                     {"name",
                      clean_text(rec.name.empty() ? (rec.id ? ident::normalise_id(*rec.id) : "-") : rec.name, o)},
                     {"route", std::string(to_string(rec.route))},
                     {"reason", rec.route_reason.empty() ? std::string("-")
                                                         : catalogue::text("ui.reason." + rec.route_reason, o.lang)}}) +
                "\n";
        }
        out += "\n";
    }
    out += summary_line(r, o);
    out += catalogue::text(fmt::format("ui.verdict.{}{}", o.templates ? "scan." : "", to_string(r.verdict())), o.lang) +
           "\n";
    return out;
}

json optional_string(const std::optional<std::string>& s, const RenderOptions& o) {
    return s ? json(clean_text(*s, o)) : json(nullptr);
}

// GitHub workflow commands: the message part escapes %, CR and LF; property values
// (file, title) also ':' and ','.
std::string github_escape(std::string_view s, bool property) {
    std::string e;
    for (const char c : s) {
        if (c == '%') {
            e += "%25";
        } else if (c == '\n') {
            e += "%0A";
        } else if (c == '\r') {
            e += "%0D";
        } else if (property && c == ':') {
            e += "%3A";
        } else if (property && c == ',') {
            e += "%2C";
        } else {
            e += c;
        }
    }
    return e;
}

const char* level_of(Severity s) { return s == Severity::block ? "error" : s == Severity::warn ? "warning" : "note"; }

std::string render_github(const Report& r, const RenderOptions& o) {
    // One annotation per finding (error, warning or notice), on its file; the
    // summary last, as a plain line in the log.
    std::string out;
    for (const auto& f : r.findings) {
        const Shown s = shown(f, o);
        const char* command = f.severity == Severity::block  ? "error"
                              : f.severity == Severity::warn ? "warning"
                                                             : "notice";
        std::string props;
        if (f.document) {
            props = fmt::format("file={},", github_escape(located(*f.document, o), true));
        }
        out += fmt::format("::{} {}title={}::{}. {}\n", command, props,
                           github_escape(fmt::format("{} {}", f.code, f.check), true), github_escape(s.message, false),
                           github_escape(s.remedy, false));
    }
    out += summary_line(r, o);
    return out;
}

// "templates/brev/vedtak.docx" -> "preflight.templates.brev" (Jenkins shows classes
// as a package tree); a file at the top: "preflight".
std::string junit_classname(std::string_view file) {
    const auto slash = file.rfind('/');
    std::string name = "preflight";
    if (slash == std::string_view::npos) {
        return name;
    }
    std::string folder;
    for (const char c : file.substr(0, slash)) {
        if (c != '/') {
            folder += c;
        } else if (!folder.empty() && folder.back() != '.') {
            folder += '.';  // "/tmp//a" -> "tmp.a"
        }
    }
    while (!folder.empty() && folder.back() == '.') {
        folder.pop_back();
    }
    return folder.empty() ? name : name + "." + folder;
}

std::string render_junit(const Report& r, const RenderOptions& o) {
    // One test case per document (and one for the journal post when it has findings
    // of its own, or comes from a manifest). Findings at or above --fail-on fail the
    // case: one <failure> whose message is the first of them and whose text lists
    // them all; the others go to <system-out>.
    std::string cases;
    int failures = 0;
    int tests = 0;
    const auto line = [&](const Finding& f, const Shown& s) {
        return fmt::format("{} {} [{}] {}: {}\n  {}: {}\n", f.code, severity_label(f.severity, o.lang), f.check,
                           location(f, o), s.message, catalogue::text("ui.remedy", o.lang), s.remedy);
    };
    const auto emit = [&](const std::optional<std::string>& doc, const std::string& name) {
        std::vector<const Finding*> failing;
        std::string failed_text;
        std::string other_text;
        for (const auto& f : r.findings) {
            if (f.document != doc) {
                continue;
            }
            const Shown s = shown(f, o);
            if (f.severity >= o.fail_on) {
                failing.push_back(&f);
                failed_text += line(f, s);
            } else {
                other_text += line(f, s);
            }
        }
        if (!doc && failing.empty() && other_text.empty() && !r.post.from_manifest) {
            return;  // loose files and scans: no journal post to report on
        }
        ++tests;
        std::string body;
        if (!failing.empty()) {
            ++failures;
            const Finding& first = *failing.front();
            std::string message = fmt::format("{} {}: {}", first.code, first.check, shown(first, o).message);
            if (failing.size() > 1) {
                message +=
                    " " + catalogue::text("ui.junit.more", o.lang, {{"count", std::to_string(failing.size() - 1)}});
            }
            std::string types;
            for (const Finding* f : failing) {
                if (types.find(f->code) == std::string::npos) {
                    types += (types.empty() ? "" : " ") + f->code;
                }
            }
            body += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", text::xml_escape(message),
                                text::xml_escape(types), text::xml_escape(failed_text));
        }
        if (!other_text.empty()) {
            body += fmt::format("      <system-out>{}</system-out>\n", text::xml_escape(other_text));
        }
        const std::string file = doc ? fmt::format(" file=\"{}\"", text::xml_escape(located(*doc, o))) : std::string();
        cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\"{}>\n{}    </testcase>\n",
                             text::xml_escape(doc ? junit_classname(name) : std::string("preflight")),
                             text::xml_escape(name), file, body);
    };
    emit(std::nullopt, catalogue::text("ui.post", o.lang));
    for (const auto& d : r.post.documents) {
        emit(d.file, clean_text(d.file, o));
    }
    return fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"preflight\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" skipped=\"0\">\n"
        "  <testsuite name=\"preflight\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" skipped=\"0\">\n"
        "{2}  </testsuite>\n</testsuites>\n",
        tests, failures, cases);
}

// A relative URI reference for a file path: unreserved characters and '/' as they
// are, everything else (spaces, æøå as UTF-8 bytes, '%', '#', '?') percent-encoded.
std::string uri_of(std::string_view path) {
    std::string out;
    for (const char ch : path) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            out += static_cast<char>(c);
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

// A stable fingerprint of a finding (FNV-1a 64 over rule, file, message id and
// page), so that code scanning matches it across runs without reading the file.
std::string fingerprint(const Finding& f) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    const auto add = [&](std::string_view s) {
        for (const char c : s) {
            h ^= static_cast<unsigned char>(c);
            h *= 0x100000001b3ULL;
        }
        h ^= 0xff;
        h *= 0x100000001b3ULL;
    };
    add(f.code);
    add(f.document.value_or(""));
    add(f.message_id);
    add(std::to_string(f.page.value_or(0)));
    return fmt::format("{:016x}", h);
}

std::string render_sarif(const Report& r, const RenderOptions& o) {
    // Every check is a rule (id: the code, name: the slug), with its page of docs/checks/
    // as help; results point at their file. PDFs and Word files have no lines: each
    // location is line 1 (code scanning needs a line), with the page in the message
    // and in the result's properties.
    const Registry& registry = builtin_checks();
    json rules = json::array();
    std::map<std::string, std::size_t> rule_index;
    for (const auto& c : registry.checks()) {
        const std::string code(c->code());
        const std::string slug(c->slug());
        rule_index[code] = rules.size();
        json rule = {{"id", code},
                     {"name", slug},
                     {"shortDescription", {{"text", catalogue::text(code + ".summary", o.lang)}}},
                     {"fullDescription",
                      {{"text", catalogue::text(code + ".summary", o.lang) + ". " +
                                    catalogue::text(code + ".severity", o.lang)}}},
                     {"defaultConfiguration", {{"level", level_of(c->max_severity())}}},
                     {"properties", {{"tags", json::array({"preflight", slug})}}}};
        const std::string_view page = docs::check_page(slug);
        if (!page.empty()) {
            rule["help"] = {{"text", std::string(page)}, {"markdown", std::string(page)}};
        }
        if (!o.docs_url.empty()) {
            rule["helpUri"] = o.docs_url + (o.docs_url.back() == '/' ? "" : "/") + slug + ".md";
        }
        rules.push_back(std::move(rule));
    }
    json results = json::array();
    json artifacts = json::array();
    std::map<std::string, std::size_t> artifact_index;
    for (const auto& d : r.post.documents) {
        const std::string uri = uri_of(located(d.file, o));
        if (artifact_index.emplace(d.file, artifacts.size()).second) {
            artifacts.push_back({{"location", {{"uri", uri}}}, {"length", d.bytes}});
            if (!d.type.empty()) {
                artifacts.back()["mimeType"] = d.type;
            }
        }
    }
    for (const auto& f : r.findings) {
        const Shown s = shown(f, o);
        std::string text = s.message;
        if (f.page || f.recipient) {
            text += " (" + location(f, o) + ")";
        }
        json result = {{"ruleId", f.code},
                       {"level", level_of(f.severity)},
                       {"message", {{"text", text + ". " + s.remedy}}},
                       {"partialFingerprints", {{"preflightFinding/v1", fingerprint(f)}}},
                       {"properties", {{"severity", to_string(f.severity)}, {"check", f.check}}}};
        if (const auto it = rule_index.find(f.code); it != rule_index.end()) {
            result["ruleIndex"] = it->second;
        }
        if (f.page) {
            result["properties"]["page"] = *f.page;
        }
        if (f.document) {
            json artifact = {{"uri", uri_of(located(*f.document, o))}};
            if (const auto it = artifact_index.find(*f.document); it != artifact_index.end()) {
                artifact["index"] = it->second;
            }
            result["locations"] =
                json::array({{{"physicalLocation", {{"artifactLocation", artifact}, {"region", {{"startLine", 1}}}}}}});
        }
        results.push_back(std::move(result));
    }
    const json sarif = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                        {"version", "2.1.0"},
                        {"runs", json::array({{{"tool",
                                                {{"driver",
                                                  {{"name", "preflight"},
                                                   {"version", PREFLIGHT_VERSION},
                                                   {"semanticVersion", PREFLIGHT_VERSION},
                                                   {"rules", rules}}}}},
                                               {"artifacts", artifacts},
                                               {"columnKind", "unicodeCodePoints"},
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
        documents.push_back({{"file", clean_text(d.file, o)},
                             {"name", clean_text(d.name, o)},
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
        out += fmt::format("{:<6} {:<26} {}\n       {}\n", code, c->slug(), catalogue::text(code + ".severity", o.lang),
                           catalogue::text(code + ".summary", o.lang));
        for (const auto& opt : c->options()) {
            out += fmt::format("       [{}] {} = {}\n", c->slug(), opt.key, opt.default_value);
        }
    }
    return out;
}

}  // namespace preflight
