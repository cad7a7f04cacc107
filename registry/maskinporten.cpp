#include "registry/maskinporten.hpp"

#include "registry/openssl_ptr.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

namespace preflight::registry {
namespace {

namespace fs = std::filesystem;

using namespace ossl;

void free_x509_stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
using X509StackPtr = std::unique_ptr<STACK_OF(X509), Free<free_x509_stack>>;

// File content that may hold key material: wiped when done.
struct Secret {
    std::string data;
    Secret() = default;
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    Secret(Secret&&) = delete;
    Secret& operator=(Secret&&) = delete;
    ~Secret() { OPENSSL_cleanse(data.data(), data.size()); }
};

// The reason of the oldest queued OpenSSL error (usually the root cause); clears the queue.
std::string openssl_reason() {
    const unsigned long first = ERR_peek_error();
    ERR_clear_error();
    if (first == 0) {
        return "no detail from OpenSSL";
    }
    const char* reason = ERR_reason_error_string(first);
    return reason != nullptr ? reason : fmt::format("OpenSSL error {:#x}", first);
}

void read_into(const fs::path& file, std::string& out) {
    std::error_code ec;
    const auto status = fs::status(file, ec);
    if (ec || !fs::exists(status)) {
        throw KeyError(file, "cannot read the file: no such file");
    }
    if (!fs::is_regular_file(status)) {
        throw KeyError(file, "cannot read the file: not a regular file");
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw KeyError(file, "cannot read the file: permission denied or unreadable");
    }
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) {
        throw KeyError(file, "cannot read the file: read error");
    }
    if (out.empty()) {
        throw KeyError(file, "the file is empty");
    }
}

BioPtr memory_bio(const std::string& data) {
    BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (!bio) {
        throw TokenError("out of memory (BIO_new_mem_buf)");
    }
    return bio;
}

std::string base64(const unsigned char* data, std::size_t size) {
    std::string out(4 * ((size + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string base64url(std::string_view data) {
    std::string out = base64(reinterpret_cast<const unsigned char*>(data.data()), data.size());
    for (char& c : out) {
        if (c == '+') {
            c = '-';
        } else if (c == '/') {
            c = '_';
        }
    }
    out.erase(out.find_last_not_of('=') + 1);
    return out;
}

std::string der_base64(X509* cert) {
    unsigned char* der = nullptr;
    const int n = i2d_X509(cert, &der);
    if (n <= 0) {
        throw TokenError("cannot encode a certificate as DER: " + openssl_reason());
    }
    std::string out = base64(der, static_cast<std::size_t>(n));
    OPENSSL_free(der);
    return out;
}

// A version 4 UUID from the CSPRNG.
std::string random_jti() {
    std::array<unsigned char, 16> b{};
    if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
        throw TokenError("no random bytes for the grant's jti: " + openssl_reason());
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0FU) | 0x40U);
    b[8] = static_cast<unsigned char>((b[8] & 0x3FU) | 0x80U);
    std::string out;
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out += '-';
        }
        out += fmt::format("{:02x}", b[i]);
    }
    return out;
}

struct Password {
    const std::string* value;
    bool asked = false;
};

int password_callback(char* buf, int size, int /*rwflag*/, void* user) {
    auto* p = static_cast<Password*>(user);
    p->asked = true;
    if (p->value->empty() || p->value->size() > static_cast<std::size_t>(size)) {
        return -1;
    }
    std::copy(p->value->begin(), p->value->end(), buf);  // OpenSSL takes the length, not a terminator
    return static_cast<int>(p->value->size());
}

struct Loaded {
    PkeyPtr key;
    std::vector<X509Ptr> chain;  // the key's certificate first
};

Loaded load_pem_key(const fs::path& file, const std::string& content, const std::string& password) {
    Loaded out;
    const BioPtr bio = memory_bio(content);
    Password pw{&password};
    out.key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, password_callback, &pw));
    if (!out.key) {
        const std::string detail = openssl_reason();
        if (pw.asked && password.empty()) {
            throw KeyError(file, "the private key is encrypted and no password is given");
        }
        if (pw.asked) {
            throw KeyError(file, fmt::format("cannot decrypt the private key: wrong password? ({})", detail));
        }
        throw KeyError(file, fmt::format("no PEM private key in the file ({})", detail));
    }
    return out;
}

