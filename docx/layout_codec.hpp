// DocxLayout as JSON: the one codec for a Word document's page setup wherever it
// crosses a process or is stored (the DOCX reading child's answer, scan's workers,
// the gate's state store). Shape:
//
//   {"sections": [{"section": 1, "has_size": true, "w": 11906, "h": 16838,
//                  "orient": ""}],
//    "truncated": false, "error": ""}
#pragma once

#include "docx/doctext.hpp"

#include <nlohmann/json.hpp>

namespace preflight::doctext {

nlohmann::json layout_to_json(const DocxLayout& layout);

// The inverse of layout_to_json. Throws nlohmann::json::exception when a key is
// missing or has the wrong type.
DocxLayout layout_from_json(const nlohmann::json& j);

}  // namespace preflight::doctext
