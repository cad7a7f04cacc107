#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(SignerContact, EitherEmailOrMobileIsEnough) {
    auto s = person("Kari", "29129319060", Channel::signing);
    s.facts.person = krr("29129319060");  // e-mail only
    EXPECT_TRUE(run_check("signer-contact", post_to({s}), channel(Channel::signing)).empty());
    s.facts.person.value->email.clear();
    s.facts.person.value->mobile = "+4799999999";
    EXPECT_TRUE(run_check("signer-contact", post_to({s}), channel(Channel::signing)).empty());
}

TEST(SignerContact, ASignerWithNeitherWarns) {
    auto s = person("Kari", "29129319060", Channel::signing);
    s.facts.person = krr("29129319060");
    s.facts.person.value->email.clear();
    auto other = person("Ola", "29129319060");  // not a signer
    other.facts.person = s.facts.person;
    const auto f = run_check("signer-contact", post_to({s, other}), channel(Channel::signing));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::warn);
    EXPECT_EQ(f[0].recipient, 0);
}
