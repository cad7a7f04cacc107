// Word and plain-text documents read in a limited child (base/isolate.hpp), as
// PDFs are: libzip, pugixml and the text decoders never run on a user's file in
// the calling process when sandboxing is on (always in the gate; `check
// --no-sandbox` reads in process). A child that crashes or runs out is not a
// crash of the caller: the layout says it could not be read (DocxLayout::error,
// DP303.docx-unreadable) and the text counts as not searched.
//
// Mode, as for PDFs: the job "docx.read" (FILE TYPE WHAT) through
// isolate::run_job(): the fork server while it runs (the gate), else exec mode
// (`PROGRAM __isolate-child docx.read ...`) when a program is set, else fork mode
// (single-threaded callers: the CLI, scan's workers).
#pragma once

#include "base/isolate.hpp"
#include "base/isolate_batch.hpp"
#include "docx/doctext.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace preflight {

// What is asked of one document.
struct DocxRequest {
    bool layout = false;      // every section's page setup (doctext::docx_layout)
    bool person_ids = false;  // the text's personal identifiers (doctext::document_text, base/idscan.hpp)
};

// What a document gave. The text itself never leaves the child: only its hits.
struct DocxFacts {
    std::optional<doctext::DocxLayout> layout;
    bool text_read = false;      // document_text() had an answer for this type
    bool text_searched = false;  // ... and read all of the text
    std::vector<std::string> person_ids;
};

// In this process.
DocxFacts read_docx_facts(const std::filesystem::path& file, std::string_view mime_type, const DocxRequest& request);

// In a limited child. Never throws for bad input; a child that ended without an
// answer gives a layout with `error` set (for a Word or zip type, when the layout
// was asked for) and no text.
DocxFacts read_docx_facts_isolated(const std::filesystem::path& file, std::string_view mime_type,
                                   const DocxRequest& request, const isolate::Limits& limits);

// doctext::ooxml_type() in a limited child (the job "docx.type"): the Word, Excel or
// PowerPoint type of a zip libmagic could not name. nullopt when the child has no
// answer (not such a file, a crash, a limit).
std::optional<std::string> ooxml_type_isolated(const std::filesystem::path& file, const isolate::Limits& limits);

// The two children above as items of a batch (base/isolate_batch.hpp: a letter's
// documents in one child), and what their outcomes give (the same answers). The
// read's item is nullopt when nothing is parsed for the type or nothing is asked:
// read_docx_facts() in process then answers.
isolate::BatchItem ooxml_type_item(const std::filesystem::path& file);
std::optional<std::string> ooxml_type_of(const isolate::Outcome& outcome);
std::optional<isolate::BatchItem> docx_read_item(const std::filesystem::path& file, std::string_view mime_type,
                                                 const DocxRequest& request);
DocxFacts docx_facts_of(const isolate::Outcome& outcome, std::string_view mime_type, const DocxRequest& request,
                        const isolate::Limits& limits);

namespace detail {
// Run in a forked reading child right before it reads (tests: crash, spin). nullptr: none.
// Fork mode only: the server's helper was forked before it was set, an exec'd child is new.
using DocxChildHook = void (*)();
void set_docx_child_hook(DocxChildHook hook);
}  // namespace detail

}  // namespace preflight
