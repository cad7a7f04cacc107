#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(RegistryUnavailable, FailuresWarnAndBlockWhenStrict) {
    auto r = person("Kari", "29129319060");
    r.facts.asked = true;
    r.facts.failures = {{"krr", "no answer in time"}};
    const auto post = post_to({r});
    const auto f = run_check("registry-unavailable", post, channel(Channel::general));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::warn);
    EXPECT_EQ(english(f[0]), "No answer from krr about \"Kari\": no answer in time");
    RunFlags strict;
    strict.strict_registry = true;
    const auto g = run_check("registry-unavailable", post, channel(Channel::general), {}, strict);
    ASSERT_EQ(g.size(), 1U);
    EXPECT_EQ(g[0].severity, Severity::block);
}

TEST(RegistryUnavailable, NobodyKnowingIsAFindingAndKnowingIsNot) {
    auto unknown = person("Kari", "29129319060");
    unknown.facts.asked = true;
    auto known = person("Ola", "29129319060");
    known.facts.asked = true;
    known.facts.person = krr("29129319060");
    auto unasked = person("Per", "29129319060", Channel::print);
    const auto f = run_check("registry-unavailable", post_to({unknown, known, unasked}), channel(Channel::general));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP508.nobody-knows");
    EXPECT_EQ(f[0].recipient, 0);
}

TEST(RegistryUnavailable, EmailRecipientsAreNotJudged) {
    // Looked up for DP604 only: their route is e-mail whatever the registries say.
    auto failed = person("Kari", "29129319060", Channel::email);
    failed.facts.asked = true;
    failed.facts.failures = {{"krr", "no answer in time"}};
    auto unknown = person("Ola", "29129319060", Channel::email);
    unknown.facts.asked = true;
    EXPECT_TRUE(run_check("registry-unavailable", post_to({failed, unknown}), targets({Channel::email})).empty());
}
