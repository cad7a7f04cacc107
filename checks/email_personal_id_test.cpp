#include "report/render.hpp"
#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

namespace {

JournalPost emailed_post(std::vector<Document> docs, std::string title = "Brev") {
    auto post = post_with(std::move(docs), std::move(title));
    auto r = person("Kari", "29129319060", Channel::email);
    r.route = Route::email;
    r.email = "kari@example.no";
    post.recipients = {r};
    return post;
}

Document searched(std::string file, std::vector<Document::IdHit> hits = {}) {
    auto d = doc(std::move(file), "", Role::main);
    d.text_searched = true;
    d.person_ids = std::move(hits);
    return d;
}

}  // namespace

TEST(EmailPersonalId, CleanLettersPass) {
    const auto post = emailed_post({searched("brev.pdf")}, "Svar på søknad 2024/01234-5, tlf 55 58 00 00");
    EXPECT_TRUE(run_check("email-personal-id", post, targets({Channel::email})).empty());
}

TEST(EmailPersonalId, IdsInTitleNameAndTextBlockWithTheirPlace) {
    auto d = searched("vedtak.pdf", {{2, "29129319060"}});
    d.name = "Vedtak for 291293 19060";
    const auto post = emailed_post({d}, "Vedtak 29129319060");
    const auto f = run_check("email-personal-id", post, targets({Channel::email}));
    ASSERT_EQ(f.size(), 3U);
    EXPECT_EQ(f[0].message_id, "DP602.title");
    EXPECT_EQ(f[1].message_id, "DP602.name");
    EXPECT_EQ(f[1].document, "vedtak.pdf");
    EXPECT_EQ(f[2].message_id, "DP602.page");
    EXPECT_EQ(f[2].page, 2);
    for (const auto& x : f) {
        EXPECT_EQ(x.severity, Severity::block);
    }
}

TEST(EmailPersonalId, InvalidNumbersAreNotIds) {
    const auto post = emailed_post({searched("brev.pdf")}, "Sak 29129319061 og konto 1234.56.78903");
    EXPECT_TRUE(run_check("email-personal-id", post, targets({Channel::email})).empty());
}

TEST(EmailPersonalId, UnsearchedDocumentsWarn) {
    auto d = doc("skann.png", "", Role::main, 1000, "image/png");
    const auto f = run_check("email-personal-id", emailed_post({d}), targets({Channel::email}));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP602.not-searched");
    EXPECT_EQ(f[0].severity, Severity::warn);
}

TEST(EmailPersonalId, OnlyForEmail) {
    auto d = searched("vedtak.pdf", {{1, "29129319060"}});
    auto post = post_with({d}, "Vedtak 29129319060");
    post.recipients = {person("Kari", "29129319060")};
    EXPECT_TRUE(run_check("email-personal-id", post, targets({Channel::general})).empty());
}

TEST(EmailPersonalId, AnIdInAnEmailedRecipientsNameBlocksForThatRecipient) {
    auto post = emailed_post({searched("brev.pdf")});
    auto digital = person("Ola 12838510068", "12838510068");  // not by e-mail: its name is not in the e-mail
    digital.route = Route::dpi_digital;
    auto named = person("Kari Nordmann 291293-19060 (29129319060)", "", Channel::email);
    named.id.reset();
    named.route = Route::email;
    post.recipients = {post.recipients[0], digital, named};
    const auto f = run_check("email-personal-id", post, targets({Channel::email, Channel::general}));
    ASSERT_EQ(f.size(), 1U);  // one number written twice counts once
    EXPECT_EQ(f[0].message_id, "DP602.recipient-name");
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_EQ(f[0].recipient, 2);
    EXPECT_FALSE(f[0].document.has_value());
    EXPECT_EQ(english(f[0]),
              "The recipient's name \"Kari Nordmann 291293-19060 (29129319060)\" holds the "
              "fødselsnummer 29129319060, and the letter is to be sent by e-mail");
}

TEST(EmailPersonalId, RecipientNamesAreMaskedInTheReport) {
    auto post = emailed_post({searched("brev.pdf")});
    post.recipients[0].name = "Kari 12838510068";
    Report report;
    report.findings = run_check("email-personal-id", post, targets({Channel::email}));
    report.post = post;
    ASSERT_EQ(report.findings.size(), 1U);
    RenderOptions o;
    o.lang = Lang::en;
    const std::string json = render(report, Format::json, o);
    EXPECT_EQ(json.find("12838510068"), std::string::npos) << json;
    EXPECT_NE(json.find("Kari 128385*****"), std::string::npos) << json;
}

TEST(EmailPersonalId, RecipientNamesOnlyCountForEmail) {
    auto post = post_with({searched("brev.pdf")}, "Brev");
    auto r = person("Kari 29129319060", "29129319060");
    r.route = Route::dpi_digital;
    post.recipients = {r};
    EXPECT_TRUE(run_check("email-personal-id", post, targets({Channel::general})).empty());
}
