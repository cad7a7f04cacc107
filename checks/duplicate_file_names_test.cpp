#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(DuplicateFileNames, DistinctFileNamesPass) {
    EXPECT_TRUE(run_check("duplicate-file-names",
                          post_with({doc("vedtak.pdf", "Vedtak"), doc("vedlegg/klage.pdf", "Klage")}),
                          channel(Channel::dpi))
                    .empty());
}

TEST(DuplicateFileNames, OneFileNameInTwoFoldersBlocks) {
    // The archive system sends the file name, not the folder: both arrive as brev.pdf.
    const auto f =
        run_check("duplicate-file-names", post_with({doc("a/brev.pdf", "Vedtak"), doc("b/brev.pdf", "Vedlegg")}),
                  channel(Channel::dpo));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_EQ(f[0].document, "b/brev.pdf");
    EXPECT_NE(english(f[0]).find("\"brev.pdf\" is also used by a/brev.pdf"), std::string::npos) << english(f[0]);
}

TEST(DuplicateFileNames, ComparedExactlyAsTheIntegrasjonspunktDoes) {
    // Java's String.equals: another case is another file name.
    EXPECT_TRUE(run_check("duplicate-file-names", post_with({doc("Brev.pdf", "A"), doc("brev.pdf", "B")}),
                          channel(Channel::dpi))
                    .empty());
    EXPECT_EQ(
        run_check("duplicate-file-names", post_with({doc("brev.pdf", "A"), doc("brev.pdf", "B"), doc("brev.pdf", "C")}),
                  channel(Channel::print))
            .size(),
        2U);
}
