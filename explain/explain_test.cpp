// `preflight explain`: every failure mode of the runbook, with the runbook's own log
// text as input (identifiers masked as the runbook has them), the reports that have
// no log line, status exports, and odd input.
#include "explain/explain.hpp"
#include "base/error.hpp"
#include "checks/check_set.hpp"
#include "validator/catalogue.hpp"
#include "validator/check.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

using namespace preflight;
using namespace preflight::explain;
using json = nlohmann::json;

namespace {

// The runbook's log lines, verbatim (with its typographic quotes and bold marks).
const std::string kReceiverProcess =
    "Sending til digital postboks eller elektronisk signering feilet: Dispatch to Kari Nordmann (000000*****) failed. "
    "Request failed. StatusCode: BadRequest, ReasonPhrase: , RequestUri: "
    "\u2018http://elt-uib-service.uhad.no:9093/api/messages/out\u2019, Content: { \u201ctimestamp\u201d : "
    "\u201c2022-07-14T15:47:36.631+02:00\u201d, \u201cstatus\u201d : **400,** \u201cerror\u201d : \u201c**Bad "
    "Request**\u201d, \u201cexception\u201d : "
    "\u201cno.difi.meldingsutveksling.exceptions.ReceiverDoesNotAcceptProcessException\u201d, \u201cmessage\u201d : "
    "\u201c**Receiver do not accept the document process** urn:no:difi:profile:digitalpost:vedtak:ver1.0\u201d, "
    "\u201cpath\u201d : \u201c/api/messages/out\u201d, \u201cdescription\u201d : \u201cError looking up service "
    "record with document type \u2018urn:no:difi:digitalpost:xsd:fysisk::print\u2019 and parameters: "
    "SRParameter(identifier=00000000000, process=urn:no:difi:profile:digitalpost:vedtak:ver1.0, securityLevel=3, "
    "print=null, infoOnly=false, conversationId=de5e45e4-a99f-47e5-8eb1-fed836ac7f37)\u201d }";

struct RunbookCase {
    const char* name;
    std::string text;
    const char* cause;
    std::vector<std::string> codes;
    Kind kind;
};

std::vector<RunbookCase> runbook_cases() {
    return {
        {"not-looked-up",
         "Sending til digital postboks eller elektronisk signering feilet: Kan ikke levere digitalt, ugyldige verdier "
         "hos mottaker. Vennligst sjekk verdiene og prøv på nytt.",
         "recipient-not-looked-up",
         {"DP501", "DP502", "DP503"},
         Kind::act},
        {"return-mail-receipt",
         "Sending feilet. Mottaker: Kari Nordmann; Beskrivelse: Kvittering fra utskrift og forsendelsestjenesten om at "
         "posten ikke har blitt levert til Mottaker.",
         "return-mail",
         {"DP505", "DP504"},
         Kind::act},
        {"return-mail-sdp",
         "SDP - FIKK STATUS RETURPOSTKVITTERING. TIL: + KARI NORDMANN - KLARER IKKE Å SENDE BREV TIL MOTTAKER VIA "
         "POST.",
         "return-mail",
         {"DP505", "DP504"},
         Kind::act},
        {"no-error-status-f",
         "Journalposten endret status til F omtrent 24 timer etter at den ble ekspedert",
         "failed-after-a-day",
         {"DP101", "DP201"},
         Kind::act},
        {"receiver-process", kReceiverProcess, "receiver-process", {"DP301", "DP507"}, Kind::act},
        {"levetid-utlopt-alone",
         "Mottaker: DIREKTORATET FOR HØYERE UTDANNING OG KOMPETANSE Forsendelsesmåte: DPO Forsendelsesstatus "
         "oppdatert: LEVETID_UTLOPT",
         "receipt-expired-undelivered",
         {},
         Kind::act},
        {"signer-reserved",
         "Sending til digital postboks eller elektronisk signering feilet: Klarte ikke å kø meldingen til levering. "
         "Vennligst sjekk verdiene og prøv på nytt: Alle signatarer må ha gyldig fødselsnummer og status i Kontakt og "
         "Reservasjon Registret.",
         "signer-reserved",
         {"DP512", "DP511"},
         Kind::act},
        {"signing-expired",
         "signatureJobStatusChange Mislyktes:Kari Nordmann Utløpt 18.07.2022 09:14:37,",
         "signing-expired",
         {},
         Kind::act},
        {"signing-rejected",
         "signatureJobStatusChange Mislyktes:Kari Nordmann Avvist 18.07.2022 09:14:37,",
         "signing-rejected",
         {},
         Kind::act},
        {"signing-not-received",
         "Mottakeren nekter for å ha mottatt noe signeringsoppdrag",
         "signing-not-received",
         {},
         Kind::act},
        {"signing-size",
         "Sending til digital postboks eller elektronisk signering feilet: Klarte ikke å kø meldingen til levering. "
         "Vennligst sjekk verdiene og prøv på nytt: Dokumentet kan ikke overskride 3145728 bytes.",
         "signing-size",
         {"DP202"},
         Kind::act},
        {"eboks-stays-sent",
         "DPI-forsendelsen står fortsatt som «sendt», mottakeren har e-Boks",
         "sent-waiting",
         {"DP506", "DP101", "DP201"},
         Kind::wait},
        {"attachment-missing",
         "Mottakeren sier at vedlegget mangler i brevet",
         "attachments-missing",
         {"DP406", "DP405"},
         Kind::act},
        {"main-missing",
         "The recipient says the main document is missing",
         "main-document-missing",
         {"DP405", "DP404"},
         Kind::act},
    };
}

Explanation only(const std::string& text) {
    const Result r = explain_log(text);
    EXPECT_EQ(r.items.size(), 1U) << text;
    return r.items.empty() ? Explanation{} : r.items.front();
}

std::string detail(const Explanation& e, const std::string& key) {
    for (const auto& [k, v] : e.details) {
        if (k == key) {
            return v;
        }
    }
    return {};
}

}  // namespace

