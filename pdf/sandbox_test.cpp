// pdf::analyze_sandboxed(): limits, crash mapping, and no leaked children or fds.
#include "pdf/detail.hpp"
#include "pdf/pdf_info.hpp"
#include "pdf/serialize.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace preflight::pdf {
namespace {

namespace fs = std::filesystem;

fs::path fixture(const std::string& name) { return fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures" / "pdf" / name; }

std::size_t open_fds() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

bool has_children() {
    errno = 0;
    return ::waitpid(-1, nullptr, WNOHANG) != -1 || errno != ECHILD;
}

// Installs a child hook for one test.
class Hook {
public:
    explicit Hook(detail::SandboxChildHook hook) { detail::set_sandbox_child_hook(hook); }
    ~Hook() { detail::set_sandbox_child_hook(nullptr); }
    Hook(const Hook&) = delete;
    Hook& operator=(const Hook&) = delete;
};

void segfault() { ::raise(SIGSEGV); }
void abort_child() { std::abort(); }
void sleep_forever() {
    for (;;) ::pause();
}
void spin_forever() {
    volatile unsigned long n = 0;
    for (;;) n = n + 1;
}
void eat_memory() {
    std::vector<std::unique_ptr<char[]>> blocks;
    for (;;) {
        blocks.emplace_back(new char[1 << 20]);
        std::memset(blocks.back().get(), 1, 1 << 20);
    }
}
void leave_silently() { ::_exit(0); }
void exit_seven() { ::_exit(7); }

TEST(Sandbox, AnswersLikeInProcess) {
    for (const char* name : {"fonts.pdf", "inherited.pdf", "mediabox_3elem.pdf", "enc_rc4_128_user.pdf",
                             "kids_cycle.pdf", "leading_junk.pdf", "truncated.pdf", "zero_bytes.pdf"}) {
        const Info in_process = analyze(fixture(name));
        const Info sandboxed = analyze_sandboxed(fixture(name), Limits{});
        EXPECT_EQ(to_json(sandboxed), to_json(in_process)) << name;
    }
}

TEST(Sandbox, MissingFile) {
    const Info info = analyze_sandboxed(fixture("does-not-exist.pdf"), Limits{});
    EXPECT_EQ(info.damage, Damage::load_failed);
}

TEST(Sandbox, DecompressionBombHitsTheMemoryLimitAndTheParentCarriesOn) {
    Limits limits;
    limits.memory_bytes = 256ULL * 1024 * 1024;
    // The page tree sits in the bomb: our xref reader gives up at its cap, PoDoFo
    // then inflates it all and hits the child's limit.
    const Info bomb = analyze_sandboxed(fixture("bomb_objstm_pages.pdf"), limits);
    EXPECT_EQ(bomb.damage, Damage::memory_limit) << bomb.damage_detail;
    EXPECT_EQ(bomb.bytes, fs::file_size(fixture("bomb_objstm_pages.pdf")));

    // A bomb that holds no page-tree object is never inflated at all.
    const Info unneeded = analyze_sandboxed(fixture("bomb_objstm.pdf"), limits);
    EXPECT_EQ(unneeded.damage, Damage::none) << unneeded.damage_detail;
    EXPECT_EQ(unneeded.pages.size(), 1U);

    const Info next = analyze_sandboxed(fixture("a4_portrait.pdf"), limits);
    EXPECT_EQ(next.damage, Damage::none);
    EXPECT_EQ(next.pages.size(), 1U);
}

TEST(Sandbox, ContentBombIsHarmless) {
    Limits limits;
    limits.memory_bytes = 64ULL * 1024 * 1024;
    const Info info = analyze_sandboxed(fixture("bomb_content.pdf"), limits);
    EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;
    EXPECT_EQ(info.pages.size(), 1U);
}

TEST(Sandbox, AllocationFailureIsMemoryLimit) {
    const Hook hook(eat_memory);
    Limits limits;
    limits.memory_bytes = 64ULL * 1024 * 1024;
    const Info info = analyze_sandboxed(fixture("a4_portrait.pdf"), limits);
    EXPECT_EQ(info.damage, Damage::memory_limit) << info.damage_detail;
}

TEST(Sandbox, WallClockLimit) {
    const Hook hook(sleep_forever);
    Limits limits;
    limits.wall_milliseconds = 200;
    const Info info = analyze_sandboxed(fixture("a4_portrait.pdf"), limits);
    EXPECT_EQ(info.damage, Damage::time_limit) << info.damage_detail;
    EXPECT_TRUE(info.pages.empty());
}

TEST(Sandbox, CpuLimit) {
    const Hook hook(spin_forever);
    Limits limits;
    limits.cpu_seconds = 1;
    limits.wall_milliseconds = 60000;
    const Info info = analyze_sandboxed(fixture("a4_portrait.pdf"), limits);
    EXPECT_EQ(info.damage, Damage::cpu_limit) << info.damage_detail;
}

TEST(Sandbox, CrashesAreNamed) {
    {
        const Hook hook(segfault);
        const Info info = analyze_sandboxed(fixture("a4_portrait.pdf"), Limits{});
        EXPECT_EQ(info.damage, Damage::crashed);
        EXPECT_EQ(info.damage_detail, "SIGSEGV");
    }
    {
        const Hook hook(abort_child);
        const Info info = analyze_sandboxed(fixture("a4_portrait.pdf"), Limits{});
        EXPECT_EQ(info.damage, Damage::crashed);
        EXPECT_EQ(info.damage_detail, "SIGABRT");
    }
    {
        const Hook hook(exit_seven);
        const Info info = analyze_sandboxed(fixture("a4_portrait.pdf"), Limits{});
        EXPECT_EQ(info.damage, Damage::crashed);
        EXPECT_EQ(info.damage_detail, "exit status 7");
    }
}

TEST(Sandbox, NoAnswerIsInternal) {
    const Hook hook(leave_silently);
    const Info info = analyze_sandboxed(fixture("a4_portrait.pdf"), Limits{});
    EXPECT_EQ(info.damage, Damage::internal) << info.damage_detail;
}

TEST(Sandbox, LeavesNoChildrenOrDescriptors) {
    ASSERT_FALSE(has_children());
    const std::size_t fds = open_fds();
    {
        const Hook hook(sleep_forever);
        Limits limits;
        limits.wall_milliseconds = 50;
        EXPECT_EQ(analyze_sandboxed(fixture("a4_portrait.pdf"), limits).damage, Damage::time_limit);
    }
    {
        const Hook hook(segfault);
        EXPECT_EQ(analyze_sandboxed(fixture("a4_portrait.pdf"), Limits{}).damage, Damage::crashed);
    }
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(analyze_sandboxed(fixture("slides_16x9.pdf"), Limits{}).pages.size(), 3U);
    }
    EXPECT_EQ(open_fds(), fds);
    EXPECT_FALSE(has_children());
}

}  // namespace
}  // namespace preflight::pdf
