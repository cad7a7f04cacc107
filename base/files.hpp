// Reading the small input files preflight is given (manifest, config).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace preflight {

// The whole content of `file`, or nullopt when it is not a regular file or cannot be read.
std::optional<std::string> read_regular_file(const std::filesystem::path& file);

// Writes `data` to `file` through a new file beside it and a rename, so that nobody
// ever sees half a report; the file gets mode 0644 (less by umask). Throws
// std::system_error when it cannot (nothing is left behind).
void write_file_atomically(const std::filesystem::path& file, std::string_view data);

}  // namespace preflight
