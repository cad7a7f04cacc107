#include "server/sbd.hpp"
#include "app/sections.hpp"
#include "checks/check_set.hpp"

#include "base/error.hpp"
#include "base/files.hpp"
#include "registry/setup.hpp"
#include "validator/catalogue.hpp"
#include "validator/config.hpp"
#include "validator/engine.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <set>
#include <stdexcept>

using namespace preflight;
using json = nlohmann::json;

namespace {

std::string gate_fixture(const std::string& name) {
    return std::string(PREFLIGHT_SOURCE_DIR) + "/fixtures/gate/" + name;
}

std::string read(const std::string& path) {
    const auto text = read_regular_file(path);
    if (!text) {
        throw std::runtime_error("cannot read " + path);
    }
    return *text;
}

SbdMessage fixture_sbd(const std::string& name) { return parse_sbd(read(gate_fixture(name)), name); }

// A minimal SBD of `type` to `receiver`, with `business` as the business message.
json sbd_of(const std::string& type, const std::string& receiver, json business = json::object()) {
    json sbd = {{"standardBusinessDocumentHeader",
                 {{"headerVersion", "1.0"},
                  {"receiver", {{{"identifier", {{"authority", "iso6523-actorid-upis"}, {"value", receiver}}}}}},
                  {"documentIdentification",
                   {{"standard", "urn:no:difi:digitalpost:xsd:digital::" + type},
                    {"typeVersion", "1.0"},
                    {"instanceIdentifier", "93f530e3-0d4f-4273-94cd-e0d64019ea83"},
                    {"type", type}}},
                  {"businessScope",
                   {{"scope",
                     {{{"type", "ConversationId"},
                       {"instanceIdentifier", "5a6e1fc4-2a7c-4bd6-bb0e-4c0c1ab1a0f1"},
                       {"identifier", "urn:no:difi:profile:digitalpost:info:ver1.0"}}}}}}}}};
    sbd[type] = std::move(business);
    return sbd;
}

struct Failure {
    std::string id;
    std::string message;  // in English
    std::string field;
};

Failure failure_of(const std::string& text) {
    try {
        parse_sbd(text, "POST /api/messages/out");
    } catch (const UsageError& e) {
        Failure f{e.message_id(), catalogue::text(e.message_id(), Lang::en, e.args()), ""};
        for (const auto& [key, value] : e.args()) {
            if (key == "field") {
                f.field = value;
            }
        }
        // Both languages have the text.
        EXPECT_FALSE(catalogue::text(e.message_id(), Lang::nb, e.args()).empty());
        return f;
    }
    return {"no error", "", ""};
}

}  // namespace

TEST(Sbd, ReadsADpiDigitalMessage) {
    const SbdMessage m = fixture_sbd("dpi-digital.sbd.json");
    EXPECT_EQ(m.message_id, "922ab206-63d6-4013-92f4-1f954858697d");
    EXPECT_EQ(m.conversation_id, "34bc2641-58c2-4e1e-854c-ff93127a6595");
    EXPECT_EQ(m.type, "digital");
    EXPECT_EQ(m.standard, "urn:no:difi:digitalpost:xsd:digital::digital");
    EXPECT_EQ(m.process, "urn:no:difi:profile:digitalpost:vedtak:ver1.0");
    EXPECT_EQ(m.receiver, "01818500277");
    EXPECT_EQ(m.sender, "0192:910120050");
    EXPECT_EQ(m.title, "Vedtak om studieplass");
    EXPECT_EQ(m.main_file, "vedtak.pdf");
    EXPECT_EQ(m.security_level, 4);
    EXPECT_EQ(m.language, "NB");
    EXPECT_FALSE(m.print_address.has_value());

    const JournalPost p = to_journal_post(m);
    EXPECT_FALSE(p.from_manifest);
    EXPECT_EQ(p.title, "Vedtak om studieplass");
    EXPECT_EQ(p.process, "vedtak");
    EXPECT_TRUE(p.documents.empty());
    ASSERT_EQ(p.recipients.size(), 1U);
    EXPECT_EQ(p.recipients[0].id, "01818500277");
    EXPECT_EQ(p.recipients[0].method, Channel::dpi);
    EXPECT_TRUE(p.recipients[0].verified);
    EXPECT_FALSE(p.recipients[0].address.has_value());
}

