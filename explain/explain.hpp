// `preflight explain`: what a message from the archive system's log means, whether a
// check could have stopped it before sending, and what to do (docs/explain.md).
// Explanations are data; the renderers at the end turn them into text or JSON.
#pragma once

#include "report/render.hpp"
#include "validator/engine.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace preflight::explain {

// What the records manager does about it: nothing (fine), wait and look again
// (wait), act now (act); unknown: not recognised, ask support.
enum class Kind : std::uint8_t { fine, wait, act, unknown };
[[nodiscard]] std::string_view to_string(Kind k);
// Order of output: act 0, unknown 1, wait 2, fine 3.
[[nodiscard]] int urgency(Kind k);

// Could preflight have stopped it before sending?
enum class Preventable : std::uint8_t { yes, partly, no };
[[nodiscard]] std::string_view to_string(Preventable p);

// One known cause: its texts are the catalogue's explain.<id>.{title,what,manager,handler}.
struct Cause {
    std::string_view id;
    Kind kind;
    Preventable preventable;
    std::vector<std::string_view> codes;  // the checks that catch it, most likely first
};
[[nodiscard]] std::span<const Cause> causes();
[[nodiscard]] const Cause& cause(std::string_view id);  // throws std::out_of_range

// One message of the input: its first line (1-based) and its text, lines joined
// while a JSON object in it is still open.
struct Entry {
    std::size_t line = 0;
    std::string text;
};
// Splits a log into messages: one per line, except that a JSON object spread over
// lines (`Content: {` ... `}`) stays with its line (at most 200 lines, each indented
// or starting with a quote or bracket: a cut-off object does not swallow the log
// entries after it). Accepts
// UTF-8 with or without BOM, UTF-16 with BOM, CRLF; invalid UTF-8 becomes U+FFFD.
// A message longer than 64 KiB is read that far.
[[nodiscard]] std::vector<Entry> split_log(std::string_view input);
// Holds NUL bytes after decoding: not a log (an image, a PDF, a zip).
[[nodiscard]] bool looks_binary(std::string_view input);

// A finding of the journal post (--manifest) that matches a cause's codes.
struct Applies {
    std::string code;
    std::string check;
    Severity severity = Severity::block;
    std::string document;  // empty: the journal post itself
    std::string message;   // in the language asked for
};

struct Explanation {
    std::size_t line = 0;                            // where the message starts in the input (1-based)
    std::string text;                                // the message as read
    std::optional<std::chrono::sys_seconds> logged;  // its leading timestamp, if it has one
    std::string cause;                               // a Cause id, or "unknown"
    Kind kind = Kind::unknown;
    // Facts read out of the message: recipient, method, status, exception, message,
    // description, process, document-type, limit, date. Shown as they are (masked).
    std::vector<std::pair<std::string, std::string>> details;
    std::vector<std::string> codes;  // checks: the cause's, or those a preflight block names
    std::vector<std::string> notes;  // catalogue ids of extra remarks (explain.note.*)
    MessageArgs args;                // placeholders of the cause's texts (restore)
    std::vector<Applies> applies;    // with --manifest: the findings among `codes`
};

struct Result {
    std::size_t entries = 0;  // messages read
    std::size_t ignored = 0;  // messages that are no failure (ordinary log lines)
    std::vector<Explanation> items;
    bool manifest_checked = false;
    std::string manifest;  // the manifest's path, when checked
    [[nodiscard]] std::size_t count(Kind k) const;
    // Exit code 1 for the CLI: something needs doing now, or was not recognised.
    [[nodiscard]] bool needs_action() const;
};

// Explains every message of a log (or of one message). An unrecognised message is
// "unknown" when it reads like a failure, or when it is the only one; otherwise it
// is an ordinary log line and only counted.
[[nodiscard]] Result explain_log(std::string_view input);

// Adds, to every explanation with check codes, the findings of `report` among them.
void apply_report(Result& result, const Report& report, const std::string& manifest, Lang lang);

// ---- statuses (/api/statuses or /api/conversations export of the integrasjonspunkt)

struct MessageVerdict {
    std::string message_id;
    std::string conversation_id;
    std::string status;                               // the latest status
    std::string last_update;                          // as written
    std::string description;                          // the latest status's description
    std::string service;                              // DPO, DPI, ... (conversations export only)
    std::string title;                                // (conversations export only)
    std::string receiver;                             // (conversations export only)
    std::string history;                              // every status, oldest first: "OPPRETTET, SENDT, LEVERT"
    std::optional<std::chrono::sys_seconds> updated;  // of the latest status
    Kind kind = Kind::unknown;
    std::string reason;  // catalogue id of the reason: explain.status.*
    MessageArgs args;    // its placeholders
};

struct StatusResult {
    std::size_t statuses = 0;
    std::vector<MessageVerdict> messages;  // act first, then wait, fine; by time within
    [[nodiscard]] std::size_t count(Kind k) const;
};

// Sorts the messages of an export into act / wait / fine. `file` names the input in
// errors: JSON that cannot be read, or holds no statuses, is a UsageError naming the
// file, line and column.
[[nodiscard]] StatusResult sort_statuses(std::string_view json_text, const std::string& file,
                                         std::chrono::system_clock::time_point now);

// ISO 8601 date-time as the integrasjonspunkt writes it (2024-07-09T10:15:30.123+02:00,
// Z, or no offset meaning UTC); nullopt when it is not one.
[[nodiscard]] std::optional<std::chrono::sys_seconds> parse_time(std::string_view s);

// ---- renderers
[[nodiscard]] std::string render_text(const Result& result, const RenderOptions& options);
[[nodiscard]] std::string render_json(const Result& result, const RenderOptions& options);
[[nodiscard]] std::string render_text(const StatusResult& result, const RenderOptions& options);
[[nodiscard]] std::string render_json(const StatusResult& result, const RenderOptions& options);

}  // namespace preflight::explain
