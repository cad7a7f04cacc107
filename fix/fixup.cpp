// `preflight fix`: see fix/fixup.hpp.
#include "fix/fixup.hpp"

#include "base/error.hpp"
#include "base/text.hpp"
#include "validator/catalogue.hpp"
#include "validator/manifest.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <string_view>

namespace preflight::fixup {
namespace {

namespace fs = std::filesystem;

// Findings on the input that mean no copy can be made.
bool refuses(const CheckSet& check_set, const Finding& f) {
    const Check* c = check_set.of(f);
    return f.severity == Severity::block && c != nullptr && c->prevents_fix();
}

Report check_one(const fs::path& file, const CheckSet& check_set, const Config& config, RunSettings settings) {
    settings.channel = Channel::print;
    settings.channel_given = true;
    return run_checks(loose_files({file.string()}), check_set, config, settings);
}

std::string text_of(std::string_view id, const RenderOptions& options, const MessageArgs& args = {}) {
    return catalogue::text(id, options.lang, args);
}

}  // namespace

PdfFix fix_pdf(const fs::path& in, const fs::path& out, const pdf::FixOptions& options, bool force,
               const CheckSet& check_set, const Config& config, const RunSettings& settings) {
    std::error_code ec;
    if (fs::exists(out, ec)) {
        if (fs::exists(in, ec) && fs::equivalent(in, out, ec)) {
            throw UsageError("error.fix.same-file", {{"file", out.string()}});
        }
        if (!force) {
            throw UsageError("error.fix.exists", {{"file", out.string()}});
        }
    }
    PdfFix fix;
    fix.in = in.string();
    fix.out = out.string();
    fix.input = check_one(in, check_set, config, settings);
    for (const Finding& f : fix.input.findings) {
        if (refuses(check_set, f)) {
            fix.reasons.push_back(f);
        }
    }
    fix.refused = !fix.reasons.empty();
    if (fix.refused) {
        return fix;
    }
    // Written beside the output and renamed when complete: `out` is never half a file.
    const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
    const fs::path temp = dir / fmt::format(".{}.preflight-{}.tmp", out.filename().string(), ::getpid());
    fix.result = pdf::fix_sandboxed(in, temp, options, pdf_limits(config));
    // The fix walks the page tree itself: it must reach the pages the analysis reached.
    const Document& doc = fix.input.post.documents.front();
    if (fix.result.ok && doc.pdf && static_cast<std::size_t>(fix.result.pages_in) != doc.pdf->pages.size()) {
        fix.result.ok = false;
        fix.result.error = phrase("fix.error.page-count", {{"walked", std::to_string(fix.result.pages_in)},
                                                           {"analysed", std::to_string(doc.pdf->pages.size())}});
    }
    if (!fix.result.ok) {
        fs::remove(temp, ec);
        return fix;
    }
    fs::rename(temp, out, ec);
    if (ec) {
        fs::remove(temp, ec);
        fix.result.ok = false;
        fix.result.error =
            phrase("fix.error.write", {{"file", out.filename().string()}}, {{"detail", errno_phrase(ec.value())}});
        return fix;
    }
    fix.output = check_one(out, check_set, config, settings);
    return fix;
}

std::string render_fix(const PdfFix& fix, Format format, const RenderOptions& options) {
    if (format == Format::json) {
        nlohmann::json j{{"input", clean_text(fix.in, options)}, {"output", clean_text(fix.out, options)}};
        j["fixed"] = fix.fixed();
        if (fix.refused) {
            j["refused"] = nlohmann::json::parse(render_json(fix.input, options));
        } else {
            const pdf::FixResult& r = fix.result;
            j["error"] = r.ok ? nlohmann::json(nullptr) : nlohmann::json(catalogue::words(r.error, options.lang));
            j["pages"] = {{"in", r.pages_in},     {"out", r.pages_out},          {"kept", r.kept},
                          {"turned", r.turned},   {"placed", r.placed},          {"two_up", r.two_up},
                          {"rotated", r.rotated}, {"annotations", r.annotations}};
            if (fix.output) {
                j["check"] = nlohmann::json::parse(render_json(*fix.output, options));
            }
        }
        return j.dump(2) + "\n";
    }
    std::string out;
    if (fix.refused) {
        out += text_of("fix.refused", options, {{"file", clean_text(fix.in, options)}}) + "\n\n";
        Report reasons = fix.input;
        reasons.findings = fix.reasons;
        return out + render(reasons, Format::text, options);
    }
    const pdf::FixResult& r = fix.result;
    if (!r.ok) {
        return text_of("fix.failed", options, {{"file", clean_text(fix.in, options)}, {"detail", r.error}}) + "\n";
    }
    out += text_of("fix.written", options,
                   {{"file", clean_text(fix.out, options)},
                    {"out", std::to_string(r.pages_out)},
                    {"in", std::to_string(r.pages_in)}}) +
           "\n";
    out += text_of("fix.pages", options,
                   {{"kept", std::to_string(r.kept)},
                    {"turned", std::to_string(r.turned)},
                    {"placed", std::to_string(r.placed)},
                    {"two_up", std::to_string(r.two_up)},
                    {"rotated", std::to_string(r.rotated)},
                    {"annotations", std::to_string(r.annotations)}}) +
           "\n\n";
    out += text_of("fix.check", options) + "\n";
    if (fix.output) {
        out += render(*fix.output, Format::text, options);
    }
    return out;
}

// ---- names ----------------------------------------------------------------

namespace {

std::vector<std::string> words_of(const std::string& s) {
    std::vector<std::string> words;
    std::string word;
    for (const char c : s) {
        if (c == ' ') {
            if (!word.empty()) {
                words.push_back(word);
                word.clear();
            }
        } else {
            word += c;
        }
    }
    if (!word.empty()) {
        words.push_back(word);
    }
    return words;
}

std::string join(const std::vector<std::string>& words, std::size_t from, std::size_t to) {
    std::string out;
    for (std::size_t i = from; i < to && i < words.size(); ++i) {
        out += (out.empty() ? "" : " ") + words[i];
    }
    return out;
}

// Drops separators a cut leaves dangling at the end ("Vedtak -", "Vedtak,").
std::string tidy_end(std::string s) {
    for (;;) {
        while (!s.empty() && (s.back() == ' ' || s.back() == ',' || s.back() == '-' || s.back() == ':' ||
                              s.back() == ';' || s.back() == '(' || s.back() == '/')) {
            s.pop_back();
        }
        if (s.size() >= 3 && (s.ends_with("\u2013") || s.ends_with("\u2014"))) {  // – —
            s.resize(s.size() - 3);
            continue;
        }
        return s;
    }
}

// The first words of `words` that fit in `budget` characters; a first word longer
// than that is cut between characters.
std::string head_within(const std::vector<std::string>& words, std::size_t budget) {
    std::string out;
    for (const std::string& w : words) {
        std::string next = out;
        if (!next.empty()) {
            next += ' ';
        }
        next += w;
        if (text::char_count(next) > budget) {
            break;
        }
        out = next;
    }
    if (out.empty() && !words.empty() && budget > 0) {
        std::size_t chars = 0;
        for (const char c : words.front()) {
            if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U && ++chars > budget) {
                break;
            }
            out += c;
        }
    }
    return tidy_end(out);
}

// How many first words `a` and `b` share (compared as DP405 compares names).
std::size_t shared_words(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    std::size_t n = 0;
    while (n < a.size() && n < b.size() && text::name_key(a[n]) == text::name_key(b[n])) {
        ++n;
    }
    return n;
}

}  // namespace

