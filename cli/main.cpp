// preflight: a thin command line over the library (qpdf style). Exit codes:
// 0 nothing blocks, 1 something blocks (or warns with --fail-on warn), 2 usage
// error, 3 internal error.
#include "app/cli.hpp"
#include "app/sections.hpp"
#include "base/error.hpp"
#include "base/files.hpp"
#include "base/identifiers.hpp"
#include "base/isolate.hpp"
#include "base/text.hpp"
#include "checks/check_set.hpp"
#include "explain/explain.hpp"
#include "fix/fixup.hpp"
#include "lookup/lookup.hpp"
#include "pdf/pdf_info.hpp"
#include "registry/setup.hpp"
#include "report/render.hpp"
#include "scan/scan.hpp"
#include "server/gate.hpp"
#include "validator/catalogue.hpp"
#include "validator/config.hpp"
#include "validator/docs.hpp"
#include "validator/engine.hpp"
#include "validator/manifest.hpp"
#include "validator/selection.hpp"

#include "git_describe.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

namespace cli = preflight::app::cli;
using namespace preflight;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFindings = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInternal = 3;

bool flag_in_argv(int argc, char** argv, const char* flag) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], flag) == 0) {
            return true;
        }
    }
    return false;
}

Lang lang_from_argv(int argc, char** argv) {
    Lang lang = Lang::nb;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--lang" && i + 1 < argc) {
            lang = std::strcmp(argv[i + 1], "en") == 0 ? Lang::en : Lang::nb;
        } else if (a.starts_with("--lang=")) {
            lang = a == "--lang=en" ? Lang::en : Lang::nb;
        }
    }
    return lang;
}

// --NAME as a whole number in [min, max].
long whole_number(const cli::Parsed& p, const char* name, long min, long max) {
    const std::string given = p.value(name);
    long value = 0;
    const auto [end, ec] = std::from_chars(given.data(), given.data() + given.size(), value);
    if (ec != std::errc() || end != given.data() + given.size() || value < min || value > max) {
        throw UsageError("error.usage.value",
                         {{"option", name}, {"value", given}, {"allowed", fmt::format("{}-{}", min, max)}});
    }
    return value;
}

template <typename T>
T choose(const std::string& option, const std::string& value, const std::vector<std::pair<std::string, T>>& allowed) {
    std::string names;
    for (const auto& [name, v] : allowed) {
        if (name == value) {
            return v;
        }
        names += (names.empty() ? "" : ", ") + name;
    }
    throw UsageError("error.usage.value", {{"option", option}, {"value", value}, {"allowed", names}});
}

// `preflight serve`: settings from [serve], overridden by the command line.
int serve(const cli::Parsed& p, const Config& config, const CheckSet& check_set, Lang lang, bool training) {
    // The gate is multi-threaded: PDFs and DOCX files are never read by a fork of
    // it (other threads may hold locks; docs/design.md, "Isolation"). While this
    // process is still single-threaded, fork the isolation server's helper: every
    // analysis is then a fork of that single-threaded helper. Should that fail, or
    // the helper die later, this binary is started afresh for each file
    // (posix_spawn + exec; slower, as safe).
    isolate::start_server();
    isolate::set_program("/proc/self/exe");
    server::ServeOverrides overrides;
    if (p.has("listen")) {
        overrides.listen = p.value("listen");
    }
    if (p.has("upstream")) {
        overrides.upstream = p.value("upstream");
    }
    if (p.has("workers")) {
        overrides.workers = static_cast<unsigned>(whole_number(p, "workers", 1, 1024));
    }
    const server::GateSettings gs = server::settings_from(config, overrides, lang);

    if (p.has("no-sandbox")) {
        // Analysing untrusted PDFs inside the multi-threaded gate is never safe.
        throw UsageError("error.usage.value", {{"option", "no-sandbox"}, {"value", "serve"}, {"allowed", "check"}});
    }
    RunSettings run;
    run.sandbox = true;
    run.flags.strict_registry = p.has("strict-registry") || config.section("registry").boolean("strict");
    run.flags.training = training;
    // The upstream integrasjonspunkt answers capabilities unless [capabilities] url is set.
    auto registries = registry::make_registries(config, gs.upstream);
    run.directory = registries.directory.get();

    std::optional<server::Gate> made;
    try {
        made.emplace(gs, check_set, config, run);
    } catch (const std::runtime_error& e) {
        // The state store could not be opened: say which file, and do not start.
        throw UsageError("error.gate.state", {{"detail", e.what()}});
    }
    server::Gate& gate = *made;
    try {
        return server::serve_until_signal(gate);
    } catch (const std::system_error& e) {
        throw UsageError("error.gate.bind", {{"address", gs.listen}, {"detail", errno_phrase(e.code().value())}});
    }
}

