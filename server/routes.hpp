// The gate's routes in one table (docs/design.md, "The gate's routes"): for each
// Route of request_target.hpp, the methods it serves, its name in /metrics and the
// access log, and what answers it. The connection (gate.cpp) does the transport only:
// it reads a request, reads its target, routes it (route_of), asks the table which
// entry answers it, and writes that entry's answer.
//
// A plain route is a function from a request to a response, called without a socket
// (server/routes_test.cpp): its body, if it reads one, comes from a BodySource. The
// proxy's routes stream bodies to and from the upstream while they check them: they
// are the connection's own (proxy.cpp), named in the table all the same.
#pragma once

#include "server/internal.hpp"
#include "server/request_target.hpp"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace preflight::server {

// Where a handler reads the request's body from: the connection, or a test's string.
class BodySource {
public:
    BodySource() = default;
    virtual ~BodySource() = default;
    BodySource(const BodySource&) = delete;
    BodySource& operator=(const BodySource&) = delete;
    BodySource(BodySource&&) = delete;
    BodySource& operator=(BodySource&&) = delete;
    // The whole body, in pieces, to `sink`; at most `max` bytes (0: no cap). False:
    // the request is over: answered by the source itself (413 over `max`, 408 for a
    // client too slow) or the client is gone; the handler then answers nothing.
    virtual bool read(const std::function<void(std::string_view)>& sink, std::uint64_t max) = 0;
    // One of the gate's upload slots for this request, released by the caller
    // (gate.uploads); false when none is free.
    virtual bool take_upload_slot() = 0;
};

// A request as a handler sees it.
struct Request {
    std::string method;         // upper case as sent
    std::string target;         // as sent (its query is read from it)
    CanonicalTarget canonical;  // as the upstream reads it
    Routing routing;
    std::string content_type;
    bool body_done = true;       // there is no body (left) to read
    BodySource* body = nullptr;  // nullptr: no body
    std::string remote = "-";    // the client's address
};

// A handler's answer: written by the connection (a HEAD gets its head only).
struct Response {
    int status = 200;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    bool keep_alive = true;  // the connection may stay open after it
    std::string verdict;     // for the access log: pass, block, refused, ...
    // The request was answered already (by its BodySource), or its client is gone:
    // nothing is written, the connection ends.
    bool answered = false;
};

using Handler = Response (*)(Gate::Impl& gate, Request& request);
// A proxy route: streams the request to the upstream and its answer back; returns
// whether the connection may be kept.
using StreamHandler = bool (Connection::*)(Connection::Parser& p, const Routing& routing);

// What a method the route does not serve gets.
enum class OtherMethods : std::uint8_t {
    next,     // routed on as any other path (passed through, or 404 without an upstream)
    refused,  // 405 Method Not Allowed, with Allow
};

struct RouteEntry {
    Route route;
    std::string_view name;     // in /metrics and the access log
    std::string_view methods;  // the methods served, as Allow says them ("GET, HEAD"); empty: any
    OtherMethods other_methods = OtherMethods::next;
    Handler handler = nullptr;       // request -> response; nullptr for a proxy route
    StreamHandler stream = nullptr;  // a proxy route (needs an upstream)
    // A checked proxy route: the upstream is sent its canonical path, never the target as sent.
    bool checked = false;

    [[nodiscard]] bool serves(std::string_view method) const;
};

// Every route, one entry per Route enumerator.
std::span<const RouteEntry> route_table();
// The entry that answers a request routed to `routing` with `method`: its route's
// entry, the pass-through's for a method that route leaves to the next, and the
// not-found entry ("other", 404) for a proxy route when the gate has no upstream.
const RouteEntry& entry_for(const Routing& routing, std::string_view method, bool upstream);

// A plain route's answer: 405 for a method the entry refuses, else its handler's.
// (The connection calls this for every entry with a handler; tests call it directly.)
Response answer(Gate::Impl& gate, const RouteEntry& entry, Request& request);

// The error body of the integrasjonspunkt's shape (error_body) with the description,
// as JSON text; `path` as shown (decoded, masked).
std::string error_text(int status, std::string_view exception, const std::string& message, const std::string& path,
                       const nlohmann::json* findings = nullptr, const std::string& description = "");

}  // namespace preflight::server
