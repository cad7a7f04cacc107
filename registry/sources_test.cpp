// The registry clients against local fakes of KRR v2, Enhetsregisteret and the
// integrasjonspunkt's capabilities, on 127.0.0.1, speaking the documented shapes.
#include "registry/sources.hpp"
#include "base/error.hpp"
#include "tests/fake_http.hpp"
#include "tests/wait.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace preflight::registry;
using preflight::testing::FakeHttpServer;
using preflight::testing::FakeRequest;
using preflight::testing::FakeResponse;
using json = nlohmann::json;

namespace {

HttpSettings quick() {
    HttpSettings s;
    s.connect_timeout_ms = 500;
    s.total_timeout_ms = 400;
    return s;
}

json krr_person(const std::string& id, const std::string& status = "AKTIV", const std::string& reserved = "NEI") {
    return {{"personidentifikator", id},
            {"reservasjon", reserved},
            {"status", status},
            {"varslingsstatus", "KAN_VARSLES"},
            {"kontaktinformasjon", {{"epostadresse", "a@example.no"}, {"mobiltelefonnummer", "+4799999999"}}},
            {"digital_post", {{"postkasseadresse", "ola#1234"}, {"postkasseleverandoeradresse", "984661185"}}},
            {"sertifikat", "MIIB-test"},
            {"spraak", "nb"}};
}

// A fake KRR that knows every id it is asked about except those starting with "0101".
FakeResponse krr_answer(const FakeRequest& r) {
    if (r.path != "/rest/v2/personer" || r.method != "POST") {
        return {404, "{}"};
    }
    const json body = json::parse(r.body);
    json out{{"personer", json::array()}};
    for (const auto& id : body.at("personidentifikatorer")) {
        if (id.get<std::string>().rfind("0101", 0) != 0) {
            out["personer"].push_back(krr_person(id.get<std::string>()));
        }
    }
    return {200, out.dump()};
}

std::vector<std::string> ids_of(std::size_t n) {
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < n; ++i) {
        ids.push_back(fmt::format("{:011}", 10000000000ULL + i));
    }
    return ids;
}

}  // namespace

TEST(Krr, AsksInTheDocumentedShapeWithTheBearerToken) {
    FakeHttpServer server(krr_answer);
    auto http = make_curl_client(quick());
    auto krr = make_krr_source(*http, {server.base_url() + "/", [] { return std::string("tok"); }, 1000});
    const std::vector<std::string> ids{"29129319060", "01010000000"};
    const auto answers = krr->persons(ids);
    ASSERT_EQ(answers.size(), 2U);
    EXPECT_EQ(answers[0].outcome, Outcome::found);
    ASSERT_TRUE(answers[0].value);
    EXPECT_EQ(answers[0].value->status, "AKTIV");
    EXPECT_EQ(answers[0].value->reserved, false);
    EXPECT_EQ(answers[0].value->notifiable, true);
    EXPECT_EQ(answers[0].value->email, "a@example.no");
    EXPECT_EQ(answers[0].value->mailbox_provider, "984661185");
    // A mailbox as PersonResource judges it: a certificate and a digital_post entry.
    EXPECT_TRUE(answers[0].value->has_mailbox());
    EXPECT_EQ(answers[1].outcome, Outcome::not_found);
    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 1U);
    EXPECT_EQ(reqs[0].headers.at("authorization"), "Bearer tok");
    EXPECT_EQ(reqs[0].headers.at("content-type"), "application/json");
    EXPECT_EQ(json::parse(reqs[0].body), (json{{"personidentifikatorer", ids}}));
}

TEST(Krr, BatchesOfAtMostAThousand) {
    FakeHttpServer server(krr_answer);
    auto http = make_curl_client(quick());
    auto krr = make_krr_source(*http, {server.base_url(), {}, 1000});
    const auto ids = ids_of(2500);
    const auto answers = krr->persons(ids);
    ASSERT_EQ(answers.size(), 2500U);
    EXPECT_EQ(answers[2499].outcome, Outcome::found);
    EXPECT_EQ(answers[2499].value->id, ids[2499]);
    const auto reqs = server.requests();
    ASSERT_EQ(reqs.size(), 3U);
    EXPECT_EQ(json::parse(reqs[0].body).at("personidentifikatorer").size(), 1000U);
    EXPECT_EQ(json::parse(reqs[1].body).at("personidentifikatorer").size(), 1000U);
    EXPECT_EQ(json::parse(reqs[2].body).at("personidentifikatorer").size(), 500U);
    EXPECT_FALSE(reqs[0].headers.contains("authorization"));
}

