// Documents and findings as JSON: the one codec wherever they cross a process or
// are stored (scan's workers, the gate's state store).
//
// A Document's gathered facts: Every field is
// carried: file, path, name, role, gathered, readable, io_error, bytes, type,
// text_searched, person_ids, and the facts of the PDF (pdf/serialize.hpp's
// to_json_text, runs of like pages collapsed, as a string) and of the Word
// document (docx/layout_codec.hpp) when there are any. person_ids are personal
// data in full: the stores that keep this JSON keep it as the gate keeps the
// message.
#pragma once

#include "validator/finding.hpp"
#include "validator/model.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace preflight {

std::string_view role_name(Role r);
// Throws std::invalid_argument for a name that is no role.
Role role_from(const std::string& name);

nlohmann::json document_to_json(const Document& d);

// The inverse of document_to_json. Throws nlohmann::json::exception or
// std::invalid_argument when the JSON is not its shape.
Document document_from_json(const nlohmann::json& j);

// A finding: {"code", "check", "severity" (to_string()), "message_id",
// "remedy_id", "args": [[name, value], ...] in order, and "document", "page",
// "recipient" when set}.
nlohmann::json finding_to_json(const Finding& f);
// Throws std::invalid_argument or nlohmann::json::exception when it is not that shape.
Finding finding_from_json(const nlohmann::json& j);

}  // namespace preflight