TEST(Explain, EveryRunbookFailureModeIsRecognisedWithItsCauseAndChecks) {
    for (const auto& c : runbook_cases()) {
        SCOPED_TRACE(c.name);
        const Explanation e = only(c.text);
        EXPECT_EQ(e.cause, c.cause);
        EXPECT_EQ(e.codes, c.codes);
        EXPECT_EQ(e.kind, c.kind);
        EXPECT_EQ(e.line, 1U);
        // Every explanation reads in both languages, with all four parts.
        for (const Lang lang : {Lang::nb, Lang::en}) {
            const json j = json::parse(render_json(explain_log(c.text), RenderOptions::in(lang)));
            const json& x = j.at("explanations").at(0);
            for (const char* key : {"title", "explanation", "records_manager", "case_handler"}) {
                EXPECT_FALSE(x.at(key).get<std::string>().empty()) << key;
            }
        }
    }
}

TEST(Explain, TheIntegrasjonspunktsJsonErrorIsParsedNotMatched) {
    const Explanation e = only(kReceiverProcess);
    EXPECT_EQ(detail(e, "recipient"), "Kari Nordmann");
    EXPECT_EQ(detail(e, "status"), "400");
    EXPECT_EQ(detail(e, "exception"), "no.difi.meldingsutveksling.exceptions.ReceiverDoesNotAcceptProcessException");
    EXPECT_EQ(detail(e, "process"), "urn:no:difi:profile:digitalpost:vedtak:ver1.0");
    EXPECT_EQ(detail(e, "document-type"), "urn:no:difi:digitalpost:xsd:fysisk::print");
    EXPECT_EQ(e.cause, "receiver-process");  // print: the pages first (DP301)

    // The same error as the integrasjonspunkt writes it (ASCII quotes, pretty-printed
    // over several lines, as a log export holds it), for a receiver without the
    // service at all: not print, so the capability is the likely cause.
    const std::string log =
        "14.07.2022 15:47 Sending feilet: Request failed. Content: {\n"
        "  \"timestamp\" : \"2022-07-14T15:47:36.631+02:00\",\n"
        "  \"status\" : 400,\n"
        "  \"exception\" : \"no.difi.meldingsutveksling.exceptions."
        "ReceiverDoesNotAcceptProcessException\",\n"
        "  \"message\" : \"Receiver do not accept the document process "
        "urn:no:difi:profile:digitalpost:info:ver1.0\",\n"
        "  \"description\" : \"Error looking up service record with document type "
        "'urn:no:difi:digitalpost:xsd:digital::digital'\"\n"
        "}\n"
        "14.07.2022 15:48 Journalpost oppdatert\n";
    const Result r = explain_log(log);
    EXPECT_EQ(r.entries, 2U);
    EXPECT_EQ(r.ignored, 1U);
    ASSERT_EQ(r.items.size(), 1U);
    EXPECT_EQ(r.items[0].cause, "receiver-capability");
    EXPECT_EQ(r.items[0].codes, std::vector<std::string>{"DP507"});
    EXPECT_EQ(detail(r.items[0], "process"), "urn:no:difi:profile:digitalpost:info:ver1.0");

    // A message that only *mentions* the phrase but whose JSON names another
    // exception is explained by the exception, not by the phrase.
    const Explanation size = only(
        R"(Content: {"status":400,"exception":"no.difi.meldingsutveksling.exceptions.MaxFileSizeExceededException",)"
        R"("message":"The combined file size for all attachments (60000000) exceeds the maximum allowed upload size )"
        R"(for the target service (DPI, 50MB) - not a Receiver do not accept the document process"})");
    EXPECT_EQ(size.cause, "size-exceeded");
    EXPECT_EQ(size.codes, std::vector<std::string>{"DP201"});
}

