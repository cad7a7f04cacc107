#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

namespace {
Document version(const char* v) {
    auto d = doc("a.pdf");
    d.pdf->version = v;
    return d;
}
}  // namespace

TEST(PdfVersion, OnePointSevenPasses) {
    EXPECT_TRUE(run_check("pdf-version", post_with({version("1.7")}), channel(Channel::print)).empty());
    EXPECT_TRUE(run_check("pdf-version", post_with({version("1.4")}), channel(Channel::print)).empty());
}

TEST(PdfVersion, TwoPointZeroBlocksPrint) {
    const auto f = run_check("pdf-version", post_with({version("2.0")}), channel(Channel::print));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_NE(english(f[0]).find("version 2.0"), std::string::npos);
}

TEST(PdfVersion, InfoForDigital) {
    const auto f = run_check("pdf-version", post_with({version("2.0")}), channel(Channel::dpo));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::info);
}

TEST(PdfVersion, MaxIsConfigurable) {
    EXPECT_EQ(
        run_check("pdf-version", post_with({version("1.7")}), channel(Channel::print), {{"max-version", "1.4"}}).size(),
        1U);
}
