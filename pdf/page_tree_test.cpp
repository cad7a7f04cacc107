// One page-tree walk (pdf/page_tree.hpp) for the analysis in all three of its
// readers, text extraction (the content pass) and fix: each finds the same pages,
// in the same order, with the same inherited boxes. The trees here are the cases
// where the three walks disagreed before issue 24.
#include "base/error.hpp"
#include "pdf/detail.hpp"
#include "pdf/fix.hpp"
#include "pdf/pdf_info.hpp"
#include "pdf/text.hpp"
#include "tests/pdf_writer.hpp"
#include "tests/temp_dir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace preflight::pdf {
namespace {

namespace fs = std::filesystem;
using testing::objects_pdf;

using testing::TempDir;

// A content stream that draws a filled square at (x, y), 10 pt wide, and shows
// `text` there: the content box tells where a page's own content is.
std::string content(int x, int y, const std::string& text) {
    const std::string ops = fmt::format("{} {} 10 10 re f BT /F1 12 Tf {} {} Td ({}) Tj ET", x, y, x, y, text);
    return fmt::format("<< /Length {} >>\nstream\n{}\nendstream", ops.size(), ops);
}

constexpr const char* kFont = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

// What each consumer found: the analysis (fast, raw and PoDoFo readers), the
// text of each page, and how many pages fix read.
struct Seen {
    std::vector<Info> analyses;
    TextExtraction text;
    FixResult fixed;
};

Seen read_all(const std::vector<std::string>& objects) {
    const TempDir dir;
    const fs::path in = dir.file("in.pdf");
    std::ofstream(in, std::ios::binary) << objects_pdf(objects);
    Seen s;
    for (const bool fast : {true, false}) {
        for (const bool raw : {true, false}) {
            if (fast && !raw) {
                continue;
            }
            s.analyses.push_back(
                detail::analyze_with(in, {.raw_reader = raw, .free_objects = true, .fast_xref = fast}));
        }
    }
    s.text = extract_text(in);
    s.fixed = fix(in, dir.file("out.pdf"));
    return s;
}

std::vector<std::string> texts(const TextExtraction& t) {
    std::vector<std::string> out;
    for (const PageText& p : t.pages) {
        out.push_back(p.text);
    }
    return out;
}

TEST(PageTree, TheCatalogueCanPointStraightAtAPage) {
    // /Pages is the page itself: readers show it, and so do the analysis and the
    // text. Fix cannot repair it: PoDoFo's PdfMemDocument refuses to load a file
    // whose root is not a /Pages node, before any walk (a clear error, no file).
    const Seen s = read_all({"<< /Type /Catalog /Pages 2 0 R >>",
                             "<< /Type /Page /MediaBox [0 0 842 595] /Resources << /Font << /F1 3 0 R >> >> "
                             "/Contents 4 0 R >>",
                             kFont, content(100, 100, "alone")});
    for (const Info& info : s.analyses) {
        ASSERT_EQ(info.pages.size(), 1U);
        EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;
        EXPECT_DOUBLE_EQ(info.pages[0].media.width(), 842);
    }
    EXPECT_EQ(texts(s.text), std::vector<std::string>{"alone"});
    EXPECT_FALSE(s.fixed.ok);
    EXPECT_EQ(s.fixed.error, phrase("fix.error.podofo", {{"name", "InvalidDataType"}}));
}

TEST(PageTree, AnUnknownTypeWithKidsIsAnInnerNode) {
    // /Type /Pagez with /Kids: an inner node by its /Kids (fix took it for a page).
    const Seen s = read_all({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 2 >>",
                             "<< /Type /Pagez /Kids [4 0 R 5 0 R] /MediaBox [0 0 595.276 841.89] "
                             "/Resources << /Font << /F1 6 0 R >> >> >>",
                             "<< /Type /Page /Contents 7 0 R >>", "<< /Type /Page /Contents 8 0 R >>", kFont,
                             content(100, 100, "one"), content(200, 200, "two")});
    for (const Info& info : s.analyses) {
        ASSERT_EQ(info.pages.size(), 2U);
        EXPECT_TRUE(info.pages[0].ok && info.pages[1].ok);
    }
    EXPECT_EQ(texts(s.text), (std::vector<std::string>{"one", "two"}));
    ASSERT_TRUE(s.fixed.ok) << s.fixed.error;
    EXPECT_EQ(s.fixed.pages_in, 2);
    EXPECT_EQ(s.fixed.kept, 2);
}

TEST(PageTree, ANullBoxIsAbsentAndInherited) {
    // /MediaBox null on the page: absent (PDF 2.0, 7.3.9), so the parent's counts.
    // Fix refused such a page ("no usable MediaBox"): fixtures/pdf/null_boxes.pdf.
    const Seen s = read_all({"<< /Type /Catalog /Pages 2 0 R >>",
                             "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 842 595] "
                             "/Resources << /Font << /F1 4 0 R >> >> >>",
                             "<< /Type /Page /MediaBox null /Contents 5 0 R >>", kFont, content(100, 100, "x")});
    for (const Info& info : s.analyses) {
        ASSERT_EQ(info.pages.size(), 1U);
        EXPECT_TRUE(info.pages[0].ok) << info.pages[0].error;
        EXPECT_DOUBLE_EQ(info.pages[0].media.width(), 842);
    }
    ASSERT_EQ(s.text.pages.size(), 1U);
    ASSERT_TRUE(s.text.pages[0].content.has_value());
    EXPECT_DOUBLE_EQ(s.text.pages[0].content->llx, 100);
    ASSERT_TRUE(s.fixed.ok) << s.fixed.error;
    EXPECT_EQ(s.fixed.turned, 1);
}

TEST(PageTree, ACycleIsReportedOnceAndTheRestIsRead) {
    // Node 3 lists node 2 (its parent) again: the analysis reports the cycle; all
    // three read the same two pages, in the same order, once.
    const Seen s =
        read_all({"<< /Type /Catalog /Pages 2 0 R >>",
                  "<< /Type /Pages /Kids [4 0 R 3 0 R] /Count 2 /MediaBox [0 0 595.276 841.89] "
                  "/Resources << /Font << /F1 6 0 R >> >> >>",
                  "<< /Type /Pages /Kids [5 0 R 2 0 R] /Count 1 >>", "<< /Type /Page /Contents 7 0 R >>",
                  "<< /Type /Page /Contents 8 0 R >>", kFont, content(100, 100, "first"), content(100, 100, "second")});
    for (const Info& info : s.analyses) {
        EXPECT_EQ(info.pages.size(), 2U);
        EXPECT_EQ(info.damage, Damage::page_tree);
        EXPECT_NE(info.damage_detail.find("cycle"), std::string::npos) << info.damage_detail;
    }
    EXPECT_EQ(texts(s.text), (std::vector<std::string>{"first", "second"}));
    EXPECT_EQ(s.fixed.pages_in, 2);
}

TEST(PageTree, APageListedTwiceIsTwoPages) {
    const Seen s = read_all({"<< /Type /Catalog /Pages 2 0 R >>",
                             "<< /Type /Pages /Kids [3 0 R 3 0 R] /Count 2 /MediaBox [0 0 595.276 841.89] "
                             "/Resources << /Font << /F1 4 0 R >> >> >>",
                             "<< /Type /Page /Contents 5 0 R >>", kFont, content(100, 100, "again")});
    for (const Info& info : s.analyses) {
        EXPECT_EQ(info.pages.size(), 2U);
        EXPECT_EQ(info.damage, Damage::none);
    }
    EXPECT_EQ(texts(s.text), (std::vector<std::string>{"again", "again"}));
    ASSERT_TRUE(s.fixed.ok) << s.fixed.error;
    EXPECT_EQ(s.fixed.pages_out, 2);
}

TEST(PageTree, BrokenKidsAreLeftOutByAll) {
    // A missing object, a number and null in /Kids: no pages, reported by the
    // analysis; the page after them is page 1 everywhere.
    const Seen s = read_all({"<< /Type /Catalog /Pages 2 0 R >>",
                             "<< /Type /Pages /Kids [9 0 R 42 null 3 0 R] /Count 1 /MediaBox [0 0 595.276 841.89] "
                             "/Resources << /Font << /F1 4 0 R >> >> >>",
                             "<< /Type /Page /Contents 5 0 R >>", kFont, content(100, 100, "kept")});
    for (const Info& info : s.analyses) {
        ASSERT_EQ(info.pages.size(), 1U);
        EXPECT_EQ(info.pages[0].number, 1);
        EXPECT_EQ(info.damage, Damage::page_tree);
    }
    EXPECT_EQ(texts(s.text), std::vector<std::string>{"kept"});
    ASSERT_TRUE(s.fixed.ok) << s.fixed.error;
    EXPECT_EQ(s.fixed.pages_in, 1);
}

}  // namespace
}  // namespace preflight::pdf
