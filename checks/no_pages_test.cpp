#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(NoPages, APageIsEnough) {
    EXPECT_TRUE(run_check("no-pages", post_with({doc("a.pdf")}), channel(Channel::print)).empty());
}

TEST(NoPages, EmptyPageTreeBlocks) {
    auto d = doc("a.pdf");
    d.pdf = pdf_pages({});
    d.pdf->declared_page_count = 5;
    const auto f = run_check("no-pages", post_with({d}), channel(Channel::dpo));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_NE(english(f[0]).find("claims 5"), std::string::npos);
}

TEST(NoPages, DamagedFilesAreLeftToPdfDamaged) {
    auto d = doc("a.pdf");
    d.pdf = pdf_pages({});
    d.pdf->damage = pdf::Damage::no_eof;
    EXPECT_TRUE(run_check("no-pages", post_with({d}), channel(Channel::print)).empty());
}
