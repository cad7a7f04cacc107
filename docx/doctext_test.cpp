#include "docx/doctext.hpp"
#include "base/error.hpp"

#include "base/filetype.hpp"
#include "base/idscan.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace preflight::doctext {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fs::path fixture(const std::string& name) { return fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures" / "docs" / name; }

std::string sniff(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return filetype::sniff(file, head);
}

// The text of a fixture as the validator would get it: sniffed type first.
DocumentText text_of(const std::string& name, const Limits& limits = {}) {
    const fs::path file = fixture(name);
    const std::optional<DocumentText> t = document_text(file, sniff(file), limits);
    EXPECT_TRUE(t.has_value()) << name << " (" << sniff(file) << ")";
    return t.value_or(DocumentText{});
}

std::vector<std::string> ids(const std::string& text) {
    std::vector<std::string> out;
    for (const ident::IdMatch& m : ident::find_person_ids(text)) {
        out.push_back(m.id);
    }
    return out;
}

using V = std::vector<std::string>;

class TempFile {
public:
    explicit TempFile(const std::string& bytes) {
        static int n = 0;
        path_ = fs::temp_directory_path() /
                ("preflight_doctext_" + std::to_string(::getpid()) + "_" + std::to_string(n++) + ".txt");
        std::ofstream(path_, std::ios::binary) << bytes;
    }
    ~TempFile() { fs::remove(path_); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    [[nodiscard]] const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

TEST(DocText, KindsOfMimeTypes) {
    EXPECT_EQ(kind_of("text/plain"), Kind::plain_text);
    EXPECT_EQ(kind_of(docx_type), Kind::docx);
    EXPECT_EQ(kind_of("application/vnd.ms-word.document.macroEnabled.12"), Kind::docx);
    EXPECT_EQ(kind_of("application/zip"), Kind::zip_maybe_docx);
    EXPECT_EQ(kind_of("application/octet-stream"), Kind::zip_maybe_docx);
    EXPECT_EQ(kind_of("application/pdf"), Kind::none);
    EXPECT_EQ(kind_of("text/html"), Kind::none);
    EXPECT_EQ(kind_of("application/msword"), Kind::none);  // .doc (binary Word) is not read
}

// What libmagic 5.44 (Debian 12) calls our fixtures: the reason document_text
// looks into zips and "data" too.
TEST(DocText, LibmagicTypesOfWordFiles) {
    EXPECT_EQ(sniff(fixture("brev_fnr.docx")), docx_type);
    EXPECT_EQ(sniff(fixture("brev_unordered.docx")), "application/octet-stream");  // "Microsoft OOXML"
    EXPECT_EQ(sniff(fixture("brev_not_word.docx")), "application/zip");
    EXPECT_EQ(sniff(fixture("brev_fnr.txt")), "text/plain");
    EXPECT_EQ(sniff(fixture("brev_fnr_cp1252.txt")), "text/plain");
    EXPECT_EQ(sniff(fixture("brev_fnr_utf16.txt")), "text/plain");
}

TEST(DocText, DocxBodyRunsTabsBreaksAndParts) {
    const DocumentText t = text_of("brev_fnr.docx");
    EXPECT_TRUE(t.error.empty()) << t.error;
    EXPECT_FALSE(t.truncated);
    // The id is split across two runs; w:tab, w:br, &amp;, a table; then header,
    // footer and footnotes.
    EXPECT_EQ(t.text,
              "Vedtak om tilskudd\n"
              "Fødselsnummer: 29129319060\n"
              "Navn\tKari Nordmann & Co\n"
              "Linje en\nLinje to\n"
              "Celle A\nCelle B\n"
              "Brevhode Kommune\n"
              "Side 1\n"
              "Fotnote: se forvaltningsloven.");
    EXPECT_EQ(ids(t.text), V{"29129319060"});
}

TEST(DocText, IdentifierOnlyInTheFooter) {
    const DocumentText t = text_of("brev_fnr_footer.docx");
    EXPECT_TRUE(t.error.empty()) << t.error;
    EXPECT_EQ(ids(t.text), V{"41018010001"});
}

TEST(DocText, CleanLetterHasNoIdentifier) {
    const DocumentText t = text_of("brev_ren.docx");
    EXPECT_TRUE(t.error.empty()) << t.error;
    EXPECT_NE(t.text.find("Saksnummer 29129319061 og 12345678901"), std::string::npos) << t.text;
    EXPECT_TRUE(ids(t.text).empty());
}

TEST(DocText, WordFilesLibmagicDoesNotNameAreReadToo) {
    const DocumentText unordered = text_of("brev_unordered.docx");
    EXPECT_EQ(ids(unordered.text), V{"29129319060"});
    // The same file under the generic zip type.
    const auto zipped = document_text(fixture("brev_fnr.docx"), "application/zip");
    ASSERT_TRUE(zipped.has_value());
    EXPECT_EQ(zipped->text, text_of("brev_fnr.docx").text);
}

TEST(DocText, OtherZipsAndTypesAreNotDocuments) {
    EXPECT_FALSE(document_text(fixture("brev_not_word.docx"), "application/zip").has_value());
    EXPECT_FALSE(document_text(fixture("brev_fnr.txt"), "application/octet-stream").has_value());  // not a zip
    EXPECT_FALSE(document_text(fixture("brev_corrupt.docx"), "application/zip").has_value());
    EXPECT_FALSE(document_text(fixture("brev_fnr.docx"), "application/pdf").has_value());
    EXPECT_FALSE(document_text(fixture("brev_fnr.docx"), "image/png").has_value());
}

TEST(DocText, BrokenDocxIsAnErrorNotAnException) {
    const auto corrupt = document_text(fixture("brev_corrupt.docx"), docx_type);
    ASSERT_TRUE(corrupt.has_value());
    // A file that is no zip at all; the reason is a phrase the catalogue words per language.
    EXPECT_EQ(corrupt->error, phrase("zip.not-zip"));
    EXPECT_TRUE(corrupt->text.empty());

    const auto not_word = document_text(fixture("brev_not_word.docx"), docx_type);
    ASSERT_TRUE(not_word.has_value());
    EXPECT_EQ(not_word->error, phrase("docx.no-document"));

    const auto missing = document_text(fixture("does-not-exist.docx"), docx_type);
    ASSERT_TRUE(missing.has_value());
    EXPECT_FALSE(missing->error.empty());
}

TEST(DocText, ZipBombStopsAtTheCap) {
    // word/document.xml inflates to 96 MiB; the D-nummer sits after 80 MiB.
    const auto start = std::chrono::steady_clock::now();
    const DocumentText t = text_of("brev_bomb.docx");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    EXPECT_TRUE(t.truncated);
    EXPECT_TRUE(t.error.empty()) << t.error;                                  // a part cut at the cap is not malformed
    EXPECT_NE(t.text.find("Fødselsnummer: 29129319060"), std::string::npos);  // read before the cap
    EXPECT_EQ(t.text.find("41018010001"), std::string::npos);
    EXPECT_LT(t.text.size(), 1024U);

    Limits small;
    small.max_zip_bytes = 1 << 20;
    const auto bounded = std::chrono::steady_clock::now();
    EXPECT_TRUE(text_of("brev_bomb.docx", small).truncated);
    EXPECT_LT(std::chrono::steady_clock::now() - bounded, std::chrono::seconds(2));
}

TEST(DocText, DocxLimits) {
    Limits tiny_zip;
    tiny_zip.max_zip_bytes = 600;  // part of word/document.xml only
    const DocumentText cut = text_of("brev_fnr.docx", tiny_zip);
    EXPECT_TRUE(cut.truncated);
    EXPECT_EQ(cut.text.find("Brevhode"), std::string::npos);

    Limits few_elements;
    few_elements.max_xml_elements = 5;  // w:document, w:body and the first paragraph's w:p, w:r, w:t
    const DocumentText few = text_of("brev_fnr.docx", few_elements);
    EXPECT_TRUE(few.truncated);
    EXPECT_NE(few.text.find("Vedtak om tilskudd"), std::string::npos) << few.text;
    EXPECT_EQ(few.text.find("Fødselsnummer"), std::string::npos) << few.text;

    Limits short_text;
    short_text.max_text_bytes = 30;
    const DocumentText little = text_of("brev_fnr.docx", short_text);
    EXPECT_TRUE(little.truncated);
    EXPECT_LE(little.text.size(), 30U);
}

TEST(DocText, PlainTextEncodings) {
    const DocumentText utf8 = text_of("brev_fnr.txt");
    EXPECT_EQ(utf8.text, "Vedtak om tilskudd\nFødselsnummer: 291293 19060\nMed hilsen\n");
    EXPECT_EQ(ids(utf8.text), V{"29129319060"});

    // Windows-1252: æøå as single bytes, the id printed with a NO-BREAK SPACE (0xA0).
    const DocumentText cp1252 = text_of("brev_fnr_cp1252.txt");
    EXPECT_NE(cp1252.text.find("Bjørn Ærlig på Øya"), std::string::npos) << cp1252.text;
    EXPECT_EQ(ids(cp1252.text), V{"29129319060"});

    const DocumentText utf16 = text_of("brev_fnr_utf16.txt");
    EXPECT_EQ(utf16.text, "Vedtak for Åse\nFnr: 29129319060\n");

    const TempFile bom(
        "\xef\xbb\xbf"
        "fnr 29129319060");
    EXPECT_EQ(document_text(bom.path(), "text/plain")->text, "fnr 29129319060");
    const TempFile be(
        std::string("\xfe\xff\x00\xc5\x00 \x00"
                    "1",
                    8));  // UTF-16BE with its byte-order mark
    EXPECT_EQ(document_text(be.path(), "text/plain")->text, "Å 1");
}

TEST(DocText, PlainTextCap) {
    Limits small;
    small.max_plain_bytes = 20;
    const DocumentText t = text_of("brev_fnr.txt", small);
    EXPECT_TRUE(t.truncated);
    EXPECT_EQ(t.text, "Vedtak om tilskudd\nF");

    // A cap inside a UTF-8 sequence cuts before it (not read as Windows-1252).
    const TempFile ae("æææ");
    small.max_plain_bytes = 3;
    const auto cut = document_text(ae.path(), "text/plain", small);
    ASSERT_TRUE(cut.has_value());
    EXPECT_EQ(cut->text, "æ");
    EXPECT_TRUE(cut->truncated);

    const auto missing = document_text(fixture("does-not-exist.txt"), "text/plain");
    ASSERT_TRUE(missing.has_value());
    EXPECT_FALSE(missing->error.empty());
}

// A zip libmagic cannot name is named by the main part its [Content_Types].xml
// declares, when that part is in the zip.
TEST(DocText, OoxmlTypeFromTheContentTypes) {
    EXPECT_EQ(sniff(fixture("brev_ooxml.docx")), "application/octet-stream");  // "Microsoft OOXML"
    EXPECT_EQ(ooxml_type(fixture("brev_ooxml.docx")), docx_type);
    EXPECT_EQ(ooxml_type(fixture("brev_unordered.docx")), docx_type);
    EXPECT_EQ(ooxml_type(fixture("brev_fnr.docx")), docx_type);
    // Declares word/document.xml but has none: not a Word document.
    EXPECT_EQ(ooxml_type(fixture("brev_not_word.docx")), std::nullopt);
    EXPECT_EQ(ooxml_type(fixture("brev_corrupt.docx")), std::nullopt);
    EXPECT_EQ(ooxml_type(fixture("brev_fnr.txt")), std::nullopt);
    // More entries than allowed: not read at all.
    Limits few;
    few.max_zip_entries = 3;
    EXPECT_EQ(ooxml_type(fixture("brev_ooxml.docx"), few), std::nullopt);
}

}  // namespace
}  // namespace preflight::doctext
