// `preflight serve` as a process: it comes up on the port it reports, answers, and
// on SIGTERM finishes the request in flight, refuses new connections, removes its
// temporary directory and exits 0.
#include "tests/fake_integrasjonspunkt.hpp"
#include "tests/gate_harness.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace preflight::server {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using preflight::testing::kWaitBound;
using preflight::testing::wait_until;
using testing_gate::connect_to;

struct Process {
    pid_t pid = -1;
    int err = -1;  // its stderr
};

Process spawn_serve(const std::vector<std::string>& args) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return {};
    }
    // Everything is allocated before the fork: the child of this multi-threaded
    // process (the fake integrasjonspunkt's threads) may only dup2 and exec, or it can
    // hang on an allocator lock another thread held at the fork (seen under ASan).
    std::vector<std::string> copy = args;
    std::string binary = PREFLIGHT_BINARY;
    std::vector<char*> argv;
    argv.push_back(binary.data());
    for (auto& a : copy) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(fds[1], 2);
        ::execv(binary.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    return {pid, fds[0]};
}

// Reads stderr until `needle` shows up or `limit` passes; returns all read.
std::string read_until(int fd, const std::string& needle, std::chrono::milliseconds limit) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    char buf[4096];
    while (out.find(needle) == std::string::npos) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
            break;
        }
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) {
            break;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

std::string get(int port, const std::string& target) {
    const int fd = connect_to(port);
    if (fd < 0) {
        return "";
    }
    const std::string req = "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    std::string out;
    char buf[4096];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(kWaitBound.count())) <= 0) {
            break;
        }
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            break;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

TEST(ServeCli, SigtermFinishesInFlightRequestsAndExitsCleanly) {
    testing::FakeIntegrasjonspunkt ip;
    const fs::path dir = fs::temp_directory_path() / ("serve-cli-" + std::to_string(::getpid()));
    fs::create_directories(dir / "tmp");
    {
        std::ofstream ini(dir / "preflight.ini");
        ini << "[serve]\ntemp-dir = tmp\n[registry]\nbuiltin = true\n";
    }
    const Process p = spawn_serve({"serve", "--listen", "127.0.0.1:0", "--upstream", ip.base_url(), "--config",
                                   (dir / "preflight.ini").string()});
    ASSERT_GT(p.pid, 0);
    std::string banner = read_until(p.err, "listening on port ", kWaitBound);
    const auto at = banner.find("listening on port ");
    ASSERT_NE(at, std::string::npos) << banner;
    const int port = std::stoi(banner.substr(at + 18));
    EXPECT_NE(get(port, "/healthz").find("200 OK"), std::string::npos);
    // Then where a person opens the web page, in the gate's language.
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
    banner += read_until(p.err, url, kWaitBound);
    EXPECT_NE(banner.find("preflight serve: nettsiden for arkivansvarlige: " + url + "\n"), std::string::npos)
        << banner;
    // Its private directory exists while it runs.
    std::size_t dirs = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "tmp")) {
        ++dirs;
    }
    EXPECT_EQ(dirs, 1U);

    ip.hold();  // the request stays in flight until the gate has its SIGTERM
    std::string in_flight;
    std::thread client([&] { in_flight = get(port, "/api/statuses"); });
    EXPECT_TRUE(wait_until("the upstream holds the request", [&] { return ip.held() == 1; }));
    EXPECT_EQ(::kill(p.pid, SIGTERM), 0);
    std::string log = read_until(p.err, "finishing requests in flight", kWaitBound);
    ip.release();
    log += read_until(p.err, "stopped", kWaitBound);
    client.join();
    EXPECT_NE(in_flight.find("200 OK"), std::string::npos) << in_flight;
    EXPECT_NE(log.find("SIGTERM"), std::string::npos) << log;
    int status = 0;
    ASSERT_EQ(::waitpid(p.pid, &status, 0), p.pid);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_LT(connect_to(port), 0);
    EXPECT_TRUE(fs::is_empty(dir / "tmp")) << "the gate's temporary directory is removed";
    ::close(p.err);
    fs::remove_all(dir);
}

// The process's children (from /proc): the sandbox helper among them.
std::vector<int> children_of(pid_t pid) {
    std::vector<int> out;
    for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
        std::ifstream in(task.path() / "children");
        int child = 0;
        while (in >> child) {
            out.push_back(child);
        }
    }
    return out;
}

// Kills and reaps a gate a test started, on every way out of the test: a gate left
// running would hold ctest's output pipe open until its timeout.
struct Reaper {
    std::vector<pid_t> pids;
    Reaper() = default;
    Reaper(const Reaper&) = delete;
    Reaper& operator=(const Reaper&) = delete;
    Reaper(Reaper&&) = delete;
    Reaper& operator=(Reaper&&) = delete;
    ~Reaper() {
        for (const pid_t pid : pids) {
            if (::kill(pid, SIGKILL) == 0) {
                ::waitpid(pid, nullptr, 0);
            }
        }
    }
};

