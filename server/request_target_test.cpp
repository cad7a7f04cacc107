// The request target as Tomcat and Spring read it (server/request_target.hpp): the
// spellings of the integrasjonspunkt's routes, what is refused, and a generator of
// spellings that must all land on the route they spell.
#include "server/request_target.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace preflight::server {
namespace {

std::string decoded(std::string_view raw) {
    const auto r = read_target(raw);
    return r.target ? r.target->decoded_path() : "refused:" + r.problem.reason;
}

Routing routed(std::string_view method, std::string_view raw) {
    const auto r = read_target(raw);
    EXPECT_TRUE(r.target.has_value()) << raw << ": " << r.problem.reason;
    return r.target ? route_of(method, *r.target, true) : Routing{};
}

TEST(RequestTarget, CanonicalSpellingsAreForwardedAsSent) {
    for (const char* raw : {"/api/messages/out", "/api/messages/out/abc-123", "/api/statuses?messageId=x",
                            "/api/messages/out/%C3%A5", "/"}) {
        const auto r = read_target(raw);
        ASSERT_TRUE(r.target) << raw;
        EXPECT_TRUE(r.target->canonical) << raw;
    }
}

TEST(RequestTarget, TomcatsNormalisation) {
    // Each row: a spelling, and the path the integrasjonspunkt's Tomcat makes of it.
    const std::vector<std::pair<std::string, std::string>> rows{
        {"/api/messages/out/ID/", "/api/messages/out/ID/"},
        {"//api/messages/out/ID", "/api/messages/out/ID"},
        {"/api//messages///out/ID", "/api/messages/out/ID"},
        {"/api/messages/%6Fut/ID", "/api/messages/out/ID"},
        {"/api/messages/%6fut/ID", "/api/messages/out/ID"},
        {"/%61%70%69/messages/out", "/api/messages/out"},
        {"/api/messages/out;jsessionid=1/ID", "/api/messages/out/ID"},
        {"/api;x=1/messages;y/out;/ID;z", "/api/messages/out/ID"},
        {"/api/messages/./out/ID", "/api/messages/out/ID"},
        {"/api/messages/x/../out/ID", "/api/messages/out/ID"},
        {"/api/messages/out/ID/.", "/api/messages/out/ID/"},
        {"/api/messages/out/ID/x/..", "/api/messages/out/ID/"},
        {"/api/messages/%2e/out/ID", "/api/messages/out/ID"},
        {"/api/messages/%2E%2E/messages/out/ID", "/api/messages/out/ID"},
        {"/api/messages/.;x/out", "/api/messages/out"},
        {"http://integrasjonspunkt:9093/api/messages/out", "/api/messages/out"},
        {"HTTPS://x/api/messages/out/ID", "/api/messages/out/ID"},
        {"http://x", "/"},
        {"/api/messages/out?title=a", "/api/messages/out"},
    };
    for (const auto& [raw, path] : rows) {
        EXPECT_EQ(decoded(raw), path) << raw;
        const auto r = read_target(raw);
        if (r.target && raw != "http://x") {
            EXPECT_FALSE(r.target->canonical && raw != path && raw.find('?') == std::string::npos) << raw;
        }
    }
}

TEST(RequestTarget, WhatCannotBePlacedIsRefused) {
    const std::vector<std::pair<std::string, std::string>> rows{
        {"/api/messages/out%2FID", "encoded-slash"},
        {"/api/messages/out%2fID", "encoded-slash"},
        {"/api/messages/out%5CID", "encoded-slash"},
        {"/api/messages/out/ID%00", "encoded-nul"},
        {"/api/messages/out%3BID", "encoded-semicolon"},
        {"/api/messages/out/%", "malformed-escape"},
        {"/api/messages/out/%4", "malformed-escape"},
        {"/api/messages/out/%G0", "malformed-escape"},
        {"/api/messages/out/%C3", "invalid-utf8"},
        {"/api/messages/out/%C0%AF", "invalid-utf8"},
        {"/../api/messages/out", "above-root"},
        {"/api/../../api/messages/out", "above-root"},
        {"/api/%2e%2e/%2e%2e/api/messages/out", "above-root"},
        {"api/messages/out", "not-origin-form"},
        {"*", "not-origin-form"},
        {"ftp://x/api/messages/out", "not-origin-form"},
        {"http:///api/messages/out", "bad-authority"},
        {"/api/messages/out#x", "fragment"},
        {"/api/messages\\out", "bad-character"},
        {"/api/messages/out/a b", "bad-character"},
        {"/api/messages/out/\xC3\xA5", "bad-character"},
        {"/api/messages/out?a=<b>", "bad-character"},
        {"", "empty-target"},
    };
    for (const auto& [raw, reason] : rows) {
        EXPECT_EQ(decoded(raw), "refused:" + reason) << raw;
    }
}

TEST(RequestTarget, RoutesOfTheMessagesController) {
    EXPECT_EQ(routed("POST", "/api/messages/out").route, Route::create);
    EXPECT_EQ(routed("POST", "/api/messages/out/").route, Route::create);
    EXPECT_EQ(routed("GET", "/api/messages/out").route, Route::message_other);
    EXPECT_EQ(routed("POST", "/api/messages/out/multipart").route, Route::multipart);
    EXPECT_EQ(routed("POST", "/api/messages/%6Dultipart/../out/multipart;x").route, Route::multipart);
    EXPECT_EQ(routed("GET", "/api/messages/out/multipart").route, Route::message_other);
    const auto upload = routed("PUT", "/api/messages/out/abc;jsessionid=9/");
    EXPECT_EQ(upload.route, Route::upload);
    EXPECT_EQ(upload.message_id, "abc");
    const auto send = routed("POST", "//api/messages/out/%61bc");
    EXPECT_EQ(send.route, Route::send);
    EXPECT_EQ(send.message_id, "abc");
    EXPECT_EQ(routed("DELETE", "/api/messages/out/abc").route, Route::message_other);
    EXPECT_EQ(routed("POST", "/api/messages/out/abc/x").route, Route::unknown_sub_path);
    EXPECT_EQ(routed("GET", "/api/messages/out/abc/x").route, Route::unknown_sub_path);
    EXPECT_EQ(routed("POST", "/api/messages/in/abc").route, Route::passthrough);
    EXPECT_EQ(routed("POST", "/API/messages/out").route, Route::passthrough);  // Spring matches case-sensitively
    EXPECT_EQ(routed("GET", "/").route, Route::page);
    EXPECT_EQ(routed("GET", "/v1/../healthz").route, Route::healthz);
    EXPECT_EQ(routed("POST", "/v1/check").route, Route::check_api);
    // Without an upstream the proxy routes do not exist.
    const auto r = read_target("/api/messages/out");
    EXPECT_EQ(route_of("POST", *r.target, false).route, Route::passthrough);
}

TEST(RequestTarget, TheForwardedPathIsEncodedAgain) {
    const auto r = read_target("/api/messages/out/%61%20b%25c%3F%23%C3%A5/");
    ASSERT_TRUE(r.target);
    EXPECT_FALSE(r.target->canonical);
    EXPECT_EQ(r.target->segments.back(), "a b%c?#\xC3\xA5");
    EXPECT_EQ(r.target->encoded_path(false), "/api/messages/out/a%20b%25c%3F%23%C3%A5");
    EXPECT_EQ(r.target->encoded_path(true), "/api/messages/out/a%20b%25c%3F%23%C3%A5/");
    // Decoding what was encoded gives the same segments back.
    const auto again = read_target(r.target->encoded_path(true));
    ASSERT_TRUE(again.target);
    EXPECT_EQ(again.target->segments, r.target->segments);
    EXPECT_TRUE(again.target->canonical);
}

TEST(RequestTarget, MethodsTheIntegrasjonspunktServes) {
    for (const char* m : {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"}) {
        EXPECT_TRUE(served_method(m)) << m;
    }
    for (const char* m : {"PATCH", "TRACE", "CONNECT", "PROPFIND", "get", "FOO"}) {
        EXPECT_FALSE(served_method(m)) << m;
    }
}

TEST(RequestTarget, QueryParametersAsTomcatReadsThem) {
    std::string problem;
    const auto q = read_query("title=Vedtak+om%20studieplass&x&title=%C3%A5&=v", problem);
    ASSERT_TRUE(q);
    ASSERT_EQ(q->size(), 4U);
    EXPECT_EQ((*q)[0], std::make_pair(std::string("title"), std::string("Vedtak om studieplass")));
    EXPECT_EQ((*q)[1], std::make_pair(std::string("x"), std::string()));
    EXPECT_EQ((*q)[2].second, "\xC3\xA5");
    EXPECT_FALSE(read_query("title=%ZZ", problem));
    EXPECT_EQ(problem, "malformed-escape");
    EXPECT_FALSE(read_query("title=%FF", problem));
    EXPECT_EQ(problem, "invalid-utf8");
}

// Spellings of one route, made by chance from the rules Tomcat and Spring apply:
// each must be read as that route, with that id, or be refused; never another route.
std::string spell(const std::vector<std::string>& segments, std::mt19937& rng, bool trailing) {
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    std::string out;
    if (pick(6) == 0) {
        out += pick(2) == 0 ? "http://integrasjonspunkt:9093" : "HtTpS://x.example";
    }
    for (const auto& seg : segments) {
        out += '/';
        for (int k = pick(3) == 0 ? pick(3) : 0; k > 0; --k) {
            out += '/';  // repeated slashes
        }
        switch (pick(8)) {
            case 0:
                out += "./";  // a dot segment
                break;
            case 1:
                out += "junk/../";  // a segment taken back
                break;
            case 2:
                out += "%2e/";  // an encoded dot segment
                break;
            default:
                break;
        }
        for (const char c : seg) {
            if (pick(4) == 0) {
                static constexpr char digits[] = "0123456789ABCDEF";
                const auto u = static_cast<unsigned char>(c);
                const bool lower = pick(2) == 0;
                out += '%';
                out += lower ? static_cast<char>(std::tolower(digits[u >> 4U])) : digits[u >> 4U];
                out += lower ? static_cast<char>(std::tolower(digits[u & 0xFU])) : digits[u & 0xFU];
            } else {
                out += c;
            }
        }
        if (pick(5) == 0) {
            out += pick(2) == 0 ? ";jsessionid=0A1B" : ";";
        }
    }
    if (trailing) {
        out += pick(3) == 0 ? "/." : "/";
    }
    if (pick(3) == 0) {
        out += "?title=x";
    }
    return out;
}

TEST(RequestTarget, GeneratedSpellingsLandOnTheRouteTheySpell) {
    std::mt19937 rng(20261206);
    struct Case {
        std::string method;
        std::vector<std::string> segments;
        Route route;
        std::string id;
    };
    const std::vector<Case> cases{
        {"POST", {"api", "messages", "out"}, Route::create, ""},
        {"POST", {"api", "messages", "out", "multipart"}, Route::multipart, ""},
        {"PUT",
         {"api", "messages", "out", "6f1b3c2e-0c7a-4d2e-9a51-3f0f7d1e2b44"},
         Route::upload,
         "6f1b3c2e-0c7a-4d2e-9a51-3f0f7d1e2b44"},
        {"POST",
         {"api", "messages", "out", "6f1b3c2e-0c7a-4d2e-9a51-3f0f7d1e2b44"},
         Route::send,
         "6f1b3c2e-0c7a-4d2e-9a51-3f0f7d1e2b44"},
    };
    std::size_t generated = 0;
    for (int round = 0; round < 2500; ++round) {
        for (const auto& c : cases) {
            const std::string raw = spell(c.segments, rng, rng() % 3 == 0);
            ++generated;
            const auto r = read_target(raw);
            ASSERT_TRUE(r.target) << raw << ": " << r.problem.reason;
            const Routing routing = route_of(c.method, *r.target, true);
            ASSERT_EQ(routing.route, c.route) << raw;
            ASSERT_EQ(routing.message_id, c.id) << raw;
            // What is forwarded reads back as the same canonical path, and is canonical.
            const auto again = read_target(r.target->encoded_path(false));
            ASSERT_TRUE(again.target && again.target->canonical) << raw;
            ASSERT_EQ(again.target->segments, r.target->segments) << raw;
        }
    }
    EXPECT_EQ(generated, 10000U);
}

}  // namespace
}  // namespace preflight::server
