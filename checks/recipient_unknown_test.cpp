#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;
using registry::Outcome;

namespace {

registry::Answer<registry::Organisation> org(Outcome outcome, std::string date = "", bool bankrupt = false,
                                             bool winding_up = false) {
    registry::Answer<registry::Organisation> a;
    a.outcome = outcome;
    a.source = "enhetsregisteret";
    if (outcome != Outcome::not_found) {
        registry::Organisation o;
        o.name = "FIRMA AS";
        o.deleted_date = std::move(date);
        o.deleted = outcome == Outcome::removed;
        o.bankrupt = bankrupt;
        o.winding_up = winding_up;
        a.value = o;
    }
    return a;
}

}  // namespace

TEST(RecipientUnknown, KnownRecipientsPass) {
    auto kari = person("Kari", "29129319060");
    kari.facts.person = krr("29129319060");
    auto firm = person("Firma", "987464291", Channel::dpo);
    firm.facts.organisation = org(Outcome::found);
    EXPECT_TRUE(run_check("recipient-unknown", post_to({kari, firm}), channel(Channel::general)).empty());
}

TEST(RecipientUnknown, NotFoundAndDeletedBlock) {
    auto nobody = person("Nobody", "29129319060");
    nobody.facts.person.outcome = Outcome::not_found;
    nobody.facts.person.source = "krr";
    auto deleted = person("Slettet", "29129319060");
    deleted.facts.person = krr("29129319060", "SLETTET");
    auto gone = person("Gone", "987464291", Channel::dpo);
    gone.facts.organisation = org(Outcome::removed, "2019-05-01");
    auto missing = person("Missing", "987464291", Channel::dpo);
    missing.facts.organisation = org(Outcome::not_found);
    const auto f = run_check("recipient-unknown", post_to({nobody, deleted, gone, missing}), channel(Channel::general));
    ASSERT_EQ(f.size(), 4U);
    EXPECT_EQ(f[0].message_id, "DP503.person-not-found");
    EXPECT_EQ(f[1].message_id, "DP503.person-deleted");
    EXPECT_EQ(f[2].message_id, "DP503.org-deleted");
    EXPECT_NE(english(f[2]).find("2019-05-01"), std::string::npos);
    EXPECT_EQ(f[3].message_id, "DP503.org-not-found");
    for (const auto& x : f) {
        EXPECT_EQ(x.severity, Severity::block);
    }
}

TEST(RecipientUnknown, BankruptcyAndWindingUpWarn) {
    auto firm = person("Firma", "987464291", Channel::dpv);
    firm.facts.organisation = org(Outcome::found, "", true, true);
    const auto f = run_check("recipient-unknown", post_to({firm}), channel(Channel::general));
    ASSERT_EQ(f.size(), 2U);
    EXPECT_EQ(f[0].message_id, "DP503.org-bankrupt");
    EXPECT_EQ(f[0].severity, Severity::warn);
    EXPECT_EQ(f[1].message_id, "DP503.org-winding-up");
}

TEST(RecipientUnknown, ForcedDissolutionWarnsLikeWindingUp) {
    auto firm = person("Firma", "987464291", Channel::dpv);
    firm.facts.organisation = org(Outcome::found);
    firm.facts.organisation.value->forced_dissolution = true;
    const auto f = run_check("recipient-unknown", post_to({firm}), channel(Channel::general));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP503.org-forced-dissolution");
    EXPECT_EQ(f[0].severity, Severity::warn);
}

TEST(RecipientUnknown, EmailRecipientsAreNotJudged) {
    // Looked up for DP604 only: e-mail is for those the registers do not know.
    auto nobody = person("Nobody", "29129319060", Channel::email);
    nobody.facts.person.outcome = Outcome::not_found;
    nobody.facts.person.source = "krr";
    auto gone = person("Gone", "987464291", Channel::email);
    gone.facts.organisation = org(Outcome::removed, "2019-05-01");
    EXPECT_TRUE(run_check("recipient-unknown", post_to({nobody, gone}), targets({Channel::email})).empty());
}
