// Private temporary files for request bodies: a directory of mode 0700 owned by the
// gate, files of mode 0600 in it, each removed when its owner goes, also on errors.
// Nothing of a letter stays on disk after its request.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace preflight::server {

// Directories for request bodies that are kept for the next request instead of
// removed, with their files: making and removing a directory and a file per
// document costs the file system (ext4 allocates and frees an inode each time) more
// CPU than the gate's own work on a small letter. A directory comes back with every
// file in it emptied (truncated to zero bytes: nothing of a letter stays on disk);
// one that cannot be emptied, or beyond `keep` idle ones, is removed.
class DirPool {
public:
    DirPool(std::filesystem::path parent, std::string prefix, std::size_t keep);
    ~DirPool();  // removes the idle directories
    DirPool(const DirPool&) = delete;
    DirPool& operator=(const DirPool&) = delete;
    DirPool(DirPool&&) = delete;
    DirPool& operator=(DirPool&&) = delete;

    // A directory with more files than this is removed, not kept.
    static constexpr std::size_t max_kept_files = 64;

    std::filesystem::path take();            // an idle directory, or a new one (mkdtemp, 0700)
    void give(std::filesystem::path dir);    // back, emptied; removed when it cannot be or the pool is full
    [[nodiscard]] std::size_t idle() const;  // for tests

private:
    std::filesystem::path parent_;
    std::string prefix_;
    std::size_t keep_;
    mutable std::mutex mutex_;
    std::vector<std::filesystem::path> idle_;
};

// A directory made with mkdtemp under `parent` (0700), removed with its contents
// when destroyed; or one taken from a DirPool, given back when destroyed.
class TempDir {
public:
    explicit TempDir(const std::filesystem::path& parent, std::string_view prefix = "preflight-");
    explicit TempDir(DirPool& pool);
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    TempDir(TempDir&&) = delete;
    TempDir& operator=(TempDir&&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] bool pooled() const { return pool_ != nullptr; }
    // In a pooled directory: the name of the next file (body-0, body-1, ...), reused
    // from the directory's earlier requests.
    [[nodiscard]] std::filesystem::path next_file();

private:
    std::filesystem::path path_;
    DirPool* pool_ = nullptr;
    std::size_t files_ = 0;
};

// A file made with mkstemp (0600), open for writing; unlinked when destroyed. In a
// pooled TempDir: its next file, opened (created 0600 if new) and truncated, and
// truncated again when destroyed, so that the next request can reuse it.
class TempFile {
public:
    explicit TempFile(const std::filesystem::path& dir);
    explicit TempFile(TempDir& dir);
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
    bool reused_ = false;  // in a pooled directory: emptied, not unlinked
};

// How many TempFile objects exist in this process (for tests and /metrics).
std::int64_t live_temp_files();

}  // namespace preflight::server
