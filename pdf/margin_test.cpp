// Where page content is drawn (PageText::content, Info::content_boxes) for DP307:
// text through the text matrices and font widths, images, paths with their line
// width, the graphics state (cm, q/Q, clipping, form XObjects), page boxes and
// /Rotate; and bounded work on a hostile content stream in the sandbox.
#include "pdf/detail.hpp"
#include "pdf/pdf_info.hpp"
#include "pdf/serialize.hpp"
#include "pdf/text.hpp"
#include "tests/pdf_writer.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace preflight::pdf {
namespace {

namespace fs = std::filesystem;
using testing::pt;
using testing::TestPage;
using testing::TestPdf;

class Margin : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / fmt::format("preflight-margin-{}", ::getpid());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    // The left edge of page 1's content, in mm from the displayed left edge;
    // nullopt when nothing visible is drawn.
    std::optional<double> left_mm(const TestPage& page, const std::string& resources_extra = "") {
        const fs::path file = dir_ / "p.pdf";
        TestPdf pdf{{page}, {}, {}};
        pdf.resources_extra = resources_extra;
        pdf.write(file);
        const TextExtraction t = extract_text(file);
        EXPECT_TRUE(t.complete()) << t.error << (t.pages.empty() ? "" : t.pages[0].error);
        if (t.pages.empty() || !t.pages[0].content) {
            return std::nullopt;
        }
        return t.pages[0].content->llx * 25.4 / 72;
    }
    static TestPage with(std::string content) {
        TestPage p;
        p.content = std::move(content);
        return p;
    }

    fs::path dir_;
};

TEST_F(Margin, TextAt17And19Millimetres) {
    for (const double mm : {17.0, 19.0}) {
        const auto left = left_mm(with(fmt::format("BT /F1 12 Tf {} 700 Td (Hello) Tj ET", pt(mm))));
        ASSERT_TRUE(left);
        EXPECT_NEAR(*left, mm, 0.01);
    }
    // The text matrix and the CTM move it: 2 mm by Tm, 3 mm by cm, scaled by 2.
    const auto moved = left_mm(with(
        fmt::format("q 2 0 0 2 {} 0 cm BT /F1 12 Tf 1 0 0 1 {} 300 Tm (A) Tj ET Q", pt(3), pt(2) / 2 + pt(12) / 2)));
    ASSERT_TRUE(moved);
    EXPECT_NEAR(*moved, 3 + 2 + 12, 0.01);
    // Text that ends inside the strip counts from where it starts; a TJ offset
    // moves the next glyphs right, so the start is what matters.
    const auto tj = left_mm(with(fmt::format("BT /F1 12 Tf {} 700 Td [(W) -2000 (ide)] TJ ET", pt(19))));
    EXPECT_NEAR(tj.value_or(0), 19, 0.01);
}

TEST_F(Margin, GlyphWidthsReachLeftOfTheOriginWhenTheTextRunsBackwards) {
    // Mirrored text (a = -1): the glyph of 'H' (0.722 em in Helvetica) ends left of its origin.
    const auto left = left_mm(with(fmt::format("BT /F1 10 Tf -1 0 0 1 {} 700 Tm (H) Tj ET", pt(30))));
    ASSERT_TRUE(left);
    EXPECT_NEAR(*left, 30 - 7.22 * 25.4 / 72, 0.01);
}

TEST_F(Margin, ImagesAt17And19Millimetres) {
    for (const double mm : {17.0, 19.0}) {
        const auto left = left_mm(with(fmt::format("q 100 0 0 50 {} 600 cm /Im1 Do Q", pt(mm))));
        EXPECT_NEAR(left.value_or(-1), mm, 0.01);
    }
    // An inline image fills the unit square too.
    const auto inline_image =
        left_mm(with(fmt::format("q 20 0 0 20 {} 100 cm BI /W 1 /H 1 /BPC 8 /CS /G ID \x80 EI Q", pt(17))));
    EXPECT_NEAR(inline_image.value_or(-1), 17, 0.01);
}

