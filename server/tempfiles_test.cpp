#include "server/tempfiles.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace preflight::server {
namespace {

namespace fs = std::filesystem;

// A parent directory of the test's own, removed afterwards.
class DirPoolTest : public ::testing::Test {
protected:
    void SetUp() override {
        parent_ = fs::temp_directory_path() / ("dirpool_test_" + std::to_string(::getpid()));
        fs::remove_all(parent_);
        fs::create_directory(parent_);
    }
    void TearDown() override { fs::remove_all(parent_); }

    static std::string read(const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), {}};
    }
    static unsigned mode(const fs::path& p) {
        struct stat st {};
        EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
        return st.st_mode & 0777U;
    }
    [[nodiscard]] std::size_t entries() const {
        return static_cast<std::size_t>(std::distance(fs::directory_iterator(parent_), fs::directory_iterator()));
    }

    fs::path parent_;
};

// The next request gets the same directory and the same files, private (0700, 0600),
// with nothing of the letter before it in them.
TEST_F(DirPoolTest, ADirectoryAndItsFilesServeTheNextRequestEmptied) {
    DirPool pool(parent_, "check-", 4);
    fs::path first_dir;
    fs::path first_file;
    {
        TempDir dir(pool);
        first_dir = dir.path();
        EXPECT_EQ(mode(dir.path()), 0700U);
        TempFile a(dir);
        TempFile b(dir);
        EXPECT_NE(a.path(), b.path());
        a.write("brev om opptak");
        a.close();
        b.write("vedlegg");
        first_file = a.path();
        EXPECT_EQ(mode(a.path()), 0600U);
        EXPECT_EQ(read(a.path()), "brev om opptak");
        EXPECT_EQ(live_temp_files(), 2);
    }
    EXPECT_EQ(live_temp_files(), 0);
    EXPECT_EQ(pool.idle(), 1U);
    // Kept, but empty: nothing of the letter stays on disk.
    ASSERT_TRUE(fs::exists(first_file));
    EXPECT_EQ(fs::file_size(first_file), 0U);
    for (const auto& e : fs::directory_iterator(first_dir)) {
        EXPECT_EQ(fs::file_size(e.path()), 0U) << e.path();
    }
    TempDir again(pool);
    EXPECT_EQ(again.path(), first_dir);
    TempFile c(again);
    EXPECT_EQ(c.path(), first_file);  // the same inode's name, not a new file
    EXPECT_EQ(read(c.path()), "");
}

// A file left with content behind the pool's back (a crash between writing and
// truncating, or another writer) is emptied when its directory comes back; something
// that is not a plain file makes the directory go instead of being reused.
TEST_F(DirPoolTest, AReturnedDirectoryIsEmptiedOrRemoved) {
    DirPool pool(parent_, "check-", 4);
    fs::path kept;
    {
        TempDir dir(pool);
        kept = dir.path();
        std::ofstream(dir.path() / "stray", std::ios::binary) << "personopplysninger";
    }
    ASSERT_EQ(pool.idle(), 1U);
    EXPECT_EQ(fs::file_size(kept / "stray"), 0U);
    fs::path removed;
    {
        TempDir dir(pool);
        EXPECT_EQ(dir.path(), kept);
        fs::create_symlink("/etc/passwd", dir.path() / "link");
        removed = dir.path();
    }
    EXPECT_EQ(pool.idle(), 0U);
    EXPECT_FALSE(fs::exists(removed));
    EXPECT_TRUE(fs::exists("/etc/passwd"));
}

// A request of many parts leaves no pile of empty files behind: a directory with
// more than max_kept_files is removed, not kept.
TEST_F(DirPoolTest, ADirectoryOfManyFilesIsRemovedNotKept) {
    DirPool pool(parent_, "check-", 4);
    {
        TempDir dir(pool);
        for (std::size_t i = 0; i < DirPool::max_kept_files; ++i) {
            TempFile f(dir);
        }
    }
    EXPECT_EQ(pool.idle(), 1U);  // exactly the cap: kept
    fs::path removed;
    {
        TempDir dir(pool);
        removed = dir.path();
        for (std::size_t i = 0; i <= DirPool::max_kept_files; ++i) {
            TempFile f(dir);
        }
    }
    EXPECT_EQ(pool.idle(), 0U);
    EXPECT_FALSE(fs::exists(removed));
}

// At most `keep` idle directories; the rest are removed, and the pool's own go with it.
TEST_F(DirPoolTest, IdleDirectoriesAreCappedAndRemovedWithThePool) {
    {
        DirPool pool(parent_, "check-", 2);
        {
            TempDir a(pool);
            TempDir b(pool);
            TempDir c(pool);
            EXPECT_EQ(entries(), 3U);
        }
        EXPECT_EQ(pool.idle(), 2U);
        EXPECT_EQ(entries(), 2U);
    }
    EXPECT_EQ(entries(), 0U);
}

// A pooled directory removed from outside is not handed out again once it comes back.
TEST_F(DirPoolTest, ADirectoryThatWentAwayIsNotKept) {
    DirPool pool(parent_, "check-", 4);
    {
        TempDir dir(pool);
        fs::remove_all(dir.path());
        EXPECT_THROW(TempFile{dir}, std::system_error);
    }
    EXPECT_EQ(pool.idle(), 0U);
    TempDir fresh(pool);
    EXPECT_TRUE(fs::is_directory(fresh.path()));
}

// Without a pool, a TempDir and its files are removed as before.
TEST_F(DirPoolTest, AnUnpooledDirectoryIsRemovedWithItsFiles) {
    fs::path where;
    {
        TempDir dir(parent_, "fix-");
        TempFile f(dir);
        f.write("x");
        where = dir.path();
    }
    EXPECT_FALSE(fs::exists(where));
    EXPECT_EQ(entries(), 0U);
}

}  // namespace
}  // namespace preflight::server
