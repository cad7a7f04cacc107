// What the engine asks the national registers (Folkeregisteret through KRR,
// Enhetsregisteret, the service registry's capabilities): an interface, so that the
// engine does not know which sources answer. registry/ implements it (Directory).
#pragma once

#include "validator/records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace preflight::registry {

// What a capability lookup asks besides the identifier: the integrasjonspunkt's
// CapabilitiesController takes an optional process and an optional securityLevel,
// and the registry answers with the records for them only.
struct CapabilityQuery {
    std::string process;                // a process URN, or empty for every process
    std::optional<int> security_level;  // 3 or 4, or none
    // The cache key: "process|level", or "process|" without a level.
    [[nodiscard]] std::string key() const {
        return process + "|" + (security_level ? std::to_string(*security_level) : std::string());
    }
};

// The registers as the engine sees them.
class Registers {
public:
    Registers() = default;
    Registers(const Registers&) = delete;
    Registers& operator=(const Registers&) = delete;
    Registers(Registers&&) = delete;
    Registers& operator=(Registers&&) = delete;
    virtual ~Registers() = default;

    // Facts for each identifier: `ids[i]` is a normalised person id (11 digits) or
    // organisation number (9 digits). Capabilities are asked with `persons` for a person
    // (the digital post process) and with `organisations` for an organisation.
    virtual std::vector<Facts> lookup(const std::vector<std::string>& ids, const CapabilityQuery& persons,
                                      const CapabilityQuery& organisations) = 0;
    std::vector<Facts> lookup(const std::vector<std::string>& ids) { return lookup(ids, {}, {}); }
};

}  // namespace preflight::registry
