#include "report/common.hpp"

#include "validator/catalogue.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

namespace preflight::report {
namespace {

using json = nlohmann::json;

// GitLab's severities: a finding that blocks stops the letter (blocker); a warning
// is a minor issue; information is info.
const char* gitlab_severity(Severity s) {
    return s == Severity::block ? "blocker" : s == Severity::warn ? "minor" : "info";
}

// GitLab shows a Code Quality issue on a path relative to the repository's root: the
// folder the job runs in. An absolute path inside it is made relative; one outside
// it stays as it is (GitLab then shows the issue without a link).
std::string repository_path(const std::string& path) {
    const std::filesystem::path p(path);
    if (!p.is_absolute()) {
        return path;
    }
    std::error_code ec;
    const std::filesystem::path cwd = std::filesystem::current_path(ec);
    if (ec) {
        return path;
    }
    const std::filesystem::path relative = p.lexically_relative(cwd);
    if (relative.empty() || *relative.begin() == "..") {
        return path;
    }
    return relative.generic_string();
}

class GitlabRenderer final : public Renderer {
public:
    std::string report(const Report& r, const RenderOptions& o) const override {
        // One issue per finding (GitLab Code Quality, the Code Climate subset GitLab
        // reads): on its document, the manifest for a finding about the journal post,
        // or the first of the loose files; line 1 (documents have no lines, the page is
        // in the description). GitLab drops issues whose fingerprints repeat, so a
        // second finding with the same fingerprint gets "-2" appended, and so on.
        json issues = json::array();
        std::map<std::string, int> seen;
        for (const auto& f : r.findings) {
            const Shown s = shown(f, o);
            std::string text = s.message;
            if (f.page || f.recipient) {
                text += " (" + location(f, o) + ")";
            }
            std::string print = fingerprint(f);
            if (const int n = ++seen[print]; n > 1) {
                print += fmt::format("-{}", n);
            }
            const std::optional<std::string> file = finding_file(r, f);
            issues.push_back(
                {{"type", "issue"},
                 {"check_name", f.code},
                 {"description", fmt::format("{} {}: {}. {}", f.code, f.check, text, s.remedy)},
                 {"categories", json::array({"Compatibility"})},
                 {"fingerprint", print},
                 {"severity", gitlab_severity(f.severity)},
                 {"location",
                  {{"path", located(file ? repository_path(*file) : catalogue::text("ui.post", o.lang), o)},
                   {"lines", {{"begin", 1}}}}}});
        }
        return issues.dump(2) + "\n";
    }
};

}  // namespace

const Renderer& gitlab_renderer() {
    static const GitlabRenderer renderer;
    return renderer;
}

}  // namespace preflight::report
