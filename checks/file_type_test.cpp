#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

namespace {
constexpr const char* kDocx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
}

TEST(FileType, PdfPassesEverywhere) {
    for (const Channel c : {Channel::general, Channel::print, Channel::dpi, Channel::signing, Channel::dpo}) {
        EXPECT_TRUE(run_check("file-type", post_with({doc("a.pdf")}), channel(c)).empty());
    }
}

TEST(FileType, WordBlocksForPrintDpiAndSigning) {
    for (const Channel c : {Channel::general, Channel::print, Channel::dpi, Channel::signing}) {
        const auto f = run_check("file-type", post_with({doc("a.docx", "", Role::main, 100, kDocx)}), channel(c));
        ASSERT_EQ(f.size(), 1U) << to_string(c);
        EXPECT_EQ(f[0].severity, Severity::block);
        EXPECT_NE(english(f[0]).find("a Word document"), std::string::npos);
    }
}

TEST(FileType, WordPassesToPublicBodies) {
    EXPECT_TRUE(
        run_check("file-type", post_with({doc("a.docx", "", Role::main, 100, kDocx)}), channel(Channel::dpo)).empty());
}

TEST(FileType, UnknownContentWarnsForOtherChannels) {
    const auto f = run_check("file-type", post_with({doc("a.bin", "", Role::main, 100, "application/octet-stream")}),
                             channel(Channel::dpo));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::warn);
}

TEST(FileType, WordTemplatesAreNoFindingWhenScanning) {
    // `preflight scan`: a Word template becomes PDF before anything is sent.
    RunFlags templates;
    templates.templates = true;
    auto word = doc("mal.dotx", "", Role::main, 100, kDocx);
    word.docx = doctext::DocxLayout{};
    EXPECT_TRUE(run_check("file-type", post_with({word}), channel(Channel::general), {}, templates).empty());
    // Not in `check`: the same file in a journal post blocks.
    EXPECT_EQ(run_check("file-type", post_with({word}), channel(Channel::general)).size(), 1U);
    // Other types still block when scanning.
    const auto png = run_check("file-type", post_with({doc("logo.png", "", Role::main, 100, "image/png")}),
                               channel(Channel::general), {}, templates);
    ASSERT_EQ(png.size(), 1U);
    EXPECT_EQ(png[0].severity, Severity::block);
}
