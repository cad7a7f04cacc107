// The gate's settings: [serve] and the command line's values over it.
#include "server/settings.hpp"

#include "base/error.hpp"

#include <cstdlib>
#include <cstring>

namespace preflight::server {

Section serve_section() {
    return {"serve",
            {{"listen", OptionSpec::Kind::text, "127.0.0.1:8480"},
             {"upstream", OptionSpec::Kind::url, ""},
             {"workers", OptionSpec::Kind::integer, "0", 0, 256},
             {"max-connections", OptionSpec::Kind::integer, "256", 1, 100000},
             {"max-uploads", OptionSpec::Kind::integer, "32", 1, 10000},
             {"max-body-mb", OptionSpec::Kind::integer, "1024", 1, 16384},
             {"max-header-kb", OptionSpec::Kind::integer, "64", 1, 1024},
             {"idle-timeout-seconds", OptionSpec::Kind::integer, "30", 1, 3600},
             {"read-timeout-seconds", OptionSpec::Kind::integer, "60", 1, 3600},
             {"header-timeout-seconds", OptionSpec::Kind::integer, "10", 1, 3600},
             {"request-timeout-seconds", OptionSpec::Kind::integer, "600", 1, 86400},
             {"min-transfer-kib-per-second", OptionSpec::Kind::integer, "64", 0, 1048576},
             {"min-transfer-grace-seconds", OptionSpec::Kind::integer, "10", 0, 3600},
             {"memory-budget-mb", OptionSpec::Kind::integer, "128", 16, 65536},
             {"upstream-connect-timeout-ms", OptionSpec::Kind::integer, "5000", 1, 600000},
             {"upstream-timeout-seconds", OptionSpec::Kind::integer, "120", 1, 3600},
             {"state-ttl-seconds", OptionSpec::Kind::integer, "86400", 1, 2592000},
             {"max-messages", OptionSpec::Kind::integer, "10000", 1, 10000000},
             {"state-dir", OptionSpec::Kind::text, ""},
             {"state-max-mb", OptionSpec::Kind::integer, "256", 1, 1048576},
             {"unknown-outcome-settle-seconds", OptionSpec::Kind::integer, "600", 0, 86400},
             {"shutdown-grace-seconds", OptionSpec::Kind::integer, "60", 1, 3600},
             {"temp-dir", OptionSpec::Kind::text, ""},
             {"access-log", OptionSpec::Kind::boolean, "true"}}};
}

GateSettings settings_from(const Config& config, const ServeOverrides& overrides, Lang lang) {
    const auto& ini = config.section("serve");
    GateSettings gs;
    const std::string listen = overrides.listen ? *overrides.listen : ini.text("listen");
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size() ||
        listen.find_first_not_of("0123456789", colon + 1) != std::string::npos || listen.size() - colon - 1 > 5 ||
        std::stoul(listen.substr(colon + 1)) > 65535) {
        throw UsageError("error.gate.listen", {{"value", listen}});
    }
    gs.listen = listen;
    gs.host = listen.substr(0, colon);
    if (gs.host.size() > 2 && gs.host.front() == '[' && gs.host.back() == ']') {
        gs.host = gs.host.substr(1, gs.host.size() - 2);
    }
    gs.port = static_cast<unsigned short>(std::stoul(listen.substr(colon + 1)));
    gs.upstream = overrides.upstream ? *overrides.upstream : ini.text("upstream");
    gs.workers = overrides.workers ? *overrides.workers : static_cast<unsigned>(ini.integer("workers"));
    gs.max_connections = static_cast<std::size_t>(ini.integer("max-connections"));
    gs.max_uploads = static_cast<std::size_t>(ini.integer("max-uploads"));
    gs.max_body_bytes = static_cast<std::uint64_t>(ini.integer("max-body-mb")) * 1024 * 1024;
    gs.max_header_bytes = static_cast<std::uint32_t>(ini.integer("max-header-kb")) * 1024;
    gs.idle_timeout = std::chrono::seconds(ini.integer("idle-timeout-seconds"));
    gs.read_timeout = std::chrono::seconds(ini.integer("read-timeout-seconds"));
    gs.header_timeout = std::chrono::seconds(ini.integer("header-timeout-seconds"));
    gs.request_timeout = std::chrono::seconds(ini.integer("request-timeout-seconds"));
    gs.min_rate = static_cast<std::uint64_t>(ini.integer("min-transfer-kib-per-second")) * 1024;
    gs.min_rate_grace = std::chrono::seconds(ini.integer("min-transfer-grace-seconds"));
    gs.memory_budget_bytes = static_cast<std::uint64_t>(ini.integer("memory-budget-mb")) * 1024 * 1024;
    gs.upstream_connect_timeout = std::chrono::milliseconds(ini.integer("upstream-connect-timeout-ms"));
    gs.upstream_timeout = std::chrono::seconds(ini.integer("upstream-timeout-seconds"));
    gs.state_ttl = std::chrono::seconds(ini.integer("state-ttl-seconds"));
    gs.max_messages = static_cast<std::size_t>(ini.integer("max-messages"));
    // The message state's directory: [serve] state-dir, else the one systemd made for
    // the unit (StateDirectory=preflight), else none (state in memory only).
    gs.state_dir = config.path(ini.text("state-dir"));
    if (gs.state_dir.empty()) {
        if (const char* dir = std::getenv("STATE_DIRECTORY"); dir != nullptr && *dir != '\0') {
            const std::string first(dir, std::strcspn(dir, ":"));
            gs.state_dir = first;
        }
    }
    gs.state_max_bytes = static_cast<std::uint64_t>(ini.integer("state-max-mb")) * 1024 * 1024;
    gs.unknown_outcome_settle = std::chrono::seconds(ini.integer("unknown-outcome-settle-seconds"));
    gs.shutdown_grace = std::chrono::seconds(ini.integer("shutdown-grace-seconds"));
    gs.temp_parent = config.path(ini.text("temp-dir"));
    gs.access_log = ini.boolean("access-log");
    gs.lang = lang;
    return gs;
}

}  // namespace preflight::server
