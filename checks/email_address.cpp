// DP603 email-address: a recipient sent the letter by e-mail without a usable
// e-mail address.
#include "base/text.hpp"
#include "checks/common.hpp"

#include <algorithm>

namespace preflight::checks {
namespace {

// local@domain.tld: one @, something before it, a dot in the domain, no spaces or
// control characters, nothing that a mail system would take apart (<>,;).
bool plausible_email(const std::string& s) {
    const auto at = s.find('@');
    if (at == std::string::npos || at == 0 || s.find('@', at + 1) != std::string::npos || s.size() > 254) {
        return false;
    }
    const std::string domain = s.substr(at + 1);
    const auto dot = domain.rfind('.');
    if (dot == std::string::npos || dot == 0 || dot + 2 > domain.size() || domain.find("..") != std::string::npos) {
        return false;
    }
    return std::none_of(s.begin(), s.end(), [](char c) {
        return static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' ||
               c == '(' || c == ')' || c == '[' || c == ']' || c == '\\';
    });
}

class EmailAddress final : public Check {
public:
    std::string_view code() const override { return "DP603"; }
    std::string_view slug() const override { return "email-address"; }
    void run(const Context& ctx, Findings& out) const override {
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            const Recipient& r = ctx.post.recipients[i];
            if (r.route != Route::email && !(ctx.targets.channels == std::vector<Channel>{Channel::email})) {
                continue;
            }
            const std::string email = r.email ? text::trim(*r.email) : "";
            if (email.empty()) {
                add_for(out, ctx.post, i, Severity::block, "DP603.missing");
            } else if (!plausible_email(email)) {
                add_for(out, ctx.post, i, Severity::block, "DP603.invalid", {{"email", email}});
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_email_address, EmailAddress)
}  // namespace preflight::checks
