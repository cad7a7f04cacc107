// DP202 signing-document-size: signing documents over Posten signering's limit as these
// integrations meet it (3 MiB), one by one and together.
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class SigningDocumentSize final : public Check {
public:
    std::string_view code() const override { return "DP202"; }
    std::string_view slug() const override { return "signing-document-size"; }
    Scope scope() const override { return Scope::document; }
    std::vector<OptionSpec> options() const override {
        return {{"max-bytes", OptionSpec::Kind::integer, "3145728", 1, 1'000'000'000'000'000}};
    }
    void run(const Context& ctx, Findings& out) const override {
        if (!ctx.targets.signing()) {
            return;
        }
        const auto limit = static_cast<std::uint64_t>(ctx.options.integer("max-bytes"));
        std::uint64_t total = 0;
        std::size_t counted = 0;
        for (const auto& d : ctx.post.documents) {
            if (!d.readable) {
                continue;
            }
            total += d.bytes;
            ++counted;
            if (d.bytes > limit) {
                out.add(Severity::block, "DP202.document",
                        {{"size", bytes_text(d.bytes)}, {"limit", bytes_text(limit)}})
                    .document = d.file;
            }
        }
        if (counted > 1 && total > limit) {
            out.add(Severity::block, "DP202.total",
                    {{"total", bytes_text(total)}, {"limit", bytes_text(limit)}, {"count", std::to_string(counted)}});
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_signing_document_size, SigningDocumentSize)
}  // namespace preflight::checks
