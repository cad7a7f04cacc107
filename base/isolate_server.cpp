// Named jobs and the fork server of the isolation module (base/isolate.hpp):
// run_job() in server, exec or fork mode, the helper, its managers, the exec'd
// child's main.
#include "base/isolate.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <optional>
#include <shared_mutex>
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
std::map<std::string, Job, std::less<>>& registry() {
    static std::map<std::string, Job, std::less<>> jobs;
    return jobs;
}

// The job named `name`, or nullptr. Nodes of a map stay where they are: the
// pointer stays valid (jobs are never removed).
const Job* find_job(std::string_view name) {
    const std::lock_guard lock(registry_mutex());
    const auto it = registry().find(name);
    return it == registry().end() ? nullptr : &it->second;
}

void prepare_all() {
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

// ---- The helper and its managers ---------------------------------------------------

// The manager: one request, in a process of its own. Runs fork mode (which forks
// the job's child, enforces the limits and reaps it) and writes the Outcome into
// out_fd.
[[noreturn]] void manager_main(int socket_fd, int out_fd, std::string_view request) {
    ::close(socket_fd);
    ::signal(SIGCHLD, SIG_DFL);  // the helper ignores it; wait4() needs it back
    int rc = 1;
    try {
        WireRequest h{};
        std::memcpy(&h, request.data(), sizeof h);
        request.remove_prefix(sizeof h);
        std::vector<std::string> strings(h.strings);
        bool whole = h.strings >= 2;
        for (auto& s : strings) {
            whole = whole && take_string(request, s);
        }
        Outcome out;
        if (!whole || !request.empty()) {
            out = not_started("isolate: a request the server cannot read");
        } else if (const Job* job = find_job(strings[1]); job == nullptr) {
            out = not_started(unknown_job(strings[1]) + " in the server");
        } else {
            if (::chdir(strings[0].c_str()) != 0) {
                // Relative arguments may not resolve: the job says so, as for a missing file.
            }
            Limits limits;
            limits.memory_bytes = h.memory_bytes;
            limits.cpu_seconds = h.cpu_seconds;
            limits.wall_milliseconds = h.wall_milliseconds;
            RunOptions options;
            options.extra_bytes = h.extra_bytes;
            options.max_answer_bytes = h.max_answer_bytes;
            const std::vector<std::string> args(strings.begin() + 2, strings.end());
            out = run_forked([&](int fd) { job->run(fd, args); }, limits, options);
        }
        rc = write_all(out_fd, encode_outcome(out)) ? 0 : 1;
    } catch (...) {
        rc = 1;  // no answer: the caller reports not_started
    }
    ::_exit(rc);
}

// The helper: single-threaded for its whole life. Keeps fds 0-2 and its socket,
// reads requests until EOF (the caller's end is closed: stop_server() or the
// caller is gone) and forks a manager for each.
[[noreturn]] void serve(int socket_fd) {
    if (socket_fd != 3 && ::dup3(socket_fd, 3, O_CLOEXEC) == 3) {
        socket_fd = 3;
    }
    if (socket_fd == 3) {
        ::close_range(4, ~0U, 0);  // the caller's other descriptors stay the caller's
    }
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP) {
            ::signal(sig, SIG_DFL);  // glibc's internal signals refuse: harmless
        }
    }
    // Children are reaped by the kernel. A terminal's ^C or a service manager's
    // SIGTERM is meant for the caller: the helper leaves when the caller does,
    // and requests in flight are answered meanwhile.
    for (const int sig : {SIGCHLD, SIGPIPE, SIGINT, SIGTERM, SIGHUP}) {
        ::signal(sig, SIG_IGN);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    prepare_all();  // inherited by every manager and child

    std::vector<char> buffer(max_request_bytes);
    for (;;) {
        FdMessage<8> packet(buffer.data(), buffer.size());
        msghdr& msg = packet.msg;
        const ssize_t n = ::recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            ::_exit(n == 0 ? 0 : 1);  // EOF: the caller is gone
        }
        std::vector<int> fds;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (std::size_t i = 0; i < count; ++i) {
                    int fd = -1;
                    std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                    fds.push_back(fd);
                }
            }
        }
        const auto size = static_cast<std::size_t>(n);
        if (fds.size() == 1 && size >= sizeof(WireRequest) && (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) == 0) {
            if (::fork() == 0) {
                manager_main(socket_fd, fds[0], std::string_view(buffer.data(), size));
            }
            // A failed fork: the caller's pipe reaches EOF below, it reports not_started.
        }
        for (const int fd : fds) {
            ::close(fd);
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
                                  const RunOptions& options) {
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
    std::string message(sizeof request, '\0');
    std::memcpy(message.data(), &request, sizeof request);
    put_string(message, cwd);
    put_string(message, job);
    for (const auto& a : args) {
        put_string(message, a);
    }
    if (message.size() > max_request_bytes) {
        return not_started("isolate: request too large for the server");
    }
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return not_started("pipe: " + error_text(errno));
    }
    Fd read_end(fds[0]);
    Fd write_end(fds[1]);

    const auto wall = std::chrono::milliseconds(std::max(1, limits.wall_milliseconds));
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
    write_end.reset();  // from now on only the manager holds it: EOF when it is done

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

Outcome run_job(std::string_view name, const std::vector<std::string>& args, const Limits& limits,
                const RunOptions& options) {
    const Job* job = find_job(name);
    if (job == nullptr) {
        return not_started(unknown_job(name));
    }
    if (std::optional<Outcome> answer = ask_server(name, args, limits, options)) {
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
        return run_spawned(argv, limits, options);
    }
    if (job->prepare) {
        job->prepare();  // inherited by the child: not paid per job
    }
    return run_forked([&](int fd) { job->run(fd, args); }, limits, options);
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
