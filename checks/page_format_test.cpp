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
    EXPECT_NE(english(f[0]).find("Pages 2–3 are 339 × 190 mm"), std::string::npos) << english(f[0]);
}

TEST(PageFormat, NamesThePagesAsAListWithRanges) {
    const auto post =
        post_with({pdf_with({page_mm(1, 210, 297), page_mm(2, 297, 420), page_mm(3, 210, 297), page_mm(4, 297, 420),
                             page_mm(5, 297, 420), page_mm(6, 297, 420), page_mm(7, 210, 297), page_mm(8, 297, 420)})});
    const auto f = run_check("page-format", post, channel(Channel::print));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].page, 2);
    EXPECT_EQ(english(f[0]).rfind("Pages 2, 4–6, 8 are 297 × 420 mm", 0), 0U) << english(f[0]);
    EXPECT_EQ(bokmal(f[0]).rfind("Sidene 2, 4–6, 8 er 297 × 420 mm", 0), 0U) << bokmal(f[0]);
}

TEST(PageFormat, TheRemedyFitsThePageSize) {
    const auto remedy_of = [](double w, double h) {
        const auto f = run_check("page-format", post_with({pdf_with({page_mm(1, w, h)})}), channel(Channel::print));
        EXPECT_EQ(f.size(), 1U);
        return f.empty() ? std::string() : f[0].remedy_id;
    };
    EXPECT_EQ(remedy_of(338.7, 190.5), "DP301.slides.remedy");  // 16:9 slides
    EXPECT_EQ(remedy_of(254, 190.5), "DP301.slides.remedy");    // 4:3 slides
    EXPECT_EQ(remedy_of(215.9, 279.4), "DP301.letter.remedy");
    EXPECT_EQ(remedy_of(297, 420), "DP301.larger.remedy");  // A3
    EXPECT_EQ(remedy_of(297, 210), "DP301.landscape.remedy");
    EXPECT_EQ(remedy_of(148, 210), "DP301.size.remedy");  // A5: the general remedy
    // Each page remedy names the tool that makes the print-ready copy.
    for (const char* id : {"DP301.slides.remedy", "DP301.letter.remedy", "DP301.larger.remedy",
                           "DP301.landscape.remedy", "DP301.size.remedy"}) {
        EXPECT_NE(catalogue::text(id, Lang::nb).find("«preflight fix"), std::string::npos) << id;
    }
    EXPECT_NE(catalogue::text("DP301.slides.remedy", Lang::en).find("--two-up"), std::string::npos);
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

// ---- Word documents and templates: every section's w:pgSz, in twips.
namespace {
constexpr const char* kDocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

doctext::PageSetup section(int n, long w, long h, std::string orient = "") {
    doctext::PageSetup s;
    s.section = n;
    s.has_size = w > 0 && h > 0;
    s.width_twips = w;
    s.height_twips = h;
    s.orient = std::move(orient);
    return s;
}

Document word_with(std::vector<doctext::PageSetup> sections) {
    auto d = doc("mal.docx", "", Role::main, 5000, kDocxType);
    d.docx = doctext::DocxLayout{std::move(sections), false, ""};
    return d;
}

std::vector<Finding> word_findings(std::vector<doctext::PageSetup> sections, Channel c = Channel::general) {
    return run_check("page-format", post_with({word_with(std::move(sections))}), channel(c));
}
}  // namespace

TEST(PageFormat, WordPortraitA4PassesInBothSpellings) {
    EXPECT_TRUE(word_findings({section(1, 11906, 16838)}).empty());
    EXPECT_TRUE(word_findings({section(1, 11907, 16839, "portrait")}).empty());
}

TEST(PageFormat, WordLetterBlocksWhenPrintBoundAndIsInfoOtherwise) {
    const auto f = word_findings({section(1, 12240, 15840)});
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_EQ(f[0].message_id, "DP301.docx-size");
    EXPECT_EQ(f[0].document, "mal.docx");
    EXPECT_FALSE(f[0].page.has_value());
    EXPECT_NE(english(f[0]).find("Section 1 has page size 216 × 279 mm"), std::string::npos) << english(f[0]);
    const auto dpo = word_findings({section(1, 12240, 15840)}, Channel::dpo);
    ASSERT_EQ(dpo.size(), 1U);
    EXPECT_EQ(dpo[0].severity, Severity::info);
}

TEST(PageFormat, WordLandscapeA4WarnsAndAgreesWithItsOrient) {
    const auto f = word_findings({section(1, 16838, 11906, "landscape")});
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::warn);
    EXPECT_EQ(f[0].message_id, "DP301.docx-landscape");
}

