// DP502 identifier-invalid: a recipient id that is no fødselsnummer, D-nummer or
// organisasjonsnummer: wrong length, not digits, an impossible date or a bad check digit.
#include "base/identifiers.hpp"
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class IdentifierInvalid final : public Check {
public:
    std::string_view code() const override { return "DP502"; }
    std::string_view slug() const override { return "identifier-invalid"; }
    void run(const Context& ctx, Findings& out) const override {
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            const Recipient& r = ctx.post.recipients[i];
            if (!r.id || r.method == Channel::manual || r.method == Channel::signing) {
                continue;  // manual: not sent by us; signers: DP511
            }
            const std::string id = ident::normalise_id(*r.id);
            if (id.empty()) {
                continue;  // no id at all: DP501
            }
            switch (ident::classify(id)) {
                case ident::IdClass::person_invalid:
                    add_for(out, ctx.post, i, Severity::block, "DP502.person", {{"id", id}});
                    break;
                case ident::IdClass::organisation_invalid:
                    add_for(out, ctx.post, i, Severity::block, "DP502.organisation", {{"id", id}});
                    break;
                case ident::IdClass::unknown_format:
                    add_for(out, ctx.post, i, Severity::block, "DP502.format",
                            {{"id", id}, {"length", std::to_string(id.size())}});
                    break;
                case ident::IdClass::person:
                case ident::IdClass::organisation:
                    break;
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_identifier_invalid, IdentifierInvalid)
}  // namespace preflight::checks
