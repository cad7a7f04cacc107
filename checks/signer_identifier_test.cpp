#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(SignerIdentifier, FodselsnummerAndDNummerPass) {
    const auto post = post_to({person("Kari", "29129319060", Channel::signing),
                               person("Digdir", "987464291", Channel::dpo)});  // not a signer
    EXPECT_TRUE(run_check("signer-identifier", post, channel(Channel::signing)).empty());
}

TEST(SignerIdentifier, MissingInvalidOrganisationAndHNummerBlock) {
    auto none = person("Ola", "", Channel::signing);
    none.id.reset();
    const auto post =
        post_to({none, person("Per", "29129319061", Channel::signing), person("Firma", "987464291", Channel::signing),
                 person("H", "01418512345", Channel::signing)});
    const auto f = run_check("signer-identifier", post, channel(Channel::signing));
    std::vector<std::string> got;
    for (const auto& x : f) {
        got.push_back(x.message_id);
        EXPECT_EQ(x.severity, Severity::block);
    }
    // 01418512345 is not necessarily a valid H-nummer; find one that is.
    EXPECT_EQ(got.at(0), "DP511.missing");
    EXPECT_EQ(got.at(1), "DP511.invalid");
    EXPECT_EQ(got.at(2), "DP511.organisation");
}

TEST(SignerIdentifier, AValidHNummerIsRefused) {
    std::string h;
    for (int n = 0; n < 100000 && h.empty(); ++n) {
        const std::string id = fmt::format("0141851{:04}", n);
        if (ident::person_kind(id) == ident::PersonKind::h_nummer) {
            h = id;
        }
    }
    ASSERT_FALSE(h.empty());
    const auto f =
        run_check("signer-identifier", post_to({person("H", h, Channel::signing)}), channel(Channel::signing));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP511.h-nummer");
}
