// The isolation module (base/isolate.hpp): limited children, one mapping of how they end.
#include "base/isolate.hpp"
#include "base/isolate_batch.hpp"
#include "base/isolate_fork.hpp"

#include "base/error.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <new>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace preflight::isolate {
namespace {

// The allocation flag. Fork mode: a page shared with the parent; exec mode and
// the parent: this process's own.
struct SharedState {
    std::atomic<int> out_of_memory;
};
static_assert(std::atomic<int>::is_always_lock_free);

SharedState own_state{};
SharedState* g_state = &own_state;

void child_new_handler() {
    g_state->out_of_memory.store(1);
    throw std::bad_alloc();
}

class SharedPage {
public:
    SharedPage() {
        void* p = ::mmap(nullptr, sizeof(SharedState), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED) {
            state_ = new (p) SharedState{};
            state_->out_of_memory.store(0);
        }
    }
    ~SharedPage() {
        if (state_ != nullptr) {
            ::munmap(state_, sizeof(SharedState));
        }
    }
    SharedPage(const SharedPage&) = delete;
    SharedPage& operator=(const SharedPage&) = delete;
    SharedPage(SharedPage&&) = delete;
    SharedPage& operator=(SharedPage&&) = delete;
    [[nodiscard]] SharedState* get() const { return state_; }

private:
    SharedState* state_ = nullptr;
};

std::string error_text(int error) { return std::system_category().message(error); }  // thread-safe, unlike strerror

std::atomic<std::uint64_t> children_count{0};  // children_started()

std::mutex program_mutex;
std::filesystem::path program_path;  // guarded by program_mutex

// Waits for the child (EINTR-safe); its wait status and CPU seconds.
void reap(pid_t pid, int& status, double& cpu_seconds) {
    rusage usage{};
    while (::wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            status = 0;  // ECHILD: someone else reaped it (SIGCHLD ignored)
            return;
        }
    }
    cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                  static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

std::chrono::steady_clock::time_point deadline_of(const Limits& limits) {
    return std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(1, limits.wall_milliseconds));
}

// The parent's side: the answer, the kill on time or size, the reaping, the mapping.
Outcome collect(pid_t pid, Fd& read_end, std::chrono::steady_clock::time_point deadline, const Limits& limits,
                const RunOptions& options, const SharedState* shared, std::size_t items = 0) {
    const auto renew =
        items > 0 ? std::chrono::milliseconds(std::max(1, limits.wall_milliseconds)) : std::chrono::milliseconds(0);
    ReadResult read = detail::read_items(read_end.get(), deadline, options.max_answer_bytes, renew);
    if (read.timed_out || read.too_large) {
        ::kill(pid, SIGKILL);
    }
    read_end.reset();
    int status = 0;
    Outcome out;
    reap(pid, status, out.cpu_seconds);
    out.allocation_failed = shared != nullptr && shared->out_of_memory.load() != 0;
    out.answer = std::move(read.data);
    out.ended = ended_of(read.timed_out, read.too_large, status, out.cpu_seconds, out.allocation_failed, limits);
    if (WIFSIGNALED(status)) {
        out.signal = WTERMSIG(status);
    } else if (WIFEXITED(status)) {
        out.exit_status = WEXITSTATUS(status);
    }
    return out;
}

Outcome not_started(std::string why) {
    Outcome out;
    out.ended = Ended::not_started;
    out.error = std::move(why);
    return out;
}

}  // namespace

namespace detail {
void close_descriptors_from(int first) {
    if (::close_range(static_cast<unsigned>(first), ~0U, 0) == 0) {
        return;
    }
    rlimit r{};
    int last = 65536;
    if (::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY) {
        last = static_cast<int>(std::min<rlim_t>(r.rlim_cur, rlim_t{1} << 20));
    }
    for (int fd = first; fd < last; ++fd) {
        ::close(fd);
    }
}
}  // namespace detail

