// The gate over real HTTP on 127.0.0.1: the check API, health and metrics, and the
// validating proxy in front of a fake integrasjonspunkt that records what reaches it.
#include "tests/gate_harness.hpp"

#include "base/isolate_batch.hpp"
#include "server/metrics.hpp"
#include "validator/catalogue.hpp"

namespace preflight::server {
namespace {

using namespace testing_gate;  // NOLINT(google-build-using-namespace)
namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

// ---------------------------------------------------------------- health, metrics, check API

TEST_F(GateTest, HealthAndMetrics) {
    start({}, false);
    const auto health = exchange(port_, "GET", "/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body_json().at("status"), "ok");
    const auto missing = exchange(port_, "GET", "/nowhere");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.body_json().at("status"), 404);
    const auto metrics = exchange(port_, "GET", "/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.headers.find("text/plain; version=0.0.4"), std::string::npos);
    EXPECT_NE(metrics.body.find("preflight_requests_total{route=\"healthz\",status=\"200\"} 1"), std::string::npos)
        << metrics.body;
    EXPECT_NE(metrics.body.find("preflight_requests_total{route=\"other\",status=\"404\"} 1"), std::string::npos);
    EXPECT_NE(metrics.body.find("preflight_request_duration_seconds_bucket{route=\"healthz\",le=\"+Inf\"} 1"),
              std::string::npos);
}

TEST_F(GateTest, TheWebPageIsServedWholeWithItsTextsAndNothingFromElsewhere) {
    start();  // with an upstream: "/" is the gate's own page, not passed through
    const auto page = exchange(port_, "GET", "/");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.headers.find("text/html; charset=utf-8"), std::string::npos);
    EXPECT_NE(page.headers.find("Content-Security-Policy: default-src 'none'"), std::string::npos) << page.headers;
    EXPECT_NE(page.headers.find("Cache-Control: no-store"), std::string::npos);
    // Only the page's own script and style, by hash: no 'unsafe-inline'.
    EXPECT_NE(page.headers.find("script-src 'sha256-"), std::string::npos) << page.headers;
    EXPECT_EQ(page.headers.find("unsafe-inline"), std::string::npos) << page.headers;
    EXPECT_TRUE(ip_.requests().empty());
    const std::string& html = page.body;
    EXPECT_EQ(html.find("__PREFLIGHT_CATALOGUE__"), std::string::npos);
    EXPECT_NE(html.find("<html lang=\"nb\">"), std::string::npos);
    // Both languages' texts, from the catalogue.
    EXPECT_NE(html.find(catalogue::text("web.check.heading", Lang::nb)), std::string::npos);
    EXPECT_NE(html.find(catalogue::text("web.check.heading", Lang::en)), std::string::npos);
    EXPECT_NE(html.find(catalogue::text("ui.verdict.block", Lang::nb)), std::string::npos);
    // The bokmål texts are in the HTML itself too: it reads without its script.
    EXPECT_NE(html.find("data-t=\"web.check.heading\">" + catalogue::text("web.check.heading", Lang::nb) + "</h2>"),
              std::string::npos);
    // No external resource: nothing is loaded from another address.
    for (const char* external : {"src=\"http", "href=\"http", "src=\"//", "href=\"//", "@import", "url("}) {
        EXPECT_EQ(html.find(external), std::string::npos) << external;
    }
    // Every form field has a label.
    for (const char* id : {"files", "manifest", "channel", "log"}) {
        EXPECT_NE(html.find(std::string("<label for=\"") + id + "\""), std::string::npos) << id;
    }
    const auto head = exchange(port_, "HEAD", "/");
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
    EXPECT_TRUE(ip_.requests().empty());
}

TEST_F(GateTest, CheckApiAnswersTheJsonReport) {
    start({}, false);
    const std::string manifest = slurp(source("fixtures/example/ok-post.json"));
    const auto r =
        exchange(port_, "POST", "/v1/check",
                 multipart({{"manifest", std::nullopt, "application/json", manifest},
                            {"document", "vedtak.pdf", "application/pdf", slurp(source("fixtures/example/vedtak.pdf"))},
                            {"document", "klageskjema.pdf", "application/pdf",
                             slurp(source("fixtures/example/vedlegg/klageskjema.pdf"))}}),
                 multipart_headers());
    ASSERT_EQ(r.status, 200) << r.body;
    const auto report = r.body_json();
    EXPECT_EQ(report.at("verdict"), "pass") << r.body;
    ASSERT_EQ(report.at("documents").size(), 2U);
    EXPECT_EQ(report.at("documents")[0].at("file"), "vedtak.pdf");
    EXPECT_GT(report.at("documents")[0].at("pages").get<int>(), 0);
    EXPECT_TRUE(no_request_files());

    const auto metrics = exchange(port_, "GET", "/metrics");
    EXPECT_NE(metrics.body.find("preflight_verdicts_total{verdict=\"pass\"} 1"), std::string::npos) << metrics.body;
}

// A letter's documents are analysed by one child of the fork server, and concurrent
// requests each by their own (isolate::children_started() counts the children this
// process asked for: one per batch).
TEST_F(GateTest, CheckApiAnalysesALettersDocumentsInOneChildOfItsOwn) {
    start({}, false);
    const std::string body =
        multipart({{"manifest", std::nullopt, "application/json", slurp(source("fixtures/example/ok-post.json"))},
                   {"document", "vedtak.pdf", "application/pdf", slurp(source("fixtures/example/vedtak.pdf"))},
                   {"document", "klageskjema.pdf", "application/pdf",
                    slurp(source("fixtures/example/vedlegg/klageskjema.pdf"))}});
    std::uint64_t before = isolate::children_started();
    const auto one = exchange(port_, "POST", "/v1/check", body, multipart_headers());
    ASSERT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(one.body_json().at("verdict"), "pass") << one.body;
    EXPECT_EQ(isolate::children_started() - before, 1U);

    constexpr int requests = 4;
    std::vector<int> statuses(requests, 0);
    before = isolate::children_started();
    {
        std::vector<std::jthread> clients;
        for (int i = 0; i < requests; ++i) {
            clients.emplace_back([&, i] {
                const auto r = exchange(port_, "POST", "/v1/check", body, multipart_headers());
                statuses[static_cast<std::size_t>(i)] = r.status;
            });
        }
    }
    EXPECT_EQ(statuses, std::vector<int>(requests, 200));
    EXPECT_EQ(isolate::children_started() - before, static_cast<std::uint64_t>(requests));
}

TEST_F(GateTest, CheckApiBlocksAndNeverReadsPathsOnTheHost) {
    start({}, false);
    json manifest = json::parse(slurp(source("fixtures/example/ok-post.json")));
    manifest["documents"][0]["name"] = std::string(120, 'x');
    manifest["documents"][1]["file"] = "/etc/passwd";  // not uploaded: must not be read from disk
    const auto r = exchange(
        port_, "POST", "/v1/check?lang=en",
        multipart({{"manifest", std::nullopt, "application/json", manifest.dump()},
                   {"document", "vedtak.pdf", "application/pdf", slurp(source("fixtures/example/vedtak.pdf"))}}),
        multipart_headers());
    ASSERT_EQ(r.status, 200) << r.body;
    const auto report = r.body_json();
    EXPECT_EQ(report.at("verdict"), "block");
    std::set<std::string> codes;
    for (const auto& f : report.at("findings")) {
        codes.insert(f.at("code").get<std::string>());
    }
    EXPECT_TRUE(codes.count("DP101")) << r.body;
    EXPECT_TRUE(codes.count("DP403")) << r.body;  // file-missing, not the host's /etc/passwd
    EXPECT_EQ(report.at("documents")[1].at("bytes"), 0);
    EXPECT_EQ(r.body.find("preflight-gate-"), std::string::npos) << "no temporary path in the report";
}

TEST_F(GateTest, CheckApiRefusesMalformedRequests) {
    GateSettings s;
    s.max_body_bytes = 64 * 1024;
    start(s, false);
    const std::string manifest = slurp(source("fixtures/example/ok-post.json"));
    // Not multipart.
    auto r = exchange(port_, "POST", "/v1/check", manifest, {"Content-Type: application/json"});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body_json().at("path"), "/v1/check");
    // No closing delimiter.
    std::string cut = multipart({{"manifest", std::nullopt, "application/json", manifest}});
    cut.resize(cut.size() - 10);
    r = exchange(port_, "POST", "/v1/check", cut, multipart_headers());
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body_json().at("message").get<std::string>().find("ultipart"), std::string::npos) << r.body;
    // No manifest.
    r = exchange(port_, "POST", "/v1/check", multipart({{"document", "vedtak.pdf", "application/pdf", "%PDF-1.4"}}),
                 multipart_headers());
    EXPECT_EQ(r.status, 400);
    // A manifest that is not JSON: the message names line and column.
    r = exchange(port_, "POST", "/v1/check", multipart({{"manifest", std::nullopt, "", "{\"documents\": [,]}"}}),
                 multipart_headers());
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body_json().at("message").get<std::string>().find("manifest:1:"), std::string::npos) << r.body;
    // A part the manifest does not list.
    r = exchange(
        port_, "POST", "/v1/check",
        multipart({{"manifest", std::nullopt, "", manifest}, {"document", "other.pdf", "application/pdf", "%PDF-1.4"}}),
        multipart_headers());
    EXPECT_EQ(r.status, 400);
    // Over the size cap: 413 before the body is read.
    r = exchange(port_, "POST", "/v1/check",
                 multipart({{"manifest", std::nullopt, "", manifest},
                            {"document", "vedtak.pdf", "application/pdf", std::string(100 * 1024, 'x')}}),
                 multipart_headers());
    EXPECT_EQ(r.status, 413);
    EXPECT_TRUE(no_request_files());
    EXPECT_EQ(exchange(port_, "GET", "/healthz").status, 200);
}

