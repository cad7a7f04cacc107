// DP701 course-environment: with --profile training, a recipient that is not one
// of the training environment's test recipients. The training environment can send
// digital post, but not to people and bodies in the real registers.
#include "base/identifiers.hpp"
#include "checks/common.hpp"

#include <sstream>

namespace preflight::checks {
namespace {

bool listed(const std::string& list, const std::string& id) {
    std::stringstream in(list);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (ident::normalise_id(item) == id) {
            return true;
        }
    }
    return false;
}

class CourseEnvironment final : public Check {
public:
    std::string_view code() const override { return "DP701"; }
    std::string_view slug() const override { return "course-environment"; }
    std::vector<OptionSpec> options() const override {
        return {{"test-recipients", OptionSpec::Kind::text, ""},
                {"allow-synthetic", OptionSpec::Kind::boolean, "true"}};
    }
    void run(const Context& ctx, Findings& out) const override {
        if (!ctx.run.training) {
            return;
        }
        for (std::size_t i = 0; i < ctx.post.recipients.size(); ++i) {
            const Recipient& r = ctx.post.recipients[i];
            if (r.method == Channel::manual || r.method == Channel::email) {
                continue;  // neither goes through the training environment's registers
            }
            const std::string id = r.id ? ident::normalise_id(*r.id) : "";
            if (id.empty()) {
                add_for(out, ctx.post, i, Severity::block, "DP701.no-id");
                continue;
            }
            const bool ok =
                ident::is_training_recipient(id) || listed(ctx.options.text("test-recipients"), id) ||
                (ctx.options.boolean("allow-synthetic") && ident::person_kind(id) == ident::PersonKind::synthetic);
            if (!ok) {
                add_for(out, ctx.post, i, Severity::block, "DP701.not-test", {{"id", id}});
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_course_environment, CourseEnvironment)
}  // namespace preflight::checks
