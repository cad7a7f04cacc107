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

TEST(PrintAddress, DigitalRoutesNeedNoAddressAndAPersonsUnknownRouteIsPrintBound) {
    auto digital = person("Kari", "29129319060");
    digital.route = Route::dpi_digital;
    EXPECT_TRUE(run_check("print-address", post_to({digital}), targets({Channel::general}, false)).empty());
    auto unknown = person("Kari", "29129319060");
    const auto f = run_check("print-address", post_to({unknown}), targets({Channel::general}, true));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP505.no-address");
    EXPECT_EQ(f[0].severity, Severity::block);
}

TEST(PrintAddress, AnOrganisationIsNeverPrintBound) {
    // The case: an arkivmelding to an organisation whose route is unknown
    // (no capabilities) was stopped for want of a name and an address.
    auto org = person("", "0192:987464291");
    org.route = Route::unknown;
    EXPECT_TRUE(run_check("print-address", post_to({org}), targets({Channel::general}, true)).empty());
    // Method print to an organisation: one finding that says why paper cannot work.
    auto printed_org = person("", "987464291", Channel::print);
    printed_org.route = Route::dpi_print;
    EXPECT_EQ(ids(run_check("print-address", post_to({printed_org}), channel(Channel::print))),
              (std::vector<std::string>{"DP505.organisation"}));
}

TEST(PrintAddress, NorwayMayBeWrittenInSeveralWays) {
    for (const char* country : {"NO", "no", "Norge", "NORWAY"}) {
        const auto f = run_check("print-address", post_to({printed({{"Gateveien 1"}, "50", "BERGEN", country})}),
                                 channel(Channel::print));
        ASSERT_EQ(f.size(), 1U) << country;
        EXPECT_EQ(f[0].message_id, "DP505.postcode");
    }
}

TEST(PrintAddress, NoCountryIsNorwayAndAbroadTheFirstLineIsEnough) {
    // NextMoveValidator.isNorwegian: no country is Norway (postcode and city needed);
    // abroad only the first address line is required.
    EXPECT_EQ(
        ids(run_check("print-address", post_to({printed({{"Gateveien 1"}, "", "", ""})}), channel(Channel::print))),
        (std::vector<std::string>{"DP505.postcode", "DP505.no-city"}));
    EXPECT_TRUE(run_check("print-address", post_to({printed({{"Storgatan 1"}, "", "", "SE"})}), channel(Channel::print))
                    .empty());
}

TEST(PrintAddress, WhatTheIntegrasjonspunktFillsInIsNotMissing) {
    // A print message naming its receiver: the integrasjonspunkt completes name,
    // address and return address from the registry's print record.
    auto named = person("", "29129319060", Channel::print);
    named.route = Route::dpi_print;
    named.address_completed_upstream = true;
    EXPECT_TRUE(run_check("print-address", post_to({named}), channel(Channel::print)).empty());
    named.address = Address{{""}, "", "", ""};
    EXPECT_TRUE(run_check("print-address", post_to({named}), channel(Channel::print)).empty());
    // What is given is still judged: a Norwegian postcode that is not four digits stays wrong.
    named.address = Address{{"Gateveien 1"}, "50", "", ""};
    EXPECT_EQ(ids(run_check("print-address", post_to({named}), channel(Channel::print))),
              (std::vector<std::string>{"DP505.postcode"}));
}

TEST(PrintAddress, APrintMessageNeedsItsReturnAddress) {
    auto post = post_to({printed({{"Gateveien 1"}, "5020", "BERGEN", "NO"})});
    post.return_required = true;
    EXPECT_EQ(ids(run_check("print-address", post, channel(Channel::print))),
              (std::vector<std::string>{"DP505.no-return"}));
    post.return_address = Address{{"Postboks 1"}, "", "", ""};  // Norway (no country) needs postcode and city
    EXPECT_EQ(ids(run_check("print-address", post, channel(Channel::print))),
              (std::vector<std::string>{"DP505.return-incomplete"}));
    post.return_address = Address{{"Postboks 1"}, "", "", "Sverige"};  // abroad: the first line is enough
    EXPECT_TRUE(run_check("print-address", post, channel(Channel::print)).empty());
    post.return_address = Address{{"Postboks 1"}, "5020", "BERGEN", ""};
    EXPECT_TRUE(run_check("print-address", post, channel(Channel::print)).empty());
}
