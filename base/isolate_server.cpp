// Named jobs and the fork server of the isolation module (base/isolate.hpp):
// run_job() in server, exec or fork mode, the helper and its children, the exec'd
// child's main.
#include "base/isolate.hpp"
#include "base/isolate_batch.hpp"
#include "base/isolate_fork.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace preflight::isolate {
namespace {

std::string error_text(int error) { return std::system_category().message(error); }  // thread-safe, unlike strerror

Outcome not_started(std::string why) {
    Outcome out;
    out.ended = Ended::not_started;
    out.error = std::move(why);
    return out;
}

// ---- The registry ---------------------------------------------------------------

// Function-local statics: registrations run at static initialisation, in any order
// of the translation units.
std::mutex& registry_mutex() {
    static std::mutex m;
    return m;
}
// The job "isolate.batch" (base/isolate_batch.hpp), in the registry from its start:
// an exec'd child may look it up during static initialisation, before this file's
// registrations ran.
constexpr const char* batch_job = "isolate.batch";
void batch_child(int out_fd, const std::vector<std::string>& args);

std::map<std::string, Job, std::less<>>& registry() {
    static std::map<std::string, Job, std::less<>> jobs{{batch_job, Job{batch_child, {}, {}}}};
    return jobs;
}

// The job named `name`, or nullptr. Nodes of a map stay where they are: the
// pointer stays valid (jobs are never removed).
const Job* find_job(std::string_view name) {
    const std::lock_guard lock(registry_mutex());
    const auto it = registry().find(name);
    return it == registry().end() ? nullptr : &it->second;
}

// Every job's prepare, then (in the server's helper) every job's warm.
void prepare_all(bool warm) {
    std::vector<const Job*> jobs;
    {
        const std::lock_guard lock(registry_mutex());
        for (const auto& [name, job] : registry()) {
            jobs.push_back(&job);
        }
    }
    for (const Job* job : jobs) {
        if (job->prepare) {
            job->prepare();
        }
    }
    for (const Job* job : jobs) {
        if (warm && job->warm) {
            try {
                job->warm();
            } catch (...) {
                // a warm that fails leaves the children to do it themselves
            }
        }
    }
}

std::string unknown_job(std::string_view name) { return "isolate: no job named \"" + std::string(name) + "\""; }

// ---- The wire ---------------------------------------------------------------------

// A request: this header, then `strings` strings, each a std::uint32_t length and
// its bytes: the caller's working directory, the job's name, its arguments. The
// pipe's write end comes as SCM_RIGHTS.
struct WireRequest {
    std::uint64_t memory_bytes;
    std::uint64_t extra_bytes;
    std::uint64_t max_answer_bytes;
    std::int32_t cpu_seconds;
    std::int32_t wall_milliseconds;
    std::uint32_t strings;
    std::uint32_t items;  // a batch's items (its wall clock restarts after each), or 0
};
// The answer: this header, the error, then the answer.
struct WireOutcome {
    std::uint64_t answer_bytes;
    std::uint64_t error_bytes;
    double cpu_seconds;
    std::int32_t signal;
    std::int32_t exit_status;
    std::uint8_t ended;
    std::uint8_t allocation_failed;
};

constexpr std::size_t max_request_bytes = 65536;

void put_string(std::string& out, std::string_view s) {
    const auto length = static_cast<std::uint32_t>(s.size());
    out.append(reinterpret_cast<const char*>(&length), sizeof length);
    out.append(s);
}

bool take_string(std::string_view& in, std::string& s) {
    std::uint32_t length = 0;
    if (in.size() < sizeof length) {
        return false;
    }
    std::memcpy(&length, in.data(), sizeof length);
    in.remove_prefix(sizeof length);
    if (in.size() < length) {
        return false;
    }
    s.assign(in.substr(0, length));
    in.remove_prefix(length);
    return true;
}

std::string encode_outcome(const Outcome& out) {
    WireOutcome h{};
    h.answer_bytes = out.answer.size();
    h.error_bytes = out.error.size();
    h.cpu_seconds = out.cpu_seconds;
    h.signal = out.signal;
    h.exit_status = out.exit_status;
    h.ended = static_cast<std::uint8_t>(out.ended);
    h.allocation_failed = out.allocation_failed ? 1 : 0;
    std::string wire(sizeof h, '\0');
    std::memcpy(wire.data(), &h, sizeof h);
    wire += out.error;
    wire += out.answer;
    return wire;
}

std::optional<Outcome> decode_outcome(std::string_view wire) {
    WireOutcome h{};
    if (wire.size() < sizeof h) {
        return std::nullopt;
    }
    std::memcpy(&h, wire.data(), sizeof h);
    wire.remove_prefix(sizeof h);
    if (h.ended > static_cast<std::uint8_t>(Ended::not_started) || wire.size() != h.error_bytes + h.answer_bytes) {
        return std::nullopt;
    }
    Outcome out;
    out.error.assign(wire.substr(0, h.error_bytes));
    out.answer.assign(wire.substr(h.error_bytes));
    out.cpu_seconds = h.cpu_seconds;
    out.signal = h.signal;
    out.exit_status = h.exit_status;
    out.ended = static_cast<Ended>(h.ended);
    out.allocation_failed = h.allocation_failed != 0;
    return out;
}

// One datagram of `size` bytes at `data` with room for `Fds` descriptors
// (SCM_RIGHTS), for sendmsg() and recvmsg(). Not copyable: msg points into it.
template <std::size_t Fds>
struct FdMessage {
    FdMessage(void* data, std::size_t size) : iov{data, size} {
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.bytes;
        msg.msg_controllen = sizeof control.bytes;
    }
    FdMessage(const FdMessage&) = delete;
    FdMessage& operator=(const FdMessage&) = delete;
    FdMessage(FdMessage&&) = delete;
    FdMessage& operator=(FdMessage&&) = delete;
    ~FdMessage() = default;

