// KRR v2, the contact and reservation register (Folkeregisteret's persons):
// [krr] in the configuration (docs/registry.md).
#pragma once

#include "registry/http.hpp"
#include "registry/source.hpp"
#include "validator/config.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace preflight::registry {

// [krr]: url (empty: not asked), token-file or token-env (else [maskinporten]), batch-size.
Section krr_section();

using TokenProvider = std::function<std::string()>;  // a bearer token; throws on failure

struct KrrSettings {
    std::string base_url;  // e.g. https://kontaktregisteret.no (the path /rest/v2/personer is added)
    TokenProvider token;   // empty: no Authorization header
    std::size_t batch_size = 1000;
};
std::unique_ptr<Source> make_krr_source(HttpClient& http, KrrSettings settings);

}  // namespace preflight::registry