TEST_F(GateTest, ChunkedBodyAndOversizedChunkedBody) {
    GateSettings s;
    s.max_body_bytes = 256 * 1024;
    start(s, false);
    const std::string body =
        multipart({{"manifest", std::nullopt, "", slurp(source("fixtures/example/ok-post.json"))},
                   {"document", "vedtak.pdf", "application/pdf", slurp(source("fixtures/example/vedtak.pdf"))},
                   {"document", "klageskjema.pdf", "application/pdf",
                    slurp(source("fixtures/example/vedlegg/klageskjema.pdf"))}});
    const auto chunked = [&](const std::string& payload) {
        std::string out;
        for (std::size_t i = 0; i < payload.size(); i += 1000) {
            const std::string piece = payload.substr(i, 1000);
            char len[32];
            std::snprintf(len, sizeof len, "%zx\r\n", piece.size());
            out += len + piece + "\r\n";
        }
        return out + "0\r\n\r\n";
    };
    const auto send_chunked = [&](const std::string& payload) {
        const int fd = connect_to(port_);
        send_all(fd,
                 "POST /v1/check HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
                 "Content-Type: multipart/form-data; boundary=" +
                     kBoundary + "\r\n\r\n" + chunked(payload));
        const auto r = parse_response(read_all(fd));
        ::close(fd);
        return r;
    };
    const auto ok = send_chunked(body);
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(ok.body_json().at("documents").size(), 2U);
    // Chunked, so no Content-Length to refuse early: the cap is counted while reading.
    const auto big = send_chunked(body + std::string(300 * 1024, 'z'));
    EXPECT_EQ(big.status, 413);
    EXPECT_TRUE(no_request_files());
}

