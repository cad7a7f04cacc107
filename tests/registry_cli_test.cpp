// The CLI against local fakes of KRR, Enhetsregisteret and the integrasjonspunkt's
// capabilities on 127.0.0.1: what a records manager sees when the registries
// answer, refuse, fail or never answer.
#include "base/identifiers.hpp"
#include "tests/cli_harness.hpp"
#include "tests/fake_registry.hpp"

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

// Synthetic (Tenor) fødselsnummer: 1 January, month + 80.
std::vector<std::string> synthetic_ids(std::size_t n) {
    std::vector<std::string> ids;
    for (int i = 0; i < 100000 && ids.size() < n; ++i) {
        const std::string id = fmt::format("018185{:05}", i);
        if (preflight::ident::valid_person_id(id)) {
            ids.push_back(id);
        }
    }
    return ids;
}

json digipost_person(const std::string& id) {
    return {{"personidentifikator", id},
            {"status", "AKTIV"},
            {"reservasjon", "NEI"},
            {"varslingsstatus", "KAN_VARSLES"},
            {"kontaktinformasjon", {{"epostadresse", "x@example.no"}}},
            {"digital_post", {{"postkasseadresse", "x#1"}, {"postkasseleverandoeradresse", "984661185"}}},
            {"sertifikat", "MIIB-test"}};
}

class RegistryCli : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / fmt::format("preflight-registry-cli-{}-{}", ::getpid(),
                                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        fs::copy_file(fixture("example/vedtak.pdf"), dir_ / "vedtak.pdf");
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& text) {
        std::ofstream(dir_ / name, std::ios::binary) << text;
        return (dir_ / name).string();
    }
    std::string manifest(const json& recipients) {
        const json m{{"journalpost", {{"id", "2026/1-1"}, {"title", "Vedtak"}, {"process", "vedtak"}}},
                     {"documents", json::array({{{"file", "vedtak.pdf"}, {"name", "Vedtak"}, {"role", "main"}}})},
                     {"recipients", recipients}};
        return write("post.json", m.dump());
    }
    // A config that asks only the fakes (no built-in training recipients).
    std::string config(const std::string& base, bool capabilities = true) {
        return write("preflight.ini", fmt::format("[registry]\nbuiltin = false\ntimeout-ms = 400\n"
                                                  "[krr]\nurl = {0}\n[enhetsregisteret]\nurl = {0}\n{1}",
                                                  base, capabilities ? "[capabilities]\nurl = " + base + "\n" : ""));
    }
    static json person(const std::string& id, const std::string& method = "general") {
        return {{"name", "P " + id.substr(6)},
                {"id", id},
                {"method", method},
                {"verified", true},
                {"address", {{"lines", {"Gateveien 1"}}, {"postcode", "5020"}, {"city", "BERGEN"}, {"country", "NO"}}}};
    }
    static std::set<std::string> codes(const json& report) {
        std::set<std::string> out;
        for (const auto& f : report.at("findings")) {
            out.insert(f.at("code").get<std::string>());
        }
        return out;
    }

    fs::path dir_;
};

std::size_t count_path(const FakeHttpServer& s, const std::string& path) {
    std::size_t n = 0;
    for (const auto& r : s.requests()) {
        n += r.path == path ? 1 : 0;
    }
    return n;
}

}  // namespace

