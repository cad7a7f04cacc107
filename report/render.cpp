#include "report/render.hpp"

#include "base/identifiers.hpp"
#include "base/text.hpp"
#include "report/common.hpp"

#include <array>
#include <utility>

namespace preflight {
namespace {

// Every format: its --format name and its renderer (report/<name>.cpp). The one list.
struct FormatEntry {
    Format format;
    std::string_view name;
    const report::Renderer& (*renderer)();
};
const std::array<FormatEntry, 6> kFormats{{
    {Format::text, "text", &report::text_renderer},
    {Format::json, "json", &report::json_renderer},
    {Format::junit, "junit", &report::junit_renderer},
    {Format::sarif, "sarif", &report::sarif_renderer},
    {Format::github, "github", &report::github_renderer},
    {Format::gitlab, "gitlab", &report::gitlab_renderer},
}};

const report::Renderer& renderer(Format format) {
    for (const FormatEntry& f : kFormats) {
        if (f.format == format) {
            return f.renderer();
        }
    }
    return report::text_renderer();
}

}  // namespace

std::string clean_text(std::string_view s, const RenderOptions& o) {
    const std::string p = text::escape_controls(text::printable(s));
    return o.show_ids ? p : ident::mask_person_ids(p);
}

bool color_wanted(std::string_view when, bool stdout_is_tty, const char* no_color_env) {
    if (when == "never") {
        return false;
    }
    if (when == "always") {
        return true;
    }
    return stdout_is_tty && (no_color_env == nullptr || *no_color_env == '\0');
}

std::optional<Format> parse_format(std::string_view s) {
    for (const FormatEntry& f : kFormats) {
        if (f.name == s) {
            return f.format;
        }
    }
    return std::nullopt;
}

std::string render(const Report& report, Format format, const RenderOptions& options) {
    return renderer(format).report(report, options);
}

std::string render_json(const Report& report, const RenderOptions& options) {
    return report::json_renderer().report(report, options);
}

std::string render_checks(const CheckSet& check_set, Format format, const RenderOptions& options) {
    return renderer(format).checks(check_set, options);
}

}  // namespace preflight
