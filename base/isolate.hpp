// Isolation: run untrusted parsing in a limited child process and say how the
// child ended. The one module under PDF analysis (pdf/sandbox.cpp), fix
// (pdf/fix.cpp), DOCX reading (validator/isolated_docx.cpp) and, through their
// children, every scan worker (docs/design.md, "Sandbox").
//
// Three ways to start a child; everything after the start is the same code:
//
// - run_forked(): fork() without exec. The child runs `body` on its copy of this
//   process: cheap, but only safe while the caller is single-threaded (a fork
//   while other threads hold locks can leave the child deadlocked; the wall
//   clock then kills it: time_limit, never a hang). The CLI and scan's workers
//   use it; the fork server's helper forks the same child (base/isolate_fork.hpp).
// - run_spawned(): posix_spawn() of a program (set_program(), normally
//   /proc/self/exe) with a named job's command line (`__isolate-child JOB ...`).
//   Nothing of the parent's state is inherited, so it is safe in a
//   multi-threaded process (the gate's fallback). The program's main() hands the
//   command to child_main(), which calls child_begin() and answers on fd 3.
// - The fork server (start_server(), run_job()): fork mode, run by a
//   single-threaded helper, forked at start, that forks each request's child and
//   watches them all. Safe in a multi-threaded process, nearly as cheap as fork
//   mode: the gate's mode. Several jobs of one caller can share one child:
//   run_batch() (base/isolate_batch.hpp).
// run_job() runs a named job (PDF analysis, DOCX reading) in whichever of the
// three there is; see "Named jobs" below.
//
// In both, the child keeps no descriptor but 0-2 and its answer pipe (fd 3),
// starts with every signal at its default action and none blocked, and limits
// itself (limit_child()):
// - RLIMIT_AS = its address space at that moment + RunOptions::extra_bytes (a
//   mapped or read input) + Limits::memory_bytes;
// - RLIMIT_CPU = Limits::cpu_seconds (soft: SIGXCPU), hard one second later (SIGKILL);
// - RLIMIT_CORE = 0.
// A failed allocation in the child (operator new's new_handler) sets a flag; in
// fork mode the flag lives in a page shared with the parent, so a child that
// fails an allocation and then dies some other way is still memory_limit.
//
// The parent reads the answer until EOF, the wall clock (Limits::wall_milliseconds;
// then SIGKILL) or RunOptions::max_answer_bytes (then SIGKILL), always reaps the
// child (wait4 on its pid: concurrent callers do not reap each other's children)
// and maps how it ended, once for every caller (ended_of()):
//   the wall clock ran out                    -> time_limit
//   the answer grew past the cap              -> too_large
//   SIGXCPU                                   -> cpu_limit
//   an allocation failed, then a signal or a
//     non-zero exit                           -> memory_limit
//   SIGKILL not sent by us: at the CPU limit  -> cpu_limit (the hard limit)
//                           below it          -> memory_limit (the OOM killer)
//   any other signal                          -> signal (Outcome::signal)
//   a non-zero exit                           -> exit_status (Outcome::exit_status)
//   exit 0                                    -> exited
//   no pipe, fork or spawn                    -> not_started (Outcome::error)
// The answer is what the child wrote before it ended, whatever the ending: a
// caller that answers in parts (the PDF sandbox's analysis, then its text scan)
// keeps the parts that arrived whole.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace preflight::isolate {

// A file descriptor, closed when it goes out of scope.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&&) = delete;
    Fd& operator=(Fd&&) = delete;
    [[nodiscard]] int get() const { return fd_; }
    void reset();

private:
    int fd_;
};

struct Limits {
    std::uint64_t memory_bytes = 1024ULL * 1024 * 1024;  // address space of the child, on top of what it has
    int cpu_seconds = 20;
    int wall_milliseconds = 30000;
};

enum class Ended : std::uint8_t {
    exited,        // exit status 0
    exit_status,   // a non-zero exit status (Outcome::exit_status)
    signal,        // a signal that is none of the limits (Outcome::signal)
    cpu_limit,     // SIGXCPU, or SIGKILL at the hard CPU limit
    memory_limit,  // an allocation failed, or SIGKILL below the CPU limit
    time_limit,    // the wall clock ran out: killed by the parent
    too_large,     // the answer grew past RunOptions::max_answer_bytes: killed by the parent
    not_started,   // no pipe, fork or spawn (Outcome::error)
};

struct Outcome {
    std::string answer;  // what the child wrote before it ended
    Ended ended = Ended::not_started;
    int signal = 0;                  // the signal that ended the child, or 0
    int exit_status = 0;             // its exit status when it exited
    double cpu_seconds = 0;          // the child's user + system time
    bool allocation_failed = false;  // the child's new_handler ran (fork mode; exec: the child's own answer says so)
    std::string error;               // not_started: why ("fork: ...")
    [[nodiscard]] bool exited_cleanly() const { return ended == Ended::exited; }
};

