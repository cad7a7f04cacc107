#include "base/filetype.hpp"

#include <magic.h>

#include <mutex>
#include <stdexcept>

namespace preflight::filetype {
namespace {

class Magic {
public:
    Magic() : cookie_(magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_SYMLINK)) {
        if (cookie_ == nullptr || magic_load(cookie_, nullptr) != 0) {
            throw std::runtime_error("libmagic: cannot load its database");
        }
    }
    Magic(const Magic&) = delete;
    Magic& operator=(const Magic&) = delete;
    Magic(Magic&&) = delete;
    Magic& operator=(Magic&&) = delete;
    ~Magic() { magic_close(cookie_); }

    std::string file(const std::filesystem::path& p) {
        const std::lock_guard lock(mutex_);
        const char* t = magic_file(cookie_, p.c_str());
        return t != nullptr ? std::string(t) : std::string("application/octet-stream");
    }

private:
    magic_t cookie_;
    std::mutex mutex_;
};

Magic& magic() {
    static Magic instance;
    return instance;
}

}  // namespace

std::size_t pdf_header_offset(std::string_view head) {
    return head.substr(0, std::min<std::size_t>(head.size(), 1024 + 5)).find("%PDF-");
}

std::string sniff(const std::filesystem::path& file, std::string_view head) {
    const auto at = pdf_header_offset(head);
    if (at != std::string_view::npos && at < 1024) {
        return "application/pdf";
    }
    std::string type = magic().file(file);
    if (type == "data") {
        type = "application/octet-stream";
    }
    return type;
}

}  // namespace preflight::filetype
