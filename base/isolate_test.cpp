#include "base/isolate.hpp"
#include "base/isolate_batch.hpp"

#include "base/error.hpp"

#include "tests/wait.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace preflight::isolate {
namespace {

// Jobs for the tests, registered at static initialisation as the project's own are.
const JobRegistration echo_job("test.echo", [](int fd, const std::vector<std::string>& args) {
    std::string text;
    for (const auto& a : args) {
        text += (text.empty() ? "" : " ") + a;
    }
    write_all(fd, text);
});
const JobRegistration spin_job("test.spin", [](int, const std::vector<std::string>&) {
    volatile unsigned long n = 0;
    for (;;) {
        n = n + 1;
    }
});
const JobRegistration sleep_job("test.sleep", [](int, const std::vector<std::string>&) {
    for (;;) {
        ::pause();  // no CPU: only the wall clock ends it
    }
});
const JobRegistration crash_job("test.crash", [](int, const std::vector<std::string>&) { ::raise(SIGSEGV); });
const JobRegistration pid_job("test.pid", [](int fd, const std::vector<std::string>&) {
    write_all(fd, std::to_string(::getpid()));
});
const JobRegistration hog_job("test.hog", [](int, const std::vector<std::string>&) {
    std::vector<std::unique_ptr<char[]>> hog;
    for (int i = 0; i < 4096; ++i) {  // 4 GiB at most, far beyond the limit
        hog.emplace_back(new char[1 << 20]);
        std::memset(hog.back().get(), 1, 1 << 20);
    }
});
// How many times this process ran test.warmed's warm (its children inherit the count).
int warm_runs = 0;
const JobRegistration warmed_job(
    "test.warmed", [](int fd, const std::vector<std::string>&) { write_all(fd, std::to_string(warm_runs)); }, nullptr,
    [] { ++warm_runs; });
const JobRegistration cwd_job("test.cwd", [](int fd, const std::vector<std::string>& args) {
    std::ifstream in(args.at(0));
    write_all(fd, std::string(std::istreambuf_iterator<char>(in), {}));
});

// This test binary as the program of exec mode and of a restarted helper: main()
// is gtest's, so the hand-over to server_main() and child_main() happens here, at
// static initialisation, after the jobs above (same file: in order) are registered.
[[maybe_unused]] const bool isolate_process = [] {
    std::ifstream cmdline("/proc/self/cmdline");
    std::string argv0;
    std::string argv1;
    std::getline(cmdline, argv0, '\0');
    std::getline(cmdline, argv1, '\0');
    if (argv1 != server_command && argv1 != child_command) {
        return false;
    }
    std::vector<std::string> args{argv0, argv1};
    for (std::string a; std::getline(cmdline, a, '\0');) {
        args.push_back(a);
    }
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    const int argc = static_cast<int>(args.size());
    std::_Exit(argv1 == server_command ? server_main(argc, argv.data()) : child_main(argc, argv.data()));
}();

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
    EXPECT_EQ(describe(out, quick()), phrase("isolate.cpu-limit", {{"seconds", "1"}}));
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
    EXPECT_EQ(describe(out, quick(200)), phrase("isolate.wall-limit", {{"milliseconds", "200"}}));
}

TEST(Isolate, CrashIsSignal) {
    const Outcome out = run_forked([](int) { ::raise(SIGSEGV); }, quick());
    EXPECT_EQ(out.ended, Ended::signal);
    EXPECT_EQ(out.signal, SIGSEGV);
    EXPECT_EQ(describe(out, quick()), phrase("isolate.signal", {{"signal", "SIGSEGV"}}));
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
    EXPECT_EQ(describe(out, quick()), phrase("isolate.exit-status", {{"status", "7"}}));
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
    EXPECT_EQ(describe(out, quick()), phrase("isolate.signal", {{"signal", "SIGSEGV"}}));
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

// ---- Named jobs in every mode, and the fork server ---------------------------------

// Gone or a zombie (not reaped here: that is keep_server()'s and stop_server()'s work).
bool has_ended(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(stat, text)) {
        return true;
    }
    const auto paren = text.rfind(") ");
    return paren == std::string::npos || text.substr(paren + 2, 1) == "Z";
}

