#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(TitleLength, Within255Passes) {
    const auto post = post_with({doc("a.pdf", "", Role::main)}, std::string(255, 't'));
    EXPECT_TRUE(run_check("title-length", post, channel(Channel::dpi)).empty());
}

TEST(TitleLength, Over255Blocks) {
    const auto post = post_with({doc("a.pdf", "", Role::main)}, std::string(256, 't'));
    const auto f = run_check("title-length", post, channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_NE(english(f[0]).find("256 characters"), std::string::npos);
}

TEST(TitleLength, SigningAllowsEighty) {
    const auto post = post_with({doc("a.pdf", "", Role::main)}, std::string(81, 't'));
    const auto f = run_check("title-length", post, channel(Channel::signing));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP103.too-long-signing");
    EXPECT_TRUE(run_check("title-length", post, channel(Channel::dpi)).empty());
}

TEST(TitleLength, LooseFilesHaveNoTitle) {
    EXPECT_TRUE(run_check("title-length", post_with({doc("a.pdf")}), channel(Channel::signing)).empty());
}
