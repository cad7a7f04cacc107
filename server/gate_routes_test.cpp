// Routes as the integrasjonspunkt and its service registry decide them, through the
// gate (issue 22): an organisation is never print-bound, and the upstream's own
// capabilities, asked with the message's process and security level, decide what a
// receiver accepts. Over real HTTP on 127.0.0.1 against the fake integrasjonspunkt,
// which answers capabilities as the real registry does (fake_capabilities_answer).
#include "tests/gate_harness.hpp"

namespace preflight::server {
namespace {

using namespace testing_gate;  // NOLINT(google-build-using-namespace)
using json = nlohmann::json;

json gate_sbd(const char* file) { return json::parse(slurp(source(std::string("fixtures/gate/") + file))); }

void set_receiver(json& sbd, const std::string& id) {
    sbd["standardBusinessDocumentHeader"]["receiver"][0]["identifier"]["value"] = id;
}

void set_message_id(json& sbd, const std::string& id) {
    sbd["standardBusinessDocumentHeader"]["documentIdentification"]["instanceIdentifier"] = id;
}

json capability(const char* process, const char* service, const char* type) {
    return {{"process", process}, {"serviceIdentifier", service}, {"documentTypes", {{{"type", type}}}}};
}

constexpr const char* kVedtak = "urn:no:difi:profile:digitalpost:vedtak:ver1.0";
constexpr const char* kInfo = "urn:no:difi:profile:digitalpost:info:ver1.0";
constexpr const char* kAdministrasjon = "urn:no:difi:profile:arkivmelding:administrasjon:ver1.0";

// The capability requests that reached the fake integrasjonspunkt, as sent.
std::vector<std::string> capability_targets(const testing::FakeIntegrasjonspunkt& ip) {
    std::vector<std::string> out;
    for (const auto& r : ip.requests()) {
        if (r.path.rfind("/api/capabilities/", 0) == 0) {
            out.push_back(r.target);
        }
    }
    return out;
}

bool created_upstream(const testing::FakeIntegrasjonspunkt& ip) {
    const auto reqs = ip.requests();
    return std::any_of(reqs.begin(), reqs.end(),
                       [](const auto& r) { return r.method == "POST" && r.path == "/api/messages/out"; });
}

TEST_F(GateTest, AnArkivmeldingToAnOrganisationNoRegistryKnowsIsNotStoppedAsPrint) {
    // The first complaint: with the default settings an arkivmelding to any
    // organisation but the training recipients was stopped at create with DP505
    // ("has no name, which printing needs"): an unknown route counted as print.
    start();
    json sbd = gate_sbd("dpo-arkivmelding.sbd.json");
    set_receiver(sbd, "0192:910120042");  // in no registry the gate has
    const auto r = create(sbd.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body.find("DP505"), std::string::npos) << r.body;
    EXPECT_TRUE(created_upstream(ip_));
}

TEST_F(GateTest, APrintMessageToAPersonWithAMailboxIsStoppedByTheUpstreamsCapabilities) {
    // The runbook's «Receiver do not accept» 400: the registry makes no print record
    // for a person with an active mailbox.
    upstream_capabilities_ = true;
    ip_.set_capabilities(
        {{"capabilities",
          {{{"identifier", "01818500277"},
            {"capabilities", {capability(kVedtak, "DPI", "digital"), capability(kInfo, "DPI", "digital")}}}}}});
    start();
    json sbd = gate_sbd("dpi-print.sbd.json");
    set_receiver(sbd, "01818500277");
    const auto r = create(sbd.dump());
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("DP507"), std::string::npos) << r.body;
    EXPECT_FALSE(created_upstream(ip_));
    // Asked with the message's process, as CapabilitiesController takes it.
    const auto asked = capability_targets(ip_);
    ASSERT_EQ(asked.size(), 1U);
    EXPECT_EQ(asked[0].rfind("/api/capabilities/01818500277?", 0), 0U) << asked[0];
    EXPECT_NE(asked[0].find("process=urn%3Ano%3Adifi%3Aprofile%3Adigitalpost%3Avedtak%3Aver1.0"), std::string::npos)
        << asked[0];