TEST(Explain, OtherIntegrasjonspunktExceptionsMapToTheirChecks) {
    const auto by = [](const std::string& exception) {
        return only(fmt::format(R"(Content: {{"status":400,"exception":"no.difi.meldingsutveksling.exceptions.{}",)"
                                R"("message":"x"}})",
                                exception));
    };
    EXPECT_EQ(by("DuplicateFilenameException").codes, std::vector<std::string>{"DP405"});
    EXPECT_EQ(by("FilenameTooLongException").codes, std::vector<std::string>{"DP101"});
    EXPECT_EQ(by("MissingAddressInformationException").codes, std::vector<std::string>{"DP505"});
    EXPECT_EQ(by("MultipartFileToLargeException").cause, "size-exceeded");
    EXPECT_EQ(by("MissingPrimaryDocumentException").codes, std::vector<std::string>{"DP404"});
    EXPECT_EQ(by("InvalidContentTypeException").codes, std::vector<std::string>{"DP401"});
    // An error object without a known class is not matched on its phrases.
    EXPECT_EQ(
        only(R"(Content: {"status":400,"exception":"x.SomethingException","message":"Missing attachment"})").cause,
        "unknown");
    // Cut off by the log (no closing brace): the class name is still read; "Content :"
    // with a space is the same marker.
    EXPECT_EQ(only(R"(Sending feilet: Content : {"status":400,"exception":"no.difi.meldingsutveksling.exceptions.)"
                   R"(ReceiverDoesNotAcceptProcessException","message":"Receiver do not accept the document pro)")
                  .cause,
              "receiver-process");
    // Not in the runbook and not known: unknown, with what the integrasjonspunkt said.
    const Explanation other = by("TimeToLiveException");
    EXPECT_EQ(other.cause, "unknown");
    EXPECT_EQ(other.kind, Kind::unknown);
    EXPECT_EQ(detail(other, "exception"), "no.difi.meldingsutveksling.exceptions.TimeToLiveException");
}

TEST(Explain, TheGatesOwnBlockIsExplainedByItsFindings) {
    // The error body the gate answers with, as the archive system logs it.
    const json body = {{"timestamp", "2026-11-28T10:00:00Z"},
                       {"status", 400},
                       {"error", "Bad Request"},
                       {"exception", "no.preflight.BlockedByPreflight"},
                       {"message", "Stoppet av preflight før sending (DP502): ..."},
                       {"path", "/api/messages/out"},
                       {"findings", json::array({{{"code", "DP502"}}, {{"code", "DP101"}}, {{"code", "DP502"}}})}};
    const Explanation e = only("Sending feilet: Request failed. Content: " + body.dump());
    EXPECT_EQ(e.cause, "blocked-by-preflight");
    EXPECT_EQ(e.codes, (std::vector<std::string>{"DP502", "DP101"}));
    // Only the message text in the log: the codes are read out of it.
    const Explanation text = only("Stoppet av preflight før sending (DP301): 3 sider er ikke A4. Gjør slik: ...");
    EXPECT_EQ(text.cause, "blocked-by-preflight");
    EXPECT_EQ(text.codes, std::vector<std::string>{"DP301"});
    EXPECT_EQ(only(R"(Content: {"status":502,"exception":"preflight.UpstreamUnavailable","message":"x"})").cause,
              "gate-error");
}

TEST(Explain, LevetidUtloptAfterLestOrLevertIsFineAndSaysWhatToRestore) {
    // The runbook's sequence: LEVERT, LEST, then LEVETID_UTLOPT for the same recipient.
    const std::string who = "Mottaker: DIREKTORATET FOR HØYERE UTDANNING OG KOMPETANSE Forsendelsesmåte: DPO ";
    const Result r =
        explain_log(who + "Forsendelsesstatus oppdatert: LEVERT\n" + who + "Forsendelsesstatus oppdatert: LEST\n" +
                    who + "Forsendelsesstatus oppdatert: LEVETID_UTLOPT\n");
    ASSERT_EQ(r.items.size(), 3U);
    EXPECT_EQ(r.items[0].cause, "delivered");
    EXPECT_EQ(r.items[1].cause, "delivered");
    EXPECT_EQ(r.items[2].cause, "receipt-expired");
    EXPECT_EQ(r.items[2].args, (MessageArgs{{"restore", "LEST"}}));  // the last one before it
    // The letter arrived, but the status in the archive must be set back: a task.
    EXPECT_EQ(r.items[2].kind, Kind::act);
    // A log newest first, with timestamps: the LEVERT before it in time counts; a
    // LEST after it does not.
    const Result newest_first =
        explain_log("11.07.2024 09:00 " + who + "Forsendelsesstatus oppdatert: LEST\n" + "10.07.2024 11:05 " + who +
                    "Forsendelsesstatus oppdatert: LEVETID_UTLOPT\n" + "09.07.2024 11:00 " + who +
                    "Forsendelsesstatus oppdatert: LEVERT\n");
    EXPECT_EQ(newest_first.items[1].cause, "receipt-expired");
    EXPECT_EQ(newest_first.items[1].args, (MessageArgs{{"restore", "LEVERT"}}));
    // Without timestamps the log is read oldest first: LEVERT after it does not count.
    const Result after = explain_log(who + "Forsendelsesstatus oppdatert: LEVETID_UTLOPT\n" + who +
                                     "Forsendelsesstatus oppdatert: LEVERT\n");
    EXPECT_EQ(after.items[0].cause, "receipt-expired-undelivered");
    // Quoted, in other words, in English: the same status line.
    for (const std::string& line :
         {who + "Forsendelsesstatus oppdatert: «LEVETID_UTLOPT»", who + "Forsendelsesstatus  oppdatert: Levetid utløpt",
          std::string("\"") + who + "Forsendelsesstatus oppdatert: LEVETID_UTLOPT\"",
          std::string("Recipient: DIREKTORATET Dispatch method: DPO Dispatch status updated: LEVETID_UTLOPT")}) {
        const Result one = explain_log("10.07.2024 Journalpost oppdatert\n" + line + "\n");
        ASSERT_EQ(one.items.size(), 1U) << line;
        EXPECT_EQ(one.items[0].cause, "receipt-expired-undelivered") << line;
    }
    // To a citizen (DPI), expiry after a day is the "no error message" case.
    EXPECT_EQ(only("Mottaker: Kari Nordmann Forsendelsesmåte: DPI Forsendelsesstatus oppdatert: LEVETID_UTLOPT").cause,
              "failed-after-a-day");
    // Another recipient's LEST does not count.
    const Result other =
        explain_log("Mottaker: UNIVERSITETET I OSLO Forsendelsesmåte: DPO Forsendelsesstatus oppdatert: LEST\n" + who +
                    "Forsendelsesstatus oppdatert: LEVETID_UTLOPT\n");
    EXPECT_EQ(other.items[1].cause, "receipt-expired-undelivered");
    EXPECT_TRUE(other.needs_action());
    const std::string text = render_text(r, RenderOptions::in(Lang::nb));
    EXPECT_NE(text.find("Sett forsendelsesstatus tilbake til LEST"), std::string::npos) << text;
}

