#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

namespace {
Document encrypted(bool password) {
    auto d = doc("secret.pdf", "", Role::main);
    d.pdf->encrypted = true;
    d.pdf->needs_password = password;
    d.pdf->encryption = "RC4 40-bit";
    return d;
}
}  // namespace

TEST(PdfEncrypted, PlainPdfPasses) {
    EXPECT_TRUE(run_check("pdf-encrypted", post_with({doc("a.pdf")}), channel(Channel::print)).empty());
}

TEST(PdfEncrypted, BlocksForPrintAndSigning) {
    for (const Channel c : {Channel::print, Channel::signing, Channel::general}) {
        const auto f = run_check("pdf-encrypted", post_with({encrypted(false)}), channel(c));
        ASSERT_EQ(f.size(), 1U);
        EXPECT_EQ(f[0].severity, Severity::block);
        EXPECT_NE(english(f[0]).find("RC4 40-bit"), std::string::npos);
    }
}

TEST(PdfEncrypted, WarnsForDigitalChannels) {
    const auto f = run_check("pdf-encrypted", post_with({encrypted(true)}), channel(Channel::dpo));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::warn);
    EXPECT_EQ(f[0].message_id, "DP302.password");
}
