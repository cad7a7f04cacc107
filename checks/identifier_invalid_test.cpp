#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(IdentifierInvalid, ValidIdsInAnyWrittenFormPass) {
    const auto post = post_to({person("Kari", "291293 19060"), person("Digdir", "0192:987464291", Channel::dpo)});
    EXPECT_TRUE(run_check("identifier-invalid", post, channel(Channel::general)).empty());
}

TEST(IdentifierInvalid, BadCheckDigitsAndFormatsBlock) {
    const auto post = post_to({person("Kari", "29129319069"), person("Org", "987464292", Channel::dpo),
                               person("Rar", "12345"), person("Manuell", "x", Channel::manual)});
    const auto f = run_check("identifier-invalid", post, channel(Channel::general));
    ASSERT_EQ(f.size(), 3U);
    EXPECT_EQ(f[0].message_id, "DP502.person");
    EXPECT_EQ(f[1].message_id, "DP502.organisation");
    EXPECT_EQ(f[2].message_id, "DP502.format");
    EXPECT_EQ(f[2].recipient, 2);
    for (const auto& x : f) {
        EXPECT_EQ(x.severity, Severity::block);
    }
    EXPECT_NE(english(f[2]).find("(5 characters)"), std::string::npos) << english(f[2]);
}

TEST(IdentifierInvalid, AnIdWrittenWithSeparatorsIsShownAsDigitsSoMaskingSeesIt) {
    auto r = person("", "2912 9319 061");  // mistyped, unnamed
    const auto f = run_check("identifier-invalid", post_to({r}), channel(Channel::general));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP502.person");
    EXPECT_EQ(preflight::ident::mask_person_ids(english(f[0])).find("19061"), std::string::npos) << english(f[0]);
}
