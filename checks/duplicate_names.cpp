// DP405 duplicate-names: two documents with one name; the archive system then sends
// only one of them, and nobody is told.
#include "base/text.hpp"
#include "checks/common.hpp"

#include <map>

namespace preflight::checks {
namespace {

class DuplicateNames final : public Check {
public:
    std::string_view code() const override { return "DP405"; }
    std::string_view slug() const override { return "duplicate-names"; }
    void run(const Context& ctx, Findings& out) const override {
        std::map<std::string, const Document*> first;
        for (const auto& d : ctx.post.documents) {
            const auto [it, fresh] = first.try_emplace(text::name_key(d.name), &d);
            if (!fresh) {
                out.add(Severity::block, "DP405.duplicate",
                        {{"name", d.name}, {"other", it->second->name}, {"other_file", it->second->file}})
                    .document = d.file;
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_duplicate_names, DuplicateNames)
}  // namespace preflight::checks
