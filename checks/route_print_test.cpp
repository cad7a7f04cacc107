#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(RoutePrint, ReservedAndUnnotifiableRecipientsAreTold) {
    auto reserved = person("Kari", "29129319060");
    reserved.route = Route::dpi_print;
    reserved.route_reason = "reserved";
    auto quiet = person("Ola", "29129319060");
    quiet.route = Route::dpi_print;
    quiet.route_reason = "not-notifiable";
    auto asked = person("Per", "29129319060", Channel::print);
    asked.route = Route::dpi_print;
    asked.route_reason = "method";
    auto digital = person("Eva", "29129319060");
    digital.route = Route::dpi_digital;
    digital.route_reason = "mailbox";
    const auto f = run_check("route-print", post_to({reserved, quiet, asked, digital}), channel(Channel::general));
    ASSERT_EQ(f.size(), 2U);
    EXPECT_EQ(f[0].message_id, "DP504.reserved");
    EXPECT_EQ(f[0].severity, Severity::info);
    EXPECT_EQ(f[1].message_id, "DP504.not-notifiable");
    EXPECT_EQ(f[1].recipient, 1);
}