TEST(Sbd, ReadsADpiPrintMessageWithItsFullAddress) {
    const SbdMessage m = fixture_sbd("dpi-print.sbd.json");
    EXPECT_EQ(m.type, "print");
    EXPECT_EQ(m.main_file, "vedtak.pdf");
    EXPECT_FALSE(m.title.has_value());
    EXPECT_EQ(m.print_name, "Kari Nordmann");

    const JournalPost p = to_journal_post(m);
    EXPECT_FALSE(p.title.has_value());
    ASSERT_EQ(p.recipients.size(), 1U);
    const Recipient& r = p.recipients[0];
    EXPECT_EQ(r.method, Channel::print);
    EXPECT_EQ(r.name, "Kari Nordmann");
    EXPECT_EQ(r.id, "01818500005");
    ASSERT_TRUE(r.address.has_value());
    EXPECT_EQ(r.address->lines,
              (std::vector<std::string>{"Gateveien 1", "Leilighet H0201", "c/o Ola Nordmann", "Inngang B"}));
    EXPECT_EQ(r.address->postcode, "5020");
    EXPECT_EQ(r.address->city, "BERGEN");
    EXPECT_EQ(r.address->country, "NO");
}

TEST(Sbd, PrintAddressKeepsLineOneInPlace) {
    const json sbd =
        sbd_of("print", "01818500005",
               {{"hoveddokument", "a.pdf"},
                {"mottaker", {{"navn", "Kari"}, {"adresselinje2", "Gateveien 1"}, {"postnummer", "5020"}}}});
    const JournalPost p = to_journal_post(parse_sbd(sbd.dump(), "sbd"));
    ASSERT_TRUE(p.recipients[0].address.has_value());
    EXPECT_EQ(p.recipients[0].address->lines, (std::vector<std::string>{"", "Gateveien 1"}));

    // Without mottaker there is no address (the integrasjonspunkt refuses it: DP505).
    const JournalPost bare = to_journal_post(parse_sbd(sbd_of("print", "01818500005").dump(), "sbd"));
    EXPECT_FALSE(bare.recipients[0].address.has_value());
    EXPECT_EQ(bare.recipients[0].name, "");
    // With a receiver the integrasjonspunkt completes both addresses from the print record.
    EXPECT_TRUE(bare.recipients[0].address_completed_upstream);
    EXPECT_FALSE(bare.return_required);
}

TEST(Sbd, APrintMessageMayHaveNoReceiverAndCarriesItsReturnAddress) {
    // ServiceRecordProvider.getServiceIdentifier: an empty receiver is allowed for print only.
    json sbd = sbd_of("print", "",
                      {{"mottaker", {{"navn", "Kari"}, {"adresselinje1", "Storgatan 1"}, {"land", "SE"}}},
                       {"retur", {{"mottaker", {{"adresselinje1", "Postboks 7800"}, {"postnummer", "5020"}}}}}});
    sbd["standardBusinessDocumentHeader"].erase("receiver");
    const SbdMessage m = parse_sbd(sbd.dump(), "sbd");
    EXPECT_EQ(m.receiver, "");
    const JournalPost p = to_journal_post(m);
    ASSERT_EQ(p.recipients.size(), 1U);
    EXPECT_FALSE(p.recipients[0].id.has_value());
    EXPECT_EQ(p.recipients[0].method, Channel::print);
    EXPECT_FALSE(p.recipients[0].address_completed_upstream);
    EXPECT_TRUE(p.return_required);
    ASSERT_TRUE(p.return_address.has_value());
    EXPECT_EQ(p.return_address->lines, (std::vector<std::string>{"Postboks 7800"}));
    EXPECT_EQ(p.return_address->postcode, "5020");
    // Any other type still needs its receiver.
    json digital = sbd_of("digital", "01818500005");
    digital["standardBusinessDocumentHeader"].erase("receiver");
    EXPECT_EQ(failure_of(digital.dump()).id, "error.sbd.missing");
}

