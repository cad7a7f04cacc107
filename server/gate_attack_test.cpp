// The gate attacked as an outsider would (issue 21; docs/gate.md, "Failing closed"):
// every spelling of a checked request, every Content-Disposition readers disagree on,
// ambiguous framing, refused uploads, upstream faults and identifiers in answers and
// logs. Each attempt asserts what the fake integrasjonspunkt received: nothing of a
// stopped letter, the letter byte for byte at its canonical path when it is good.
// The fake routes as leniently as a real integrasjonspunkt could be set up to, so an
// attempt that slipped through unchecked would show there as a stored or sent letter.
//
// Every attempt is also printed as a row "attempt | expected | observed" (the table
// of docs/gate.md): `ctest -R GateAttack -V | grep '^attack |'`.
#include "tests/gate_harness.hpp"

#include <fmt/format.h>

#include <functional>
#include <iostream>

namespace preflight::server {
namespace {

using namespace testing_gate;  // NOLINT(google-build-using-namespace)
using json = nlohmann::json;
using namespace std::chrono_literals;

const std::string kPrintId = "edeabd15-b8dd-4519-8f91-54a20477e629";  // fixtures/gate/dpi-print.sbd.json

// The first finding code in a blocked answer's message, or the exception's last word.
std::string verdict_of(const Response& r) {
    if (r.status == 0) {
        return "no answer";
    }
    std::string what = std::to_string(r.status);
    const auto j = json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("findings") && j.at("findings").is_array() && !j.at("findings").empty()) {
        what += " " + j.at("findings").at(0).at("code").get<std::string>();
    } else if (j.is_object() && j.contains("exception") && j.at("exception").is_string()) {
        const auto e = j.at("exception").get<std::string>();
        what += " " + e.substr(e.rfind('.') + 1);
    }
    return what;
}

class GateAttack : public GateTest {
protected:
    // Records a row of the table and checks it.
    void row(const std::string& attempt, const std::string& expected, const std::string& observed) {
        std::cout << "attack | " << attempt << " | " << expected << " | " << observed << "\n";
        EXPECT_EQ(observed, expected) << attempt;
    }
    // What reached the upstream since `before` requests, in words.
    [[nodiscard]] std::string reached(std::size_t before) const {
        const auto all = ip_.requests();
        if (all.size() == before) {
            return "upstream got nothing";
        }
        std::string out = "upstream got";
        for (std::size_t i = before; i < all.size(); ++i) {
            out += " " + all[i].method + " " + all[i].target;
        }
        return out;
    }
    Response raw_request(const std::string& method, const std::string& target, const std::string& body,
                         const std::vector<std::string>& headers) {
        return exchange(port_, method, target, body, headers);
    }
    Response put_file(const std::string& target, const std::string& disposition, const std::string& bytes,
                      const std::string& type = "application/pdf") {
        return exchange(port_, "PUT", target, bytes, {"Content-Type: " + type, "Content-Disposition: " + disposition});
    }
    // Creates a copy of `seq`'s message under the message id `id`.
    void create_as(const Sequence& seq, const std::string& id) {
        json sbd = json::parse(seq.sbd);
        sbd["standardBusinessDocumentHeader"]["documentIdentification"]["instanceIdentifier"] = id;
        const auto r = create(sbd.dump());
        ASSERT_EQ(r.status, 200) << r.body;
    }
    // Creates the DPI letter with its main document, then sends it while the upstream
    // drops the connection: a send whose outcome is unknown. Returns its message id.
    std::string send_into_the_dark() {
        const auto seq = sequences()[0];
        const std::string id = message_id_of(seq.sbd);
        EXPECT_EQ(create(seq.sbd).status, 200);
        EXPECT_EQ(upload(id, "Vedtak om studieplass", "vedtak.pdf", letter_).status, 200);
        ip_.set_dropping(true);
        EXPECT_EQ(send_message(id).status, 502);
        ip_.set_dropping(false);
        return id;
    }
    void create_print_letter() {
        const auto r = create(sequences()[1].sbd);
        ASSERT_EQ(r.status, 200) << r.body;
    }
    const std::string slides_ = slurp(source("fixtures/example/vedlegg/presentasjon.pdf"));
    const std::string letter_ = slurp(source("fixtures/example/vedtak.pdf"));
};

// Spellings of /api/messages/out/{id} that Tomcat and Spring read as that path.
std::vector<std::string> spellings_of_message(const std::string& id) {
    return {
        "/api/messages/out/" + id + "/",
        "//api/messages/out/" + id,
        "/api//messages/out//" + id,
        "/api/messages/%6Fut/" + id,
        "/api/messages/%6fut/" + id,
        "/%61pi/messages/out/" + id,
        "/api/messages/out;jsessionid=1/" + id,
        "/api/messages/out/" + id + ";jsessionid=1",
        "/api/messages/./out/" + id,
        "/api/messages/x/../out/" + id,
        "/api/messages/%2e/out/" + id,
        "/api/messages/x/%2E%2E/out/" + id,
        "/api/messages/out/" + id + "/.",
        "/api/messages/out/" + id + "/x/..",
        "http://integrasjonspunkt:9093/api/messages/out/" + id,
        "HTTPS://x/api/messages/out/" + id + "/",
        "/api/messages/out/" + id + "?title=Informasjon",
    };
}

TEST_F(GateAttack, EverySpellingOfAnUploadIsChecked) {
    start();
    create_print_letter();
    for (const auto& target : spellings_of_message(kPrintId)) {
        const std::size_t before = ip_.requests().size();
        const auto r = put_file(target, "attachment; name=Informasjon; filename=presentasjon.pdf", slides_);
        row("PUT " + target + " (slides to print)", "400 DP301, upstream got nothing",
            verdict_of(r) + ", " + reached(before));
    }
    EXPECT_TRUE(ip_.files(kPrintId).empty());
    // Every one was refused, so the letter is incomplete: no spelling of its send goes.
    for (const auto& target : spellings_of_message(kPrintId)) {
        const std::size_t before = ip_.requests().size();
        const auto r = exchange(port_, "POST", target);
        row("POST " + target + " (send after refused uploads)", "400 DP301, upstream got nothing",
            verdict_of(r) + ", " + reached(before));
    }
    EXPECT_TRUE(ip_.sent_ids().empty());
}

TEST_F(GateAttack, EverySpellingOfACreateAndAMultipartIsChecked) {
    start();
    json sbd = json::parse(sequences()[1].sbd);
    sbd["standardBusinessDocumentHeader"]["receiver"][0]["identifier"]["value"] = "01818500278";  // bad checksum
    const std::vector<std::string> creates{
        "/api/messages/out/",         "//api/messages/out",         "/api/messages/%6Fut", "/api/messages/out;x=1",
        "/api/x/../messages/./out/.", "http://ip/api/messages/out", "/api/messages/out/;"};
    for (const auto& target : creates) {
        const std::size_t before = ip_.requests().size();
        const auto r = exchange(port_, "POST", target, sbd.dump(), {"Content-Type: application/json"});
        row("POST " + target + " (receiver with a bad checksum)", "400 DP502, upstream got nothing",
            verdict_of(r) + ", " + reached(before));
    }
    const auto seq = sequences()[1];  // print: slides must stop it
    const std::string body = multipart({{"sbd", std::nullopt, "application/json", seq.sbd},
                                        {"Vedtak om studieplass", "vedtak.pdf", "application/pdf", letter_},
                                        {"Informasjon", "presentasjon.pdf", "application/pdf", slides_}});
    for (const auto& target : {"/api/messages/out/multipart/", "//api/messages/out/multipart",
                               "/api/messages/out/%6Dultipart", "/api/messages/out/multipart;jsessionid=2",
                               "/api/messages/in/../out/multipart", "http://ip:9093/api/messages/out/multipart"}) {
        const std::size_t before = ip_.requests().size();
        const auto r = exchange(port_, "POST", target, body, multipart_headers());
        row(std::string("POST ") + target + " (multipart, slides to print)", "400 DP301, upstream got nothing",
            verdict_of(r) + ", " + reached(before));
    }
    EXPECT_TRUE(ip_.messages().empty());
}

TEST_F(GateAttack, MultipartBodiesReadersDisagreeOnAreRefused) {
    start();
    const auto seq = sequences()[1];  // print: slides must stop it
    const std::string target = "/api/messages/out/multipart";
    const Part sbd{"sbd", std::nullopt, "application/json", seq.sbd};
    const Part letter{"Vedtak om studieplass", "vedtak.pdf", "application/pdf", letter_};
    struct Attempt {
        std::string what;
        std::string body;
        std::vector<std::string> headers;
        std::string target;
        std::string expected;
    };
    std::string folded = multipart({sbd, letter});
    folded.replace(folded.find("; filename=\"vedtak.pdf\""), std::string("; filename=\"vedtak.pdf\"").size(),
                   ";\r\n filename=\"vedtak.pdf\"");
    const std::vector<Attempt> attempts{
        {"the sbd as a file part", multipart({{"sbd", "sbd.json", "application/json", seq.sbd}, letter}),
         multipart_headers(), target, "400 AmbiguousRequest"},
        {"?sbd= in the query", multipart({sbd, letter}), multipart_headers(), target + "?sbd=%7B%7D",
         "400 AmbiguousRequest"},
        {"two sbd parts", multipart({sbd, sbd, letter}), multipart_headers(), target, "400 AmbiguousRequest"},
        {"a boundary with a comma (Tomcat splits it)",
         multipart({sbd, letter}),
         {"Content-Type: multipart/form-data; boundary=" + kBoundary + ",x"},
         target,
         "400 MalformedRequest"},
        {"two boundary parameters",
         multipart({sbd, letter}),
         {"Content-Type: multipart/form-data; boundary=x; boundary=" + kBoundary},
         target,
         "400 MalformedRequest"},
        {"a folded part header", folded, multipart_headers(), target, "400 MalformedMultipart"},
        {"a file part named \" sbd\" (Tomcat trims the name)",
         multipart({sbd, {" sbd", "meta.json", "application/json", seq.sbd}, letter}), multipart_headers(), target,
         "400 MalformedMultipart"},
        {"an escaped quote outside quotes in a part's disposition",
         multipart(
             {sbd, {"f\"; x=\\\"; filename*=UTF-8''presentasjon.pdf; y=\"", "vedtak.pdf", "application/pdf", slides_}}),
         multipart_headers(), target, "400 MalformedMultipart"},
        {"an RFC 2047 word in a part's name",
         multipart({sbd, {"=?UTF-8?Q?sbd?=", "meta.json", "application/json", seq.sbd}, letter}), multipart_headers(),
         target, "400 MalformedMultipart"},
        {"boundary* beside boundary",
         multipart({sbd, letter}),
         {"Content-Type: multipart/form-data; boundary*=UTF-8''x; boundary=" + kBoundary},
         target,
         "400 MalformedRequest"},
        {"a Content-Type Spring cannot parse (it would route a send of \"multipart\")",
         multipart({sbd, letter}),
         {"Content-Type: multipart/form-data; boundary=" + kBoundary + "; x=a/b"},
         target,
         "400 MalformedRequest"},
        {"two filename parameters in a part",
         multipart({sbd, {"Vedlegg\"; filename=\"vedtak.pdf", "presentasjon.pdf", "application/pdf", slides_}}),
         multipart_headers(), target, "400 MalformedMultipart"},
    };
    for (const auto& a : attempts) {
        const std::size_t before = ip_.requests().size();
        const auto r = exchange(port_, "POST", a.target, a.body, a.headers);
        row("multipart: " + a.what, a.expected + ", upstream got nothing", verdict_of(r) + ", " + reached(before));
    }
    EXPECT_TRUE(ip_.messages().empty());
}

TEST_F(GateAttack, AGoodLetterSpelledOddlyArrivesWholeAtItsCanonicalPath) {
    start();
    const auto seq = sequences()[0];  // DPI digital, two documents
    const std::string id = message_id_of(seq.sbd);
    auto r = exchange(port_, "POST", "/api/messages/out/", seq.sbd, {"Content-Type: application/json"});
    ASSERT_EQ(r.status, 200) << r.body;
    const std::vector<std::string> targets{"//api/messages/%6Fut/" + id + ";jsessionid=7",
                                           "http://ip/api/messages/out/" + id + "/?title=Klageskjema"};
    for (std::size_t i = 0; i < seq.files.size(); ++i) {
        const auto& f = seq.files[i];
        r = put_file(targets[i], "attachment; name=\"" + f.name + "\"; filename=\"" + f.filename + "\"", slurp(f.path));
        ASSERT_EQ(r.status, 200) << r.body;
    }
    r = exchange(port_, "POST", "/api/messages/./out/" + id + "/.");
    row("a good letter: create, uploads and send spelled oddly", "200, sent whole",
        std::to_string(r.status) + (ip_.sent_ids() == std::vector<std::string>{id} ? ", sent whole" : ", not sent"));
    const auto requests = ip_.requests();
    ASSERT_EQ(requests.size(), 4U);
    EXPECT_EQ(requests[0].target, "/api/messages/out");
    EXPECT_EQ(requests[0].body, seq.sbd);
    EXPECT_EQ(requests[1].target, "/api/messages/out/" + id);
    EXPECT_EQ(requests[2].target, "/api/messages/out/" + id + "?title=Klageskjema");
    EXPECT_EQ(requests[3].target, "/api/messages/out/" + id);
    const auto files = ip_.files(id);
    ASSERT_EQ(files.size(), 2U);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(files[i].bytes, slurp(seq.files[i].path));
        EXPECT_EQ(files[i].filename, seq.files[i].filename);
    }
}