TEST_F(GateTest, AClientThatSendsItsWholeBodyBeforeReadingGetsThe413) {
    GateSettings s;
    s.max_body_bytes = 64 * 1024;
    start(s, false);
    // Refused on its Content-Length before the body is read; the client (like many)
    // writes all 16 MB before it reads. The gate drains them, so the answer arrives.
    const int fd = connect_to(port_);
    const std::string body(16 * 1024 * 1024, 'x');
    ASSERT_TRUE(send_all(fd, "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
                                 "\r\nContent-Type: multipart/form-data; boundary=" + kBoundary + "\r\n\r\n" + body));
    const auto r = parse_response(read_all(fd));
    ::close(fd);
    EXPECT_EQ(r.status, 413);
}

TEST_F(GateTest, BadHttpIsAnsweredAndTheGateCarriesOn) {
    GateSettings s;
    s.max_header_bytes = 2048;
    start(s, false);
    int fd = connect_to(port_);
    send_all(fd, "THIS IS NOT HTTP\r\n\r\n");
    auto r = parse_response(read_all(fd));
    ::close(fd);
    EXPECT_EQ(r.status, 400);
    fd = connect_to(port_);
    send_all(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
    r = parse_response(read_all(fd));
    ::close(fd);
    EXPECT_EQ(r.status, 431);
    EXPECT_EQ(exchange(port_, "GET", "/healthz").status, 200);
    // Both refusals are counted like any answered request.
    const auto metrics = exchange(port_, "GET", "/metrics").body;
    EXPECT_NE(metrics.find("preflight_requests_total{route=\"other\",status=\"400\"} 1"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("preflight_requests_total{route=\"other\",status=\"431\"} 1"), std::string::npos);
}

TEST_F(GateTest, KeepAliveServesSeveralRequestsOnOneConnection) {
    start({}, false);
    const int fd = connect_to(port_);
    send_all(fd,
             "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
             "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const std::string raw = read_all(fd);
    ::close(fd);
    std::size_t answers = 0;
    for (auto at = raw.find("HTTP/1.1 200"); at != std::string::npos; at = raw.find("HTTP/1.1 200", at + 1)) {
        ++answers;
    }
    EXPECT_EQ(answers, 3U) << raw;
}

TEST_F(GateTest, ClientThatDisconnectsMidUploadLeavesNothingBehind) {
    start({}, false);
    for (int i = 0; i < 5; ++i) {
        const int fd = connect_to(port_);
        send_all(fd,
                 "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n"
                 "Content-Type: multipart/form-data; boundary=" +
                     kBoundary + "\r\n\r\n--" + kBoundary +
                     "\r\nContent-Disposition: form-data; name=\"d\"; filename=\"a.pdf\"\r\n\r\n" +
                     std::string(200'000, 'x'));
        ::close(fd);
    }
    EXPECT_TRUE(no_request_files());
    EXPECT_EQ(exchange(port_, "GET", "/healthz").status, 200);
}

// ---------------------------------------------------------------- the proxy

TEST_F(GateTest, TheBriefsSequencesArriveByteIdentical) {
    start();
    const auto all = sequences();
    ASSERT_EQ(all.size(), 3U);
    for (const auto& seq : all) {
        SCOPED_TRACE(seq.name);
        const std::string id = message_id_of(seq.sbd);
        const auto created = create(seq.sbd);
        ASSERT_EQ(created.status, 200) << created.body;
        for (const auto& f : seq.files) {
            const auto up = upload(id, f.name, f.filename, slurp(f.path), f.type);
            ASSERT_EQ(up.status, 200) << f.filename << ": " << up.body;
        }
        const auto sent = send_message(id);
        ASSERT_EQ(sent.status, 200) << sent.body;

        const auto message = ip_.message(id);
        ASSERT_TRUE(message.has_value());
        EXPECT_TRUE(message->sent);
        ASSERT_EQ(message->files.size(), seq.files.size());
        for (std::size_t i = 0; i < seq.files.size(); ++i) {
            EXPECT_EQ(message->files[i].bytes, slurp(seq.files[i].path)) << seq.files[i].filename;
            EXPECT_EQ(message->files[i].filename, seq.files[i].filename);
            EXPECT_EQ(message->files[i].content_type, seq.files[i].type);
        }
    }
    // The SBD and the uploads reached the upstream as sent, with the client's Authorization.
    const auto requests = ip_.requests();
    ASSERT_FALSE(requests.empty());
    EXPECT_EQ(requests.front().body, all.front().sbd);
    const auto put = std::find_if(requests.begin(), requests.end(), [](const auto& r) { return r.method == "PUT"; });
    ASSERT_NE(put, requests.end());
    EXPECT_EQ(put->headers.at("authorization"), "Bearer test-token");
    EXPECT_TRUE(no_request_files());
}

TEST_F(GateTest, BlockedAtCreateNothingReachesTheUpstream) {
    start();
    json sbd = json::parse(sequences().front().sbd);
    sbd["standardBusinessDocumentHeader"]["receiver"][0]["identifier"]["value"] = "01818500278";  // bad checksum
    const auto r = create(sbd.dump());
    ASSERT_EQ(r.status, 400) << r.body;
    const auto body = r.body_json();
    for (const char* key : {"timestamp", "status", "error", "exception", "message", "path"}) {
        EXPECT_TRUE(body.contains(key)) << key;
    }
    EXPECT_EQ(body.at("status"), 400);
    EXPECT_EQ(body.at("path"), "/api/messages/out");
    EXPECT_NE(body.at("message").get<std::string>().find("Stoppet av preflight"), std::string::npos);
    EXPECT_NE(body.at("message").get<std::string>().find("DP502"), std::string::npos);
    EXPECT_EQ(body.at("message").get<std::string>().find("01818500278"), std::string::npos) << "masked";
    EXPECT_FALSE(body.at("findings").empty());
    EXPECT_NE(body.at("description").get<std::string>().find("DP502"), std::string::npos);
    EXPECT_TRUE(ip_.requests().empty());
    // Its uploads and send are refused too: the gate never saw it created.
    const std::string id = message_id_of(sbd.dump());
    EXPECT_EQ(upload(id, "Vedtak om studieplass", "vedtak.pdf", slurp(source("fixtures/example/vedtak.pdf"))).status,
              400);
    EXPECT_EQ(send_message(id).status, 400);
    EXPECT_TRUE(ip_.requests().empty());
}

TEST_F(GateTest, ExplainApiAnswersTheExplanationAndNeverGoesUpstream) {
    start();  // with an upstream: /v1/explain is the gate's own, not passed through
    const std::string log =
        "Mottaker: DIGDIR Forsendelsesmåte: DPO Forsendelsesstatus oppdatert: LEVERT\n"
        "Mottaker: DIGDIR Forsendelsesmåte: DPO Forsendelsesstatus oppdatert: LEVETID_UTLOPT\n"
        "signatureJobStatusChange Mislyktes:Kari Nordmann Avvist 18.07.2022 09:14:37,\n";
    const auto r = exchange(port_, "POST", "/v1/explain?lang=en", log, {"Content-Type: text/plain; charset=utf-8"});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.headers.find("application/json"), std::string::npos);
    const auto j = r.body_json();
    ASSERT_EQ(j.at("explanations").size(), 3U);
    EXPECT_EQ(j.at("explanations")[1].at("cause"), "receipt-expired");
    EXPECT_EQ(j.at("explanations")[2].at("cause"), "signing-rejected");
    EXPECT_EQ(j.at("explanations")[2].at("title"), "The signing job was rejected");
    EXPECT_EQ(j.at("summary").at("act"), 2);  // a status to set back, and the rejection
    EXPECT_TRUE(ip_.requests().empty());

    // The gate's own block, logged by the archive system, explained by the gate.
    json sbd = json::parse(sequences().front().sbd);
    sbd["standardBusinessDocumentHeader"]["receiver"][0]["identifier"]["value"] = "01818500278";
    const auto blocked = create(sbd.dump());
    ASSERT_EQ(blocked.status, 400);
    const auto again = exchange(port_, "POST", "/v1/explain",
                                "Sending til digital postboks feilet: Request failed. Content: " + blocked.body);
    ASSERT_EQ(again.status, 200) << again.body;
    const auto e = again.body_json().at("explanations").at(0);
    EXPECT_EQ(e.at("cause"), "blocked-by-preflight");
    EXPECT_EQ(e.at("checks").at(0).at("code"), "DP502");
    EXPECT_EQ(e.at("title"), "Stoppet av preflight før sending");  // the gate's language: nb

    EXPECT_EQ(exchange(port_, "GET", "/v1/explain").status, 405);
    EXPECT_EQ(exchange(port_, "POST", "/v1/explain?lang=de", "x").status, 400);
    GateSettings small;
    small.max_json_bytes = 1024;
    gate_->stop();
    gate_->wait();
    gate_.reset();
    start(small, false);
    EXPECT_EQ(exchange(port_, "POST", "/v1/explain", std::string(4096, 'x')).status, 413);
}

TEST_F(GateTest, BlockedUploadAndSendNeverReachTheUpstream) {
    start();
    const auto seq = sequences().front();  // DPI digital
    const std::string id = message_id_of(seq.sbd);
    ASSERT_EQ(create(seq.sbd).status, 200);
    // A document name over 96 characters: blocked at upload.
    const auto r = upload(id, std::string(100, 'n'), "vedtak.pdf", slurp(source("fixtures/example/vedtak.pdf")));
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body_json().at("message").get<std::string>().find("DP101"), std::string::npos) << r.body;
    EXPECT_TRUE(ip_.files(id).empty());
    // Sending now: the main document (hoveddokument) never arrived, so the letter is blocked.
    const auto s = send_message(id);
    ASSERT_EQ(s.status, 400) << s.body;
    EXPECT_NE(s.body_json().at("description").get<std::string>().find("DP404"), std::string::npos) << s.body;
    EXPECT_TRUE(ip_.sent_ids().empty());
    // Two files with one name: the second upload is blocked (the archive system would lose one).
    const std::string pdf = slurp(source("fixtures/example/vedtak.pdf"));
    ASSERT_EQ(upload(id, "Vedtak om studieplass", "vedtak.pdf", pdf).status, 200);
    const auto dup = upload(id, "Vedtak om studieplass", "kopi.pdf", pdf);
    EXPECT_EQ(dup.status, 400) << dup.body;
    EXPECT_EQ(ip_.files(id).size(), 1U);
    // Documents were refused, so the letter is incomplete: its send is refused too,
    // naming the first refused document's finding.
    const auto incomplete = send_message(id);
    ASSERT_EQ(incomplete.status, 400) << incomplete.body;
    const auto body = incomplete.body_json();
    EXPECT_NE(body.at("message").get<std::string>().find("DP101"), std::string::npos) << incomplete.body;
    EXPECT_NE(body.at("description").get<std::string>().find("DP405"), std::string::npos) << incomplete.body;
    EXPECT_TRUE(ip_.sent_ids().empty());
}

TEST_F(GateTest, CleanSequenceWithAWarningIsSent) {
    start();
    const auto seq = sequences().front();
    const std::string id = message_id_of(seq.sbd);
    ASSERT_EQ(create(seq.sbd).status, 200);
    // Only the main document, named as the title: passes; send goes through.
    ASSERT_EQ(upload(id, "Vedtak om studieplass", "vedtak.pdf", slurp(source("fixtures/example/vedtak.pdf"))).status,
              200);
    EXPECT_EQ(send_message(id).status, 200);
    EXPECT_EQ(ip_.sent_ids(), std::vector<std::string>{id});
    // Sent: the gate forgets it, a second send is refused without reaching the upstream.
    EXPECT_EQ(send_message(id).status, 400);
    EXPECT_EQ(ip_.sent_ids().size(), 1U);
}

TEST_F(GateTest, PrintBoundUploadChecksThePages) {
    start();
    const auto all = sequences();
    const auto seq = all[1];  // DPI print
    const std::string id = message_id_of(seq.sbd);
    ASSERT_EQ(create(seq.sbd).status, 200);
    const auto r =
        upload(id, "Informasjon", "presentasjon.pdf", slurp(source("fixtures/example/vedlegg/presentasjon.pdf")));
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body_json().at("message").get<std::string>().find("DP301"), std::string::npos) << r.body;
    EXPECT_TRUE(ip_.files(id).empty());
}

TEST_F(GateTest, MultipartRouteIsCheckedWholeAndForwardedByteIdentical) {
    start();
    const auto seq = sequences().front();
    std::vector<Part> parts{{"sbd", std::nullopt, "application/json", seq.sbd}};
    for (const auto& f : seq.files) {
        parts.push_back({f.name, f.filename, f.type, slurp(f.path)});
    }
    const std::string body = multipart(parts);
    const auto ok = exchange(port_, "POST", "/api/messages/out/multipart", body, multipart_headers());
    ASSERT_EQ(ok.status, 200) << ok.body;
    ASSERT_EQ(ip_.multipart_bodies().size(), 1U);
    EXPECT_EQ(ip_.multipart_bodies()[0], body);

    // The same with a second copy of the main document under another name: blocked, nothing forwarded.
    json sbd = json::parse(seq.sbd);
    sbd["standardBusinessDocumentHeader"]["documentIdentification"]["instanceIdentifier"] =
        "0d4fbb0c-8d43-4bd3-9a3e-6f3a8d1b2c01";
    parts[0].bytes = sbd.dump();
    parts.push_back({seq.files[0].name, "kopi.pdf", "application/pdf", slurp(seq.files[0].path)});
    const auto blocked = exchange(port_, "POST", "/api/messages/out/multipart", multipart(parts), multipart_headers());
    EXPECT_EQ(blocked.status, 400) << blocked.body;
    EXPECT_EQ(ip_.multipart_bodies().size(), 1U);
    EXPECT_TRUE(no_request_files());
}

// The integrasjonspunkt's own upload rules, stopped before sending (DP204, DP407).
TEST_F(GateTest, UploadRulesOfTheIntegrasjonspunktAreStoppedFirst) {
    start();
    const auto seq = sequences().front();  // DPI digital
    const std::string id = message_id_of(seq.sbd);
    const std::string pdf = slurp(seq.files[0].path);
    // Over 5 MiB in a multipart message: DP204 blocks; the upstream gets nothing.
    std::string big = pdf + "\n%" + std::string(5U * 1024U * 1024U, 'x') + "\n";
    const std::vector<Part> parts{{"sbd", std::nullopt, "application/json", seq.sbd},
                                  {seq.files[0].name, seq.files[0].filename, "application/pdf", big}};
    const auto r = exchange(port_, "POST", "/api/messages/out/multipart", multipart(parts), multipart_headers());
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.body_json().at("findings").at(0).at("code"), "DP204");
    EXPECT_TRUE(ip_.requests().empty());
    // The same file uploaded on its own has no per-file limit: it goes.
    ASSERT_EQ(create(seq.sbd).status, 200);
    EXPECT_EQ(upload(id, seq.files[0].name, seq.files[0].filename, big).status, 200);
    // A second upload with the same file name: DP407 blocks it before the integrasjonspunkt would.
    const auto dup = upload(id, "Klageskjema", seq.files[0].filename, slurp(seq.files[1].path));
    ASSERT_EQ(dup.status, 400) << dup.body;
    EXPECT_NE(dup.body_json().at("description").get<std::string>().find("DP407"), std::string::npos) << dup.body;
    EXPECT_EQ(ip_.files(id).size(), 1U);
}

TEST_F(GateTest, OtherRoutesPassThroughUnchanged) {
    start();
    const auto r = exchange(port_, "GET", "/api/statuses?messageId=abc&size=10", "", {"Authorization: Bearer t"});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.headers.find("X-Fake-Integrasjonspunkt: 1"), std::string::npos) << r.headers;
    EXPECT_EQ(r.body_json().at("target"), "/api/statuses?messageId=abc&size=10");
    // A chunked body reaches the upstream with the same bytes.
    std::string payload;
    for (int i = 0; i < 3000; ++i) {
        payload += static_cast<char>(i * 7 % 256);
    }
    const int fd = connect_to(port_);
    send_all(fd,
             "POST /api/conversations/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
             "\r\nbb8\r\n" +
                 payload + "\r\n0\r\n\r\n");
    const auto c = parse_response(read_all(fd));
    ::close(fd);
    EXPECT_EQ(c.status, 200) << c.body;
    const auto requests = ip_.requests();
    ASSERT_EQ(requests.size(), 2U);
    EXPECT_EQ(requests[0].headers.at("authorization"), "Bearer t");
    EXPECT_EQ(requests[1].body, payload);
}

