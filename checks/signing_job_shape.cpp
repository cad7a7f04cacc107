// DP203 signing-job-shape: a signing job needs 1-20 documents and at most 10 signers.
#include "checks/common.hpp"

#include <algorithm>

namespace preflight::checks {
namespace {

class SigningJobShape final : public Check {
public:
    std::string_view code() const override { return "DP203"; }
    std::string_view slug() const override { return "signing-job-shape"; }
    Scope scope() const override { return Scope::all_documents; }
    std::vector<OptionSpec> options() const override {
        return {{"max-documents", OptionSpec::Kind::integer, "20", 1, 1000},
                {"max-signers", OptionSpec::Kind::integer, "10", 1, 1000}};
    }
    void run(const Context& ctx, Findings& out) const override {
        if (!ctx.targets.signing()) {
            return;
        }
        const auto docs = ctx.post.documents.size();
        const auto max_docs = static_cast<std::size_t>(ctx.options.integer("max-documents"));
        if (docs < 1 || docs > max_docs) {
            out.add(Severity::block, "DP203.documents",
                    {{"count", std::to_string(docs)}, {"max", std::to_string(max_docs)}});
        }
        const auto signers =
            static_cast<std::size_t>(std::count_if(ctx.post.recipients.begin(), ctx.post.recipients.end(),
                                                   [](const Recipient& r) { return r.method == Channel::signing; }));
        const auto max_signers = static_cast<std::size_t>(ctx.options.integer("max-signers"));
        if (signers > max_signers) {
            out.add(Severity::block, "DP203.signers",
                    {{"count", std::to_string(signers)}, {"max", std::to_string(max_signers)}});
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_signing_job_shape, SigningJobShape)
}  // namespace preflight::checks
