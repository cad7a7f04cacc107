#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(SigningDocumentSize, ThreeMibPasses) {
    EXPECT_TRUE(run_check("signing-document-size", post_with({doc("a.pdf", "", Role::main, 3145728)}),
                          channel(Channel::signing))
                    .empty());
}

TEST(SigningDocumentSize, OneDocumentOverBlocks) {
    const auto f = run_check("signing-document-size", post_with({doc("a.pdf", "", Role::main, 3145729)}),
                             channel(Channel::signing));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP202.document");
    EXPECT_EQ(f[0].document, "a.pdf");
}

TEST(SigningDocumentSize, TheJobTotalCounts) {
    const auto post = post_with({doc("a.pdf", "", Role::main, 2000000), doc("b.pdf", "", Role::attachment, 2000000)});
    const auto f = run_check("signing-document-size", post, channel(Channel::signing));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP202.total");
}

TEST(SigningDocumentSize, OnlyForSigning) {
    EXPECT_TRUE(
        run_check("signing-document-size", post_with({doc("a.pdf", "", Role::main, 9000000)}), channel(Channel::dpi))
            .empty());
}
