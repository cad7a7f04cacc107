// DP505 print-address: a recipient whose letter goes (or may go) to print without
// an address the print service can use.
#include "base/text.hpp"
#include "checks/common.hpp"
#include "validator/routing.hpp"

#include <algorithm>
#include <cctype>

namespace preflight::checks {
namespace {

bool four_digits(const std::string& s) {
    return s.size() == 4 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool norwegian(const std::string& country) {
    const std::string c = text::name_key(country);
    return c.empty() || c == "no" || c == "nor" || c == "norge" || c == "noreg" || c == "norway";
}

class PrintAddress final : public Check {
public:
    std::string_view code() const override { return "DP505"; }
    std::string_view slug() const override { return "print-address"; }
    std::vector<OptionSpec> options() const override {
        return {{"max-line-chars", OptionSpec::Kind::integer, "100", 1, 10000}};
    }
    void run(const Context& ctx, Findings& out) const override {
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            // Print-bound (the contract): routed to print, or a person with no known
            // digital route. An organisation never goes to print.
            if (print_bound(ctx.post.recipients[i])) {
                check_one(ctx, out, i, Severity::block);
            }
        }
        if (ctx.post.return_required) {
            check_return(ctx, out);
        }
    }

private:
    // NextMoveValidator.validatePrintBusinessMessage: a print message needs its
    // return address (retur.mottaker): the first address line, and for Norway
    // (no country, or Norge/Norway) postcode and city.
    static void check_return(const Context& ctx, Findings& out) {
        if (!ctx.post.return_address) {
            out.add(Severity::block, "DP505.no-return");
            return;
        }
        const Address& a = *ctx.post.return_address;
        const bool line1 = !a.lines.empty() && !text::trim(a.lines.front()).empty();
        if (!line1 || (norwegian(a.country) && (text::trim(a.postcode).empty() || text::trim(a.city).empty()))) {
            out.add(Severity::block, "DP505.return-incomplete");
        }
    }

    void check_one(const Context& ctx, Findings& out, std::size_t i, Severity severity) const {
        const Recipient& r = ctx.post.recipients[i];
        if (is_organisation(r)) {
            // Only method print gets here: the registry makes no print record for
            // an organisation, so no address would help.
            add_for(out, ctx.post, i, severity, "DP505.organisation");
            return;
        }
        // What the integrasjonspunkt fills in from the print record is not missing.
        const bool completed = r.address_completed_upstream;
        if (text::trim(r.name).empty() && !completed) {
            add_for(out, ctx.post, i, severity, "DP505.no-name");
        }
        if (!r.address) {
            if (!completed) {
                add_for(out, ctx.post, i, severity, "DP505.no-address");
            }
            return;
        }
        const Address& a = *r.address;
        const std::string line1 = a.lines.empty() ? "" : text::trim(a.lines.front());
        const auto limit = static_cast<std::size_t>(ctx.options.integer("max-line-chars"));
        if (line1.empty()) {
            if (!completed) {
                add_for(out, ctx.post, i, severity, "DP505.no-line");
            }
        } else if (text::char_count(line1) > limit) {
            add_for(out, ctx.post, i, severity, "DP505.line-too-long",
                    {{"count", std::to_string(text::char_count(line1))}, {"limit", std::to_string(limit)}});
        }
        if (norwegian(a.country)) {
            const std::string postcode = text::trim(a.postcode);
            if (!(completed && postcode.empty()) && !four_digits(postcode)) {
                add_for(out, ctx.post, i, severity, "DP505.postcode", {{"postcode", a.postcode}});
            }
            if (text::trim(a.city).empty() && !completed) {
                add_for(out, ctx.post, i, severity, "DP505.no-city");
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_print_address, PrintAddress)
}  // namespace preflight::checks
