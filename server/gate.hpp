// The gate (`preflight serve`): an HTTP check API and, with an upstream, a validating
// reverse proxy for the integrasjonspunkt (contract: "The gate"; docs/gate.md).
//
// Threads: one accepts connections; each connection is served by its own thread
// (blocking I/O on a private io_context, so every read and write has a deadline),
// up to `max_connections`. The checking itself (PDF analysis in sandboxed child
// processes, registry lookups, the checks) runs on a fixed pool of `workers`
// threads, by default one per core. Request bodies go to private temporary files,
// never whole into memory; at most `max_uploads` bodies are received for checking
// at once. SIGTERM: no new connections, requests in flight finish, idle
// keep-alive connections are closed.
#pragma once

#include "validator/check.hpp"
#include "validator/config.hpp"
#include "validator/engine.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace preflight::server {

class Metrics;

// [serve]: the gate's settings (docs/gate.md); command-line flags override these.
Section serve_section();

struct GateSettings {
    std::string host = "127.0.0.1";
    unsigned short port = 8480;  // 0: any free port (tests)
    std::string upstream;        // http://host:port[/base]; empty: no proxy routes
    unsigned workers = 0;        // 0: one per core
    std::size_t max_connections = 256;
    std::size_t max_uploads = 32;  // request bodies received for checking at once
    std::uint64_t max_body_bytes = 1024ULL * 1024 * 1024;
    std::uint32_t max_header_bytes = 64 * 1024;
    std::uint64_t max_json_bytes = 4ULL * 1024 * 1024;  // manifests and SBDs
    std::chrono::milliseconds idle_timeout{30'000};     // keep-alive, waiting for a request
    std::chrono::milliseconds read_timeout{60'000};     // each read or write of a request
    // Slow clients (docs/gate.md, "Slow clients"): the header must be whole this long
    // after its first byte; the whole request (header and body) within
    // request_timeout; and from min_rate_grace on, the body must have come at
    // min_rate bytes a second or faster on average. A request that misses one is
    // answered 408 and its connection closed.
    std::chrono::milliseconds header_timeout{10'000};
    std::chrono::milliseconds request_timeout{600'000};
    std::uint64_t min_rate = 64 * 1024;  // bytes a second; 0: no minimum
    std::chrono::milliseconds min_rate_grace{10'000};
    // What clients can make the gate hold in memory, all requests together
    // (server/budget.hpp); a quarter of it keeps message state in memory, the rest
    // is for requests. Over it: 503 with Retry-After.
    std::uint64_t memory_budget_bytes = 128ULL * 1024 * 1024;
    // Where the message state is kept (state.sqlite); empty: in memory only.
    std::filesystem::path state_dir;
    std::uint64_t state_max_bytes = 256ULL * 1024 * 1024;  // the stored state, all messages
    std::chrono::milliseconds upstream_connect_timeout{5'000};
    std::chrono::milliseconds upstream_timeout{120'000};  // each read or write with the upstream
    std::chrono::seconds state_ttl{24 * 3600};            // proxy state of a message not sent
    std::size_t max_messages = 10'000;
    // After a send whose answer never came whole: how long the upstream's statuses
    // may show the message only as created before the gate takes it as not sent.
    std::chrono::seconds unknown_outcome_settle{600};
    std::chrono::seconds shutdown_grace{60};
    std::filesystem::path temp_parent;  // empty: $TMPDIR or /tmp
    Lang lang = Lang::nb;               // of the proxy's error messages
    bool access_log = true;             // one line per request on stderr, identifiers masked
};

class Gate {
public:
    // `run` carries the run flags and the registry directory (may be null); the
    // registry, config and directory must outlive the gate.
    Gate(GateSettings settings, const CheckSet& check_set, const Config& config, RunSettings run);
    ~Gate();
    Gate(const Gate&) = delete;
    Gate& operator=(const Gate&) = delete;
    Gate(Gate&&) = delete;
    Gate& operator=(Gate&&) = delete;

    void start();  // binds and starts serving; throws std::system_error when it cannot bind
    [[nodiscard]] unsigned short port() const;
    void stop();  // no new connections; in-flight requests finish; returns at once
    void wait();  // until every connection has ended (or the grace period ran out)
    [[nodiscard]] Metrics& metrics();
    [[nodiscard]] std::string state_where() const;  // the state store's file, or "memory"

    class Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// Blocks SIGTERM and SIGINT, starts the gate, waits for one of them, then stops
// it cleanly. Returns the process's exit code.
int serve_until_signal(Gate& gate);

}  // namespace preflight::server
