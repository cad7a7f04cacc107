#include "report/common.hpp"

#include "base/identifiers.hpp"
#include "base/text.hpp"
#include "validator/catalogue.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace preflight::report {
namespace {

using json = nlohmann::json;

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

class GithubRenderer final : public Renderer {
public:
    std::string report(const Report& r, const RenderOptions& o) const override {
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
                               github_escape(fmt::format("{} {}", f.code, f.check), true),
                               github_escape(s.message, false), github_escape(s.remedy, false));
        }
        out += summary_line(r, o);
        return out;
    }
};

}  // namespace

const Renderer& github_renderer() {
    static const GithubRenderer renderer;
    return renderer;
}

}  // namespace preflight::report