TEST_F(GateTest, UpstreamDownOrSlowIs502AndTheGateCarriesOn) {
    GateSettings s;
    s.upstream_timeout = 300ms;
    start(s);
    ip_.hold();  // no answer until released: the timeout fires however slow the machine
    auto r = exchange(port_, "GET", "/api/statuses");
    EXPECT_EQ(r.status, 502) << r.body;
    EXPECT_EQ(r.body_json().at("status"), 502);
    const auto seq = sequences().front();
    // A checked request that timed out after it was written: 504, and the upstream
    // may have acted on it; the gate does not track the message.
    r = create(seq.sbd);
    EXPECT_EQ(r.status, 504);
    EXPECT_EQ(r.body_json().at("exception"), "preflight.UpstreamOutcomeUnknown");
    ip_.release();
    ip_.stop();
    r = create(seq.sbd);
    EXPECT_EQ(r.status, 502);
    EXPECT_EQ(exchange(port_, "GET", "/healthz").status, 200);
    const auto metrics = exchange(port_, "GET", "/metrics");
    EXPECT_NE(metrics.body.find("preflight_upstream_errors_total{kind=\"timeout\"} 2"), std::string::npos)
        << metrics.body;
    EXPECT_NE(metrics.body.find("preflight_upstream_errors_total{kind=\"connect\"} 1"), std::string::npos);
    EXPECT_TRUE(no_request_files());
}