int port_of(const std::string& banner) {
    const auto at = banner.find("listening on port ");
    return at == std::string::npos ? -1 : std::stoi(banner.substr(at + 18));
}

// kill -9 in the middle of a letter (created, its document uploaded, not sent): the
// gate started again on the same state directory sends it. Then its sandbox helper
// is killed: the gate reaps it, starts another, and goes on analysing PDFs. The
// lines marked "kill9 |" are the transcript (ctest -R ServeCli -V).
TEST(ServeCli, KilledMidLetterTheLetterCompletesAfterARestart) {
    using testing_gate::exchange;
    testing::FakeIntegrasjonspunkt ip;
    const fs::path dir = fs::temp_directory_path() / ("serve-kill-" + std::to_string(::getpid()));
    fs::create_directories(dir / "tmp");
    {
        std::ofstream ini(dir / "preflight.ini");
        ini << "[serve]\ntemp-dir = tmp\nstate-dir = state\naccess-log = false\n[registry]\nbuiltin = true\n";
    }
    fs::create_directories(dir / "state");
    const std::vector<std::string> args = {
        "serve", "--listen", "127.0.0.1:0", "--upstream", ip.base_url(), "--config", (dir / "preflight.ini").string()};
    const auto say = [](const std::string& line) { std::printf("kill9 | %s\n", line.c_str()); };

    Reaper reaper;
    const Process first = spawn_serve(args);
    reaper.pids.push_back(first.pid);
    const std::string banner = read_until(first.err, "message state in", kWaitBound);
    const int port = port_of(banner);
    ASSERT_GT(port, 0) << banner;
    EXPECT_NE(banner.find((dir / "state" / "state.sqlite").string()), std::string::npos) << banner;
    const auto seq = testing_gate::sequences().front();
    const std::string id = testing_gate::message_id_of(seq.sbd);
    const auto created = exchange(port, "POST", "/api/messages/out", seq.sbd, {"Content-Type: application/json"});
    ASSERT_EQ(created.status, 200) << created.body;
    say("POST /api/messages/out -> " + std::to_string(created.status));
    const auto uploaded =
        exchange(port, "PUT", "/api/messages/out/" + id,
                 testing_gate::slurp(testing_gate::source("fixtures/example/vedtak.pdf")),
                 {"Content-Type: application/pdf",
                  "Content-Disposition: attachment; name=\"Vedtak om studieplass\"; filename=\"vedtak.pdf\""});
    ASSERT_EQ(uploaded.status, 200) << uploaded.body;
    say("PUT /api/messages/out/" + id + " vedtak.pdf -> " + std::to_string(uploaded.status));
    ASSERT_EQ(::kill(first.pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(first.pid, &status, 0), first.pid);
    ASSERT_TRUE(WIFSIGNALED(status));
    say("kill -9 " + std::to_string(first.pid) + ": " + ::strsignal(WTERMSIG(status)));
    ::close(first.err);
    EXPECT_TRUE(ip.sent_ids().empty());

    const Process second = spawn_serve(args);
    reaper.pids.push_back(second.pid);
    const int port2 = port_of(read_until(second.err, "message state in", kWaitBound));
    ASSERT_GT(port2, 0);
    say("restarted as " + std::to_string(second.pid) + " on the same state directory");
    const auto sent = exchange(port2, "POST", "/api/messages/out/" + id);
    EXPECT_EQ(sent.status, 200) << sent.body;
    say("POST /api/messages/out/" + id + " -> " + std::to_string(sent.status));
    EXPECT_EQ(ip.sent_ids(), std::vector<std::string>{id});
    const auto files = ip.files(id);
    ASSERT_EQ(files.size(), 1U);
    say("the integrasjonspunkt sent " + id + " with " + files.front().filename);

    // Killed while the integrasjonspunkt has a send but has not answered: the send was
    // written down as of unknown outcome before it went, so after a restart a resend is
    // settled against the upstream's statuses (sent: refused), never sent twice.
    {
        nlohmann::json other = nlohmann::json::parse(seq.sbd);
        const std::string id2 = "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b";
        other["standardBusinessDocumentHeader"]["documentIdentification"]["instanceIdentifier"] = id2;
        ASSERT_EQ(exchange(port2, "POST", "/api/messages/out", other.dump(), {"Content-Type: application/json"}).status,
                  200);
        ASSERT_EQ(exchange(port2, "PUT", "/api/messages/out/" + id2,
                           testing_gate::slurp(testing_gate::source("fixtures/example/vedtak.pdf")),
                           {"Content-Type: application/pdf",
                            "Content-Disposition: attachment; name=\"Vedtak om "
                            "studieplass\"; filename=\"vedtak.pdf\""})
                      .status,
                  200);
        // The send is acted on upstream, its answer held until the gate is killed (the
        // requests the gate makes before it are answered).
        ip.hold([id2](const testing::FakeRequest& r) {
            return r.method == "POST" && r.path == "/api/messages/out/" + id2;
        });
        std::jthread sender([&] { exchange(port2, "POST", "/api/messages/out/" + id2); });
        const testing::ReleaseOnExit release{ip};  // before the sender is joined, on every way out
        // After the send's checks (slow under ASan): the upstream has it and holds its answer.
        ASSERT_TRUE(wait_until("the upstream holds the send", [&] { return ip.held() == 1; }));
        ASSERT_EQ(ip.sent_ids().size(), 2U);
        ASSERT_EQ(::kill(second.pid, SIGKILL), 0);
        ASSERT_EQ(::waitpid(second.pid, &status, 0), second.pid);
        say("kill -9 " + std::to_string(second.pid) + " while the integrasjonspunkt sends " + id2);
        sender.join();
        ::close(second.err);
    }
    const Process third = spawn_serve(args);
    reaper.pids.push_back(third.pid);
    const int port3 = port_of(read_until(third.err, "message state in", kWaitBound));
    ASSERT_GT(port3, 0);
    const auto resent = exchange(port3, "POST", "/api/messages/out/6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b");
    EXPECT_EQ(resent.status, 400) << resent.body;
    EXPECT_NE(resent.body.find("no.preflight.AlreadySent"), std::string::npos) << resent.body;
    EXPECT_EQ(ip.sent_ids().size(), 2U);  // not sent twice
    say("restarted as " + std::to_string(third.pid) + "; the resend -> " + std::to_string(resent.status) +
        " AlreadySent (the statuses say SENDT); sent once");
    const Process& second_ = third;  // the sandbox helper test runs on this one
    const int port2b = port3;

    // The sandbox helper: killed, reaped, started again.
    const std::vector<int> before = children_of(second_.pid);
    ASSERT_EQ(before.size(), 1U);
    ASSERT_EQ(::kill(before.front(), SIGKILL), 0);
    say("kill -9 sandbox helper " + std::to_string(before.front()));
    const std::string log = read_until(second_.err, "started again", kWaitBound);
    EXPECT_NE(log.find("reaped and started again"), std::string::npos) << log;
    const std::vector<int> after = children_of(second_.pid);
    ASSERT_EQ(after.size(), 1U);
    EXPECT_NE(after.front(), before.front());
    EXPECT_FALSE(fs::exists("/proc/" + std::to_string(before.front())));  // no zombie left
    say("new sandbox helper " + std::to_string(after.front()) + "; the old one reaped");
    const auto check =
        exchange(port2b, "POST", "/v1/check",
                 testing_gate::multipart(
                     {{"manifest", std::nullopt, "application/json",
                       testing_gate::slurp(testing_gate::source("fixtures/example/ok-post.json"))},
                      {"document", "vedtak.pdf", "application/pdf",
                       testing_gate::slurp(testing_gate::source("fixtures/example/vedtak.pdf"))},
                      {"document", "klageskjema.pdf", "application/pdf",
                       testing_gate::slurp(testing_gate::source("fixtures/example/vedlegg/klageskjema.pdf"))}}),
                 testing_gate::multipart_headers());
    ASSERT_EQ(check.status, 200) << check.body;
    const auto report = nlohmann::json::parse(check.body);
    // Analysed in a sandboxed child: pages counted, and no DP303 (a child that failed).
    EXPECT_GT(report.at("documents")[0].at("pages").get<int>(), 0);
    EXPECT_EQ(check.body.find("DP303"), std::string::npos) << check.body;
    say("POST /v1/check of two PDFs -> " + std::to_string(check.status) + ", both analysed, no DP303");

    ASSERT_EQ(::kill(second_.pid, SIGTERM), 0);
    ASSERT_EQ(::waitpid(second_.pid, &status, 0), second_.pid);
    EXPECT_TRUE(WIFEXITED(status));
    ::close(second_.err);
    fs::remove_all(dir);
}

TEST(ServeCli, BadSettingsAreUsageErrors) {
    const Process a = spawn_serve({"serve", "--listen", "nowhere"});
    const std::string err = read_until(a.err, "\n", kWaitBound);
    int status = 0;
    ::waitpid(a.pid, &status, 0);
    EXPECT_EQ(WEXITSTATUS(status), 2) << err;
    EXPECT_NE(err.find("--listen"), std::string::npos) << err;
    ::close(a.err);
    const Process b = spawn_serve({"serve", "--listen", "127.0.0.1:0", "--upstream", "ftp://x"});
    const std::string err2 = read_until(b.err, "\n", kWaitBound);
    ::waitpid(b.pid, &status, 0);
    EXPECT_EQ(WEXITSTATUS(status), 2) << err2;
    EXPECT_NE(err2.find("--upstream"), std::string::npos) << err2;
    ::close(b.err);
}

}  // namespace
}  // namespace preflight::server
