// Page setup of Word documents (DOCX/DOTX): every section's w:pgSz, read through
// libzip and pugixml under caps. The documents are written by the test with libzip.
#include "base/error.hpp"
#include "docx/doctext.hpp"
#include "tests/docx_writer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

using namespace preflight::doctext;
using namespace preflight::testing;
namespace fs = std::filesystem;

namespace {

fs::path write_docx(const std::string& name, const std::string& document_xml) {
    const fs::path path = fs::temp_directory_path() / "preflight-docx-layout-test" / name;
    write_word(path, document_xml);
    return path;
}

std::string document(const std::vector<std::string>& section_breaks, const std::string& body_sect) {
    return word_document(section_breaks, body_sect);
}

const std::string& kA4 = kPgA4;
const std::string& kA4Odd = kPgA4Odd;
const std::string& kA4Landscape = kPgA4Landscape;
const std::string& kLetter = kPgLetter;
const std::string& kLandscapeNoOrient = kPgLandscapeNoOrient;
const std::string& kOrientLies = kPgOrientLies;

}  // namespace

TEST(DocxLayout, PortraitA4InBothSpellings) {
    const auto a = docx_layout(write_docx("a4.docx", document({}, sect(kA4))));
    ASSERT_TRUE(a);
    ASSERT_EQ(a->sections.size(), 1U);
    EXPECT_TRUE(a->sections[0].has_size);
    EXPECT_EQ(a->sections[0].width_twips, 11906);
    EXPECT_EQ(a->sections[0].height_twips, 16838);
    EXPECT_FALSE(a->sections[0].orient_contradicts());
    const auto b = docx_layout(write_docx("a4odd.dotx", document({}, sect(kA4Odd))));
    ASSERT_TRUE(b);
    EXPECT_EQ(b->sections.at(0).width_twips, 11907);
    EXPECT_EQ(b->sections.at(0).orient, "portrait");
    EXPECT_TRUE(b->error.empty()) << b->error;
}

TEST(DocxLayout, LandscapeAndLetter) {
    const auto l = docx_layout(write_docx("landscape.docx", document({}, sect(kA4Landscape))));
    ASSERT_TRUE(l);
    EXPECT_TRUE(l->sections.at(0).landscape_by_size());
    EXPECT_FALSE(l->sections.at(0).orient_contradicts());
    const auto letter = docx_layout(write_docx("letter.docx", document({}, sect(kLetter))));
    ASSERT_TRUE(letter);
    EXPECT_EQ(letter->sections.at(0).width_twips, 12240);
    EXPECT_EQ(letter->sections.at(0).height_twips, 15840);
}

TEST(DocxLayout, MixedSectionsInDocumentOrder) {
    const auto m =
        docx_layout(write_docx("mixed.docx", document({sect(kA4), sect(kA4Landscape), sect(kLetter)}, sect(kA4))));
    ASSERT_TRUE(m);
    ASSERT_EQ(m->sections.size(), 4U);
    EXPECT_EQ(m->sections[0].section, 1);
    EXPECT_FALSE(m->sections[0].landscape_by_size());
    EXPECT_TRUE(m->sections[1].landscape_by_size());
    EXPECT_EQ(m->sections[2].width_twips, 12240);
    EXPECT_EQ(m->sections[3].section, 4);
}

TEST(DocxLayout, OrientationMissingOrContradictingTheSizes) {
    const auto missing = docx_layout(write_docx("noorient.docx", document({}, sect(kLandscapeNoOrient))));
    ASSERT_TRUE(missing);
    EXPECT_TRUE(missing->sections.at(0).orient_contradicts());
    const auto lies = docx_layout(write_docx("lies.docx", document({}, sect(kOrientLies))));
    ASSERT_TRUE(lies);
    EXPECT_TRUE(lies->sections.at(0).orient_contradicts());
}

