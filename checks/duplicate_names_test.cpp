#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(DuplicateNames, DistinctNamesPass) {
    EXPECT_TRUE(run_check("duplicate-names", post_with({doc("a.pdf", "Vedlegg 1"), doc("b.pdf", "Vedlegg 2")}),
                          channel(Channel::dpi))
                    .empty());
}

TEST(DuplicateNames, SameNameBlocksAndNamesBoth) {
    const auto f = run_check("duplicate-names", post_with({doc("a.pdf", "Vedlegg"), doc("b.pdf", "Vedlegg")}),
                             channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_EQ(f[0].document, "b.pdf");
    EXPECT_NE(english(f[0]).find("(a.pdf)"), std::string::npos);
}

TEST(DuplicateNames, ComparedAfterNfcCaseFoldAndTrim) {
    // "Søknad å" precomposed vs. " SØKNAD A\u030A " decomposed, upper case, padded.
    const auto f =
        run_check("duplicate-names", post_with({doc("a.pdf", "Søknad å"), doc("b.pdf", " SØKNAD A\xCC\x8A ")}),
                  channel(Channel::dpi));
    EXPECT_EQ(f.size(), 1U);
}

TEST(DuplicateNames, DefaultNamesFromStemsCollideToo) {
    // Two files with the same stem in different folders get the same default name.
    EXPECT_EQ(
        run_check("duplicate-names", post_with({doc("a/brev.pdf"), doc("b/brev.pdf")}), channel(Channel::dpi)).size(),
        1U);
}
