// DP302 pdf-encrypted: encrypted or password-protected PDFs.
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class PdfEncrypted final : public Check {
public:
    std::string_view code() const override { return "DP302"; }
    std::string_view slug() const override { return "pdf-encrypted"; }
    Scope scope() const override { return Scope::document; }
    Facts needs() const override { return Fact::pdf; }
    bool prevents_fix() const override { return true; }
    void run(const Context& ctx, Findings& out) const override {
        const Severity severity = ctx.targets.print_bound || ctx.targets.signing() ? Severity::block : Severity::warn;
        for (const auto& d : ctx.post.documents) {
            if (!d.pdf || !d.pdf->encrypted) {
                continue;
            }
            const std::string method = d.pdf->encryption.empty() ? "?" : d.pdf->encryption;
            out.add(severity, d.pdf->needs_password ? "DP302.password" : "DP302.encrypted", {{"method", method}})
                .document = d.file;
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_pdf_encrypted, PdfEncrypted)
}  // namespace preflight::checks
