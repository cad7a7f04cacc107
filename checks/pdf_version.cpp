// DP304 pdf-version: PDF versions the print chain and signing do not accept.
#include "checks/common.hpp"

#include <charconv>

namespace preflight::checks {
namespace {

// "1.7" -> 17, "2.0" -> 20; -1 when unreadable.
int version_number(std::string_view v) {
    const auto dot = v.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 >= v.size()) {
        return -1;
    }
    int major = 0;
    int minor = 0;
    if (std::from_chars(v.data(), v.data() + dot, major).ec != std::errc() ||
        std::from_chars(v.data() + dot + 1, v.data() + dot + 2, minor).ec != std::errc()) {
        return -1;
    }
    return major * 10 + minor;
}

class PdfVersion final : public Check {
public:
    std::string_view code() const override { return "DP304"; }
    std::string_view slug() const override { return "pdf-version"; }
    Scope scope() const override { return Scope::document; }
    Facts needs() const override { return Fact::pdf; }
    std::vector<OptionSpec> options() const override { return {{"max-version", OptionSpec::Kind::version, "1.7"}}; }
    void run(const Context& ctx, Findings& out) const override {
        const std::string& max = ctx.options.text("max-version");
        const int limit = version_number(max);
        const Severity severity = ctx.targets.print_bound || ctx.targets.signing() ? Severity::block : Severity::info;
        for (const auto& d : ctx.post.documents) {
            if (!d.pdf || d.pdf->version.empty()) {
                continue;
            }
            const int v = version_number(d.pdf->version);
            if (v > 0 && limit > 0 && v > limit) {
                out.add(severity, "DP304.too-new", {{"version", d.pdf->version}, {"max", max}}).document = d.file;
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_pdf_version, PdfVersion)
}  // namespace preflight::checks