TEST(Krr, A500IsRetriedOnceThenAFailure) {
    FakeHttpServer server([](const FakeRequest&) { return FakeResponse{500, "{\"error\":\"x\"}"}; });
    auto http = make_curl_client(quick());
    auto krr = make_krr_source(*http, {server.base_url(), {}, 1000});
    const std::vector<std::string> ids{"29129319060"};
    const auto answers = krr->persons(ids);
    EXPECT_EQ(answers[0].outcome, Outcome::failed);
    EXPECT_EQ(answers[0].detail, "HTTP 500");
    EXPECT_EQ(server.request_count(), 2U);
}

TEST(Krr, MalformedJsonAndWrongShapesAreFailuresNotCrashes) {
    for (const std::string body :
         {"{\"personer\": [", "[]", "{\"personer\": {}}", "{\"personer\": [{\"personidentifikator\": 5}]}",
          "{\"personer\": [{\"personidentifikator\": \"29129319060\", \"reservasjon\": \"KANSKJE\"}]}"}) {
        FakeHttpServer server([&](const FakeRequest&) { return FakeResponse{200, body}; });
        auto http = make_curl_client(quick());
        auto krr = make_krr_source(*http, {server.base_url(), {}, 1000});
        const std::vector<std::string> ids{"29129319060"};
        const auto answers = krr->persons(ids);
        EXPECT_EQ(answers[0].outcome, Outcome::failed) << body;
        EXPECT_EQ(server.request_count(), 1U) << body;  // a 200 is not retried
    }
}

TEST(Krr, AServerThatNeverAnswersFailsWithinTheTimeout) {
    FakeHttpServer server([](const FakeRequest&) {
        FakeResponse r;
        r.never_answer = true;
        return r;
    });
    auto http = make_curl_client(quick());
    auto krr = make_krr_source(*http, {server.base_url(), {}, 1000});
    const std::vector<std::string> ids{"29129319060"};
    const auto start = std::chrono::steady_clock::now();
    const auto answers = krr->persons(ids);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    EXPECT_EQ(answers[0].outcome, Outcome::failed);
    EXPECT_EQ(answers[0].detail, "no answer in time");
    EXPECT_EQ(server.request_count(), 2U);  // one retry on timeout
}

TEST(Krr, ATokenThatCannotBeHadFailsWithoutAsking) {
    FakeHttpServer server(krr_answer);
    auto http = make_curl_client(quick());
    auto krr =
        make_krr_source(*http, {server.base_url(), []() -> std::string { throw std::runtime_error("no key"); }, 1000});
    const std::vector<std::string> ids{"29129319060"};
    const auto answers = krr->persons(ids);
    EXPECT_EQ(answers[0].outcome, Outcome::failed);
    EXPECT_THAT(answers[0].detail, ::testing::HasSubstr("no key"));
    EXPECT_EQ(server.request_count(), 0U);
}

namespace {

FakeResponse brreg_answer(const FakeRequest& r) {
    const std::string enheter = "/enhetsregisteret/api/enheter/";
    const std::string under = "/enhetsregisteret/api/underenheter/";
    if (r.path == enheter + "987464291") {
        return {
            200,
            R"({"organisasjonsnummer":"987464291","navn":"DIGITALISERINGSDIREKTORATET","konkurs":false,"underAvvikling":false})"};
    }
    if (r.path == enheter + "974760673") {
        return {200, R"({"organisasjonsnummer":"974760673","navn":"GAMMEL","slettedato":"2019-05-01"})"};
    }
    if (r.path == enheter + "914994780") {
        return {200, R"({"organisasjonsnummer":"914994780","navn":"TVANG AS",)"
                     R"("underTvangsavviklingEllerTvangsopplosning":true})"};
    }
    if (r.path == enheter + "923609016") {
        return {200, R"({"organisasjonsnummer":"923609016","navn":"SNART","slettedato":"2999-01-01","konkurs":true})"};
    }
    if (r.path == enheter + "910000001") {
        return {410, R"({"organisasjonsnummer":"910000001","slettedato":"2020-01-01"})"};
    }
    if (r.path == enheter + "910000002") {
        return {500, "oops"};
    }
    if (r.path == enheter + "910000003") {
        return {200, "{not json"};
    }
    if (r.path == under + "974760681") {
        return {200, R"({"organisasjonsnummer":"974760681","navn":"AVDELING","underAvvikling":true})"};
    }
    return {404, R"({"status":404})"};
}

}  // namespace