// Where a report goes: a file (--output), or standard output.
struct Destination {
    Format format = Format::text;
    std::optional<std::string> file;
};

Format format_named(const std::string& name) {
    const auto format = parse_format(name);
    if (!format) {
        throw UsageError(
            "error.usage.value",
            {{"option", "format"}, {"value", name}, {"allowed", "text, json, junit, sarif, gitlab, github"}});
    }
    return *format;
}

// --format and --output in pairs: the n-th --output gets the n-th --format; one more
// --format than --output sends the last one to standard output (docs/cli.md).
std::vector<Destination> destinations(const cli::Parsed& p) {
    std::vector<std::string> formats = p.all("format");
    const std::vector<std::string> files = p.all("output");
    if (formats.empty()) {
        formats.emplace_back("text");
    }
    if (files.size() != formats.size() && files.size() + 1 != formats.size() &&
        !(formats.size() == 1 && files.size() <= 1)) {
        throw UsageError("error.usage.formats", {});
    }
    std::vector<Destination> out;
    for (std::size_t i = 0; i < formats.size(); ++i) {
        Destination d{format_named(formats[i]), std::nullopt};
        if (i < files.size()) {
            d.file = files[i];
        }
        out.push_back(std::move(d));
    }
    // The same file twice would keep only one report.
    for (std::size_t i = 0; i < out.size(); ++i) {
        for (std::size_t j = i + 1; j < out.size(); ++j) {
            if (out[i].file && out[j].file && *out[i].file == *out[j].file) {
                throw UsageError("error.usage.formats", {});
            }
        }
    }
    return out;
}

// A report file must not replace a document being checked.
void refuse_output_over(const std::vector<Destination>& outputs, const std::vector<std::string>& inputs) {
    for (const auto& d : outputs) {
        if (!d.file) {
            continue;
        }
        for (const auto& in : inputs) {
            std::error_code ec;
            if (std::filesystem::equivalent(*d.file, in, ec)) {
                throw UsageError("error.usage.output-stdin", {{"file", *d.file}});
            }
        }
    }
}

// Renders `report` into every destination: files whole or not at all (written beside
// and renamed), standard output as it is.
void emit(const Report& report, const std::vector<Destination>& outputs, const RenderOptions& options) {
    for (const auto& d : outputs) {
        if (!d.file) {
            continue;
        }
        RenderOptions plain = options;
        plain.color = false;
        plain.quiet = false;
        try {
            write_file_atomically(*d.file, render(report, d.format, plain));
        } catch (const std::system_error& e) {
            throw UsageError("error.output.write", {{"file", *d.file}, {"detail", errno_phrase(e.code().value())}});
        }
    }
    for (const auto& d : outputs) {
        if (!d.file) {
            RenderOptions shown = options;
            shown.quiet = options.quiet && d.format == Format::text;
            std::fputs(render(report, d.format, shown).c_str(), stdout);
        }
    }
}

int exit_for(const cli::Parsed& p, const Report& report, Severity fail_on) {
    return !p.has("exit-zero") && report.fails(fail_on) ? kExitFindings : kExitOk;
}

// --select and --ignore as given (each may be a comma-separated list, and repeated).
Selection selection_given(const cli::Parsed& p) {
    Selection s;
    for (const auto& v : p.all("select")) {
        for (auto& one : split_selectors(v)) {
            s.select.push_back(std::move(one));
        }
    }
    for (const auto& v : p.all("ignore")) {
        for (auto& one : split_selectors(v)) {
            s.ignore.push_back(std::move(one));
        }
    }
    return s;
}