TEST_F(GateTest, TooManyUploadsAtOnceAreRefusedNotQueuedForever) {
    GateSettings s;
    s.max_uploads = 1;
    // No minimum rate: however long the test takes, the slow upload below is not
    // one to give its slot to the newcomer (that is
    // GateLoad.ATricklingUploadGivesItsSlotToOneThatSends).
    s.min_rate = 0;
    start(s, false);
    // One upload holds the only slot while it trickles in.
    const int slow = connect_to(port_);
    send_all(slow,
             "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nContent-Type: multipart/form-data; "
             "boundary=" +
                 kBoundary + "\r\n\r\n--" + kBoundary);
    // It holds the slot once its check- directory is there, beside the gate's own.
    ASSERT_TRUE(wait_until("the slow upload holds the slot", [&] { return files_in(temp_) >= 2; })) << files_in(temp_);
    const auto r =
        exchange(port_, "POST", "/v1/check", multipart({{"manifest", std::nullopt, "", "{}"}}), multipart_headers());
    EXPECT_EQ(r.status, 503);
    EXPECT_NE(r.headers.find("Retry-After"), std::string::npos);
    ::close(slow);
}

// POST /v1/fix over real HTTP: the copy arrives whole as a download, with the gate's
// limits as for /v1/check (an upload slot, the body cap), and nothing stays on disk.
TEST_F(GateTest, FixApiAnswersTheCopyAndKeepsTheCheckApisLimits) {
    GateSettings s;
    s.max_uploads = 1;
    s.min_rate = 0;
    s.max_body_bytes = 64 * 1024;
    start(s, false);
    const std::string slides = slurp(source("fixtures/pdf/slides_demo.pdf"));
    const auto r = exchange(port_, "POST", "/v1/fix?two-up=true",
                            multipart({{"file", "slides_demo.pdf", "application/pdf", slides}}), multipart_headers());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.headers.find("Content-Type: application/pdf"), std::string::npos) << r.headers;
    EXPECT_NE(r.headers.find("Content-Length: " + std::to_string(r.body.size())), std::string::npos) << r.headers;
    EXPECT_NE(r.headers.find("filename*=UTF-8''slides_demo%20%28utskriftsklar%20A4%2C%20to%20per%20side%29.pdf"),
              std::string::npos)
        << r.headers;
    EXPECT_TRUE(r.body.starts_with("%PDF-"));
    EXPECT_NE(r.body.find("%%EOF"), std::string::npos);
    EXPECT_TRUE(no_request_files());
    // Over the body cap: 413, read no further.
    const auto big = exchange(port_, "POST", "/v1/fix",
                              multipart({{"file", "big.pdf", "application/pdf", std::string(100 * 1024, 'x')}}),
                              multipart_headers());
    EXPECT_EQ(big.status, 413) << big.body;
    // One upload holds the only slot: a fix is refused at once, not queued.
    const int slow = connect_to(port_);
    send_all(slow,
             "POST /v1/fix HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nContent-Type: multipart/form-data; "
             "boundary=" +
                 kBoundary + "\r\n\r\n--" + kBoundary);
    ASSERT_TRUE(wait_until("the slow upload holds the slot", [&] { return files_in(temp_) >= 2; })) << files_in(temp_);
    const auto busy =
        exchange(port_, "POST", "/v1/fix", multipart({{"file", "slides_demo.pdf", "application/pdf", slides}}),
                 multipart_headers());
    EXPECT_EQ(busy.status, 503);
    EXPECT_NE(busy.headers.find("Retry-After"), std::string::npos);
    ::close(slow);
    EXPECT_TRUE(wait_until("the slow upload's folder is gone", [&] { return no_request_files(); }));
}

