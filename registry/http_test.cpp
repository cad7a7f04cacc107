#include "registry/http.hpp"
#include "tests/fake_http.hpp"

#include <gtest/gtest.h>

#include <chrono>

using namespace preflight::registry;
using preflight::testing::FakeHttpServer;
using preflight::testing::FakeRequest;
using preflight::testing::FakeResponse;

namespace {

HttpSettings quick() {
    HttpSettings s;
    s.connect_timeout_ms = 500;
    s.total_timeout_ms = 300;
    return s;
}

}  // namespace

TEST(Http, SendsMethodHeadersAndBodyAndReadsTheAnswer) {
    FakeHttpServer server([](const FakeRequest& r) {
        return FakeResponse{201, r.method + " " + r.target + " " + r.headers.at("authorization") + " " + r.body};
    });
    auto client = make_curl_client(quick());
    const auto res = client->send(
        {"POST", server.base_url() + "/rest/v2/personer?x=1", {{"Authorization", "Bearer abc"}}, "{\"a\":1}"});
    EXPECT_EQ(res.status, 201);
    EXPECT_EQ(res.content_type, "application/json");
    EXPECT_EQ(res.body, "POST /rest/v2/personer?x=1 Bearer abc {\"a\":1}");
}

TEST(Http, RetriesOnceOn5xx) {
    int calls = 0;
    FakeHttpServer server([&](const FakeRequest&) { return FakeResponse{++calls == 1 ? 503 : 200, "ok"}; });
    auto client = make_curl_client(quick());
    int attempts = 0;
    const auto res = send_with_retry(*client, {"GET", server.base_url() + "/x", {}, ""}, &attempts);
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(attempts, 2);
    EXPECT_EQ(server.request_count(), 2U);
}

TEST(Http, GivesUpAfterTheSecond5xx) {
    FakeHttpServer server([](const FakeRequest&) { return FakeResponse{500, "boom"}; });
    auto client = make_curl_client(quick());
    int attempts = 0;
    const auto res = send_with_retry(*client, {"GET", server.base_url() + "/x", {}, ""}, &attempts);
    EXPECT_EQ(res.status, 500);
    EXPECT_EQ(attempts, 2);
    EXPECT_EQ(server.request_count(), 2U);
}

TEST(Http, DoesNotRetry4xx) {
    FakeHttpServer server([](const FakeRequest&) { return FakeResponse{404, "{}"}; });
    auto client = make_curl_client(quick());
    EXPECT_EQ(send_with_retry(*client, {"GET", server.base_url() + "/x", {}, ""}).status, 404);
    EXPECT_EQ(server.request_count(), 1U);
}

TEST(Http, AServerThatNeverAnswersIsBoundedByTheTimeoutAndRetriedOnce) {
    FakeHttpServer server([](const FakeRequest&) {
        FakeResponse r;
        r.never_answer = true;
        return r;
    });
    auto client = make_curl_client(quick());
    const auto start = std::chrono::steady_clock::now();
    try {
        (void)send_with_retry(*client, {"GET", server.base_url() + "/x", {}, ""});
        FAIL() << "expected a timeout";
    } catch (const HttpError& e) {
        EXPECT_EQ(e.kind(), HttpError::Kind::timeout);
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(server.request_count(), 2U);
    EXPECT_LT(elapsed, std::chrono::seconds(5));  // two timeouts of 300 ms, not forever
}

TEST(Http, ARefusedConnectionIsAConnectErrorAndNotRetried) {
    int port = 0;
    {
        FakeHttpServer gone([](const FakeRequest&) { return FakeResponse{}; });
        port = gone.port();
    }
    auto client = make_curl_client(quick());
    try {
        (void)send_with_retry(*client, {"GET", "http://127.0.0.1:" + std::to_string(port) + "/", {}, ""});
        FAIL() << "expected an error";
    } catch (const HttpError& e) {
        EXPECT_EQ(e.kind(), HttpError::Kind::connect);
    }
}

TEST(Http, AnAnswerOverTheCapIsAnError) {
    FakeHttpServer server([](const FakeRequest&) { return FakeResponse{200, std::string(100000, 'x')}; });
    HttpSettings s = quick();
    s.max_body_bytes = 1000;
    auto client = make_curl_client(s);
    try {
        (void)client->send({"GET", server.base_url() + "/", {}, ""});
        FAIL() << "expected an error";
    } catch (const HttpError& e) {
        EXPECT_EQ(e.kind(), HttpError::Kind::too_large);
    }
}

TEST(Http, UrlEncodeKeepsUnreservedOnly) { EXPECT_EQ(url_encode("a b/c~d-e_f.g:æ"), "a%20b%2Fc~d-e_f.g%3A%C3%A6"); }
