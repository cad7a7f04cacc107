// Test helper: writes small Word files (DOCX/DOTX) with libzip, section by section.
#pragma once

#include <gtest/gtest.h>
#include <zip.h>

#include <filesystem>
#include <string>
#include <vector>

namespace preflight::testing {

inline const char* const kWordNs = R"(xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main")";

// Page sizes as Word writes them (twips).
inline const std::string kPgA4 = R"(<w:pgSz w:w="11906" w:h="16838"/>)";
inline const std::string kPgA4Odd = R"(<w:pgSz w:w="11907" w:h="16839" w:orient="portrait"/>)";
inline const std::string kPgA4Landscape = R"(<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>)";
inline const std::string kPgLetter = R"(<w:pgSz w:w="12240" w:h="15840"/>)";
inline const std::string kPgLandscapeNoOrient = R"(<w:pgSz w:w="16838" w:h="11906"/>)";
inline const std::string kPgOrientLies = R"(<w:pgSz w:w="11906" w:h="16838" w:orient="landscape"/>)";

inline std::string sect(const std::string& pgsz) {
    return "<w:sectPr>" + pgsz + "<w:pgMar w:left=\"1417\"/></w:sectPr>";
}

// word/document.xml: one paragraph ending each section in `section_breaks`, then the
// body's own last section `body_sect`.
inline std::string word_document(const std::vector<std::string>& section_breaks, const std::string& body_sect) {
    std::string xml = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document ") + kWordNs + "><w:body>";
    for (const auto& s : section_breaks) {
        xml += "<w:p><w:pPr>" + s + "</w:pPr><w:r><w:t>Avsnitt</w:t></w:r></w:p>";
    }
    xml += "<w:p><w:r><w:t>Siste</w:t></w:r></w:p>" + body_sect + "</w:body></w:document>";
    return xml;
}

// A zip at `path` with [Content_Types].xml and word/document.xml (replaced if there).
inline void write_word(const std::filesystem::path& path, const std::string& document_xml) {
    std::filesystem::create_directories(path.parent_path());
    std::filesystem::remove(path);
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    ASSERT_NE(z, nullptr) << path;
    // libzip reads the buffers at zip_close: keep them alive until then.
    const std::string types = "<?xml version=\"1.0\"?><Types/>";
    zip_source_t* t = zip_source_buffer(z, types.data(), types.size(), 0);
    zip_source_t* d = zip_source_buffer(z, document_xml.data(), document_xml.size(), 0);
    zip_file_add(z, "[Content_Types].xml", t, ZIP_FL_OVERWRITE);
    zip_file_add(z, "word/document.xml", d, ZIP_FL_OVERWRITE);
    ASSERT_EQ(zip_close(z), 0) << path;
}

}  // namespace preflight::testing