// The configuration: --config; none with --no-config; else, where `discover`, the
// nearest .preflight.ini upwards from here or the system file (discover_config).
struct LoadedConfig {
    Config config;
    std::optional<std::filesystem::path> file;
};

LoadedConfig load_config(const cli::Parsed& p, const std::vector<Section>& sections, bool discover) {
    if (p.has("config") && p.has("no-config")) {
        throw UsageError("error.usage.config-both", {});
    }
    std::optional<std::filesystem::path> file = p.optional("config");
    if (!file && discover && !p.has("no-config")) {
        file = discover_config(std::filesystem::current_path());
    }
    if (!file) {
        return {Config(sections), std::nullopt};
    }
    return {Config::load(*file, sections), file};
}

// A document read from standard input ("-"), kept in a private folder while it is checked.
class StdinDocument {
public:
    StdinDocument() = default;
    StdinDocument(const StdinDocument&) = delete;
    StdinDocument& operator=(const StdinDocument&) = delete;
    ~StdinDocument() {
        if (!dir_.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(dir_, ec);
        }
    }

    // Reads standard input into the folder as `name`; returns the path.
    std::filesystem::path read(const std::string& name) {
        std::string leaf = std::filesystem::path(name).filename().string();
        if (leaf.empty() || leaf == "." || leaf == "..") {
            leaf = "document";
        }
        constexpr std::size_t kLimit = 1ULL << 30;  // far over any limit a letter has
        if (::isatty(STDIN_FILENO) == 1) {
            throw UsageError("error.usage.stdin-tty", {});
        }
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/preflight-stdin.XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::system_error(errno, std::generic_category(), pattern);
        }
        dir_ = pattern;
        std::filesystem::path path = dir_ / leaf;
        std::FILE* out = std::fopen(path.c_str(), "wbx");
        if (out == nullptr) {
            throw std::system_error(errno, std::generic_category(), path.string());
        }
        std::vector<char> buf(1 << 16);
        std::size_t total = 0;
        std::size_t n = 0;
        while ((n = std::fread(buf.data(), 1, buf.size(), stdin)) > 0) {
            total += n;
            if (total > kLimit) {
                std::fclose(out);
                throw UsageError("error.usage.stdin-too-large", {{"limit", std::to_string(kLimit)}});
            }
            if (std::fwrite(buf.data(), 1, n, out) != n) {
                const int err = errno;
                std::fclose(out);
                throw std::system_error(err, std::generic_category(), path.string());
            }
        }
        if (std::fclose(out) != 0) {
            throw std::system_error(errno, std::generic_category(), path.string());
        }
        return path;
    }

private:
    std::filesystem::path dir_;
};

// `preflight scan`: templates under folders, checked in parallel into one report.
int scan_templates(const cli::Parsed& p, const CheckSet& check_set, const std::vector<Section>& sections,
                   const std::vector<Destination>& outputs, const RenderOptions& render_options) {
    const std::vector<std::string>& paths = p.args;
    if (paths.empty()) {
        throw UsageError("error.usage.no-paths", {});
    }
    scan::Options options;
    options.paths = paths;
    options.excludes = p.all("exclude");
    options.config_file = p.optional("config");
    options.no_config = p.has("no-config");
    options.selection = selection_given(p);
    if (p.has("channel")) {
        options.channel = parse_channel(p.value("channel"));
    }
    if (p.has("jobs")) {
        options.jobs = static_cast<unsigned>(whole_number(p, "jobs", 0, 1024));
    }
    options.sandbox = !p.has("no-sandbox");
    const scan::Plan plan = scan::plan(options, sections);
    if (plan.targets.empty()) {
        // A wrong path in a pipeline must not pass unnoticed.
        std::string given;
        for (const auto& path : paths) {
            given += (given.empty() ? "" : ", ") + path;
        }
        throw UsageError("error.scan.nothing", {{"paths", given}});
    }
    // With --jobs > 1, scan::run() forks worker processes: this process is still
    // single-threaded here, and each worker analyses PDFs in fork-mode sandboxes.
    scan::Progress progress;
    const auto started = std::chrono::steady_clock::now();
    if (::isatty(STDERR_FILENO) == 1 && !render_options.quiet) {
        progress = [&](std::size_t done, std::size_t total) {
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            const std::string line = catalogue::text(
                "ui.scan.progress", render_options.lang,
                {{"done", std::to_string(done)},
                 {"total", std::to_string(total)},
                 {"rate", catalogue::format_decimal(seconds > 0 ? static_cast<double>(done) / seconds : 0.0, 1,
                                                    render_options.lang)}});
            std::fputs(fmt::format("\r\x1b[K{}{}", line, done == total ? "\n" : "").c_str(), stderr);
        };
    }
    RenderOptions shown = render_options;
    shown.templates = true;
    shown.docs_url = plan.roots.empty() ? std::string() : plan.roots.front().config.section("scan").text("docs-url");
    const Report report = scan::run(plan, check_set, options.sandbox, progress);
    emit(report, outputs, shown);
    return exit_for(p, report, render_options.fail_on);
}

