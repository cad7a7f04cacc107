// The gate's settings: [serve] with the command line's values over it (settings_from).
#include "server/settings.hpp"

#include "app/sections.hpp"
#include "base/error.hpp"
#include "checks/check_set.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace preflight::server {
namespace {

TEST(GateSettingsFrom, ServeSectionWithTheCommandLineOverIt) {
    ::unsetenv("STATE_DIRECTORY");
    const Config config(app::config_sections(builtin_checks()));
    const GateSettings defaults = settings_from(config, {}, Lang::nb);
    EXPECT_EQ(defaults.listen, "127.0.0.1:8480");
    EXPECT_EQ(defaults.host, "127.0.0.1");
    EXPECT_EQ(defaults.port, 8480);
    EXPECT_EQ(defaults.upstream, "");
    EXPECT_EQ(defaults.max_body_bytes, 1024ULL * 1024 * 1024);
    EXPECT_EQ(defaults.min_rate, 64U * 1024);
    EXPECT_EQ(defaults.request_timeout, std::chrono::seconds(600));
    EXPECT_TRUE(defaults.state_dir.empty());
    EXPECT_TRUE(defaults.access_log);

    ServeOverrides overrides;
    overrides.listen = "[::1]:9093";
    overrides.upstream = "http://127.0.0.1:9094";
    overrides.workers = 3;
    const GateSettings given = settings_from(config, overrides, Lang::en);
    EXPECT_EQ(given.listen, "[::1]:9093");
    EXPECT_EQ(given.host, "::1");
    EXPECT_EQ(given.port, 9093);
    EXPECT_EQ(given.upstream, "http://127.0.0.1:9094");
    EXPECT_EQ(given.workers, 3U);
    EXPECT_EQ(given.lang, Lang::en);

    // No [serve] state-dir: the one systemd made for the unit, its first entry.
    ::setenv("STATE_DIRECTORY", "/var/lib/preflight:/var/lib/other", 1);
    EXPECT_EQ(settings_from(config, {}, Lang::nb).state_dir, "/var/lib/preflight");
    ::unsetenv("STATE_DIRECTORY");
}

TEST(GateSettingsFrom, AListenAddressItCannotReadIsAUsageError) {
    const Config config(app::config_sections(builtin_checks()));
    for (const char* bad : {"8480", ":8480", "host:", "host:port", "host:65536", "host:123456"}) {
        ServeOverrides overrides;
        overrides.listen = bad;
        try {
            (void)settings_from(config, overrides, Lang::nb);
            ADD_FAILURE() << bad;
        } catch (const UsageError& e) {
            EXPECT_EQ(e.message_id(), "error.gate.listen") << bad;
        }
    }
}

}  // namespace
}  // namespace preflight::server
