#include "server/tempfiles.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <vector>

namespace preflight::server {
namespace {
std::atomic<std::int64_t> g_live{0};
}

std::int64_t live_temp_files() { return g_live.load(); }

namespace {
std::filesystem::path make_dir(const std::filesystem::path& parent, std::string_view prefix) {
    std::string pattern = (parent / (std::string(prefix) + "XXXXXX")).string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(), "mkdtemp in " + parent.string());
    }
    return buf.data();  // mkdtemp makes it 0700
}

// Every entry of `dir` a regular file of zero bytes, emptying those that are not
// (without following a link); false when something else is there, a file cannot be
// emptied, or there are more than DirPool::max_kept_files (a request of a million
// tiny parts must not leave a million inodes behind).
bool empty_files(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    if (ec) {
        return false;
    }
    std::size_t files = 0;
    for (const auto& entry : it) {
        if (++files > DirPool::max_kept_files) {
            return false;
        }
        const auto status = entry.symlink_status(ec);
        if (ec || !std::filesystem::is_regular_file(status)) {
            return false;
        }
        const auto size = entry.file_size(ec);
        if (ec) {
            return false;
        }
        if (size != 0) {
            const int fd = ::open(entry.path().c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
            const bool emptied = fd >= 0 && ::ftruncate(fd, 0) == 0;
            if (fd >= 0) {
                ::close(fd);
            }
            if (!emptied) {
                return false;
            }
        }
    }
    return true;
}
// A new file in `dir` (mkstemp, 0600), open for writing; its path in `path`.
int make_file(const std::filesystem::path& dir, std::filesystem::path& path) {
    std::string pattern = (dir / "body-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    const int fd = ::mkostemp(buf.data(), O_CLOEXEC);  // mode 0600
    if (fd < 0) {
        throw std::system_error(errno, std::generic_category(), "mkstemp in " + dir.string());
    }
    path = buf.data();
    return fd;
}
}  // namespace

DirPool::DirPool(std::filesystem::path parent, std::string prefix, std::size_t keep)
    : parent_(std::move(parent)), prefix_(std::move(prefix)), keep_(keep) {}

DirPool::~DirPool() {
    for (const auto& dir : idle_) {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
}

std::filesystem::path DirPool::take() {
    {
        const std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            std::filesystem::path dir = std::move(idle_.back());
            idle_.pop_back();
            return dir;
        }
    }
    return make_dir(parent_, prefix_);
}

void DirPool::give(std::filesystem::path dir) {
    if (empty_files(dir)) {
        const std::lock_guard lock(mutex_);
        if (idle_.size() < keep_) {
            idle_.push_back(std::move(dir));
            return;
        }
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

std::size_t DirPool::idle() const {
    const std::lock_guard lock(mutex_);
    return idle_.size();
}

TempDir::TempDir(const std::filesystem::path& parent, std::string_view prefix) : path_(make_dir(parent, prefix)) {}

TempDir::TempDir(DirPool& pool) : path_(pool.take()), pool_(&pool) {}

TempDir::~TempDir() {
    if (pool_ != nullptr) {
        try {
            pool_->give(path_);
            return;
        } catch (...) {
            // no room to keep it: removed below
        }
    }
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::next_file() { return path_ / ("body-" + std::to_string(files_++)); }

TempFile::TempFile(TempDir& dir) {
    if (!dir.pooled()) {
        fd_ = make_file(dir.path(), path_);
        ++g_live;
        return;
    }
    path_ = dir.next_file();
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ < 0) {
        const int error = errno;
        path_.clear();
        throw std::system_error(error, std::generic_category(), "open in " + dir.path().string());
    }
    reused_ = true;
    ++g_live;
}

TempFile::TempFile(const std::filesystem::path& dir) {
    fd_ = make_file(dir, path_);
    ++g_live;
}

TempFile::TempFile(TempFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), size_(other.size_), reused_(other.reused_) {
    other.fd_ = -1;
    other.path_.clear();
}

TempFile::~TempFile() {
    if (reused_ && !path_.empty() && fd_ < 0) {
        fd_ = ::open(path_.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (reused_ && fd_ >= 0) {
        (void)::ftruncate(fd_, 0);  // DirPool::give() empties what this could not
    }
    if (fd_ >= 0) {
        ::close(fd_);
    }
    if (!path_.empty()) {
        if (!reused_) {
            ::unlink(path_.c_str());
        }
        --g_live;
    }
}

void TempFile::write(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw std::system_error(errno, std::generic_category(), "write " + path_.string());
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
        size_ += static_cast<std::uint64_t>(n);
    }
}

void TempFile::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

}  // namespace preflight::server