TEST(Explain, SentThenDeliveredIsFine) {
    const std::string who = "Mottaker: Universitetet i Oslo Forsendelsesmåte: DPV ";
    const Result r =
        explain_log(who + "Forsendelsesstatus oppdatert: SENDT\n" + who + "Forsendelsesstatus oppdatert: FEIL\n" + who +
                    "Forsendelsesstatus oppdatert: LEVERT\n");
    ASSERT_EQ(r.items.size(), 3U);
    for (const auto& e : r.items) {
        EXPECT_EQ(e.kind, Kind::fine) << e.cause;
    }
    EXPECT_EQ(r.items[1].notes, std::vector<std::string>{"explain.note.delivered-later"});
    EXPECT_FALSE(r.needs_action());
}

TEST(Explain, EmailSentIsFinal) {
    EXPECT_EQ(only("Mottaker: Kari Forsendelsesmåte: E Forsendelsesstatus oppdatert: SENDT").cause, "email-sent");
    const Explanation e = only("Mottaker: Kari Nordmann Forsendelsesmåte: E-post Forsendelsesstatus oppdatert: SENDT");
    EXPECT_EQ(e.cause, "email-sent");
    EXPECT_EQ(e.kind, Kind::fine);
}

TEST(Explain, CaseAndUnicodeFormsDoNotMatter) {
    EXPECT_EQ(only("SIGNATUREJOBSTATUSCHANGE MISLYKTES:KARI NORDMANN UTLØPT 18.07.2022").cause, "signing-expired");
    EXPECT_EQ(only("ALLE SIGNATARER MÅ HA GYLDIG FØDSELSNUMMER OG STATUS I KONTAKT OG RESERVASJON REGISTRET").cause,
              "signer-reserved");
    // å written as a + combining ring (NFD, as some Mac tools copy it).
    EXPECT_EQ(only("Klarer ikke a\u030A sende brev til mottaker via post").cause, "return-mail");
    EXPECT_EQ(only("Alle signatarer ma\u030A ha gyldig fødselsnummer og status").cause, "signer-reserved");
}

TEST(Explain, OrdinaryLinesAreNoFalseAlarm) {
    // Everyday lines of a journal post's log: none is a failure.
    const Result r = explain_log(
        "08.07.2024 09:12 Status endret fra R til F\n"
        "08.07.2024 09:13 Journalpoststatus endret til F\n"
        "08.07.2024 09:14 Status satt til F av Per Arkivar\n"
        "08.07.2024 09:20 Forsendelsesstatus endret fra Overføring feilet til Klar for sending\n"
        "08.07.2024 09:21 Returadresse satt til Postboks 7800, 5020 Bergen\n"
        "08.07.2024 09:22 Signert dokument returnert fra Posten signering\n"
        "08.07.2024 09:23 Feilretting: tittel endret\n"
        "08.07.2024 09:24 Dokument konvertert til PDF/A uten feil\n"
        "08.07.2024 09:25 Signeringsoppdrag sendt til Kari Nordmann. Fristen er 28 dager.\n"
        "08.07.2024 09:26 Signing job created; it expires after 28 days\n"
        "08.07.2024 09:27 Document archived without changes\n"
        "08.07.2024 09:28 Mottaker: Kari Nordmann Forsendelsesmåte: DPI Forsendelsesstatus oppdatert: OPPRETTET\n");
    EXPECT_EQ(r.entries, 12U);
    for (const auto& e : r.items) {
        ADD_FAILURE() << "line " << e.line << ": " << e.cause;
    }
    EXPECT_FALSE(r.needs_action());
    // But a status back from E or J to F is.
    EXPECT_EQ(explain_log("a\nJournalpoststatus endret tilbake fra E til F\n").items.at(0).cause, "transfer-failed");
}