    iovec iov;
    msghdr msg{};
    struct {
        alignas(cmsghdr) char bytes[CMSG_SPACE(sizeof(int) * Fds)];
    } control{};
};

// ---- The helper ---------------------------------------------------------------------

// One request's child, watched by the helper: its answer, its wall clock, its end.
struct Running {
    detail::ForkedChild child;
    int out_fd = -1;  // the caller's pipe: the Outcome goes there
    int pidfd = -1;   // readable when the child has ended (-1: polled every 10 ms)
    Limits limits;
    std::size_t max_bytes = 0;
    std::chrono::milliseconds renew{0};  // a batch's clock restarts after each item
    std::chrono::steady_clock::time_point deadline;
    std::string answer;
    bool reading = true;  // its answer pipe is open
    bool timed_out = false;
    bool too_large = false;
};

void answer_caller(int out_fd, const Outcome& out) {
    write_all(out_fd, encode_outcome(out));  // a caller that gave up: EPIPE (ignored)
    ::close(out_fd);
}

// Starts the request's child, or answers not_started at once (and closes out_fd).
std::unique_ptr<Running> start_request(int out_fd, std::string_view request) {
    WireRequest h{};
    std::memcpy(&h, request.data(), sizeof h);
    request.remove_prefix(sizeof h);
    std::vector<std::string> strings(h.strings);
    bool whole = h.strings >= 2;
    for (auto& s : strings) {
        whole = whole && take_string(request, s);
    }
    if (!whole || !request.empty()) {
        answer_caller(out_fd, not_started("isolate: a request the server cannot read"));
        return nullptr;
    }
    const Job* job = find_job(strings[1]);
    if (job == nullptr) {
        answer_caller(out_fd, not_started(unknown_job(strings[1]) + " in the server"));
        return nullptr;
    }
    auto r = std::make_unique<Running>();
    r->out_fd = out_fd;
    r->limits.memory_bytes = h.memory_bytes;
    r->limits.cpu_seconds = h.cpu_seconds;
    r->limits.wall_milliseconds = h.wall_milliseconds;
    RunOptions options;
    options.extra_bytes = h.extra_bytes;
    options.max_answer_bytes = h.max_answer_bytes;
    r->max_bytes = options.max_answer_bytes;
    const auto wall = std::chrono::milliseconds(std::max(1, r->limits.wall_milliseconds));
    r->renew = h.items > 0 ? wall : std::chrono::milliseconds(0);
    r->deadline = std::chrono::steady_clock::now() + wall;
    const std::string& cwd = strings[0];
    const std::vector<std::string> args(strings.begin() + 2, strings.end());
    r->child = detail::start_forked(
        [&](int fd) {
            if (::chdir(cwd.c_str()) != 0) {
                // Relative arguments may not resolve: the job says so, as for a missing file.
            }
            job->run(fd, args);
        },
        r->limits, options);
    if (r->child.pid < 0) {
        answer_caller(out_fd, not_started(r->child.error));
        return nullptr;
    }
    r->pidfd = static_cast<int>(::syscall(SYS_pidfd_open, r->child.pid, 0));
    return r;
}

// Reads what the child has written so far, without blocking.
void drain(Running& r) {
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(r.child.read_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        }
        if (n > 0 && r.answer.size() + static_cast<std::size_t>(n) > r.max_bytes) {
            r.too_large = true;
            ::kill(r.child.pid, SIGKILL);  // not reaped yet: the pid is still this child's
        } else if (n > 0) {
            const std::size_t before = r.answer.size();
            r.answer.append(buf, static_cast<std::size_t>(n));
            if (r.renew.count() > 0) {
                const std::size_t from = before >= item_end.size() ? before - item_end.size() + 1 : 0;
                if (r.answer.find(item_end, from) != std::string::npos) {
                    r.deadline = std::chrono::steady_clock::now() + r.renew;
                }
            }
            continue;
        }
        // EOF, an error, or too large: no more reading.
        ::close(r.child.read_fd);
        r.child.read_fd = -1;
        r.reading = false;
        return;
    }
}

