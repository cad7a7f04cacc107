// Enhetsregisteret (Brønnøysundregistrene's organisations and sub-units):
// [enhetsregisteret] in the configuration (docs/registry.md).
#pragma once

#include "registry/http.hpp"
#include "registry/source.hpp"
#include "validator/config.hpp"

#include <functional>
#include <memory>
#include <string>

namespace preflight::registry {

// [enhetsregisteret]: url (empty: not asked).
Section enhetsregisteret_section();

// `today` as YYYY-MM-DD decides whether a slettedato lies in the past.
std::unique_ptr<Source> make_brreg_source(HttpClient& http, std::string base_url, std::function<std::string()> today);

}  // namespace preflight::registry
