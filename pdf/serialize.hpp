// JSON form of pdf::Info: how the sandboxed child answers its parent, and what
// the validator can store or print. Shape (every key always written by to_json):
//
//   {"damage": "none", "damage_detail": "", "version": "1.7",
//    "encrypted": false, "needs_password": false, "encryption": "",
//    "declared_page_count": 2, "bytes": 12345,
//    "pages": [{"number": 1, "ok": true, "media": [0, 0, 595, 842],
//               "crop": [0, 0, 595, 842], "rotate": 0},
//              {"number": 2, "ok": false, "error": "no MediaBox", ...}],
//    "fonts_not_embedded": [{"name": "Calibri", "first_page": 1}],
//    "text_scan": "complete", "text_scan_detail": "",
//    "person_ids": [{"page": 2, "id": "29129319060"}],
//    "content_boxes": [{"page": 1, "box": [51, 100, 540, 790]}]}
//
// damage and text_scan are the enumerators' names (damage_name(),
// text_scan_name()). Boxes are [llx, lly, urx, ury]. person_ids holds personal
// data in full: this JSON is the sandboxed child's answer to its parent and must
// not be written to disk or logs as it is.
#pragma once

#include "pdf/fix.hpp"
#include "pdf/pdf_info.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace preflight::pdf {

// "none", "not_pdf", "leading_bytes", ... exactly the enumerator names.
std::string_view damage_name(Damage d);
std::optional<Damage> damage_from_name(std::string_view name);

// "not_requested", "complete", "partial", "failed".
std::string_view text_scan_name(TextScan s);
std::optional<TextScan> text_scan_from_name(std::string_view name);

// Info's one codec is the text pair below (to_json_text, info_from_json_text):
// the sandbox's wire, scan's and the gate's state store. to_json and
// info_from_json are that text parsed into a tree and a tree read back through it.
nlohmann::json to_json(const Info& info);

// to_json(info).dump() without building the JSON tree first (the sandboxed
// child's answer: ~10x faster for 10,000 pages). Numbers are written shortest
// (595 rather than 595.0); strings that are not valid UTF-8 get U+FFFD.
//
// collapse_runs (the sandboxed child's wire form): a page that is followed by k
// identical pages (same ok, error, boxes and rotate, consecutive numbers) is
// written once with "repeat": k, and those k pages are left out. That is not
// to_json's shape any more; info_from_json_text expands it again, so the Info
// read back is the same. Cuts the parent's decoding of 10,000 like pages from
// ~30 ms to almost nothing.
std::string to_json_text(const Info& info, bool collapse_runs = false);

// info_from_json(nlohmann::json::parse(text)), without the tree: a SAX reader
// straight into Info; also reads the "repeat" form of to_json_text. Unknown keys are skipped. Throws
// std::invalid_argument on malformed JSON or the errors info_from_json reports.
Info info_from_json_text(std::string_view text);

// The inverse of to_json: info_from_json_text(j.dump()). Only "damage" is
// required; other keys default to Info's defaults when absent. Throws
// std::invalid_argument when the value is not an object, a key has the wrong
// type, or damage is unknown.
Info info_from_json(const nlohmann::json& j);

// FixResult, the fixing child's answer (pdf/fix.cpp): every field always written,
//   {"ok": true, "error": "", "pages_in": 3, "pages_out": 2, "kept": 1, "turned": 0,
//    "placed": 2, "two_up": 1, "rotated": 0, "annotations": 4}
// The reader throws std::invalid_argument when the text is not that shape (malformed,
// a key missing or of the wrong type, a count out of range).
std::string to_json_text(const FixResult& result);
FixResult fix_result_from_json_text(std::string_view text);

}  // namespace preflight::pdf