// How the child ended, for damage and error details, as a phrase (base/error.hpp) the
// catalogue words in the message's language: "isolate.wall-limit" {milliseconds},
// "isolate.cpu-limit" {seconds}, "isolate.memory-signal" {signal}, "isolate.killed",
// "isolate.signal" {signal}, "isolate.exit-status" {status}, "isolate.too-large",
// "isolate.not-started" {detail}; "" for exited.
std::string describe(const Outcome& outcome, const Limits& limits);

// "SIGSEGV", or the number of a signal without a name.
std::string signal_name(int sig);

// The mapping above, from the facts of one ending. Exposed for the tests.
Ended ended_of(bool timed_out, bool too_large, int wait_status, double cpu_seconds, bool allocation_failed,
               const Limits& limits);

struct RunOptions {
    // On top of the child's address space and Limits::memory_bytes: an input it maps or reads.
    std::uint64_t extra_bytes = 0;
    // The answer may be at most this big; beyond it the child is killed (too_large).
    std::size_t max_answer_bytes = std::size_t{512} << 20;
};

// What the child runs: writes its answer on `out_fd` (write_all()) and returns;
// the child then _exit(0)s. An exception that escapes is exit status 3 (a
// std::bad_alloc: 4, and the allocation flag is set).
using Body = std::function<void(int out_fd)>;

// Fork mode: `body` in a forked child under `limits`.
Outcome run_forked(const Body& body, const Limits& limits, const RunOptions& options = {});

// Exec mode: `argv` (argv[0] is the program to start) as a child with the answer
// pipe as its fd 3 (every other descriptor from 3 up closed, default signal
// actions, empty mask). The child limits itself: child_begin().
Outcome run_spawned(const std::vector<std::string>& argv, const Limits& limits, const RunOptions& options = {});

// posix_spawn() of `argv` with `fd` as its fd 3 and nothing else but 0-2 (whatever
// their O_CLOEXEC), default signal actions and an empty mask: what run_spawned()
// does, for a caller that talks to the child on its own (the fork server's
// helper). The pid, or -1 and the error number in `error`.
int spawn_with_fd3(const std::vector<std::string>& argv, int fd, int& error);

// The program exec mode starts (normally /proc/self/exe), or empty: fork mode.
// Callers that have both modes pick exec mode when one is set.
void set_program(std::filesystem::path program);
std::filesystem::path program();

// ---- In the child ---------------------------------------------------------------

// An exec'd child's start, once it has set up what it needs before its limits
// (library initialisation): checks that fd 3 is open, sets its limits
// (limit_child()) and the allocation flag's new_handler. false: no fd 3.
bool child_begin(const Limits& limits, std::uint64_t extra_bytes);

// The child's limits on itself: no core dumps, Limits::cpu_seconds of CPU time
// (SIGXCPU, SIGKILL a second later), and an address space of what it has now plus
// `extra_bytes` plus Limits::memory_bytes.
void limit_child(const Limits& limits, std::uint64_t extra_bytes);

// This process's address space in bytes (/proc/self/statm), or 0 when it cannot
// be read. No allocation: safe in a forked child.
std::uint64_t address_space_now();

// In a child: has an allocation failed since the start (or the last clear)?
bool allocation_failed();
void clear_allocation_failed();

// write() of all of `data`, EINTR-safe. false: the reader is gone.
bool write_all(int fd, std::string_view data);

// Reads `fd` until EOF, `deadline` or `max_bytes`. Used by run_*() and by callers
// that wait for an answer from a process they did not start (the fork server).
struct ReadResult {
    std::string data;
    bool timed_out = false;
    bool too_large = false;
    int error = 0;  // errno of a failed poll() or read()
};
ReadResult read_until_eof(int fd, std::chrono::steady_clock::time_point deadline, std::size_t max_bytes);

// ---- Named jobs, and the fork server ------------------------------------------------

// A job: what a child runs by name, in any mode. `run` gets the job's arguments
// and writes its answer on `out_fd` (as a Body does); an exception that escapes is
// exit status 3 (std::bad_alloc: 4, and the allocation flag is set). `prepare`
// (may be empty) sets up what the job needs before the child's limits, e.g. a
// library's process-wide initialisation: it runs in the caller before each fork
// (fork mode: so it must be idempotent and cheap after the first call), in an
// exec'd child before child_begin(), and once in the server's helper when it
// starts (inherited by every child it forks). `warm` (may be empty) runs once in
// the server's helper only, after every prepare: it does once, on a trusted input of
// the job's own, what every child would otherwise do first (bind the library calls
// it makes, set up function-local statics and caches), so that each forked child
// inherits it instead of paying for it; it must not throw, and nothing it leaves may
// change a job's answer.
using JobBody = std::function<void(int out_fd, const std::vector<std::string>& args)>;
struct Job {
    JobBody run;
    std::function<void()> prepare;
    std::function<void()> warm;
};

