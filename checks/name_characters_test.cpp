#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(NameCharacters, CleanNamesPass) {
    const auto post = post_with({doc("vedlegg/Klageskjema å.pdf", "Klageskjema – søknad", Role::main)});
    EXPECT_TRUE(run_check("name-characters", post, channel(Channel::dpi)).empty());
}

TEST(NameCharacters, InvalidUtf8FileNameBlocks) {
    const auto post = post_with({doc("brev\xFF.pdf", "Brev", Role::main)});
    const auto f = run_check("name-characters", post, channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP102.invalid-file");
    EXPECT_EQ(f[0].severity, Severity::block);
}

TEST(NameCharacters, InvalidUtf8NameBlocks) {
    const auto post = post_with({doc("brev.pdf", "Br\xC3v", Role::main)});
    const auto f = run_check("name-characters", post, channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP102.invalid-name");
}

TEST(NameCharacters, PathAndControlCharactersWarn) {
    const auto post = post_with({doc("a.pdf", "Vedtak 1/2", Role::main), doc("b.pdf", "Tab\there")});
    const auto f = run_check("name-characters", post, channel(Channel::dpi));
    ASSERT_EQ(f.size(), 2U);
    EXPECT_EQ(f[0].severity, Severity::warn);
    EXPECT_NE(english(f[0]).find("do not belong in a name: «/»"), std::string::npos) << english(f[0]);
    EXPECT_NE(english(f[1]).find("U+0009 (TAB)"), std::string::npos) << english(f[1]);
    EXPECT_NE(bokmal(f[0]).find("hører hjemme i et navn: «/»"), std::string::npos) << bokmal(f[0]);
}

TEST(NameCharacters, EveryBadCharacterIsNamedOnce) {
    const auto post = post_with({doc("a.pdf", "Vedlegg 1/2: budsjett/plan", Role::main)});
    const auto f = run_check("name-characters", post, channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_NE(english(f[0]).find(": «/», «:»"), std::string::npos) << english(f[0]);
}

TEST(NameCharacters, ALooseFileWithABadNameIsReportedOnce) {
    // The document name is the file's stem: one finding, for the file name.
    const auto post = post_with({doc("brev\xFF.pdf", "", Role::main)});
    const auto f = run_check("name-characters", post, channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP102.invalid-file");
}
