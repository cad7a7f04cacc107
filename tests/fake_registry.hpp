// Fakes of KRR v2, Enhetsregisteret and the integrasjonspunkt's capabilities that
// answer from data in the registry file's format (docs/registry.md), in the real
// APIs' shapes. Used by the tests and by bench/ through the fake_registry program.
#pragma once

#include "tests/fake_http.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>

namespace preflight::testing {

struct FakeRegistryOptions {
    std::chrono::milliseconds delay{0};  // before every answer
    std::string token;                   // when set, KRR demands "Authorization: Bearer <token>"
};

// Answers:
//   POST /rest/v2/personer                     {"personer": [...]} for the known ids (max 1000 per request)
//   GET  /enhetsregisteret/api/enheter/{orgnr}  the entry, 410 when it has "gone": true, else 404
//   GET  /enhetsregisteret/api/underenheter/{orgnr}  404
//   GET  /api/capabilities/{id}                 {"capabilities": [...]} or 404
// Only GET /api/capabilities/{id}[?process=...&securityLevel=...], answered as the
// real registry does (the process's records only; at level 4 no DPV record for an
// organisation, and a 500 when that leaves none); nullopt for any other request. The fake integrasjonspunkt uses it
// too.
std::optional<FakeResponse> fake_capabilities_answer(const nlohmann::json& data, const FakeRequest& request);

FakeResponse fake_registry_answer(const nlohmann::json& data, const FakeRegistryOptions& options,
                                  const FakeRequest& request);

}  // namespace preflight::testing
