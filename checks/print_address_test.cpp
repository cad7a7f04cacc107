#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

namespace {

Recipient printed(Address a) {
    auto r = person("Kari Nordmann", "29129319060", Channel::print);
    r.route = Route::dpi_print;
    r.address = std::move(a);
    return r;
}

std::vector<std::string> ids(const std::vector<Finding>& f) {
    std::vector<std::string> out;
    for (const auto& x : f) {
        out.push_back(x.message_id);
    }
    return out;
}

}  // namespace

TEST(PrintAddress, ACompleteNorwegianAddressPasses) {
    const auto post = post_to({printed({{"Gateveien 1"}, "5020", "BERGEN", "NO"})});
    EXPECT_TRUE(run_check("print-address", post, channel(Channel::print)).empty());
}

TEST(PrintAddress, EachMissingPartIsNamed) {
    const auto post = post_to({printed({{}, "502", "", "NO"})});
    EXPECT_EQ(ids(run_check("print-address", post, channel(Channel::print))),
              (std::vector<std::string>{"DP505.no-line", "DP505.postcode", "DP505.no-city"}));
    auto no_address = person("", "29129319060", Channel::print);
    no_address.route = Route::dpi_print;
    EXPECT_EQ(ids(run_check("print-address", post_to({no_address}), channel(Channel::print))),
              (std::vector<std::string>{"DP505.no-name", "DP505.no-address"}));
}

TEST(PrintAddress, LongFirstLineAgainstTheOption) {
    const auto post = post_to({printed({{std::string(101, 'a')}, "5020", "BERGEN", "NO"})});
    const auto f = run_check("print-address", post, channel(Channel::print));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP505.line-too-long");
    EXPECT_TRUE(run_check("print-address", post, channel(Channel::print), {{"max-line-chars", "120"}}).empty());
}

TEST(PrintAddress, ForeignAddressesNeedNoFourDigitPostcode) {
    const auto post = post_to({printed({{"Storgatan 1"}, "111 22", "STOCKHOLM", "SE"})});
    EXPECT_TRUE(run_check("print-address", post, channel(Channel::print)).empty());
}

TEST(PrintAddress, DigitalRoutesNeedNoAddressAndUnknownGeneralRoutesArePrintBound) {
    auto digital = person("Kari", "29129319060");
    digital.route = Route::dpi_digital;
    EXPECT_TRUE(run_check("print-address", post_to({digital}), targets({Channel::general}, false)).empty());
    auto unknown = person("Kari", "29129319060");
    const auto f = run_check("print-address", post_to({unknown}), targets({Channel::general}, true));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP505.no-address");
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_TRUE(run_check("print-address", post_to({unknown}), targets({Channel::general}, false)).empty());
}

TEST(PrintAddress, NorwayMayBeWrittenInSeveralWays) {
    for (const char* country : {"NO", "no", "Norge", "NORWAY", ""}) {
        const auto f = run_check("print-address", post_to({printed({{"Gateveien 1"}, "50", "BERGEN", country})}),
                                 channel(Channel::print));
        ASSERT_EQ(f.size(), 1U) << country;
        EXPECT_EQ(f[0].message_id, "DP505.postcode");
    }
}