Loaded load_pkcs12(const fs::path& file, const std::string& content, const std::string& password) {
    const auto* p = reinterpret_cast<const unsigned char*>(content.data());
    const Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(content.size())));
    if (!p12) {
        ERR_clear_error();
        throw KeyError(file, "neither a PEM private key nor a PKCS#12 (.p12/.pfx) file");
    }
    const char* pass = password.c_str();
    if (PKCS12_mac_present(p12.get()) == 1) {
        bool ok = PKCS12_verify_mac(p12.get(), pass, -1) == 1;
        if (!ok && password.empty()) {
            pass = nullptr;
            ok = PKCS12_verify_mac(p12.get(), nullptr, 0) == 1;
        }
        if (!ok) {
            ERR_clear_error();
            throw KeyError(file, password.empty() ? "the PKCS#12 file is protected by a password and none is given"
                                                  : "wrong password (the PKCS#12 integrity check fails)");
        }
    }
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* ca = nullptr;
    if (PKCS12_parse(p12.get(), pass, &key, &cert, &ca) != 1) {
        const std::string reason = openssl_reason();
        throw KeyError(file, fmt::format("cannot decode the PKCS#12 file ({}){}", reason,
                                         reason == "unsupported"
                                             ? ": it probably uses a legacy cipher (RC2, RC4) that OpenSSL 3 does not "
                                               "enable; convert it, e.g. with `openssl pkcs12 -legacy`"
                                             : ""));
    }
    Loaded out;
    out.key.reset(key);
    X509Ptr leaf(cert);
    const X509StackPtr rest(ca);
    if (!out.key) {
        throw KeyError(file, "no private key in the PKCS#12 file");
    }
    if (leaf) {
        out.chain.push_back(std::move(leaf));
    }
    for (int i = 0; rest && i < sk_X509_num(rest.get()); ++i) {
        X509* c = sk_X509_value(rest.get(), i);
        X509_up_ref(c);
        out.chain.emplace_back(c);
    }
    return out;
}

std::vector<X509Ptr> load_pem_certificates(const fs::path& file) {
    std::string content;
    read_into(file, content);
    const BioPtr bio = memory_bio(content);
    std::vector<X509Ptr> certs;
    while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
        certs.emplace_back(c);
    }
    ERR_clear_error();  // the end of the file reads as "no start line"
    if (certs.empty()) {
        throw KeyError(file, "no PEM certificate in the file");
    }
    return certs;
}

// Puts the certificate that holds `key`'s public key first; false when none does.
bool match_first(std::vector<X509Ptr>& chain, EVP_PKEY* key) {
    const auto it = std::find_if(chain.begin(), chain.end(), [key](const X509Ptr& c) {
        const bool match = X509_check_private_key(c.get(), key) == 1;
        ERR_clear_error();
        return match;
    });
    if (it == chain.end()) {
        return false;
    }
    std::rotate(chain.begin(), it, std::next(it));
    return true;
}

const EVP_MD* digest_for(const std::string& algorithm) {
    if (algorithm == "RS256") {
        return EVP_sha256();
    }
    if (algorithm == "RS384") {
        return EVP_sha384();
    }
    if (algorithm == "RS512") {
        return EVP_sha512();
    }
    return nullptr;
}

void require(bool ok, std::string_view what) {
    if (!ok) {
        throw TokenError(fmt::format("maskinporten settings: {}", what));
    }
}

// Server-provided text for a log line: printable, bounded.
std::string printable(std::string_view s, std::size_t max = 300) {
    std::string out;
    for (const char ch : s) {
        if (out.size() >= max) {
            out += "...";
            break;
        }
        out += static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f ? ' ' : ch;
    }
    return out;
}

std::string string_field(const nlohmann::json& j, const char* name) {
    const auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A token goes into an HTTP header: visible ASCII only.
bool header_safe(std::string_view token) {
    return !token.empty() && std::all_of(token.begin(), token.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c > 0x20 && c < 0x7f;
    });
}

