#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(ExtensionMismatch, MatchingExtensionPasses) {
    EXPECT_TRUE(run_check("extension-mismatch", post_with({doc("a.PDF")}), channel(Channel::dpo)).empty());
    EXPECT_TRUE(run_check("extension-mismatch", post_with({doc("notes.txt", "", Role::main, 10, "text/x-c")}),
                          channel(Channel::dpo))
                    .empty());
}

TEST(ExtensionMismatch, WordNamedPdfWarns) {
    const auto f =
        run_check("extension-mismatch",
                  post_with({doc("a.pdf", "", Role::main, 100,
                                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document")}),
                  channel(Channel::dpo));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::warn);
    EXPECT_NE(english(f[0]).find("\".pdf\""), std::string::npos);
    // The type as people say it, not the MIME type (the JSON report's documents[].type keeps that).
    EXPECT_EQ(bokmal(f[0]), "Filen har endelsen «.pdf», men er et Word-dokument");
    EXPECT_EQ(english(f[0]).find("application/"), std::string::npos) << english(f[0]);
}

TEST(ExtensionMismatch, PdfNamedDocxWarns) {
    EXPECT_EQ(run_check("extension-mismatch", post_with({doc("a.docx")}), channel(Channel::dpo)).size(), 1U);
}

TEST(ExtensionMismatch, UnknownExtensionsAreNotJudged) {
    EXPECT_TRUE(run_check("extension-mismatch", post_with({doc("a.weird")}), channel(Channel::dpo)).empty());
}
