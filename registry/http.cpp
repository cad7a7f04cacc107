#include "registry/http.hpp"

#include <curl/curl.h>

#include <fmt/format.h>

#include <mutex>

namespace preflight::registry {
namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
    std::string* body;
    std::size_t max;
    bool overflow = false;
};

std::size_t on_data(char* data, std::size_t size, std::size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t bytes = size * n;
    if (sink->body->size() + bytes > sink->max) {
        sink->overflow = true;
        return 0;  // makes curl stop with CURLE_WRITE_ERROR
    }
    sink->body->append(data, bytes);
    return bytes;
}

class CurlClient final : public HttpClient {
public:
    explicit CurlClient(const HttpSettings& s) : settings_(s) { global_init(); }

    HttpResponse send(const HttpRequest& request) override {
        std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
        if (!curl) {
            throw HttpError(HttpError::Kind::other, "curl_easy_init failed");
        }
        CURL* h = curl.get();
        HttpResponse response;
        Sink sink{&response.body, settings_.max_body_bytes};
        curl_slist* headers = nullptr;
        for (const auto& [name, value] : request.headers) {
            headers = curl_slist_append(headers, fmt::format("{}: {}", name, value).c_str());
        }
        // No "Expect: 100-continue" round trip for larger bodies.
        headers = curl_slist_append(headers, "Expect:");
        std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(headers, curl_slist_free_all);

        curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        if (request.method == "GET") {
            curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        } else {
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        }
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, settings_.connect_timeout_ms);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, settings_.total_timeout_ms);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
        curl_easy_setopt(h, CURLOPT_USERAGENT, "preflight/" PREFLIGHT_VERSION);

        const CURLcode rc = curl_easy_perform(h);
        if (rc != CURLE_OK) {
            const std::string what = fmt::format("{}: {}", request.url, curl_easy_strerror(rc));
            if (sink.overflow) {
                throw HttpError(HttpError::Kind::too_large,
                                fmt::format("{}: answer over {} bytes", request.url, settings_.max_body_bytes));
            }
            if (rc == CURLE_OPERATION_TIMEDOUT) {
                throw HttpError(HttpError::Kind::timeout, what);
            }
            if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST) {
                throw HttpError(HttpError::Kind::connect, what);
            }
            throw HttpError(HttpError::Kind::other, what);
        }
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
        const char* type = nullptr;
        if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type != nullptr) {
            response.content_type = type;
        }
        return response;
    }

private:
    HttpSettings settings_;
};

}  // namespace

std::unique_ptr<HttpClient> make_curl_client(const HttpSettings& settings) {
    return std::make_unique<CurlClient>(settings);
}

HttpResponse send_with_retry(HttpClient& client, const HttpRequest& request, int* attempts) {
    for (int attempt = 1;; ++attempt) {
        if (attempts != nullptr) {
            *attempts = attempt;
        }
        try {
            HttpResponse response = client.send(request);
            if (response.status >= 500 && attempt == 1) {
                continue;
            }
            return response;
        } catch (const HttpError& e) {
            if (e.kind() != HttpError::Kind::timeout || attempt > 1) {
                throw;
            }
        }
    }
}

std::string url_encode(std::string_view s) {
    std::string out;
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += ch;
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

}  // namespace preflight::registry