std::string trim(std::string s) {
    const char* space = " \t\r\n\f\v";
    s.erase(s.find_last_not_of(space) + 1);
    s.erase(0, s.find_first_not_of(space));
    return s;
}

}  // namespace

Section maskinporten_section() {
    return {"maskinporten",
            {{"token-url", OptionSpec::Kind::url, "https://maskinporten.no/token"},
             {"audience", OptionSpec::Kind::text, "https://maskinporten.no/"},
             {"client-id", OptionSpec::Kind::text, ""},
             {"scope", OptionSpec::Kind::text, "krr:global/kontaktinformasjon.read krr:global/digitalpost.read"},
             {"key-file", OptionSpec::Kind::text, ""},
             {"key-password-env", OptionSpec::Kind::text, ""},
             {"certificate-file", OptionSpec::Kind::text, ""},
             {"kid", OptionSpec::Kind::text, ""},
             {"algorithm", OptionSpec::Kind::text, "RS256"},
             {"resource", OptionSpec::Kind::text, ""}}};
}

KeyError::KeyError(std::filesystem::path file, std::string reason)
    : TokenError(fmt::format("{}: {}", file.string(), reason)), file_(std::move(file)), reason_(std::move(reason)) {}

struct Signer::Impl {
    PkeyPtr key;
    const EVP_MD* digest = nullptr;
    std::string header;  // base64url, the same for every grant
    std::string audience;
    std::string client_id;
    std::string scope;
    std::string resource;
    int lifetime = 120;
};

Signer::Signer(const MaskinportenSettings& s) : impl_(std::make_unique<Impl>()) {
    impl_->digest = digest_for(s.algorithm);
    require(impl_->digest != nullptr, fmt::format("algorithm {} is not RS256, RS384 or RS512", printable(s.algorithm)));
    require(!s.audience.empty(), "audience is not set");
    require(!s.client_id.empty(), "client-id is not set");
    require(!s.scope.empty(), "scope is not set");
    require(!s.key_file.empty(), "key-file is not set");
    require(s.grant_lifetime_seconds >= 1 && s.grant_lifetime_seconds <= 120,
            fmt::format("the grant lifetime is {} s; Maskinporten accepts 1 to 120", s.grant_lifetime_seconds));

    Loaded loaded;
    {
        Secret content;
        read_into(s.key_file, content.data);
        if (content.data.find("-----BEGIN ") != std::string::npos) {
            loaded = load_pem_key(s.key_file, content.data, s.key_password);
        } else {
            loaded = load_pkcs12(s.key_file, content.data, s.key_password);
            require(s.certificate_file.empty(),
                    "certificate-file is set, but the key file is PKCS#12: its own certificate is used");
        }
    }
    if (EVP_PKEY_is_a(loaded.key.get(), "RSA") != 1) {
        const char* type = EVP_PKEY_get0_type_name(loaded.key.get());
        throw KeyError(s.key_file, fmt::format("not an RSA key ({}); the grant is signed with {}",
                                               type != nullptr ? type : "unknown type", s.algorithm));
    }
    if (!s.certificate_file.empty()) {
        loaded.chain = load_pem_certificates(s.certificate_file);
        if (!match_first(loaded.chain, loaded.key.get())) {
            throw KeyError(s.certificate_file,
                           fmt::format("the certificate does not match the private key in {}", s.key_file.string()));
        }
    } else if (!loaded.chain.empty() && !match_first(loaded.chain, loaded.key.get())) {
        throw KeyError(s.key_file, "the certificate does not match the private key");
    }

    nlohmann::json header = {{"alg", s.algorithm}};
    if (!s.kid.empty()) {
        header["kid"] = s.kid;
    } else {
        if (loaded.chain.empty()) {
            throw KeyError(s.key_file,
                           "no certificate for the x5c header: set certificate-file (or kid for a registered key)");
        }
        nlohmann::json x5c = nlohmann::json::array();
        for (const auto& c : loaded.chain) {
            x5c.push_back(der_base64(c.get()));
        }
        header["x5c"] = std::move(x5c);
    }
    try {
        impl_->header = base64url(header.dump());
    } catch (const nlohmann::json::exception&) {
        throw TokenError("maskinporten settings: kid is not valid UTF-8");
    }
    impl_->key = std::move(loaded.key);
    impl_->audience = s.audience;
    impl_->client_id = s.client_id;
    impl_->scope = s.scope;
    impl_->resource = s.resource;
    impl_->lifetime = s.grant_lifetime_seconds;
}

