// `preflight explain` through the built binary: text, --log, standard input,
// --manifest, --statuses, formats, languages and exit codes.
#include "tests/cli_harness.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

using namespace preflight::testing;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kNotLookedUp =
    "Sending til digital postboks eller elektronisk signering feilet: Kan ikke levere digitalt, ugyldige verdier hos "
    "mottaker. Vennligst sjekk verdiene og prøv på nytt.";

std::string temp_file(const std::string& name, const std::string& content) {
    const fs::path p = fs::temp_directory_path() / ("explain-cli-" + std::to_string(getpid()) + "-" + name);
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
}

}  // namespace

TEST(ExplainCli, OneMessageInBothLanguages) {
    const auto nb = run_cli({"explain", kNotLookedUp});
    EXPECT_EQ(nb.exit_code, 1) << nb.err;  // something to do now
    EXPECT_NE(nb.out.find("HANDLE NÅ"), std::string::npos) << nb.out;
    EXPECT_NE(nb.out.find("DP501 recipient-not-verified"), std::string::npos) << nb.out;
    EXPECT_NE(nb.out.find("Dokumentasjonsforvalter: Sett journalposten tilbake til status R"), std::string::npos);
    EXPECT_NE(nb.out.find("Til saksbehandler: "), std::string::npos);
    const auto en = run_cli({"explain", "--lang", "en", kNotLookedUp});
    EXPECT_EQ(en.exit_code, 1);
    EXPECT_NE(en.out.find("ACT NOW"), std::string::npos) << en.out;
    EXPECT_NE(en.out.find("Records manager: Set the journal post back to status R"), std::string::npos) << en.out;
    EXPECT_NE(en.out.find("To the case handler: "), std::string::npos);
}

TEST(ExplainCli, WordsWithoutQuotesAreOneMessage) {
    const auto r = run_cli({"explain", "--format", "json", "status", "F", "about", "24", "hours", "after", "sending"});
    ASSERT_EQ(r.exit_code, 1) << r.err;
    const json j = json::parse(r.out);
    ASSERT_EQ(j.at("explanations").size(), 1U);
    EXPECT_EQ(j.at("explanations")[0].at("cause"), "failed-after-a-day");
    EXPECT_EQ(j.at("explanations")[0].at("checks")[0].at("code"), "DP101");
    EXPECT_EQ(j.at("explanations")[0].at("checks")[1].at("code"), "DP201");
}

TEST(ExplainCli, LogFileAndStandardInputGiveTheSameAnswer) {
    const std::string log = "10.07.2024 09:00 Journalpost opprettet\n" + kNotLookedUp +
                            "\n10.07.2024 09:05 Dokument lagt til\n"
                            "signatureJobStatusChange Mislyktes:Kari Nordmann Utløpt 18.07.2022 09:14:37,\n";
    const std::string file = temp_file("log.txt", log);
    const auto from_file = run_cli({"explain", "--format", "json", "--log", file});
    const auto from_stdin = run_cli({"explain", "--format", "json"}, &log);
    const auto from_dash = run_cli({"explain", "--format", "json", "--log", "-"}, &log);
    fs::remove(file);
    ASSERT_EQ(from_file.exit_code, 1) << from_file.err;
    EXPECT_EQ(from_file.out, from_stdin.out);
    EXPECT_EQ(from_file.out, from_dash.out);
    const json j = json::parse(from_file.out);
    EXPECT_EQ(j.at("summary").at("messages"), 4);
    EXPECT_EQ(j.at("summary").at("ordinary"), 2);
    ASSERT_EQ(j.at("explanations").size(), 2U);
    EXPECT_EQ(j.at("explanations")[0].at("line"), 2);
    EXPECT_EQ(j.at("explanations")[0].at("cause"), "recipient-not-looked-up");
    EXPECT_EQ(j.at("explanations")[1].at("line"), 4);
    EXPECT_EQ(j.at("explanations")[1].at("cause"), "signing-expired");
    EXPECT_EQ(j.at("explanations")[1].at("preventable"), "no");
}

TEST(ExplainCli, NothingToDoIsExitZero) {
    const std::string fine =
        "Mottaker: DIGDIR Forsendelsesmåte: DPO Forsendelsesstatus oppdatert: LEVERT\n"
        "Mottaker: Kari Forsendelsesmåte: E-post Forsendelsesstatus oppdatert: SENDT\n";
    const auto r = run_cli({"explain", "--lang", "en"}, &fine);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("[FINE] E-mail sent"), std::string::npos) << r.out;
    const std::string empty;
    const auto nothing = run_cli({"explain", "--lang", "en"}, &empty);
    EXPECT_EQ(nothing.exit_code, 0);
    EXPECT_EQ(nothing.out, "No log messages in the input: nothing to explain.\n");
}

