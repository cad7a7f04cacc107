// The gate's settings: [serve] of the configuration (docs/gate.md), overridden by
// the command line's values (`preflight serve --listen ...`).
#pragma once

#include "validator/check.hpp"
#include "validator/config.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace preflight::server {

// [serve]: the gate's settings (docs/gate.md); command-line flags override these.
Section serve_section();

struct GateSettings {
    std::string listen = "127.0.0.1:8480";  // as configured, for messages (host and port below)
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

// What the command line gives for `preflight serve`, over [serve] (unset: [serve]'s).
struct ServeOverrides {
    std::optional<std::string> listen;  // --listen ADDR:PORT
    std::optional<std::string> upstream;
    std::optional<unsigned> workers;
};

// [serve] of `config` with the command line's values over it, the language of the
// gate's messages, and, when [serve] names no state-dir, the one systemd made for the
// unit ($STATE_DIRECTORY). Throws UsageError for a listen address it cannot read.
GateSettings settings_from(const Config& config, const ServeOverrides& overrides, Lang lang);

}  // namespace preflight::server
