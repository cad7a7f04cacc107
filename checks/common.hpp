// Small helpers shared by the checks. A check file includes this and check.hpp only.
#pragma once

#include "base/identifiers.hpp"
#include "validator/catalogue.hpp"
#include "validator/check.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <string>

namespace preflight::checks {

// A document whose content can be inspected: it exists, can be read and is not empty.
inline bool inspectable(const Document& d) { return d.readable && d.bytes > 0; }

// 52428800 -> "52 428 800" (grouped with spaces, the same in both languages).
inline std::string grouped(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    const std::size_t lead = digits.size() % 3;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i != 0 && i >= lead && (i - lead) % 3 == 0) {
            out += ' ';
        }
        out += digits[i];
    }
    return out;
}

// "52 428 800 B (50,0 MiB)" in bokmål, "52 428 800 B (50.0 MiB)" in English.
inline std::string bytes_text(std::uint64_t n) {
    return fmt::format("{} B ({} MiB)", grouped(n), catalogue::decimal(static_cast<double>(n) / (1024.0 * 1024.0), 1));
}

inline constexpr double kMmPerPt = 25.4 / 72.0;

// Severity that blocks print-bound letters and is `otherwise` elsewhere.
inline Severity print_bound_or(const Targets& t, Severity otherwise) {
    return t.print_bound ? Severity::block : otherwise;
}

// Adds a finding about recipient `index`, with {recipient} (its name, or its id
// when it has no name) among the message arguments.
inline Finding& add_for(Findings& out, const JournalPost& post, std::size_t index, Severity severity,
                        std::string message_id, MessageArgs args = {}) {
    const Recipient& r = post.recipients[index];
    std::string label = r.name;
    if (label.empty()) {
        // Numbered from 1, as the text report numbers recipients (JSON keeps the 0-based index).
        label = r.id ? ident::normalise_id(*r.id) : "#" + std::to_string(index + 1);
    }
    args.emplace_back("recipient", label);
    Finding& f = out.add(severity, std::move(message_id), std::move(args));
    f.recipient = static_cast<int>(index);
    return f;
}

// Methods whose letter goes digitally or through the integrasjonspunkt's routing.
inline bool digital_or_general(Channel m) {
    return m == Channel::general || m == Channel::dpi || m == Channel::dpo || m == Channel::dpv || m == Channel::dpf;
}

// Whether recipient `r` gets the letter by e-mail: its method (and so its route) is
// e-mail, or the letter goes by e-mail alone (--channel email).
inline bool emailed(const Context& ctx, const Recipient& r) {
    return r.method == Channel::email || r.route == Route::email ||
           ctx.targets.channels == std::vector<Channel>{Channel::email};
}

}  // namespace preflight::checks

// Defines the factory that checks/list.inc names.
#define PREFLIGHT_REGISTER_CHECK(factory, Class) \
    std::unique_ptr<Check> factory() { return std::make_unique<Class>(); }
