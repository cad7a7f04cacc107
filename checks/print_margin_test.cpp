#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

namespace {
// A one-page document whose content starts `left_mm` from the left edge (or none).
Document with_content(std::optional<double> left_mm, int pages = 1) {
    auto d = doc("brev.pdf");
    d.pdf = a4_pages(pages);
    d.pdf->text_scan = pdf::TextScan::complete;
    if (left_mm) {
        for (int p = 1; p <= pages; ++p) {
            d.pdf->content_boxes.push_back({p, {*left_mm * kPtPerMm, 100, 400, 700}});
        }
    }
    return d;
}
}  // namespace

TEST(PrintMargin, WarnsOnEachPrintBoundPageWithContentInTheStrip) {
    const auto f = run_check("print-margin", post_with({with_content(17.0, 3)}), channel(Channel::print));
    ASSERT_EQ(f.size(), 3U);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(f[i].severity, Severity::warn);
        EXPECT_EQ(f[i].page, i + 1);
        EXPECT_EQ(f[i].document, "brev.pdf");
    }
    EXPECT_NE(english(f[0]).find("comes within 17 mm of the left edge"), std::string::npos) << english(f[0]);
    EXPECT_NE(english(f[0]).find("first 18 mm"), std::string::npos) << english(f[0]);
    EXPECT_EQ(run_check("print-margin", post_with({with_content(17.0)}), channel(Channel::general)).size(), 1U);
}

TEST(PrintMargin, NineteenMillimetresNoContentAndDigitalChannelsPass) {
    EXPECT_TRUE(run_check("print-margin", post_with({with_content(19.0)}), channel(Channel::print)).empty());
    EXPECT_TRUE(run_check("print-margin", post_with({with_content(18.0)}), channel(Channel::print)).empty());
    EXPECT_TRUE(run_check("print-margin", post_with({with_content(std::nullopt)}), channel(Channel::print)).empty());
    EXPECT_TRUE(run_check("print-margin", post_with({with_content(2.0)}), channel(Channel::dpi)).empty());
}

TEST(PrintMargin, DistanceIsRoundedDownAndTheMarginIsAnOption) {
    const auto f = run_check("print-margin", post_with({with_content(17.96)}), channel(Channel::print));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_NE(english(f[0]).find("within 17 mm"), std::string::npos) << english(f[0]);
    const auto wide =
        run_check("print-margin", post_with({with_content(19.0)}), channel(Channel::print), {{"margin-mm", "25"}});
    ASSERT_EQ(wide.size(), 1U);
    EXPECT_NE(english(wide[0]).find("first 25 mm"), std::string::npos) << english(wide[0]);
}

TEST(PrintMargin, CanBeSwitchedOff) {
    EXPECT_TRUE(
        run_check("print-margin", post_with({with_content(2.0)}), channel(Channel::print), {{"enabled", "false"}})
            .empty());
}

TEST(PrintMargin, UnmeasuredDocumentsAreSaidAndDamagedOnesLeftToDP303) {
    auto failed = with_content(std::nullopt);
    failed.pdf->text_scan = pdf::TextScan::failed;
    failed.pdf->text_scan_detail = "wall-clock limit";
    const auto f = run_check("print-margin", post_with({failed}), channel(Channel::print));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::info);
    EXPECT_NE(english(f[0]).find("wall-clock limit"), std::string::npos);

    // A partial scan: the pages measured count, and an info says the rest was not.
    auto partial = with_content(5.0);
    partial.pdf->text_scan = pdf::TextScan::partial;
    partial.pdf->text_scan_detail = "content limit of 64 MiB reached on page 1";
    const auto p = run_check("print-margin", post_with({partial}), channel(Channel::print));
    ASSERT_EQ(p.size(), 2U);
    EXPECT_EQ(p[0].message_id, "DP307.partial");
    EXPECT_EQ(p[0].severity, Severity::info);
    EXPECT_NE(english(p[0]).find("content limit of 64 MiB"), std::string::npos);
    EXPECT_EQ(p[1].message_id, "DP307.page");

    auto damaged = with_content(1.0);
    damaged.pdf->damage = pdf::Damage::no_eof;
    EXPECT_TRUE(run_check("print-margin", post_with({damaged}), channel(Channel::print)).empty());
}
