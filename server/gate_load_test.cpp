// The gate under load and across restarts (issue 23): the memory budget, slow
// clients, a full gate that still answers, and message state that outlives the gate
// process. Each test asserts a mechanism (a refusal, a dropped connection, a letter
// that completes), never a timing; bench/gate_attack.sh measures the numbers.
#include "tests/gate_harness.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fcntl.h>

#include <algorithm>
#include <future>

namespace preflight::server {
namespace {

using namespace testing_gate;

// The first brief sequence's SBD under another message id, with an extra field
// (ignored by the integrasjonspunkt and the gate) holding `padding`.
std::string sbd_with(const std::string& id, const json& padding) {
    json sbd = json::parse(sequences().front().sbd);
    sbd["standardBusinessDocumentHeader"]["documentIdentification"]["instanceIdentifier"] = id;
    sbd["padding"] = padding;
    return sbd.dump();
}

std::string uuid(int n) { return fmt::format("9a7c5f1e-0b1d-4c7e-9f00-{:012d}", n); }

// True when the peer has closed the connection (EOF or reset), false while it is open.
bool closed_by_peer(int fd, std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    char buf[4096];
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
            return false;
        }
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            return true;
        }
    }
}

// True when the peer has closed the connection by now (EOF or reset); what it sent
// before is read and dropped.
bool closed_now(int fd) {
    char buf[4096];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0) {
            return false;
        }
        if (::recv(fd, buf, sizeof buf, 0) <= 0) {
            return true;
        }
    }
}

// A check API request of the bundled example that passes, sent at once.
Response check_example(int port) {
    return exchange(
        port, "POST", "/v1/check",
        multipart({{"manifest", std::nullopt, "application/json", slurp(source("fixtures/example/ok-post.json"))},
                   {"document", "vedtak.pdf", "application/pdf", slurp(source("fixtures/example/vedtak.pdf"))},
                   {"document", "klageskjema.pdf", "application/pdf",
                    slurp(source("fixtures/example/vedlegg/klageskjema.pdf"))}}),
        multipart_headers());
}

class GateLoad : public GateTest {};

// A create holds its share of the budget until its answer is written: a second one
// that does not fit beside it is 503 with Retry-After, and reaches nothing upstream;
// once the first is done its memory is free again.
TEST_F(GateLoad, RequestsOverTheMemoryBudgetWaitWith503AndReachNothing) {
    GateSettings s;
    s.memory_budget_bytes = 32ULL * 1024 * 1024;  // 24 MiB for requests
    start(s);
    const std::string big(std::size_t{1280} * 1024, 'x');  // about 14 MiB of budget per create
    ip_.hold();  // the first create stays in flight (its budget held) until released
    auto first = std::async(std::launch::async, [&] { return create(sbd_with(uuid(1), big)); });
    EXPECT_TRUE(wait_until("the upstream holds the first create", [&] { return ip_.held() == 1; }));
    const Response second = create(sbd_with(uuid(2), big));
    ip_.release();
    EXPECT_EQ(second.status, 503) << second.body;
    EXPECT_NE(second.headers.find("Retry-After"), std::string::npos);
    EXPECT_EQ(second.body_json().at("exception"), "preflight.Busy");
    EXPECT_EQ(first.get().status, 200);
    EXPECT_EQ(ip_.messages().size(), 1U);  // the second never reached the upstream
    EXPECT_EQ(create(sbd_with(uuid(3), big)).status, 200);
    const auto metrics = exchange(port_, "GET", "/metrics");
    EXPECT_NE(metrics.body.find("preflight_rejected_total{reason=\"memory\"} 1"), std::string::npos) << metrics.body;
}

// A JSON body of a million small values costs far more parsed than sent: the parse
// stops where the budget ends, before the tree is built, and the request alone is
// over the whole budget, so it is 413, not "try again".
TEST_F(GateLoad, JsonOfManySmallValuesIsStoppedWhileParsing) {
    GateSettings s;
    s.memory_budget_bytes = 16ULL * 1024 * 1024;
    start(s);
    const json values(std::vector<int>(1'000'000, 1));  // 2 MB of text, ~32 MB as a tree
    const Response r = create(sbd_with(uuid(4), values));
    EXPECT_EQ(r.status, 413) << r.body;
    EXPECT_EQ(r.body_json().at("exception"), "preflight.OverMemoryBudget");
    EXPECT_TRUE(ip_.messages().empty());
    // The gate carries on, with its whole budget.
    EXPECT_EQ(create(sbd_with(uuid(5), "small")).status, 200);
}

