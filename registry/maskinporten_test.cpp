// Maskinporten grants and tokens against a local fake token endpoint that really
// verifies each grant (signature with the x5c certificate's or the kid's key, the
// exact claim set, the lifetime, the audience, jti never reused). Keys,
// certificates and a PKCS#12 file are made at test time in a temporary directory:
// no private key is committed.
#include "registry/maskinporten.hpp"
#include "registry/openssl_ptr.hpp"
#include "tests/cli_harness.hpp"

#include "registry/http.hpp"
#include "tests/fake_http.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <thread>
#include <vector>

using namespace preflight::registry;
using nlohmann::json;
using preflight::testing::FakeHttpServer;
using preflight::testing::FakeRequest;
using preflight::testing::FakeResponse;

namespace {

namespace fs = std::filesystem;

using namespace preflight::registry::ossl;

const char* const kPassword = "correct horse battery staple";

void write_file(const fs::path& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary);
    out << data;
}

template <typename Write>
std::string pem(Write write) {
    const BioPtr bio(BIO_new(BIO_s_mem()));
    if (write(bio.get()) != 1) {
        throw std::runtime_error("PEM write failed");
    }
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return {data, static_cast<std::size_t>(n)};
}

X509Ptr make_certificate(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, long serial) {
    X509Ptr x(X509_new());
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), serial);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 7L * 24 * 3600);
    X509_set_pubkey(x.get(), key);
    X509_NAME* name = X509_get_subject_name(x.get());
    X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("NO"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Preflight Test AS"), -1,
                               -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
    X509_set_issuer_name(x.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
    if (X509_sign(x.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) {
        throw std::runtime_error("X509_sign failed");
    }
    return x;
}

std::string der_base64(X509* cert) {
    unsigned char* der = nullptr;
    const int n = i2d_X509(cert, &der);
    std::string out(4 * ((static_cast<std::size_t>(n) + 2) / 3) + 1, '\0');
    out.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), der, n)));
    OPENSSL_free(der);
    return out;
}

// Keys and certificates for every test, made once per process in a temporary directory.
struct Material {
    fs::path dir;
    PkeyPtr key;    // the organisation's key
    PkeyPtr other;  // an issuing CA's key, and "somebody else's key"
    X509Ptr cert;   // self-signed, for `key`
    X509Ptr ca;     // self-signed, for `other`
    X509Ptr leaf;   // for `key`, issued by `ca`

    fs::path key_pem, key_pkcs1_pem, key_encrypted_pem, cert_pem, other_cert_pem, chain_pem, p12, ec_key_pem, garbage;

