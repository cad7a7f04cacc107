// DP602 email-personal-id: an e-mail dispatch where the title, a document name, a
// document's text or the name of a recipient who gets it by e-mail holds a valid
// fødselsnummer or D-nummer. E-mail is only allowed for letters without one.
#include "base/idscan.hpp"
#include "checks/common.hpp"

#include <algorithm>

namespace preflight::checks {
namespace {

bool by_email(const JournalPost& post, const Targets& targets) {
    return targets.has(Channel::email) || std::any_of(post.recipients.begin(), post.recipients.end(),
                                                      [](const Recipient& r) { return r.route == Route::email; });
}

class EmailPersonalId final : public Check {
public:
    std::string_view code() const override { return "DP602"; }
    std::string_view slug() const override { return "email-personal-id"; }
    Facts needs() const override { return Fact::text; }
    // Document text is only searched when the letter may go out as e-mail.
    bool wanted(const JournalPost& post, const Targets& targets, const SectionOptions& /*options*/) const override {
        return by_email(post, targets);
    }
    void run(const Context& ctx, Findings& out) const override {
        if (!by_email(ctx.post, ctx.targets)) {
            return;
        }
        if (ctx.post.title) {
            for (const auto& m : ident::find_person_ids(*ctx.post.title)) {
                out.add(Severity::block, "DP602.title", {{"id", m.id}});
            }
        }
        // The name an e-mail recipient is written to travels with the e-mail too.
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            const Recipient& r = ctx.post.recipients[i];
            if (!emailed(ctx, r)) {
                continue;
            }
            std::vector<std::string> seen;  // one number written twice in a name counts once
            for (const auto& m : ident::find_person_ids(r.name)) {
                if (std::find(seen.begin(), seen.end(), m.id) == seen.end()) {
                    seen.push_back(m.id);
                    add_for(out, ctx.post, i, Severity::block, "DP602.recipient-name", {{"id", m.id}});
                }
            }
        }
        for (const Document& d : ctx.post.documents) {
            std::vector<std::string> seen;  // an id in both the name and the file name counts once
            for (const std::string* name : {&d.name, &d.file}) {
                for (const auto& m : ident::find_person_ids(*name)) {
                    if (std::find(seen.begin(), seen.end(), m.id) == seen.end()) {
                        seen.push_back(m.id);
                        out.add(Severity::block, "DP602.name", {{"id", m.id}, {"name", *name}}).document = d.file;
                    }
                }
            }
            if (!inspectable(d)) {
                continue;
            }
            for (const auto& hit : d.person_ids) {
                Finding& f = out.add(Severity::block, hit.page ? "DP602.page" : "DP602.text", {{"id", hit.id}});
                f.document = d.file;
                f.page = hit.page;
            }
            if (!d.text_searched) {
                out.add(Severity::warn, "DP602.not-searched", {{"type", catalogue::file_type(d.type)}}).document =
                    d.file;
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_email_personal_id, EmailPersonalId)
}  // namespace preflight::checks
