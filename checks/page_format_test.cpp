#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

namespace {
Document pdf_with(std::vector<pdf::Page> pages) {
    auto d = doc("slides.pdf", "", Role::main);
    d.pdf = pdf_pages(std::move(pages));
    return d;
}
}  // namespace

TEST(PageFormat, PortraitA4Passes) {
    EXPECT_TRUE(
        run_check("page-format", post_with({pdf_with({page_mm(1, 210, 297)})}), channel(Channel::print)).empty());
}

TEST(PageFormat, WithinToleranceIsA4) {
    // US Letter is 215.9 x 279.4 mm: 17.6 mm short, outside 10 mm; 205 x 290 is inside.
    EXPECT_TRUE(
        run_check("page-format", post_with({pdf_with({page_mm(1, 205, 290)})}), channel(Channel::print)).empty());
    EXPECT_EQ(
        run_check("page-format", post_with({pdf_with({page_mm(1, 215.9, 279.4)})}), channel(Channel::print)).size(),
        1U);
}

TEST(PageFormat, SlidesBlockWhenPrintBoundAndAreGrouped) {
    const auto post = post_with({pdf_with({page_mm(1, 210, 297), page_mm(2, 338.7, 190.4), page_mm(3, 338.7, 190.4)})});
    const auto f = run_check("page-format", post, channel(Channel::print));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_EQ(f[0].page, 2);
    EXPECT_EQ(f[0].message_id, "DP301.size-pages");
    EXPECT_NE(english(f[0]).find("2 pages, from page 2, are 339 × 190 mm"), std::string::npos) << english(f[0]);
}

TEST(PageFormat, LandscapeA4Warns) {
    const auto f = run_check("page-format", post_with({pdf_with({page_mm(1, 297, 210)})}), channel(Channel::print));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::warn);
    EXPECT_EQ(f[0].message_id, "DP301.landscape");
}

TEST(PageFormat, RotatedLandscapeMediaBoxIsPortrait) {
    // A landscape MediaBox turned by /Rotate 90 prints as portrait A4.
    EXPECT_TRUE(
        run_check("page-format", post_with({pdf_with({page_mm(1, 297, 210, 90)})}), channel(Channel::print)).empty());
    // And a portrait MediaBox turned by 270 is landscape.
    EXPECT_EQ(
        run_check("page-format", post_with({pdf_with({page_mm(1, 210, 297, 270)})}), channel(Channel::print)).size(),
        1U);
}

TEST(PageFormat, TheCropBoxDecides) {
    auto p = page_mm(1, 210, 297);
    p.crop.ury = p.crop.ury / 2;  // half an A4
    const auto f = run_check("page-format", post_with({pdf_with({p})}), channel(Channel::print));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_NE(english(f[0]).find("210 × 149 mm"), std::string::npos) << english(f[0]);
}

TEST(PageFormat, InfoOnlyForDigitalChannels) {
    const auto f = run_check("page-format", post_with({pdf_with({page_mm(1, 338.7, 190.5)})}), channel(Channel::dpo));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::info);
}

TEST(PageFormat, ToleranceIsConfigurable) {
    const auto post = post_with({pdf_with({page_mm(1, 205, 290)})});
    EXPECT_EQ(run_check("page-format", post, channel(Channel::print), {{"tolerance-mm", "2"}}).size(), 1U);
}

TEST(PageFormat, UnreadablePagesAreLeftToPdfDamaged) {
    auto p = page_mm(1, 100, 100);
    p.ok = false;
    EXPECT_TRUE(run_check("page-format", post_with({pdf_with({p})}), channel(Channel::print)).empty());
}