TEST(Sbd, ReadsADpoArkivmeldingAndDropsTheOrgPrefix) {
    const SbdMessage m = fixture_sbd("dpo-arkivmelding.sbd.json");
    EXPECT_EQ(m.type, "arkivmelding");
    EXPECT_EQ(m.receiver, "0192:987464291");
    EXPECT_EQ(m.process, "urn:no:difi:profile:arkivmelding:administrasjon:ver1.0");
    EXPECT_EQ(m.main_file, "vedtak.pdf");
    EXPECT_EQ(m.security_level, 3);

    const JournalPost p = to_journal_post(m);
    EXPECT_FALSE(p.title.has_value());
    EXPECT_EQ(p.process, "vedtak");  // not a digital post process: the model's default
    ASSERT_EQ(p.recipients.size(), 1U);
    EXPECT_EQ(p.recipients[0].id, "987464291");
    EXPECT_EQ(p.recipients[0].method, Channel::general);
    EXPECT_TRUE(p.recipients[0].verified);
}

TEST(Sbd, APersonReceiverKeepsItsNumber) {
    const JournalPost p =
        to_journal_post(parse_sbd(sbd_of("digital", "29129319060", {{"tittel", "Informasjon"}}).dump(), "sbd"));
    EXPECT_EQ(p.recipients[0].id, "29129319060");
    EXPECT_EQ(p.recipients[0].method, Channel::dpi);
    EXPECT_EQ(p.process, "info");
    EXPECT_EQ(p.title, "Informasjon");
}

TEST(Sbd, TypesMapToMethods) {
    const auto method = [](const std::string& type) {
        return to_journal_post(parse_sbd(sbd_of(type, "0192:987464291").dump(), "sbd")).recipients[0].method;
    };
    EXPECT_EQ(method("digital"), Channel::dpi);
    EXPECT_EQ(method("print"), Channel::print);
    EXPECT_EQ(method("digital_dpv"), Channel::dpv);
    EXPECT_EQ(method("arkivmelding"), Channel::general);
    // Unknown types are not an error: the integrasjonspunkt routes them.
    EXPECT_EQ(method("avtalt"), Channel::general);
    EXPECT_EQ(method("noe-helt-annet"), Channel::general);

    // The integrasjonspunkt ignores the type's case, and so does preflight.
    json upper = sbd_of("digital", "01818500277", {{"tittel", "T"}});
    upper["standardBusinessDocumentHeader"]["documentIdentification"]["type"] = "DIGITAL";
    const SbdMessage m = parse_sbd(upper.dump(), "sbd");
    EXPECT_EQ(m.type, "digital");
    EXPECT_EQ(m.title, "T");
    EXPECT_EQ(to_journal_post(m).recipients[0].method, Channel::dpi);
}

TEST(Sbd, DigitalDpvTitleAndMetadataFiles) {
    json sbd = sbd_of("digital_dpv", "01818500277", {{"tittel", "Til deg"}, {"sammendrag", "s"}, {"innhold", "i"}});
    EXPECT_EQ(to_journal_post(parse_sbd(sbd.dump(), "sbd")).title, "Til deg");

    sbd = sbd_of("digital", "01818500277",
                 {{"tittel", "T"}, {"hoveddokument", "a.pdf"}, {"metadataFiler", {{"a.pdf", "lenke.xml"}}}});
    const SbdMessage m = parse_sbd(sbd.dump(), "sbd");
    ASSERT_EQ(m.metadata_files.size(), 1U);
    EXPECT_EQ(m.metadata_files[0].first, "a.pdf");
    EXPECT_EQ(m.metadata_files[0].second, "lenke.xml");
}

