#include "validator/scan.hpp"

#include "validator/error.hpp"
#include "validator/manifest.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

namespace preflight::scan {
namespace fs = std::filesystem;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(" \t");
    return std::string(s.substr(first, last - first + 1));
}

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
        out_.push_back({shown(root_.path, relative), fs::path(root_.path) / relative, index_, ec.message()});
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
        const std::string glob = trim(value.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
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
    const std::string ext = lower(fs::path(std::string(name)).extension().string());
    return ext == ".pdf" || ext == ".docx" || ext == ".dotx";
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
        Root root{path, given ? *given : Config(sections), options.config_file, Channel::general, {}};
        const fs::path local = fs::path(path) / kRootConfig;
        if (!given && folder && fs::is_regular_file(local, ec)) {
            root.config = Config::load(local, sections);
            root.config_file = local;
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
    // Overlapping roots, or a file given twice: checked once, where first seen.
    std::set<std::string> seen;
    std::vector<Target> unique;
    for (auto& t : p.targets) {
        std::error_code ec;
        const fs::path canonical = fs::weakly_canonical(t.path, ec);
        if (seen.insert(ec ? t.path.lexically_normal().string() : canonical.string()).second) {
            unique.push_back(std::move(t));
        }
    }
    p.targets = std::move(unique);
    if (options.jobs != 0) {
        p.jobs = options.jobs;
    }
    if (p.jobs == 0) {
        p.jobs = std::max(1U, std::thread::hardware_concurrency());
    }
    return p;
}

namespace {

Report check_one(const Plan& plan, const Target& target, const Registry& registry, bool sandbox) {
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
    Report report = run_checks(std::move(post), registry, root.config, settings);
    for (auto& f : report.findings) {
        if (!f.document) {
            f.document = target.file;  // "each finding names its document"
        }
    }
    return report;
}

}  // namespace

Report run(const Plan& plan, const Registry& registry, bool sandbox, const Progress& progress) {
    const std::size_t total = plan.targets.size();
    std::vector<std::optional<Report>> reports(total);
    std::atomic<std::size_t> next{0};
    std::mutex mutex;
    std::condition_variable finished;
    std::size_t done = 0;
    std::exception_ptr failure;

    const auto work = [&] {
        for (;;) {
            const std::size_t i = next.fetch_add(1);
            if (i >= total) {
                return;
            }
            std::optional<Report> r;
            std::exception_ptr error;
            try {
                r = check_one(plan, plan.targets[i], registry, sandbox);
            } catch (...) {
                error = std::current_exception();
            }
            const std::lock_guard lock(mutex);
            reports[i] = std::move(r);
            if (error && !failure) {
                failure = error;
                next.store(total);  // stop handing out files
            }
            ++done;
            finished.notify_all();
        }
    };
    const unsigned threads = static_cast<unsigned>(std::min<std::size_t>(std::max(1U, plan.jobs), total));
    {
        std::vector<std::jthread> pool;
        pool.reserve(threads);
        for (unsigned t = 0; t < threads; ++t) {
            pool.emplace_back(work);
        }
        std::unique_lock lock(mutex);
        while (done < total && !failure) {
            finished.wait_for(lock, std::chrono::milliseconds(200));
            if (progress && done < total) {
                const std::size_t now = done;
                lock.unlock();
                progress(now, total);
                lock.lock();
            }
        }
    }  // joins
    if (failure) {
        std::rethrow_exception(failure);
    }
    if (progress) {
        progress(total, total);
    }

    Report merged;
    RunSettings general;
    general.channel_given = true;
    merged.targets = targets_for(JournalPost{}, general);
    for (auto& r : reports) {
        if (&r == &reports.front()) {
            merged.targets = r->targets;
        }
        std::move(r->post.documents.begin(), r->post.documents.end(), std::back_inserter(merged.post.documents));
        std::move(r->findings.begin(), r->findings.end(), std::back_inserter(merged.findings));
    }
    return merged;
}

}  // namespace preflight::scan