    Material() {
        std::string tmpl = (fs::temp_directory_path() / "preflight-maskinporten-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        dir = tmpl;
        key.reset(EVP_RSA_gen(2048));
        other.reset(EVP_RSA_gen(2048));
        const PkeyPtr ec(EVP_EC_gen("P-256"));
        if (!key || !other || !ec) {
            throw std::runtime_error("key generation failed");
        }
        cert = make_certificate(key.get(), "preflight test", nullptr, nullptr, 1);
        ca = make_certificate(other.get(), "preflight test CA", nullptr, nullptr, 2);
        leaf = make_certificate(key.get(), "preflight test leaf", ca.get(), other.get(), 3);

        key_pem = dir / "key.pem";
        write_file(key_pem, pem([&](BIO* b) {
                       return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
                   }));
        key_pkcs1_pem = dir / "key-pkcs1.pem";
        write_file(key_pkcs1_pem, pem([&](BIO* b) {
                       return PEM_write_bio_PrivateKey_traditional(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
                   }));
        key_encrypted_pem = dir / "key-encrypted.pem";
        write_file(key_encrypted_pem, pem([&](BIO* b) {
                       return PEM_write_bio_PKCS8PrivateKey(b, key.get(), EVP_aes_256_cbc(), kPassword,
                                                            static_cast<int>(std::strlen(kPassword)), nullptr, nullptr);
                   }));
        cert_pem = dir / "cert.pem";
        write_file(cert_pem, pem([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); }));
        other_cert_pem = dir / "other-cert.pem";
        write_file(other_cert_pem, pem([&](BIO* b) { return PEM_write_bio_X509(b, ca.get()); }));
        chain_pem = dir / "chain.pem";  // the CA first, on purpose
        write_file(chain_pem, pem([&](BIO* b) { return PEM_write_bio_X509(b, ca.get()); }) +
                                  pem([&](BIO* b) { return PEM_write_bio_X509(b, leaf.get()); }));
        ec_key_pem = dir / "ec-key.pem";
        write_file(ec_key_pem, pem([&](BIO* b) {
                       return PEM_write_bio_PrivateKey(b, ec.get(), nullptr, nullptr, 0, nullptr, nullptr);
                   }));
        garbage = dir / "garbage.key";
        write_file(garbage, "this is not a key\n");

        STACK_OF(X509)* cas = sk_X509_new_null();
        sk_X509_push(cas, ca.get());
        PKCS12* bundle = PKCS12_create(kPassword, "preflight test", key.get(), leaf.get(), cas, 0, 0, 0, 0, 0);
        sk_X509_free(cas);
        if (bundle == nullptr) {
            throw std::runtime_error("PKCS12_create failed");
        }
        unsigned char* der = nullptr;
        const int n = i2d_PKCS12(bundle, &der);
        PKCS12_free(bundle);
        p12 = dir / "bundle.p12";
        write_file(p12, std::string(reinterpret_cast<const char*>(der), static_cast<std::size_t>(n)));
        OPENSSL_free(der);
    }
    Material(const Material&) = delete;
    Material& operator=(const Material&) = delete;
    Material(Material&&) = delete;
    Material& operator=(Material&&) = delete;
    ~Material() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

const Material& material() {
    static const Material m;
    return m;
}

// --- decoding, as the real token endpoint would ---

std::optional<std::string> base64_decode(std::string text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    std::string out(text.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) {
        return std::nullopt;
    }
    std::size_t pad = 0;
    while (!text.empty() && text.back() == '=') {
        text.pop_back();
        ++pad;
    }
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

std::optional<std::string> base64url_decode(std::string text) {
    if (text.find_first_of("+/=") != std::string::npos) {
        return std::nullopt;  // url-safe, without padding
    }
    for (char& c : text) {
        if (c == '-') {
            c = '+';
        } else if (c == '_') {
            c = '/';
        }
    }
    while (text.size() % 4 != 0) {
        text += '=';
    }
    return base64_decode(text);
}

std::string url_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size()) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::map<std::string, std::string> parse_form(const std::string& body) {
    std::map<std::string, std::string> form;
    std::size_t start = 0;
    while (start <= body.size()) {
        const auto end = std::min(body.find('&', start), body.size());
        const std::string pair = body.substr(start, end - start);
        const auto eq = pair.find('=');
        form[url_decode(pair.substr(0, eq))] = eq == std::string::npos ? "" : url_decode(pair.substr(eq + 1));
        start = end + 1;
    }
    return form;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const auto pos = s.find(sep, start);
        parts.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
        if (pos == std::string::npos) {
            return parts;
        }
        start = pos + 1;
    }
}

std::set<std::string> keys_of(const json& j) {
    std::set<std::string> keys;
    for (const auto& [k, v] : j.items()) {
        keys.insert(k);
    }
    return keys;
}

struct Expected {
    std::string audience = "https://test.maskinporten.no/";
    std::string client_id = "0b1f0fc4-2b7c-4b2f-9a1d-2f3c9b0e7a11";
    std::string scope = "krr:global/kontaktinformasjon.read krr:global/digitalpost.read";
    std::string algorithm = "RS256";
    std::string kid;              // when set, the header must carry this kid ...
    EVP_PKEY* kid_key = nullptr;  // ... and the grant verifies with this key
    std::string resource;
};

// NOLINTNEXTLINE(bugprone-exception-escape): nlohmann::json's noexcept move only checks invariants
struct Verified {
    std::string error;  // empty when the grant is good
    json header;
    json claims;
    std::vector<X509Ptr> x5c;
};

// Everything the real endpoint checks, but the jti's uniqueness (that is state).
Verified verify_grant(const std::string& jwt, const Expected& e) {
    Verified v;
    const auto parts = split(jwt, '.');
    if (parts.size() != 3) {
        v.error = "not a compact JWS";
        return v;
    }
    const auto header = base64url_decode(parts[0]);
    const auto claims = base64url_decode(parts[1]);
    const auto signature = base64url_decode(parts[2]);
    if (!header || !claims || !signature) {
        v.error = "a part is not base64url without padding";
        return v;
    }
    v.header = json::parse(*header, nullptr, false);
    v.claims = json::parse(*claims, nullptr, false);
    if (!v.header.is_object() || !v.claims.is_object()) {
        v.error = "header or claims are not a JSON object";
        return v;
    }
    if (!v.header.contains("alg") || v.header["alg"] != e.algorithm) {
        v.error = "alg is not " + e.algorithm;
        return v;
    }
    const EVP_MD* md = e.algorithm == "RS256"   ? EVP_sha256()
                       : e.algorithm == "RS384" ? EVP_sha384()
                       : e.algorithm == "RS512" ? EVP_sha512()
                                                : nullptr;
    EVP_PKEY* verify_key = nullptr;
    if (!e.kid.empty()) {
        if (keys_of(v.header) != std::set<std::string>{"alg", "kid"} || v.header["kid"] != e.kid) {
            v.error = "header is not exactly {alg, kid} with the registered kid";
            return v;
        }
        verify_key = e.kid_key;
    } else {
        if (keys_of(v.header) != std::set<std::string>{"alg", "x5c"} || !v.header["x5c"].is_array() ||
            v.header["x5c"].empty()) {
            v.error = "header is not exactly {alg, x5c} with a certificate";
            return v;
        }
        for (const auto& entry : v.header["x5c"]) {
            const auto der = entry.is_string() && entry.get<std::string>().find_first_of("-_") == std::string::npos
                                 ? base64_decode(entry.get<std::string>())
                                 : std::nullopt;
            const auto* p = der ? reinterpret_cast<const unsigned char*>(der->data()) : nullptr;
            X509Ptr cert(der ? d2i_X509(nullptr, &p, static_cast<long>(der->size())) : nullptr);
            if (!cert) {
                v.error = "an x5c entry is not a base64 DER certificate";
                return v;
            }
            v.x5c.push_back(std::move(cert));
        }
        verify_key = X509_get0_pubkey(v.x5c.front().get());
    }
    const std::string input = parts[0] + "." + parts[1];
    const MdCtxPtr ctx(EVP_MD_CTX_new());
    if (md == nullptr || verify_key == nullptr ||
        EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, verify_key) != 1 ||
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
                         reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
        ERR_clear_error();
        v.error = "the signature does not verify";
        return v;
    }
    std::set<std::string> expected_claims{"aud", "iss", "scope", "iat", "exp", "jti"};
    if (!e.resource.empty()) {
        expected_claims.insert("resource");
    }
    const json& c = v.claims;
    if (keys_of(c) != expected_claims) {
        v.error = "Invalid assertion: the claims are not exactly the expected set";
    } else if (!c["iat"].is_number_integer() || !c["exp"].is_number_integer()) {
        v.error = "iat or exp is not an integer";
    } else if (c["exp"].get<long long>() - c["iat"].get<long long>() > 120 ||
               c["exp"].get<long long>() <= c["iat"].get<long long>()) {
        v.error = "exp is not within 120 s after iat";
    } else if (c["aud"] != e.audience) {
        v.error = "aud is not the issuer identifier";
    } else if (c["iss"] != e.client_id) {
        v.error = "unknown client";
    } else if (c["scope"] != e.scope) {
        v.error = "unexpected scope";
    } else if (!e.resource.empty() && c["resource"] != json::array({e.resource})) {
        v.error = "unexpected resource";
    } else if (!c["jti"].is_string() || c["jti"].get<std::string>().empty()) {
        v.error = "no jti";
    }
    return v;
}

