#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(FontsNotEmbedded, EmbeddedFontsPass) {
    EXPECT_TRUE(run_check("fonts-not-embedded", post_with({doc("a.pdf")}), channel(Channel::print)).empty());
}

TEST(FontsNotEmbedded, WarnsWhenPrintBound) {
    auto d = doc("a.pdf");
    d.pdf->fonts_not_embedded.push_back({"Calibri", 2});
    const auto f = run_check("fonts-not-embedded", post_with({d}), channel(Channel::print));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::warn);
    EXPECT_EQ(f[0].page, 2);
    EXPECT_NE(english(f[0]).find("Calibri"), std::string::npos);
    EXPECT_EQ(run_check("fonts-not-embedded", post_with({d}), channel(Channel::dpo))[0].severity, Severity::info);
}
