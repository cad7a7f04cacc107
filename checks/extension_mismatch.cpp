// DP402 extension-mismatch: the file name says one type, the content another.
#include "base/text.hpp"
#include "checks/common.hpp"

#include <algorithm>
#include <array>
#include <filesystem>

namespace preflight::checks {
namespace {

struct Expectation {
    std::string_view extension;
    std::array<std::string_view, 3> types;  // any of these (empty entries unused)
};

constexpr std::string_view kDocx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
constexpr std::string_view kXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
constexpr std::string_view kPptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

constexpr std::array<Expectation, 15> kExpected{{
    {".pdf", {"application/pdf", "", ""}},
    {".docx", {kDocx, "application/zip", ""}},
    {".xlsx", {kXlsx, "application/zip", ""}},
    {".pptx", {kPptx, "application/zip", ""}},
    {".doc", {"application/msword", "application/x-ole-storage", "application/CDFV2"}},
    {".odt", {"application/vnd.oasis.opendocument.text", "application/zip", ""}},
    {".txt", {"text/plain", "", ""}},
    {".jpg", {"image/jpeg", "", ""}},
    {".jpeg", {"image/jpeg", "", ""}},
    {".png", {"image/png", "", ""}},
    {".tif", {"image/tiff", "", ""}},
    {".tiff", {"image/tiff", "", ""}},
    {".xml", {"text/xml", "application/xml", ""}},
    {".html", {"text/html", "", ""}},
    {".zip", {"application/zip", "", ""}},
}};

class ExtensionMismatch final : public Check {
public:
    std::string_view code() const override { return "DP402"; }
    std::string_view slug() const override { return "extension-mismatch"; }
    Scope scope() const override { return Scope::document; }
    Severity max_severity() const override { return Severity::warn; }
    void run(const Context& ctx, Findings& out) const override {
        for (const auto& d : ctx.post.documents) {
            if (!inspectable(d) || d.type.empty()) {
                continue;
            }
            const std::string ext = text::ascii_lower(std::filesystem::path(d.file).extension().string());
            const auto* e = std::find_if(kExpected.begin(), kExpected.end(),
                                         [&](const Expectation& x) { return x.extension == ext; });
            if (e == kExpected.end()) {
                continue;
            }
            const bool ok = std::any_of(e->types.begin(), e->types.end(), [&](std::string_view t) {
                return !t.empty() && (t == d.type || (t == "text/plain" && d.type.rfind("text/", 0) == 0));
            });
            if (!ok) {
                out.add(Severity::warn, "DP402.mismatch", {{"extension", ext}, {"type", catalogue::file_type(d.type)}})
                    .document = d.file;
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_extension_mismatch, ExtensionMismatch)
}  // namespace preflight::checks
