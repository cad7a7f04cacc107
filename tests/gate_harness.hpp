// The gate over real HTTP on 127.0.0.1, for the gate's tests and its attack suite:
// raw sockets, multipart bodies, the brief's sequences and a fixture that starts a gate
// in front of a fake integrasjonspunkt that records what reaches it.
#pragma once

#include "app/sections.hpp"
#include "base/isolate.hpp"
#include "checks/check_set.hpp"
#include "server/gate.hpp"
#include "server/metrics.hpp"
#include "server/tempfiles.hpp"
#include "validator/catalogue.hpp"

#include "registry/setup.hpp"
#include "tests/fake_integrasjonspunkt.hpp"
#include "tests/wait.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace preflight::server::testing_gate {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

inline fs::path source(const std::string& rel) { return fs::path(PREFLIGHT_SOURCE_DIR) / rel; }

inline std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline int connect_to(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

inline bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Reads until the peer closes or `timeout` passes (by default the bound of every
// wait: an answer is whole when the peer closes, however slow the machine).
inline std::string read_all(int fd, std::chrono::milliseconds timeout = preflight::testing::kWaitBound) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[65536];
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            break;
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
            break;
        }
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            break;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

struct Response {
    int status = 0;
    std::string headers;
    std::string body;
    [[nodiscard]] json body_json() const { return json::parse(body); }
};

inline Response parse_response(const std::string& raw) {
    Response r;
    const auto end = raw.find("\r\n\r\n");
    if (raw.size() < 12 || end == std::string::npos) {
        return r;
    }
    r.status = std::stoi(raw.substr(9, 3));
    r.headers = raw.substr(0, end);
    r.body = raw.substr(end + 4);
    if (r.headers.find("Transfer-Encoding: chunked") != std::string::npos ||
        r.headers.find("transfer-encoding: chunked") != std::string::npos) {
        std::string body;
        std::size_t i = 0;
        while (i < r.body.size()) {
            const auto eol = r.body.find("\r\n", i);
            const std::size_t n = std::stoul(r.body.substr(i, eol - i), nullptr, 16);
            if (n == 0) {
                break;
            }
            body += r.body.substr(eol + 2, n);
            i = eol + 2 + n + 2;
        }
        r.body = body;
    }
    return r;
}

// One request on its own connection (Connection: close), the whole answer back.
inline Response exchange(int port, const std::string& method, const std::string& target, const std::string& body = "",
                         const std::vector<std::string>& headers = {}) {
    const int fd = connect_to(port);
    if (fd < 0) {
        return {};
    }
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const auto& h : headers) {
        req += h + "\r\n";
    }
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    send_all(fd, req);
    const std::string raw = read_all(fd);
    ::close(fd);
    return parse_response(raw);
}

struct Part {
    std::string name;
    std::optional<std::string> filename;
    std::string content_type;
    std::string bytes;
};

inline const std::string kBoundary = "----preflight-test-boundary-7MA4YWxkTrZu0gW";

inline std::string multipart(const std::vector<Part>& parts) {
    std::string out;
    for (const auto& p : parts) {
        out += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
        if (p.filename) {
            out += "; filename=\"" + *p.filename + "\"";
        }
        out += "\r\n";
        if (!p.content_type.empty()) {
            out += "Content-Type: " + p.content_type + "\r\n";
        }
        out += "\r\n" + p.bytes + "\r\n";
    }
    return out + "--" + kBoundary + "--\r\n";
}

inline std::vector<std::string> multipart_headers() {
    return {"Content-Type: multipart/form-data; boundary=" + kBoundary};
}

inline std::size_t files_in(const fs::path& dir) {
    std::size_t n = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        ++n;
    }
    return n;
}

// Files under `dir` that hold something of a request: every entry but directories
// and the empty files in the gate's kept check-* directories.
inline std::size_t request_files_in(const fs::path& dir) {
    std::size_t n = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        const fs::file_status status = it->symlink_status(ec);
        if (ec || fs::is_directory(status)) {
            continue;
        }
        std::error_code size_error;
        const bool kept = fs::is_regular_file(status) &&
                          it->path().parent_path().filename().string().starts_with("check-") &&
                          fs::file_size(it->path(), size_error) == 0 && !size_error;
        n += kept ? 0 : 1;
    }
    return n;
}

using preflight::testing::wait_until;

