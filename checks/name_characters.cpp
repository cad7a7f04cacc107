// DP102 name-characters: names and file names that are not clean UTF-8 text.
#include "checks/common.hpp"
#include "validator/text.hpp"

#include <filesystem>

namespace preflight::checks {
namespace {

// The first control or path character in `s`, printed for the message; empty if none.
std::string first_bad_char(std::string_view s, bool path_chars) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7F) {
            return fmt::format("U+{:04X}", c);
        }
        if (c == 0xC2 && i + 1 < s.size()) {  // C1 controls U+0080..U+009F
            const auto n = static_cast<unsigned char>(s[i + 1]);
            if (n >= 0x80 && n <= 0x9F) {
                return fmt::format("U+{:04X}", n);
            }
        }
        if (path_chars && std::string_view("/\\:*?\"<>|").find(static_cast<char>(c)) != std::string_view::npos) {
            return std::string(1, static_cast<char>(c));
        }
    }
    return {};
}

class NameCharacters final : public Check {
public:
    std::string_view code() const override { return "DP102"; }
    std::string_view slug() const override { return "name-characters"; }
    void run(const Context& ctx, Findings& out) const override {
        for (const auto& d : ctx.post.documents) {
            const std::string base = std::filesystem::path(d.file).filename().string();
            const std::pair<std::string_view, std::string_view> fields[] = {{"name", d.name}, {"file", base}};
            for (const auto& [field, value] : fields) {
                if (!text::valid_utf8(value)) {
                    out.add(Severity::block, field == "name" ? "DP102.invalid-name" : "DP102.invalid-file",
                            {{"value", text::printable(value)}})
                        .document = text::printable(d.file);
                    continue;
                }
                const std::string bad = first_bad_char(value, true);
                if (!bad.empty()) {
                    out.add(Severity::warn, field == "name" ? "DP102.bad-char-name" : "DP102.bad-char-file",
                            {{"value", text::printable(value)}, {"char", bad}})
                        .document = d.file;
                }
            }
        }
    }
};

}  // namespace
PREFLIGHT_REGISTER_CHECK(make_name_characters, NameCharacters)
}  // namespace preflight::checks
