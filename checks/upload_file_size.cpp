// DP204 upload-file-size: a single file over the integrasjonspunkt's per-file limit on
// the route it is sent by. Only the multipart route has one: NextMoveMessageOutController
// refuses a part over MAX_SIZE (5 MiB) with MultipartFileToLargeException. The gate
// knows the route (block there); the command line does not (info: it says what would
// happen if the archive system used that route).
#include "checks/common.hpp"

namespace preflight::checks {
namespace {

constexpr std::uint64_t kMultipartFileLimit = 5ULL * 1024 * 1024;  // NextMoveMessageOutController.MAX_SIZE

class UploadFileSize final : public Check {
public:
    std::string_view code() const override { return "DP204"; }
    std::string_view slug() const override { return "upload-file-size"; }
    Scope scope() const override { return Scope::document; }
    void run(const Context& ctx, Findings& out) const override {
        const Severity severity = ctx.run.multipart_upload ? Severity::block : Severity::info;
        for (const auto& d : ctx.post.documents) {
            if (d.bytes > kMultipartFileLimit) {  // the integrasjonspunkt's test: size > MAX_SIZE
                out.add(severity, ctx.run.multipart_upload ? "DP204.multipart" : "DP204.if-multipart",
                        {{"bytes", bytes_text(d.bytes)}, {"limit", bytes_text(kMultipartFileLimit)}})
                    .document = d.file;
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_upload_file_size, UploadFileSize)
}  // namespace preflight::checks
