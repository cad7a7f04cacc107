// `preflight scan`: every template (PDF, DOCX, DOTX) under folders, checked one file
// at a time, in parallel, into one report in a stable order (docs/ci.md).
#pragma once

#include "validator/config.hpp"
#include "validator/engine.hpp"
#include "validator/selection.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace preflight::scan {

// The name of the configuration file looked for from a scanned folder upwards.
inline constexpr const char* kRootConfig = kLocalConfig;

struct Options {
    std::vector<std::string> paths;                    // folders (walked) and files, as given
    std::vector<std::string> excludes;                 // --exclude, added to each root's [scan] exclude
    std::optional<std::filesystem::path> config_file;  // --config: used instead of any .preflight.ini
    bool no_config = false;                            // --no-config: the defaults only
    Selection selection;                               // --select, --ignore: over each root's [checks]
    std::optional<Channel> channel;                    // --channel: over [scan] channel
    unsigned jobs = 0;                                 // 0: [scan] jobs, else one per core
    bool sandbox = true;
};

// One file to check.
struct Target {
    std::string file;            // shown in the report: the root as given joined with the relative path
    std::filesystem::path path;  // where it is read
    std::size_t root = 0;        // index into Plan::roots
    std::string walk_error;      // non-empty: a folder that could not be read (a DP403 finding)
};

struct Root {
    std::string path;                                  // as given
    Config config;                                     // --config, discovered (discover_config), or the defaults
    std::optional<std::filesystem::path> config_file;  // the file `config` was read from
    Channel channel = Channel::general;
    std::vector<std::string> excludes;
    std::vector<std::string> off;  // codes of the checks switched off for this root
};

struct Plan {
    std::vector<Root> roots;
    std::vector<Target> targets;  // sorted by root, then by relative path (bytewise); no file twice
    unsigned jobs = 1;
};

// Is `relative` (generic, '/'-separated, from the scanned root) excluded? A glob
// without '/' is matched against every component (a folder name excludes the
// folder); one with '/' against the whole path and each of its parent folders,
// where '*' also matches '/'.
[[nodiscard]] bool excluded(std::string_view relative, const std::vector<std::string>& globs);

// Is `name` a file the walk picks up: .pdf, .docx or .dotx in any case, not a Word
// lock file (~$...) or a hidden file?
[[nodiscard]] bool is_template_name(std::string_view name);

// [scan]: exclude, channel, jobs and docs-url of a scanned folder (docs/ci.md);
// --exclude adds to `exclude`, --channel and --jobs override.
Section scan_section();

// Resolves the roots, their configuration and every file to check. Folders are
// walked recursively without following symbolic links to folders; hidden folders
// (.git) are skipped. A path given that does not exist is kept as a target (it
// becomes a DP403 finding, as in `preflight check`). Throws UsageError for an
// invalid configuration file or [scan] value.
[[nodiscard]] Plan plan(const Options& options, const std::vector<Section>& sections);

// Called from the calling thread while the scan runs (about every 200 ms) and once
// at the end: files done, files in all.
using Progress = std::function<void(std::size_t done, std::size_t total)>;

// Checks every target of `plan`, each file as a journal post of its own (loose,
// flags.templates set), and returns one report: documents and findings in the
// plan's order whatever the scheduling; every finding names its document. With
// plan.jobs > 1 the files are shared out to that many worker processes forked from
// the caller, which must then be single-threaded (each worker is, so PDFs are
// analysed by fork-mode sandboxes there); a worker that dies on a file makes that
// file a finding (DP303 for a PDF, DP301 otherwise) and another takes over.
// Rethrows the first internal error.
[[nodiscard]] Report run(const Plan& plan, const CheckSet& check_set, bool sandbox, const Progress& progress = {});

namespace detail {
// Tests only: called in a worker process before it checks each file (to make a
// worker die on a file). Set it before run().
extern std::function<void(const Target&)> worker_hook;
}  // namespace detail

}  // namespace preflight::scan
