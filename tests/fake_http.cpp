#include "tests/fake_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>

namespace preflight::testing {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string reason(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 404:
            return "Not Found";
        case 410:
            return "Gone";
        case 500:
            return "Internal Server Error";
        case 503:
            return "Service Unavailable";
        default:
            return "Status";
    }
}

bool send_all(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

// Decodes a chunked body from `data`, calling `more` to append to `data` when it
// runs short; trailers are skipped. False when the peer closed or sent garbage.
template <typename More>
bool read_chunked(std::string& data, const More& more, std::string& body) {
    std::size_t pos = 0;
    const auto line = [&](std::string& out) {
        std::size_t end = 0;
        while ((end = data.find("\r\n", pos)) == std::string::npos) {
            if (data.size() - pos > 64 * 1024 || !more()) {
                return false;
            }
        }
        out = data.substr(pos, end - pos);
        pos = end + 2;
        return true;
    };
    std::string size_line;
    while (line(size_line)) {
        std::size_t size = 0;
        try {
            size = std::stoul(size_line.substr(0, size_line.find(';')), nullptr, 16);
        } catch (const std::exception&) {
            return false;
        }
        if (size == 0) {  // the last chunk; then trailer lines up to an empty one
            std::string trailer = "-";
            while (!trailer.empty()) {
                if (!line(trailer)) {
                    return false;
                }
            }
            return true;
        }
        while (data.size() - pos < size + 2) {
            if (!more()) {
                return false;
            }
        }
        body.append(data, pos, size);
        pos += size + 2;
    }
    return false;
}

// Reads one request; false when the peer closed or sent garbage.
bool read_request(int fd, FakeRequest& req) {
    std::string data;
    char buf[8192];
    std::size_t header_end = std::string::npos;
    while (header_end == std::string::npos) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            return false;
        }
        data.append(buf, static_cast<std::size_t>(n));
        header_end = data.find("\r\n\r\n");
        if (data.size() > 1024 * 1024 && header_end == std::string::npos) {
            return false;
        }
    }
    const std::string head = data.substr(0, header_end);
    std::size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    const auto sp1 = request_line.find(' ');
    const auto sp2 = request_line.find(' ', sp1 + 1);
    if (sp1 == std::string::npos || sp2 == std::string::npos) {
        return false;
    }
    req.method = request_line.substr(0, sp1);
    req.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    const auto q = req.target.find('?');
    req.path = req.target.substr(0, q);
    req.query = q == std::string::npos ? "" : req.target.substr(q + 1);
    while (line_end != std::string::npos && line_end < head.size()) {
        const std::size_t start = line_end + 2;
        line_end = head.find("\r\n", start);
        const std::string line =
            head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
        const auto colon = line.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        req.headers[lower(line.substr(0, colon))] = value;
    }
    std::string rest = data.substr(header_end + 4);
    // A client that waits for "100 Continue" before its body (curl does for large ones).
    if (const auto it = req.headers.find("expect"); it != req.headers.end() && lower(it->second) == "100-continue" &&
                                                    rest.empty() && !send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n")) {
        return false;
    }
    const auto more = [&]() {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            return false;
        }
        rest.append(buf, static_cast<std::size_t>(n));
        return true;
    };
    if (const auto it = req.headers.find("transfer-encoding");
        it != req.headers.end() && lower(it->second).find("chunked") != std::string::npos) {
        return read_chunked(rest, more, req.body);
    }
    std::size_t length = 0;
    if (const auto it = req.headers.find("content-length"); it != req.headers.end()) {
        length = std::stoul(it->second);
    }
    while (rest.size() < length) {
        if (!more()) {
            return false;
        }
    }
    rest.resize(std::min(rest.size(), length));
    req.body = std::move(rest);
    return true;
}

}  // namespace

FakeHttpServer::FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) {
        throw std::runtime_error("socket failed");
    }
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0) {
        ::close(listen_fd_);
        throw std::runtime_error("bind/listen on 127.0.0.1 failed");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

FakeHttpServer::~FakeHttpServer() { stop(); }

void FakeHttpServer::stop() {
    if (stopping_.exchange(true)) {
        return;
    }
    stopped_.notify_all();
    if (acceptor_.joinable()) {
        acceptor_.join();
    }
    std::vector<std::thread> workers;
    {
        const std::lock_guard lock(mutex_);
        workers.swap(workers_);
    }
    for (auto& t : workers) {
        t.join();
    }
    ::close(listen_fd_);
}

std::vector<FakeRequest> FakeHttpServer::requests() const {
    const std::lock_guard lock(mutex_);
    return requests_;
}

std::size_t FakeHttpServer::request_count() const {
    const std::lock_guard lock(mutex_);
    return requests_.size();
}

void FakeHttpServer::accept_loop() {
    while (!stopping_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) {
            continue;
        }
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        const std::lock_guard lock(mutex_);
        workers_.emplace_back([this, fd] { serve(fd); });
    }
}

void FakeHttpServer::serve(int fd) {
    FakeRequest req;
    if (read_request(fd, req)) {
        {
            const std::lock_guard lock(mutex_);
            requests_.push_back(req);
        }
        const FakeResponse res = handler_(req);
        std::unique_lock lock(mutex_);
        if (res.never_answer) {
            stopped_.wait(lock, [this] { return stopping_.load(); });
        } else if (res.delay.count() > 0) {
            stopped_.wait_for(lock, res.delay, [this] { return stopping_.load(); });
        }
        lock.unlock();
        if (!res.never_answer && !res.drop) {
            std::string out = "HTTP/1.1 " + std::to_string(res.status) + " " + reason(res.status) + "\r\n";
            if (!res.content_type.empty()) {
                out += "Content-Type: " + res.content_type + "\r\n";
            }
            for (const auto& [name, value] : res.headers) {
                out += name + ": " + value + "\r\n";
            }
            out += "Content-Length: " + std::to_string(res.body.size()) + "\r\nConnection: close\r\n\r\n";
            out += res.body;
            if (res.truncate) {
                // Broken off: half the body, or, for an empty one, only the status line.
                out = res.body.empty() ? out.substr(0, out.find("\r\n") + 2)
                                       : out.substr(0, out.size() - res.body.size() + res.body.size() / 2);
            }
            send_all(fd, out);
        }
    }
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
}

}  // namespace preflight::testing