TEST_F(Margin, PathsAt17And19MillimetresWithTheirLineWidth) {
    for (const double mm : {17.0, 19.0}) {
        const auto fill = left_mm(with(fmt::format("0 0 1 rg {} 400 100 50 re f", pt(mm))));
        EXPECT_NEAR(fill.value_or(-1), mm, 0.01);
        // A stroke reaches half its width beyond the path: 2 pt wide, 1 pt = 0.35 mm.
        const auto stroke = left_mm(with(fmt::format("2 w {} 500 m 300 500 l S", pt(mm))));
        EXPECT_NEAR(stroke.value_or(-1), mm - 25.4 / 72, 0.01);
        // A Bézier curve is inside the hull of its control points.
        const auto curve = left_mm(with(fmt::format("{0} 500 m {0} 600 300 600 300 500 c f", pt(mm))));
        EXPECT_NEAR(curve.value_or(-1), mm, 0.01);
    }
}

TEST_F(Margin, WhiteInvisibleUnpaintedAndOffPageContentDoesNotCount) {
    EXPECT_FALSE(left_mm(with("1 g 0 0 595 842 re f 1 1 1 RG 0 0 m 595 842 l S 0 0 0 0 k 0 0 10 10 re f")));
    EXPECT_FALSE(left_mm(with("BT 3 Tr /F1 12 Tf 0 700 Td (OCR layer) Tj ET")));
    EXPECT_FALSE(left_mm(with("0 0 100 100 re n")));                     // a path that is not painted
    EXPECT_FALSE(left_mm(with("-300 100 200 200 re f")));                // wholly left of the page
    EXPECT_FALSE(left_mm(with("BT /F1 12 Tf 100 700 Td (   ) Tj ET")));  // spaces only
    // White on white is still nothing after the colour changes back to black for the rest.
    const auto after = left_mm(with(fmt::format("1 g 0 0 595 842 re f 0 g {} 100 10 10 re f", pt(25))));
    EXPECT_NEAR(after.value_or(-1), 25, 0.01);
}

TEST_F(Margin, WhiteDependsOnTheColourSpace) {
    const std::string spaces =
        "/ColorSpace << /Spot [/Separation /Gold /DeviceCMYK << /FunctionType 2 /Domain [0 1] /C0 [0 0 0 0] "
        "/C1 [0 0.2 1 0] /N 1 >>] /Pal [/Indexed /DeviceRGB 1 <FFFFFF000000>] /Cal [/CalRGB << /WhitePoint [0.95 1 "
        "1.09] >>] >>";
    const std::string square = fmt::format(" {} 400 50 50 re f", pt(5));
    // Separation: tint 1 is full ink, tint 0 none.
    EXPECT_NEAR(left_mm(with("/Spot cs 1 sc" + square), spaces).value_or(-1), 5, 0.01);
    EXPECT_FALSE(left_mm(with("/Spot cs 0 sc" + square), spaces));
    // Indexed: 1 is an index (here black), never taken as white.
    EXPECT_NEAR(left_mm(with("/Pal cs 1 sc" + square), spaces).value_or(-1), 5, 0.01);
    EXPECT_NEAR(left_mm(with("/Pal cs 0 sc" + square), spaces).value_or(-1), 5, 0.01);
    // Calibrated RGB and the device spaces: 1 1 1 is white.
    EXPECT_FALSE(left_mm(with("/Cal cs 1 1 1 sc" + square), spaces));
    EXPECT_FALSE(left_mm(with("/DeviceRGB cs 1 1 1 scn" + square), spaces));
    EXPECT_NEAR(left_mm(with("/DeviceRGB cs 1 0 0 scn" + square), spaces).value_or(-1), 5, 0.01);
    // rg after a Separation space is process colour again.
    EXPECT_FALSE(left_mm(with("/Spot cs 1 sc 1 1 1 rg" + square), spaces));
}