TEST_F(GateLoad, ExplainTakesTheLogOfALetterNotAWholeArchive) {
    start(GateSettings{}, false);
    std::string log;
    for (int i = 0; i < 2500; ++i) {
        log += fmt::format("2026-11-02 10:{:02}:{:02} ERROR Forsendelse feilet: Dokumentet er for stort\n", i / 60 % 60,
                           i % 60);
    }
    const Response many = exchange(port_, "POST", "/v1/explain", log, {"Content-Type: text/plain"});
    EXPECT_EQ(many.status, 413) << many.body;
    EXPECT_NE(many.body_json().at("message").get<std::string>().find("2500"), std::string::npos) << many.body;
    const Response one =
        exchange(port_, "POST", "/v1/explain", log.substr(0, log.find('\n') + 1), {"Content-Type: text/plain"});
    EXPECT_EQ(one.status, 200) << one.body;
}

// A full gate drops a connection that has not sent a whole header (here, every one
// of them) for a new one, so /healthz and the archive system still get in.
TEST_F(GateLoad, AFullGateDropsHalfSentHeadersFirst) {
    GateSettings s;
    s.max_connections = 8;
    s.header_timeout = 60s;  // not the header deadline: the eviction
    start(s);
    std::vector<int> stalled;
    for (int i = 0; i < 8; ++i) {
        const int fd = connect_to(port_);
        ASSERT_GE(fd, 0);
        send_all(fd, "POST /api/messages/out HTTP/1.1\r\nHost: x\r\nContent-Le");
        stalled.push_back(fd);
    }
    ASSERT_TRUE(wait_until("the gate has the 8 stalled connections", [&] {
        const auto m = gate_->metrics().render();
        return m.find("preflight_connections 8") != std::string::npos;
    })) << gate_->metrics().render();
    for (int i = 0; i < 3; ++i) {
        const Response health = exchange(port_, "GET", "/healthz");
        EXPECT_EQ(health.status, 200) << i;
    }
    // A well-behaved create gets in too, and reaches the upstream.
    EXPECT_EQ(create(sbd_with(uuid(6), "x")).status, 200);
    EXPECT_EQ(ip_.messages().size(), 1U);
    // The first new connection took a stalled one's place (closed, perhaps a moment
    // later); the requests after it found that place free again.
    std::vector<bool> dropped(stalled.size(), false);
    EXPECT_TRUE(wait_until("a stalled connection is dropped", [&] {
        for (std::size_t i = 0; i < stalled.size(); ++i) {
            dropped[i] = dropped[i] || closed_now(stalled[i]);
        }
        return std::find(dropped.begin(), dropped.end(), true) != dropped.end();
    })) << gate_->metrics().render();
    for (const int fd : stalled) {
        ::close(fd);
    }
    const auto metrics = gate_->metrics().render();
    EXPECT_NE(metrics.find("preflight_rejected_total{reason=\"evicted-header\"}"), std::string::npos) << metrics;
}