FakeResponse oauth_error(int status, const std::string& error, const std::string& description) {
    return {status, json{{"error", error}, {"error_description", description}}.dump()};
}

// The token endpoint: POST /token, form-encoded, every grant verified, jti never reused.
class FakeMaskinporten {
public:
    explicit FakeMaskinporten(Expected e) : expected_(std::move(e)) {}

    FakeResponse handle(const FakeRequest& r) {
        if (r.method != "POST" || r.path != "/token") {
            return {404, "{}"};
        }
        const auto type = r.headers.find("content-type");
        if (type == r.headers.end() || type->second != "application/x-www-form-urlencoded") {
            return oauth_error(400, "invalid_request", "not a form");
        }
        auto form = parse_form(r.body);
        if (form.size() != 2 || form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer") {
            return oauth_error(400, "unsupported_grant_type", "expected exactly grant_type and assertion");
        }
        Verified v = verify_grant(form["assertion"], expected_);
        const std::lock_guard lock(mutex_);
        assertions_.push_back(form["assertion"]);
        if (!v.error.empty()) {
            return oauth_error(400, "invalid_grant", v.error);
        }
        if (!seen_jti_.insert(v.claims["jti"].get<std::string>()).second) {
            return oauth_error(400, "invalid_grant", "jti already used");
        }
        grants_.push_back(std::move(v));
        const std::string token = "token-" + std::to_string(grants_.size());
        FakeResponse res{200, json{{"access_token", token},
                                   {"token_type", "Bearer"},
                                   {"expires_in", expires_in},
                                   {"scope", expected_.scope}}
                                  .dump()};
        res.delay = delay;
        return res;
    }

    [[nodiscard]] std::size_t grants() const {
        const std::lock_guard lock(mutex_);
        return grants_.size();
    }
    [[nodiscard]] json header(std::size_t i) const {
        const std::lock_guard lock(mutex_);
        return grants_.at(i).header;
    }
    [[nodiscard]] json claims(std::size_t i) const {
        const std::lock_guard lock(mutex_);
        return grants_.at(i).claims;
    }
    [[nodiscard]] std::vector<std::string> x5c(std::size_t i) const {
        const std::lock_guard lock(mutex_);
        std::vector<std::string> out;
        for (const auto& c : grants_.at(i).x5c) {
            out.push_back(der_base64(c.get()));
        }
        return out;
    }
    [[nodiscard]] std::vector<std::string> assertions() const {
        const std::lock_guard lock(mutex_);
        return assertions_;
    }

    int expires_in = 120;
    std::chrono::milliseconds delay{0};

private:
    Expected expected_;
    mutable std::mutex mutex_;
    std::set<std::string> seen_jti_;
    std::vector<Verified> grants_;
    std::vector<std::string> assertions_;
};