TEST_F(Margin, TextInWhiteOrAsAClip) {
    EXPECT_FALSE(left_mm(with("1 g BT /F1 12 Tf 0 700 Td (white text) Tj ET")));
    // Stroked white text with a black fill still shows (mode 2 fills and strokes).
    EXPECT_NEAR(left_mm(with("1 G 0 g BT 2 Tr /F1 12 Tf 0 700 Td (x) Tj ET")).value_or(-1), 0, 0.01);
    // Mode 7: the glyphs 100 mm in clip the full-page rectangle drawn after ET.
    const auto clipped =
        left_mm(with(fmt::format("BT 7 Tr /F1 40 Tf {} 400 Td (Clip) Tj ET 0 0 595 842 re f", pt(100))));
    EXPECT_NEAR(clipped.value_or(-1), 100, 0.01);
    // Mode 4: the glyphs show (filled) and clip too.
    const auto shown = left_mm(with(fmt::format("BT 4 Tr /F1 40 Tf {} 400 Td (A) Tj ET", pt(30))));
    EXPECT_NEAR(shown.value_or(-1), 30, 0.01);
    // A clip mode with no text shown leaves the clip as it was.
    EXPECT_NEAR(left_mm(with("BT 7 Tr ET 0 0 595 842 re f")).value_or(-1), 0, 0.01);
    // A mode that is no mode (huge, negative, broken) is filled text: drawn.
    for (const char* mode : {"99999999999999999999", "-3", "3.5e", "8"}) {
        EXPECT_NEAR(left_mm(with(fmt::format("BT {} Tr /F1 12 Tf {} 700 Td (x) Tj ET", mode, pt(12)))).value_or(-1), 12,
                    0.01)
            << mode;
    }
}

TEST_F(Margin, AClipWithoutAreaLetsNothingThrough) {
    EXPECT_FALSE(left_mm(with("0 0 0 0 re W n 0 0 100 100 re f")));
    EXPECT_FALSE(left_mm(with("10 10 m 300 10 l W n 0 0 100 100 re f")));  // a line: no area
    EXPECT_FALSE(left_mm(with("W n 0 0 100 100 re f")));                   // no path at all
}

TEST_F(Margin, ClippingAndFormXObjects) {
    // A full-page rectangle clipped to start 21 mm in.
    const auto clipped = left_mm(with(fmt::format("q {} 0 400 800 re W n 0 g 0 0 500 500 re f Q", pt(21))));
    EXPECT_NEAR(clipped.value_or(-1), 21, 0.01);
    // After Q the clip is gone again.
    const auto restored = left_mm(with(fmt::format("q {} 0 400 800 re W n Q 0 g {} 0 10 10 re f", pt(21), pt(5))));
    EXPECT_NEAR(restored.value_or(-1), 5, 0.01);
    // A form XObject drawn through cm: its square at 17 mm.
    const auto form = left_mm(with(fmt::format("q 1 0 0 1 {} 300 cm /Fm1 Do Q", pt(17))));
    EXPECT_NEAR(form.value_or(-1), 17, 0.01);
    // ... and clipped by the caller's clip.
    const auto form_clipped =
        left_mm(with(fmt::format("q {} 0 300 800 re W n 1 0 0 1 {} 300 cm /Fm1 Do Q", pt(19), pt(17))));
    EXPECT_NEAR(form_clipped.value_or(-1), 19, 0.01);
}

