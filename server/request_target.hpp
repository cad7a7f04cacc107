// The request target as the integrasjonspunkt's server reads it, and the route the
// gate gives it (contract: "The gate"; docs/gate.md, "Which spellings are checked").
//
// The integrasjonspunkt is a Spring Boot application in Tomcat. Before Spring picks a
// handler, Tomcat takes the path out of an absolute-form target, cuts `;` path
// parameters out of every segment, percent-decodes, merges repeated slashes and
// resolves `.` and `..` segments; Spring then matches the segments (a trailing slash
// too, where `difi.move.feature.allowDeprecatedTrailingSlash` is set). The gate does
// the same first, routes on the result, and forwards that canonical path, so that the
// upstream is asked for exactly what the gate judged. Whatever the gate cannot place
// with certainty is refused, never guessed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace preflight::server {

struct CanonicalTarget {
    std::vector<std::string> segments;  // decoded, without empty, "." and ".." segments or `;` parameters
    bool trailing_slash = false;        // the path ended in "/" (or in "/." or "/..")
    std::string query;                  // after '?', as sent (empty when none)
    bool has_query = false;
    bool canonical = false;  // the target was already in canonical form: forwarded as sent

    // "/a/b" with every segment decoded (for routing, messages and logs; never sent).
    [[nodiscard]] std::string decoded_path() const;
    // The path percent-encoded again: what the upstream is sent when it is not `canonical`.
    // `keep_trailing_slash` keeps a trailing "/" the client sent.
    [[nodiscard]] std::string encoded_path(bool keep_trailing_slash) const;
};

// Why a target cannot be placed; `message_id` is a catalogue id with {detail}.
struct TargetProblem {
    std::string reason;  // a short English token for logs and tests: "encoded-slash", ...
};

struct TargetReading {
    std::optional<CanonicalTarget> target;
    TargetProblem problem;  // when `target` is empty
};

// Reads an HTTP request target (origin-form or absolute-form http/https).
TargetReading read_target(std::string_view raw);

// Percent-encodes one decoded path segment: unreserved characters and the sub-delims
// other than ';', ':' and '@' stay, everything else becomes %XX (upper case).
std::string encode_segment(std::string_view decoded);

// The routes of the integrasjonspunkt's NextMoveMessageOutController (and the gate's own).
enum class Route {
    page,              // GET / (the gate's web page)
    healthz,           // /healthz
    metrics,           // /metrics
    check_api,         // /v1/check
    explain_api,       // /v1/explain
    fix_api,           // /v1/fix
    create,            // POST /api/messages/out
    upload,            // PUT  /api/messages/out/{id}
    send,              // POST /api/messages/out/{id}
    multipart,         // POST /api/messages/out/multipart
    message_other,     // another method on /api/messages/out[/{id}]: passed through
    unknown_sub_path,  // /api/messages/out/{id}/... : no handler, refused
    passthrough,       // anything else
};

struct Routing {
    Route route = Route::passthrough;
    std::string message_id;  // upload and send: the decoded {id}
};

// `method` is upper case as sent. `proxy`: the gate has an upstream.
Routing route_of(std::string_view method, const CanonicalTarget& target, bool proxy);

// A query string as Tomcat reads parameters ('+' is a space, %XX in UTF-8): every
// value of each name, in order; nullopt with `problem` set for a malformed escape or
// invalid UTF-8, which the gate refuses rather than guess how it is read.
std::optional<std::vector<std::pair<std::string, std::string>>> read_query(std::string_view query,
                                                                           std::string& problem);

// The methods the integrasjonspunkt serves (and Spring Security's firewall lets through);
// any other is refused on every route.
bool served_method(std::string_view method);

}  // namespace preflight::server