TEST(Brreg, FoundDeletedGoneAndFlags) {
    FakeHttpServer server(brreg_answer);
    auto http = make_curl_client(quick());
    auto er = make_brreg_source(*http, server.base_url(), [] { return std::string("2026-11-27"); });

    const auto digdir = er->organisation("987464291");
    EXPECT_EQ(digdir.outcome, Outcome::found);
    EXPECT_EQ(digdir.value->name, "DIGITALISERINGSDIREKTORATET");
    EXPECT_FALSE(digdir.value->deleted);

    const auto old = er->organisation("974760673");  // slettedato in the past
    EXPECT_EQ(old.outcome, Outcome::removed);
    EXPECT_TRUE(old.value->deleted);

    const auto future = er->organisation("923609016");  // slettedato ahead: not yet deleted
    EXPECT_EQ(future.outcome, Outcome::found);
    EXPECT_TRUE(future.value->bankrupt);

    const auto gone = er->organisation("910000001");
    EXPECT_EQ(gone.outcome, Outcome::removed);

    const auto sub = er->organisation("974760681");  // 404 as enhet, found as underenhet
    EXPECT_EQ(sub.outcome, Outcome::found);
    EXPECT_TRUE(sub.value->sub_unit);
    EXPECT_TRUE(sub.value->winding_up);
    EXPECT_FALSE(sub.value->forced_dissolution);

    const auto forced = er->organisation("914994780");  // Enhetsregisteret's forced-dissolution flag
    EXPECT_EQ(forced.outcome, Outcome::found);
    EXPECT_TRUE(forced.value->forced_dissolution);
    EXPECT_FALSE(forced.value->winding_up);

    EXPECT_EQ(er->organisation("999999999").outcome, Outcome::not_found);
    const auto broken = er->organisation("910000002");
    EXPECT_EQ(broken.outcome, Outcome::failed);
    EXPECT_EQ(broken.detail, "HTTP 500");
    EXPECT_EQ(er->organisation("910000003").outcome, Outcome::failed);
}

TEST(Capabilities, ReadsTheIntegrasjonspunktShape) {
    FakeHttpServer server([](const FakeRequest& r) {
        if (r.path == "/api/capabilities/987464291") {
            return FakeResponse{200,
                                R"({"capabilities":[{"process":"urn:no:difi:profile:arkivmelding:administrasjon:ver1.0",
              "serviceIdentifier":"DPO","documentTypes":[{"type":"arkivmelding","standard":"urn:no:difi:arkivmelding:xsd::arkivmelding"}],
              "postAddress":null,"returnAddress":null}]})"};
        }
        if (r.path == "/api/capabilities/910000003") {
            return FakeResponse{200, R"({"capabilities": "none"})"};
        }
        return FakeResponse{404, "{}"};
    });
    auto http = make_curl_client(quick());
    auto caps = make_capabilities_source(*http, server.base_url());
    const auto digdir = caps->capabilities("987464291", {});
    ASSERT_EQ(digdir.outcome, Outcome::found);
    ASSERT_EQ(digdir.value->size(), 1U);
    EXPECT_EQ(digdir.value->at(0).service, "DPO");
    EXPECT_THAT(digdir.value->at(0).document_types, ::testing::ElementsAre("arkivmelding"));
    EXPECT_EQ(caps->capabilities("910000001", {}).outcome, Outcome::not_found);
    EXPECT_EQ(caps->capabilities("910000003", {}).outcome, Outcome::failed);
}

