#include "scan/scan.hpp"

#include "base/error.hpp"
#include "base/isolate.hpp"
#include "base/text.hpp"
#include "checks/check_set.hpp"
#include "validator/codec.hpp"
#include "validator/manifest.hpp"

#include <fmt/format.h>
#include <fnmatch.h>
#include <signal.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace preflight::scan {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

bool matches(const std::string& glob, const std::string& text) { return ::fnmatch(glob.c_str(), text.c_str(), 0) == 0; }

// What the file shows as: the root as given joined with the relative path.
std::string shown(const std::string& root, const fs::path& relative) {
    const fs::path joined = relative.empty() ? fs::path(root) : fs::path(root) / relative;
    std::string s = joined.lexically_normal().generic_string();
    return s.empty() ? root : s;
}

// The folder walk of one root: depth first, every entry's error kept.
class Walker {
public:
    Walker(const Root& root, std::size_t index, std::vector<Target>& out) : root_(root), index_(index), out_(out) {}

    void walk(const fs::path& dir, const fs::path& relative) {
        std::error_code ec;
        fs::directory_iterator it(dir, fs::directory_options::none, ec);
        if (ec) {
            unreadable(relative, ec);
            return;
        }
        for (; it != fs::directory_iterator(); it.increment(ec)) {
            const fs::directory_entry& entry = *it;
            const std::string name = entry.path().filename().string();
            const fs::path rel = relative / name;
            if (excluded(rel.generic_string(), root_.excludes)) {
                continue;
            }
            std::error_code sec;
            const fs::file_status link = entry.symlink_status(sec);
            if (fs::is_directory(link)) {
                if (!name.empty() && name.front() != '.') {
                    walk(entry.path(), rel);
                }
                continue;
            }
            // A regular file, or a symbolic link to one (links to folders are not
            // followed: no loops). A dangling link named like a template is a finding.
            if (is_template_name(name) && (fs::is_regular_file(link) || fs::is_symlink(link))) {
                out_.push_back({shown(root_.path, rel), entry.path(), index_, {}});
            }
        }
        if (ec) {
            unreadable(relative, ec);
        }
    }

private:
    void unreadable(const fs::path& relative, const std::error_code& ec) {
        out_.push_back(
            {shown(root_.path, relative), fs::path(root_.path) / relative, index_, errno_phrase(ec.value())});
    }

    const Root& root_;
    std::size_t index_;
    std::vector<Target>& out_;
};

std::vector<std::string> split_globs(const std::string& value) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at <= value.size()) {
        const auto comma = value.find(',', at);
        const std::string glob =
            text::trim(value.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
        if (!glob.empty()) {
            out.push_back(glob);
        }
        if (comma == std::string::npos) {
            break;
        }
        at = comma + 1;
    }
    return out;
}

}  // namespace

bool excluded(std::string_view relative, const std::vector<std::string>& globs) {
    if (globs.empty()) {
        return false;
    }
    const std::string rel(relative);
    std::vector<std::string> components;
    std::vector<std::string> prefixes;  // "a", "a/b", ... up to the whole path
    std::size_t at = 0;
    while (at <= rel.size()) {
        const auto slash = rel.find('/', at);
        const std::size_t end = slash == std::string::npos ? rel.size() : slash;
        if (end > at) {
            components.push_back(rel.substr(at, end - at));
            prefixes.push_back(rel.substr(0, end));
        }
        if (slash == std::string::npos) {
            break;
        }
        at = slash + 1;
    }
    for (std::string glob : globs) {
        while (glob.starts_with("./")) {
            glob.erase(0, 2);
        }
        while (glob.size() > 1 && glob.back() == '/') {
            glob.pop_back();  // "drafts/" names the folder
        }
        const bool whole = glob.find('/') != std::string::npos;
        const auto& candidates = whole ? prefixes : components;
        if (std::any_of(candidates.begin(), candidates.end(), [&](const std::string& c) { return matches(glob, c); })) {
            return true;
        }
    }
    return false;
}

bool is_template_name(std::string_view name) {
    if (name.empty() || name.front() == '.' || name.starts_with("~$")) {
        return false;
    }
    const std::string ext = text::ascii_lower(fs::path(std::string(name)).extension().string());
    return ext == ".pdf" || ext == ".docx" || ext == ".dotx";
}

Section scan_section() {
    return {"scan",
            {{"exclude", OptionSpec::Kind::text, ""},
             {"channel", OptionSpec::Kind::text, ""},
             {"jobs", OptionSpec::Kind::integer, "0", 0, 1024},
             {"docs-url", OptionSpec::Kind::url, ""}}};
}

