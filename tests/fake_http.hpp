// A small HTTP/1.1 server on 127.0.0.1 for tests: fakes of the registries and the
// integrasjonspunkt speak through it. One thread accepts; each connection gets its
// own thread and is closed after one answer. Only loopback, never anything else.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace preflight::testing {

struct FakeRequest {
    std::string method;
    std::string target;                          // path and query, as sent
    std::string path;                            // without the query
    std::string query;                           // after '?', undecoded
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;                            // decoded when sent chunked (Transfer-Encoding: chunked)
};

struct FakeResponse {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";  // empty: no Content-Type header
    std::chrono::milliseconds delay{0};             // wait before answering
    bool never_answer = false;                      // hold the connection open until the server stops
    bool drop = false;                              // close the connection without a word
    bool truncate = false;  // send the head and half the body (an empty body: the status line), then close
    // More header lines, sent as given after Content-Type (Content-Length and
    // Connection are the server's).
    std::vector<std::pair<std::string, std::string>> headers = {};
};

class FakeHttpServer {
public:
    using Handler = std::function<FakeResponse(const FakeRequest&)>;
    explicit FakeHttpServer(Handler handler);
    ~FakeHttpServer();
    FakeHttpServer(const FakeHttpServer&) = delete;
    FakeHttpServer& operator=(const FakeHttpServer&) = delete;
    FakeHttpServer(FakeHttpServer&&) = delete;
    FakeHttpServer& operator=(FakeHttpServer&&) = delete;

    [[nodiscard]] int port() const { return port_; }
    [[nodiscard]] std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // Every request received so far, in order of arrival.
    [[nodiscard]] std::vector<FakeRequest> requests() const;
    [[nodiscard]] std::size_t request_count() const;
    void stop();

private:
    void accept_loop();
    void serve(int fd);

    Handler handler_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    std::condition_variable stopped_;
    std::vector<FakeRequest> requests_;
    std::vector<std::thread> workers_;
    std::thread acceptor_;
};

}  // namespace preflight::testing