TEST(Capabilities, AskWithProcessAndLevelAndTellARefusedLevelFromABrokenSource) {
    FakeHttpServer server([](const FakeRequest& r) {
        if (r.path == "/api/capabilities/910120042") {
            if (r.query.find("securityLevel=4") != std::string::npos) {
                return FakeResponse{500, R"({"status":500})"};  // SecurityLevelNotFoundException upstream
            }
            return FakeResponse{200, R"({"capabilities":[{"process":"p","serviceIdentifier":"DPV",
              "documentTypes":[{"type":"arkivmelding"}]}]})"};
        }
        return FakeResponse{500, R"({"status":500})"};
    });
    auto http = make_curl_client(quick());
    auto caps = make_capabilities_source(*http, server.base_url());
    CapabilityQuery q;
    q.process = "urn:no:difi:profile:arkivmelding:administrasjon:ver1.0";
    q.security_level = 4;
    const auto refused = caps->capabilities("910120042", q);
    ASSERT_EQ(refused.outcome, Outcome::found);
    EXPECT_EQ(refused.refused_level, 4);
    ASSERT_EQ(refused.value->size(), 1U);
    EXPECT_EQ(refused.value->at(0).service, "DPV");
    const auto reqs = server.requests();
    ASSERT_GE(reqs.size(), 2U);
    EXPECT_EQ(reqs.front().query,
              "process=urn%3Ano%3Adifi%3Aprofile%3Aarkivmelding%3Aadministrasjon%3Aver1.0&securityLevel=4");
    EXPECT_EQ(reqs.back().query, "process=urn%3Ano%3Adifi%3Aprofile%3Aarkivmelding%3Aadministrasjon%3Aver1.0");
    // Level 3 is not retried; a source that fails without the level too stays failed.
    q.security_level = 3;
    EXPECT_FALSE(caps->capabilities("910120042", q).refused_level.has_value());
    q.security_level = 4;
    EXPECT_EQ(caps->capabilities("910000009", q).outcome, Outcome::failed);
}

TEST(Directory, TheFirstSourceThatKnowsAnswersAndFailuresAreKept) {
    FakeHttpServer krr([](const FakeRequest&) { return FakeResponse{503, ""}; });
    auto http = make_curl_client(quick());
    Directory dir;
    dir.add(make_krr_source(*http, {krr.base_url(), {}, 1000}));
    dir.add(make_builtin_source());
    const auto facts = dir.lookup({"29129319060", "987464291", "01010000000"});
    // KRR failed for the test person; the built-in training data still knows it.
    EXPECT_EQ(facts[0].person.outcome, Outcome::found);
    EXPECT_EQ(facts[0].person.source, "builtin");
    ASSERT_EQ(facts[0].failures.size(), 1U);
    EXPECT_EQ(facts[0].failures[0].first, "krr");
    EXPECT_EQ(facts[1].organisation.outcome, Outcome::found);
    EXPECT_EQ(facts[1].capabilities.value->at(0).service, "DPO");
    EXPECT_EQ(facts[2].person.outcome, Outcome::unknown);  // nobody knows
    EXPECT_EQ(facts[2].failures.size(), 1U);
    EXPECT_EQ(krr.request_count(), 2U);  // one batch for both persons, retried once
}

TEST(Directory, CachesOnlineAnswersForTheTtl) {
    FakeHttpServer server(krr_answer);
    auto http = make_curl_client(quick());
    auto now = std::chrono::steady_clock::now();
    Directory dir(std::chrono::seconds(60), [&] { return now; });
    dir.add(make_krr_source(*http, {server.base_url(), {}, 1000}));
    (void)dir.lookup({"29129319060", "01010000000"});
    EXPECT_EQ(server.request_count(), 1U);
    const auto again = dir.lookup({"29129319060", "01010000000"});
    EXPECT_EQ(server.request_count(), 1U);  // both from the cache, "not found" too
    EXPECT_EQ(again[0].person.outcome, Outcome::found);
    EXPECT_EQ(again[1].person.outcome, Outcome::not_found);
    now += std::chrono::seconds(61);
    (void)dir.lookup({"29129319060"});
    EXPECT_EQ(server.request_count(), 2U);
}

TEST(Directory, FailuresAreNotCached) {
    int calls = 0;
    FakeHttpServer server([&](const FakeRequest& r) { return ++calls <= 2 ? FakeResponse{500, ""} : krr_answer(r); });
    auto http = make_curl_client(quick());
    Directory dir;
    dir.add(make_krr_source(*http, {server.base_url(), {}, 1000}));
    EXPECT_EQ(dir.lookup({"29129319060"})[0].failures.size(), 1U);
    EXPECT_EQ(dir.lookup({"29129319060"})[0].person.outcome, Outcome::found);
}

namespace {

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
    const auto dir = std::filesystem::temp_directory_path() / "preflight-registry-test";
    std::filesystem::create_directories(dir);
    const auto path = dir / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

}  // namespace

