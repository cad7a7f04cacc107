// Access tokens for the registries (KRR, the eFormidling registry): a JWT grant
// signed with the organisation's key, exchanged at Maskinporten's token endpoint
// (RFC 7523), cached until shortly before it expires. See docs/maskinporten.md.
//
// Secrets stay secret: no error message carries a token, a grant, a password or
// key material.
#pragma once

#include "registry/http.hpp"
#include "validator/config.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace preflight::registry {

// [maskinporten]: the client (client-id; empty: no Maskinporten token), its key and
// the token endpoint. KRR uses it when [krr] names no token-file or token-env.
Section maskinporten_section();

struct MaskinportenSettings {
    std::string token_url;  // e.g. https://maskinporten.no/token
    std::string audience;   // Maskinporten's issuer identifier, e.g. https://maskinporten.no/ (not the token URL)
    std::string client_id;  // the grant's `iss`
    std::string scope;      // space separated
    // PEM private key (PKCS#8, encrypted or not, or PKCS#1) or PKCS#12 (.p12/.pfx, told apart by content).
    std::filesystem::path key_file;
    std::string key_password;
    // PEM certificate chain for x5c when the key is PEM (the certificate matching the key goes first,
    // whatever its place in the file); with PKCS#12 the certificate and chain come from that file and
    // this must be empty.
    std::filesystem::path certificate_file;
    std::string kid;                   // when set, the header names this pre-registered key instead of carrying x5c
    std::string algorithm = "RS256";   // RS256, RS384 or RS512
    int grant_lifetime_seconds = 120;  // exp - iat, 1..120
    int refresh_margin_seconds = 30;   // a token is renewed this long before it expires
    std::string resource;              // optional `resource` claim, sent only when set
};

// Any failure to get a token. The message is meant for an operator's log.
class TokenError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The key or certificate file cannot be used: what() is "<file>: <reason>".
class KeyError : public TokenError {
public:
    KeyError(std::filesystem::path file, std::string reason);
    [[nodiscard]] const std::filesystem::path& file() const { return file_; }
    [[nodiscard]] const std::string& reason() const { return reason_; }

private:
    std::filesystem::path file_;
    std::string reason_;
};

// Builds signed JWT grants. Loads the key (and certificates) once, in the
// constructor, which throws KeyError for an unusable file and TokenError for
// unusable settings. make_grant() may be called from several threads.
class Signer {
public:
    explicit Signer(const MaskinportenSettings& settings);
    ~Signer();
    Signer(const Signer&) = delete;
    Signer& operator=(const Signer&) = delete;
    Signer(Signer&&) = delete;
    Signer& operator=(Signer&&) = delete;

    // A compact JWS: header {alg, x5c | kid}, claims exactly {aud, iss, scope, iat, exp, jti}
    // (+ resource when configured), iat = now, exp = now + grant_lifetime_seconds, a fresh random jti.
    [[nodiscard]] std::string make_grant(std::chrono::system_clock::time_point now) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class TokenSource {
public:
    TokenSource() = default;
    TokenSource(const TokenSource&) = delete;
    TokenSource& operator=(const TokenSource&) = delete;
    TokenSource(TokenSource&&) = delete;
    TokenSource& operator=(TokenSource&&) = delete;
    virtual ~TokenSource() = default;
    // The value for "Authorization: Bearer <token>". Throws TokenError. Thread-safe.
    virtual std::string bearer_token() = 0;
};

// A token obtained elsewhere (tests, a sidecar that renews it).
class StaticTokenSource final : public TokenSource {
public:
    explicit StaticTokenSource(std::string token);  // throws TokenError when empty
    // The file's content without surrounding white space; read once. Throws TokenError.
    static std::unique_ptr<StaticTokenSource> from_file(const std::filesystem::path& file);
    // The variable's value without surrounding white space; read once. Throws TokenError.
    static std::unique_ptr<StaticTokenSource> from_env(const std::string& variable);
    std::string bearer_token() override;

private:
    std::string token_;
};

class MaskinportenTokenSource final : public TokenSource {
public:
    using Clock = std::function<std::chrono::system_clock::time_point()>;
    // Loads the key at once (throws KeyError / TokenError). `http` must outlive this object.
    MaskinportenTokenSource(
        HttpClient& http, MaskinportenSettings settings, Clock clock = [] { return std::chrono::system_clock::now(); });
    ~MaskinportenTokenSource() override;
    MaskinportenTokenSource(const MaskinportenTokenSource&) = delete;
    MaskinportenTokenSource& operator=(const MaskinportenTokenSource&) = delete;
    MaskinportenTokenSource(MaskinportenTokenSource&&) = delete;
    MaskinportenTokenSource& operator=(MaskinportenTokenSource&&) = delete;

    // The cached token while now < fetched + expires_in - refresh_margin; otherwise one
    // request to the token endpoint (concurrent callers wait for it). A timeout or a 5xx
    // answer is retried once, with a fresh grant. Failures are not cached.
    std::string bearer_token() override;
    // Forgets the cached token (e.g. after a registry answered 401 to it).
    void invalidate();

private:
    std::string fetch(std::chrono::system_clock::time_point now);

    HttpClient& http_;
    MaskinportenSettings settings_;
    Clock clock_;
    std::unique_ptr<Signer> signer_;
    std::mutex mutex_;
    std::string token_;
    std::chrono::system_clock::time_point valid_until_{};
};

}  // namespace preflight::registry
