// Reading the small input files preflight is given (manifest, config).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace preflight {

// The whole content of `file`, or nullopt when it is not a regular file or cannot be read.
std::optional<std::string> read_regular_file(const std::filesystem::path& file);

}  // namespace preflight
