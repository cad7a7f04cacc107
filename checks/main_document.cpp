// DP404 main-document: a journal post needs exactly one main document.
#include "checks/common.hpp"

#include <algorithm>

namespace preflight::checks {
namespace {

class MainDocument final : public Check {
public:
    std::string_view code() const override { return "DP404"; }
    std::string_view slug() const override { return "main-document"; }
    Scope scope() const override { return Scope::all_documents; }
    void run(const Context& ctx, Findings& out) const override {
        const auto mains = std::count_if(ctx.post.documents.begin(), ctx.post.documents.end(),
                                         [](const Document& d) { return d.role == Role::main; });
        if (mains == 0) {
            out.add(Severity::block, "DP404.none", {{"count", std::to_string(ctx.post.documents.size())}});
        } else if (mains > 1) {
            out.add(Severity::block, "DP404.several", {{"count", std::to_string(mains)}});
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_main_document, MainDocument)
}  // namespace preflight::checks
