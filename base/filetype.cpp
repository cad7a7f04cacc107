#include "base/filetype.hpp"

#include <magic.h>

#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

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

// libmagic's "data" is what preflight calls unidentified.
std::string type_of(std::string magic_type) {
    if (magic_type == "data") {
        return "application/octet-stream";
    }
    return magic_type;
}

// The job: ARGS is the file; the answer is libmagic's type for it. The database is
// loaded before the child's limits (prepare): in the caller before a fork, once in
// the fork server's helper, in an exec'd child before child_begin().
constexpr const char* sniff_job = "filetype.sniff";
void sniff_child(int out_fd, const std::vector<std::string>& args) {
    if (args.size() != 1) {
        throw std::invalid_argument("filetype.sniff: needs one file");
    }
    isolate::write_all(out_fd, magic().file(args[0]));
}
void load_magic() {
    try {
        magic();
    } catch (const std::exception&) {
        // No database: the child tries again and fails (exit status 3), and the file
        // is unidentified. prepare must not throw: it also runs in the fork server's helper.
    }
}
const isolate::JobRegistration sniff_registration(sniff_job, sniff_child, load_magic);

// A MIME type is short: a longer answer is no answer.
constexpr std::size_t max_type_bytes = 256;

}  // namespace

std::size_t pdf_header_offset(std::string_view head) {
    return head.substr(0, std::min<std::size_t>(head.size(), 1024 + 5)).find("%PDF-");
}

std::string sniff(const std::filesystem::path& file, std::string_view head) {
    const auto at = pdf_header_offset(head);
    if (at != std::string_view::npos && at < 1024) {
        return "application/pdf";
    }
    return type_of(magic().file(file));
}

std::string sniff_isolated(const std::filesystem::path& file, std::string_view head, const isolate::Limits& limits) {
    const auto at = pdf_header_offset(head);
    if (at != std::string_view::npos && at < 1024) {
        return "application/pdf";
    }
    isolate::RunOptions options;
    options.max_answer_bytes = max_type_bytes;
    return sniff_type_of(isolate::run_job(sniff_job, {std::filesystem::absolute(file).string()}, limits, options));
}

isolate::BatchItem sniff_item(const std::filesystem::path& file) {
    return {sniff_job, {std::filesystem::absolute(file).string()}, 0};
}

std::string sniff_type_of(const isolate::Outcome& outcome) {
    if (!outcome.exited_cleanly() || outcome.answer.empty() || outcome.answer.size() > max_type_bytes) {
        return "application/octet-stream";
    }
    return type_of(outcome.answer);
}

}  // namespace preflight::filetype
