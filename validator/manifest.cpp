#include "validator/manifest.hpp"

#include "base/error.hpp"
#include "base/files.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <sstream>

namespace preflight {
namespace {

using json = nlohmann::json;

class Reader {
public:
    Reader(std::string_view text, std::filesystem::path file) : text_(text), file_(std::move(file)) {}

    [[noreturn]] void fail(const std::string& id, const std::string& pointer, MessageArgs args) const {
        const auto at = position_of(text_, locate(text_, pointer));
        args.emplace_back("file", file_.string());
        args.emplace_back("line", std::to_string(at.line));
        args.emplace_back("column", std::to_string(at.column));
        args.emplace_back("field", display_pointer(pointer));
        throw UsageError(id, std::move(args));
    }

    const json& object(const json& parent, const std::string& pointer, const char* key, bool required) const {
        static const json null_value;
        const std::string p = pointer + "/" + escape_pointer_token(key);
        if (!parent.contains(key) || (!required && parent.at(key).is_null())) {
            if (required) {
                fail("error.manifest.missing", p, {});
            }
            return null_value;
        }
        const json& v = parent.at(key);
        if (!v.is_object()) {
            fail("error.manifest.type", p, {{"expected", "object"}});
        }
        return v;
    }

    std::optional<std::string> string(const json& parent, const std::string& pointer, const char* key,
                                      bool required) const {
        const std::string p = pointer + "/" + escape_pointer_token(key);
        if (!parent.contains(key) || parent.at(key).is_null()) {
            if (required) {
                fail("error.manifest.missing", p, {});
            }
            return std::nullopt;
        }
        const json& v = parent.at(key);
        if (!v.is_string()) {
            fail("error.manifest.type", p, {{"expected", "string"}});
        }
        return v.get<std::string>();
    }

    std::string choice(const json& parent, const std::string& pointer, const char* key,
                       const std::vector<std::string>& allowed, const std::string& fallback) const {
        const auto v = string(parent, pointer, key, false);
        if (!v) {
            return fallback;
        }
        if (std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
            fail("error.manifest.choice", pointer + "/" + key,
                 {{"value", *v}, {"allowed", fmt::format("{}", fmt::join(allowed, ", "))}});
        }
        return *v;
    }

    JournalPost read(const json& root) const {
        if (!root.is_object()) {
            fail("error.manifest.type", "", {{"expected", "object"}});
        }
        JournalPost post;
        post.from_manifest = true;
        post.manifest = file_;
        const json& jp = object(root, "", "journalpost", true);
        post.id = string(jp, "/journalpost", "id", false);
        post.title = string(jp, "/journalpost", "title", true);
        post.process = choice(jp, "/journalpost", "process", {"vedtak", "info"}, "vedtak");
        post.access_code = string(jp, "/journalpost", "accessCode", false);
        if (const auto it = jp.find("securityLevel"); it != jp.end() && !it->is_null()) {
            // 3 or 4, as the SBD's sikkerhetsnivaa (a number there; "4" is taken too).
            const std::string p = "/journalpost/securityLevel";
            std::string level;
            if (it->is_number_integer()) {
                level = std::to_string(it->get<std::int64_t>());
            } else if (it->is_string()) {
                level = it->get<std::string>();
            } else {
                fail("error.manifest.type", p, {{"expected", "number"}});
            }
            if (level != "3" && level != "4") {
                fail("error.manifest.choice", p, {{"value", level}, {"allowed", "3, 4"}});
            }
            post.security_level = level == "4" ? 4 : 3;
        }

        if (!root.contains("documents")) {
            fail("error.manifest.missing", "/documents", {});
        }
        const json& docs = root.at("documents");
        if (!docs.is_array()) {
            fail("error.manifest.type", "/documents", {{"expected", "array"}});
        }
        const auto base = file_.parent_path();
        for (std::size_t i = 0; i < docs.size(); ++i) {
            const std::string p = fmt::format("/documents/{}", i);
            if (!docs[i].is_object()) {
                fail("error.manifest.type", p, {{"expected", "object"}});
            }
            Document d;
            d.file = *string(docs[i], p, "file", true);
            if (d.file.empty()) {
                fail("error.manifest.empty", p + "/file", {});
            }
            d.path = base / std::filesystem::path(d.file);
            d.name = string(docs[i], p, "name", false).value_or(std::filesystem::path(d.file).stem().string());
            d.role = choice(docs[i], p, "role", {"main", "attachment"}, "attachment") == "main" ? Role::main
                                                                                                : Role::attachment;
            post.documents.push_back(std::move(d));
        }

        if (root.contains("recipients") && !root.at("recipients").is_null()) {
            const json& rs = root.at("recipients");
            if (!rs.is_array()) {
                fail("error.manifest.type", "/recipients", {{"expected", "array"}});
            }
            for (std::size_t i = 0; i < rs.size(); ++i) {
                post.recipients.push_back(recipient(rs[i], fmt::format("/recipients/{}", i)));
            }
        }
        return post;
    }