TEST(Sbd, MetadataFilesAreNotDocuments) {
    const SbdMessage dpo = fixture_sbd("dpo-arkivmelding.sbd.json");
    EXPECT_FALSE(is_document(dpo, "arkivmelding.xml"));
    EXPECT_TRUE(is_document(dpo, "vedtak.pdf"));
    EXPECT_EQ(role_of(dpo, "vedtak.pdf"), Role::main);
    EXPECT_EQ(role_of(dpo, "klageskjema.pdf"), Role::attachment);

    const json sbd =
        sbd_of("digital", "01818500277", {{"hoveddokument", "a.pdf"}, {"metadataFiler", {{"a.pdf", "lenke.xml"}}}});
    const SbdMessage digital = parse_sbd(sbd.dump(), "sbd");
    EXPECT_FALSE(is_document(digital, "lenke.xml"));
    EXPECT_TRUE(is_document(digital, "a.pdf"));
    EXPECT_TRUE(is_document(digital, "arkivmelding.xml"));  // only an arkivmelding's is metadata
    EXPECT_EQ(role_of(digital, "a.pdf"), Role::main);
    EXPECT_EQ(role_of(fixture_sbd("dpi-print.sbd.json"), "vedtak.pdf"), Role::main);
    EXPECT_EQ(role_of(parse_sbd(sbd_of("digital", "01818500277").dump(), "sbd"), "a.pdf"), Role::attachment);
}

TEST(Sbd, ProcessKind) {
    EXPECT_EQ(process_kind("urn:no:difi:profile:digitalpost:vedtak:ver1.0"), "vedtak");
    EXPECT_EQ(process_kind("urn:no:difi:profile:digitalpost:info:ver1.0"), "info");
    EXPECT_EQ(process_kind("URN:NO:DIFI:PROFILE:DIGITALPOST:INFO:VER1.0"), "info");
    EXPECT_EQ(process_kind("urn:no:difi:profile:arkivmelding:administrasjon:ver1.0"), "");
    EXPECT_EQ(process_kind("urn:no:difi:profile:digitalpost:annet:ver1.0"), "");
    EXPECT_EQ(process_kind(""), "");
}

TEST(Sbd, TheConversationScopeIsFoundByItsType) {
    json sbd = sbd_of("digital", "01818500277");
    auto& scopes = sbd["standardBusinessDocumentHeader"]["businessScope"]["scope"];
    scopes.insert(scopes.begin(),
                  json{{"type", "SenderRef"}, {"instanceIdentifier", "ref-1"}, {"identifier", "urn:x:annet"}});
    const SbdMessage m = parse_sbd(sbd.dump(), "sbd");
    EXPECT_EQ(m.conversation_id, "5a6e1fc4-2a7c-4bd6-bb0e-4c0c1ab1a0f1");
    EXPECT_EQ(m.process, "urn:no:difi:profile:digitalpost:info:ver1.0");
}

TEST(Sbd, IdsTheIntegrasjonspunktMakesUpMayBeMissing) {
    json sbd = sbd_of("digital", "01818500277");
    sbd["standardBusinessDocumentHeader"]["documentIdentification"].erase("instanceIdentifier");
    sbd["standardBusinessDocumentHeader"]["businessScope"]["scope"][0].erase("instanceIdentifier");
    const SbdMessage m = parse_sbd(sbd.dump(), "sbd");
    EXPECT_EQ(m.message_id, "");
    EXPECT_EQ(m.conversation_id, "");
    EXPECT_EQ(m.sender, "");

    // Present but empty is not an id.
    sbd["standardBusinessDocumentHeader"]["documentIdentification"]["instanceIdentifier"] = "";
    const Failure f = failure_of(sbd.dump(2));
    EXPECT_EQ(f.id, "error.sbd.empty");
    EXPECT_EQ(f.field, "standardBusinessDocumentHeader.documentIdentification.instanceIdentifier");
}