MaskinportenSettings settings_for(const Expected& e, const std::string& token_url) {
    MaskinportenSettings s;
    s.token_url = token_url;
    s.audience = e.audience;
    s.client_id = e.client_id;
    s.scope = e.scope;
    s.algorithm = e.algorithm;
    s.kid = e.kid;
    s.resource = e.resource;
    s.key_file = material().key_pem;
    s.certificate_file = material().cert_pem;
    return s;
}

HttpSettings quick() {
    HttpSettings s;
    s.connect_timeout_ms = 500;
    s.total_timeout_ms = 300;
    return s;
}

// A clock the test moves by hand.
struct TestClock {
    std::atomic<std::int64_t> seconds{
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count()};
    MaskinportenTokenSource::Clock clock() {
        return [this] { return std::chrono::system_clock::time_point(std::chrono::seconds(seconds.load())); };
    }
};

// A fake endpoint, a client and a token source over them.
struct Rig {
    explicit Rig(Expected e = {}, const std::function<void(MaskinportenSettings&)>& adjust = {})
        : expected(std::move(e)),
          fake(expected),
          server([this](const FakeRequest& r) { return fake.handle(r); }),
          http(make_curl_client(quick())) {
        settings = settings_for(expected, server.base_url() + "/token");
        if (adjust) {
            adjust(settings);
        }
        source = std::make_unique<MaskinportenTokenSource>(*http, settings, clock.clock());
    }
    Expected expected;
    FakeMaskinporten fake;
    FakeHttpServer server;
    std::unique_ptr<HttpClient> http;
    TestClock clock;
    MaskinportenSettings settings;
    std::unique_ptr<MaskinportenTokenSource> source;
};

MaskinportenSettings offline(const std::function<void(MaskinportenSettings&)>& adjust) {
    MaskinportenSettings s = settings_for(Expected{}, "http://127.0.0.1:9/token");
    adjust(s);
    return s;
}

// The KeyError a Signer throws for these settings; fails the test when none is thrown.
KeyError key_error(const MaskinportenSettings& s) {
    try {
        const Signer signer(s);
    } catch (const KeyError& e) {
        return e;
    }
    ADD_FAILURE() << "expected a KeyError";
    return {"", ""};
}

std::string token_error(MaskinportenTokenSource& source) {
    try {
        (void)source.bearer_token();
    } catch (const TokenError& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected a TokenError";
    return "";
}

}  // namespace

// --- the grant itself ---

