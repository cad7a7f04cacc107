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

#include "server/settings.hpp"

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
    // The web page's address as a person opens it: http://HOST:PORT/ with the bound
    // port; a wildcard address (0.0.0.0, ::) is this machine's name, an IPv6 address
    // in brackets.
    [[nodiscard]] std::string page_url() const;
    [[nodiscard]] Lang language() const;  // the gate's --lang

    class Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// Blocks SIGTERM and SIGINT, starts the gate, waits for one of them, then stops
// it cleanly. Returns the process's exit code.
int serve_until_signal(Gate& gate);

}  // namespace preflight::server