// --channel, --no-sandbox, --strict-registry and --profile as a run's settings.
RunSettings run_settings(const cli::Parsed& p, const Config& config, bool training) {
    RunSettings settings;
    if (p.has("channel")) {
        const auto channel = parse_channel(p.value("channel"));
        if (!channel || *channel == Channel::manual) {
            throw UsageError("error.usage.value", {{"option", "channel"},
                                                   {"value", p.value("channel")},
                                                   {"allowed", "general, dpi, print, dpo, dpv, dpf, email, signing"}});
        }
        settings.channel = *channel;
        settings.channel_given = true;
    }
    settings.sandbox = !p.has("no-sandbox");
    settings.flags.strict_registry = p.has("strict-registry") || config.section("registry").boolean("strict");
    settings.flags.training = training;
    return settings;
}

// Checks a journal post; the registries are asked only when it has recipients.
Report check_post(JournalPost post, const CheckSet& check_set, const Config& config, RunSettings settings) {
    registry::Registries registries;
    if (!post.recipients.empty()) {
        registries = registry::make_registries(config);
        settings.directory = registries.directory.get();
    }
    return run_checks(std::move(post), check_set, config, settings);
}

// `preflight fix IN.pdf -o OUT.pdf` (a print-ready copy) or `preflight fix
// --manifest POST.json` (shorter names for what DP101 stops). Exit 0: the copy
// was written and passes print, or no name is too long; 1: the input was
// refused, the fix failed, the copy still blocks, or names need changing.
int fix_command(const cli::Parsed& p, const std::vector<std::string>& args, const CheckSet& check_set,
                const Config& config, Format format, const RenderOptions& render_options, bool training) {
    if (format != Format::text && format != Format::json) {
        throw UsageError("error.fix.format", {{"format", p.value("format")}});
    }
    const RunSettings settings = run_settings(p, config, training);
    if (p.has("manifest")) {
        if (!args.empty()) {
            throw UsageError("error.usage.both", {});
        }
        const Report report = check_post(load_manifest(p.value("manifest")), check_set, config, settings);
        const auto proposals = fixup::propose_names(report, check_set);
        std::fputs(fixup::render_names(proposals, format, render_options).c_str(), stdout);
        return proposals.empty() ? kExitOk : kExitFindings;
    }
    if (args.size() != 1) {
        throw UsageError("error.fix.one-file", {});
    }
    if (!p.has("output")) {
        throw UsageError("error.fix.output", {});
    }
    pdf::FixOptions options;
    options.two_up = p.has("two-up");
    options.tolerance_mm = config.section("page-format").number("tolerance-mm");
    options.strip_mm = config.section("print-margin").number("margin-mm");
    const fixup::PdfFix fix =
        fixup::fix_pdf(args.front(), p.value("output"), options, p.has("force"), check_set, config, settings);
    std::fputs(fixup::render_fix(fix, format, render_options).c_str(), stdout);
    if (!fix.fixed()) {
        return kExitFindings;
    }
    return fix.output && fix.output->fails(render_options.fail_on) ? kExitFindings : kExitOk;
}

