// Renderers: one per output format, over a finished report (ruff style).
#pragma once

#include "validator/engine.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace preflight {

enum class Format : std::uint8_t { text, json, junit, sarif, github };
std::optional<Format> parse_format(std::string_view s);

struct RenderOptions {
    Lang lang = Lang::nb;
    bool show_ids = false;  // false: fødselsnummer and D-nummer masked as 291293*****
};

std::string render(const Report& report, Format format, const RenderOptions& options);

// The contract's JSON report as a JSON value (for the gate as well as the CLI).
std::string render_json(const Report& report, const RenderOptions& options);

// `preflight checks`: every check with code, slug, severity, summary and options.
std::string render_checks(const Registry& registry, Format format, const RenderOptions& options);

}  // namespace preflight
