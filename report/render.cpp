#include "report/render.hpp"

#include "base/identifiers.hpp"
#include "base/text.hpp"
#include "report/common.hpp"

#include <array>
#include <utility>

namespace preflight {
namespace {

// Every format: its --format name and its renderer (report/<name>.cpp).
const std::array<std::pair<Format, std::string_view>, 5> kFormats{{
    {Format::text, "text"},
    {Format::json, "json"},
    {Format::junit, "junit"},
    {Format::sarif, "sarif"},
    {Format::github, "github"},
}};

const report::Renderer& renderer(Format format) {
    switch (format) {
        case Format::json:
            return report::json_renderer();
        case Format::junit:
            return report::junit_renderer();
        case Format::sarif:
            return report::sarif_renderer();
        case Format::github:
            return report::github_renderer();
        case Format::text:
            break;
    }
    return report::text_renderer();
}

}  // namespace

std::string clean_text(std::string_view s, const RenderOptions& o) {
    const std::string p = text::escape_controls(text::printable(s));
    return o.show_ids ? p : ident::mask_person_ids(p);
}

std::optional<Format> parse_format(std::string_view s) {
    for (const auto& [format, name] : kFormats) {
        if (name == s) {
            return format;
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