TEST(JwtGrant, HeaderAndClaimsAreExactlyWhatMaskinportenAccepts) {
    const Expected e;
    const Signer signer(settings_for(e, "https://test.maskinporten.no/token"));
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
    const std::string jwt = signer.make_grant(now);
    EXPECT_EQ(jwt.find_first_of("+/= "), std::string::npos);
    const Verified v = verify_grant(jwt, e);
    ASSERT_EQ(v.error, "");
    EXPECT_EQ(keys_of(v.header), (std::set<std::string>{"alg", "x5c"}));
    ASSERT_EQ(v.x5c.size(), 1U);
    EXPECT_EQ(v.header["x5c"][0].get<std::string>(), der_base64(material().cert.get()));
    EXPECT_EQ(v.claims["aud"].get<std::string>(), "https://test.maskinporten.no/");  // not the token URL
    EXPECT_EQ(v.claims["iss"].get<std::string>(), e.client_id);
    EXPECT_EQ(v.claims["scope"].get<std::string>(), e.scope);
    EXPECT_EQ(v.claims["iat"].get<long long>(), 1'800'000'000);
    EXPECT_EQ(v.claims["exp"].get<long long>(), 1'800'000'120);
}

TEST(JwtGrant, Rs384AndRs512Verify) {
    for (const char* alg : {"RS384", "RS512"}) {
        Expected e;
        e.algorithm = alg;
        const Signer signer(settings_for(e, "https://test.maskinporten.no/token"));
        const Verified v = verify_grant(signer.make_grant(std::chrono::system_clock::now()), e);
        EXPECT_EQ(v.error, "") << alg;
        EXPECT_EQ(v.header["alg"].get<std::string>(), alg);
    }
}

TEST(JwtGrant, JtiIsAFreshRandomUuidEveryTime) {
    const Expected e;
    const Signer signer(settings_for(e, "https://test.maskinporten.no/token"));
    const std::regex uuid4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    const auto now = std::chrono::system_clock::now();
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        const Verified v = verify_grant(signer.make_grant(now), e);
        ASSERT_EQ(v.error, "");
        const auto jti = v.claims["jti"].get<std::string>();
        EXPECT_TRUE(std::regex_match(jti, uuid4)) << jti;
        EXPECT_TRUE(seen.insert(jti).second) << jti;
    }
}

TEST(JwtGrant, ResourceOnlyWhenConfiguredAndLifetimeAsConfigured) {
    Expected e;
    e.resource = "https://krr.example/";
    MaskinportenSettings s = settings_for(e, "https://test.maskinporten.no/token");
    s.grant_lifetime_seconds = 60;
    const Verified v = verify_grant(Signer(s).make_grant(std::chrono::system_clock::now()), e);
    ASSERT_EQ(v.error, "");
    // An array of strings, as Maskinporten's JWT grant takes it.
    ASSERT_TRUE(v.claims["resource"].is_array());
    EXPECT_EQ(v.claims["resource"], json::array({"https://krr.example/"}));
    EXPECT_EQ(v.claims["exp"].get<long long>() - v.claims["iat"].get<long long>(), 60);
    // Several, separated by white space or commas.
    s.resource = "https://a.example/, https://b.example/";
    const auto two = Signer(s).make_grant(std::chrono::system_clock::now());
    const auto payload = base64url_decode(two.substr(two.find('.') + 1, two.rfind('.') - two.find('.') - 1));
    ASSERT_TRUE(payload);
    EXPECT_EQ(json::parse(*payload).at("resource"), json::array({"https://a.example/", "https://b.example/"}));
}

TEST(JwtGrant, BadSettingsAreRefusedUpFront) {
    const auto refused = [](const std::function<void(MaskinportenSettings&)>& adjust, const std::string& needle) {
        try {
            const Signer signer(offline(adjust));
            ADD_FAILURE() << "accepted; expected: " << needle;
        } catch (const TokenError& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        }
    };
    refused([](MaskinportenSettings& s) { s.algorithm = "HS256"; }, "HS256 is not RS256");
    refused([](MaskinportenSettings& s) { s.grant_lifetime_seconds = 121; }, "121 s");
    refused([](MaskinportenSettings& s) { s.audience.clear(); }, "audience is not set");
    refused([](MaskinportenSettings& s) { s.client_id.clear(); }, "client-id is not set");
    refused([](MaskinportenSettings& s) { s.scope.clear(); }, "scope is not set");
    auto http = make_curl_client(quick());
    const auto no_url = offline([](MaskinportenSettings& s) { s.token_url.clear(); });
    EXPECT_THROW({ const MaskinportenTokenSource source(*http, no_url); }, TokenError);
}

// --- keys and certificates ---

TEST(Maskinporten, PemKeyAndPemCertificateGetAVerifiedGrantAndAToken) {
    Rig rig;
    EXPECT_EQ(rig.source->bearer_token(), "token-1");
    ASSERT_EQ(rig.fake.grants(), 1U);
    EXPECT_EQ(rig.fake.x5c(0), std::vector<std::string>{der_base64(material().cert.get())});
    const auto requests = rig.server.requests();
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].headers.at("accept"), "application/json");
    EXPECT_EQ(requests[0].body.rfind("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=", 0),
              0U);
}

TEST(Maskinporten, Pkcs1PemKeyAndEncryptedPkcs8PemKeyWithItsPassword) {
    Rig pkcs1({}, [](MaskinportenSettings& s) { s.key_file = material().key_pkcs1_pem; });
    EXPECT_EQ(pkcs1.source->bearer_token(), "token-1");
    Rig encrypted({}, [](MaskinportenSettings& s) {
        s.key_file = material().key_encrypted_pem;
        s.key_password = kPassword;
    });
    EXPECT_EQ(encrypted.source->bearer_token(), "token-1");
}

TEST(Maskinporten, Pkcs12WithPasswordSendsItsCertificateAndChain) {
    Rig rig({}, [](MaskinportenSettings& s) {
        s.key_file = material().p12;
        s.certificate_file.clear();
        s.key_password = kPassword;
    });
    EXPECT_EQ(rig.source->bearer_token(), "token-1");
    EXPECT_EQ(rig.fake.x5c(0),
              (std::vector<std::string>{der_base64(material().leaf.get()), der_base64(material().ca.get())}));
}

TEST(Maskinporten, WrongPasswordIsAClearErrorNamingTheFile) {
    const KeyError p12 = key_error(offline([](MaskinportenSettings& s) {
        s.key_file = material().p12;
        s.certificate_file.clear();
        s.key_password = "wrong password";
    }));
    EXPECT_EQ(p12.file(), material().p12);
    EXPECT_NE(p12.reason().find("wrong password"), std::string::npos) << p12.what();
    EXPECT_NE(std::string(p12.what()).find(material().p12.string()), std::string::npos);

    const KeyError pem = key_error(offline([](MaskinportenSettings& s) {
        s.key_file = material().key_encrypted_pem;
        s.key_password = "not it";
    }));
    EXPECT_EQ(pem.file(), material().key_encrypted_pem);
    EXPECT_NE(pem.reason().find("wrong password"), std::string::npos) << pem.what();
    EXPECT_EQ(std::string(pem.what()).find("not it"), std::string::npos);

    const KeyError none = key_error(offline([](MaskinportenSettings& s) { s.key_file = material().p12; }));
    EXPECT_NE(none.reason().find("none is given"), std::string::npos) << none.what();
    const KeyError pem_none =
        key_error(offline([](MaskinportenSettings& s) { s.key_file = material().key_encrypted_pem; }));
    EXPECT_NE(pem_none.reason().find("no password is given"), std::string::npos) << pem_none.what();
}