TEST(Explain, ReportsWithoutALogLine) {
    for (const char* text : {"Mottakeren fikk brevet uten vedlegg", "Mottakeren fikk ikke vedlegget",
                             "Mottaker sier at vedlegget ikke var med", "Mottakeren fikk bare hoveddokumentet",
                             "The recipient only received the main document"}) {
        EXPECT_EQ(only(text).cause, "attachments-missing") << text;
    }
    for (const char* text : {"Hoveddokumentet mangler, bare vedlegget kom fram", "Mottakeren fikk bare vedlegget"}) {
        EXPECT_EQ(only(text).cause, "main-document-missing") << text;
    }
    EXPECT_EQ(only("Hei, mottakeren sier signeringsoppdraget aldri kom").cause, "signing-not-received");
    // A title over the limit is not a size problem.
    const Explanation title = only(
        "Sending til digital postboks eller elektronisk signering feilet: Klarte ikke å kø meldingen til levering. "
        "Vennligst sjekk verdiene og prøv på nytt: Tittel kan ikke overskride 80 tegn.");
    EXPECT_EQ(title.cause, "title-too-long");
    EXPECT_EQ(title.codes, std::vector<std::string>{"DP103"});
}

TEST(Explain, UnknownMessageSaysSoAndPointsToSupport) {
    const Result r = explain_log("Noe helt annet gikk galt med integrasjonen");
    ASSERT_EQ(r.items.size(), 1U);
    EXPECT_EQ(r.items[0].cause, "unknown");
    EXPECT_TRUE(r.needs_action());
    const std::string nb = render_text(r, RenderOptions::in(Lang::nb));
    EXPECT_NE(nb.find("Ukjent melding"), std::string::npos) << nb;
    EXPECT_NE(nb.find("brukerstøtten"), std::string::npos) << nb;
    const std::string en = render_text(r, RenderOptions::in(Lang::en));
    EXPECT_NE(en.find("Unknown message"), std::string::npos) << en;
    EXPECT_NE(en.find("support"), std::string::npos) << en;
    // A single message is explained even when it does not read like an error.
    EXPECT_EQ(only("hello").cause, "unknown");
}

TEST(Explain, EmptyInputExplainsNothingAndSaysSo) {
    for (const std::string input : {"", "\n\n  \r\n", "\xEF\xBB\xBF"}) {
        const Result r = explain_log(input);
        EXPECT_EQ(r.entries, 0U);
        EXPECT_TRUE(r.items.empty());
        EXPECT_FALSE(r.needs_action());
        EXPECT_EQ(render_text(r, RenderOptions::in(Lang::en)), "No log messages in the input: nothing to explain.\n");
        EXPECT_EQ(json::parse(render_json(r, RenderOptions::in(Lang::en))).at("explanations").size(), 0U);
    }
}

TEST(Explain, ALogOf10000LinesIsExplainedLineByLine) {
    // Ordinary lines, and among them the runbook's failures at known lines; the
    // delivered line for DIREKTORATET comes 9,000 lines before its LEVETID_UTLOPT.
    std::string log;
    std::vector<std::pair<std::size_t, std::string>> expected;
    const auto cases = runbook_cases();
    for (std::size_t line = 1; line <= 10000; ++line) {
        if (line == 500) {
            log += "Mottaker: DIREKTORATET Forsendelsesmåte: DPO Forsendelsesstatus oppdatert: LEVERT\n";
            expected.emplace_back(line, "delivered");
        } else if (line == 9500) {
            log += "Mottaker: DIREKTORATET Forsendelsesmåte: DPO Forsendelsesstatus oppdatert: LEVETID_UTLOPT\n";
            expected.emplace_back(line, "receipt-expired");
        } else if (line % 1000 == 0) {
            const auto& c = cases[(line / 1000) % cases.size()];
            log += c.text + "\n";
            expected.emplace_back(line, c.cause);
        } else {
            log += fmt::format("{:02}.07.2024 10:{:02} Journalpost 2024/{:05}-1 oppdatert av saksbehandler\n",
                               line % 28 + 1, line % 60, line);
        }
    }
    const Result r = explain_log(log);
    EXPECT_EQ(r.entries, 10000U);
    EXPECT_EQ(r.ignored, 10000U - expected.size());
    ASSERT_EQ(r.items.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(r.items[i].line, expected[i].first);
        EXPECT_EQ(r.items[i].cause, expected[i].second) << "line " << expected[i].first;
    }
    // The text groups them: each cause once, with its lines.
    const std::string text = render_text(r, RenderOptions::in(Lang::en));
    EXPECT_NE(text.find("10000 messages"), std::string::npos) << text.substr(0, 200);
}