TEST(ExplainCli, ManifestSaysWhichKnownCauseApplies) {
    const std::string config = fixture("e2e/preflight.ini");
    const auto r = run_cli({"explain", "--config", config, "--manifest", fixture("e2e/name-too-long.json"), "--lang",
                            "en", "status F about 24 hours after sending"});
    ASSERT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.out.find("This applies to the journal post"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("DP101 block ../example/vedlegg/klageskjema.pdf: The document name"), std::string::npos)
        << r.out;
    // The size is the other known cause: a journal post over a (small) DPI limit.
    const auto size =
        run_cli({"explain", "--config", fixture("e2e/small-limits.ini"), "--manifest", fixture("e2e/total-size.json"),
                 "--format", "json", "status F about 24 hours after sending"});
    ASSERT_EQ(size.exit_code, 1) << size.err;
    const json j = json::parse(size.out);
    const json& applies = j.at("explanations")[0].at("applies");
    ASSERT_EQ(applies.size(), 1U) << size.out;
    EXPECT_EQ(applies[0].at("code"), "DP201");
    // A journal post where neither applies says so, and points to support.
    const auto none = run_cli({"explain", "--config", config, "--manifest", fixture("example/ok-post.json"), "--lang",
                               "en", "status F about 24 hours after sending"});
    EXPECT_NE(none.out.find("None of the known causes (DP101 name-length, DP201 total-size)"), std::string::npos)
        << none.out << none.err;
    // Attachments missing: the main document's name differs from the title.
    const auto mismatch = run_cli({"explain", "--config", config, "--manifest", fixture("e2e/main-mismatch.json"),
                                   "--format", "json", "the recipient says the attachments are missing"});
    const json m = json::parse(mismatch.out);
    EXPECT_EQ(m.at("explanations")[0].at("cause"), "attachments-missing");
    ASSERT_FALSE(m.at("explanations")[0].at("applies").empty()) << mismatch.out;
    EXPECT_EQ(m.at("explanations")[0].at("applies")[0].at("code"), "DP406");
}

TEST(ExplainCli, ReceiverDoNotAcceptNamesTheCauseTheManifestShows) {
    const std::string config = fixture("e2e/preflight.ini");
    const std::string log =
        R"({"timestamp":"2026-12-01T10:00:00.000+01:00","status":400,"error":"Bad Request",)"
        R"("exception":"no.difi.meldingsutveksling.exceptions.ReceiverDoesNotAcceptProcessException",)"
        R"("message":"Receiver do not accept the document process urn:no:difi:profile:digitalpost:vedtak:ver1.0",)"
        R"("path":"/api/messages/out","description":"Error looking up service record with document type )"
        R"('urn:no:difi:digitalpost:xsd:fysisk::print'"})";
    const auto notes_of = [&](const char* manifest) {
        const auto r = run_cli(
            {"explain", "--config", config, "--manifest", fixture(manifest), "--format", "json", "--lang", "en", log});
        const json j = json::parse(r.out);
        return j.at("explanations")[0].at("notes").dump();
    };
    // A print message to a person with a mailbox: no print record, not the pages.
    const std::string no_record = notes_of("e2e/print-to-mailbox.json");
    EXPECT_NE(no_record.find("no service record for this message (DP507)"), std::string::npos) << no_record;
    EXPECT_EQ(no_record.find("not portrait A4 (DP301)"), std::string::npos) << no_record;
    // Slides to a reserved person: the pages.
    const std::string slides = notes_of("e2e/slides-reserved.json");
    EXPECT_NE(slides.find("not portrait A4 (DP301)"), std::string::npos) << slides;
    EXPECT_EQ(slides.find("(DP507)"), std::string::npos) << slides;
    // Neither.
    const std::string neither = notes_of("example/ok-post.json");
    EXPECT_NE(neither.find("shows neither"), std::string::npos) << neither;
}