TEST(Maskinporten, CertificateNotMatchingTheKeyIsRefused) {
    const KeyError e =
        key_error(offline([](MaskinportenSettings& s) { s.certificate_file = material().other_cert_pem; }));
    EXPECT_EQ(e.file(), material().other_cert_pem);
    EXPECT_NE(e.reason().find("does not match the private key"), std::string::npos) << e.what();
}

TEST(Maskinporten, TheKeysCertificateGoesFirstWhateverItsPlaceInTheChainFile) {
    Rig rig({}, [](MaskinportenSettings& s) { s.certificate_file = material().chain_pem; });
    EXPECT_EQ(rig.source->bearer_token(), "token-1");
    EXPECT_EQ(rig.fake.x5c(0),
              (std::vector<std::string>{der_base64(material().leaf.get()), der_base64(material().ca.get())}));
}

TEST(Maskinporten, UnusableKeyFilesAreClearErrors) {
    const auto reason = [](const std::function<void(MaskinportenSettings&)>& adjust) {
        return key_error(offline(adjust)).reason();
    };
    EXPECT_NE(reason([](MaskinportenSettings& s) { s.key_file = material().ec_key_pem; }).find("not an RSA key (EC)"),
              std::string::npos);
    EXPECT_NE(reason([](MaskinportenSettings& s) { s.key_file = material().dir / "missing.pem"; }).find("no such file"),
              std::string::npos);
    EXPECT_NE(reason([](MaskinportenSettings& s) { s.key_file = material().garbage; }).find("nor a PKCS#12"),
              std::string::npos);
    EXPECT_NE(reason([](MaskinportenSettings& s) { s.key_file = material().cert_pem; }).find("no PEM private key"),
              std::string::npos);
    EXPECT_NE(
        reason([](MaskinportenSettings& s) { s.certificate_file = material().key_pem; }).find("no PEM certificate"),
        std::string::npos);
    EXPECT_NE(reason([](MaskinportenSettings& s) { s.certificate_file.clear(); }).find("set certificate-file"),
              std::string::npos);
}

TEST(Maskinporten, KidInsteadOfX5c) {
    Expected e;
    e.kid = "preflight-test-key-1";
    e.kid_key = material().key.get();
    Rig rig(e, [](MaskinportenSettings& s) { s.certificate_file.clear(); });
    EXPECT_EQ(rig.source->bearer_token(), "token-1");
    EXPECT_EQ(rig.fake.header(0), (json{{"alg", "RS256"}, {"kid", "preflight-test-key-1"}}));
}

// --- tokens ---

TEST(Maskinporten, TheTokenIsCachedAndRenewedAtExpiryMinusMargin) {
    Rig rig;  // expires_in 120, margin 30
    const auto t0 = rig.clock.seconds.load();
    EXPECT_EQ(rig.source->bearer_token(), "token-1");
    EXPECT_EQ(rig.source->bearer_token(), "token-1");
    rig.clock.seconds = t0 + 89;
    EXPECT_EQ(rig.source->bearer_token(), "token-1");
    EXPECT_EQ(rig.server.request_count(), 1U);
    rig.clock.seconds = t0 + 90;
    EXPECT_EQ(rig.source->bearer_token(), "token-2");
    EXPECT_EQ(rig.server.request_count(), 2U);
    EXPECT_EQ(rig.fake.claims(1)["iat"].get<long long>(), t0 + 90);
    rig.source->invalidate();
    EXPECT_EQ(rig.source->bearer_token(), "token-3");
}

TEST(Maskinporten, AnErrorReplyNamesErrorAndDescriptionButNeverTheGrant) {
    FakeHttpServer server(
        [](const FakeRequest&) { return oauth_error(400, "invalid_client", "Client not found: unknown client id"); });
    auto http = make_curl_client(quick());
    MaskinportenTokenSource source(*http, settings_for({}, server.base_url() + "/token"));
    const std::string what = token_error(source);
    EXPECT_NE(what.find("HTTP 400"), std::string::npos) << what;
    EXPECT_NE(what.find("invalid_client: Client not found: unknown client id"), std::string::npos) << what;
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1U);  // a 4xx is not retried
    const std::string assertion = parse_form(requests[0].body)["assertion"];
    EXPECT_EQ(what.find(assertion.substr(assertion.rfind('.') + 1)), std::string::npos);
}