namespace {

// The forked child: only fds 0-2 and the answer pipe as fd 3, a clean signal state.
[[noreturn]] void forked_child(int out_fd, const Body& body, const Limits& limits, const RunOptions& options,
                               SharedState* state) {
    if (out_fd != 3 && ::dup2(out_fd, 3) == 3) {
        out_fd = 3;
    }
    if (out_fd == 3) {
        detail::close_descriptors_from(4);
    }
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP) {
            ::signal(sig, SIG_DFL);  // glibc's internal signals refuse: harmless
        }
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    g_state = state;
    limit_child(limits, options.extra_bytes);
    std::set_new_handler(child_new_handler);
    int rc = 0;
    try {
        body(out_fd);
    } catch (const std::bad_alloc&) {
        g_state->out_of_memory.store(1);
        rc = 4;
    } catch (...) {
        rc = 3;
    }
    ::close(out_fd);
    ::_exit(rc);
}

// posix_spawn()'s file actions and attributes, destroyed on every path.
class SpawnSetup {
public:
    SpawnSetup() {
        ::posix_spawn_file_actions_init(&actions_);
        ::posix_spawnattr_init(&attr_);
    }
    ~SpawnSetup() {
        ::posix_spawnattr_destroy(&attr_);
        ::posix_spawn_file_actions_destroy(&actions_);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
    SpawnSetup(SpawnSetup&&) = delete;
    SpawnSetup& operator=(SpawnSetup&&) = delete;
    posix_spawn_file_actions_t* actions() { return &actions_; }
    posix_spawnattr_t* attr() { return &attr_; }

private:
    posix_spawn_file_actions_t actions_{};
    posix_spawnattr_t attr_{};
};

}  // namespace

void Fd::reset() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
    fd_ = -1;
}

std::string signal_name(int sig) {
    if (const char* abbrev = ::sigabbrev_np(sig)) {
        return std::string("SIG") + abbrev;
    }
    return std::to_string(sig);
}

Ended ended_of(bool timed_out, bool too_large, int wait_status, double cpu_seconds, bool allocation_failed,
               const Limits& limits) {
    if (timed_out) {
        return Ended::time_limit;
    }
    if (too_large) {
        return Ended::too_large;
    }
    if (WIFSIGNALED(wait_status)) {
        const int sig = WTERMSIG(wait_status);
        if (sig == SIGXCPU) {
            return Ended::cpu_limit;
        }
        if (allocation_failed) {
            return Ended::memory_limit;
        }
        if (sig == SIGKILL) {
            // Not killed by us: the CPU hard limit, or the kernel's OOM killer.
            return cpu_seconds + 0.05 >= static_cast<double>(std::max(1, limits.cpu_seconds)) ? Ended::cpu_limit
                                                                                              : Ended::memory_limit;
        }
        return Ended::signal;
    }
    if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) != 0) {
        return allocation_failed ? Ended::memory_limit : Ended::exit_status;
    }
    return Ended::exited;
}

std::string describe(const Outcome& outcome, const Limits& limits) {
    switch (outcome.ended) {
        case Ended::exited:
            return {};
        case Ended::exit_status:
            return phrase("isolate.exit-status", {{"status", std::to_string(outcome.exit_status)}});
        case Ended::signal:
            return phrase("isolate.signal", {{"signal", signal_name(outcome.signal)}});
        case Ended::cpu_limit:
            return phrase("isolate.cpu-limit", {{"seconds", std::to_string(limits.cpu_seconds)}});
        case Ended::memory_limit:
            if (!outcome.allocation_failed) {
                return phrase("isolate.killed");
            }
            return outcome.signal != 0
                       ? phrase("isolate.memory-signal", {{"signal", signal_name(outcome.signal)}})
                       : phrase("isolate.memory-status", {{"status", std::to_string(outcome.exit_status)}});
        case Ended::time_limit:
            return phrase("isolate.wall-limit",
                          {{"milliseconds", std::to_string(std::max(1, limits.wall_milliseconds))}});
        case Ended::too_large:
            return phrase("isolate.too-large");
        case Ended::not_started:
            return phrase("isolate.not-started", {{"detail", outcome.error}});
    }
    return {};
}

ReadResult read_until_eof(int fd, std::chrono::steady_clock::time_point deadline, std::size_t max_bytes) {
    return detail::read_items(fd, deadline, max_bytes, std::chrono::milliseconds(0));
}

std::uint64_t children_started() { return children_count.load(); }

void detail::count_child() { children_count.fetch_add(1); }