// The child has ended and its pipe is closed: reap it and answer. false: not yet.
bool finish(Running& r) {
    int status = 0;
    rusage usage{};
    pid_t w = 0;
    do {
        w = ::wait4(r.child.pid, &status, WNOHANG, &usage);
    } while (w < 0 && errno == EINTR);
    if (w == 0) {
        return false;
    }
    const double cpu = w < 0 ? 0
                             : static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                                   static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    if (w < 0) {
        status = 1 << 8;  // could not be reaped: never a clean exit (exit status 1), so nothing passes on it
    }
    answer_caller(r.out_fd,
                  detail::outcome_of(r.child, std::move(r.answer), r.timed_out, r.too_large, status, cpu, r.limits));
    if (r.pidfd >= 0) {
        ::close(r.pidfd);
    }
    return true;
}

// The caller is gone: its children are killed and reaped, and the helper leaves.
[[noreturn]] void leave(std::vector<std::unique_ptr<Running>>& running, int rc) {
    for (auto& r : running) {
        ::kill(r->child.pid, SIGKILL);
        int status = 0;
        while (::waitpid(r->child.pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    ::_exit(rc);
}

// The helper: single-threaded for its whole life. Keeps fds 0-2 and its socket,
// reads requests until EOF (the caller's end is closed: stop_server() or the
// caller is gone), forks each request's child itself and watches them all at once
// (poll: their pipes, their pidfds, the nearest wall clock): no manager process
// per request, so one fork per request instead of two.
[[noreturn]] void serve(int socket_fd) {
    if (socket_fd != 3 && ::dup3(socket_fd, 3, O_CLOEXEC) == 3) {
        socket_fd = 3;
    }
    if (socket_fd == 3) {
        detail::close_descriptors_from(4);  // the caller's other descriptors stay the caller's
    }
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP) {
            ::signal(sig, SIG_DFL);  // glibc's internal signals refuse: harmless (SIGCHLD: reaped by wait4)
        }
    }
    // A terminal's ^C or a service manager's SIGTERM is meant for the caller: the
    // helper leaves when the caller does, and requests in flight are answered meanwhile.
    for (const int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) {
        ::signal(sig, SIG_IGN);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    prepare_all(/*warm=*/true);  // inherited by every child

    std::vector<char> buffer(max_request_bytes);
    std::vector<std::unique_ptr<Running>> running;
    std::vector<pollfd> fds;
    for (;;) {
        fds.clear();
        fds.push_back({socket_fd, POLLIN, 0});
        auto now = std::chrono::steady_clock::now();
        int timeout = -1;
        for (const auto& r : running) {
            fds.push_back({r->reading ? r->child.read_fd : -1, POLLIN, 0});
            fds.push_back({r->pidfd, POLLIN, 0});
            int wait_ms = r->pidfd < 0 ? 10 : -1;
            if (!r->timed_out) {
                const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(r->deadline - now).count() + 1;
                wait_ms = wait_ms < 0 ? static_cast<int>(std::clamp<long long>(left, 0, 1 << 30))
                                      : std::min(wait_ms, static_cast<int>(std::clamp<long long>(left, 0, 1 << 30)));
            }
            if (wait_ms >= 0) {
                timeout = timeout < 0 ? wait_ms : std::min(timeout, wait_ms);
            }
        }
        if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) {
            leave(running, 1);
        }
        now = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < running.size(); ++i) {
            Running& r = *running[i];
            if (r.reading && fds[1 + (2 * i)].revents != 0) {
                drain(r);
            }
            if (!r.timed_out && now >= r.deadline) {
                if (r.reading) {
                    drain(r);  // what it wrote in time counts
                }
                r.timed_out = true;
                ::kill(r.child.pid, SIGKILL);  // not reaped yet: the pid is still this child's
                if (r.reading) {
                    ::close(r.child.read_fd);
                    r.child.read_fd = -1;
                    r.reading = false;
                }
            }
        }
        // Reap and answer those whose pipe is closed and that have ended.
        std::erase_if(running, [](const std::unique_ptr<Running>& r) { return !r->reading && finish(*r); });

        if (fds[0].revents == 0) {
            continue;
        }
        FdMessage<8> packet(buffer.data(), buffer.size());
        msghdr& msg = packet.msg;
        const ssize_t n = ::recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
            continue;
        }
        if (n <= 0) {
            leave(running, n == 0 ? 0 : 1);  // EOF: the caller is gone
        }
        std::vector<int> passed;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (std::size_t i = 0; i < count; ++i) {
                    int fd = -1;
                    std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                    passed.push_back(fd);
                }
            }
        }
        const auto size = static_cast<std::size_t>(n);
        if (passed.size() == 1 && size >= sizeof(WireRequest) && (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) == 0) {
            try {
                if (auto r = start_request(passed[0], std::string_view(buffer.data(), size))) {
                    running.push_back(std::move(r));
                }
            } catch (...) {
                ::close(passed[0]);  // no answer: the caller reports not_started
            }
        } else {
            for (const int fd : passed) {
                ::close(fd);  // not a request: its pipe reaches EOF, the caller reports not_started
            }
        }
    }
}

