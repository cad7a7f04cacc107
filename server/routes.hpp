// The gate's routes in one table (docs/design.md, "The gate's routes"): for each
// Route of request_target.hpp, the methods it serves, its name in /metrics and the
// access log, and what answers it. The connection (gate.cpp) does the transport only:
// it reads a request, reads its target, routes it (route_of), asks the table which
// entry answers it, and writes that entry's answer.
//
// A plain route is a function from a request to a response, called without a socket
// (server/routes_test.cpp): its body, if it reads one, comes from a BodySource. The
// proxy's checked routes (create, upload, send, multipart: proxy.cpp) are functions
// of the request too: they read its body from the BodySource, talk to the upstream
// themselves, and write their answer through a ClientSide, which the connection
// implements over its socket and a test over strings (server/proxy_routes_test.cpp).
// Only the pass-through, which relays both bodies piece by piece as they come, is
// the connection's own. The refusals made from the request's head alone, before it
// is routed, are refusal_before_routing's (tested without a socket as well).
#pragma once

#include "server/internal.hpp"
#include "server/request_target.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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
    // For the proxy's routes: the head as read (its fields go to the upstream), the
    // length it says (none when chunked), and what the upstream is sent as the
    // target (base path + target).
    const http::request_header<>* head = nullptr;
    std::optional<std::uint64_t> content_length;
    std::string forward_target;
};

// A handler's answer: written by the connection (a HEAD gets its head only).
struct Response {
    int status = 200;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    // What the answer holds until it is written (a large body's share of the memory budget).
    std::shared_ptr<const void> holds;
    bool keep_alive = true;  // the connection may stay open after it
    std::string verdict;     // for the access log: pass, block, refused, ...
    // The request was answered already (by its BodySource), or its client is gone:
    // nothing is written, the connection ends.
    bool answered = false;
};

// Where a proxy route writes its answer: the connection's socket, or a test's strings.
class ClientSide {
public:
    ClientSide() = default;
    virtual ~ClientSide() = default;
    ClientSide(const ClientSide&) = delete;
    ClientSide& operator=(const ClientSide&) = delete;
    ClientSide(ClientSide&&) = delete;
    ClientSide& operator=(ClientSide&&) = delete;
    // Where the route's own I/O (with the upstream) runs: the connection's io_context,
    // so that cancelling the connection reaches it.
    virtual asio::io_context& io() = 0;
    // Writes a complete answer (a HEAD gets its head only); false when the connection
    // ends (the client is gone, or it may not be kept).
    virtual bool respond(const Response& response) = 0;
    // Writes the upstream's answer, read whole, to the client; false when the connection ends.
    virtual bool relay(http::response<http::string_body>& answer) = 0;
    // The access log's verdict for the request (pass, block, refused, ...).
    virtual void verdict(std::string_view verdict) = 0;
};

using Handler = Response (*)(Gate::Impl& gate, Request& request);
// A checked proxy route (proxy.cpp): checks the request, sends it to the upstream and
// writes the answer to `client`; returns whether the connection may be kept.
using ProxyHandler = bool (*)(Gate::Impl& gate, Request& request, ClientSide& client);
// The pass-through: streams the request to the upstream and its answer back as they
// come, on the connection's socket; returns whether the connection may be kept.
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
    ProxyHandler proxy = nullptr;    // a checked proxy route (needs an upstream)
    StreamHandler stream = nullptr;  // the pass-through (needs an upstream)
    // A checked proxy route: the upstream is sent its canonical path, never the target as sent.
    bool checked = false;

    [[nodiscard]] bool serves(std::string_view method) const;
    [[nodiscard]] bool needs_upstream() const { return proxy != nullptr || stream != nullptr; }
};

// The checked proxy routes (proxy.cpp), named in the table.
bool proxy_create(Gate::Impl& gate, Request& request, ClientSide& client);
bool proxy_upload(Gate::Impl& gate, Request& request, ClientSide& client);  // routing.message_id: the {id}
bool proxy_send(Gate::Impl& gate, Request& request, ClientSide& client);
bool proxy_multipart(Gate::Impl& gate, Request& request, ClientSide& client);

// Every route, one entry per Route enumerator.
std::span<const RouteEntry> route_table();
// The entry that answers a request routed to `routing` with `method`: its route's
// entry, the pass-through's for a method that route leaves to the next, and the
// not-found entry ("other", 404) for a proxy route when the gate has no upstream.
const RouteEntry& entry_for(const Routing& routing, std::string_view method, bool upstream);

// What the upstream is sent as the target of a request (`sent`, as the client sent
// it) that `entry` answers: the upstream's base path, then a checked route's canonical
// path, any other request's path as sent when it was canonical already (else the
// canonical one), and the query as sent.
std::string forward_target(const UpstreamUrl& upstream, const RouteEntry& entry, const CanonicalTarget& target,
                           std::string_view sent);

// A plain route's answer: 405 for a method the entry refuses, else its handler's.
// (The connection calls this for every entry with a handler; tests call it directly.)
Response answer(Gate::Impl& gate, const RouteEntry& entry, Request& request);

// What the head of a request says about it before it is routed.
struct RequestHead {
    std::string method;  // as sent
    std::string target;  // as sent
    unsigned version = 11;
    std::vector<std::string> transfer_encodings;  // every Transfer-Encoding field, as sent
    std::size_t content_length_fields = 0;        // how many Content-Length fields
    std::optional<std::uint64_t> content_length;  // the length it says
};

// A request refused from its head alone: the answer (400, in the integrasjonspunkt's
// shape, the connection closed, its body unread), and what the refusal counts.
struct Refusal {
    Response response;
    std::string_view reason;  // in /metrics (rejected)
    // The request is an upload (PUT /api/messages/out/{id}) to this message, and the
    // gate has an upstream: the refusal is counted against the message, if tracked
    // (its send is then refused). Empty: none.
    std::string upload_to;
};

// The refusals made before routing, in order: an ambiguous framing (repeated or
// invalid Transfer-Encoding, Transfer-Encoding with Content-Length, a GET or HEAD with
// a body), a method the gate does not serve, a target that cannot be placed.
std::optional<Refusal> refusal_before_routing(const Gate::Impl& gate, const RequestHead& head);
// Counts a refusal: in /metrics, and against its upload's message if tracked.
void count_refusal(Gate::Impl& gate, std::string_view reason, const std::string& upload_to);
// The message id a refused PUT to /api/messages/out/{id} is counted against (with an
// upstream), or "".
std::string upload_target(const Gate::Impl& gate, std::string_view method, std::string_view target);

// The error body of the integrasjonspunkt's shape (error_body) with the description,
// as JSON text; `path` as shown (decoded, masked).
std::string error_text(int status, std::string_view exception, const std::string& message, const std::string& path,
                       const nlohmann::json* findings = nullptr, const std::string& description = "");

}  // namespace preflight::server