TEST(RegistryFile, ReadsPersonsOrganisationsAndCapabilities) {
    const auto path = write_temp("ok.json", R"({
  "persons": [{"personidentifikator": "29129319060", "status": "AKTIV", "reservasjon": "JA"}],
  "organisations": [{"organisasjonsnummer": "974760673", "navn": "X", "slettedato": "2001-01-01"}],
  "capabilities": [{"identifier": "974760673", "capabilities": []}]
})");
    auto source = load_file_source(path);
    const std::vector<std::string> ids{"29129319060", "12345678901"};
    const auto persons = source->persons(ids);
    EXPECT_EQ(persons[0].outcome, Outcome::found);
    EXPECT_EQ(persons[0].value->reserved, true);
    EXPECT_EQ(persons[1].outcome, Outcome::unknown);  // offline sources do not say "not found"
    EXPECT_EQ(source->organisation("974760673").outcome, Outcome::removed);
    EXPECT_EQ(source->capabilities("974760673", {}).value->size(), 0U);
}

TEST(RegistryFile, ErrorsNameFileLineAndColumn) {
    const auto syntax = write_temp("syntax.json", "{\n  \"persons\": [\n    {\"personidentifikator\": }\n]}");
    try {
        (void)load_file_source(syntax);
        FAIL();
    } catch (const preflight::UsageError& e) {
        EXPECT_EQ(e.message_id(), "error.registry-file.syntax");
        EXPECT_THAT(e.args(), ::testing::Contains(std::pair<std::string, std::string>("line", "3")));
    }
    const auto shape = write_temp(
        "shape.json", "{\n  \"persons\": [\n    {\"personidentifikator\": \"1\",\n     \"reservasjon\": true}\n]}");
    try {
        (void)load_file_source(shape);
        FAIL();
    } catch (const preflight::UsageError& e) {
        EXPECT_EQ(e.message_id(), "error.registry-file.shape");
        EXPECT_THAT(e.args(), ::testing::Contains(std::pair<std::string, std::string>("line", "4")));
        EXPECT_THAT(e.args(),
                    ::testing::Contains(std::pair<std::string, std::string>("field", "/persons/0/reservasjon")));
    }
    try {
        (void)load_file_source(write_temp("missing-dir", "") / "nope.json");
        FAIL();
    } catch (const preflight::UsageError& e) {
        EXPECT_EQ(e.message_id(), "error.registry-file.unreadable");
    }
}

TEST(Directory, AsksOrganisationsAndCapabilitiesSeveralAtATime) {
    std::atomic<int> in_flight{0};
    std::atomic<int> most{0};
    // Each request is answered once a second one has been in flight beside it, so
    // that asking several at a time shows however slow the machine is. A client that
    // asks one at a time makes the first request wait out the bound, and the rest none.
    const auto give_up = std::chrono::steady_clock::now() + preflight::testing::kWaitBound;
    FakeHttpServer server([&](const FakeRequest&) {
        const int now = ++in_flight;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        const auto left =
            std::max(std::chrono::steady_clock::duration::zero(), give_up - std::chrono::steady_clock::now());
        (void)preflight::testing::wait_until(
            "a second request in flight", [&] { return most.load() >= 2; },
            std::chrono::duration_cast<std::chrono::milliseconds>(left));
        // Held a little longer (pacing, not a wait): more pile up, and asking more than
        // 8 at a time would show.
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        --in_flight;
        return FakeResponse{404, "{}"};
    });
    // Timeouts far beyond the wait above: what is tested is how many at a time.
    HttpSettings settings;
    settings.connect_timeout_ms = 60'000;
    settings.total_timeout_ms = 2 * preflight::testing::kWaitBound.count();
    auto http = make_curl_client(settings);
    Directory dir;
    dir.add(make_brreg_source(*http, server.base_url(), {}));
    dir.add(make_capabilities_source(*http, server.base_url()));
    std::vector<std::string> orgs;
    for (int i = 0; i < 16; ++i) {
        orgs.push_back(fmt::format("9100000{:02}", i));
    }
    const auto facts = dir.lookup(orgs);
    for (const auto& f : facts) {
        EXPECT_EQ(f.organisation.outcome, Outcome::not_found);
        EXPECT_EQ(f.capabilities.outcome, Outcome::not_found);
    }
    EXPECT_EQ(server.request_count(), 16U * 3U);  // enheter, underenheter, capabilities
    EXPECT_GT(most.load(), 1);
    EXPECT_LE(most.load(), 8);
}