Plan plan(const Options& options, const std::vector<Section>& sections) {
    Plan p;
    std::optional<Config> given;
    if (options.config_file) {
        given = Config::load(*options.config_file, sections);
    }
    for (const std::string& path : options.paths) {
        std::error_code ec;
        const bool folder = fs::is_directory(path, ec);
        Root root{path, given ? *given : Config(sections), options.config_file, Channel::general, {}, {}};
        if (!given && !options.no_config) {
            // Upwards from the folder (a file: from its own folder), as `check` does from
            // the current one.
            const fs::path start = folder ? fs::path(path) : fs::path(path).parent_path();
            if (const auto found = discover_config(start.empty() ? fs::path(".") : start)) {
                root.config = Config::load(*found, sections);
                root.config_file = *found;
            }
        }
        const SectionOptions& s = root.config.section("scan");
        if (options.channel) {
            root.channel = *options.channel;
        } else if (const std::string& c = s.text("channel"); !c.empty()) {
            const auto parsed = parse_channel(c);
            if (!parsed || *parsed == Channel::manual) {
                throw UsageError("error.scan.channel",
                                 {{"file", root.config_file ? root.config_file->string() : std::string("-")},
                                  {"value", c},
                                  {"allowed", "general, dpi, print, dpo, dpv, dpf, email, signing"}});
            }
            root.channel = *parsed;
        }
        root.off = switched_off(builtin_checks(), combine(root.config.section("checks"), options.selection),
                                root.config_file ? root.config_file->string() : std::string("--select/--ignore"));
        root.excludes = split_globs(s.text("exclude"));
        root.excludes.insert(root.excludes.end(), options.excludes.begin(), options.excludes.end());
        if (p.roots.empty() && options.jobs == 0) {
            p.jobs = static_cast<unsigned>(s.integer("jobs"));
        }
        p.roots.push_back(std::move(root));

        const std::size_t index = p.roots.size() - 1;
        const std::size_t first = p.targets.size();
        if (folder) {
            Walker(p.roots.back(), index, p.targets).walk(path, {});
        } else if (!excluded(fs::path(path).lexically_normal().generic_string(), p.roots.back().excludes)) {
            // A file given by name is checked whatever its extension (a missing one
            // is a DP403 finding).
            p.targets.push_back({path, path, index, {}});
        }
        std::sort(p.targets.begin() + static_cast<std::ptrdiff_t>(first), p.targets.end(),
                  [](const Target& a, const Target& b) { return a.file < b.file; });
    }
    // Overlapping roots, or a file given twice: checked once, where first seen; a
    // file and a symbolic link to it: under the file's own name.
    std::map<std::string, std::size_t> seen;  // canonical path -> index in unique
    std::vector<Target> unique;
    for (auto& t : p.targets) {
        std::error_code ec;
        const fs::path canonical = fs::weakly_canonical(t.path, ec);
        const auto [it, fresh] =
            seen.try_emplace(ec ? t.path.lexically_normal().string() : canonical.string(), unique.size());
        if (fresh) {
            unique.push_back(std::move(t));
        } else if (Target& kept = unique[it->second];
                   kept.root == t.root && fs::is_symlink(kept.path, ec) && !fs::is_symlink(t.path, ec)) {
            kept = std::move(t);
        }
    }
    p.targets = std::move(unique);
    std::stable_sort(p.targets.begin(), p.targets.end(), [](const Target& a, const Target& b) {
        return a.root != b.root ? a.root < b.root : a.file < b.file;
    });
    if (options.jobs != 0) {
        p.jobs = options.jobs;
    }
    if (p.jobs == 0) {
        p.jobs = std::max(1U, std::thread::hardware_concurrency());
    }
    return p;
}

namespace {

Report check_one(const Plan& plan, const Target& target, const CheckSet& check_set, bool sandbox) {
    const Root& root = plan.roots[target.root];
    JournalPost post = loose_files({target.file});
    Document& d = post.documents.front();
    d.path = target.path;
    if (!target.walk_error.empty()) {
        // A folder that could not be listed: its files are not checked.
        d.gathered = true;
        d.io_error = target.walk_error;
    }
    RunSettings settings;
    settings.channel = root.channel;
    settings.channel_given = true;
    settings.sandbox = sandbox;
    settings.flags.templates = true;
    settings.off = root.off;
    Report report = run_checks(std::move(post), check_set, root.config, settings);
    for (auto& f : report.findings) {
        if (!f.document) {
            f.document = target.file;  // "each finding names its document"
        }
    }
    return report;
}

}  // namespace

namespace detail {
std::function<void(const Target&)> worker_hook;
}  // namespace detail