TEST_F(GateTest, StopFinishesRequestsInFlight) {
    start();
    ip_.hold();  // the request stays in flight until the gate is stopping
    std::atomic<int> status{0};
    std::thread client([&] { status = exchange(port_, "GET", "/api/statuses").status; });
    EXPECT_TRUE(wait_until("the upstream holds the request", [&] { return ip_.held() == 1; }));
    // An idle keep-alive connection is closed at stop; the request in flight finishes.
    const int idle = connect_to(port_);
    EXPECT_TRUE(wait_until("the gate has both connections", [&] {
        return gate_->metrics().render().find("preflight_connections 2\n") != std::string::npos;
    })) << gate_->metrics().render();
    gate_->stop();
    ip_.release();
    // The idle one is closed: nothing, then EOF. (Closed here, so that the gate's
    // lingering close of it ends at once rather than after its two seconds.)
    EXPECT_EQ(read_all(idle), "");
    char byte = 0;
    EXPECT_EQ(::recv(idle, &byte, 1, MSG_DONTWAIT), 0) << "closed by the gate at stop";
    ::close(idle);
    gate_->wait();
    client.join();
    EXPECT_EQ(status.load(), 200);
    EXPECT_LT(connect_to(port_), 0) << "no new connections after stop";
    gate_.reset();
}

