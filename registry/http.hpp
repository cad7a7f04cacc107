// A small HTTP client over libcurl for the registry clients: one request, one
// answer, bounded by a connect and a total timeout. Transport failures are
// exceptions (HttpError); any HTTP status is an answer. libcurl is loaded at the
// first request (registry/http.cpp), so a command that asks no registry never maps it.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace preflight::registry {

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct HttpResponse {
    long status = 0;
    std::string content_type;
    std::string body;
};

class HttpError : public std::runtime_error {
public:
    // no_client: libcurl (libcurl.so.4) cannot be loaded.
    enum class Kind : std::uint8_t { timeout, connect, too_large, no_client, other };
    HttpError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
    [[nodiscard]] Kind kind() const { return kind_; }

private:
    Kind kind_;
};

struct HttpSettings {
    long connect_timeout_ms = 2000;
    long total_timeout_ms = 10000;
    std::size_t max_body_bytes =
        8ULL * 1024 * 1024;  // an answer larger than this is an error (KRR: 1000 persons ~ 1 MB)
};

class HttpClient {
public:
    HttpClient() = default;
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;
    HttpClient(HttpClient&&) = delete;
    HttpClient& operator=(HttpClient&&) = delete;
    virtual ~HttpClient() = default;
    // Throws HttpError when no answer arrives (timeout, refused, reset, too large).
    virtual HttpResponse send(const HttpRequest& request) = 0;
};

// libcurl, one easy handle per request; safe to call from several threads. libcurl is
// loaded by the first send(), which throws HttpError (no_client) when it cannot be.
std::unique_ptr<HttpClient> make_curl_client(const HttpSettings& settings);

// Sends `request`; on a timeout or a 5xx answer sends it once more (the
// documented retry policy of every registry client). Returns the last answer or
// rethrows the last error. `attempts`, when given, counts the requests made.
HttpResponse send_with_retry(HttpClient& client, const HttpRequest& request, int* attempts = nullptr);

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string url_encode(std::string_view s);

}  // namespace preflight::registry
