#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

namespace {

Recipient emailed(std::optional<std::string> email) {
    auto r = person("Kari", "29129319060", Channel::email);
    r.route = Route::email;
    r.email = std::move(email);
    return r;
}

}  // namespace

TEST(EmailAddress, PlausibleAddressesPass) {
    for (const char* e : {"kari@example.no", "kari.nordmann+post@uib.no", " per@sub.domain.com "}) {
        EXPECT_TRUE(run_check("email-address", post_to({emailed(e)}), targets({Channel::email})).empty()) << e;
    }
}

TEST(EmailAddress, MissingOrBrokenAddressesBlock) {
    EXPECT_EQ(run_check("email-address", post_to({emailed(std::nullopt)}), targets({Channel::email})).at(0).message_id,
              "DP603.missing");
    for (const char* e : {"kari", "kari@", "@example.no", "kari@example", "kari@@example.no",
                          "kari nordmann@example.no", "kari@example..no", "<kari@example.no>", "a@b.no,c@d.no"}) {
        const auto f = run_check("email-address", post_to({emailed(e)}), targets({Channel::email}));
        ASSERT_EQ(f.size(), 1U) << e;
        EXPECT_EQ(f[0].message_id, "DP603.invalid") << e;
        EXPECT_EQ(f[0].severity, Severity::block);
    }
}

TEST(EmailAddress, OtherMethodsNeedNoAddress) {
    auto digital = person("Kari", "29129319060");
    digital.route = Route::dpi_digital;
    EXPECT_TRUE(run_check("email-address", post_to({digital}), targets({Channel::general, Channel::email})).empty());
}