TEST(Sbd, MissingFieldsNameTheirPlace) {
    struct Case {
        const char* what;
        std::function<void(json&)> edit;
        const char* field;
    };
    const std::vector<Case> cases = {
        {"header", [](json& j) { j.erase("standardBusinessDocumentHeader"); }, "standardBusinessDocumentHeader"},
        {"receiver", [](json& j) { j["standardBusinessDocumentHeader"].erase("receiver"); },
         "standardBusinessDocumentHeader.receiver"},
        {"no receivers", [](json& j) { j["standardBusinessDocumentHeader"]["receiver"] = json::array(); },
         "standardBusinessDocumentHeader.receiver[0]"},
        {"receiver identifier", [](json& j) { j["standardBusinessDocumentHeader"]["receiver"][0].erase("identifier"); },
         "standardBusinessDocumentHeader.receiver[0].identifier"},
        {"receiver value",
         [](json& j) { j["standardBusinessDocumentHeader"]["receiver"][0]["identifier"].erase("value"); },
         "standardBusinessDocumentHeader.receiver[0].identifier.value"},
        {"documentIdentification", [](json& j) { j["standardBusinessDocumentHeader"].erase("documentIdentification"); },
         "standardBusinessDocumentHeader.documentIdentification"},
        {"type", [](json& j) { j["standardBusinessDocumentHeader"]["documentIdentification"].erase("type"); },
         "standardBusinessDocumentHeader.documentIdentification.type"},
        {"businessScope", [](json& j) { j["standardBusinessDocumentHeader"].erase("businessScope"); },
         "standardBusinessDocumentHeader.businessScope"},
        {"process",
         [](json& j) { j["standardBusinessDocumentHeader"]["businessScope"]["scope"][0].erase("identifier"); },
         "standardBusinessDocumentHeader.businessScope.scope[0].identifier"},
    };
    for (const auto& c : cases) {
        json sbd = sbd_of("digital", "01818500277");
        c.edit(sbd);
        const Failure f = failure_of(sbd.dump(2));
        EXPECT_EQ(f.id, "error.sbd.missing") << c.what;
        EXPECT_EQ(f.field, c.field) << c.what;
        EXPECT_EQ(f.message.rfind("POST /api/messages/out:", 0), 0U) << f.message;
        EXPECT_NE(f.message.find(std::string("\"") + c.field + "\" is missing from the SBD"), std::string::npos)
            << f.message;
    }
}

TEST(Sbd, MissingReceiverValueIsPlacedAtItsParent) {
    const std::string text = R"({
  "standardBusinessDocumentHeader": {
    "receiver": [
      {"identifier": {"authority": "iso6523-actorid-upis"}}
    ],
    "documentIdentification": {"type": "digital"},
    "businessScope": {"scope": [{"type": "ConversationId", "identifier": "urn:x"}]}
  }
})";
    const Failure f = failure_of(text);
    EXPECT_EQ(f.message,
              "POST /api/messages/out:4:22: \"standardBusinessDocumentHeader.receiver[0].identifier.value\" is missing "
              "from the SBD");
}