ReadResult detail::read_items(int fd, std::chrono::steady_clock::time_point deadline, std::size_t max_bytes,
                              std::chrono::milliseconds renew) {
    ReadResult out;
    char buf[65536];
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            out.timed_out = true;
            return out;
        }
        pollfd p{fd, POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count() + 1, 1 << 30)));
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            out.error = errno;
            return out;
        }
        if (r == 0) {
            continue;  // re-check the deadline
        }
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            out.error = errno;
            return out;
        }
        if (n == 0) {
            return out;  // EOF: the writer closed its end
        }
        if (out.data.size() + static_cast<std::size_t>(n) > max_bytes) {
            out.too_large = true;
            return out;
        }
        const std::size_t before = out.data.size();
        out.data.append(buf, static_cast<std::size_t>(n));
        if (renew.count() > 0) {
            // An item ended (its mark may straddle two reads): its successor gets a whole wall clock.
            const std::size_t from = before >= item_end.size() ? before - item_end.size() + 1 : 0;
            if (out.data.find(item_end, from) != std::string::npos) {
                deadline = std::chrono::steady_clock::now() + renew;
            }
        }
    }
}

bool write_all(int fd, std::string_view data) {
    const char* p = data.data();
    std::size_t len = data.size();
    while (len > 0) {
        const ssize_t n = ::write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        p += n;
        len -= static_cast<std::size_t>(n);
    }
    return true;
}

std::uint64_t address_space_now() {
    // /proc/self/statm: size (pages) first. No allocation: plain read().
    const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    char buf[128];
    const ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) {
        return 0;
    }
    buf[n] = '\0';
    const unsigned long long pages = std::strtoull(buf, nullptr, 10);
    return pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

void limit_child(const Limits& limits, std::uint64_t extra_bytes) {
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    const auto cpu = static_cast<rlim_t>(std::max(1, limits.cpu_seconds));
    const rlimit cpu_limit{cpu, cpu + 1};
    ::setrlimit(RLIMIT_CPU, &cpu_limit);
    const std::uint64_t base = address_space_now() + extra_bytes;
    const rlim_t as = limits.memory_bytes > (UINT64_MAX >> 2) ? RLIM_INFINITY : base + limits.memory_bytes;
    const rlimit as_limit{as, as};
    ::setrlimit(RLIMIT_AS, &as_limit);
}

void detail::limit_item(const Limits& limits, std::uint64_t extra_bytes) {
    rlimit cpu{};
    rusage usage{};
    if (::getrlimit(RLIMIT_CPU, &cpu) == 0 && ::getrusage(RUSAGE_SELF, &usage) == 0) {
        const auto used = static_cast<rlim_t>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + 1;  // rounded up
        rlim_t soft = used + static_cast<rlim_t>(std::max(1, limits.cpu_seconds));
        if (cpu.rlim_max != RLIM_INFINITY) {
            soft = std::min(soft, cpu.rlim_max);
        }
        cpu.rlim_cur = soft;
        ::setrlimit(RLIMIT_CPU, &cpu);
    }
    rlimit as{};
    if (::getrlimit(RLIMIT_AS, &as) == 0) {
        rlim_t soft = limits.memory_bytes > (UINT64_MAX >> 2) ? RLIM_INFINITY
                                                              : address_space_now() + extra_bytes + limits.memory_bytes;
        if (as.rlim_max != RLIM_INFINITY) {
            soft = std::min(soft, as.rlim_max);
        }
        as.rlim_cur = soft;
        ::setrlimit(RLIMIT_AS, &as);
    }
}

bool allocation_failed() { return g_state->out_of_memory.load() != 0; }
void clear_allocation_failed() { g_state->out_of_memory.store(0); }

bool child_begin(const Limits& limits, std::uint64_t extra_bytes) {
    if (::fcntl(3, F_GETFD) < 0) {
        return false;
    }
    limit_child(limits, extra_bytes);
    std::set_new_handler(child_new_handler);
    return true;
}

void set_program(std::filesystem::path program) {
    const std::lock_guard lock(program_mutex);
    program_path = std::move(program);
}

std::filesystem::path program() {
    const std::lock_guard lock(program_mutex);
    return program_path;
}

Outcome run_forked(const Body& body, const Limits& limits, const RunOptions& options) {
    return detail::run_forked_items(body, limits, options, 0);
}

