#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(TotalSize, ExactlyTheDpiLimitPassesWithAWarning) {
    const auto post =
        post_with({doc("a.pdf", "", Role::main, 52428800 - 1000), doc("b.pdf", "", Role::attachment, 1000)});
    const auto f = run_check("total-size", post, channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::warn);  // 100 % is over the 90 % warning line, not over the limit
}

TEST(TotalSize, OneByteOverTheDpiLimitBlocks) {
    const auto post = post_with({doc("a.pdf", "", Role::main, 52428800), doc("b.pdf", "", Role::attachment, 1)});
    const auto f = run_check("total-size", post, channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_NE(english(f[0]).find("52 428 801 B"), std::string::npos) << english(f[0]);
    EXPECT_FALSE(f[0].document.has_value());
}

TEST(TotalSize, SmallLettersPass) {
    EXPECT_TRUE(
        run_check("total-size", post_with({doc("a.pdf", "", Role::main, 1000000)}), channel(Channel::dpi)).empty());
}

TEST(TotalSize, DpvAllowsMore) {
    const auto post = post_with({doc("a.pdf", "", Role::main, 100ULL * 1024 * 1024)});
    EXPECT_TRUE(run_check("total-size", post, channel(Channel::dpv)).empty());
    EXPECT_EQ(run_check("total-size", post, channel(Channel::print)).size(), 1U);
}

TEST(TotalSize, TheStrictestChannelWins) {
    const auto post = post_with({doc("a.pdf", "", Role::main, 100ULL * 1024 * 1024)});
    const auto f = run_check("total-size", post, targets({Channel::dpv, Channel::dpi}));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_NE(english(f[0]).find("DPI limit"), std::string::npos);
}

TEST(TotalSize, UnreadableFilesDoNotCount) {
    auto missing = doc("a.pdf", "", Role::main, 60ULL * 1024 * 1024);
    missing.readable = false;
    EXPECT_TRUE(run_check("total-size", post_with({missing}), channel(Channel::dpi)).empty());
}