Signer::~Signer() = default;

std::string Signer::make_grant(std::chrono::system_clock::time_point now) const {
    const auto iat = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    nlohmann::json claims = {{"aud", impl_->audience},       {"iss", impl_->client_id},
                             {"scope", impl_->scope},        {"iat", iat},
                             {"exp", iat + impl_->lifetime}, {"jti", random_jti()}};
    if (!impl_->resource.empty()) {
        // An array (RFC 8707 allows several; Maskinporten reads it as one): the
        // configured value split at white space or commas.
        nlohmann::json resources = nlohmann::json::array();
        std::string one;
        for (const char c : impl_->resource + " ") {
            if (c == ' ' || c == ',' || c == '\t') {
                if (!one.empty()) {
                    resources.push_back(one);
                }
                one.clear();
            } else {
                one += c;
            }
        }
        claims["resource"] = resources;
    }
    std::string input;
    try {
        input = impl_->header + "." + base64url(claims.dump());
    } catch (const nlohmann::json::exception&) {
        throw TokenError("maskinporten settings: audience, client-id, scope or resource is not valid UTF-8");
    }

    const MdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t size = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, impl_->digest, nullptr, impl_->key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &size, data, input.size()) != 1) {
        throw TokenError("cannot sign the grant: " + openssl_reason());
    }
    std::string signature(size, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size, data, input.size()) != 1) {
        throw TokenError("cannot sign the grant: " + openssl_reason());
    }
    signature.resize(size);
    return input + "." + base64url(signature);
}

StaticTokenSource::StaticTokenSource(std::string token) : token_(std::move(token)) {
    if (token_.empty()) {
        throw TokenError("the bearer token is empty");
    }
    if (!header_safe(token_)) {
        throw TokenError("the bearer token contains white space or control characters");
    }
}

std::unique_ptr<StaticTokenSource> StaticTokenSource::from_file(const std::filesystem::path& file) {
    Secret content;
    try {
        read_into(file, content.data);
    } catch (const KeyError& e) {
        throw TokenError(fmt::format("token file {}", e.what()));
    }
    std::string token = trim(content.data);
    if (token.empty()) {
        throw TokenError(fmt::format("{}: the token file holds only white space", file.string()));
    }
    if (!header_safe(token)) {
        throw TokenError(
            fmt::format("{}: the token file holds more than one line or control characters", file.string()));
    }
    return std::make_unique<StaticTokenSource>(std::move(token));
}

std::unique_ptr<StaticTokenSource> StaticTokenSource::from_env(const std::string& variable) {
    const char* value = std::getenv(variable.c_str());  // NOLINT(concurrency-mt-unsafe): read once, at start-up
    if (value == nullptr) {
        throw TokenError(fmt::format("environment variable {} is not set", variable));
    }
    std::string token = trim(value);
    if (token.empty()) {
        throw TokenError(fmt::format("environment variable {} is empty", variable));
    }
    if (!header_safe(token)) {
        throw TokenError(fmt::format("environment variable {} holds white space or control characters", variable));
    }
    return std::make_unique<StaticTokenSource>(std::move(token));
}

std::string StaticTokenSource::bearer_token() { return token_; }

MaskinportenTokenSource::MaskinportenTokenSource(HttpClient& http, MaskinportenSettings settings, Clock clock)
    : http_(http), settings_(std::move(settings)), clock_(std::move(clock)) {
    require(!settings_.token_url.empty(), "token-url is not set");
    require(settings_.refresh_margin_seconds >= 0, "the refresh margin is negative");
    require(static_cast<bool>(clock_), "no clock");
    signer_ = std::make_unique<Signer>(settings_);
    OPENSSL_cleanse(settings_.key_password.data(), settings_.key_password.size());
    settings_.key_password.clear();
}

MaskinportenTokenSource::~MaskinportenTokenSource() { OPENSSL_cleanse(token_.data(), token_.size()); }

