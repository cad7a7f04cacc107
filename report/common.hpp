// What the renderers share (inside report/ only): a finding's text in the report's
// language with user text cleaned, its place, severity words and the summary line.
#pragma once

#include "report/render.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace preflight::report {

struct Shown {
    std::string message;
    std::string remedy;
};

// A file's path where a CI system must find the file (GitHub's file=, SARIF's uri,
// JUnit's file): the path as it is, unless it holds a personal identifier (masked,
// unless --show-ids), control characters or invalid UTF-8 (cleaned): such a name is
// shown, but cannot be found.
std::string located(std::string_view file, const RenderOptions& o);
MessageArgs clean_args(const MessageArgs& args, const RenderOptions& o);
// The finding's message and remedy from the catalogue, its arguments cleaned.
Shown shown(const Finding& f, const RenderOptions& o);
// "file.pdf:3 (recipient 1)", or the journal post: recipients are counted from 1 for
// people (the JSON report's `recipient` and `index` count from 0).
std::string location(const Finding& f, const RenderOptions& o);
std::string severity_label(Severity s, Lang lang);
// The severity's label, in its colour with o.color (block red, warn yellow, info blue).
std::string severity_shown(Severity s, const RenderOptions& o);
// The verdict line ("Resultat: …", of the templates with o.templates) and a newline;
// with o.color the line is bold in the verdict's colour (pass green, warn yellow,
// block red). Without o.color not one escape byte.
std::string verdict_line(const Report& r, const RenderOptions& o);
// "Documents: 9 · blocking: 4 · warnings: 3 · info: 0", and a newline.
std::string summary_line(const Report& r, const RenderOptions& o);
// error, warning, note (SARIF levels; GitHub's command names but notice).
const char* level_of(Severity s);
// A stable fingerprint of a finding (FNV-1a 64 over code, document, message id, page
// and, when it names one, recipient; 16 hex digits), so that code scanning and GitLab
// match a finding across runs without reading the file.
std::string fingerprint(const Finding& f);
// Paths a CI system can open (not yet located()). A document: the path it was read
// from (a manifest's documents: relative to the manifest's folder, so as the command
// line reached them).
std::string document_path(const Document& d);
// The journal post: its manifest, or with loose files the first document; none when
// there is no file at all.
std::optional<std::string> post_path(const Report& r);
// A finding: its document's path, or the journal post's.
std::optional<std::string> finding_file(const Report& r, const Finding& f);

// One output format (ruff style): the report, and the list of checks.
class Renderer {
public:
    Renderer() = default;
    Renderer(const Renderer&) = delete;
    Renderer& operator=(const Renderer&) = delete;
    Renderer(Renderer&&) = delete;
    Renderer& operator=(Renderer&&) = delete;
    virtual ~Renderer() = default;
    [[nodiscard]] virtual std::string report(const Report& r, const RenderOptions& o) const = 0;
    // `preflight checks`: the text list unless the format has its own.
    [[nodiscard]] virtual std::string checks(const CheckSet& check_set, const RenderOptions& o) const;
};

// One per format, each in its own file (report/<format>.cpp).
const Renderer& text_renderer();
const Renderer& json_renderer();
const Renderer& junit_renderer();
const Renderer& sarif_renderer();
const Renderer& github_renderer();
const Renderer& gitlab_renderer();

}  // namespace preflight::report