TEST(ExplainCli, StatusesExportIsSortedAndActNowIsExitOne) {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto at = [&](int hours) { return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", now - std::chrono::hours(hours)); };
    const json page = {
        {"content", json::array({{{"id", 1}, {"messageId", "a"}, {"status", "SENDT"}, {"lastUpdate", at(30)}},
                                 {{"id", 2}, {"messageId", "a"}, {"status", "LEVERT"}, {"lastUpdate", at(29)}},
                                 {{"id", 3}, {"messageId", "b"}, {"status", "SENDT"}, {"lastUpdate", at(2)}}})}};
    const std::string waiting = temp_file("waiting.json", page.dump());
    const auto r = run_cli({"explain", "--statuses", waiting, "--lang", "en"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("2 messages: 0 act now, 1 wait, 1 fine"), std::string::npos) << r.out;
    json failed = page;
    failed["content"].push_back({{"id", 4},
                                 {"messageId", "b"},
                                 {"status", "FEIL"},
                                 {"lastUpdate", at(1)},
                                 {"description", "Generell melding om at det har skjedd en feil"}});
    const std::string bad = temp_file("failed.json", failed.dump());
    const auto f = run_cli({"explain", "--statuses", bad, "--format", "json"});
    EXPECT_EQ(f.exit_code, 1);
    EXPECT_EQ(json::parse(f.out).at("messages")[0].at("messageId"), "b");
    const std::string broken = temp_file("broken.json", "{\"content\": [");
    const auto b = run_cli({"explain", "--statuses", broken});
    EXPECT_EQ(b.exit_code, 2);
    EXPECT_NE(b.err.find(broken + ":1:"), std::string::npos) << b.err;
    for (const auto& p : {waiting, bad, broken}) {
        fs::remove(p);
    }
}

TEST(ExplainCli, UsageErrorsAreExitTwo) {
    // "\x01" "binary" apart: "\x01binary" would read as the escape \x01b.
    static constexpr char kBinary[] =
        "%PDF-1.7\n\0\0\x01"
        "binary";
    const std::string binary(kBinary, sizeof kBinary - 1);
    const auto b = run_cli({"explain"}, &binary);
    EXPECT_EQ(b.exit_code, 2);
    EXPECT_NE(b.err.find("binære data"), std::string::npos) << b.err;
    // Over 64 MiB (a sparse file: nothing is written) is refused before it is read.
    const std::string huge = temp_file("huge.log", "");
    fs::resize_file(huge, 65ULL * 1024 * 1024);
    const auto big = run_cli({"explain", "--lang", "en", "--log", huge});
    fs::remove(huge);
    EXPECT_EQ(big.exit_code, 2);
    EXPECT_NE(big.err.find("over the limit of 67108864 bytes"), std::string::npos) << big.err;
    EXPECT_EQ(run_cli({"explain", "--log", "/nonexistent/log.txt"}).exit_code, 2);
    const auto both = run_cli({"explain", "--log", "-", "text"});
    EXPECT_EQ(both.exit_code, 2);
    EXPECT_NE(both.err.find("--log"), std::string::npos) << both.err;
    const auto format = run_cli({"explain", "--format", "sarif", "x"});
    EXPECT_EQ(format.exit_code, 2);
    EXPECT_NE(format.err.find("text, json"), std::string::npos) << format.err;
    const auto unknown = run_cli({"explain", "--lang", "en", "a completely different thing"});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_NE(unknown.out.find("Unknown message"), std::string::npos);
    EXPECT_NE(unknown.out.find("Contact support"), std::string::npos) << unknown.out;
}

TEST(ExplainCli, TheBundledExampleLogIsExplainedLineByLine) {
    // fixtures/explain/elements-log.txt: the README's example, with the runbook's
    // failures between ordinary log lines (one JSON error over nine lines).
    const auto r = run_cli({"explain", "--format", "json", "--log", fixture("explain/elements-log.txt")});
    ASSERT_EQ(r.exit_code, 1) << r.err;
    const json j = json::parse(r.out);
    std::vector<std::pair<int, std::string>> got;
    for (const auto& e : j.at("explanations")) {
        got.emplace_back(e.at("line").get<int>(), e.at("cause").get<std::string>());
    }
    const std::vector<std::pair<int, std::string>> expected = {
        {3, "recipient-not-looked-up"}, {4, "receiver-process"}, {13, "delivered"},       {14, "delivered"},
        {15, "receipt-expired"},        {16, "return-mail"},     {17, "signer-reserved"}, {18, "signing-size"},
        {19, "signing-expired"}};
    EXPECT_EQ(got, expected);
    EXPECT_EQ(j.at("summary").at("ordinary"), 3);
    const auto statuses = run_cli({"explain", "--format", "json", "--statuses", fixture("explain/statuses.json")});
    ASSERT_EQ(statuses.exit_code, 1) << statuses.err;
    const json s = json::parse(statuses.out);
    EXPECT_EQ(s.at("summary").at("act"), 2);  // the return, and a status to set back
    EXPECT_EQ(s.at("summary").at("wait"), 1);
    EXPECT_EQ(s.at("summary").at("fine"), 1);
}