TEST(IsolateJobs, ForkAndExecModeAnswer) {
    const Outcome forked = run_job("test.echo", {"a", "b c"}, quick());
    EXPECT_EQ(forked.ended, Ended::exited) << describe(forked, quick());
    EXPECT_EQ(forked.answer, "a b c");
    set_program("/proc/self/exe");
    const Outcome spawned = run_job("test.echo", {"a", "b c"}, quick());
    set_program({});
    EXPECT_EQ(spawned.ended, Ended::exited) << describe(spawned, quick());
    EXPECT_EQ(spawned.answer, "a b c");
}

// A job's warm runs in the fork server's helper only: fork and exec mode never run it.
TEST(IsolateJobs, WarmRunsOnlyInTheServersHelper) {
    EXPECT_EQ(run_job("test.warmed", {}, quick()).answer, "0");
    set_program("/proc/self/exe");
    EXPECT_EQ(run_job("test.warmed", {}, quick()).answer, "0");
    set_program({});
    EXPECT_EQ(warm_runs, 0);
}

// An unknown name is not_started at once, in every mode: never a hang.
TEST(IsolateJobs, UnknownJobIsAClearError) {
    const auto start = std::chrono::steady_clock::now();
    const Outcome forked = run_job("test.no-such-job", {}, quick());
    EXPECT_EQ(forked.ended, Ended::not_started);
    EXPECT_EQ(describe(forked, quick()),
              phrase("isolate.not-started", {{"detail", "isolate: no job named \"test.no-such-job\""}}));
    // A name of its own in every run (--gtest_repeat): registrations stay for the process.
    static int runs = 0;
    const std::string name = "test.late." + std::to_string(++runs);
    ASSERT_TRUE(start_server());
    const Outcome unknown = run_job("test.no-such-job", {}, quick());
    // Registered after the helper was forked: the helper does not know it.
    const bool registered =
        register_job(name, Job{[](int fd, const std::vector<std::string>&) { write_all(fd, "x"); }, {}, {}});
    const bool again = register_job(name, Job{});
    const Outcome late = run_job(name, {}, quick());
    stop_server();
    EXPECT_EQ(unknown.ended, Ended::not_started);
    EXPECT_TRUE(registered);
    EXPECT_FALSE(again);  // the first registration stays
    EXPECT_EQ(late.ended, Ended::not_started);
    EXPECT_EQ(late.error, "isolate: no job named \"" + name + "\" in the server");
    EXPECT_LT(std::chrono::steady_clock::now() - start, preflight::testing::kWaitBound);
    EXPECT_EQ(run_job(name, {}, quick()).answer, "x");  // fork mode: this process knows it
}

// ---- Batches (base/isolate_batch.hpp) ------------------------------------------------

std::vector<BatchItem> echo_pid_echo() {
    return {{"test.echo", {"a", "b"}, 0}, {"test.pid", {}, 0}, {"test.echo", {"c"}, 0}, {"test.pid", {}, 0}};
}

// Every item answered by one child, in fork and in exec mode (the server's below).
void expect_one_child_answers_all() {
    const std::uint64_t before = children_started();
    const std::vector<Outcome> out = run_batch(echo_pid_echo(), quick());
    EXPECT_EQ(children_started() - before, 1U);
    ASSERT_EQ(out.size(), 4U);
    for (const Outcome& o : out) {
        EXPECT_EQ(o.ended, Ended::exited) << describe(o, quick());
    }
    EXPECT_EQ(out[0].answer, "a b");
    EXPECT_EQ(out[2].answer, "c");
    EXPECT_EQ(out[1].answer, out[3].answer);  // one child's pid
    EXPECT_NE(out[1].answer, std::to_string(::getpid()));
}