// ---- The caller's side --------------------------------------------------------------

std::shared_mutex server_mutex;  // shared: a request being sent; unique: start, stop, keep
int server_socket = -1;          // this process's end; -1: no server
pid_t server_process = -1;
bool server_wanted = false;  // started and not stopped: keep_server() keeps one running

// Wait for the server's answer this much longer than the request's wall limit.
constexpr std::chrono::milliseconds server_margin{2000};

// A request that the helper does not take within 2 s fails instead of blocking
// its thread: the helper is stopped or wedged.
void set_send_timeout(int fd) {
    const timeval send_timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
}

// Sends the request to the helper and waits for its answer; nullopt when no
// server is running (or it was found gone and a program is set: exec mode).
std::optional<Outcome> ask_server(std::string_view job, const std::vector<std::string>& args, const Limits& limits,
                                  const RunOptions& options, std::size_t items) {
    {
        const std::shared_lock lock(server_mutex);
        if (server_socket < 0) {
            return std::nullopt;
        }
    }
    std::error_code cwd_error;
    const std::string cwd = std::filesystem::current_path(cwd_error).string();
    WireRequest request{};
    request.memory_bytes = limits.memory_bytes;
    request.extra_bytes = options.extra_bytes;
    request.max_answer_bytes = options.max_answer_bytes;
    request.cpu_seconds = limits.cpu_seconds;
    request.wall_milliseconds = limits.wall_milliseconds;
    request.strings = static_cast<std::uint32_t>(args.size() + 2);
    request.items = static_cast<std::uint32_t>(items);
    std::string message(sizeof request, '\0');
    std::memcpy(message.data(), &request, sizeof request);
    put_string(message, cwd);
    put_string(message, job);
    for (const auto& a : args) {
        put_string(message, a);
    }
    if (message.size() > max_request_bytes) {
        return std::nullopt;  // too large for the server: exec mode (or fork mode) reads it instead
    }
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return not_started("pipe: " + error_text(errno));
    }
    Fd read_end(fds[0]);
    Fd write_end(fds[1]);

    // A batch's clock restarts after each item in the helper: wait for all of them.
    const auto wall = std::chrono::milliseconds(std::max(1, limits.wall_milliseconds)) *
                      static_cast<std::int64_t>(std::max<std::size_t>(1, items));
    const auto deadline = std::chrono::steady_clock::now() + wall + server_margin;
    bool restart_wanted = false;
    {
        FdMessage<1> packet(message.data(), message.size());
        msghdr& msg = packet.msg;
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        const int fd = write_end.get();
        std::memcpy(CMSG_DATA(c), &fd, sizeof fd);

        const std::shared_lock lock(server_mutex);
        if (server_socket < 0) {
            return std::nullopt;  // stopped meanwhile
        }
        ssize_t sent = 0;
        do {
            sent = ::sendmsg(server_socket, &msg, MSG_NOSIGNAL);
        } while (sent < 0 && errno == EINTR);
        if (sent < 0) {
            // The helper is gone (killed, or out of memory): with a program to
            // exec, this call goes to exec mode rather than failing every job
            // from now on, and the helper is reaped and started again below.
            if ((errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN) && !program().empty()) {
                restart_wanted = true;
            } else {
                return not_started("isolate server: " + error_text(errno));
            }
        }
    }
    if (restart_wanted) {
        keep_server();
        return std::nullopt;
    }
    detail::count_child();
    write_end.reset();  // from now on only the helper holds it: EOF when it is done

    const ReadResult read =
        read_until_eof(read_end.get(), deadline, sizeof(WireOutcome) + max_request_bytes + options.max_answer_bytes);
    if (read.timed_out) {
        Outcome out;
        out.ended = Ended::time_limit;
        return out;
    }
    if (read.error != 0) {
        return not_started("read: " + error_text(read.error));
    }
    if (!read.too_large) {
        if (std::optional<Outcome> out = decode_outcome(read.data)) {
            return out;
        }
    }
    return not_started("no answer from the isolation server");
}