    // The same person by digital post goes through, and the level travels with it.
    json digital = gate_sbd("dpi-digital.sbd.json");  // sikkerhetsnivaa 4
    set_receiver(digital, "01818500277");
    const auto ok = create(digital.dump());
    EXPECT_EQ(ok.status, 200) << ok.body;
    const auto again = capability_targets(ip_);
    ASSERT_EQ(again.size(), 2U);
    EXPECT_NE(again[1].find("securityLevel=4"), std::string::npos) << again[1];
}

TEST_F(GateTest, SecurityLevelFourFindsNoAltinnRecordForAnOrganisation) {
    upstream_capabilities_ = true;
    ip_.set_capabilities(
        {{"capabilities",
          {{{"identifier", "910120042"}, {"capabilities", {capability(kAdministrasjon, "DPV", "arkivmelding")}}}}}});
    start();
    json sbd = gate_sbd("dpo-arkivmelding.sbd.json");
    set_receiver(sbd, "0192:910120042");  // only Altinn, and in no file the gate has
    sbd["arkivmelding"]["sikkerhetsnivaa"] = 4;
    const auto refused = create(sbd.dump());
    ASSERT_EQ(refused.status, 400) << refused.body;
    EXPECT_NE(refused.body.find("DP507"), std::string::npos) << refused.body;
    EXPECT_FALSE(created_upstream(ip_));
    EXPECT_NE(refused.body.find("sikkerhetsnivå 4"), std::string::npos) << refused.body;
    // An organisation is asked with the message's arkivmelding process and level; the
    // real registry then fails (SecurityLevelNotFoundException, the fake answers 500
    // too), and the gate asks again without the level to tell a refused level from a
    // broken source.
    const std::string process = "process=urn%3Ano%3Adifi%3Aprofile%3Aarkivmelding%3Aadministrasjon%3Aver1.0";
    const auto asked = capability_targets(ip_);
    ASSERT_GE(asked.size(), 2U);  // the 500 is retried once, as every 5xx
    EXPECT_EQ(asked.front(), "/api/capabilities/910120042?" + process + "&securityLevel=4");
    EXPECT_EQ(asked.back(), "/api/capabilities/910120042?" + process);

    sbd["arkivmelding"]["sikkerhetsnivaa"] = 3;
    set_message_id(sbd, "a3e7a0a4-5d1e-4c38-9f0e-2f4b8d3b1c11");
    const auto ok = create(sbd.dump());
    EXPECT_EQ(ok.status, 200) << ok.body;
    EXPECT_TRUE(created_upstream(ip_));
}

TEST_F(GateTest, APrintMessageWithoutAReceiverGoesThroughWithItsAddresses) {
    // A person without a fødselsnummer: the integrasjonspunkt allows print with no
    // receiver; the print address and the return address are then all it has.
    start();
    json sbd = gate_sbd("dpi-print.sbd.json");
    sbd["standardBusinessDocumentHeader"].erase("receiver");
    const auto ok = create(sbd.dump());
    EXPECT_EQ(ok.status, 200) << ok.body;
    EXPECT_TRUE(created_upstream(ip_));

    // Naming its receiver, a print message may leave both addresses out: the
    // integrasjonspunkt fills them in from the print record before it validates.
    json named = gate_sbd("dpi-print.sbd.json");  // receiver 01818500005, reserved: a print record
    named["print"].erase("mottaker");
    named["print"].erase("retur");
    set_message_id(named, "5b0d7c1a-3e2f-4a6b-8c9d-1e2f3a4b5c6d");
    const auto completed = create(named.dump());
    EXPECT_EQ(completed.status, 200) << completed.body;

    json no_return = gate_sbd("dpi-print.sbd.json");
    no_return["standardBusinessDocumentHeader"].erase("receiver");
    no_return["print"].erase("retur");
    set_message_id(no_return, "0f3c2b4e-8a51-4f5e-9d7a-6b2c1e0d9a77");
    const auto refused = create(no_return.dump());
    ASSERT_EQ(refused.status, 400) << refused.body;
    EXPECT_NE(refused.body.find("DP505"), std::string::npos) << refused.body;
}

}  // namespace
}  // namespace preflight::server
