#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

namespace {
std::string repeat(std::string_view s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) {
        out += s;
    }
    return out;
}
}  // namespace

TEST(NameLength, NinetySixCharactersPass) {
    const auto post = post_with({doc("a.pdf", repeat("a", 96), Role::main)});
    EXPECT_TRUE(run_check("name-length", post, channel(Channel::dpi)).empty());
}

TEST(NameLength, NinetySevenBlocksForDpi) {
    const auto post = post_with({doc("a.pdf", repeat("a", 97), Role::main)});
    const auto f = run_check("name-length", post, channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].code, "DP101");
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_EQ(f[0].document, "a.pdf");
    EXPECT_NE(english(f[0]).find("97 characters; the limit is 96"), std::string::npos) << english(f[0]);
}

TEST(NameLength, WarnsOnlyForOtherChannels) {
    const auto post = post_with({doc("a.pdf", repeat("a", 97), Role::main)});
    const auto f = run_check("name-length", post, channel(Channel::dpo));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::warn);
}

TEST(NameLength, SigningLimitIsEighty) {
    const auto post = post_with({doc("a.pdf", repeat("a", 81), Role::main)});
    const auto f = run_check("name-length", post, channel(Channel::signing));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP101.too-long-signing");
    EXPECT_TRUE(
        run_check("name-length", post_with({doc("a.pdf", repeat("a", 80))}), channel(Channel::signing)).empty());
}

TEST(NameLength, DecomposedLettersCountOnceAfterNfc) {
    // "a" + combining ring above (U+030A) is one character after NFC: 96 characters.
    const auto post = post_with({doc("a.pdf", repeat("a\xCC\x8A", 48) + repeat("b", 48), Role::main)});
    const auto f = run_check("name-length", post, channel(Channel::dpi), {{"warn-bytes", "false"}});
    EXPECT_TRUE(f.empty());
}

TEST(NameLength, WarnsWhenBytesExceedButCharactersFit) {
    const auto post = post_with({doc("a.pdf", repeat("å", 50), Role::main)});  // 50 chars, 100 bytes
    const auto f = run_check("name-length", post, channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP101.bytes");
    EXPECT_EQ(f[0].severity, Severity::warn);
}

TEST(NameLength, LimitIsConfigurable) {
    const auto post = post_with({doc("a.pdf", repeat("a", 81), Role::main)});
    EXPECT_EQ(run_check("name-length", post, channel(Channel::dpi), {{"max-chars", "80"}}).size(), 1U);
}
