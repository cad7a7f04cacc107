// Reads a journal post manifest (contract: "Journal post manifest").
#pragma once

#include "base/json.hpp"
#include "validator/model.hpp"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace preflight {

// Parses manifest text; `file` is used for messages and to resolve document paths.
// Throws UsageError naming file, line and column for invalid JSON, wrong types,
// missing required fields and values outside their set.
JournalPost parse_manifest(std::string_view text, const std::filesystem::path& file);
// The same, parsing within `charge` (parse_json's): throws JsonOverBudget when it says no.
JournalPost parse_manifest(std::string_view text, const std::filesystem::path& file,
                           const std::function<bool(std::size_t)>& charge);
JournalPost load_manifest(const std::filesystem::path& file);

// Loose files from the command line: a journal post without title or recipients;
// the first file is the main document.
JournalPost loose_files(const std::vector<std::string>& files);

}  // namespace preflight