// As `preflight serve` does: PDFs analysed by forks of the sandbox server's
// single-threaded helper, safe with threads; exec mode is the fallback. The helper
// must be forked while this process has one thread: a base class, so that it starts
// before GateTest's members (the fake integrasjonspunkt's accept thread) exist. The
// previous test's fixture, its threads joined, is gone by then. (Forking after the
// fake's thread had started let the helper inherit a lock that thread held: the
// sanitizer build's allocator does not reset its locks at fork, and every
// analysis then waited out the wall-clock limit.)
class SandboxServerFirst {
public:
    SandboxServerFirst() {
        isolate::start_server();
        isolate::set_program(PREFLIGHT_BINARY);
    }
    ~SandboxServerFirst() {
        isolate::stop_server();
        isolate::set_program({});
    }
    SandboxServerFirst(const SandboxServerFirst&) = delete;
    SandboxServerFirst& operator=(const SandboxServerFirst&) = delete;
    SandboxServerFirst(SandboxServerFirst&&) = delete;
    SandboxServerFirst& operator=(SandboxServerFirst&&) = delete;
};

class GateTest : public ::testing::Test, private SandboxServerFirst {
protected:
    void SetUp() override {
        temp_ = fs::temp_directory_path() / ("gate-test-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(temp_);
    }
    void TearDown() override {
        if (gate_) {
            gate_->stop();
            gate_->wait();
            gate_.reset();
        }
        fs::remove_all(temp_);
    }

    // Starts a gate with the end-to-end fixtures' registry (no online source).
    void start(GateSettings settings = {}, bool with_upstream = true) {
        config_ = std::make_unique<Config>(
            Config::load(source("fixtures/e2e/preflight.ini"), app::config_sections(builtin_checks())));
        // As `serve --upstream` does: the upstream's own capabilities, when the test asks for them.
        registries_ = registry::make_registries(*config_, upstream_capabilities_ ? ip_.base_url() : std::string());
        RunSettings run;
        run.directory = registries_.directory.get();
        settings.port = 0;
        settings.access_log = access_log_ || std::getenv("PREFLIGHT_TEST_ACCESS_LOG") != nullptr;
        settings.temp_parent = temp_;
        if (with_upstream) {
            settings.upstream = ip_.base_url();
        }
        gate_ = std::make_unique<Gate>(settings, builtin_checks(), *config_, run);
        gate_->start();
        port_ = gate_->port();
    }

    // The gate's private directory holds nothing of a request once it is answered:
    // no file, except the emptied files of /v1/check's directories that the gate
    // keeps for the next request (server/tempfiles.hpp, DirPool).
    [[nodiscard]] ::testing::AssertionResult no_request_files() const {
        return wait_until("no temporary file of a request is left",
                          [&] { return live_temp_files() == 0 && request_files_in(temp_) == 0; });
    }

    Response create(const std::string& sbd) {
        return exchange(port_, "POST", "/api/messages/out", sbd, {"Content-Type: application/json"});
    }
    Response upload(const std::string& id, const std::string& name, const std::string& filename,
                    const std::string& bytes, const std::string& type = "application/pdf") {
        return exchange(port_, "PUT", "/api/messages/out/" + id, bytes,
                        {"Content-Type: " + type,
                         "Content-Disposition: attachment; name=\"" + name + "\"; filename=\"" + filename + "\"",
                         "Authorization: Bearer test-token"});
    }
    Response send_message(const std::string& id) { return exchange(port_, "POST", "/api/messages/out/" + id); }

    bool access_log_ = false;  // the access log on stderr (a test that reads it sets this)
    // Capabilities from the upstream integrasjonspunkt, as `serve --upstream` asks them
    // when no [capabilities] url is configured (the fixtures' config has none).
    bool upstream_capabilities_ = false;
    testing::FakeIntegrasjonspunkt ip_;
    fs::path temp_;
    std::unique_ptr<Config> config_;
    registry::Registries registries_;
    std::unique_ptr<Gate> gate_;
    int port_ = 0;
};

struct Sequence {
    std::string name;
    std::string sbd;
    std::string route;
    struct File {
        fs::path path;
        std::string name;
        std::string filename;
        std::string type;
    };
    std::vector<File> files;
};

inline std::vector<Sequence> sequences() {
    const fs::path dir = source("fixtures/gate");
    const json all = json::parse(slurp(dir / "sequences.json"));
    std::vector<Sequence> out;
    for (const auto& s : all.at("sequences")) {
        Sequence q{s.at("name").get<std::string>(),
                   slurp(dir / s.at("sbd").get<std::string>()),
                   s.at("route").get<std::string>(),
                   {}};
        for (const auto& f : s.at("files")) {
            q.files.push_back({dir / f.at("path").get<std::string>(), f.at("name").get<std::string>(),
                               f.at("filename").get<std::string>(), f.at("contentType").get<std::string>()});
        }
        out.push_back(std::move(q));
    }
    return out;
}

inline std::string message_id_of(const std::string& sbd) {
    return json::parse(sbd)
        .at("standardBusinessDocumentHeader")
        .at("documentIdentification")
        .at("instanceIdentifier")
        .get<std::string>();
}

}  // namespace preflight::server::testing_gate