TEST(IsolateBatch, OneChildAnswersEveryItem) {
    expect_one_child_answers_all();
    set_program("/proc/self/exe");
    expect_one_child_answers_all();
    set_program({});
}

// A run_job() is one child too, and counted.
TEST(IsolateBatch, EveryChildIsCounted) {
    const std::uint64_t before = children_started();
    EXPECT_EQ(run_job("test.echo", {"x"}, quick()).answer, "x");
    EXPECT_EQ(run_job("test.crash", {}, quick()).ended, Ended::signal);
    EXPECT_EQ(children_started() - before, 2U);
    EXPECT_TRUE(run_batch({}, quick()).empty());
    EXPECT_EQ(children_started() - before, 2U);
}

// An item that ends the child (a signal, its CPU limit) gets that ending, as if it
// had run alone; the items before it keep their answers, those after it run in a
// fresh child: one child more per such item, and every other item answered.
TEST(IsolateBatch, AnItemThatEndsTheChildIsThatItemsEndingAlone) {
    const std::uint64_t before = children_started();
    const std::vector<Outcome> out = run_batch({{"test.echo", {"a"}, 0},
                                                {"test.pid", {}, 0},
                                                {"test.crash", {}, 0},
                                                {"test.pid", {}, 0},
                                                {"test.spin", {}, 0},
                                                {"test.echo", {"last"}, 0}},
                                               quick());
    EXPECT_EQ(children_started() - before, 3U);
    ASSERT_EQ(out.size(), 6U);
    EXPECT_EQ(out[0].ended, Ended::exited);
    EXPECT_EQ(out[0].answer, "a");
    EXPECT_EQ(out[1].ended, Ended::exited);
    EXPECT_EQ(out[2].ended, Ended::signal);
    EXPECT_EQ(out[2].signal, SIGSEGV);
    EXPECT_EQ(describe(out[2], quick()), phrase("isolate.signal", {{"signal", "SIGSEGV"}}));
    EXPECT_EQ(out[3].ended, Ended::exited);
    EXPECT_NE(out[3].answer, out[1].answer);  // a fresh child
    EXPECT_EQ(out[4].ended, Ended::cpu_limit) << describe(out[4], quick());
    EXPECT_EQ(describe(out[4], quick()), phrase("isolate.cpu-limit", {{"seconds", "1"}}));
    EXPECT_EQ(out[5].ended, Ended::exited);
    EXPECT_EQ(out[5].answer, "last");
}

// Each item has its own memory budget: one over it is memory_limit, the next is answered.
TEST(IsolateBatch, MemoryIsLimitedPerItem) {
#if defined(PREFLIGHT_SANITIZED)
    GTEST_SKIP() << "operator new under AddressSanitizer does not fail, the runtime ends the process";
#endif
    const std::vector<Outcome> out =
        run_batch({{"test.echo", {"first"}, 0}, {"test.hog", {}, 0}, {"test.echo", {"after"}, 0}}, quick());
    ASSERT_EQ(out.size(), 3U);
    EXPECT_EQ(out[0].answer, "first");
    EXPECT_EQ(out[1].ended, Ended::memory_limit) << describe(out[1], quick());
    EXPECT_TRUE(out[1].allocation_failed);
    EXPECT_EQ(out[2].ended, Ended::exited);
    EXPECT_EQ(out[2].answer, "after");
}

// An item past the wall clock is time_limit; the others are answered.
TEST(IsolateBatch, WallClockEndsTheItemItIsOn) {
    const std::vector<Outcome> out =
        run_batch({{"test.echo", {"first"}, 0}, {"test.sleep", {}, 0}, {"test.echo", {"after"}, 0}}, quick(200));
    ASSERT_EQ(out.size(), 3U);
    EXPECT_EQ(out[0].answer, "first");
    EXPECT_EQ(out[1].ended, Ended::time_limit);
    EXPECT_EQ(out[2].answer, "after");
}