// Reads FILE, or standard input for "-", up to the limit explain accepts.
std::string read_input(const std::string& file) {
    constexpr std::size_t kLimit = 64ULL * 1024 * 1024;  // a year of a busy log; read whole
    std::string data;
    if (file == "-") {
        char buf[65536];
        std::size_t n = 0;
        while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
            data.append(buf, n);
            if (data.size() > kLimit) {
                throw UsageError("error.explain.too-large", {{"file", "-"}, {"limit", std::to_string(kLimit)}});
            }
        }
        return data;
    }
    std::error_code ec;
    if (std::filesystem::is_regular_file(file, ec) && std::filesystem::file_size(file, ec) > kLimit) {
        throw UsageError("error.explain.too-large", {{"file", file}, {"limit", std::to_string(kLimit)}});
    }
    auto content = read_regular_file(file);
    if (!content) {
        throw UsageError("error.explain.unreadable", {{"file", file}});
    }
    return std::move(*content);
}

// `preflight explain`: a log message, a log, or a status export; with --manifest, the
// journal post is checked for the causes the messages point to.
int explain_messages(const cli::Parsed& p, const std::vector<std::string>& args, const CheckSet& check_set,
                     const Config& config, Format format, const RenderOptions& render_options, bool training) {
    if (format != Format::text && format != Format::json) {
        throw UsageError("error.usage.value",
                         {{"option", "format"}, {"value", p.value("format")}, {"allowed", "text, json"}});
    }
    const int sources = (args.empty() ? 0 : 1) + (p.has("log") ? 1 : 0) + (p.has("statuses") ? 1 : 0);
    if (sources > 1) {
        throw UsageError("error.explain.both", {});
    }
    if (p.has("statuses")) {
        if (p.has("manifest")) {
            throw UsageError("error.usage.value",
                             {{"option", "manifest"}, {"value", "--statuses"}, {"allowed", "TEXT, --log"}});
        }
        const std::string file = p.value("statuses");
        const auto result = explain::sort_statuses(read_input(file), file, std::chrono::system_clock::now());
        std::fputs((format == Format::json ? explain::render_json(result, render_options)
                                           : explain::render_text(result, render_options))
                       .c_str(),
                   stdout);
        return result.count(explain::Kind::act) + result.count(explain::Kind::unknown) > 0 ? kExitFindings : kExitOk;
    }
    std::string input;
    if (p.has("log")) {
        input = read_input(p.value("log"));
        if (explain::looks_binary(input)) {
            throw UsageError("error.explain.binary", {{"file", p.value("log")}});
        }
    } else if (!args.empty()) {
        for (const auto& a : args) {
            input += (input.empty() ? "" : " ") + a;
        }
    } else if (::isatty(STDIN_FILENO) == 0) {
        input = read_input("-");
        if (explain::looks_binary(input)) {
            throw UsageError("error.explain.binary", {{"file", "-"}});
        }
    } else {
        throw UsageError("error.explain.no-input", {});
    }
    explain::Result result = explain::explain_log(input);
    if (p.has("manifest")) {
        const std::string manifest = p.value("manifest");
        JournalPost post = load_manifest(manifest);
        const Report report = check_post(std::move(post), check_set, config, run_settings(p, config, training));
        explain::apply_report(result, report, manifest, render_options.lang);
    }
    std::fputs((format == Format::json ? explain::render_json(result, render_options)
                                       : explain::render_text(result, render_options))
                   .c_str(),
               stdout);
    return result.needs_action() ? kExitFindings : kExitOk;
}

