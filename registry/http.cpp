#include "registry/http.hpp"

#include <curl/curl.h>
#include <dlfcn.h>

#include <fmt/format.h>

#include <bit>
#include <mutex>

namespace preflight::registry {
namespace {

// libcurl is loaded at the first request (dlopen), not linked: with its ~27 libraries
// (TLS, Kerberos, LDAP, SSH, ...) it was most of the start-up of every command, and
// only the registry clients use it (bench/startup.sh). The package depends on libcurl4
// (CMakeLists.txt); curl/curl.h is read for the types and constants alone.
constexpr const char* kCurlLibrary = "libcurl.so.4";

struct Curl {
    decltype(&curl_global_init) global_init = nullptr;
    decltype(&curl_easy_init) easy_init = nullptr;
    decltype(&curl_easy_setopt) easy_setopt = nullptr;
    decltype(&curl_easy_perform) easy_perform = nullptr;
    decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
    decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
    decltype(&curl_easy_strerror) easy_strerror = nullptr;
    decltype(&curl_slist_append) slist_append = nullptr;
    decltype(&curl_slist_free_all) slist_free_all = nullptr;
    std::string error;  // why it could not be loaded; empty when loaded
};

template <typename Fn>
bool bind_symbol(void* library, const char* name, Fn& fn, std::string& error) {
    void* symbol = dlsym(library, name);
    if (symbol == nullptr) {
        error = fmt::format("{} has no {}", kCurlLibrary, name);
        return false;
    }
    fn = std::bit_cast<Fn>(symbol);
    return true;
}

Curl load_curl() {
    Curl c;
    // Never closed: the handles and curl's global state live as long as the process.
    void* library = dlopen(kCurlLibrary, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        const char* why = dlerror();
        c.error = why != nullptr ? why : kCurlLibrary;
        return c;
    }
    if (!bind_symbol(library, "curl_global_init", c.global_init, c.error) ||
        !bind_symbol(library, "curl_easy_init", c.easy_init, c.error) ||
        !bind_symbol(library, "curl_easy_setopt", c.easy_setopt, c.error) ||
        !bind_symbol(library, "curl_easy_perform", c.easy_perform, c.error) ||
        !bind_symbol(library, "curl_easy_getinfo", c.easy_getinfo, c.error) ||
        !bind_symbol(library, "curl_easy_cleanup", c.easy_cleanup, c.error) ||
        !bind_symbol(library, "curl_easy_strerror", c.easy_strerror, c.error) ||
        !bind_symbol(library, "curl_slist_append", c.slist_append, c.error) ||
        !bind_symbol(library, "curl_slist_free_all", c.slist_free_all, c.error)) {
        return c;
    }
    if (const CURLcode rc = c.global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
        c.error = fmt::format("curl_global_init: {}", c.easy_strerror(rc));
    }
    return c;
}

// libcurl, loaded and initialised once per process; throws HttpError when it cannot be.
const Curl& curl_api() {
    static const Curl curl = load_curl();
    if (!curl.error.empty()) {
        throw HttpError(HttpError::Kind::no_client,
                        fmt::format("libcurl cannot be loaded ({}); install the package libcurl4", curl.error));
    }
    return curl;
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
    explicit CurlClient(const HttpSettings& s) : settings_(s) {}

    HttpResponse send(const HttpRequest& request) override {
        const Curl& c = curl_api();
        std::unique_ptr<CURL, decltype(c.easy_cleanup)> curl(c.easy_init(), c.easy_cleanup);
        if (!curl) {
            throw HttpError(HttpError::Kind::other, "curl_easy_init failed");
        }
        CURL* h = curl.get();
        HttpResponse response;
        Sink sink{&response.body, settings_.max_body_bytes};
        curl_slist* headers = nullptr;
        for (const auto& [name, value] : request.headers) {
            headers = c.slist_append(headers, fmt::format("{}: {}", name, value).c_str());
        }
        // No "Expect: 100-continue" round trip for larger bodies.
        headers = c.slist_append(headers, "Expect:");
        std::unique_ptr<curl_slist, decltype(c.slist_free_all)> header_guard(headers, c.slist_free_all);

        // curl_easy_setopt is variadic: each value is passed as the type its option takes
        // (long, char*, curl_off_t, a function or data pointer).
        c.easy_setopt(h, CURLOPT_URL, request.url.c_str());
        c.easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        if (request.method == "GET") {
            c.easy_setopt(h, CURLOPT_HTTPGET, 1L);
        } else {
            c.easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
            c.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        }
        c.easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        c.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, settings_.connect_timeout_ms);
        c.easy_setopt(h, CURLOPT_TIMEOUT_MS, settings_.total_timeout_ms);
        c.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        c.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
        c.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        c.easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_data);
        c.easy_setopt(h, CURLOPT_WRITEDATA, &sink);
        c.easy_setopt(h, CURLOPT_USERAGENT, "preflight/" PREFLIGHT_VERSION);

        const CURLcode rc = c.easy_perform(h);
        if (rc != CURLE_OK) {
            const std::string what = fmt::format("{}: {}", request.url, c.easy_strerror(rc));
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
        c.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
        const char* type = nullptr;
        if (c.easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type != nullptr) {
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
