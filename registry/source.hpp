// One registry source (registry/file_source.hpp, krr.hpp, brreg.hpp,
// capabilities.hpp): what it answers, and the shapes of the real APIs.
#pragma once

#include "validator/registers.hpp"

#include <nlohmann/json.hpp>

#include <span>
#include <string>
#include <vector>

namespace preflight::registry {

class Source {
public:
    Source() = default;
    Source(const Source&) = delete;
    Source& operator=(const Source&) = delete;
    Source(Source&&) = delete;
    Source& operator=(Source&&) = delete;
    virtual ~Source() = default;

    [[nodiscard]] virtual std::string name() const = 0;
    // Online sources are authoritative: "not found" from them is an answer.
    [[nodiscard]] virtual bool online() const { return false; }
    [[nodiscard]] virtual bool answers_persons() const { return false; }
    [[nodiscard]] virtual bool answers_organisations() const { return false; }
    [[nodiscard]] virtual bool answers_capabilities() const { return false; }
    // One answer per id, in order.
    virtual std::vector<Answer<Person>> persons(std::span<const std::string> ids);
    virtual Answer<Organisation> organisation(const std::string& orgnr);
    virtual Answer<Capabilities> capabilities(const std::string& id, const CapabilityQuery& query);
};

// The shapes of the real APIs, shared by the online clients and the registry file.
// Each throws std::invalid_argument (with a JSON pointer, no personal data) on a
// wrong shape.
Person person_from_krr(const nlohmann::json& entry);
Organisation organisation_from_brreg(const nlohmann::json& body, const std::string& today);
Capabilities capabilities_from_json(const nlohmann::json& body);

// Today's date in UTC as YYYY-MM-DD.
std::string utc_today();

}  // namespace preflight::registry