// posix_spawn of `program __isolate-server` with `socket_fd` as its fd 3.
pid_t spawn_server(const std::filesystem::path& program, int socket_fd) {
    int error = 0;
    return spawn_with_fd3({program.string(), server_command}, socket_fd, error);
}

bool parse_number(const char* text, auto& value) {
    const std::string_view s(text);
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

}  // namespace

bool register_job(std::string name, Job job) {
    const std::lock_guard lock(registry_mutex());
    return registry().emplace(std::move(name), std::move(job)).second;
}

namespace {

// run_job() of `items` items (0: one plain job): the batch's clock restarts after
// each item in fork and server mode; exec mode (the fallback) gives the whole batch
// items × the wall clock.
Outcome run_job_items(std::string_view name, const std::vector<std::string>& args, const Limits& limits,
                      const RunOptions& options, std::size_t items) {
    const Job* job = find_job(name);
    if (job == nullptr) {
        return not_started(unknown_job(name));
    }
    if (std::optional<Outcome> answer = ask_server(name, args, limits, options, items)) {
        return std::move(*answer);
    }
    if (const std::filesystem::path exe = program(); !exe.empty()) {
        std::vector<std::string> argv{exe.string(),
                                      child_command,
                                      std::string(name),
                                      std::to_string(limits.memory_bytes),
                                      std::to_string(limits.cpu_seconds),
                                      std::to_string(options.extra_bytes)};
        argv.insert(argv.end(), args.begin(), args.end());
        Limits whole = limits;
        whole.wall_milliseconds =
            static_cast<int>(std::min<std::int64_t>(std::int64_t{std::max(1, limits.wall_milliseconds)} *
                                                        static_cast<std::int64_t>(std::max<std::size_t>(1, items)),
                                                    std::int64_t{1} << 30));
        return run_spawned(argv, whole, options);
    }
    if (job->prepare) {
        job->prepare();  // inherited by the child: not paid per job
    }
    return detail::run_forked_items([&](int fd) { job->run(fd, args); }, limits, options, items);
}

// ---- Batches (base/isolate_batch.hpp) -----------------------------------------------

// The job "isolate.batch": ARGS are MEMORY_BYTES CPU_SECONDS (per item), then per
// item: JOB EXTRA_BYTES ARGC ARGS... Runs each item under its own limits and marks
// its end.
std::size_t items_left = 0;  // items_after_this(): a batch child is single-threaded

template <typename Number>
Number number_arg(const std::string& text) {
    Number value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        throw std::invalid_argument("isolate.batch: not a number: " + text);
    }
    return value;
}