TEST(Explain, SplitLogKeepsJsonBlocksTogetherAndReadsUtf16) {
    const auto entries = split_log("a\r\n\r\nb Content: {\r\n \"x\": \"}\"\r\n}\r\nc\n");
    ASSERT_EQ(entries.size(), 3U);
    EXPECT_EQ(entries[0].line, 1U);
    EXPECT_EQ(entries[1].line, 3U);
    EXPECT_EQ(entries[1].text, "b Content: {\n \"x\": \"}\"\n}");
    EXPECT_EQ(entries[2].line, 6U);
    EXPECT_EQ(entries[2].text, "c");
    // An object that never closes takes at most 200 JSON-like lines with it...
    std::string open = "x Content: {\n";
    for (int i = 0; i < 300; ++i) {
        open += "  \"key\": 1,\n";
    }
    EXPECT_EQ(split_log(open).size(), 1U + 100U);
    // "Content:" at the end of a line, the object on the next ones.
    const auto next = split_log("Sending feilet. Content:\n{\n  \"status\": 400\n}\nneste\n");
    ASSERT_EQ(next.size(), 2U);
    EXPECT_EQ(next[0].text, "Sending feilet. Content:\n{\n  \"status\": 400\n}");
    // An indented log with a cut-off object: the next entries stay entries.
    const auto indented = split_log("  08.07 a Content: {\"status\": 4\n  08.07 b\n\t08.07 c\n");
    EXPECT_EQ(indented.size(), 3U);
    // One key per line in typographic quotes (copied from a document) stays together.
    EXPECT_EQ(split_log("x Content: {\n\u201cstatus\u201d : 400,\n\u201cexception\u201d : \u201cy\u201d\n}\n").size(),
              1U);
    // A message is read up to 64 KiB.
    EXPECT_EQ(split_log(std::string(100000, 'a')).at(0).text.size(), 64U * 1024U);
    // ...and no log entry: a message cut off inside its JSON does not hide the next.
    const auto cut = split_log(
        "a Content: {\"status\": 400, \"mess\n"
        "10.07.2024 Sending feilet: Kan ikke levere digitalt, ugyldige verdier hos mottaker\n");
    ASSERT_EQ(cut.size(), 2U);
    EXPECT_EQ(cut[1].line, 2U);
    // UTF-16 LE with BOM, as Windows tools export: "æ\n" and "ø".
    const std::string utf16("\xFF\xFE\xE6\x00\x0A\x00\xF8\x00", 8);
    const auto wide = split_log(utf16);
    ASSERT_EQ(wide.size(), 2U);
    EXPECT_EQ(wide[0].text, "æ");
    EXPECT_EQ(wide[1].text, "ø");
    // Invalid UTF-8 is shown, not rejected.
    EXPECT_EQ(split_log("a\xFFz").at(0).text, "a\uFFFDz");
}

TEST(Explain, PersonalIdsAreMaskedInOutputUnlessAsked) {
    const std::string line =
        "Sending til digital postboks eller elektronisk signering feilet: Dispatch to Kari Nordmann (29129319060) "
        "failed. Content: {\"status\":400,\"exception\":\"x.ReceiverDoesNotAcceptProcessException\",\"message\":\"m\","
        "\"description\":\"SRParameter(identifier=29129319060)\"}";
    const Result r = explain_log(line);
    for (const bool as_json : {false, true}) {
        RenderOptions o = RenderOptions::in(Lang::nb);
        const std::string masked = as_json ? render_json(r, o) : render_text(r, o);
        EXPECT_EQ(masked.find("29129319060"), std::string::npos) << masked;
        EXPECT_NE(masked.find("291293*****"), std::string::npos);
        o.show_ids = true;
        const std::string shown = as_json ? render_json(r, o) : render_text(r, o);
        EXPECT_NE(shown.find("29129319060"), std::string::npos);
    }
    // The training environment's test person gets its remark; a masked number (any
    // person born 29.12.93, as Elements shows it) does not.
    EXPECT_NE(std::find(r.items[0].notes.begin(), r.items[0].notes.end(), "explain.note.training-person"),
              r.items[0].notes.end());
    EXPECT_TRUE(only("Dispatch to Kari (291293*****) failed: Kan ikke levere digitalt, ugyldige verdier hos mottaker")
                    .notes.empty());
    // JSON keeps a multi-line message's line breaks (as \n, not as text).
    const Result multi = explain_log("Sending feilet. Content: {\n  \"exception\": \"x.FilenameTooLongException\"\n}");
    const json j = json::parse(render_json(multi, RenderOptions::in(Lang::en)));
    EXPECT_EQ(j.at("explanations").at(0).at("text"),
              "Sending feilet. Content: {\n  \"exception\": \"x.FilenameTooLongException\"\n}");
}

TEST(Explain, EveryCauseHasAllTextsAndOnlyRegisteredChecks) {
    for (const auto& c : causes()) {
        for (const char* part : {"title", "what", "manager", "handler"}) {
            EXPECT_TRUE(catalogue::has(fmt::format("explain.{}.{}", c.id, part))) << c.id << "." << part;
        }
        for (const auto code : c.codes) {
            EXPECT_NE(builtin_checks().find(code), nullptr) << c.id << ": " << code;
        }
    }
    EXPECT_THROW((void)cause("no-such-cause"), std::out_of_range);
}

// ---- statuses

namespace {

std::string at(std::chrono::system_clock::time_point t) {
    const auto s = std::chrono::floor<std::chrono::seconds>(t);
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}.123+00:00", s);
}

json status(long id, const std::string& message, const std::string& st, std::chrono::system_clock::time_point t,
            const std::string& description = "") {
    json j = {{"id", id},     {"convId", 1},         {"messageId", message}, {"conversationId", message},
              {"status", st}, {"lastUpdate", at(t)}, {"rawReceipt", nullptr}};
    j["description"] = description.empty() ? json(nullptr) : json(description);
    return j;
}

}  // namespace