namespace {

// ---- One file's report between processes: validator/codec.hpp's documents and
// findings, whole (the renderers read only part of them; nothing is left out).

std::string report_to_wire(const Report& r) {
    json documents = json::array();
    for (const auto& d : r.post.documents) {
        documents.push_back(document_to_json(d));
    }
    json findings = json::array();
    for (const auto& f : r.findings) {
        findings.push_back(finding_to_json(f));
    }
    // CBOR, not JSON text: file names and texts from documents need not be valid
    // UTF-8 here (the renderers clean them), and CBOR carries the bytes as they are.
    const std::vector<std::uint8_t> cbor = json::to_cbor(json{{"documents", documents}, {"findings", findings}});
    return {cbor.begin(), cbor.end()};
}

Report report_from_wire(const std::string& text) {
    const json j = json::from_cbor(text);
    Report r;
    for (const auto& d : j.at("documents")) {
        r.post.documents.push_back(document_from_json(d));
    }
    for (const auto& f : j.at("findings")) {
        r.findings.push_back(finding_from_json(f));
    }
    return r;
}

// ---- The worker processes (base/isolate.hpp's pool).

// A file whose worker process died while checking it: a finding, not a crash of the scan.
Report died_on(const Target& target, const isolate::Outcome& ended, const CheckSet& check_set) {
    const std::string detail =
        phrase("scan.worker-died", {},
               {{"reason", ended.signal != 0
                               ? phrase("isolate.signal", {{"signal", isolate::signal_name(ended.signal)}})
                               : phrase("isolate.exit-status", {{"status", std::to_string(ended.exit_status)}})}});
    JournalPost post = loose_files({target.file});
    post.documents.front().path = target.path;
    post.documents.front().gathered = true;
    std::string ext = text::ascii_lower(target.path.extension().string());
    const DocumentKind kind = ext == ".pdf" ? DocumentKind::pdf : DocumentKind::docx;
    std::vector<Finding> found;
    for (const auto& check : check_set.checks()) {
        Findings out(*check);
        if (check->report_unreadable(kind, detail, out)) {
            for (Finding& f : out.all()) {
                f.document = target.file;
                found.push_back(std::move(f));
            }
            break;
        }
    }
    Report r;
    r.post = std::move(post);
    r.findings = std::move(found);
    return r;
}

// SIGPIPE ignored for the scan's lifetime (a worker's task pipe may be closed).
class IgnoreSigpipe {
public:
    IgnoreSigpipe() { ::sigaction(SIGPIPE, &ignore(), &old_); }
    IgnoreSigpipe(const IgnoreSigpipe&) = delete;
    IgnoreSigpipe& operator=(const IgnoreSigpipe&) = delete;
    ~IgnoreSigpipe() { ::sigaction(SIGPIPE, &old_, nullptr); }

private:
    static const struct sigaction& ignore() {
        static struct sigaction a {};
        a.sa_handler = SIG_IGN;
        return a;
    }
    struct sigaction old_ {};
};

}  // namespace

Report run(const Plan& plan, const CheckSet& check_set, bool sandbox, const Progress& progress) {
    const std::size_t total = plan.targets.size();
    std::vector<std::optional<Report>> reports(total);
    const auto workers = static_cast<unsigned>(std::min<std::size_t>(std::max(1U, plan.jobs), total));
    if (total <= 1) {  // one file: no process of its own needed
        auto last_progress = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < total; ++i) {
            reports[i] = check_one(plan, plan.targets[i], check_set, sandbox);
            const auto now = std::chrono::steady_clock::now();
            if (progress && now - last_progress >= std::chrono::milliseconds(200)) {
                progress(i + 1, total);
                last_progress = now;
            }
        }
    } else {
        const IgnoreSigpipe quiet;
        isolate::PoolCallbacks callbacks;
        callbacks.work = [&](std::size_t index) {
            // In a forked, single-threaded worker: fork-mode sandboxes are safe here.
            if (detail::worker_hook) {
                detail::worker_hook(plan.targets.at(index));
            }
            return report_to_wire(check_one(plan, plan.targets.at(index), check_set, sandbox));
        };
        callbacks.done = [&](std::size_t index, isolate::PoolResult result) {
            switch (result.kind) {
                case isolate::PoolResult::Kind::answer:
                    reports[index] = report_from_wire(result.text);
                    break;
                case isolate::PoolResult::Kind::error:
                    throw std::runtime_error(fmt::format("{}: {}", plan.targets[index].file, result.text));
                case isolate::PoolResult::Kind::died:
                    reports[index] = died_on(plan.targets[index], result.ended, check_set);
                    break;
            }
        };
        callbacks.progress = progress;
        isolate::run_pool(workers, total, callbacks);
    }
    if (progress) {
        progress(total, total);
    }

    Report merged;
    RunSettings settings;
    settings.channel = plan.roots.empty() ? Channel::general : plan.roots.front().channel;
    settings.channel_given = true;
    merged.targets = targets_for(JournalPost{}, settings);
    for (auto& r : reports) {
        std::move(r->post.documents.begin(), r->post.documents.end(), std::back_inserter(merged.post.documents));
        std::move(r->findings.begin(), r->findings.end(), std::back_inserter(merged.findings));
    }
    return merged;
}

}  // namespace preflight::scan