TEST_F(Margin, CropBoxAndRotateDecideWhereTheLeftEdgeIs) {
    TestPage cropped = with(fmt::format("{} 400 100 50 re f", 50 + pt(17)));
    cropped.media = "0 0 700 900";
    cropped.crop = "50 50 645.276 891.89";
    EXPECT_NEAR(left_mm(cropped).value_or(-1), 17, 0.01);

    // Landscape MediaBox shown turned 90 degrees clockwise: the bottom edge of the
    // user space is the displayed left edge.
    TestPage turned = with(fmt::format("300 {} 100 50 re f", pt(17)));
    turned.media = "0 0 841.89 595.276";
    turned.rotate = 90;
    EXPECT_NEAR(left_mm(turned).value_or(-1), 17, 0.01);
    // 270: the top edge is the displayed left edge.
    turned.rotate = -90;
    turned.content = fmt::format("300 {} 100 50 re f", 595.276 - pt(19) - 50);
    EXPECT_NEAR(left_mm(turned).value_or(-1), 19, 0.01);
    // 180: the right edge is.
    TestPage upside = with(fmt::format("{} 400 100 50 re f", 595.276 - pt(17) - 100));
    upside.rotate = 540;
    EXPECT_NEAR(left_mm(upside).value_or(-1), 17, 0.01);
}

TEST_F(Margin, AnalyzeReportsContentBoxesPerPageAndTheWireFormKeepsThem) {
    const fs::path file = dir_ / "two.pdf";
    TestPdf{{with(fmt::format("{} 400 100 50 re f", pt(17))), with(""),
             with(fmt::format("BT /F1 12 Tf {} 700 Td (x) Tj ET", pt(40)))},
            {},
            {}}
        .write(file);
    const Info info = analyze(file, AnalyzeOptions{.find_content_boxes = true});
    ASSERT_EQ(info.damage, Damage::none) << info.damage_detail;
    EXPECT_EQ(info.text_scan, TextScan::complete);
    ASSERT_EQ(info.content_boxes.size(), 2U);  // the empty page has none
    EXPECT_EQ(info.content_boxes[0].page, 1);
    EXPECT_EQ(info.content_boxes[1].page, 3);
    EXPECT_NEAR(info.content_boxes[1].box.llx, pt(40), 0.01);
    EXPECT_TRUE(info.person_ids.empty());
    EXPECT_TRUE(analyze(file).content_boxes.empty());  // only when asked

    const Info back = info_from_json_text(to_json_text(info, true));
    ASSERT_EQ(back.content_boxes.size(), 2U);
    EXPECT_EQ(back.content_boxes[1].page, 3);
    EXPECT_DOUBLE_EQ(back.content_boxes[1].box.llx, info.content_boxes[1].box.llx);
    EXPECT_EQ(to_json(info_from_json(to_json(info))), to_json(info));

    // The sandboxed child gives the same answer, by fork and by the fork server's request.
    const Info sandboxed = analyze_sandboxed(file, Limits{}, AnalyzeOptions{.find_content_boxes = true});
    EXPECT_EQ(to_json(sandboxed), to_json(info));
}

