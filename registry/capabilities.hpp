// The service registry's capabilities, asked through an integrasjonspunkt's
// /api/capabilities/{id}: [capabilities] in the configuration (docs/registry.md).
#pragma once

#include "registry/http.hpp"
#include "registry/source.hpp"
#include "validator/config.hpp"

#include <memory>
#include <string>

namespace preflight::registry {

// [capabilities]: url (empty: not asked, unless the gate has an upstream).
Section capabilities_section();

std::unique_ptr<Source> make_capabilities_source(HttpClient& http, std::string base_url);

}  // namespace preflight::registry
