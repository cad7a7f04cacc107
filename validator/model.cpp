#include "validator/model.hpp"

#include <algorithm>
#include <array>

namespace preflight {
namespace {
constexpr std::array<std::string_view, 9> kChannels{"general", "dpi",   "print",   "dpo",   "dpv",
                                                    "dpf",     "email", "signing", "manual"};
constexpr std::array<std::string_view, 9> kRoutes{"dpi-digital", "dpi-print", "dpo",    "dpv",    "dpf",
                                                  "email",       "signing",   "manual", "unknown"};
constexpr std::array<std::string_view, 3> kSeverities{"info", "warn", "block"};
}  // namespace

std::string_view to_string(Severity s) { return kSeverities.at(static_cast<std::size_t>(s)); }
std::string_view to_string(Channel c) { return kChannels.at(static_cast<std::size_t>(c)); }
std::string_view to_string(Route r) { return kRoutes.at(static_cast<std::size_t>(r)); }

std::optional<Channel> parse_channel(std::string_view s) {
    const auto* it = std::find(kChannels.begin(), kChannels.end(), s);
    if (it == kChannels.end()) {
        return std::nullopt;
    }
    return static_cast<Channel>(it - kChannels.begin());
}

std::string_view to_string(Carrier c) {
    static constexpr std::array<std::string_view, 8> kCarriers{"DPI",         "DPV",     "DPO",    "DPF",
                                                               "DPO/DPF/DPV", "signing", "e-mail", "manual"};
    return kCarriers.at(static_cast<std::size_t>(c));
}

bool Targets::carried_by(Carrier c) const { return std::find(carriers.begin(), carriers.end(), c) != carriers.end(); }

bool Targets::has(Channel c) const { return std::find(channels.begin(), channels.end(), c) != channels.end(); }

bool Targets::any_of(std::initializer_list<Channel> cs) const {
    return std::any_of(cs.begin(), cs.end(), [this](Channel c) { return has(c); });
}

}  // namespace preflight
