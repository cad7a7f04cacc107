#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(MainNameMismatch, SameNamePasses) {
    const auto post = post_with({doc("a.pdf", "Vedtak om studieplass", Role::main), doc("b.pdf", "Klageskjema")},
                                "Vedtak om studieplass");
    EXPECT_TRUE(run_check("main-name-mismatch", post, channel(Channel::dpi)).empty());
}

TEST(MainNameMismatch, NfcAndSurroundingSpaceDoNotCount) {
    const auto post = post_with({doc("a.pdf", "Søknad om permisjon  ", Role::main)}, "So\xCC\x88knad om permisjon");
    // "ö" (o + U+0308) is not "ø": that one differs.
    EXPECT_EQ(run_check("main-name-mismatch", post, channel(Channel::dpi)).size(), 1U);
    const auto same = post_with({doc("a.pdf", "Søknad å  ", Role::main)}, "Søknad a\xCC\x8A");
    EXPECT_TRUE(run_check("main-name-mismatch", same, channel(Channel::dpi)).empty());
}

TEST(MainNameMismatch, BlocksWithAttachments) {
    const auto post =
        post_with({doc("a.pdf", "Vedtak", Role::main), doc("b.pdf", "Klageskjema")}, "Vedtak om studieplass");
    const auto f = run_check("main-name-mismatch", post, channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_NE(english(f[0]).find("without the attachments (count: 1)"), std::string::npos) << english(f[0]);
}

TEST(MainNameMismatch, WarnsWithoutAttachments) {
    const auto post = post_with({doc("a.pdf", "Vedtak", Role::main)}, "Vedtak om studieplass");
    const auto f = run_check("main-name-mismatch", post, channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::warn);
}

TEST(MainNameMismatch, CaseDiffersIsAMismatch) {
    const auto post = post_with({doc("a.pdf", "vedtak", Role::main), doc("b.pdf")}, "Vedtak");
    EXPECT_EQ(run_check("main-name-mismatch", post, channel(Channel::dpi)).size(), 1U);
}