void batch_child(int out_fd, const std::vector<std::string>& args) {
    if (args.size() < 2) {
        throw std::invalid_argument("isolate.batch: expects MEMORY_BYTES CPU_SECONDS [JOB EXTRA ARGC ARGS...]...");
    }
    Limits item_limits;
    item_limits.memory_bytes = number_arg<std::uint64_t>(args[0]);
    item_limits.cpu_seconds = number_arg<int>(args[1]);
    // The items' count first: items_after_this() for each.
    std::vector<std::size_t> starts;
    for (std::size_t at = 2; at < args.size();) {
        if (args.size() - at < 3) {
            throw std::invalid_argument("isolate.batch: an item is cut short");
        }
        starts.push_back(at);
        const auto argc = number_arg<std::size_t>(args[at + 2]);
        if (args.size() - at - 3 < argc) {
            throw std::invalid_argument("isolate.batch: an item's arguments are cut short");
        }
        at += 3 + argc;
    }
    for (std::size_t k = 0; k < starts.size(); ++k) {
        std::size_t at = starts[k];
        const Job* job = find_job(args[at]);
        const auto extra = number_arg<std::uint64_t>(args[at + 1]);
        const auto argc = number_arg<std::size_t>(args[at + 2]);
        at += 3;
        if (job == nullptr) {
            throw std::invalid_argument("isolate.batch: an unknown job");
        }
        const std::vector<std::string> item_args(args.begin() + static_cast<std::ptrdiff_t>(at),
                                                 args.begin() + static_cast<std::ptrdiff_t>(at + argc));
        items_left = starts.size() - k - 1;
        if (job->prepare) {
            job->prepare();  // done already unless exec'd: then once, before its limits
        }
        detail::limit_item(item_limits, extra);
        clear_allocation_failed();
        job->run(out_fd, item_args);
        if (!write_all(out_fd, item_end)) {
            ::_exit(3);  // the reader is gone
        }
    }
}

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }
std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t n) {
    return n != 0 && a > UINT64_MAX / n ? UINT64_MAX : a * n;
}

}  // namespace

