// DP407 duplicate-file-names: two files of one message with one file name; the
// integrasjonspunkt refuses the second (DuplicateFilenameException), so the letter
// cannot be sent as it is.
#include "checks/common.hpp"

#include <filesystem>
#include <map>

namespace preflight::checks {
namespace {

// The file name the archive system sends: the last part of the manifest's path (in the
// gate, the upload's file name). The integrasjonspunkt compares them as Java strings:
// exactly, case and all.
std::string sent_name(const Document& d) { return std::filesystem::path(d.file).filename().string(); }

class DuplicateFileNames final : public Check {
public:
    std::string_view code() const override { return "DP407"; }
    std::string_view slug() const override { return "duplicate-file-names"; }
    void run(const Context& ctx, Findings& out) const override {
        std::map<std::string, const Document*> first;
        for (const auto& d : ctx.post.documents) {
            const std::string name = sent_name(d);
            if (name.empty()) {
                continue;
            }
            const auto [it, fresh] = first.try_emplace(name, &d);
            if (!fresh) {
                out.add(Severity::block, "DP407.duplicate", {{"filename", name}, {"other_file", it->second->file}})
                    .document = d.file;
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_duplicate_file_names, DuplicateFileNames)
}  // namespace preflight::checks