TEST_F(GateAttack, WhatCannotBePlacedIsRefusedAndNothingForwarded) {
    start();
    create_print_letter();
    const std::string out = "/api/messages/out/";
    const std::vector<std::pair<std::string, std::string>> attempts{
        {"PUT", "/api/messages/out%2F" + kPrintId},
        {"PUT", "/api/messages/out%2f" + kPrintId},
        {"PUT", "/api/messages/out%5C" + kPrintId},
        {"PUT", out + kPrintId + "%00"},
        {"PUT", "/api/messages/out%3B/" + kPrintId},
        {"PUT", out + kPrintId + "%"},
        {"PUT", out + kPrintId + "%zz"},
        {"PUT", out + kPrintId + "/extra"},
        {"POST", out + kPrintId + "/x/y"},
        {"GET", out + kPrintId + "/files"},
        {"PUT", "/../api/messages/out/" + kPrintId},
        {"PUT", "/api/%2e%2e/%2e%2e/api/messages/out/" + kPrintId},
        {"PUT", "ftp://ip/api/messages/out/" + kPrintId},
        {"PATCH", out + kPrintId},
        {"TRACE", "/api/statuses"},
        {"PROPFIND", "/api/messages/out"},
        {"put", out + kPrintId},
    };
    for (const auto& [method, target] : attempts) {
        const std::size_t before = ip_.requests().size();
        const auto r = exchange(port_, method, target, method == "GET" ? "" : slides_,
                                {"Content-Type: application/pdf",
                                 "Content-Disposition: attachment; name=Informasjon; filename=presentasjon.pdf"});
        const std::string expected =
            std::string("400 ") +
            (method == "PATCH" || method == "TRACE" || method == "PROPFIND" || method == "put" ? "MethodNotServed"
                                                                                               : "UnplaceableRequest") +
            ", upstream got nothing";
        row(method + " " + target, expected, verdict_of(r) + ", " + reached(before));
    }
    EXPECT_TRUE(ip_.files(kPrintId).empty());
}

