// The registry sources a run uses, built from the INI configuration:
// [registry], [krr], [enhetsregisteret], [capabilities], [maskinporten]
// (docs/registry.md).
#pragma once

#include "registry/http.hpp"
#include "registry/maskinporten.hpp"
#include "registry/sources.hpp"
#include "validator/config.hpp"

#include <memory>
#include <vector>

namespace preflight::registry {

// [registry]: the export file, the built-in training recipients, strict mode, the
// cache of online answers and the HTTP timeouts every online source shares.
Section registry_section();
// The registries' sections in the order of `preflight checks --dump-config`:
// [registry], [krr], [maskinporten], [enhetsregisteret], [capabilities].
std::vector<Section> config_sections();

struct Registries {
    std::unique_ptr<HttpClient> http;
    std::unique_ptr<TokenSource> token;  // KRR's bearer token: Maskinporten, a file or the environment
    std::unique_ptr<Directory> directory;
};

// Order of the sources: the registry file, KRR, Enhetsregisteret, capabilities,
// then the built-in training recipients. Throws UsageError for a registry file
// that cannot be read or parsed, and for a Maskinporten key that cannot be used.
// `upstream` is the gate's integrasjonspunkt (serve --upstream): without a
// [capabilities] url, its own /api/capabilities/{id} is asked, the authority on
// what the integrasjonspunkt will accept. Empty on the command line.
Registries make_registries(const Config& config, const std::string& upstream = {});

}  // namespace preflight::registry