TEST(ExplainStatuses, AnExportIsSortedIntoActWaitAndFine) {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto h = [&](int hours) { return now - std::chrono::hours(hours); };
    json content = json::array({
        status(1, "m-delivered", "OPPRETTET", h(30)),
        status(2, "m-delivered", "SENDT", h(30)),
        status(3, "m-delivered", "LEVERT", h(29)),
        status(4, "m-expired-ok", "SENDT", h(50)),
        status(5, "m-expired-ok", "LEST", h(49)),
        status(6, "m-expired-ok", "LEVETID_UTLOPT", h(26)),
        status(7, "m-expired-bad", "SENDT", h(50)),
        status(8, "m-expired-bad", "LEVETID_UTLOPT", h(26)),
        status(9, "m-returned", "SENDT", h(100)),
        status(10, "m-returned", "LEVERT", h(99),
               "Kvittering fra utskrift og forsendelsestjenesten om at melding er mottatt og lagt til print"),
        status(11, "m-returned", "FEIL", h(20),
               "Kvittering fra utskrift og forsendelsestjenesten om at posten ikke har blitt levert til Mottaker."),
        status(12, "m-eboks", "SENDT", h(40)),
        status(13, "m-new", "OPPRETTET", now - minutes(5)),
        status(14, "m-stuck", "OPPRETTET", h(3)),
        status(15, "m-failed", "SENDT", h(25)),
        status(16, "m-failed", "FEIL", h(1), "Generell melding om at det har skjedd en feil"),
        status(17, "m-notice", "LEVERT", h(5)),
        status(18, "m-notice", "FEIL", h(4), "Kvittering for at en spesifisert varsling ikke har blitt sendt"),
        status(19, "m-odd", "NOE_NYTT", h(2)),
    });
    // Out of order in the export: the latest status is found by time.
    std::swap(content[0], content[2]);
    const json page = {{"content", content}, {"totalElements", content.size()}, {"number", 0}};
    const StatusResult r = sort_statuses(page.dump(), "statuses.json", now);
    EXPECT_EQ(r.statuses, 19U);
    ASSERT_EQ(r.messages.size(), 10U);
    std::map<std::string, std::pair<Kind, std::string>> got;
    for (const auto& m : r.messages) {
        got[m.message_id] = {m.kind, m.reason};
    }
    EXPECT_EQ(got["m-delivered"], std::make_pair(Kind::fine, std::string("explain.status.delivered")));
    EXPECT_EQ(got["m-expired-ok"], std::make_pair(Kind::act, std::string("explain.status.receipt-expired")));
    EXPECT_EQ(got["m-expired-bad"],
              std::make_pair(Kind::act, std::string("explain.status.receipt-expired-undelivered")));
    EXPECT_EQ(got["m-returned"], std::make_pair(Kind::act, std::string("explain.status.return-mail")));
    EXPECT_EQ(got["m-eboks"], std::make_pair(Kind::wait, std::string("explain.status.sent-unknown")));
    EXPECT_EQ(got["m-new"], std::make_pair(Kind::wait, std::string("explain.status.created")));
    EXPECT_EQ(got["m-stuck"], std::make_pair(Kind::act, std::string("explain.status.created-stuck")));
    EXPECT_EQ(got["m-failed"], std::make_pair(Kind::act, std::string("explain.status.error")));
    EXPECT_EQ(got["m-notice"], std::make_pair(Kind::wait, std::string("explain.status.notification-failed")));
    EXPECT_EQ(got["m-odd"], std::make_pair(Kind::unknown, std::string("explain.status.unknown")));
    // Act first, then unknown, wait, fine.
    EXPECT_EQ(r.messages.front().kind, Kind::act);
    EXPECT_EQ(r.messages.back().kind, Kind::fine);
    EXPECT_EQ(r.count(Kind::act), 5U);
    EXPECT_EQ(r.count(Kind::wait), 3U);
    EXPECT_EQ(r.count(Kind::fine), 1U);
    // Within a category, oldest first.
    for (std::size_t i = 1; i < r.messages.size(); ++i) {
        if (r.messages[i].kind == r.messages[i - 1].kind) {
            EXPECT_LE(*r.messages[i - 1].updated, *r.messages[i].updated) << r.messages[i].message_id;
        }
    }
    const std::string text = render_text(r, RenderOptions::in(Lang::en));
    EXPECT_NE(text.find("6 act now"), std::string::npos) << text;  // act + unknown are listed together
    EXPECT_LT(text.find("ACT NOW"), text.find("WAIT"));
    EXPECT_LT(text.find("WAIT"), text.find("FINE"));
    EXPECT_NE(text.find("back to LEST"), std::string::npos) << text;
    const json j = json::parse(render_json(r, RenderOptions::in(Lang::nb)));
    EXPECT_EQ(j.at("summary").at("act"), 5);
    EXPECT_EQ(j.at("messages").at(0).at("category"), "act");
}

