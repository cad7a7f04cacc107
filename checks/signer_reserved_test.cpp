#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(SignerReserved, ActiveUnreservedSignersPass) {
    auto s = person("Kari", "29129319060", Channel::signing);
    s.facts.person = krr("29129319060");
    EXPECT_TRUE(run_check("signer-reserved", post_to({s}), channel(Channel::signing)).empty());
}

TEST(SignerReserved, ReservedOrInactiveSignersBlock) {
    auto reserved = person("Kari", "29129319060", Channel::signing);
    reserved.facts.person = krr("29129319060", "AKTIV", true);
    auto inactive = person("Ola", "29129319060", Channel::signing);
    inactive.facts.person = krr("29129319060", "IKKE_REGISTRERT");
    auto not_signer = person("Per", "29129319060");
    not_signer.facts.person = krr("29129319060", "AKTIV", true);
    const auto f = run_check("signer-reserved", post_to({reserved, inactive, not_signer}), channel(Channel::signing));
    ASSERT_EQ(f.size(), 2U);
    EXPECT_EQ(f[0].message_id, "DP512.reserved");
    EXPECT_EQ(f[1].message_id, "DP512.not-active");
    EXPECT_NE(english(f[1]).find("IKKE_REGISTRERT"), std::string::npos);
    EXPECT_EQ(f[1].severity, Severity::block);
}

TEST(SignerReserved, ADeletedSignerGetsARemedyForAPersonWhoMayHaveDied) {
    auto deleted = person("Kari", "29129319060", Channel::signing);
    deleted.facts.person = krr("29129319060", "SLETTET", false, false, "");
    const auto f = run_check("signer-reserved", post_to({deleted}), channel(Channel::signing));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP512.deleted");
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_NE(catalogue::text(f[0].message_id + ".remedy", Lang::en, f[0].args).find("Folkeregisteret"),
              std::string::npos);
}
