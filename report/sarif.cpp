#include "report/common.hpp"

#include "base/identifiers.hpp"
#include "base/text.hpp"
#include "validator/catalogue.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include "checks/check_set.hpp"
#include "validator/docs.hpp"

#include <filesystem>

namespace preflight::report {
namespace {

using json = nlohmann::json;

constexpr const char* kSrcRoot = "SRCROOT";

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

// Where SARIF finds a file: an absolute path as a file:// URI; a relative one as a
// relative URI against the base SRCROOT, the folder preflight ran in (declared in the
// run's originalUriBaseIds), which is where CI checks the repository out.
json artifact_location(std::string_view path, const RenderOptions& o) {
    const std::string uri = uri_of(located(path, o));
    if (!path.empty() && path.front() == '/') {
        return {{"uri", "file://" + uri}};
    }
    return {{"uri", uri}, {"uriBaseId", kSrcRoot}};
}

// SRCROOT: the current folder as a file:// URI ending in '/'.
json srcroot(const RenderOptions& o) {
    std::error_code ec;
    std::string cwd = std::filesystem::current_path(ec).generic_string();
    if (ec || cwd.empty() || cwd.front() != '/') {
        cwd = "/";
    }
    if (cwd.back() != '/') {
        cwd += '/';
    }
    return {{"uri", "file://" + uri_of(located(cwd, o))}};
}

class SarifRenderer final : public Renderer {
public:
    std::string report(const Report& r, const RenderOptions& o) const override {
        // Every check is a rule (id: the code, name: the slug), with its page of docs/checks/
        // as help; results point at their file. PDFs and Word files have no lines: each
        // location is line 1 (code scanning needs a line), with the page in the message
        // and in the result's properties.
        const CheckSet& check_set = builtin_checks();
        json rules = json::array();
        std::map<std::string, std::size_t> rule_index;
        for (const auto& c : check_set.checks()) {
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
            const std::string_view page = docs::check_page(slug, o.lang);
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
            const std::string path = document_path(d);
            if (artifact_index.emplace(path, artifacts.size()).second) {
                artifacts.push_back({{"location", artifact_location(path, o)}, {"length", d.bytes}});
                if (!d.type.empty()) {
                    artifacts.back()["mimeType"] = d.type;
                }
            }
        }
        if (!r.post.manifest.empty()) {
            const std::string manifest = *post_path(r);
            if (artifact_index.emplace(manifest, artifacts.size()).second) {
                artifacts.push_back({{"location", artifact_location(manifest, o)}, {"mimeType", "application/json"}});
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
            // Every result has a location (code scanning drops those without): its
            // document, the manifest for a finding about the journal post, or the first
            // of the loose files; with no file at all, the journal post by name.
            if (const auto file = finding_file(r, f)) {
                json artifact = artifact_location(*file, o);
                if (const auto it = artifact_index.find(*file); it != artifact_index.end()) {
                    artifact["index"] = it->second;
                }
                result["locations"] = json::array(
                    {{{"physicalLocation", {{"artifactLocation", artifact}, {"region", {{"startLine", 1}}}}}}});
            } else {
                result["locations"] = json::array(
                    {{{"logicalLocations", json::array({{{"name", catalogue::text("ui.post", o.lang)}}})}}});
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
                                                   {"originalUriBaseIds", {{kSrcRoot, srcroot(o)}}},
                                                   {"artifacts", artifacts},
                                                   {"columnKind", "unicodeCodePoints"},
                                                   {"results", results}}})}};
        return sarif.dump(2) + "\n";
    }
};

}  // namespace

const Renderer& sarif_renderer() {
    static const SarifRenderer renderer;
    return renderer;
}

}  // namespace preflight::report
