// End to end through the CLI: one manifest in fixtures/e2e/ per failure mode of the
// domain brief that is knowable before sending, each with the codes it must give.
// Recipients come from fixtures/e2e/registry.json (the organisation's export) and
// the built-in training recipients; no network.
#include "tests/cli_harness.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

using namespace preflight::testing;
using json = nlohmann::json;

namespace {

struct Case {
    const char* manifest;
    std::set<std::string> codes;  // every code in the report, info included
    const char* verdict;
    std::vector<std::string> routes;
    std::vector<std::string> extra = {};  // more arguments
    const char* config = "e2e/preflight.ini";
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.manifest; }

class EndToEnd : public ::testing::TestWithParam<Case> {};

TEST_P(EndToEnd, GivesTheExpectedCodesVerdictAndRoutes) {
    const Case& c = GetParam();
    std::vector<std::string> args{"check",    "--manifest",      fixture(std::string("e2e/") + c.manifest),
                                  "--config", fixture(c.config), "--format",
                                  "json"};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    const auto r = run_cli(args);
    const bool blocks = std::string(c.verdict) == "block";
    ASSERT_EQ(r.exit_code, blocks ? 1 : 0) << r.out << r.err;
    const json j = json::parse(r.out);
    std::set<std::string> codes;
    for (const auto& f : j.at("findings")) {
        codes.insert(f.at("code").get<std::string>());
        // Identifiers are masked in every message.
        EXPECT_EQ(f.at("message").get<std::string>().find("01818500"), std::string::npos) << f.dump();
    }
    EXPECT_EQ(codes, c.codes) << r.out;
    EXPECT_EQ(j.at("verdict"), c.verdict);
    std::vector<std::string> routes;
    for (const auto& x : j.at("recipients")) {
        routes.push_back(x.at("route").get<std::string>());
    }
    EXPECT_EQ(routes, c.routes);
}

// The brief's table, row by row (and the checks each row gave rise to).
INSTANTIATE_TEST_SUITE_P(
    FailureModes, EndToEnd,
    ::testing::Values(
        // "ugyldige verdier hos mottaker": not looked up, or an id that cannot be one.
        Case{"not-verified.json", {"DP501"}, "block", {"dpi-digital"}},
        Case{"invalid-id.json", {"DP502"}, "block", {"unknown"}},
        // The document name over 96 characters: «sendt», then «overføring feilet» a day later.
        Case{"name-too-long.json", {"DP101"}, "block", {"dpi-digital"}},
        // The total over the DPI limit (lowered for the bundled documents).
        Case{"total-size.json", {"DP201"}, "block", {"dpi-digital"}, {}, "e2e/small-limits.ini"},
        // Slides to a reserved citizen: print needs portrait A4.
        Case{"slides-reserved.json", {"DP301", "DP504"}, "block", {"dpi-print"}},
        // Printed letters without a usable address come back.
        Case{"print-no-address.json", {"DP504", "DP505"}, "block", {"dpi-print"}},
        // "Receiver do not accept the document process": no DPO for this receiver.
        Case{"capability.json", {"DP507"}, "block", {"dpo"}},
        // Recipients the registers say are gone.
        Case{"deleted-org.json", {"DP503"}, "block", {"dpo"}},
        Case{"deleted-person.json", {"DP503"}, "block", {"unknown"}},
        Case{"bankrupt-org.json", {"DP503"}, "warn", {"dpv"}},
        // Signing: reserved signer, invalid id, no contact details.
        Case{"signing.json", {"DP511", "DP512", "DP513"}, "block", {"signing", "signing", "signing", "signing"}},
        Case{"signing-size.json", {"DP202"}, "block", {"signing"}, {}, "e2e/small-limits.ini"},
        // e-Boks keeps the status «sendt»: normal.
        Case{"eboks.json", {"DP506"}, "pass", {"dpi-digital"}},
        // Documents left out without a word.
        Case{"duplicate-names.json", {"DP405", "DP407"}, "block", {"dpi-digital"}},  // one file listed twice
        Case{"main-mismatch.json", {"DP406"}, "block", {"dpi-digital"}},
        // E-mail only without access code, fødselsnummer, and with an address; and
        // only for recipients in neither register (these are in registry.json: DP604).
        Case{"email-access-code.json", {"DP601", "DP604"}, "block", {"email"}},
        Case{"email-fnr.json", {"DP602", "DP604"}, "block", {"email"}},
        Case{"email-no-address.json", {"DP603", "DP604"}, "block", {"email", "email"}},
        // An organisation the registry file knows (not verified: the lookup finds it),
        // a fødselsnummer in a name; an unknown person and a deleted organisation
        // are e-mail's own case (no DP503, DP508 or DP604). Every route stays e-mail.
        Case{"email-registered.json", {"DP602", "DP604"}, "block", {"email", "email", "email", "email"}},
        // The training environment: only its test recipients.
        Case{"training.json",
             {"DP504", "DP701"},
             "block",
             {"dpi-print", "dpo", "dpi-digital"},
             {"--profile", "training"},
             "e2e/training.ini"},
        // Routes as the service registry decides them (issue 22).
        // An organisation no registry knows is never print-bound: slides are info, no address is needed.
        Case{"org-unknown-route.json", {"DP301", "DP508"}, "warn", {"unknown"}},
        // No mailbox: DpiMessageRouter's DPV target, whose print record comes first.
        Case{"no-mailbox.json", {"DP504"}, "pass", {"dpi-print"}},
        // A print message to a person with an active mailbox: no print record, the runbook's 400.
        Case{"print-to-mailbox.json", {"DP507"}, "block", {"dpi-print"}},
        // Altinn takes no security level 4.
        Case{"security-level.json", {"DP507"}, "block", {"dpv"}},
        // DPV's limits for a recipient reached by DPV: over DPI's (lowered) limit is fine, a long name warns.
        Case{"dpv-limits.json", {"DP101"}, "warn", {"dpv"}, {}, "e2e/small-limits.ini"},
        // Print without a receiver number is allowed; with no country the address is Norwegian and needs a postcode.
        Case{"print-no-id.json", {"DP505"}, "block", {"dpi-print", "dpi-print"}},
        // An organisation never gets paper.
        Case{"print-to-org.json", {"DP505", "DP507"}, "block", {"dpi-print"}},
        // No source knows the recipient: a warning, a block when strict.
        Case{"unknown-everywhere.json", {"DP508"}, "warn", {"unknown"}},
        Case{"unknown-everywhere.json", {"DP508"}, "block", {"unknown"}, {"--strict-registry"}}));

// Whom the e-mail findings name: the organisation the lookup found (DP604) and the
// recipient with a fødselsnummer in its name (DP602, masked), nobody else.
TEST(EndToEndEmail, FindingsNameTheirRecipients) {
    const auto r = run_cli({"check", "--manifest", fixture("e2e/email-registered.json"), "--config",
                            fixture("e2e/preflight.ini"), "--format", "json", "--lang", "en"});
    ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
    const json j = json::parse(r.out);
    std::set<std::pair<std::string, int>> seen;
    for (const auto& f : j.at("findings")) {
        seen.emplace(f.at("code").get<std::string>(), f.at("recipient").get<int>());
        const auto message = f.at("message").get<std::string>();
        if (f.at("code") == "DP604") {
            EXPECT_NE(message.find("is listed in Enhetsregisteret (according to file)"), std::string::npos) << message;
        } else {
            EXPECT_NE(message.find("\"Kari Epost 018185*****\""), std::string::npos) << message;
        }
    }
    EXPECT_EQ(seen, (std::set<std::pair<std::string, int>>{{"DP602", 1}, {"DP604", 0}}));
}

}  // namespace
