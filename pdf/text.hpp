// Text of a PDF's pages, decoded to UTF-8: what the personal-identifier scan reads.
//
// Reads the file the way pdf/analyze.cpp does (memory map, own %PDF- and %%EOF
// search, PoDoFo's PdfParser over the mapping, OpenSSL's legacy provider for RC4),
// walks the page tree itself, and interprets each page's content streams with
// its own tokenizer (pdf/content_lexer.hpp): text-showing operators (Tj, TJ, ', ") are decoded
// through the current font (Tf), form XObjects (Do) are entered, and so are the
// normal appearance streams of annotations that are not hidden (filled-in form
// fields). See pdf/text.cpp for the decoding rules and what is not supported.
//
// Untrusted files belong in the sandboxed child (analyze_sandboxed with
// AnalyzeOptions::find_person_ids); extract_text() itself runs in the calling
// process. Never throws for bad input.
#pragma once

#include "base/deadline.hpp"
#include "pdf/pdf_info.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace preflight::pdf {

struct PageText {
    int page = 0;       // 1-based, in page-tree order: the numbering of Info::pages
    std::string text;   // UTF-8; lines separated by '\n', words by ' '
    std::string error;  // empty, or why this page's text is incomplete (short, English)
    // Where the page's visible content is drawn (DP307): the box around every
    // glyph (advance x descent..ascent), image (unit square) and painted path
    // (stroke widened by half the line width), each clipped to the page box, to
    // clipping paths and to form /BBoxes (taken as their bounding boxes). In the
    // page's displayed coordinates: points from the lower left corner of the page
    // as shown, after /Rotate. Not counted: white fills and strokes (paper colour),
    // invisible text (Tr 3, 7), annotation appearances. nullopt: nothing visible.
    std::optional<Box> content;
};

// Caps that keep a hostile file from taking the process's memory or time.
struct TextLimits {
    // All pages' text together; extraction stops when it is reached.
    std::size_t max_text_bytes = std::size_t{16} << 20;
    // One decoded content or form stream (a Flate bomb stops here; the text
    // decoded up to the cap is still read).
    std::size_t max_stream_bytes = std::size_t{32} << 20;
    // Content interpreted in all, a form XObject counted at every use: bounds the
    // time and nested-form blow-ups.
    std::size_t max_content_bytes = std::size_t{64} << 20;
    // Form XObjects inside form XObjects deeper than this are skipped.
    int max_form_depth = 12;
    // false: only PageText::content is filled, the text stays empty (faster).
    bool collect_text = true;
    // When it runs out, extraction stops as at the other limits (truncated, with
    // the "pdf.budget-content" phrase), or fails if no page was read yet.
    Deadline deadline{};
};

struct TextExtraction {
    std::vector<PageText> pages;  // every page reached in the page tree, in order
    std::string error;            // the document could not be read at all (pages is then empty)
    bool needs_password = false;  // encrypted with a user password: no text (error says so too)
    bool truncated = false;       // a limit stopped extraction: later text is missing
    std::string truncated_why;    // e.g. "text limit of 16 MiB reached on page 812"

    // No error, not truncated, and no page with an error.
    [[nodiscard]] bool complete() const;
};

TextExtraction extract_text(const std::filesystem::path& file, const TextLimits& limits = {});

}  // namespace preflight::pdf
