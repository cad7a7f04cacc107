#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;
using registry::Outcome;

namespace {

// A recipient the archive system sends by e-mail; `verified` as the manifest says.
Recipient emailed(std::string name, std::optional<std::string> id, bool verified = false) {
    auto r = person(std::move(name), "", Channel::email, verified);
    r.id = std::move(id);
    r.route = Route::email;
    r.email = "post@example.no";
    return r;
}

registry::Answer<registry::Organisation> enhet(bool deleted = false) {
    registry::Organisation o;
    o.orgnr = "987464291";
    o.name = "DIGDIR";
    o.deleted = deleted;
    registry::Answer<registry::Organisation> a;
    a.outcome = deleted ? Outcome::removed : Outcome::found;
    a.value = o;
    a.source = "enhetsregisteret";
    return a;
}

}  // namespace

TEST(EmailRegisteredRecipient, RecipientsInNeitherRegisterPass) {
    auto no_id = emailed("Hans Utenlandsk", std::nullopt, true);  // e-mail's own case: no number at all
    auto invalid = emailed("Feil Nummer", "29129319061", true);   // DP502's finding, not this one
    auto not_found = emailed("Ukjent", "29129319060");
    not_found.facts.person.outcome = Outcome::not_found;
    auto deleted_person = emailed("Slettet", "29129319060");
    deleted_person.facts.person = krr("29129319060", "SLETTET");
    auto deleted_org = emailed("Nedlagt AS", "987464291");
    deleted_org.facts.organisation = enhet(true);
    auto unasked = emailed("Ikke spurt", "987464291");  // no registry answer, not verified either
    const auto post = post_to({no_id, invalid, not_found, deleted_person, deleted_org, unasked});
    EXPECT_TRUE(run_check("email-registered-recipient", post, targets({Channel::email})).empty());
}

TEST(EmailRegisteredRecipient, RegisteredRecipientsWarn) {
    auto person_found = emailed("Kari Nordmann", "29129319060");
    person_found.facts.person = krr("29129319060");
    auto org_found = emailed("Digdir", "0192:987 464 291");
    org_found.facts.organisation = enhet();
    auto verified = emailed("Ola Nordmann", "12838510068", true);
    auto verified_org = emailed("Firma AS", "987464291", true);
    const auto f = run_check("email-registered-recipient", post_to({person_found, org_found, verified, verified_org}),
                             targets({Channel::email}));
    ASSERT_EQ(f.size(), 4U);
    for (std::size_t i = 0; i < f.size(); ++i) {
        EXPECT_EQ(f[i].severity, Severity::warn);
        EXPECT_EQ(f[i].recipient, static_cast<int>(i));
        EXPECT_EQ(f[i].code, "DP604");
    }
    EXPECT_EQ(f[0].message_id, "DP604.found");
    EXPECT_EQ(english(f[0]),
              "\"Kari Nordmann\" is to get the letter by e-mail but is listed in Folkeregisteret (according to krr); "
              "e-mail is meant for recipients who are in neither Folkeregisteret nor Enhetsregisteret");
    EXPECT_EQ(f[1].message_id, "DP604.found");
    EXPECT_NE(english(f[1]).find("in Enhetsregisteret (according to enhetsregisteret)"), std::string::npos);
    EXPECT_EQ(f[2].message_id, "DP604.verified");
    EXPECT_NE(english(f[2]).find("was looked up in Folkeregisteret"), std::string::npos);
    EXPECT_EQ(f[3].message_id, "DP604.verified");
    EXPECT_NE(english(f[3]).find("was looked up in Enhetsregisteret"), std::string::npos);
    EXPECT_NE(catalogue::text(f[0].remedy_id, Lang::en, f[0].args).find("general digital dispatch"), std::string::npos);
}

TEST(EmailRegisteredRecipient, OnlyForEmail) {
    auto digital = person("Kari", "29129319060");
    digital.facts.person = krr("29129319060");
    digital.route = Route::dpi_digital;
    auto org = person("Digdir", "987464291", Channel::dpo);
    org.facts.organisation = enhet();
    org.route = Route::dpo;
    EXPECT_TRUE(
        run_check("email-registered-recipient", post_to({digital, org}), targets({Channel::general, Channel::dpo}))
            .empty());
    // The letter goes by e-mail alone (--channel email): every recipient gets it so.
    const auto f = run_check("email-registered-recipient", post_to({digital, org}), targets({Channel::email}));
    ASSERT_EQ(f.size(), 2U);
    EXPECT_EQ(f[0].message_id, "DP604.found");
    EXPECT_EQ(f[1].message_id, "DP604.found");
}
