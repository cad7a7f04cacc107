// The content pass: every page's content streams run once, with the form
// XObjects they draw and the normal appearances of the annotations shown, for
// two listeners: text extraction (pdf/text_writer.hpp, the personal-identifier
// scan reads it) and the content boxes of DP307 (pdf/content_box.hpp). Pages come
// from the one page-tree walk (pdf/page_tree.hpp). Internal to pdf/; the public
// interface is pdf/text.hpp.
#pragma once

#include "pdf/objects.hpp"
#include "pdf/text.hpp"

namespace preflight::pdf::content {

// Reads the pages under `trailer` into `out` (a PageText each, with text when
// limits.collect_text, and content boxes). Throws Stop when a document-wide limit
// is reached (the pages read so far stay), PdfError when the tree itself cannot be
// read.
void read_pages(const Objects& objects, const PdfObject* trailer, const TextLimits& limits, TextExtraction& out);

}  // namespace preflight::pdf::content
