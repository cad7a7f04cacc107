// Private temporary files for request bodies: a directory of mode 0700 owned by the
// gate, files of mode 0600 in it, each removed when its owner goes, also on errors.
// Nothing of a letter stays on disk after its request.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace preflight::server {

// A directory made with mkdtemp under `parent` (0700); removed with its contents
// when destroyed.
class TempDir {
public:
    explicit TempDir(const std::filesystem::path& parent, std::string_view prefix = "preflight-");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    TempDir(TempDir&&) = delete;
    TempDir& operator=(TempDir&&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// A file made with mkstemp (0600), open for writing; unlinked when destroyed.
class TempFile {
public:
    explicit TempFile(const std::filesystem::path& dir);
    ~TempFile();
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    TempFile(TempFile&& other) noexcept;
    TempFile& operator=(TempFile&&) = delete;

    void write(std::string_view bytes);  // throws std::system_error (e.g. disk full)
    void close();                        // flushes; the file stays until destruction
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] std::uint64_t size() const { return size_; }

private:
    std::filesystem::path path_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

// How many TempFile objects exist in this process (for tests and /metrics).
std::int64_t live_temp_files();

}  // namespace preflight::server
