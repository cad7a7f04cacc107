#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

namespace {

Recipient emailed() {
    auto r = person("Kari", "29129319060", Channel::email);
    r.route = Route::email;
    r.email = "kari@example.no";
    return r;
}

}  // namespace

TEST(EmailAccessCode, AnEmailedPostWithAnAccessCodeBlocks) {
    auto post = post_to({emailed(), person("Digdir", "987464291", Channel::dpo)});
    post.access_code = "U";
    const auto f = run_check("email-access-code", post, targets({Channel::email, Channel::dpo}));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].recipient, 0);
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_NE(english(f[0]).find("\"U\""), std::string::npos);
}

TEST(EmailAccessCode, NoAccessCodeOrNoEmailPasses) {
    auto open = post_to({emailed()});
    EXPECT_TRUE(run_check("email-access-code", open, targets({Channel::email})).empty());
    auto confidential = post_to({person("Digdir", "987464291", Channel::dpo)});
    confidential.access_code = "U";
    EXPECT_TRUE(run_check("email-access-code", confidential, targets({Channel::dpo})).empty());
}

TEST(EmailAccessCode, LooseFilesForTheEmailChannel) {
    auto post = post_with({doc("a.pdf", "", Role::main)}, "Brev");
    post.access_code = "U";
    const auto f = run_check("email-access-code", post, channel(Channel::email));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP601.channel");
}