TEST(IsolateBatch, AnUnknownJobIsNotStartedAndTheOthersAreAnswered) {
    const std::uint64_t before = children_started();
    const std::vector<Outcome> out =
        run_batch({{"test.echo", {"x"}, 0}, {"test.no-such-job", {}, 0}, {"test.echo", {"y"}, 0}}, quick());
    EXPECT_EQ(children_started() - before, 1U);
    ASSERT_EQ(out.size(), 3U);
    EXPECT_EQ(out[0].answer, "x");
    EXPECT_EQ(out[1].ended, Ended::not_started);
    EXPECT_EQ(out[2].answer, "y");
}

// The fork server: gtest runs the tests one after another on the main thread, so
// the process is single-threaded when SetUp() forks the helper.
class IsolateServer : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(start_server());
        ASSERT_GT(server_pid(), 0);
    }
    void TearDown() override {
        stop_server();
        set_program({});
        EXPECT_EQ(server_pid(), -1);
    }
};

TEST_F(IsolateServer, NamedJobAnswers) {
    EXPECT_FALSE(start_server());  // one is running
    const Outcome out = run_job("test.echo", {"served", "", "x"}, quick());
    EXPECT_EQ(out.ended, Ended::exited) << describe(out, quick());
    EXPECT_EQ(out.answer, "served  x");
    // Served, not exec mode: /bin/false would fail every child.
    set_program("/bin/false");
    EXPECT_EQ(run_job("test.echo", {"again"}, quick()).answer, "again");
}

// The helper runs every job's warm once, when it starts, and each child it forks
// inherits what warm did; the caller itself never runs it.
TEST_F(IsolateServer, EveryChildInheritsWhatTheHelpersWarmDid) {
    for (int i = 0; i < 3; ++i) {
        const Outcome out = run_job("test.warmed", {}, quick());
        EXPECT_EQ(out.ended, Ended::exited) << describe(out, quick());
        EXPECT_EQ(out.answer, "1");
    }
    EXPECT_EQ(warm_runs, 0);
}

// A relative argument means what it means in the caller's working directory.
TEST_F(IsolateServer, RunsInTheCallersWorkingDirectory) {
    const std::string name = "isolate_cwd_" + std::to_string(::getpid()) + ".txt";
    std::ofstream(name) << "here";
    const Outcome out = run_job("test.cwd", {name}, quick());
    std::remove(name.c_str());
    EXPECT_EQ(out.answer, "here");
}

// Limits in server mode end as in fork mode, with the same mapping.
TEST_F(IsolateServer, LimitsMapAsInForkMode) {
    const Outcome cpu = run_job("test.spin", {}, quick());
    EXPECT_EQ(cpu.ended, Ended::cpu_limit) << describe(cpu, quick());
    EXPECT_EQ(describe(cpu, quick()), phrase("isolate.cpu-limit", {{"seconds", "1"}}));
    const Outcome wall = run_job("test.sleep", {}, quick(200));
    EXPECT_EQ(wall.ended, Ended::time_limit);
    EXPECT_EQ(describe(wall, quick(200)), phrase("isolate.wall-limit", {{"milliseconds", "200"}}));
    const Outcome crash = run_job("test.crash", {}, quick());
    EXPECT_EQ(crash.ended, Ended::signal);
    EXPECT_EQ(crash.signal, SIGSEGV);
    EXPECT_EQ(describe(crash, quick()), phrase("isolate.signal", {{"signal", "SIGSEGV"}}));
    RunOptions small;
    small.max_answer_bytes = 3;
    EXPECT_EQ(run_job("test.echo", {"too long"}, quick(), small).ended, Ended::too_large);
    stop_server();
    EXPECT_EQ(run_job("test.crash", {}, quick()).ended, Ended::signal);  // fork mode, the same
    EXPECT_EQ(run_job("test.sleep", {}, quick(200)).ended, Ended::time_limit);
}

