#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

namespace {

registry::Answer<registry::Capabilities> caps(std::vector<registry::Capability> list) {
    registry::Answer<registry::Capabilities> a;
    a.outcome = registry::Outcome::found;
    a.source = "capabilities";
    a.value = std::move(list);
    return a;
}

const std::string kVedtak = "urn:no:difi:profile:digitalpost:vedtak:ver1.0";

}  // namespace

TEST(ReceiverCapability, APrintOnlyReceiverAcceptsPrint) {
    auto r = person("Kari", "29129319060");
    r.facts.capabilities = caps({{kVedtak, "DPI", {"print"}}});
    r.route = Route::dpi_print;
    EXPECT_TRUE(run_check("receiver-capability", post_to({r}), channel(Channel::general)).empty());
}

TEST(ReceiverCapability, TheWrongProcessOrDocumentTypeBlocks) {
    auto r = person("Kari", "29129319060");
    r.facts.capabilities = caps({{kVedtak, "DPI", {"print"}}});
    r.route = Route::dpi_digital;
    const auto f = run_check("receiver-capability", post_to({r}), channel(Channel::general));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP507.missing");
    EXPECT_NE(english(f[0]).find("DPI with document type digital"), std::string::npos) << english(f[0]);
    // An info letter needs the info process.
    auto info = person("Kari", "29129319060");
    info.facts.capabilities = caps({{kVedtak, "DPI", {"print"}}});
    info.route = Route::dpi_print;
    EXPECT_EQ(run_check("receiver-capability", post_to({info}, "info"), channel(Channel::general)).size(), 1U);
}

TEST(ReceiverCapability, AnOrganisationSentByDpoNeedsDpo) {
    auto r = person("Firma", "987464291", Channel::dpo);
    r.route = Route::dpo;
    r.facts.capabilities = caps({{"urn:no:difi:profile:arkivmelding:administrasjon:ver1.0", "DPV", {"arkivmelding"}}});
    EXPECT_EQ(run_check("receiver-capability", post_to({r}), channel(Channel::dpo)).size(), 1U);
    r.facts.capabilities.value->push_back({"urn:no:difi:profile:arkivmelding:administrasjon:ver1.0", "DPO", {}});
    EXPECT_TRUE(run_check("receiver-capability", post_to({r}), channel(Channel::dpo)).empty());
}

TEST(ReceiverCapability, NoCapabilitiesAtAllBlocksAndNoAnswerSaysNothing) {
    auto none = person("Firma", "987464291");
    none.facts.capabilities.outcome = registry::Outcome::not_found;
    none.facts.capabilities.source = "capabilities";
    auto unasked = person("Kari", "29129319060");
    const auto f = run_check("receiver-capability", post_to({none, unasked}), channel(Channel::general));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP507.none");
    EXPECT_EQ(f[0].recipient, 0);
}