TEST(DocxLayout, SectionsWithoutASizeAndBrokenXml) {
    const auto none = docx_layout(write_docx("nosize.docx", document({}, "<w:sectPr/>")));
    ASSERT_TRUE(none);
    ASSERT_EQ(none->sections.size(), 1U);
    EXPECT_FALSE(none->sections[0].has_size);
    const auto junk = docx_layout(write_docx("junk.docx", R"(<w:document><w:body><w:sectPr><w:pgSz w:w="x")"));
    ASSERT_TRUE(junk);
    EXPECT_FALSE(junk->error.empty());
}

TEST(DocxLayout, NotAWordDocumentIsNothing) {
    EXPECT_FALSE(docx_layout(fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures/example/vedtak.pdf"));
    EXPECT_FALSE(docx_layout(fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures/docs/brev_not_word.docx"));
}

TEST(DocxLayout, AZipBombStopsAtTheCap) {
    Limits small;
    small.max_zip_bytes = 1 << 20;
    const auto bomb = docx_layout(fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures/docs/brev_bomb.docx", small);
    ASSERT_TRUE(bomb);
    EXPECT_TRUE(bomb->truncated);
}

TEST(DocxLayout, AZipBombIsNotInflatedAtAll) {
    // word/document.xml says it inflates to 96 MiB, past the default 64 MiB: read
    // nothing, say why.
    const auto bomb = docx_layout(fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures/docs/brev_bomb.docx");
    ASSERT_TRUE(bomb);
    EXPECT_TRUE(bomb->truncated);
    EXPECT_TRUE(bomb->sections.empty());
    EXPECT_EQ(bomb->error,
              preflight::phrase("docx.too-large",
                                {{"part", "word/document.xml"}, {"size", "100664287"}, {"limit", "67108864"}}));
}

TEST(DocxLayout, TooManyZipEntriesAreAFindingNotAHang) {
    Limits few;
    few.max_zip_entries = 1;  // the test's documents have two entries
    const auto many = docx_layout(write_docx("entries.docx", document({}, sect(kA4))), few);
    ASSERT_TRUE(many);
    EXPECT_TRUE(many->sections.empty());
    EXPECT_EQ(many->error, preflight::phrase("docx.too-many-entries", {{"count", "2"}, {"limit", "1"}}));
}

TEST(DocxLayout, TrackedSectionChangesAreNotSections) {
    const std::string changed = "<w:sectPr>" + kA4 + "<w:sectPrChange w:id=\"1\"><w:sectPr>" + kLetter +
                                "</w:sectPr></w:sectPrChange></w:sectPr>";
    const auto l = docx_layout(write_docx("tracked.docx", document({}, changed)));
    ASSERT_TRUE(l);
    ASSERT_EQ(l->sections.size(), 1U);
    EXPECT_EQ(l->sections[0].width_twips, 11906);
}

TEST(DocxLayout, BySniffedTypeAWordFileThatIsNoZipIsAnError) {
    const std::string word = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    const auto corrupt = docx_layout(fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures/docs/brev_corrupt.docx", word);
    ASSERT_TRUE(corrupt);
    EXPECT_FALSE(corrupt->error.empty());
    const auto not_word = docx_layout(fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures/docs/brev_not_word.docx", word);
    ASSERT_TRUE(not_word);
    EXPECT_EQ(not_word->error, preflight::phrase("docx.no-document"));
    // A zip of another kind, or a PDF: not a Word document at all.
    EXPECT_FALSE(docx_layout(fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures/docs/brev_not_word.docx", "application/zip"));
    EXPECT_FALSE(docx_layout(fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures/example/vedtak.pdf", "application/pdf"));
    const auto dotx = docx_layout(write_docx("mal.dotx", document({}, sect(kA4))),
                                  "application/vnd.openxmlformats-officedocument.wordprocessingml.template");
    ASSERT_TRUE(dotx);
    EXPECT_EQ(dotx->sections.size(), 1U);
}
