#include "registry/source.hpp"

#include "registry/shapes.hpp"

#include <fmt/format.h>

#include <ctime>

namespace preflight::registry {

using shapes::with;

std::vector<Answer<Person>> Source::persons(std::span<const std::string> ids) {
    return std::vector<Answer<Person>>(ids.size(), with<Person>(Outcome::unknown, name()));
}
Answer<Organisation> Source::organisation(const std::string& /*orgnr*/) {
    return with<Organisation>(Outcome::unknown, name());
}
Answer<Capabilities> Source::capabilities(const std::string& /*id*/, const CapabilityQuery& /*query*/) {
    return with<Capabilities>(Outcome::unknown, name());
}

std::string utc_today() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

}  // namespace preflight::registry
