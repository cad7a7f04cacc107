// DP403 file-missing: listed files that are missing, unreadable or empty.
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

class FileMissing final : public Check {
public:
    std::string_view code() const override { return "DP403"; }
    std::string_view slug() const override { return "file-missing"; }
    Scope scope() const override { return Scope::document; }
    bool prevents_fix() const override { return true; }
    void run(const Context& ctx, Findings& out) const override {
        for (const auto& d : ctx.post.documents) {
            if (!d.readable) {
                const bool known = d.io_error == "missing" || d.io_error == "not-file" || d.io_error == "denied";
                const std::string id = known ? "DP403." + d.io_error : std::string("DP403.unreadable");
                Finding& f = out.add(Severity::block, id, {{"path", d.path.string()}, {"reason", d.io_error}});
                f.document = d.file;
                if (!ctx.post.from_manifest && id != "DP403.denied") {
                    f.remedy_id = id + "-loose.remedy";  // the files were named on the command line: no manifest
                }
            } else if (d.bytes == 0) {
                out.add(Severity::block, "DP403.empty", {{"path", d.path.string()}}).document = d.file;
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_file_missing, FileMissing)
}  // namespace preflight::checks
