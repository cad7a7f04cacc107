#include "registry/setup.hpp"

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/text.hpp"

#include <cstdlib>
#include <stdexcept>

namespace preflight::registry {
namespace {

// A bearer token from a file (re-read on every request batch, so a rotated token is
// picked up) or from an environment variable.
TokenProvider static_token(const std::filesystem::path& file, const std::string& env) {
    if (!file.empty()) {
        return [file] {
            const auto text = read_regular_file(file);
            if (!text) {
                throw std::runtime_error("cannot read the token file " + file.string());
            }
            std::string token = text::trim(*text);
            if (token.empty()) {
                throw std::runtime_error("the token file " + file.string() + " is empty");
            }
            return token;
        };
    }
    if (!env.empty()) {
        return [env] {
            const char* value = std::getenv(env.c_str());
            if (value == nullptr || *value == '\0') {
                throw std::runtime_error("the environment variable " + env + " is not set");
            }
            return text::trim(value);
        };
    }
    return {};
}

// A Maskinporten token source when [maskinporten] client-id is set.
std::unique_ptr<TokenSource> maskinporten_token(const Config& config, HttpClient& http) {
    const auto& mp = config.section("maskinporten");
    if (mp.text("client-id").empty()) {
        return nullptr;
    }
    MaskinportenSettings s;
    s.token_url = mp.text("token-url");
    s.audience = mp.text("audience");
    s.client_id = mp.text("client-id");
    s.scope = mp.text("scope");
    s.key_file = config.path(mp.text("key-file"));
    s.certificate_file = config.path(mp.text("certificate-file"));
    s.kid = mp.text("kid");
    s.algorithm = mp.text("algorithm");
    s.resource = mp.text("resource");
    if (const auto& env = mp.text("key-password-env"); !env.empty()) {
        const char* password = std::getenv(env.c_str());
        if (password == nullptr) {
            throw UsageError("error.maskinporten.password-env", {{"variable", env}});
        }
        s.key_password = password;
    }
    try {
        return std::make_unique<MaskinportenTokenSource>(http, std::move(s));
    } catch (const KeyError& e) {
        throw UsageError("error.maskinporten.key", {{"file", e.file().string()}, {"reason", e.reason()}});
    } catch (const TokenError& e) {
        throw UsageError("error.maskinporten.settings", {{"detail", e.what()}});
    }
}

}  // namespace

Section registry_section() {
    // Empty URLs in the sources' sections are sources not asked (docs/registry.md).
    return {"registry",
            {{"builtin", OptionSpec::Kind::boolean, "true"},
             {"file", OptionSpec::Kind::text, ""},
             {"strict", OptionSpec::Kind::boolean, "false"},
             {"cache-seconds", OptionSpec::Kind::integer, "300", 0, 86400},
             {"connect-timeout-ms", OptionSpec::Kind::integer, "2000", 1, 600000},
             {"timeout-ms", OptionSpec::Kind::integer, "10000", 1, 600000}}};
}

std::vector<Section> config_sections() {
    return {registry_section(), krr_section(), maskinporten_section(), enhetsregisteret_section(),
            capabilities_section()};
}

Registries make_registries(const Config& config, const std::string& upstream) {
    const auto& reg = config.section("registry");
    HttpSettings http;
    http.connect_timeout_ms = static_cast<long>(reg.integer("connect-timeout-ms"));
    http.total_timeout_ms = static_cast<long>(reg.integer("timeout-ms"));
    Registries out;
    out.http = make_curl_client(http);
    out.directory = std::make_unique<Directory>(std::chrono::seconds(reg.integer("cache-seconds")));
    if (!reg.text("file").empty()) {
        out.directory->add(load_file_source(config.path(reg.text("file"))));
    }
    const auto& krr = config.section("krr");
    if (!krr.text("url").empty()) {
        KrrSettings s;
        s.base_url = krr.text("url");
        s.token = static_token(config.path(krr.text("token-file")), krr.text("token-env"));
        if (!s.token) {
            out.token = maskinporten_token(config, *out.http);
            if (out.token) {
                s.token = [token = out.token.get()] { return token->bearer_token(); };
            }
        }
        s.batch_size = static_cast<std::size_t>(krr.integer("batch-size"));
        out.directory->add(make_krr_source(*out.http, std::move(s)));
    }
    if (const auto& url = config.section("enhetsregisteret").text("url"); !url.empty()) {
        out.directory->add(make_brreg_source(*out.http, url, {}));
    }
    if (const auto& url = config.section("capabilities").text("url"); !url.empty()) {
        out.directory->add(make_capabilities_source(*out.http, url));
    } else if (!upstream.empty()) {
        out.directory->add(make_capabilities_source(*out.http, upstream));
    }
    if (reg.boolean("builtin")) {
        out.directory->add(make_builtin_source());
    }
    return out;
}

}  // namespace preflight::registry
