#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(EboksMailbox, EboksMailboxesAreToldAsInfo) {
    auto eboks = person("Kari", "29129319060");
    eboks.facts.person = krr("29129319060", "AKTIV", false, true, "996460320");
    eboks.route = Route::dpi_digital;
    auto digipost = person("Ola", "29129319060");
    digipost.facts.person = krr("29129319060");
    digipost.route = Route::dpi_digital;
    const auto f = run_check("eboks-mailbox", post_to({eboks, digipost}), channel(Channel::general));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::info);
    EXPECT_EQ(f[0].recipient, 0);
    // The provider's org number is an option.
    const auto g = run_check("eboks-mailbox", post_to({eboks, digipost}), channel(Channel::general),
                             {{"provider-orgnr", "984661185"}});
    ASSERT_EQ(g.size(), 1U);
    EXPECT_EQ(g[0].recipient, 1);
}

TEST(EboksMailbox, PrintRoutesAreNotAboutTheMailbox) {
    auto eboks = person("Kari", "29129319060");
    eboks.facts.person = krr("29129319060", "AKTIV", true, true, "996460320");
    eboks.route = Route::dpi_print;
    EXPECT_TRUE(run_check("eboks-mailbox", post_to({eboks}), channel(Channel::general)).empty());
}