// `preflight check`: loose files (one may be "-", standard input) or a manifest.
int check_command(const cli::Parsed& p, const CheckSet& check_set, const LoadedConfig& loaded,
                  const std::vector<Destination>& outputs, const RenderOptions& render_options, bool training) {
    RunSettings settings = run_settings(p, loaded.config, training);
    settings.off = switched_off(check_set, combine(loaded.config.section("checks"), selection_given(p)),
                                loaded.file ? loaded.file->string() : std::string("--select/--ignore"));
    JournalPost post;
    StdinDocument from_stdin;
    std::vector<std::string> inputs;
    if (p.has("manifest")) {
        if (!p.args.empty()) {
            throw UsageError("error.usage.both", {});
        }
        if (p.has("stdin-name")) {
            throw UsageError("error.usage.stdin-name", {});
        }
        post = load_manifest(p.value("manifest"));
        for (const auto& d : post.documents) {
            inputs.push_back(d.path.string());
        }
        inputs.push_back(p.value("manifest"));
    } else {
        if (p.args.empty()) {
            throw UsageError("error.usage.no-files", {});
        }
        const auto dashes = std::count(p.args.begin(), p.args.end(), "-");
        if (dashes > 1) {
            throw UsageError("error.usage.stdin-twice", {});
        }
        if (dashes == 0 && p.has("stdin-name")) {
            throw UsageError("error.usage.stdin-name", {});
        }
        const std::string stdin_name = p.value("stdin-name", "stdin");
        std::vector<std::string> files = p.args;
        std::replace(files.begin(), files.end(), std::string("-"), stdin_name);
        post = loose_files(files);
        for (std::size_t i = 0; i < p.args.size(); ++i) {
            if (p.args[i] == "-") {
                post.documents[i].path = from_stdin.read(stdin_name);
            } else {
                inputs.push_back(p.args[i]);
            }
        }
    }
    refuse_output_over(outputs, inputs);
    const Report report = check_post(std::move(post), check_set, loaded.config, settings);
    emit(report, outputs, render_options);
    return exit_for(p, report, render_options.fail_on);
}

// `preflight checks`: the list, one check's page, or every option as INI.
int checks_command(const cli::Parsed& p, const CheckSet& check_set, const std::vector<Section>& sections,
                   const Config& config, const RenderOptions& render_options) {
    if (p.args.size() > 1) {
        throw UsageError("error.usage.no-arguments", {{"command", "checks"}});
    }
    if (p.args.size() == 1) {
        const Check* check = check_set.find(p.args.front());
        if (check == nullptr) {
            // Codes are written in capitals, but dp301 is meant the same.
            std::string code = p.args.front();
            std::transform(code.begin(), code.end(), code.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
            check = check_set.find(code);
        }
        if (check == nullptr) {
            throw UsageError("error.usage.unknown-check", {{"check", p.args.front()}});
        }
        std::fputs(std::string(docs::check_page(check->slug(), render_options.lang)).c_str(), stdout);
        return kExitOk;
    }
    if (p.has("dump-config")) {
        std::fputs(config.dump(sections).c_str(), stdout);
        return kExitOk;
    }
    std::fputs(render_checks(check_set, format_named(p.value("format", "text")), render_options).c_str(), stdout);
    return kExitOk;
}

// One value only, for the commands that write one thing.
void single(const cli::Parsed& p, const char* option) {
    if (p.all(option).size() > 1) {
        throw UsageError("error.usage.repeated",
                         {{"option", fmt::format("--{}", option)}, {"command", "preflight " + p.command}});
    }
}

int run(int argc, char** argv, Lang& lang) {
    const cli::Parsed p = cli::parse(argc, argv);
    lang = choose<Lang>("lang", p.value("lang", "nb"), {{"nb", Lang::nb}, {"en", Lang::en}});
    if (p.has("help")) {
        std::fputs(cli::help(p.command, lang).c_str(), stdout);
        return kExitOk;
    }
    if (p.has("version")) {
        fmt::print("preflight {} ({})\n", PREFLIGHT_VERSION, PREFLIGHT_GIT_DESCRIBE);
        return kExitOk;
    }
    if (p.command.empty()) {
        throw UsageError("error.usage.no-command", {});
    }
    const std::string& command = p.command;
    for (const auto& ignored : p.ignored) {
        std::fputs((catalogue::text("warn.serve.ignored-option", lang, {{"option", ignored}}) + "\n").c_str(), stderr);
    }
    const Severity fail_on = choose<Severity>("fail-on", p.value("fail-on", "block"),
                                              {{"block", Severity::block}, {"warn", Severity::warn}});
    RenderOptions render_options = RenderOptions::in(lang);
    render_options.show_ids = p.has("show-ids");
    render_options.fail_on = fail_on;
    render_options.quiet = p.has("quiet");
    render_options.color =
        color_wanted(p.value("color", "auto"), ::isatty(STDOUT_FILENO) == 1, std::getenv("NO_COLOR"));
    if (const std::string when = p.value("color", "auto"); when != "auto" && when != "always" && when != "never") {
        throw UsageError("error.usage.value",
                         {{"option", "color"}, {"value", when}, {"allowed", "auto, always, never"}});
    }

    const CheckSet& check_set = builtin_checks();
    const auto sections = app::config_sections(check_set);
    // `serve` reads only the file it is given (its unit names it); scan looks for
    // .preflight.ini from each folder it scans; the others from here upwards.
    const LoadedConfig loaded = load_config(p, sections, command != "serve" && command != "scan");
    const Config& config = loaded.config;

    if (command == "checks") {
        single(p, "format");
        return checks_command(p, check_set, sections, config, render_options);
    }
    const bool training =
        choose<bool>("profile", p.value("profile", "production"), {{"production", false}, {"training", true}});
    if (command == "lookup") {
        single(p, "format");
        if (p.args.size() != 1) {
            throw UsageError("error.usage.one-id", {});
        }
        auto registries = registry::make_registries(config);
        const LookupResult result = look_up(*registries.directory, p.args.front());
        std::fputs(render_lookup(result, format_named(p.value("format", "text")), render_options).c_str(), stdout);
        return kExitOk;
    }
    if (command == "explain") {
        single(p, "format");
        return explain_messages(p, p.args, check_set, config, format_named(p.value("format", "text")), render_options,
                                training);
    }
    if (command == "serve") {
        if (!p.args.empty()) {
            throw UsageError("error.usage.no-arguments", {{"command", command}});
        }
        const SectionOptions& chosen = config.section("checks");
        for (const char* key : {"select", "ignore"}) {
            if (!chosen.text(key).empty()) {
                std::fputs((catalogue::text("warn.serve.selection", lang,
                                            {{"key", key}, {"file", loaded.file ? loaded.file->string() : "-"}}) +
                            "\n")
                               .c_str(),
                           stderr);
            }
        }
        return serve(p, config, check_set, lang, training);
    }
    if (command == "fix") {
        single(p, "format");
        single(p, "output");
        return fix_command(p, p.args, check_set, config, format_named(p.value("format", "text")), render_options,
                           training);
    }
    const std::vector<Destination> outputs = destinations(p);
    if (command == "scan") {
        return scan_templates(p, check_set, sections, outputs, render_options);
    }
    return check_command(p, check_set, loaded, outputs, render_options, training);
}

}  // namespace

