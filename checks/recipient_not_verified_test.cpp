#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(RecipientNotVerified, VerifiedRecipientsPass) {
    const auto post = post_to({person("Kari", "29129319060"), person("Digdir", "987464291", Channel::dpo)});
    EXPECT_TRUE(run_check("recipient-not-verified", post, channel(Channel::general)).empty());
}

TEST(RecipientNotVerified, HandTypedOrMissingIdsBlockForDigitalMethods) {
    auto no_id = person("Ola", "", Channel::dpi);
    no_id.id.reset();
    const auto post = post_to({person("Kari", "29129319060", Channel::general, false), no_id,
                               person("Per", "29129319060", Channel::print, false),
                               person("Eva", "29129319060", Channel::email, false)});
    const auto f = run_check("recipient-not-verified", post, channel(Channel::general));
    ASSERT_EQ(f.size(), 2U);  // print and e-mail need no lookup
    EXPECT_EQ(f[0].message_id, "DP501.not-verified");
    EXPECT_EQ(f[0].recipient, 0);
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_EQ(f[1].message_id, "DP501.no-id");
    EXPECT_EQ(f[1].recipient, 1);
    EXPECT_NE(english(f[1]).find("\"Ola\""), std::string::npos) << english(f[1]);
}

TEST(RecipientNotVerified, TrainingRecipientsAreTypedInByHand) {
    const auto post = post_to({person("Testperson", "29129319060", Channel::general, false),
                               person("Kari", "01018512345", Channel::general, false)});
    RunFlags training;
    training.training = true;
    // In training every recipient is typed in by hand; DP701 checks who they are.
    EXPECT_TRUE(run_check("recipient-not-verified", post, channel(Channel::general), {}, training).empty());
    EXPECT_EQ(run_check("recipient-not-verified", post, channel(Channel::general)).size(), 2U);
}
