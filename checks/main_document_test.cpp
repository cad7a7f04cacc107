#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(MainDocument, ExactlyOnePasses) {
    EXPECT_TRUE(
        run_check("main-document", post_with({doc("a.pdf", "", Role::main), doc("b.pdf")}), channel(Channel::dpi))
            .empty());
}

TEST(MainDocument, NoneBlocks) {
    const auto f = run_check("main-document", post_with({doc("a.pdf"), doc("b.pdf")}), channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP404.none");
}

TEST(MainDocument, TwoBlock) {
    const auto f = run_check("main-document", post_with({doc("a.pdf", "", Role::main), doc("b.pdf", "", Role::main)}),
                             channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP404.several");
}
