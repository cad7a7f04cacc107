// Text of documents that are not PDFs: plain text and Word (DOCX). What the
// personal-identifier scan (base/idscan.hpp) reads for them. PDFs go through
// pdf/text.hpp in the sandboxed child instead.
//
// This runs in the calling process (no sandbox): every read is capped, nothing
// throws for bad input, and a zip bomb stops at Limits::max_zip_bytes.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace preflight::doctext {

struct Limits {
    // text/plain: bytes read from the file.
    std::size_t max_plain_bytes = std::size_t{16} << 20;
    // DOCX: uncompressed bytes read from the zip, all parts together (read in
    // chunks: a part that inflates further is cut there).
    std::size_t max_zip_bytes = std::size_t{64} << 20;
    // DOCX page setup: entries a zip may list (a Word letter has 10 to 50).
    std::size_t max_zip_entries = 10'000;
    // DOCX: XML elements parsed per part (pugixml's DOM takes ~30 bytes a node on
    // top of the part's text, which it parses in place); the part is cut before
    // the element past this. A 1,000-page Word letter has ~1 million. Worst case
    // at these defaults: ~130 MB peak for a 64 MiB part of empty elements.
    std::size_t max_xml_elements = 1'000'000;
    // Text returned, all parts together.
    std::size_t max_text_bytes = std::size_t{16} << 20;
};

struct DocumentText {
    std::string text;        // UTF-8; '\n' between paragraphs and parts, '\t' for tabs
    bool truncated = false;  // a limit was reached: text after it is missing
    std::string error;       // non-empty: (some of) the file could not be read; text holds what could
};

// What document_text() reads for a sniffed MIME type (filetype::sniff).
enum class Kind { none, plain_text, docx, zip_maybe_docx };
[[nodiscard]] Kind kind_of(std::string_view mime_type);

// The text of `file`, or nullopt when its type is not one we read text from:
//   - text/plain: UTF-8 (a BOM is dropped), UTF-16 with a BOM, else Windows-1252;
//   - DOCX (libmagic 5.44 on Debian 12 says
//     application/vnd.openxmlformats-officedocument.wordprocessingml.document, or
//     application/octet-stream ("Microsoft OOXML") or application/zip when the
//     word/ entries come late in the zip; also .docm/.dotx/.dotm types): the zip
//     must hold word/document.xml. For application/zip and application/octet-stream
//     a zip without it is not a DOCX: nullopt. Parts read, in this order:
//     word/document.xml, word/header*.xml, word/footer*.xml, word/footnotes.xml,
//     word/endnotes.xml, word/comments.xml. Text is every w:t (and a:t in
//     drawings, m:t in equations, w:delText of tracked deletions: still in the
//     file), a tab for w:tab, a line break for w:br/w:cr and after each paragraph.
// Never throws for bad input: a corrupt zip gives a DocumentText with error set.
[[nodiscard]] std::optional<DocumentText> document_text(const std::filesystem::path& file, std::string_view mime_type,
                                                        const Limits& limits = {});

// The page setup of one section of a Word document (w:sectPr/w:pgSz). Sizes are in
// twips (1/20 pt; A4 portrait is 11906 x 16838, sometimes written 11907 x 16839).
struct PageSetup {
    int section = 0;        // 1-based, in document order (the body's own w:sectPr last)
    bool has_size = false;  // false: no w:pgSz, or its w:w/w:h are missing or not numbers
    long width_twips = 0;   // w:w
    long height_twips = 0;  // w:h
    std::string orient;     // w:orient as written: "", "portrait" or "landscape"
    [[nodiscard]] bool landscape_by_size() const { return width_twips > height_twips; }
    // w:orient missing while the sizes are landscape, or naming the other orientation.
    [[nodiscard]] bool orient_contradicts() const { return has_size && (orient == "landscape") != landscape_by_size(); }
};

struct DocxLayout {
    std::vector<PageSetup> sections;
    bool truncated = false;  // word/document.xml was larger than the limits: sections may be missing
    std::string error;       // non-empty: the zip or the XML could not be read (fully)
};

// Every section's page setup from word/document.xml of a DOCX/DOTX, under the same
// caps as document_text() (Limits::max_zip_bytes, max_xml_elements) and
// Limits::max_zip_entries; a document.xml that says it inflates past max_zip_bytes
// is not read at all (truncated and error set). nullopt when the file is no zip
// holding word/document.xml. Never throws for bad input.
[[nodiscard]] std::optional<DocxLayout> docx_layout(const std::filesystem::path& file, const Limits& limits = {});

// The same for a file of sniffed type `mime_type` (filetype::sniff): for a Word
// type (Kind::docx) always a layout, with `error` set when the file is no readable
// zip with word/document.xml; for application/zip and application/octet-stream only
// when it is such a zip; nullopt for every other type.
[[nodiscard]] std::optional<DocxLayout> docx_layout(const std::filesystem::path& file, std::string_view mime_type,
                                                    const Limits& limits = {});

// The MIME type of an Office Open XML file that libmagic names only "Microsoft OOXML"
// (application/octet-stream) or application/zip, as when other parts come before the
// word/ ones (python-docx's own template): from [Content_Types].xml, the content type
// of the main part (Word document, template, with macros; Excel workbook; PowerPoint
// presentation), when that part is in the zip. nullopt for anything else: no zip,
// more entries than Limits::max_zip_entries, no or an unreadable [Content_Types].xml
// (read up to 1 MiB), no known main part. Never throws for bad input.
[[nodiscard]] std::optional<std::string> ooxml_type(const std::filesystem::path& file, const Limits& limits = {});

}  // namespace preflight::doctext