std::string MaskinportenTokenSource::bearer_token() {
    const std::lock_guard lock(mutex_);
    const auto now = clock_();
    if (!token_.empty() && now < valid_until_) {
        return token_;
    }
    token_.clear();
    return fetch(now);
}

void MaskinportenTokenSource::invalidate() {
    const std::lock_guard lock(mutex_);
    token_.clear();
}

std::string MaskinportenTokenSource::fetch(std::chrono::system_clock::time_point now) {
    const std::string& url = settings_.token_url;
    HttpResponse res;
    // The documented policy of every registry client (one more try after a timeout or a
    // 5xx), but with a fresh grant: Maskinporten refuses a jti it has seen.
    for (int attempt = 1;; ++attempt) {
        HttpRequest req;
        req.method = "POST";
        req.url = url;
        req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
        req.body = "grant_type=" + url_encode("urn:ietf:params:oauth:grant-type:jwt-bearer") +
                   "&assertion=" + url_encode(signer_->make_grant(attempt == 1 ? now : clock_()));
        try {
            res = http_.send(req);
        } catch (const HttpError& e) {
            if (e.kind() == HttpError::Kind::timeout && attempt == 1) {
                continue;
            }
            throw TokenError(fmt::format("no token from Maskinporten: {}", e.what()));
        }
        if (res.status >= 500 && attempt == 1) {
            continue;
        }
        break;
    }

    const nlohmann::json j = nlohmann::json::parse(res.body, nullptr, false);
    if (res.status < 200 || res.status >= 300) {
        const std::string error = j.is_object() ? string_field(j, "error") : std::string();
        if (error.empty()) {
            throw TokenError(
                fmt::format("Maskinporten ({}) answered HTTP {} to the token request for client {}, "
                            "without an OAuth error ({} bytes of {})",
                            url, res.status, settings_.client_id, res.body.size(),
                            res.content_type.empty() ? "unknown type" : printable(res.content_type)));
        }
        const std::string description = string_field(j, "error_description");
        const std::string uri = string_field(j, "error_uri");
        throw TokenError(fmt::format("Maskinporten ({}) refused the token request for client {} (HTTP {}): {}{}{}", url,
                                     settings_.client_id, res.status, printable(error),
                                     description.empty() ? "" : ": " + printable(description),
                                     uri.empty() ? "" : " (" + printable(uri) + ")"));
    }
    // Never quote the body: it may hold a token.
    if (j.is_discarded() || !j.is_object()) {
        throw TokenError(fmt::format(
            "Maskinporten ({}) answered HTTP {} with something that is not a JSON object "
            "({} bytes of {})",
            url, res.status, res.body.size(), res.content_type.empty() ? "unknown type" : printable(res.content_type)));
    }
    const auto token = j.find("access_token");
    if (token == j.end() || !token->is_string() || !header_safe(token->get_ref<const std::string&>())) {
        throw TokenError(
            fmt::format("Maskinporten ({}) answered HTTP {} without a usable access_token", url, res.status));
    }
    if (const auto type = j.find("token_type"); type != j.end()) {
        std::string t = type->is_string() ? type->get<std::string>() : std::string();
        std::transform(t.begin(), t.end(), t.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (t != "bearer") {
            throw TokenError(fmt::format("Maskinporten ({}) answered a token of type {}, not Bearer", url,
                                         type->is_string() ? printable(type->get<std::string>()) : type->dump()));
        }
    }
    // Without expires_in the token is used once and not cached.
    auto valid_until = now;
    if (const auto expires = j.find("expires_in"); expires != j.end()) {
        if (!expires->is_number() || expires->get<double>() < 0) {
            throw TokenError(
                fmt::format("Maskinporten ({}) answered an expires_in that is not a number of seconds", url));
        }
        // At most a day: a larger value is taken as a day (and keeps the time arithmetic in range).
        const auto seconds = static_cast<std::int64_t>(std::min(expires->get<double>(), 86400.0));
        valid_until = now + std::chrono::seconds(seconds) - std::chrono::seconds(settings_.refresh_margin_seconds);
    }
    token_ = token->get<std::string>();
    valid_until_ = valid_until;
    return token_;
}

}  // namespace preflight::registry