std::size_t items_after_this() { return items_left; }

Outcome run_job(std::string_view name, const std::vector<std::string>& args, const Limits& limits,
                const RunOptions& options) {
    return run_job_items(name, args, limits, options, 0);
}

std::vector<Outcome> run_batch(const std::vector<BatchItem>& items, const Limits& limits, const RunOptions& options) {
    std::vector<Outcome> outcomes(items.size());
    std::vector<std::size_t> runnable;  // the items whose job exists, in order
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (find_job(items[i].job) == nullptr) {
            outcomes[i] = not_started(unknown_job(items[i].job));
        } else {
            runnable.push_back(i);
        }
    }
    std::size_t next = 0;  // into runnable: the first item not answered yet
    while (next < runnable.size()) {
        const std::size_t count = runnable.size() - next;
        std::vector<std::string> args{std::to_string(limits.memory_bytes), std::to_string(limits.cpu_seconds)};
        std::uint64_t extra = 0;
        for (std::size_t k = next; k < runnable.size(); ++k) {
            const BatchItem& item = items[runnable[k]];
            args.push_back(item.job);
            args.push_back(std::to_string(item.extra_bytes));
            args.push_back(std::to_string(item.args.size()));
            args.insert(args.end(), item.args.begin(), item.args.end());
            extra = saturating_add(extra, item.extra_bytes);
        }
        // The child's own limits: what all of its items together may reach (each
        // item is then held to its own share: detail::limit_item()).
        Limits whole = limits;
        whole.memory_bytes =
            limits.memory_bytes > (UINT64_MAX >> 2) ? limits.memory_bytes : saturating_mul(limits.memory_bytes, count);
        whole.cpu_seconds = static_cast<int>(std::min<std::int64_t>(
            (std::int64_t{std::max(1, limits.cpu_seconds)} + 1) * static_cast<std::int64_t>(count), 1 << 30));
        RunOptions run_options = options;
        run_options.extra_bytes = extra;
        run_options.max_answer_bytes = static_cast<std::size_t>(
            saturating_add(saturating_mul(options.max_answer_bytes, count), item_end.size() * count));
        Outcome whole_out = run_job_items(batch_job, args, whole, run_options, count);

        std::string_view rest = whole_out.answer;
        while (next < runnable.size()) {
            const std::size_t end = rest.find(item_end);
            if (end == std::string_view::npos) {
                break;
            }
            Outcome& out = outcomes[runnable[next]];
            out.ended = end > options.max_answer_bytes ? Ended::too_large : Ended::exited;
            out.answer.assign(rest.substr(0, end));
            rest.remove_prefix(end + item_end.size());
            ++next;
        }
        if (next == runnable.size()) {
            break;  // every item answered (whatever the child did after the last mark)
        }
        // The child ended on this item: its ending and what it wrote are the item's.
        Outcome& out = outcomes[runnable[next]];
        const bool started = whole_out.ended != Ended::not_started;
        std::string tail = whole_out.ended == Ended::too_large ? std::string() : std::string(rest);
        out = std::move(whole_out);
        out.answer = std::move(tail);
        ++next;
        if (!started) {
            for (; next < runnable.size(); ++next) {
                outcomes[runnable[next]] = not_started(out.error);
            }
        }
    }
    return outcomes;
}