// keep_server(), as the gate calls it every second: a killed helper is reaped and
// a new one exec'd from the program; the next call is answered by it.
TEST_F(IsolateServer, KilledHelperIsRestartedByKeepServer) {
    set_program("/proc/self/exe");
    EXPECT_FALSE(keep_server());  // alive: nothing to do
    const int first = server_pid();
    ASSERT_EQ(::kill(first, SIGKILL), 0);
    ASSERT_TRUE(preflight::testing::wait_until("the killed helper has ended", [&] { return has_ended(first); }));
    ASSERT_TRUE(keep_server());
    const int second = server_pid();
    EXPECT_GT(second, 0);
    EXPECT_NE(second, first);
    set_program("/bin/false");  // so that exec mode could not answer
    const Outcome out = run_job("test.echo", {"restarted"}, quick());
    EXPECT_EQ(out.ended, Ended::exited) << describe(out, quick());
    EXPECT_EQ(out.answer, "restarted");
    EXPECT_EQ(run_job("test.crash", {}, quick()).ended, Ended::signal);
    EXPECT_FALSE(keep_server());
}

// Without a program, a gone helper is not_started, at once.
TEST_F(IsolateServer, KilledHelperWithoutProgramIsNotStarted) {
    const int helper = server_pid();
    ASSERT_EQ(::kill(helper, SIGKILL), 0);
    ASSERT_TRUE(preflight::testing::wait_until("the killed helper has ended", [&] { return has_ended(helper); }));
    const Limits limits = quick(600'000);
    const auto start = std::chrono::steady_clock::now();
    const Outcome out = run_job("test.echo", {"x"}, limits);
    EXPECT_EQ(out.ended, Ended::not_started);
    EXPECT_FALSE(out.error.empty());
    EXPECT_LT(std::chrono::steady_clock::now() - start, preflight::testing::kWaitBound);
}

TEST_F(IsolateServer, OneChildAnswersEveryItemOfABatch) { expect_one_child_answers_all(); }

TEST_F(IsolateServer, ABatchItemThatEndsTheChildEndsAsAlone) {
    const std::vector<Outcome> out =
        run_batch({{"test.pid", {}, 0}, {"test.crash", {}, 0}, {"test.sleep", {}, 0}, {"test.pid", {}, 0}}, quick(300));
    ASSERT_EQ(out.size(), 4U);
    EXPECT_EQ(out[0].ended, Ended::exited);
    EXPECT_EQ(out[1].ended, Ended::signal) << describe(out[1], quick(300));
    EXPECT_EQ(out[1].signal, SIGSEGV);
    EXPECT_EQ(out[2].ended, Ended::time_limit);
    EXPECT_EQ(out[3].ended, Ended::exited);
    EXPECT_NE(out[0].answer, out[3].answer);
}

// Callers on several threads at once: each batch has a child of its own, never
// another caller's.
TEST_F(IsolateServer, ConcurrentBatchesNeverShareAChild) {
    constexpr std::size_t callers = 6;
    std::vector<std::vector<Outcome>> answers(callers);
    const std::uint64_t before = children_started();
    {
        std::vector<std::jthread> threads;
        for (std::size_t i = 0; i < callers; ++i) {
            threads.emplace_back([&answers, i] {
                answers[i] = run_batch(
                    {{"test.pid", {}, 0}, {"test.echo", {std::to_string(i)}, 0}, {"test.pid", {}, 0}}, quick());
            });
        }
    }
    EXPECT_EQ(children_started() - before, callers);
    std::set<std::string> pids;
    for (std::size_t i = 0; i < callers; ++i) {
        ASSERT_EQ(answers[i].size(), 3U);
        EXPECT_EQ(answers[i][1].answer, std::to_string(i));
        EXPECT_EQ(answers[i][0].answer, answers[i][2].answer);
        pids.insert(answers[i][0].answer);
    }
    EXPECT_EQ(pids.size(), callers);
}

}  // namespace
}  // namespace preflight::isolate