Outcome detail::run_forked_items(const Body& body, const Limits& limits, const RunOptions& options, std::size_t items) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return not_started("pipe: " + error_text(errno));
    }
    Fd read_end(fds[0]);
    Fd write_end(fds[1]);
    const SharedPage shared;
    if (shared.get() == nullptr) {
        return not_started("mmap: " + error_text(errno));
    }
    const auto deadline = deadline_of(limits);
    const pid_t pid = ::fork();
    if (pid < 0) {
        return not_started("fork: " + error_text(errno));
    }
    if (pid == 0) {
        read_end.reset();
        forked_child(write_end.get(), body, limits, options, shared.get());
    }
    detail::count_child();
    write_end.reset();
    return collect(pid, read_end, deadline, limits, options, shared.get(), items);
}

detail::ForkedChild detail::start_forked(const Body& body, const Limits& limits, const RunOptions& options) {
    ForkedChild out;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        out.error = "pipe: " + error_text(errno);
        return out;
    }
    void* page = ::mmap(nullptr, sizeof(SharedState), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        out.error = "mmap: " + error_text(errno);
        ::close(fds[0]);
        ::close(fds[1]);
        return out;
    }
    auto* state = new (page) SharedState{};
    state->out_of_memory.store(0);
    const pid_t pid = ::fork();
    if (pid < 0) {
        out.error = "fork: " + error_text(errno);
        ::close(fds[0]);
        ::close(fds[1]);
        ::munmap(page, sizeof(SharedState));
        return out;
    }
    if (pid == 0) {
        ::close(fds[0]);
        forked_child(fds[1], body, limits, options, state);
    }
    ::close(fds[1]);
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
    out.pid = pid;
    out.read_fd = fds[0];
    out.flag_page = page;
    return out;
}

Outcome detail::outcome_of(ForkedChild& child, std::string answer, bool timed_out, bool too_large, int wait_status,
                           double cpu_seconds, const Limits& limits) {
    Outcome out;
    out.cpu_seconds = cpu_seconds;
    if (child.flag_page != nullptr) {
        out.allocation_failed = static_cast<const SharedState*>(child.flag_page)->out_of_memory.load() != 0;
        ::munmap(child.flag_page, sizeof(SharedState));
        child.flag_page = nullptr;
    }
    out.answer = std::move(answer);
    out.ended = ended_of(timed_out, too_large, wait_status, cpu_seconds, out.allocation_failed, limits);
    if (WIFSIGNALED(wait_status)) {
        out.signal = WTERMSIG(wait_status);
    } else if (WIFEXITED(wait_status)) {
        out.exit_status = WEXITSTATUS(wait_status);
    }
    return out;
}

int spawn_with_fd3(const std::vector<std::string>& argv, int fd, int& error) {
    // Everything is built before the spawn: nothing is allocated in between.
    std::vector<std::string> args = argv;
    std::vector<char*> pointers;
    pointers.reserve(args.size() + 1);
    for (auto& a : args) {
        pointers.push_back(a.data());
    }
    pointers.push_back(nullptr);
    sigset_t all;
    sigfillset(&all);
    sigset_t none;
    sigemptyset(&none);
    SpawnSetup setup;
    int rc = ::posix_spawn_file_actions_adddup2(setup.actions(), fd, 3);
    if (rc == 0) {
        rc = ::posix_spawn_file_actions_addclosefrom_np(setup.actions(), 4);
    }
    if (rc == 0) {
        rc = ::posix_spawnattr_setsigdefault(setup.attr(), &all);
    }
    if (rc == 0) {
        rc = ::posix_spawnattr_setsigmask(setup.attr(), &none);
    }
    if (rc == 0) {
        rc = ::posix_spawnattr_setflags(setup.attr(), POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    }
    pid_t pid = -1;
    if (rc == 0) {
        rc = ::posix_spawn(&pid, args.front().c_str(), setup.actions(), setup.attr(), pointers.data(), environ);
    }
    if (rc != 0) {
        error = rc;
        return -1;
    }
    return pid;
}

Outcome run_spawned(const std::vector<std::string>& argv, const Limits& limits, const RunOptions& options) {
    if (argv.empty()) {
        return not_started("posix_spawn: no program");
    }
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return not_started("pipe: " + error_text(errno));
    }
    Fd read_end(fds[0]);
    Fd write_end(fds[1]);
    const auto deadline = deadline_of(limits);
    int error = 0;
    const int pid = spawn_with_fd3(argv, write_end.get(), error);
    if (pid < 0) {
        return not_started("posix_spawn " + argv.front() + ": " + error_text(error));
    }
    detail::count_child();
    write_end.reset();
    // No shared page across exec: the child's answer says whether it ran out.
    return collect(pid, read_end, deadline, limits, options, nullptr);
}