TEST(PageFormat, WordMixedSectionsNameTheOffendingOnesGrouped) {
    // Sections 1 and 3 portrait A4; 2 and 4 Letter; 5 landscape A4 without w:orient.
    const auto f = word_findings({section(1, 11906, 16838), section(2, 12240, 15840), section(3, 11906, 16838),
                                  section(4, 12240, 15840), section(5, 16838, 11906)});
    ASSERT_EQ(f.size(), 3U);
    EXPECT_EQ(f[0].message_id, "DP301.docx-orient-missing");
    EXPECT_EQ(f[0].severity, Severity::warn);
    EXPECT_NE(english(f[0]).find("Section 5 is landscape"), std::string::npos) << english(f[0]);
    EXPECT_EQ(f[1].message_id, "DP301.docx-size-sections");
    EXPECT_EQ(f[1].severity, Severity::block);
    EXPECT_NE(english(f[1]).find("Sections 2, 4 have page size"), std::string::npos) << english(f[1]);
    EXPECT_EQ(f[2].message_id, "DP301.docx-landscape");
    EXPECT_NE(english(f[2]).find("Section 5"), std::string::npos) << english(f[2]);
}

TEST(PageFormat, WordOrientContradictingPortraitSizesWarns) {
    const auto f = word_findings({section(1, 11906, 16838, "landscape")});
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP301.docx-orient");
    EXPECT_EQ(f[0].severity, Severity::warn);
    EXPECT_NE(english(f[0]).find("\"landscape\""), std::string::npos) << english(f[0]);
}

TEST(PageFormat, WordToleranceAppliesToTwips) {
    // 11339 x 16443 twips = 200 x 290 mm: inside 10 mm, outside 5 mm.
    EXPECT_TRUE(word_findings({section(1, 11339, 16443)}).empty());
    const auto f = run_check("page-format", post_with({word_with({section(1, 11339, 16443)})}),
                             channel(Channel::general), {{"tolerance-mm", "5"}});
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP301.docx-size");
}

TEST(PageFormat, WordWithoutPageSizeWarns) {
    const auto f = word_findings({section(1, 0, 0)});
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP301.docx-no-size");
    EXPECT_EQ(f[0].severity, Severity::warn);
    const auto none = word_findings({});
    ASSERT_EQ(none.size(), 1U);
    EXPECT_EQ(none[0].message_id, "DP301.docx-no-size");
}

TEST(PageFormat, UnreadableWordIsNoPageFormatFinding) {
    // A damaged Word document is DP303 pdf-damaged's (checks/pdf_damaged_test.cpp).
    auto d = word_with({});
    d.docx->error = "not a readable zip: Not a zip archive";
    EXPECT_TRUE(run_check("page-format", post_with({d}), channel(Channel::print)).empty());
}

TEST(PageFormat, TruncatedWordStillReportsTheSectionsRead) {
    auto d = word_with({section(1, 12240, 15840)});
    d.docx->truncated = true;
    const auto f = run_check("page-format", post_with({d}), channel(Channel::general));
    ASSERT_EQ(f.size(), 2U);
    EXPECT_EQ(f[0].message_id, "DP301.docx-truncated");
    EXPECT_EQ(f[1].message_id, "DP301.docx-size");
}
