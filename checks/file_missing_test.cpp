#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(FileMissing, ReadableFilePasses) {
    EXPECT_TRUE(run_check("file-missing", post_with({doc("a.pdf")}), channel(Channel::dpi)).empty());
}

TEST(FileMissing, MissingFileBlocks) {
    auto d = doc("gone.pdf");
    d.readable = false;
    d.io_error = "No such file or directory";
    const auto f = run_check("file-missing", post_with({d}), channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_NE(english(f[0]).find("No such file"), std::string::npos);
}

TEST(FileMissing, EmptyFileBlocks) {
    const auto f = run_check("file-missing", post_with({doc("a.pdf", "", Role::main, 0)}), channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP403.empty");
}

TEST(FileMissing, EachReasonHasItsOwnMessage) {
    for (const char* reason : {"missing", "not-file", "denied"}) {
        auto d = doc("x.pdf");
        d.readable = false;
        d.io_error = reason;
        const auto f = run_check("file-missing", post_with({d}), channel(Channel::dpi));
        ASSERT_EQ(f.size(), 1U);
        EXPECT_EQ(f[0].message_id, std::string("DP403.") + reason);
    }
}

TEST(FileMissing, TheRemedySpeaksOfTheManifestOnlyWhenThereIsOne) {
    auto d = doc("gone.pdf");
    d.readable = false;
    d.io_error = "missing";
    auto loose = post_with({d});
    loose.from_manifest = false;
    const auto f = run_check("file-missing", loose, channel(Channel::dpi));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].remedy_id, "DP403.missing-loose.remedy");
    EXPECT_EQ(catalogue::text(f[0].remedy_id, Lang::nb).find("manifest"), std::string::npos);

    auto listed = post_with({d}, "Vedtak");
    ASSERT_TRUE(listed.from_manifest);
    const auto g = run_check("file-missing", listed, channel(Channel::dpi));
    ASSERT_EQ(g.size(), 1U);
    EXPECT_EQ(g[0].remedy_id, "DP403.missing.remedy");
    EXPECT_NE(catalogue::text(g[0].remedy_id, Lang::nb).find("manifestet"), std::string::npos);
}
