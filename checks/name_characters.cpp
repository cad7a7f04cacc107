// DP102 name-characters: names and file names that are not clean UTF-8 text.
#include "base/text.hpp"
#include "checks/common.hpp"

#include <algorithm>
#include <filesystem>
#include <vector>

namespace preflight::checks {
namespace {

// A control character as shown: its code point and, for the common ones, the
// abbreviation of its name ("U+0009 (TAB)"); it cannot be shown itself.
std::string control_shown(unsigned c) {
    const char* abbreviation = c == 0x00   ? "NUL"
                               : c == 0x09 ? "TAB"
                               : c == 0x0A ? "LF"
                               : c == 0x0D ? "CR"
                               : c == 0x1B ? "ESC"
                               : c == 0x7F ? "DEL"
                                           : nullptr;
    return abbreviation != nullptr ? fmt::format("U+{:04X} ({})", c, abbreviation) : fmt::format("U+{:04X}", c);
}

// Every distinct control or path character in `s`, as shown in the message: a path
// character quoted («:»), a control character by its code point ("U+0009 (TAB)");
// joined by ", "; empty if none.
std::string bad_chars(std::string_view s) {
    std::vector<std::string> found;
    const auto note = [&found](std::string c) {
        if (std::find(found.begin(), found.end(), c) == found.end()) {
            found.push_back(std::move(c));
        }
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7F) {
            note(control_shown(c));
        } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(s[i + 1]) <= 0x9F) {  // C1 controls U+0080..U+009F
            note(control_shown(static_cast<unsigned char>(s[i + 1])));
        } else if (std::string_view("/\\:*?\"<>|").find(static_cast<char>(c)) != std::string_view::npos) {
            note(fmt::format("«{}»", static_cast<char>(c)));
        }
    }
    return fmt::format("{}", fmt::join(found, ", "));
}

class NameCharacters final : public Check {
public:
    std::string_view code() const override { return "DP102"; }
    std::string_view slug() const override { return "name-characters"; }
    Scope scope() const override { return Scope::document; }
    void run(const Context& ctx, Findings& out) const override {
        for (const auto& d : ctx.post.documents) {
            const std::string base = std::filesystem::path(d.file).filename().string();
            // A name taken from the file's own stem would only repeat the file name's finding.
            const bool derived = d.name == std::filesystem::path(base).stem().string();
            const std::pair<std::string_view, std::string_view> fields[] = {{"name", d.name}, {"file", base}};
            for (const auto& [field, value] : fields) {
                if (field == "name" && derived && !text::valid_utf8(value)) {
                    continue;
                }
                if (!text::valid_utf8(value)) {
                    out.add(Severity::block, field == "name" ? "DP102.invalid-name" : "DP102.invalid-file",
                            {{"value", text::printable(value)}})
                        .document = d.file;
                    continue;
                }
                const std::string bad = bad_chars(value);
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