TEST_F(GateTest, EveryCorpusFileUploadedAsAPrintDocumentIsAnswered) {
    const fs::path corpus = PREFLIGHT_CORPUS_DIR;
    if (!fs::is_directory(corpus)) {
        GTEST_SKIP() << "no corpus at " << corpus;
    }
    start();
    const auto seq = sequences()[1];  // DPI print: every page is judged for print
    const std::string id = message_id_of(seq.sbd);
    ASSERT_EQ(create(seq.sbd).status, 200);
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(corpus)) {
        if (e.is_regular_file()) {
            files.push_back(e.path());
        }
    }
    std::sort(files.begin(), files.end());
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> passed{0};
    std::atomic<std::size_t> blocked{0};
    std::mutex failures_mutex;
    std::vector<std::string> failures;
    std::vector<std::thread> clients;
    for (int t = 0; t < 3; ++t) {
        clients.emplace_back([&] {
            for (std::size_t i = next++; i < files.size(); i = next++) {
                const auto r =
                    upload(id, "Vedlegg " + std::to_string(i), "corpus-" + std::to_string(i) + ".pdf", slurp(files[i]));
                if (r.status == 200) {
                    ++passed;
                } else if (r.status == 400 && r.body_json().contains("findings")) {
                    ++blocked;
                } else {
                    const std::lock_guard lock(failures_mutex);
                    failures.push_back(files[i].string() + ": " + std::to_string(r.status));
                }
            }
        });
    }
    for (auto& c : clients) {
        c.join();
    }
    EXPECT_TRUE(failures.empty()) << failures.front();
    EXPECT_EQ(passed + blocked, files.size());
    std::printf("corpus through the gate: %zu files, %zu passed, %zu blocked\n", files.size(), passed.load(),
                blocked.load());
    EXPECT_EQ(ip_.files(id).size(), passed.load());
    EXPECT_TRUE(no_request_files());
    EXPECT_EQ(exchange(port_, "GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace preflight::server