    Recipient recipient(const json& r, const std::string& p) const {
        if (!r.is_object()) {
            fail("error.manifest.type", p, {{"expected", "object"}});
        }
        Recipient rec;
        rec.name = string(r, p, "name", false).value_or("");
        rec.id = string(r, p, "id", false);
        const std::string method = *string(r, p, "method", true);
        const auto channel = parse_channel(method);
        if (!channel) {
            fail("error.manifest.choice", p + "/method",
                 {{"value", method}, {"allowed", "general, dpi, print, dpo, dpv, dpf, email, signing, manual"}});
        }
        rec.method = *channel;
        if (r.contains("verified") && !r.at("verified").is_null()) {
            if (!r.at("verified").is_boolean()) {
                fail("error.manifest.type", p + "/verified", {{"expected", "true/false"}});
            }
            rec.verified = r.at("verified").get<bool>();
        }
        rec.email = string(r, p, "email", false);
        const json& a = object(r, p, "address", false);
        if (a.is_object()) {
            Address addr;
            const std::string ap = p + "/address";
            if (a.contains("lines") && !a.at("lines").is_null()) {
                const json& lines = a.at("lines");
                if (!lines.is_array()) {
                    fail("error.manifest.type", ap + "/lines", {{"expected", "array"}});
                }
                for (std::size_t i = 0; i < lines.size(); ++i) {
                    if (!lines[i].is_string()) {
                        fail("error.manifest.type", fmt::format("{}/lines/{}", ap, i), {{"expected", "string"}});
                    }
                    addr.lines.push_back(lines[i].get<std::string>());
                }
            }
            addr.postcode = string(a, ap, "postcode", false).value_or("");
            addr.city = string(a, ap, "city", false).value_or("");
            addr.country = string(a, ap, "country", false).value_or("");
            rec.address = std::move(addr);
        }
        return rec;
    }

private:
    std::string_view text_;
    std::filesystem::path file_;
};

}  // namespace

JournalPost parse_manifest(std::string_view text, const std::filesystem::path& file) {
    return parse_manifest(text, file, nullptr);
}

JournalPost parse_manifest(std::string_view text, const std::filesystem::path& file, const JsonCharge& charge) {
    json root;
    try {
        root = charge ? parse_json(text, charge) : parse_json(text);
    } catch (const JsonSyntaxError& e) {
        const auto at = position_of(text, e.offset);
        throw UsageError("error.manifest.syntax", {{"file", file.string()},
                                                   {"line", std::to_string(at.line)},
                                                   {"column", std::to_string(at.column)},
                                                   {"detail", e.detail}});
    }
    return Reader(text, file).read(root);
}

JournalPost load_manifest(const std::filesystem::path& file) {
    const auto content = read_regular_file(file);
    if (!content) {
        throw UsageError("error.manifest.unreadable", {{"file", file.string()}});
    }
    return parse_manifest(*content, file);
}

JournalPost loose_files(const std::vector<std::string>& files) {
    JournalPost post;
    for (std::size_t i = 0; i < files.size(); ++i) {
        Document d;
        d.file = files[i];
        d.path = files[i];
        d.name = std::filesystem::path(files[i]).stem().string();
        d.role = i == 0 ? Role::main : Role::attachment;
        post.documents.push_back(std::move(d));
    }
    return post;
}

}  // namespace preflight