// ---- The worker pool --------------------------------------------------------------

namespace {

// A record on a result pipe: index, status (0 answer, 1 error), length, text.
struct RecordHeader {
    std::uint64_t index = 0;
    std::uint64_t status = 0;
    std::uint64_t length = 0;
};

// Reads job indices from `tasks` until EOF, answers each on `results`.
[[noreturn]] void worker_main(const PoolCallbacks& callbacks, int tasks, int results) {
    for (;;) {
        std::uint64_t index = 0;
        std::size_t got = 0;
        while (got < sizeof index) {
            const ssize_t n = ::read(tasks, reinterpret_cast<char*>(&index) + got, sizeof index - got);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                ::_exit(0);  // no more jobs
            }
            got += static_cast<std::size_t>(n);
        }
        RecordHeader header{index, 0, 0};
        std::string text;
        try {
            text = callbacks.work(index);
        } catch (const std::exception& e) {
            header.status = 1;
            text = e.what();
        } catch (...) {
            header.status = 1;
            text = "unknown error";
        }
        header.length = text.size();
        if (!write_all(results, std::string_view(reinterpret_cast<const char*>(&header), sizeof header)) ||
            !write_all(results, text)) {
            ::_exit(1);
        }
    }
}

class WorkerPool {
public:
    WorkerPool(const PoolCallbacks& callbacks, unsigned count) : callbacks_(callbacks), workers_(count) {
        std::size_t started = 0;
        try {
            for (; started < workers_.size(); ++started) {
                spawn(started);
            }
        } catch (const std::system_error&) {
            // Out of processes or descriptors: go on with the workers there are.
            if (started == 0) {
                throw;
            }
            workers_.resize(started);
        }
    }
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;
    WorkerPool(WorkerPool&&) = delete;
    WorkerPool& operator=(WorkerPool&&) = delete;
    ~WorkerPool() {
        for (auto& w : workers_) {
            retire(w);
        }
    }

    void run(std::size_t total) {
        std::size_t next = 0;
        std::size_t done = 0;
        for (auto& w : workers_) {
            top_up(w, next, total);
        }
        auto last_progress = std::chrono::steady_clock::now();
        while (done < total) {
            std::vector<pollfd> fds;
            for (const auto& w : workers_) {
                fds.push_back({w.pid > 0 ? w.results : -1, POLLIN, 0});  // poll skips -1
            }
            const int ready = ::poll(fds.data(), fds.size(), 200);
            if (ready < 0 && errno != EINTR) {
                throw std::system_error(errno, std::generic_category(), "poll");
            }
            for (std::size_t i = 0; i < workers_.size(); ++i) {
                if (fds[i].revents == 0) {
                    continue;
                }
                Worker& w = workers_[i];
                char buf[1 << 16];
                const ssize_t n = ::read(w.results, buf, sizeof buf);
                if (n < 0 && errno == EINTR) {
                    continue;
                }
                if (n > 0) {
                    w.buffer.append(buf, static_cast<std::size_t>(n));
                    while (take_record(w, total)) {
                        ++done;
                    }
                    top_up(w, next, total);
                    continue;
                }
                // EOF: the worker is gone. Its job (if any) is reported as died; while
                // jobs are left, a new worker takes over.
                PoolResult died;
                died.kind = PoolResult::Kind::died;
                const int status = retire(w);
                died.ended.ended = ended_of(false, false, status, 0, false, Limits{});
                if (WIFSIGNALED(status)) {
                    died.ended.signal = WTERMSIG(status);
                } else if (WIFEXITED(status)) {
                    died.ended.exit_status = WEXITSTATUS(status);
                }
                if (!w.inflight.empty()) {
                    // The first job sent and not answered is the one it died on; the
                    // jobs queued behind it go to the workers again.
                    const std::size_t index = w.inflight.front();
                    w.inflight.pop_front();
                    retry_.insert(retry_.end(), w.inflight.begin(), w.inflight.end());
                    w.inflight.clear();
                    callbacks_.done(index, std::move(died));
                    ++done;
                }
                if (next < total || !retry_.empty()) {
                    spawn(i);
                    top_up(workers_[i], next, total);
                }
            }
            const auto now = std::chrono::steady_clock::now();
            if (callbacks_.progress && done < total && now - last_progress >= std::chrono::milliseconds(200)) {
                callbacks_.progress(done, total);
                last_progress = now;
            }
        }
    }

private:
    struct Worker {
        pid_t pid = -1;
        int tasks = -1;    // the caller writes indices
        int results = -1;  // the caller reads records
        std::string buffer;
        std::deque<std::size_t> inflight;  // sent, not answered yet, in the order sent
    };

