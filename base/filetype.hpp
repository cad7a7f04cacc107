// Content sniffing through libmagic, with preflight's policy for PDF headers.
#pragma once

#include "base/isolate.hpp"
#include "base/isolate_batch.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace preflight::filetype {

// MIME type of `head` (the first bytes of a file) and, where libmagic needs more, the
// file itself. Policy: a `%PDF-` header within the first 1024 bytes makes the file a
// PDF, whatever precedes it (junk, a byte-order mark); pdf-damaged then reports the
// leading bytes. libmagic's database is loaded once per process.
std::string sniff(const std::filesystem::path& file, std::string_view head);

// sniff() with libmagic in a limited child (base/isolate.hpp, the job
// "filetype.sniff"): libmagic never reads a user's file in the calling process, as
// PoDoFo and libzip never do. The same answers; a PDF header decides without a child.
// A child that ends without an answer (a crash, a limit, no child at all) leaves
// the file unidentified: "application/octet-stream", which DP401 judges as such
// (blocked where the channel needs a known type).
std::string sniff_isolated(const std::filesystem::path& file, std::string_view head, const isolate::Limits& limits);

// sniff_isolated()'s child as an item of a batch (base/isolate_batch.hpp), for a
// file whose head is no PDF's, and the type its outcome gives (the same answers).
isolate::BatchItem sniff_item(const std::filesystem::path& file);
std::string sniff_type_of(const isolate::Outcome& outcome);

// Offset of `%PDF-` within the first 1024 bytes of `head`, or npos.
std::size_t pdf_header_offset(std::string_view head);

}  // namespace preflight::filetype
