// Page setup of Word documents (DOCX/DOTX): every section's w:pgSz, read through
// libzip and pugixml under caps. The documents are written by the test with libzip.
#include "validator/doctext.hpp"

#include <gtest/gtest.h>
#include <zip.h>

#include <filesystem>
#include <string>
#include <vector>

using namespace preflight::doctext;
namespace fs = std::filesystem;

namespace {

const char* const kNs = R"(xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main")";

std::string sect(const std::string& pgsz) { return "<w:sectPr>" + pgsz + "<w:pgMar w:left=\"1417\"/></w:sectPr>"; }

std::string document(const std::vector<std::string>& section_breaks, const std::string& body_sect) {
    std::string xml = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document ") + kNs + "><w:body>";
    for (const auto& s : section_breaks) {
        xml += "<w:p><w:pPr>" + s + "</w:pPr><w:r><w:t>Avsnitt</w:t></w:r></w:p>";
    }
    xml += "<w:p><w:r><w:t>Siste</w:t></w:r></w:p>" + body_sect + "</w:body></w:document>";
    return xml;
}

fs::path write_docx(const std::string& name, const std::string& document_xml) {
    const fs::path dir = fs::temp_directory_path() / "preflight-docx-layout-test";
    fs::create_directories(dir);
    const fs::path path = dir / name;
    fs::remove(path);
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    EXPECT_NE(z, nullptr);
    // libzip keeps the buffers until zip_close: keep them alive here.
    static std::vector<std::string> keep;
    keep.push_back(document_xml);
    keep.emplace_back("<?xml version=\"1.0\"?><Types/>");
    zip_source_t* doc = zip_source_buffer(z, keep[keep.size() - 2].data(), keep[keep.size() - 2].size(), 0);
    zip_source_t* types = zip_source_buffer(z, keep.back().data(), keep.back().size(), 0);
    zip_file_add(z, "[Content_Types].xml", types, ZIP_FL_OVERWRITE);
    zip_file_add(z, "word/document.xml", doc, ZIP_FL_OVERWRITE);
    EXPECT_EQ(zip_close(z), 0);
    return path;
}

const std::string kA4 = R"(<w:pgSz w:w="11906" w:h="16838"/>)";
const std::string kA4Odd = R"(<w:pgSz w:w="11907" w:h="16839" w:orient="portrait"/>)";
const std::string kA4Landscape = R"(<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>)";
const std::string kLetter = R"(<w:pgSz w:w="12240" w:h="15840"/>)";
const std::string kLandscapeNoOrient = R"(<w:pgSz w:w="16838" w:h="11906"/>)";
const std::string kOrientLies = R"(<w:pgSz w:w="11906" w:h="16838" w:orient="landscape"/>)";

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
