// DP406 main-name-mismatch: the main document's name differs from the journal post's
// title; the archive system then sends the main document without its attachments.
#include "base/text.hpp"
#include "checks/common.hpp"

#include <algorithm>

namespace preflight::checks {
namespace {

class MainNameMismatch final : public Check {
public:
    std::string_view code() const override { return "DP406"; }
    std::string_view slug() const override { return "main-name-mismatch"; }
    Scope scope() const override { return Scope::all_documents; }
    void run(const Context& ctx, Findings& out) const override {
        if (!ctx.post.title) {
            return;
        }
        const auto main = std::find_if(ctx.post.documents.begin(), ctx.post.documents.end(),
                                       [](const Document& d) { return d.role == Role::main; });
        if (main == ctx.post.documents.end()) {
            return;  // main-document reports it
        }
        if (text::trim(text::nfc(main->name)) == text::trim(text::nfc(*ctx.post.title))) {
            return;
        }
        const auto attachments = std::count_if(ctx.post.documents.begin(), ctx.post.documents.end(),
                                               [](const Document& d) { return d.role == Role::attachment; });
        const MessageArgs args{
            {"name", main->name}, {"title", *ctx.post.title}, {"attachments", std::to_string(attachments)}};
        out.add(attachments > 0 ? Severity::block : Severity::warn,
                attachments > 0 ? "DP406.with-attachments" : "DP406.alone", args)
            .document = main->file;
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_main_name_mismatch, MainNameMismatch)
}  // namespace preflight::checks