std::string shorter_name(const std::string& name, std::size_t limit, const std::vector<std::string>& others,
                         const std::vector<std::string>& taken) {
    std::string composed = text::nfc(name);
    if (text::char_count(composed) <= limit) {
        return composed;
    }
    const std::vector<std::string> words = words_of(composed);
    std::size_t shared = 0;
    for (const std::string& other : others) {
        shared = std::max(shared, shared_words(words, words_of(text::nfc(other))));
    }
    const std::string ellipsis = "\u2026";
    std::string proposal;
    const std::string tail = join(words, shared, words.size());
    if (shared > 0 && shared < words.size() && text::char_count(tail) + 2 <= limit) {
        // The shared beginning is cut, the part that tells the documents apart kept whole.
        const std::string head =
            head_within(std::vector<std::string>(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(shared)),
                        limit - text::char_count(tail) - 2);
        proposal = head.empty() ? tail : head + ellipsis + " " + tail;
    } else {
        proposal = head_within(words, limit > 0 ? limit - 1 : 0) + ellipsis;
    }
    // Unique among the post's names: a number before the end if needed.
    const auto clashes = [&](const std::string& candidate) {
        return std::any_of(taken.begin(), taken.end(),
                           [&](const std::string& t) { return text::name_key(t) == text::name_key(candidate); });
    };
    for (int n = 2; clashes(proposal) && n < 1000; ++n) {
        const std::string suffix = " (" + std::to_string(n) + ")";
        const std::size_t used = 1 + text::char_count(suffix);
        proposal = head_within(words, limit > used ? limit - used : 0);
        proposal += ellipsis;
        proposal += suffix;
    }
    return proposal;
}