bool start_server() {
    const std::unique_lock lock(server_mutex);
    if (server_socket >= 0) {
        return false;
    }
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        return false;
    }
    set_send_timeout(sv[0]);
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(sv[0]);
        ::close(sv[1]);
        return false;
    }
    if (pid == 0) {
        ::close(sv[0]);
        serve(sv[1]);
    }
    ::close(sv[1]);
    server_socket = sv[0];
    server_process = pid;
    server_wanted = true;
    return true;
}

bool keep_server() {
    const std::unique_lock lock(server_mutex);
    if (!server_wanted) {
        return false;  // never started, or stopped
    }
    if (server_process > 0) {
        int status = 0;
        pid_t r = 0;
        do {
            r = ::waitpid(server_process, &status, WNOHANG);
        } while (r < 0 && errno == EINTR);
        if (r == 0) {
            return false;  // alive
        }
        // Dead and now reaped (or not ours to reap any more): no zombie stays behind.
        ::close(server_socket);
        server_socket = -1;
        server_process = -1;
    }
    // No helper (it died, or starting one failed last time, e.g. out of descriptors):
    // start one; the next call tries again if this fails.
    const std::filesystem::path exe = program();
    if (exe.empty()) {
        return false;  // fork mode only: no safe way to start one from threads
    }
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        return false;
    }
    set_send_timeout(sv[0]);
    const pid_t pid = spawn_server(exe, sv[1]);
    ::close(sv[1]);
    if (pid < 0) {
        ::close(sv[0]);
        return false;
    }
    server_socket = sv[0];
    server_process = pid;
    return true;
}

void stop_server() {
    pid_t pid = -1;
    {
        const std::unique_lock lock(server_mutex);
        server_wanted = false;
        if (server_socket < 0) {
            return;
        }
        ::close(server_socket);  // the helper reads EOF and exits
        server_socket = -1;
        pid = server_process;
        server_process = -1;
    }
    // Reap it; one that has not left after 2 s (stopped, wedged) is killed.
    int status = 0;
    for (int waited_ms = 0;; ++waited_ms) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR)) {
            return;  // reaped, or not ours to reap any more (ECHILD)
        }
        if (waited_ms == 2000) {
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            return;
        }
        ::usleep(1000);
    }
}

int server_pid() {
    const std::shared_lock lock(server_mutex);
    return server_process;
}

int server_main(int argc, char** argv) {
    if (argc != 2 || std::strcmp(argv[1], server_command) != 0 || ::fcntl(3, F_GETFD) < 0) {
        std::fprintf(stderr, "preflight %s: expects its socket as fd 3 and no arguments\n", server_command);
        return 2;
    }
    serve(3);
}

int child_main(int argc, char** argv) {
    Limits limits;
    std::uint64_t extra_bytes = 0;
    if (argc < 6 || std::strcmp(argv[1], child_command) != 0 || !parse_number(argv[3], limits.memory_bytes) ||
        !parse_number(argv[4], limits.cpu_seconds) || !parse_number(argv[5], extra_bytes)) {
        std::fprintf(stderr, "preflight %s: expects JOB MEMORY_BYTES CPU_SECONDS EXTRA_BYTES [ARGS...]\n",
                     child_command);
        return 2;
    }
    const Job* job = find_job(argv[2]);
    if (job == nullptr) {
        std::fprintf(stderr, "preflight %s: %s\n", child_command, unknown_job(argv[2]).c_str());
        return 2;
    }
    const std::vector<std::string> args(argv + 6, argv + argc);
    if (job->prepare) {
        job->prepare();  // before the limits, as a forked child inherits it from its parent
    }
    if (!child_begin(limits, extra_bytes)) {
        std::fprintf(stderr, "preflight %s: fd 3 (the answer pipe) is not open\n", child_command);
        return 2;
    }
    int rc = 0;
    try {
        job->run(3, args);
    } catch (const std::bad_alloc&) {
        rc = 4;  // the allocation flag is this process's own: the job's answer says so
    } catch (...) {
        rc = 3;
    }
    ::close(3);
    ::_exit(rc);
}

}  // namespace preflight::isolate
