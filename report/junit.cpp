#include "report/common.hpp"

#include "base/identifiers.hpp"
#include "base/text.hpp"
#include "validator/catalogue.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace preflight::report {
namespace {

using json = nlohmann::json;

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

class JunitRenderer final : public Renderer {
public:
    std::string report(const Report& r, const RenderOptions& o) const override {
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
                body += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                                    text::xml_escape(message), text::xml_escape(types), text::xml_escape(failed_text));
            }
            if (!other_text.empty()) {
                body += fmt::format("      <system-out>{}</system-out>\n", text::xml_escape(other_text));
            }
            // No `file` attribute: Jenkins' strict schema (xunit's junit-10.xsd) has none;
            // the name is the file's path.
            cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\">\n{}    </testcase>\n",
                                 text::xml_escape(doc ? junit_classname(name) : std::string("preflight")),
                                 text::xml_escape(name), body);
        };
        emit(std::nullopt, catalogue::text("ui.post", o.lang));
        for (const auto& d : r.post.documents) {
            emit(d.file, clean_text(d.file, o));
        }
        return fmt::format(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"preflight\" tests=\"{0}\" failures=\"{1}\" errors=\"0\">\n"
            "  <testsuite name=\"preflight\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" skipped=\"0\">\n"
            "{2}  </testsuite>\n</testsuites>\n",
            tests, failures, cases);
    }
};

}  // namespace

const Renderer& junit_renderer() {
    static const JunitRenderer renderer;
    return renderer;
}

}  // namespace preflight::report
