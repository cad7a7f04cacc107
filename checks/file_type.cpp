// DP401 file-type: content types a channel does not accept (sniffed, not the extension).
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class FileType final : public Check {
public:
    std::string_view code() const override { return "DP401"; }
    std::string_view slug() const override { return "file-type"; }
    Scope scope() const override { return Scope::document; }
    bool prevents_fix() const override { return true; }
    void run(const Context& ctx, Findings& out) const override {
        const bool pdf_only = ctx.targets.print_bound || ctx.targets.signing() || ctx.targets.carried_by(Carrier::dpi);
        for (const auto& d : ctx.post.documents) {
            if (!inspectable(d) || d.type == "application/pdf" || (ctx.run.templates && d.docx)) {
                continue;
            }
            if (pdf_only) {
                out.add(Severity::block, "DP401.pdf-only", {{"type", catalogue::file_type(d.type)}}).document = d.file;
            } else if (d.type == "application/octet-stream") {
                out.add(Severity::warn, "DP401.unknown", {{"type", catalogue::file_type(d.type)}}).document = d.file;
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_file_type, FileType)
}  // namespace preflight::checks