int main(int argc, char** argv) {
    // The isolation module's processes (base/isolate.hpp): a restarted fork-server
    // helper and a job's exec'd child (PDF analysis, DOCX reading); and the PDF
    // analysing child of old (pdf/pdf_info.hpp, bench/gate.sh). Not commands for
    // users (not in --help), and nothing else of main() runs.
    if (argc > 1 && std::strcmp(argv[1], isolate::server_command) == 0) {
        return isolate::server_main(argc, argv);
    }
    if (argc > 1 && std::strcmp(argv[1], isolate::child_command) == 0) {
        return isolate::child_main(argc, argv);
    }
    Lang lang = lang_from_argv(argc, argv);
    // The command line's definitions as JSON, for packaging/make-manpages.py.
    if (argc > 1 && std::strcmp(argv[1], "__describe") == 0) {
        std::fputs(cli::describe(lang).c_str(), stdout);
        return kExitOk;
    }
    try {
        return run(argc, argv, lang);
    } catch (const UsageError& e) {
        try {
            std::string message =
                text::escape_controls(text::printable(catalogue::text(e.message_id(), lang, e.args())));
            if (!flag_in_argv(argc, argv, "--show-ids")) {
                message = ident::mask_person_ids(message);
            }
            std::fputs((catalogue::text("ui.error", lang, {{"message", message}}) + "\n").c_str(), stderr);
        } catch (const std::exception& inner) {
            std::fprintf(stderr, "preflight: error: %s (%s)\n", e.what(), inner.what());
        }
        return kExitUsage;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "preflight: internal error: %s\n", e.what());
        return kExitInternal;
    }
}
