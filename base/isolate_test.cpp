#include "base/isolate.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace preflight::isolate {
namespace {

Limits quick(int wall_ms = 60000) {
    Limits limits;
    limits.memory_bytes = 256ULL << 20;
    limits.cpu_seconds = 1;
    limits.wall_milliseconds = wall_ms;
    return limits;
}

TEST(Isolate, AnswerOfAChildThatExits) {
    const Outcome out = run_forked([](int fd) { write_all(fd, "hello\n"); }, quick());
    EXPECT_EQ(out.ended, Ended::exited);
    EXPECT_TRUE(out.exited_cleanly());
    EXPECT_EQ(out.answer, "hello\n");
    EXPECT_EQ(describe(out, quick()), "");
}

TEST(Isolate, MemoryBeyondTheLimitIsMemoryLimit) {
#if defined(PREFLIGHT_SANITIZED)
    // AddressSanitizer's allocator does not fail an allocation past RLIMIT_AS: it
    // ends the child itself ("Failed to mmap", exit status 1), so operator new never
    // reports it. The PDF sandbox's test skips there too (Sandbox.AllocationFailureIsMemoryLimit).
    GTEST_SKIP() << "operator new under AddressSanitizer does not fail, the runtime ends the process";
#endif
    const Outcome out = run_forked(
        [](int) {
            std::vector<std::unique_ptr<char[]>> hog;
            for (int i = 0; i < 4096; ++i) {  // 4 GiB at most, far beyond the limit
                hog.emplace_back(new char[1 << 20]);
                std::memset(hog.back().get(), 1, 1 << 20);
            }
        },
        quick());
    EXPECT_EQ(out.ended, Ended::memory_limit) << describe(out, quick());
    EXPECT_TRUE(out.allocation_failed);
}

TEST(Isolate, BusyLoopIsCpuLimit) {
    const Outcome out = run_forked(
        [](int) {
            volatile unsigned long n = 0;
            for (;;) {
                n = n + 1;
            }
        },
        quick());
    EXPECT_EQ(out.ended, Ended::cpu_limit) << describe(out, quick());
    EXPECT_EQ(describe(out, quick()), "CPU limit of 1 s");
}

TEST(Isolate, SleepIsWallClockLimit) {
    const Outcome out = run_forked(
        [](int) {
            for (;;) {
                ::pause();  // no CPU: only the wall clock ends it
            }
        },
        quick(200));
    EXPECT_EQ(out.ended, Ended::time_limit);
    EXPECT_EQ(describe(out, quick(200)), "wall-clock limit of 200 ms");
}

TEST(Isolate, CrashIsSignal) {
    const Outcome out = run_forked([](int) { ::raise(SIGSEGV); }, quick());
    EXPECT_EQ(out.ended, Ended::signal);
    EXPECT_EQ(out.signal, SIGSEGV);
    EXPECT_EQ(describe(out, quick()), "SIGSEGV");
}

TEST(Isolate, ExitStatusAndPartialAnswer) {
    const Outcome out = run_forked(
        [](int fd) {
            write_all(fd, "first\n");
            ::_exit(7);
        },
        quick());
    EXPECT_EQ(out.ended, Ended::exit_status);
    EXPECT_EQ(out.exit_status, 7);
    EXPECT_EQ(out.answer, "first\n");  // what arrived before the end is kept
    EXPECT_EQ(describe(out, quick()), "exit status 7");
}

TEST(Isolate, ExceptionIsExitStatus3) {
    const Outcome out = run_forked([](int) { throw std::runtime_error("no"); }, quick());
    EXPECT_EQ(out.ended, Ended::exit_status);
    EXPECT_EQ(out.exit_status, 3);
}

TEST(Isolate, AnswerTooLarge) {
    RunOptions options;
    options.max_answer_bytes = 10;
    const Outcome out = run_forked([](int fd) { write_all(fd, std::string(100, 'x')); }, quick(), options);
    EXPECT_EQ(out.ended, Ended::too_large);
}

TEST(Isolate, TheChildKeepsOnlyItsAnswerPipe) {
    const Outcome out = run_forked(
        [](int fd) {
            int open = 0;
            for (int i = 0; i < 1024; ++i) {
                if (::fcntl(i, F_GETFD) >= 0 && i > 2) {
                    ++open;
                }
            }
            write_all(fd, std::to_string(fd) + " " + std::to_string(open));
        },
        quick());
    EXPECT_EQ(out.answer, "3 1");
}

TEST(Isolate, SpawnedChildAnswersOnFd3) {
    const Outcome out = run_spawned({"/bin/sh", "-c", "echo spawned >&3"}, quick());
    EXPECT_EQ(out.ended, Ended::exited) << describe(out, quick());
    EXPECT_EQ(out.answer, "spawned\n");
}

TEST(Isolate, SpawnedChildKilledBySignal) {
    const Outcome out = run_spawned({"/bin/sh", "-c", "kill -SEGV $$"}, quick());
    EXPECT_EQ(out.ended, Ended::signal);
    EXPECT_EQ(describe(out, quick()), "SIGSEGV");
}

TEST(Isolate, ProgramThatCannotStartIsNotStarted) {
    const Outcome out = run_spawned({"/nonexistent/preflight"}, quick());
    EXPECT_EQ(out.ended, Ended::not_started);
    EXPECT_NE(describe(out, quick()).find("posix_spawn /nonexistent/preflight"), std::string::npos);
}

TEST(Isolate, OneMappingOfHowAChildEnded) {
    const Limits limits = quick();
    const auto signalled = [](int sig) {
        // A wait status as the kernel makes it for a death by `sig`.
        return sig & 0x7f;
    };
    const auto exited = [](int code) { return (code & 0xff) << 8; };
    EXPECT_EQ(ended_of(true, false, signalled(SIGKILL), 0, false, limits), Ended::time_limit);
    EXPECT_EQ(ended_of(false, true, signalled(SIGKILL), 0, false, limits), Ended::too_large);
    EXPECT_EQ(ended_of(false, false, signalled(SIGXCPU), 0, true, limits), Ended::cpu_limit);
    EXPECT_EQ(ended_of(false, false, signalled(SIGKILL), 1.0, false, limits), Ended::cpu_limit);
    EXPECT_EQ(ended_of(false, false, signalled(SIGKILL), 0.1, false, limits), Ended::memory_limit);
    EXPECT_EQ(ended_of(false, false, signalled(SIGSEGV), 0.1, true, limits), Ended::memory_limit);
    EXPECT_EQ(ended_of(false, false, signalled(SIGSEGV), 0.1, false, limits), Ended::signal);
    EXPECT_EQ(ended_of(false, false, exited(2), 0.1, true, limits), Ended::memory_limit);
    EXPECT_EQ(ended_of(false, false, exited(2), 0.1, false, limits), Ended::exit_status);
    EXPECT_EQ(ended_of(false, false, exited(0), 0.1, false, limits), Ended::exited);
}

}  // namespace
}  // namespace preflight::isolate