TEST_F(RegistryCli, FiftyRecipientsAreOneKrrRoundTrip) {
    const auto ids = synthetic_ids(50);
    json data{{"persons", json::array()}};
    json recipients = json::array();
    for (const auto& id : ids) {
        data["persons"].push_back(digipost_person(id));
        recipients.push_back(person(id));
    }
    FakeHttpServer fake([&](const FakeRequest& r) { return fake_registry_answer(data, {}, r); });
    // KRR alone decides the routes here (no capabilities source).
    const auto r = run_cli(
        {"check", "--manifest", manifest(recipients), "--config", config(fake.base_url(), false), "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const json report = json::parse(r.out);
    EXPECT_EQ(report.at("verdict"), "pass");
    ASSERT_EQ(report.at("recipients").size(), 50U);
    for (const auto& x : report.at("recipients")) {
        EXPECT_EQ(x.at("route"), "dpi-digital");
    }
    EXPECT_EQ(count_path(fake, "/rest/v2/personer"), 1U);
    for (const auto& req : fake.requests()) {
        if (req.path == "/rest/v2/personer") {
            EXPECT_EQ(json::parse(req.body).at("personidentifikatorer").size(), 50U);
        }
    }
}

TEST_F(RegistryCli, AFailingKrrWarnsAndBlocksWhenStrict) {
    FakeHttpServer fake([](const FakeRequest&) { return FakeResponse{500, "{}"}; });
    const auto ids = synthetic_ids(1);
    const std::string m = manifest(json::array({person(ids[0])}));
    const std::string c = config(fake.base_url());
    const auto r = run_cli({"check", "--manifest", m, "--config", c, "--format", "json", "--lang", "en"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const json report = json::parse(r.out);
    EXPECT_EQ(report.at("verdict"), "warn");
    EXPECT_TRUE(codes(report).count("DP508"));
    EXPECT_NE(r.out.find("HTTP 500"), std::string::npos);
    EXPECT_EQ(r.out.find(ids[0]), std::string::npos);  // masked
    const auto strict = run_cli({"check", "--manifest", m, "--config", c, "--format", "json", "--strict-registry"});
    EXPECT_EQ(strict.exit_code, 1) << strict.out;
    EXPECT_EQ(json::parse(strict.out).at("verdict"), "block");
}

TEST_F(RegistryCli, ARegistryThatNeverAnswersIsBoundedByTheTimeout) {
    FakeHttpServer fake([](const FakeRequest&) {
        FakeResponse r;
        r.never_answer = true;
        return r;
    });
    const auto ids = synthetic_ids(1);
    const auto start = std::chrono::steady_clock::now();
    const auto r = run_cli({"check", "--manifest", manifest(json::array({person(ids[0])})), "--config",
                            config(fake.base_url()), "--format", "json", "--lang", "en"});
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("no answer in time"), std::string::npos) << r.out;
    // KRR and capabilities, each 400 ms twice (one retry): well under ten seconds.
    EXPECT_LT(elapsed, std::chrono::seconds(10));
}

TEST_F(RegistryCli, OrganisationsNotFoundGoneOrDeletedBlock) {
    const json data{{"organisations",
                     {{{"organisasjonsnummer", "910120018"}, {"navn", "GONE AS"}, {"gone", true}},
                      {{"organisasjonsnummer", "910120026"}, {"navn", "SLETTET AS"}, {"slettedato", "2020-02-02"}},
                      {{"organisasjonsnummer", "910120034"}, {"navn", "ALTINN AS"}}}},
                    {"capabilities",
                     {{{"identifier", "910120034"},
                       {"capabilities",
                        {{{"process", "urn:no:difi:profile:arkivmelding:administrasjon:ver1.0"},
                          {"serviceIdentifier", "DPV"},
                          {"documentTypes", {{{"type", "arkivmelding"}}}}}}}}}}};
    FakeHttpServer fake([&](const FakeRequest& r) { return fake_registry_answer(data, {}, r); });
    const json recipients = json::array({person("910120018", "dpo"), person("910120026", "dpo"),
                                         person("910120034", "dpo"), person("910120042", "dpo")});
    const auto r =
        run_cli({"check", "--manifest", manifest(recipients), "--config", config(fake.base_url()), "--format", "json"});
    ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
    const json report = json::parse(r.out);
    std::map<int, std::set<std::string>> by_recipient;
    for (const auto& f : report.at("findings")) {
        by_recipient[f.at("recipient").get<int>()].insert(f.at("code").get<std::string>());
    }
    EXPECT_TRUE(by_recipient[0].count("DP503"));                 // 410 Gone
    EXPECT_TRUE(by_recipient[1].count("DP503"));                 // slettedato in the past
    EXPECT_EQ(by_recipient[2], std::set<std::string>{"DP507"});  // DPV only, sent by DPO
    EXPECT_TRUE(by_recipient[3].count("DP503"));                 // 404
}

TEST_F(RegistryCli, TheBearerTokenComesFromTheTokenFile) {
    const auto ids = synthetic_ids(1);
    const json data{{"persons", json::array({digipost_person(ids[0])})}};
    FakeRegistryOptions options;
    options.token = "s3cret";
    FakeHttpServer fake([&](const FakeRequest& r) { return fake_registry_answer(data, options, r); });
    const std::string m = manifest(json::array({person(ids[0])}));
    write("token.txt", "s3cret\n");
    const std::string cfg = write("token.ini", fmt::format("[registry]\nbuiltin = false\n[krr]\nurl = {}\n"
                                                           "token-file = token.txt\n",
                                                           fake.base_url()));
    const auto r = run_cli({"check", "--manifest", m, "--config", cfg, "--format", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(json::parse(r.out).at("recipients")[0].at("route"), "dpi-digital");
    write("token.txt", "wrong\n");
    const auto refused = run_cli({"check", "--manifest", m, "--config", cfg, "--format", "json", "--lang", "en"});
    EXPECT_NE(refused.out.find("HTTP 401"), std::string::npos) << refused.out;
}

TEST_F(RegistryCli, LookupSaysWhatEachSourceSaysMasked) {
    const auto ids = synthetic_ids(1);
    json reserved = digipost_person(ids[0]);
    reserved["reservasjon"] = "JA";
    const json data{{"persons", json::array({reserved})}};
    FakeHttpServer fake([&](const FakeRequest& r) { return fake_registry_answer(data, {}, r); });
    const std::string cfg = config(fake.base_url());
    const auto r = run_cli({"lookup", ids[0], "--config", cfg, "--lang", "en"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find(ids[0]), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(ids[0].substr(0, 6) + "*****"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("krr:"), std::string::npos);
    EXPECT_NE(r.out.find("reservation JA"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Predicted route for vedtak: dpi-print (reserved against digital post)"), std::string::npos)
        << r.out;
    const auto shown = run_cli({"lookup", ids[0], "--config", cfg, "--show-ids", "--format", "json"});
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    const json j = json::parse(shown.out);
    EXPECT_EQ(j.at("id"), ids[0]);
    EXPECT_EQ(j.at("routes").at("vedtak").at("route"), "dpi-print");
    const auto bad = run_cli({"lookup", "12345"});
    EXPECT_EQ(bad.exit_code, 2);
}
