#include "report/common.hpp"

#include "base/identifiers.hpp"
#include "base/text.hpp"
#include "validator/catalogue.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <string_view>

namespace preflight::report {
namespace {

// ANSI SGR colours: by Severity (info, warn, block) and by Verdict (pass, warn, block).
constexpr std::array<std::string_view, 3> kSeverityColours{"34", "33", "31"};
constexpr std::array<std::string_view, 3> kVerdictColours{"32", "33", "31"};

std::string painted(std::string_view s, std::string_view colour, bool bold) {
    return fmt::format("\x1b[{}{}m{}\x1b[0m", bold ? "1;" : "", colour, s);
}

}  // namespace

std::string located(std::string_view file, const RenderOptions& o) {
    const std::string shown_name = clean_text(file, o);
    const bool plain = text::valid_utf8(file) && text::escape_controls(file) == file;
    return plain && (o.show_ids || ident::mask_person_ids(file) == file) ? std::string(file) : shown_name;
}

MessageArgs clean_args(const MessageArgs& args, const RenderOptions& o) {
    MessageArgs out;
    out.reserve(args.size());
    for (const auto& [k, v] : args) {
        out.emplace_back(k, clean_text(v, o));
    }
    return out;
}

Shown shown(const Finding& f, const RenderOptions& o) {
    const MessageArgs args = clean_args(f.args, o);
    const std::string web = f.remedy_id + ".web";
    const std::string& remedy = o.web_remedies && catalogue::has(web) ? web : f.remedy_id;
    return {catalogue::text(f.message_id, o.lang, args), catalogue::text(remedy, o.lang, args)};
}

std::string location(const Finding& f, const RenderOptions& o) {
    std::string where = f.document ? clean_text(*f.document, o) : catalogue::text("ui.post", o.lang);
    if (f.page) {
        where += fmt::format(":{}", *f.page);
    }
    if (f.recipient) {
        where += fmt::format(" ({})",
                             catalogue::text("ui.recipient", o.lang, {{"index", std::to_string(*f.recipient + 1)}}));
    }
    return where;
}

std::string severity_label(Severity s, Lang lang) {
    return catalogue::text(fmt::format("ui.severity.{}", to_string(s)), lang);
}

std::string severity_shown(Severity s, const RenderOptions& o) {
    const std::string label = severity_label(s, o.lang);
    return o.color ? painted(label, kSeverityColours.at(static_cast<std::size_t>(s)), false) : label;
}

std::string verdict_line(const Report& r, const RenderOptions& o) {
    const Verdict v = r.verdict();
    const std::string line =
        catalogue::text(fmt::format("ui.verdict.{}{}", o.templates ? "scan." : "", to_string(v)), o.lang);
    return (o.color ? painted(line, kVerdictColours.at(static_cast<std::size_t>(v)), true) : line) + "\n";
}

std::string summary_line(const Report& r, const RenderOptions& o) {
    int counts[3] = {0, 0, 0};
    for (const auto& f : r.findings) {
        ++counts[static_cast<int>(f.severity)];
    }
    return catalogue::text("ui.summary", o.lang,
                           {{"documents", std::to_string(r.post.documents.size())},
                            {"block", std::to_string(counts[2])},
                            {"warn", std::to_string(counts[1])},
                            {"info", std::to_string(counts[0])}}) +
           "\n";
}

const char* level_of(Severity s) { return s == Severity::block ? "error" : s == Severity::warn ? "warning" : "note"; }

std::string fingerprint(const Finding& f) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    const auto add = [&](std::string_view s) {
        for (const char c : s) {
            h ^= static_cast<unsigned char>(c);
            h *= 0x100000001b3ULL;
        }
        h ^= 0xff;
        h *= 0x100000001b3ULL;
    };
    add(f.code);
    add(f.document.value_or(""));
    add(f.message_id);
    add(std::to_string(f.page.value_or(0)));
    if (f.recipient) {  // absent: the fingerprint of a finding without one is as before
        add(std::to_string(*f.recipient));
    }
    return fmt::format("{:016x}", h);
}

std::string document_path(const Document& d) {
    return d.path.empty() ? d.file : d.path.lexically_normal().generic_string();
}

std::optional<std::string> post_path(const Report& r) {
    if (!r.post.manifest.empty()) {
        return r.post.manifest.lexically_normal().generic_string();
    }
    if (!r.post.documents.empty()) {
        return document_path(r.post.documents.front());
    }
    return std::nullopt;
}

std::optional<std::string> finding_file(const Report& r, const Finding& f) {
    if (!f.document) {
        return post_path(r);
    }
    for (const auto& d : r.post.documents) {
        if (d.file == *f.document) {
            return document_path(d);
        }
    }
    return *f.document;
}

std::string Renderer::checks(const CheckSet& check_set, const RenderOptions& o) const {
    std::string out = catalogue::text("ui.checks.header", o.lang) + "\n";
    for (const auto& c : check_set.checks()) {
        const std::string code(c->code());
        out += fmt::format("{:<6} {:<26} {}\n       {}\n", code, c->slug(), catalogue::text(code + ".severity", o.lang),
                           catalogue::text(code + ".summary", o.lang));
        for (const auto& opt : c->options()) {
            out += fmt::format("       [{}] {} = {}\n", c->slug(), opt.key, opt.default_value);
        }
    }
    return out;
}

}  // namespace preflight::report