// A header that is not whole within the header timeout: the connection is closed,
// long before the idle timeout.
TEST_F(GateLoad, AHeaderMustBeWholeInTime) {
    GateSettings s;
    s.header_timeout = 300ms;
    s.idle_timeout = 120s;
    start(s);
    const int fd = connect_to(port_);
    send_all(fd, "GET /healthz HTTP/1.1\r\nHo");
    EXPECT_TRUE(closed_by_peer(fd, preflight::testing::kWaitBound));
    ::close(fd);
    // A connection that has sent nothing yet waits for the idle timeout, not this one.
    const int quiet = connect_to(port_);
    EXPECT_FALSE(closed_by_peer(quiet, 1s));
    send_all(quiet, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(parse_response(read_all(quiet)).status, 200);
    ::close(quiet);
}

// A body trickling in under the minimum rate is cut once the grace period is over:
// 408, the connection closed, its upload slot free again, nothing upstream.
TEST_F(GateLoad, ABodyUnderTheMinimumRateIsCut) {
    GateSettings s;
    s.min_rate = 1024 * 1024;
    s.min_rate_grace = 500ms;
    s.max_uploads = 1;
    start(s);
    const int fd = connect_to(port_);
    send_all(fd,
             "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nContent-Type: multipart/form-data; "
             "boundary=" +
                 kBoundary + "\r\n\r\n--" + kBoundary);
    // A byte every 200 ms (the pacing is the behaviour under test: a body far under
    // the minimum rate), until the answer comes; on a slow machine the bytes come
    // slower still, and the answer is the same.
    std::string raw;
    const auto deadline = std::chrono::steady_clock::now() + preflight::testing::kWaitBound;
    while (raw.empty() && std::chrono::steady_clock::now() < deadline) {
        send_all(fd, "x");
        raw = read_all(fd, 200ms);
    }
    const Response r = parse_response(raw);
    EXPECT_EQ(r.status, 408) << raw;
    EXPECT_EQ(r.body_json().at("exception"), "preflight.TooSlow");
    EXPECT_TRUE(closed_by_peer(fd, preflight::testing::kWaitBound));
    ::close(fd);
    // The one upload slot is free: a check that sends at once is answered.
    const auto ok = check_example(port_);
    EXPECT_EQ(ok.status, 200) << ok.body;
}

// Every upload slot held by a client trickling its body: a check that sends at once
// takes the slot of the slowest, within the grace period, and is answered.
TEST_F(GateLoad, ATricklingUploadGivesItsSlotToOneThatSends) {
    GateSettings s;
    s.max_uploads = 1;
    s.min_rate_grace = 60s;  // not the minimum rate's deadline: the slot taken back
    start(s);
    const int fd = connect_to(port_);
    send_all(fd,
             "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nContent-Type: multipart/form-data; "
             "boundary=" +
                 kBoundary + "\r\n\r\n--" + kBoundary);
    // Under the minimum rate for over a second: it may be ended for a newcomer. The
    // pacing is the behaviour under test (a client trickling its body), not a wait:
    // on a slow machine it trickles longer and slower, which changes nothing below.
    for (int i = 0; i < 12; ++i) {
        send_all(fd, "x");
        std::this_thread::sleep_for(150ms);
    }
    const auto ok = check_example(port_);
    EXPECT_EQ(ok.status, 200) << ok.body;
    EXPECT_TRUE(closed_by_peer(fd, preflight::testing::kWaitBound));
    ::close(fd);
    EXPECT_NE(gate_->metrics().render().find("preflight_rejected_total{reason=\"evicted-slow\"} 1"), std::string::npos);
}

// The whole request has a deadline too, whatever its rate: a client that keeps
// sending just enough never holds a connection past it.
TEST_F(GateLoad, TheWholeRequestHasADeadline) {
    GateSettings s;
    s.min_rate = 0;
    s.request_timeout = 1s;
    start(s);
    const int fd = connect_to(port_);
    send_all(fd,
             "POST /api/messages/out HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
             "1000\r\n\r\n{");
    // A byte every 100 ms (pacing: a client that keeps sending), until the answer comes.
    std::string raw;
    const auto deadline = std::chrono::steady_clock::now() + preflight::testing::kWaitBound;
    while (raw.empty() && std::chrono::steady_clock::now() < deadline) {
        send_all(fd, " ");
        raw = read_all(fd, 100ms);
    }
    const Response r = parse_response(raw);
    EXPECT_EQ(r.status, 408) << raw;
    EXPECT_NE(r.body_json().at("message").get<std::string>().find("1"), std::string::npos);
    EXPECT_TRUE(ip_.messages().empty());
    ::close(fd);
}

// The state of a letter between create and send outlives the gate: a new gate on
// the same state directory takes the upload and the send, and the letter goes out.
// An upload refused before the restart still refuses the send after it.
TEST_F(GateLoad, ALetterInFlightCompletesAfterARestart) {
    const fs::path state = temp_.string() + "-state";
    fs::create_directories(state);
    GateSettings s;
    s.state_dir = state;
    start(s);
    const auto seq = sequences().front();
    const std::string id = message_id_of(seq.sbd);
    ASSERT_EQ(create(seq.sbd).status, 200);
    const std::string other = uuid(7);
    ASSERT_EQ(create(sbd_with(other, "x")).status, 200);
    // Refused: not a PDF, though named one.
    ASSERT_EQ(upload(other, "Vedtak om studieplass", "vedtak.pdf", "not a pdf").status, 400);
    EXPECT_TRUE(fs::exists(state / "state.sqlite"));
    EXPECT_EQ(fs::status(state / "state.sqlite").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);

    gate_->stop();
    gate_->wait();
    gate_.reset();
    start(s);
    ASSERT_EQ(upload(id, "Vedtak om studieplass", "vedtak.pdf", slurp(source("fixtures/example/vedtak.pdf"))).status,
              200);
    EXPECT_EQ(send_message(id).status, 200);
    EXPECT_EQ(ip_.sent_ids(), std::vector<std::string>{id});
    // Sent, and remembered as sent: a second send is refused as such.
    const Response again = send_message(id);
    EXPECT_EQ(again.status, 400);
    EXPECT_EQ(again.body_json().at("exception"), "no.preflight.AlreadySent");
    // The other letter's refused upload was kept: its send is refused.
    const Response incomplete = send_message(other);
    EXPECT_EQ(incomplete.status, 400) << incomplete.body;
    EXPECT_EQ(ip_.sent_ids().size(), 1U);
    gate_->stop();
    gate_->wait();
    gate_.reset();
    fs::remove_all(state);
}

// A message pushed out of the store while an upload of it is in flight is not
// written back by that upload: another upload refused meanwhile (as unknown) would
// be lost, and the letter sent without it. Its send is refused.
TEST_F(GateLoad, AMessagePushedOutDuringAnUploadStaysForgotten) {
    GateSettings s;
    s.max_messages = 2;
    start(s);
    const auto seq = sequences().front();
    const std::string id = message_id_of(seq.sbd);
    ASSERT_EQ(create(seq.sbd).status, 200);
    const std::string pdf = slurp(source("fixtures/example/vedtak.pdf"));
    const int fd = connect_to(port_);
    send_all(fd, "PUT /api/messages/out/" + id + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                     "Content-Type: application/pdf\r\nContent-Disposition: attachment; name=\"Vedtak om "
                     "studieplass\"; filename=\"vedtak.pdf\"\r\nContent-Length: " +
                     std::to_string(pdf.size()) + "\r\n\r\n" + pdf.substr(0, 100));
    ASSERT_TRUE(wait_until("the upload has its temporary file", [&] {
        return gate_->metrics().render().find("preflight_temp_files 1") != std::string::npos;
    }));
    // Two more letters push the first out of the store (max-messages 2).
    ASSERT_EQ(create(sbd_with(uuid(8), "x")).status, 200);
    ASSERT_EQ(create(sbd_with(uuid(9), "x")).status, 200);
    // Another upload of it now finds it unknown, and is refused.
    EXPECT_EQ(upload(id, "Vedlegg", "vedlegg.pdf", pdf).status, 400);
    send_all(fd, pdf.substr(100));
    EXPECT_EQ(parse_response(read_all(fd)).status, 200);  // accepted upstream
    ::close(fd);
    const Response sent = send_message(id);
    EXPECT_EQ(sent.status, 400) << sent.body;
    EXPECT_EQ(sent.body_json().at("exception"), "no.preflight.UnknownMessage");
    EXPECT_TRUE(ip_.sent_ids().empty());
}

// Without a state directory the state is in memory, as before: a new gate does not
// know the letter, and refuses its upload (fail closed).
TEST_F(GateLoad, WithoutAStateDirectoryARestartForgets) {
    start();
    const auto seq = sequences().front();
    const std::string id = message_id_of(seq.sbd);
    ASSERT_EQ(create(seq.sbd).status, 200);
    gate_->stop();
    gate_->wait();
    gate_.reset();
    start();
    const Response r = upload(id, "Vedtak om studieplass", "vedtak.pdf", slurp(source("fixtures/example/vedtak.pdf")));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body_json().at("exception"), "no.preflight.UnknownMessage");
    EXPECT_TRUE(ip_.files(id).empty());
}

}  // namespace
}  // namespace preflight::server