    void spawn(std::size_t slot) {
        int task_pipe[2];
        int result_pipe[2];
        if (::pipe2(task_pipe, O_CLOEXEC) != 0) {
            throw std::system_error(errno, std::generic_category(), "pipe");
        }
        if (::pipe2(result_pipe, O_CLOEXEC) != 0) {
            ::close(task_pipe[0]);
            ::close(task_pipe[1]);
            throw std::system_error(errno, std::generic_category(), "pipe");
        }
        const pid_t pid = ::fork();
        if (pid < 0) {
            for (const int fd : {task_pipe[0], task_pipe[1], result_pipe[0], result_pipe[1]}) {
                ::close(fd);
            }
            throw std::system_error(errno, std::generic_category(), "fork");
        }
        if (pid == 0) {
            // Only this worker's ends: the others' would keep their pipes open.
            for (const auto& w : workers_) {
                if (w.pid > 0) {
                    ::close(w.tasks);
                    ::close(w.results);
                }
            }
            ::close(task_pipe[1]);
            ::close(result_pipe[0]);
            worker_main(callbacks_, task_pipe[0], result_pipe[1]);
        }
        ::close(task_pipe[0]);
        ::close(result_pipe[1]);
        workers_[slot] = Worker{pid, task_pipe[1], result_pipe[0], {}, {}};
    }

    // Closes the worker's pipes and reaps it; its wait status.
    static int retire(Worker& w) {
        if (w.pid <= 0) {
            return 0;
        }
        ::close(w.tasks);
        ::close(w.results);
        int status = 0;
        while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
        }
        w.pid = -1;
        return status;
    }

    // Keeps two jobs in flight per worker: while the caller reads one answer, the
    // worker is already on the next.
    void top_up(Worker& w, std::size_t& next, std::size_t total) {
        while (w.pid > 0 && w.inflight.size() < 2 && (!retry_.empty() || next < total)) {
            const std::size_t index = retry_.empty() ? next : retry_.back();
            const std::uint64_t wire = index;
            // A worker that died meanwhile: EPIPE (SIGPIPE ignored); its EOF follows
            // on the result pipe, and its jobs are sent again.
            if (!write_all(w.tasks, std::string_view(reinterpret_cast<const char*>(&wire), sizeof wire))) {
                return;
            }
            if (retry_.empty()) {
                ++next;
            } else {
                retry_.pop_back();
            }
            w.inflight.push_back(index);
        }
    }

    bool take_record(Worker& w, std::size_t total) {
        if (w.buffer.size() < sizeof(RecordHeader)) {
            return false;
        }
        RecordHeader h;
        std::memcpy(&h, w.buffer.data(), sizeof h);
        if (w.buffer.size() < sizeof h + h.length) {
            return false;
        }
        PoolResult result;
        result.text = w.buffer.substr(sizeof h, h.length);
        w.buffer.erase(0, sizeof h + h.length);
        if (w.inflight.empty() || w.inflight.front() != h.index || h.index >= total) {
            throw std::runtime_error("worker pool: a worker answered a job it was not asked about");
        }
        w.inflight.pop_front();
        result.kind = h.status == 0 ? PoolResult::Kind::answer : PoolResult::Kind::error;
        callbacks_.done(h.index, std::move(result));
        return true;
    }

    const PoolCallbacks& callbacks_;
    std::vector<Worker> workers_;
    std::vector<std::size_t> retry_;  // jobs a dead worker had queued, not begun
};

}  // namespace

void run_pool(unsigned workers, std::size_t total, const PoolCallbacks& callbacks) {
    if (total == 0) {
        return;
    }
    WorkerPool pool(callbacks, std::max(1U, workers));
    pool.run(total);
}

}  // namespace preflight::isolate
