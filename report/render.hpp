// Renderers: one per output format, over a finished report (ruff style).
#pragma once

#include "validator/engine.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace preflight {

enum class Format : std::uint8_t { text, json, junit, sarif, github, gitlab };
std::optional<Format> parse_format(std::string_view s);

struct RenderOptions {
    Lang lang = Lang::nb;
    bool show_ids = false;  // false: fødselsnummer and D-nummer masked as 291293*****
    // JUnit: findings at or above this severity fail their test case (--fail-on).
    Severity fail_on = Severity::block;
    // SARIF: each rule's helpUri is docs_url + slug + ".md" ([scan] docs-url); empty:
    // no helpUri (the page itself is in the rule's help either way).
    std::string docs_url;
    // `preflight scan`: the report is about templates, not one letter (the verdict line).
    bool templates = false;
    bool color = false;  // ANSI colours for verdicts and severities
    bool quiet = false;  // text: only the verdict line
    // Remedies worded for the gate's web page (POST /v1/check?remedies=web): a remedy's
    // "<id>.web" variant where the catalogue has one, which says what to do on the page
    // (its fix button) instead of naming a command line.
    bool web_remedies = false;

    // The defaults, in `lang`.
    [[nodiscard]] static RenderOptions in(Lang lang) {
        RenderOptions o;
        o.lang = lang;
        return o;
    }
};

// --color: "never" no, "always" yes, "auto" (or anything else) when standard output is
// a terminal and NO_COLOR (`no_color_env`, null when unset) is unset or empty
// (https://no-color.org).
[[nodiscard]] bool color_wanted(std::string_view when /*"auto"|"always"|"never"*/, bool stdout_is_tty,
                                const char* no_color_env);

// Text from users (names, file names, log lines) as it may be shown: valid UTF-8,
// control characters escaped as \uXXXX (so a name cannot fake a line of output or
// break XML), personal identifiers masked unless options.show_ids.
[[nodiscard]] std::string clean_text(std::string_view s, const RenderOptions& options);

// Every format renders the report as data: text (for people), json (the contract's
// report), junit (JUnit XML as GitLab and Jenkins read it: one test case per
// document), sarif (SARIF 2.1.0: one rule per check with its documentation page,
// results with file locations), github (workflow commands: annotations on files),
// gitlab (GitLab Code Quality JSON: one issue per finding, on its file).
std::string render(const Report& report, Format format, const RenderOptions& options);

// The contract's JSON report as a JSON value (for the gate as well as the CLI).
std::string render_json(const Report& report, const RenderOptions& options);

// `preflight checks`: every check with code, slug, severity, summary and options.
std::string render_checks(const CheckSet& check_set, Format format, const RenderOptions& options);

}  // namespace preflight