// Without text (DP307 alone), a simple font's string is measured in one loop
// (Font::measure_simple) instead of glyph by glyph: the boxes must be the same, to
// the bit, for spacing that pulls back, spaces at the ends, strings of spaces only,
// scaled, negative and kerned text, and for every PDF in fixtures/pdf and the corpus.
TEST_F(Margin, MeasuringAStringAtOnceGivesTheBoxOfItsGlyphs) {
    std::vector<fs::path> files;
    const std::vector<std::string> texts = {
        "BT /F1 12 Tf 72 700 Td (Hello world) Tj ET",
        "BT /F1 12 Tf 3 Tc 5 Tw 80 Tz 72 700 Td (  Hello  world  ) Tj ET",
        "BT /F1 12 Tf -4 Tc -9 Tw 72 700 Td (Pulled back) Tj ET",
        "BT /F1 12 Tf 72 700 Td (   ) Tj ET",
        "BT /F1 -12 Tf 200 700 Td (Negative) Tj ET",
        "BT /F1 10 Tf -150 Tz 300 600 Td [(A) -500 (B) 250 ( C )] TJ 0 -14 Td (\240x\000y) Tj ET",
        "BT /F1 9 Tf 2 0 0 2 50 50 Tm 12 TL (one) ' 1 2 (two) \" T* (three) Tj ET",
        "BT /F2 12 Tf 72 700 Td (no widths here) Tj ET",
    };
    for (std::size_t i = 0; i < texts.size(); ++i) {
        TestPdf pdf{{with(texts[i])}, {}, {}};
        pdf.resources_extra = "/Font << /F1 3 0 R /F2 << /Type /Font /Subtype /Type1 /BaseFont /Unknown >> >>";
        const fs::path file = dir_ / fmt::format("text-{}.pdf", i);
        pdf.write(file);
        files.push_back(file);
    }
    for (const char* folder : {"fixtures/pdf", "../shared/corpus"}) {
        const fs::path dir = fs::path(PREFLIGHT_SOURCE_DIR) / folder;
        if (fs::is_directory(dir)) {
            for (const auto& e : fs::recursive_directory_iterator(dir)) {
                // The bombs only test the caps, which both ways share.
                if (e.is_regular_file() && e.path().extension() == ".pdf" && e.file_size() < (2U << 20) &&
                    !e.path().filename().string().starts_with("bomb")) {
                    files.push_back(e.path());
                }
            }
        }
    }
    TextLimits with_text;
    with_text.max_content_bytes = std::size_t{4} << 20;  // the same cap both ways: a few seconds under ASan
    TextLimits boxes_only = with_text;
    boxes_only.collect_text = false;
    std::size_t measured = 0;
    for (const fs::path& file : files) {
        const TextExtraction glyphs = extract_text(file, with_text);
        const TextExtraction at_once = extract_text(file, boxes_only);
        ASSERT_EQ(glyphs.pages.size(), at_once.pages.size()) << file;
        for (std::size_t p = 0; p < glyphs.pages.size(); ++p) {
            const auto& a = glyphs.pages[p].content;
            const auto& b = at_once.pages[p].content;
            ASSERT_EQ(a.has_value(), b.has_value()) << file << " page " << p + 1;
            if (a) {
                ++measured;
                EXPECT_EQ(a->llx, b->llx) << file << " page " << p + 1;
                EXPECT_EQ(a->lly, b->lly) << file << " page " << p + 1;
                EXPECT_EQ(a->urx, b->urx) << file << " page " << p + 1;
                EXPECT_EQ(a->ury, b->ury) << file << " page " << p + 1;
            }
        }
    }
    EXPECT_GE(measured, texts.size());
}

TEST_F(Margin, AMillionOperatorsAreAnsweredWithinTheSandboxLimits) {
    std::string content;
    content.reserve(14'000'000);
    for (int i = 0; i < 500'000; ++i) {
        content += "10 10 m 200 200 l\n";  // two operators per line
    }
    content += fmt::format("S {} 400 100 50 re f", pt(30));
    const fs::path file = dir_ / "million.pdf";
    TestPdf{{with(content)}, {}, {}}.write(file);
    Limits limits;
    limits.cpu_seconds = 10;
    limits.wall_milliseconds = 20000;
    limits.memory_bytes = 512ULL << 20;
    const Info info = analyze_sandboxed(file, limits, AnalyzeOptions{.find_content_boxes = true});
    ASSERT_EQ(info.damage, Damage::none) << info.damage_detail;
    ASSERT_EQ(info.text_scan, TextScan::complete) << info.text_scan_detail;
    ASSERT_EQ(info.content_boxes.size(), 1U);
    EXPECT_NEAR(info.content_boxes[0].box.llx * 25.4 / 72, 10 * 25.4 / 72 - 0.5 * 25.4 / 72, 0.01);

    // Past the content cap the scan stops and says so: partial, never a hang.
    TextLimits small;
    small.max_content_bytes = 1 << 20;
    const TextExtraction cut = extract_text(file, small);
    EXPECT_TRUE(cut.truncated);
    EXPECT_NE(cut.truncated_why.find("content limit"), std::string::npos) << cut.truncated_why;
}

}  // namespace
}  // namespace preflight::pdf