TEST(Maskinporten, MalformedJsonIsATokenErrorThatDoesNotQuoteTheBody) {
    FakeHttpServer server([](const FakeRequest&) { return FakeResponse{200, R"({"access_token": "secret-tok)"}; });
    auto http = make_curl_client(quick());
    MaskinportenTokenSource source(*http, settings_for({}, server.base_url() + "/token"));
    const std::string what = token_error(source);
    EXPECT_NE(what.find("not a JSON object"), std::string::npos) << what;
    EXPECT_EQ(what.find("secret-tok"), std::string::npos) << what;
}

TEST(Maskinporten, AnAnswerWithoutAUsableTokenIsATokenError) {
    for (const char* body :
         {R"({"token_type":"Bearer","expires_in":120})", R"({"access_token":"a b"})",
          R"({"access_token":"abc","token_type":"MAC"})", R"({"access_token":"abc","expires_in":"x"})"}) {
        FakeHttpServer server([body](const FakeRequest&) { return FakeResponse{200, body}; });
        auto http = make_curl_client(quick());
        MaskinportenTokenSource source(*http, settings_for({}, server.base_url() + "/token"));
        EXPECT_THROW((void)source.bearer_token(), TokenError) << body;
    }
}

TEST(Maskinporten, A5xxIsRetriedOnceWithAFreshGrant) {
    Rig rig;
    std::atomic<int> calls{0};
    FakeHttpServer flaky([&](const FakeRequest& r) {
        return ++calls == 1 ? FakeResponse{503, "<html>busy</html>", "text/html"} : rig.fake.handle(r);
    });
    MaskinportenTokenSource source(*rig.http, settings_for({}, flaky.base_url() + "/token"));
    EXPECT_EQ(source.bearer_token(), "token-1");
    const auto requests = flaky.requests();
    ASSERT_EQ(requests.size(), 2U);
    EXPECT_NE(parse_form(requests[0].body)["assertion"], parse_form(requests[1].body)["assertion"]);

    FakeHttpServer down([](const FakeRequest&) { return FakeResponse{502, "<html>bad gateway</html>", "text/html"}; });
    MaskinportenTokenSource failing(*rig.http, settings_for({}, down.base_url() + "/token"));
    const std::string what = token_error(failing);
    EXPECT_NE(what.find("HTTP 502"), std::string::npos) << what;
    EXPECT_EQ(down.request_count(), 2U);
}

TEST(Maskinporten, AServerThatNeverAnswersIsBoundedByTheHttpTimeout) {
    FakeHttpServer server([](const FakeRequest&) {
        FakeResponse r;
        r.never_answer = true;
        return r;
    });
    auto http = make_curl_client(quick());  // 300 ms
    MaskinportenTokenSource source(*http, settings_for({}, server.base_url() + "/token"));
    const auto start = std::chrono::steady_clock::now();
    const std::string what = token_error(source);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    EXPECT_NE(what.find("no token from Maskinporten"), std::string::npos) << what;
    EXPECT_EQ(server.request_count(), 2U);  // one retry after a timeout
}

TEST(Maskinporten, ARefusedConnectionIsATokenError) {
    int port = 0;
    {
        const FakeHttpServer gone([](const FakeRequest&) { return FakeResponse{}; });
        port = gone.port();
    }
    auto http = make_curl_client(quick());
    MaskinportenTokenSource source(*http, settings_for({}, "http://127.0.0.1:" + std::to_string(port) + "/token"));
    EXPECT_NE(token_error(source).find("no token from Maskinporten"), std::string::npos);
}

TEST(Maskinporten, EightThreadsAtOnceMakeOneRequest) {
    Rig rig;
    rig.fake.delay = std::chrono::milliseconds(200);
    std::vector<std::string> tokens(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        threads.emplace_back([&, i] { tokens[i] = rig.source->bearer_token(); });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(rig.server.request_count(), 1U);
    for (const auto& t : tokens) {
        EXPECT_EQ(t, "token-1");
    }
}

TEST(Maskinporten, TheFakeEndpointRefusesAReusedJtiATamperedGrantAndUnknownClaims) {
    Rig rig;
    const Signer signer(rig.settings);
    const std::string grant = signer.make_grant(std::chrono::system_clock::now());
    const auto post = [&](const std::string& assertion) {
        return rig.http->send({"POST",
                               rig.server.base_url() + "/token",
                               {{"Content-Type", "application/x-www-form-urlencoded"}},
                               "grant_type=" + url_encode("urn:ietf:params:oauth:grant-type:jwt-bearer") +
                                   "&assertion=" + url_encode(assertion)});
    };
    EXPECT_EQ(post(grant).status, 200);
    const auto again = post(grant);
    EXPECT_EQ(again.status, 400);
    EXPECT_EQ(json::parse(again.body)["error"].get<std::string>(), "invalid_grant");

    std::string tampered = signer.make_grant(std::chrono::system_clock::now());
    // A character inside the signature: the last one also carries padding bits a decoder drops.
    char& c = tampered[tampered.rfind('.') + 10];
    c = c == 'A' ? 'B' : 'A';
    EXPECT_EQ(json::parse(post(tampered).body)["error_description"].get<std::string>(),
              "the signature does not verify");

    Expected with_resource;
    with_resource.resource = "https://krr.example/";
    MaskinportenSettings s = settings_for(with_resource, "unused");
    EXPECT_NE(json::parse(post(Signer(s).make_grant(std::chrono::system_clock::now())).body)["error_description"]
                  .get<std::string>()
                  .find("Invalid assertion"),
              std::string::npos);
}

// --- a token from elsewhere ---

TEST(MaskinportenStaticToken, FromAFileTrimmedOrFromTheEnvironment) {
    const fs::path file = material().dir / "token.txt";
    write_file(file, "  abc.def.ghi\n\n");
    EXPECT_EQ(StaticTokenSource::from_file(file)->bearer_token(), "abc.def.ghi");
    ::setenv("PREFLIGHT_TEST_TOKEN", "xyz\n", 1);
    EXPECT_EQ(StaticTokenSource::from_env("PREFLIGHT_TEST_TOKEN")->bearer_token(), "xyz");
    ::unsetenv("PREFLIGHT_TEST_TOKEN");
    EXPECT_EQ(StaticTokenSource("t").bearer_token(), "t");
}

TEST(MaskinportenStaticToken, MissingEmptyOrMultiLineIsATokenError) {
    ::unsetenv("PREFLIGHT_TEST_TOKEN_UNSET");
    EXPECT_THROW((void)StaticTokenSource::from_env("PREFLIGHT_TEST_TOKEN_UNSET"), TokenError);
    const fs::path empty = material().dir / "empty-token.txt";
    write_file(empty, " \n");
    EXPECT_THROW((void)StaticTokenSource::from_file(empty), TokenError);
    const fs::path two = material().dir / "two-tokens.txt";
    write_file(two, "abc\ndef\n");
    EXPECT_THROW((void)StaticTokenSource::from_file(two), TokenError);
    EXPECT_THROW((void)StaticTokenSource::from_file(material().dir / "no-such-token"), TokenError);
    EXPECT_THROW((void)StaticTokenSource(""), TokenError);
}

// The wiring, end to end: preflight check with [maskinporten] and [krr] in the INI
// file gets a token from the fake Maskinporten (which verifies the grant) and KRR
// accepts only that token. The PKCS#12 password comes from the environment.
TEST(MaskinportenCli, KrrIsAskedWithTheTokenMaskinportenIssued) {
    Expected expected;
    FakeMaskinporten maskinporten(expected);
    FakeHttpServer token_server([&](const FakeRequest& r) { return maskinporten.handle(r); });
    std::vector<std::string> seen_tokens;
    std::mutex seen_mutex;
    FakeHttpServer krr([&](const FakeRequest& r) {
        const auto it = r.headers.find("authorization");
        {
            const std::lock_guard lock(seen_mutex);
            seen_tokens.push_back(it == r.headers.end() ? "" : it->second);
        }
        if (it == r.headers.end() || it->second != "Bearer token-1") {
            return FakeResponse{401, "{}"};
        }
        const json ids = json::parse(r.body).at("personidentifikatorer");
        json out{{"personer", json::array()}};
        for (const auto& id : ids) {
            out["personer"].push_back({{"personidentifikator", id},
                                       {"status", "AKTIV"},
                                       {"reservasjon", "JA"},
                                       {"varslingsstatus", "KAN_VARSLES"}});
        }
        return FakeResponse{200, out.dump()};
    });
    const fs::path dir = material().dir;
    write_file(dir / "cli.ini", "[registry]\nbuiltin = false\n[krr]\nurl = " + krr.base_url() +
                                    "\n[maskinporten]\ntoken-url = " + token_server.base_url() +
                                    "/token\naudience = " + expected.audience + "\nclient-id = " + expected.client_id +
                                    "\nkey-file = " + material().p12.string() +
                                    "\nkey-password-env = PREFLIGHT_TEST_P12_PASSWORD\n");
    ::setenv("PREFLIGHT_TEST_P12_PASSWORD", kPassword, 1);
    const auto r = preflight::testing::run_cli(
        {"lookup", "29129319060", "--config", (dir / "cli.ini").string(), "--format", "json", "--show-ids"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const json j = json::parse(r.out);
    EXPECT_EQ(j.at("sources").at(0).at("source"), "krr");
    EXPECT_EQ(j.at("sources").at(0).at("person").at("reservasjon"), "JA");
    EXPECT_EQ(j.at("routes").at("vedtak").at("route"), "dpi-print");
    // One grant for the whole run, though KRR was asked twice (each source, then the layered answer).
    EXPECT_EQ(maskinporten.grants(), 1U);
    {
        const std::lock_guard lock(seen_mutex);
        ASSERT_FALSE(seen_tokens.empty());
        for (const auto& t : seen_tokens) {
            EXPECT_EQ(t, "Bearer token-1");
        }
    }
    // A wrong password is a configuration error naming the key file: exit 2.
    ::setenv("PREFLIGHT_TEST_P12_PASSWORD", "wrong", 1);
    const auto bad = preflight::testing::run_cli({"lookup", "29129319060", "--config", (dir / "cli.ini").string()});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find(material().p12.string()), std::string::npos) << bad.err;
    ::unsetenv("PREFLIGHT_TEST_P12_PASSWORD");
}