TEST(Sbd, WrongTypesNameTheFieldAndItsPlace) {
    json sbd = sbd_of("digital", "01818500277");
    sbd["standardBusinessDocumentHeader"]["receiver"] = "01818500277";
    Failure f = failure_of(sbd.dump(2));
    EXPECT_EQ(f.id, "error.sbd.type");
    EXPECT_EQ(f.field, "standardBusinessDocumentHeader.receiver");
    EXPECT_NE(f.message.find("must be array"), std::string::npos) << f.message;

    sbd = sbd_of("digital", "01818500277", {{"sikkerhetsnivaa", "fire"}});
    f = failure_of(sbd.dump(2));
    EXPECT_EQ(f.field, "digital.sikkerhetsnivaa");
    EXPECT_NE(f.message.find("must be number"), std::string::npos) << f.message;
    // A number in a string is what the integrasjonspunkt accepts too.
    sbd = sbd_of("digital", "01818500277", {{"sikkerhetsnivaa", "3"}});
    EXPECT_EQ(parse_sbd(sbd.dump(), "sbd").security_level, 3);

    sbd = sbd_of("digital", "01818500277", {{"tittel", 42}});
    f = failure_of(sbd.dump(2));
    EXPECT_EQ(f.field, "digital.tittel");
    EXPECT_NE(f.message.find("must be string"), std::string::npos) << f.message;

    sbd = sbd_of("print", "01818500005", {{"mottaker", {{"postnummer", 5020}}}});
    f = failure_of(sbd.dump(2));
    EXPECT_EQ(f.field, "print.mottaker.postnummer");

    sbd = sbd_of("digital", "01818500277");
    sbd["standardBusinessDocumentHeader"]["documentIdentification"]["type"] = 1;
    f = failure_of(sbd.dump(2));
    EXPECT_EQ(f.field, "standardBusinessDocumentHeader.documentIdentification.type");

    f = failure_of("[1, 2]");
    EXPECT_EQ(f.id, "error.sbd.type");
    EXPECT_EQ(f.field, "(root)");

    // A business message that is not an object.
    sbd = sbd_of("digital", "01818500277");
    sbd["digital"] = "tekst";
    f = failure_of(sbd.dump(2));
    EXPECT_EQ(f.field, "digital");
}

TEST(Sbd, InvalidJsonNamesLineAndColumn) {
    const Failure f = failure_of("{\n  \"standardBusinessDocumentHeader\": {\n    \"receiver\": [,]\n  }\n}");
    EXPECT_EQ(f.id, "error.sbd.syntax");
    EXPECT_EQ(f.message.rfind("POST /api/messages/out:3:18: invalid JSON in the SBD: ", 0), 0U) << f.message;
    EXPECT_NE(f.message.find("\",\" cannot stand here; a value belongs here"), std::string::npos) << f.message;
    EXPECT_EQ(failure_of("").id, "error.sbd.syntax");
}

// The fixtures of the gate's three sequences, with their files, pass the checks
// against the end-to-end registry (and the built-in training recipients).
TEST(Sbd, GateFixturesPassTheChecks) {
    const CheckSet& checks = builtin_checks();
    const Config config =
        Config::load(std::string(PREFLIGHT_SOURCE_DIR) + "/fixtures/e2e/preflight.ini", app::config_sections(checks));
    auto registries = registry::make_registries(config);
    const json sequences = json::parse(read(gate_fixture("sequences.json")));
    for (const auto& seq : sequences.at("sequences")) {
        const std::string name = seq.at("name").get<std::string>();
        const SbdMessage m = fixture_sbd(seq.at("sbd").get<std::string>());
        JournalPost post = to_journal_post(m);
        for (const auto& f : seq.at("files")) {
            Document d;
            d.file = f.at("filename").get<std::string>();
            if (!is_document(m, d.file)) {
                continue;  // arkivmelding.xml
            }
            d.path = gate_fixture(f.at("path").get<std::string>());
            d.name = f.at("name").get<std::string>();
            d.role = role_of(m, d.file);
            post.documents.push_back(std::move(d));
        }
        RunSettings settings;
        settings.sandbox = false;
        settings.flags.strict_registry = true;  // the gate fails closed
        settings.directory = registries.directory.get();
        const Report report = run_checks(std::move(post), checks, config, settings);
        std::set<std::string> codes;
        for (const auto& f : report.findings) {
            if (f.severity != Severity::info) {
                codes.insert(f.code);
            }
        }
        EXPECT_EQ(report.verdict(), Verdict::pass) << name << ": " << ::testing::PrintToString(codes);
        ASSERT_EQ(report.post.recipients.size(), 1U);
        EXPECT_EQ(to_string(report.post.recipients[0].route), seq.at("route").get<std::string>()) << name;
    }
}