TEST_F(GateAttack, ContentDispositionsReadersDisagreeOnAreRefusedAndPoisonTheSend) {
    start();
    create_print_letter();
    const std::string target = "/api/messages/out/" + kPrintId;
    const std::string damaged = slurp(source("fixtures/pdf/kids_cycle.pdf"));
    for (const auto& disposition : std::vector<std::string>{
             "attachment; name=Vedlegg; filename=vedtak.pdf; filename=presentasjon.pdf",
             "attachment; name=Vedlegg; filename=presentasjon.pdf; filename*=UTF-8''vedtak.pdf",
             "attachment; name=Vedlegg; FILENAME=presentasjon.pdf; filename=vedtak.pdf",
             "attachment; name=Vedlegg; filename =presentasjon.pdf",
             R"(attachment; name=Vedlegg; filename="vedtak.pdf\"; x=\".pdf")",
             "attachment; name=Vedlegg; filename==?UTF-8?Q?vedtak.pdf?=",
             "attachment; name=Vedlegg; filename*=UTF8''vedtak.pdf",
             "attachment; name=Vedlegg; name=Informasjon; filename=vedtak.pdf",
         }) {
        const std::size_t before = ip_.requests().size();
        const auto r = put_file(target, disposition, damaged);
        row("PUT with Content-Disposition: " + disposition, "400 AmbiguousRequest, upstream got nothing",
            verdict_of(r) + ", " + reached(before));
    }
    // Two Content-Disposition headers, and an upload Spring would read as a form.
    std::size_t before = ip_.requests().size();
    auto r = raw_request("PUT", target, damaged,
                         {"Content-Type: application/pdf", "Content-Disposition: attachment; filename=vedtak.pdf",
                          "Content-Disposition: attachment; filename=presentasjon.pdf"});
    row("PUT with two Content-Disposition headers", "400 AmbiguousRequest, upstream got nothing",
        verdict_of(r) + ", " + reached(before));
    before = ip_.requests().size();
    r = put_file(target, "attachment; filename=vedtak.pdf", "title=" + std::string(200, 'x'),
                 "application/x-www-form-urlencoded");
    row("PUT as application/x-www-form-urlencoded (title in the body)", "400 AmbiguousRequest, upstream got nothing",
        verdict_of(r) + ", " + reached(before));
    before = ip_.requests().size();
    r = put_file(target + "?title=Vedtak&title=" + std::string(120, 'x'), "attachment; filename=vedtak.pdf", letter_);
    row("PUT with ?title= twice", "400 AmbiguousRequest, upstream got nothing", verdict_of(r) + ", " + reached(before));
    std::string many;
    for (int i = 0; i < 1000; ++i) {
        many += "p" + std::to_string(i) + "&";
    }
    before = ip_.requests().size();
    r = put_file(target + "?" + many + "title=Vedtak",
                 "attachment; name=" + std::string(120, 'x') + "; filename=vedtak.pdf", letter_);
    row("PUT with ?title= after 1,000 parameters (Tomcat stops reading)", "400 AmbiguousRequest, upstream got nothing",
        verdict_of(r) + ", " + reached(before));
    // Not one of them reached the upstream, and the letter cannot be sent now.
    before = ip_.requests().size();
    r = send_message(kPrintId);
    row("POST send after the refused uploads", "400 IncompleteMessage, upstream got nothing",
        verdict_of(r) + ", " + reached(before));
    EXPECT_TRUE(ip_.sent_ids().empty());
}