// Registers `job` under `name` (first registration of a name wins; false for a
// second). Register at static initialisation, with a JobRegistration object at
// namespace scope in the file that owns the job and also calls run_job() (so the
// object is linked whenever the job is used): then the registry is complete
// before main() runs, so before start_server() forks the helper, and it is the
// same in a helper or child exec'd from the same program. A job registered after
// start_server() is unknown to the running helper (its run_job() answers not_started).
bool register_job(std::string name, Job job);
// Plain functions (a lambda without captures) and noexcept: a registration that
// cannot allocate at static initialisation ends the program (std::terminate).
struct JobRegistration {
    using Run = void (*)(int out_fd, const std::vector<std::string>& args);
    using Prepare = void (*)();
    JobRegistration(const char* name, Run run, Prepare prepare = nullptr, Prepare warm = nullptr) noexcept {
        const auto hook = [](Prepare f) { return f != nullptr ? std::function<void()>(f) : std::function<void()>(); };
        register_job(name, Job{run, hook(prepare), hook(warm)});
    }
};

// One named job in a limited child, in the mode there is: the fork server while
// it runs (start_server()), else exec mode when a program is set (set_program():
// `PROGRAM __isolate-child JOB MEMORY_BYTES CPU_SECONDS EXTRA_BYTES ARGS...`,
// which main() hands to child_main()), else fork mode (single-threaded callers
// only). The Outcome, and its mapping, is the same in every mode. An unknown job
// is not_started ("isolate: no job named ..."), in every mode, at once.
//
// Server mode: the request (the job, its arguments, the caller's working
// directory, the limits and options) goes to the helper with the write end of a
// fresh pipe; the helper forks the child (which chdir()s to that directory), reads
// its answer, kills it at the wall clock or the answer cap, reaps it, maps how it
// ended and writes the Outcome back, for all its children at once (one poll()
// loop). The caller waits at most Limits::wall_milliseconds + 2 s: no answer in
// time is time_limit; a helper that died without a whole answer is not_started.
// A helper found gone when sending: with a program set, keep_server() starts
// another and this call goes to exec mode; without one, not_started.
Outcome run_job(std::string_view job, const std::vector<std::string>& args, const Limits& limits,
                const RunOptions& options = {});

// Fork-server mode: the cheap fork of fork mode, safe in a multi-threaded
// process. Call start_server() while the process is still single-threaded (first
// thing in main() or serve(), before any thread exists): it forks a helper that
// stays single-threaded for its whole life, connected by a socketpair(AF_UNIX,
// SOCK_SEQPACKET) (SO_SNDTIMEO 2 s: a wedged helper cannot block a sender). The
// helper keeps fds 0-2 and its socket, runs every job's prepare and warm, reaps its
// children itself, ignores SIGPIPE, SIGINT, SIGTERM and SIGHUP (it is the caller
// who is to stop; requests in flight still get their answer) and, when its socket
// reaches EOF (stop_server(), or the caller is gone), kills and reaps the children
// it still has and exits. false (and
// nothing changes) when the socket or fork fails or a server is already running.
bool start_server();
// Closes the socket and reaps the helper (one that has not left after 2 s is
// killed). Call it while no run_job() is in flight. Nothing to do without a server.
void stop_server();
// A helper that has died (killed, out of memory) is reaped and, when a program is
// set, started again as `PROGRAM __isolate-server` with its socket as fd 3
// (posix_spawn + exec: safe in a multi-threaded process). The gate calls it every
// second. true: it started a new helper. Nothing to do when no server was started.
bool keep_server();
// The helper's pid, or -1 when none is running (tests kill it).
int server_pid();

// argv[1] of a restarted helper and of an exec'd job child.
inline constexpr const char* server_command = "__isolate-server";
inline constexpr const char* child_command = "__isolate-child";
// For main() to call first thing when argv[1] is server_command: serves on fd 3
// until EOF; returns only on a usage error (2).
int server_main(int argc, char** argv);
// For main() to call first thing when argv[1] is child_command: runs the job under
// its limits, answers on fd 3 and _exit()s; returns only on a usage error (2).
int child_main(int argc, char** argv);

// ---- A pool of worker processes ------------------------------------------------

// Jobs 0..total-1 over `workers` forked worker processes (fork mode: the caller
// must be single-threaded; the workers are, and may run fork mode in turn). Each
// worker runs `work(index)` for the jobs it is sent, two in flight at a time, and
// sends back its answer (or, when work throws, the exception's text as an error).
// A worker that dies takes only the job it was on with it: that job is reported
// as died (with how the worker ended; no limits apply to workers), the jobs
// queued behind it go to the others, and a new worker takes its place while jobs
// are left. Workers keep the caller's signal dispositions (SIGPIPE should be
// ignored while a pool runs: a dead worker's task pipe is then an EPIPE).
struct PoolResult {
    enum class Kind : std::uint8_t { answer, error, died };
    Kind kind = Kind::answer;
    std::string text;  // answer: work's answer; error: the exception's text
    Outcome ended;     // died: how the worker ended (signal, exit_status)
};
struct PoolCallbacks {
    std::function<std::string(std::size_t index)> work;              // in a worker
    std::function<void(std::size_t index, PoolResult result)> done;  // in the caller, once per job
    std::function<void(std::size_t done, std::size_t total)>
        progress;  // in the caller, at most every 200 ms; may be empty
};
// Throws std::system_error when not even one worker can be started (and from
// poll()); what `done` throws ends the run.
void run_pool(unsigned workers, std::size_t total, const PoolCallbacks& callbacks);

}  // namespace preflight::isolate
