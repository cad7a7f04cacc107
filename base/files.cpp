#include "base/files.hpp"

#include <fstream>
#include <iterator>

namespace preflight {

std::optional<std::string> read_regular_file(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
        return std::nullopt;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::string content(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>{});
    if (in.bad()) {
        return std::nullopt;
    }
    return content;
}

}  // namespace preflight