std::vector<NameProposal> propose_names(const Report& report, const CheckSet& check_set) {
    std::vector<NameProposal> out;
    std::vector<std::string> taken;
    for (const Document& d : report.post.documents) {
        taken.push_back(d.name);
    }
    for (const Finding& f : report.findings) {
        const Check* c = check_set.of(f);
        if (c == nullptr || !c->answered_by_shorter_name(f) || !f.document) {
            continue;
        }
        const auto doc = std::find_if(report.post.documents.begin(), report.post.documents.end(),
                                      [&](const Document& d) { return d.file == *f.document; });
        const auto limit_arg =
            std::find_if(f.args.begin(), f.args.end(), [](const auto& a) { return a.first == "limit"; });
        if (doc == report.post.documents.end() || limit_arg == f.args.end()) {
            continue;
        }
        NameProposal p;
        p.file = doc->file;
        p.name = doc->name;
        p.chars = text::char_count(doc->name);
        p.limit = static_cast<std::size_t>(std::stoul(limit_arg->second));
        std::vector<std::string> others;
        for (const Document& d : report.post.documents) {
            if (&d != &*doc) {
                others.push_back(d.name);
            }
        }
        std::vector<std::string> not_this = taken;
        not_this.erase(not_this.begin() + (doc - report.post.documents.begin()));
        p.proposal = shorter_name(doc->name, p.limit, others, not_this);
        p.proposal_chars = text::char_count(p.proposal);
        p.retitle = doc->role == Role::main && report.post.title &&
                    text::name_key(*report.post.title) == text::name_key(doc->name);
        taken[static_cast<std::size_t>(doc - report.post.documents.begin())] = p.proposal;
        out.push_back(std::move(p));
    }
    return out;
}

std::string render_names(const std::vector<NameProposal>& proposals, Format format, const RenderOptions& options) {
    if (format == Format::json) {
        nlohmann::json list = nlohmann::json::array();
        for (const NameProposal& p : proposals) {
            list.push_back({{"file", clean_text(p.file, options)},
                            {"name", clean_text(p.name, options)},
                            {"chars", p.chars},
                            {"limit", p.limit},
                            {"proposal", clean_text(p.proposal, options)},
                            {"proposal_chars", p.proposal_chars},
                            {"title", p.retitle ? nlohmann::json(clean_text(p.proposal, options)) : nlohmann::json()}});
        }
        return nlohmann::json{{"proposals", list}}.dump(2) + "\n";
    }
    if (proposals.empty()) {
        return text_of("fix.names.none", options) + "\n";
    }
    std::string out = text_of("fix.names.title", options) + "\n";
    for (const NameProposal& p : proposals) {
        out += "\n" + text_of("fix.names.document", options, {{"file", clean_text(p.file, options)}}) + "\n";
        out += "  " +
               text_of("fix.names.now", options,
                       {{"count", std::to_string(p.chars)}, {"limit", std::to_string(p.limit)}}) +
               "\n    " + clean_text(p.name, options) + "\n";
        out += "  " + text_of("fix.names.proposal", options, {{"count", std::to_string(p.proposal_chars)}}) + "\n    " +
               clean_text(p.proposal, options) + "\n";
        if (p.retitle) {
            out += "  " + text_of("fix.names.retitle", options) + "\n";
        }
    }
    out += "\n" + text_of("fix.names.remedy", options) + "\n";
    return out;
}

}  // namespace preflight::fixup