TEST_F(GateAttack, AFileIsWhatItsContentSaysNotOnlyWhatItsNameSays) {
    start();
    const auto seq = sequences()[2];  // DPO with arkivmelding.xml
    const std::string id = message_id_of(seq.sbd);
    ASSERT_EQ(create(seq.sbd).status, 200);
    const std::size_t before = ip_.requests().size();
    // A damaged PDF under the name the SBD gives arkivmelding.xml: judged as a document.
    const auto r = put_file("/api/messages/out/" + id, "attachment; name=arkivmelding; filename=arkivmelding.xml",
                            slurp(source("fixtures/pdf/kids_cycle.pdf")), "application/xml");
    row("a damaged PDF uploaded as arkivmelding.xml", "400 DP303, upstream got nothing",
        verdict_of(r) + ", " + reached(before));
    // The real arkivmelding.xml still goes on unjudged.
    const auto ok = put_file("/api/messages/out/" + id, "attachment; name=arkivmelding; filename=arkivmelding.xml",
                             slurp(seq.files[0].path), "application/xml");
    EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(GateAttack, EveryRefusedUploadMakesTheSendRefused) {
    GateSettings s;
    s.max_body_bytes = 64 * 1024;
    start(s);
    const auto seq = sequences()[0];
    const std::string good = "attachment; name=\"Vedtak om studieplass\"; filename=vedtak.pdf";
    const std::string small = slurp(source("fixtures/pdf/a4_portrait.pdf"));
    struct Attempt {
        std::string what;
        std::string expected;
        std::function<Response(const std::string&)> run;
    };
    const std::vector<Attempt> attempts{
        {"an upload without a file name", "400 NoFilename",
         [&](const std::string& t) { return put_file(t, "attachment; name=Vedtak", small); }},
        {"an upload over the size cap", "413 PayloadTooLarge",
         [&](const std::string& t) { return put_file(t, good, std::string(100 * 1024, 'x')); }},
        {"an upload with a malformed query", "400 AmbiguousRequest",
         [&](const std::string& t) { return put_file(t + "?title=%ZZ", good, small); }},
        {"an upload the upstream answers 500", "500 IllegalStateException",
         [&](const std::string& t) {
             ip_.set_failing(true);
             auto r = put_file(t, good, small);
             ip_.set_failing(false);
             return r;
         }},
        {"an upload whose answer broke off", "502 UpstreamOutcomeUnknown",
         [&](const std::string& t) {
             ip_.set_truncating(true);
             auto r = put_file(t, good, small);
             ip_.set_truncating(false);
             return r;
         }},
    };
    int n = 0;
    for (const auto& a : attempts) {
        // A message of its own: created, the main document refused this way, then sent.
        const std::string id = fmt::format("0f7c1a52-5d1e-4c55-9f0e-{:012}", ++n);
        ASSERT_NO_FATAL_FAILURE(create_as(seq, id));
        const auto r = a.run("/api/messages/out/" + id);
        row(a.what, a.expected, verdict_of(r));
        // The upstream may or may not have the file (500, broken off): either way the
        // gate does not let the send go.
        const std::size_t before = ip_.requests().size();
        const auto sent = send_message(id);
        row("POST send after " + a.what, "400 IncompleteMessage, upstream got nothing",
            verdict_of(sent) + ", " + reached(before));
    }
    EXPECT_TRUE(ip_.sent_ids().empty());
}

TEST_F(GateAttack, TheUpstreamsFaultsAreToldTruthfully) {
    GateSettings s;
    s.upstream_timeout = 500ms;
    s.unknown_outcome_settle = std::chrono::seconds(3600);
    start(s);
    const auto seq = sequences()[0];
    const std::string id = message_id_of(seq.sbd);
    // An answer to a create that breaks off after its status line: an error, no state.
    ip_.set_truncating(true);
    auto r = create(seq.sbd);
    ip_.set_truncating(false);
    row("create whose answer breaks off", "502 UpstreamOutcomeUnknown", verdict_of(r));
    r = upload(id, "Vedtak om studieplass", "vedtak.pdf", letter_);
    row("upload to that message", "400 UnknownMessage", verdict_of(r));
    EXPECT_TRUE(ip_.files(id).empty());

    // A send that times out after the upstream took it: the letter may have gone.
    json sbd = json::parse(seq.sbd);
    const std::string sent_id = "1b2c3d4e-0000-4000-8000-000000000001";
    sbd["standardBusinessDocumentHeader"]["documentIdentification"]["instanceIdentifier"] = sent_id;
    ASSERT_EQ(create(sbd.dump()).status, 200);
    ASSERT_EQ(upload(sent_id, "Vedtak om studieplass", "vedtak.pdf", letter_).status, 200);
    ip_.hold();  // no answer until released: the timeout fires however slow the machine
    r = send_message(sent_id);
    ip_.release();
    row("send that times out (the upstream sent it)", "504 UpstreamOutcomeUnknown", verdict_of(r));
    const std::string text = r.body_json().at("message").get<std::string>();
    EXPECT_NE(text.find("kan være sendt"), std::string::npos) << text;
    EXPECT_EQ(text.find("ikke sendt"), std::string::npos) << text;
    r = send_message(sent_id);
    row("resend of it (statuses say SENDT)", "400 AlreadySent, sent once",
        verdict_of(r) +
            (ip_.sent_ids().size() == 1 ? ", sent once" : ", sent " + std::to_string(ip_.sent_ids().size())));

    // A send whose connection drops before the upstream acted: unknown until the
    // statuses have shown only OPPRETTET for the settle time.
    sbd["standardBusinessDocumentHeader"]["documentIdentification"]["instanceIdentifier"] =
        "1b2c3d4e-0000-4000-8000-000000000002";
    const std::string lost_id = "1b2c3d4e-0000-4000-8000-000000000002";
    ASSERT_EQ(create(sbd.dump()).status, 200);
    ASSERT_EQ(upload(lost_id, "Vedtak om studieplass", "vedtak.pdf", letter_).status, 200);
    ip_.set_dropping(true);
    r = send_message(lost_id);
    ip_.set_dropping(false);
    row("send whose connection drops", "502 UpstreamOutcomeUnknown", verdict_of(r));
    std::size_t before = ip_.requests().size();
    r = send_message(lost_id);
    const auto after = ip_.requests();
    const bool only_status =
        after.size() == before + 1 && after.back().method == "GET" && after.back().target == "/api/statuses/" + lost_id;
    row("resend before the status is known", "400 OutcomeUnknown, upstream asked for statuses only",
        verdict_of(r) + (only_status ? ", upstream asked for statuses only" : ", " + reached(before)));
    EXPECT_EQ(ip_.sent_ids().size(), 1U);
}

TEST_F(GateAttack, AResendGoesOnceTheStatusesShowItWasNotSent) {
    GateSettings s;
    s.unknown_outcome_settle = std::chrono::seconds(0);
    start(s);
    const std::string id = send_into_the_dark();
    const auto r = send_message(id);
    row("resend once the statuses show only OPPRETTET (settle 0 s)", "200, sent once",
        std::to_string(r.status) + (ip_.sent_ids() == std::vector<std::string>{id} ? ", sent once" : ", not sent"));
}

TEST_F(GateAttack, AmbiguousFramingIsRefusedOnEveryRoute) {
    start();
    create_print_letter();
    const std::string put = "PUT /api/messages/out/" + kPrintId +
                            " HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\n"
                            "Content-Disposition: attachment; filename=presentasjon.pdf\r\n";
    const std::vector<std::pair<std::string, std::string>> attempts{
        {"GET with a body", "GET /api/statuses HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"},
        {"HEAD with a body", "HEAD /api/statuses HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"},
        {"GET with Transfer-Encoding",
         "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
        {"Transfer-Encoding: gzip, chunked", put + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"},
        {"Transfer-Encoding twice", put + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
        {"Transfer-Encoding: xchunked", put + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"},
        {"Transfer-Encoding with Content-Length",
         put + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"},
        {"Content-Length twice", put + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc"},
        {"Transfer-Encoding in HTTP/1.0",
         "PUT /api/messages/out/" + kPrintId + " HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
    };
    for (const auto& [what, bytes] : attempts) {
        const std::size_t before = ip_.requests().size();
        const int fd = connect_to(port_);
        ASSERT_GE(fd, 0);
        send_all(fd, bytes);
        const auto r = parse_response(read_all(fd, 5s));
        ::close(fd);
        row(what, "400, upstream got nothing", std::to_string(r.status) + ", " + reached(before));
    }
    // A request hidden in the body of a GET is never read as a request of its own.
    const std::string hidden = put + "Content-Length: " + std::to_string(slides_.size()) + "\r\n\r\n" + slides_;
    const std::string smuggle =
        "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(hidden.size()) + "\r\n\r\n" + hidden;
    const std::size_t before = ip_.requests().size();
    const int fd = connect_to(port_);
    ASSERT_GE(fd, 0);
    send_all(fd, smuggle);
    const std::string raw = read_all(fd, 5s);
    ::close(fd);
    std::size_t answers = 0;
    for (auto at = raw.find("HTTP/1.1 "); at != std::string::npos; at = raw.find("HTTP/1.1 ", at + 1)) {
        ++answers;
    }
    row("a PUT of slides hidden in a GET's body", "1 answer 400, upstream got nothing",
        std::to_string(answers) + " answer " + std::to_string(parse_response(raw).status) + ", " + reached(before));
    EXPECT_TRUE(ip_.files(kPrintId).empty());
}

TEST_F(GateAttack, RequestsRefusedBeforeRoutingStillPoisonTheirMessage) {
    start();
    const auto seq = sequences()[1];
    struct Attempt {
        std::string what;
        std::string expected;
        std::function<std::string(const std::string&)> bytes;  // the request for a message id
    };
    const auto head = [](const std::string& id) {
        return "PUT /api/messages/out/" + id +
               " HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\n"
               "Content-Disposition: attachment; name=\"Vedtak om studieplass\"; filename=vedtak.pdf\r\n";
    };
    const std::vector<Attempt> attempts{
        // A chunked upload whose trailer carries another Content-Disposition: Beast would
        // add it to the header the gate forwards.
        {"a chunked upload with a trailer field", "400 AmbiguousRequest",
         [&](const std::string& id) {
             return head(id) + "Transfer-Encoding: chunked\r\n\r\n" + fmt::format("{:x}\r\n", letter_.size()) +
                    letter_ + "\r\n0\r\nContent-Disposition: attachment; filename*=UTF-8''presentasjon.pdf\r\n\r\n";
         }},
        {"an upload with Content-Length and Transfer-Encoding", "400 MalformedRequest",
         [&](const std::string& id) {
             return head(id) + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
         }},
        {"an upload with Transfer-Encoding: gzip, chunked", "400 AmbiguousRequest",
         [&](const std::string& id) { return head(id) + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"; }},
        {"an upload as \"put\"", "400 MethodNotServed",
         [&](const std::string& id) {
             std::string r = head(id) + "Content-Length: " + std::to_string(letter_.size()) + "\r\n\r\n" + letter_;
             r.replace(0, 3, "put");
             return r;
         }},
    };
    int n = 0;
    for (const auto& a : attempts) {
        const std::string id = fmt::format("3d4e5f60-0000-4000-8000-{:012}", ++n);
        ASSERT_NO_FATAL_FAILURE(create_as(seq, id));
        std::size_t before = ip_.requests().size();
        const int fd = connect_to(port_);
        ASSERT_GE(fd, 0);
        send_all(fd, a.bytes(id));
        const auto r = parse_response(read_all(fd, 5s));
        ::close(fd);
        row(a.what, a.expected + ", upstream got nothing", verdict_of(r) + ", " + reached(before));
        // The main document afterwards is accepted, but the letter is incomplete.
        ASSERT_EQ(upload(id, "Vedtak om studieplass", "vedtak.pdf", letter_).status, 200);
        before = ip_.requests().size();
        const auto sent = send_message(id);
        row("POST send after " + a.what, "400 IncompleteMessage, upstream got nothing",
            verdict_of(sent) + ", " + reached(before));
    }
    EXPECT_TRUE(ip_.sent_ids().empty());
    // A message id that is the multipart route's own name is refused at create.
    json sbd = json::parse(sequences()[0].sbd);
    sbd["standardBusinessDocumentHeader"]["documentIdentification"]["instanceIdentifier"] = "multipart";
    const std::size_t before = ip_.requests().size();
    const auto c = create(sbd.dump());
    row("create with the messageId \"multipart\"", "400 AmbiguousRequest, upstream got nothing",
        verdict_of(c) + ", " + reached(before));
}

TEST_F(GateAttack, AnUnknownOutcomeOutlivesOtherMessages) {
    GateSettings s;
    s.max_messages = 2;
    start(s);
    const auto seq = sequences()[0];
    send_into_the_dark();
    for (int i = 0; i < 3; ++i) {  // more messages than the store holds
        json other = json::parse(seq.sbd);
        other["standardBusinessDocumentHeader"]["documentIdentification"]["instanceIdentifier"] =
            fmt::format("2c3d4e5f-0000-4000-8000-{:012}", i);
        ASSERT_EQ(create(other.dump()).status, 200);
    }
    // The same letter again as a multipart create-and-send: still refused.
    const std::size_t before = ip_.requests().size();
    const auto r = exchange(port_, "POST", "/api/messages/out/multipart",
                            multipart({{"sbd", std::nullopt, "application/json", seq.sbd},
                                       {"Vedtak om studieplass", "vedtak.pdf", "application/pdf", letter_}}),
                            multipart_headers());
    const auto after = ip_.requests();
    const bool only_status = after.size() == before + 1 && after.back().method == "GET";
    row("a multipart resend of an unknown send, after max-messages others",
        "400 OutcomeUnknown, upstream asked for statuses only",
        verdict_of(r) + (only_status ? ", upstream asked for statuses only" : ", " + reached(before)));
}

TEST_F(GateAttack, IdentifiersAreMaskedInAnswersAndLogs) {
    access_log_ = true;
    const std::string fnr = "29129319060";
    std::string encoded;
    for (const char c : fnr) {
        encoded += fmt::format("%{:02X}", static_cast<unsigned>(c));
    }
    const std::vector<std::pair<std::string, std::string>> cases{
        {"path", "/api/messages/out/" + fnr + "/x"},
        {"path, %-encoded", "/api/messages/out/" + encoded + "/x"},
        {"query, as 291293+19060 (Tomcat reads a space)", "/api/messages/out/x/y?title=291293+19060"},
    };
    for (const auto& [what, target] : cases) {
        ::testing::internal::CaptureStderr();
        start();
        const auto r = exchange(port_, "PUT", target, "x");
        gate_->stop();
        gate_->wait();
        gate_.reset();
        const std::string log = ::testing::internal::GetCapturedStderr();
        const std::string path = r.body_json().at("path").get<std::string>();
        const bool in_path = target.find('?') == std::string::npos;
        const bool masked =
            (!in_path || path.find("291293*****") != std::string::npos) && r.body.find(fnr) == std::string::npos &&
            r.body.find("19060") == std::string::npos &&
            (log.find("291293*****") != std::string::npos || log.find("291293 *****") != std::string::npos) &&
            log.find("19060") == std::string::npos && log.find(encoded) == std::string::npos;
        row("a fødselsnummer in the " + what, "400, masked in the error and the access log",
            std::to_string(r.status) + (masked ? ", masked in the error and the access log" : ", not masked: " + path));
    }
}

TEST_F(GateAttack, AnInternalErrorNamesNoInternals) {
    start();
    const auto seq = sequences()[0];
    const std::string id = message_id_of(seq.sbd);
    ASSERT_EQ(create(seq.sbd).status, 200);
    // The gate's private directory gone: receiving the upload fails inside the gate.
    std::string gate_dir;
    for (const auto& e : fs::directory_iterator(temp_)) {
        gate_dir = e.path().string();
        fs::remove_all(e.path());
    }
    ASSERT_FALSE(gate_dir.empty());
    ::testing::internal::CaptureStderr();
    const auto r = upload(id, "Vedtak om studieplass", "vedtak.pdf", letter_);
    const std::string log = ::testing::internal::GetCapturedStderr();
    const bool clean = r.body.find(gate_dir) == std::string::npos && r.body.find(temp_.string()) == std::string::npos;
    row("an internal error while receiving an upload", "500 InternalError, no path in the answer, logged",
        verdict_of(r) + (clean ? ", no path in the answer" : ", path in the answer") +
            (log.find("internal error") != std::string::npos ? ", logged" : ", not logged"));
    fs::create_directories(gate_dir);
    const auto sent = send_message(id);
    row("POST send after it", "400 IncompleteMessage", verdict_of(sent));
    EXPECT_TRUE(ip_.sent_ids().empty());
}

// A landscape slide whose content stream is `bytes` long: its print-ready copy is
// about as large.
std::string large_slide(std::size_t bytes) {
    std::string content = "0 0 m 960 540 l S\n";
    while (content.size() < bytes) {
        content += "% padding so that the copy is large\n";
    }
    std::vector<std::string> objects = {
        "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 960 540] /Contents 4 0 R >>",
        "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "endstream"};
    std::string out = "%PDF-1.7\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(out.size());
        out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const std::size_t xref = out.size();
    out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (const std::size_t o : offsets) {
        out += fmt::format("{:010d} 00000 n \n", o);
    }
    out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
           std::to_string(xref) + "\n%%EOF\n";
    return out;
}

// POST /v1/fix answers with the whole copy: a copy the memory budget cannot hold is
// refused (413, never sent in part), and the gate goes on; a flood of fixes takes the
// upload slots and is refused at once beyond them, as checks are.
TEST_F(GateAttack, AFixCannotMakeTheGateHoldMoreThanItsMemoryBudget) {
    GateSettings s;
    s.memory_budget_bytes = 1024 * 1024;  // 768 KiB for requests
    start(s, false);
    const std::string big = large_slide(1536 * 1024);
    const auto r = exchange(port_, "POST", "/v1/fix", multipart({{"file", "stor.pdf", "application/pdf", big}}),
                            multipart_headers());
    row("POST /v1/fix of a 1.5 MB slide, memory budget 1 MiB", "413 OverMemoryBudget", verdict_of(r));
    EXPECT_TRUE(no_request_files());
    const auto small =
        exchange(port_, "POST", "/v1/fix", multipart({{"file", "presentasjon.pdf", "application/pdf", slides_}}),
                 multipart_headers());
    row("POST /v1/fix of the example slides after it", "200", std::to_string(small.status));
    EXPECT_TRUE(small.body.starts_with("%PDF-"));
    const std::string metrics = exchange(port_, "GET", "/metrics").body;
    EXPECT_NE(metrics.find("preflight_rejected_total{reason=\"memory\"} 1"), std::string::npos) << metrics;
}

}  // namespace
}  // namespace preflight::server