TEST(ExplainStatuses, ConversationsExportKnowsTheServiceAndReceiver) {
    const auto now = std::chrono::system_clock::now();
    const json conversations = {
        {"content",
         json::array({{{"messageId", "c1"},
                       {"conversationId", "c1"},
                       {"serviceIdentifier", "DPI"},
                       {"messageTitle", "Vedtak om studieplass"},
                       {"receiverIdentifier", "29129319060"},
                       {"messageStatuses", json::array({status(1, "c1", "OPPRETTET", now - std::chrono::hours(3)),
                                                        status(2, "c1", "SENDT", now - std::chrono::hours(3))})}}})}};
    const StatusResult r = sort_statuses(conversations.dump(), "conversations.json", now);
    ASSERT_EQ(r.messages.size(), 1U);
    EXPECT_EQ(r.messages[0].service, "DPI");
    EXPECT_EQ(r.messages[0].reason, "explain.status.sent-dpi");
    EXPECT_EQ(r.messages[0].history, "OPPRETTET, SENDT");
    const std::string text = render_text(r, RenderOptions::in(Lang::nb));
    EXPECT_NE(text.find("«Vedtak om studieplass» DPI → 291293*****"), std::string::npos) << text;
}

TEST(ExplainStatuses, DpiSentForOverADayIsToBeChecked) {
    const auto now = std::chrono::system_clock::now();
    const auto conversation = [&](int hours, const std::string& last) {
        return json{
            {"content", json::array({{{"messageId", "c"},
                                      {"serviceIdentifier", "DPI"},
                                      {"messageStatuses",
                                       json::array({status(1, "c", "SENDT", now - std::chrono::hours(hours)),
                                                    status(2, "c", last, now - std::chrono::hours(hours))})}}})}}
            .dump();
    };
    EXPECT_EQ(sort_statuses(conversation(30, "SENDT"), "f", now).messages.at(0).reason, "explain.status.sent-dpi-old");
    EXPECT_EQ(sort_statuses(conversation(30, "SENDT"), "f", now).messages.at(0).kind, Kind::act);
    EXPECT_EQ(sort_statuses(conversation(2, "SENDT"), "f", now).messages.at(0).kind, Kind::wait);
    EXPECT_EQ(sort_statuses(conversation(30, "LEVETID_UTLOPT"), "f", now).messages.at(0).reason,
              "explain.status.dpi-expired");
    // Statuses without any id are not merged into one message.
    const json loose = json::array({{{"status", "FEIL"}, {"lastUpdate", "2024-07-01T10:00:00Z"}},
                                    {{"status", "LEVERT"}, {"lastUpdate", "2024-07-02T10:00:00Z"}}});
    EXPECT_EQ(sort_statuses(loose.dump(), "f", now).messages.size(), 2U);
}

TEST(ExplainStatuses, TimesFarFromNowAreComparedWithoutOverflow) {
    // Found by fuzz_statuses: a year past 2262 overflowed system_clock's nanoseconds.
    const auto now = std::chrono::system_clock::now();
    const auto sent_at = [&](const std::string& when) {
        const json doc =
            json::array({{{"messageId", "c"},
                          {"serviceIdentifier", "DPI"},
                          {"messageStatuses", json::array({{{"id", 1}, {"status", "SENDT"}, {"lastUpdate", when}}})}}});
        return sort_statuses(doc.dump(), "f", now).messages.at(0);
    };
    EXPECT_EQ(sent_at("0001-01-01T00:00:00Z").reason, "explain.status.sent-dpi-old");
    EXPECT_EQ(sent_at("9999-12-31T23:59:59+14:00").kind, Kind::wait);
    EXPECT_EQ(sent_at("4048-07-08T09:30:01.000+02:00").kind, Kind::wait);
}

TEST(ExplainStatuses, BadInputNamesTheFileAndPlace) {
    const auto now = std::chrono::system_clock::now();
    try {
        (void)sort_statuses("{\"content\": [\n  {\"status\": }\n]}", "export.json", now);
        FAIL() << "no error";
    } catch (const UsageError& e) {
        EXPECT_EQ(e.message_id(), "error.manifest.syntax");
        const std::string msg = catalogue::text(e.message_id(), Lang::en, e.args());
        EXPECT_EQ(msg.rfind("export.json:2:", 0), 0U) << msg;
    }
    try {
        (void)sort_statuses("{\"content\": []}", "empty.json", now);
        FAIL() << "no error";
    } catch (const UsageError& e) {
        EXPECT_EQ(e.message_id(), "error.explain.no-statuses");
    }
}

TEST(ExplainStatuses, ParsesTheIntegrasjonspunktsTimes) {
    using namespace std::chrono;
    const auto utc = parse_time("2024-07-09T08:15:30Z");
    ASSERT_TRUE(utc);
    EXPECT_EQ(parse_time("2024-07-09T10:15:30.123+02:00"), utc);
    EXPECT_EQ(parse_time("2024-07-09T08:15:30"), utc);
    EXPECT_EQ(parse_time("2024-07-09T03:15:30-0500"), utc);
    EXPECT_FALSE(parse_time("2024-02-30T00:00:00Z"));
    EXPECT_FALSE(parse_time("yesterday"));
    EXPECT_FALSE(parse_time("2024-07-09T08:15:30+02"));
}
