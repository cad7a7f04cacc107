// preflight: a thin command line over the library (qpdf style). Exit codes:
// 0 nothing blocks, 1 something blocks (or warns with --fail-on warn), 2 usage
// error, 3 internal error.
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
#include "validator/engine.hpp"
#include "validator/manifest.hpp"

#include "git_describe.hpp"

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace po = boost::program_options;
using namespace preflight;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFindings = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInternal = 3;

constexpr const char* kHelp = R"(preflight - checks a letter before it is sent as digital post

usage:
  preflight check FILE...                 check loose documents for a channel
  preflight check --manifest POST.json    check one journal post: documents and recipients
  preflight scan PATH...                  CI mode: every template (PDF, DOCX, DOTX) under the
                                          folders, in parallel (docs/ci.md)
  preflight explain TEXT | --log FILE | --statuses FILE [--manifest POST.json]
                                          what a log message means and what to do; with no
                                          TEXT, reads standard input (docs/explain.md)
  preflight lookup ID                     what the registries say about a person or organisation
  preflight checks [--dump-config]        list every check, or print every option as INI
  preflight fix IN.pdf -o OUT.pdf [--two-up] [--force]
                                          a print-ready copy: every page portrait A4, the left
                                          18 mm free where pages are scaled (docs/fix.md)
  preflight fix --manifest POST.json      shorter names for the documents DP101 stops
  preflight serve [--listen ADDR:PORT] [--upstream URL]
                                          the gate: check API, and a validating proxy in front
                                          of the integrasjonspunkt with --upstream (docs/gate.md)

options:
  --channel general|dpi|print|dpo|dpv|dpf|email|signing   (default general: print rules block)
  --format text|json|junit|sarif|github                   (default text)
  --config FILE       INI file, one section per check slug, e.g. [page-format] tolerance-mm = 10
  --lang nb|en        language of messages (default nb)
  --fail-on block|warn  what makes the exit code 1 (default block)
  --show-ids          print fødselsnummer in full (masked as 291293***** by default)
  --strict-registry   a registry that cannot answer blocks (DP508) instead of warning
  --profile production|training   training: only the training environment's test recipients (DP701)
  --listen ADDR:PORT  serve: where to listen (default 127.0.0.1:8480; [serve] listen)
  --upstream URL      serve: the integrasjonspunkt, e.g. http://127.0.0.1:9093 ([serve] upstream)
  --workers N         serve: threads that check (default: one per core)
  --jobs N            scan: files checked at once (default: one per core; [scan] jobs)
  --exclude GLOB      scan: skip matching files and folders (repeatable; [scan] exclude)
  --log FILE          explain: an exported log, one message per line ("-": standard input)
  --statuses FILE     explain: an export of the integrasjonspunkt's /api/statuses, sorted
                      into act now, wait and fine
  -o, --output FILE   fix: where to write the copy (never the input)
  --two-up            fix: two landscape slides on each A4 page
  --force             fix: overwrite OUT.pdf if it exists
  --version, --help

exit codes: 0 nothing blocks, 1 a finding blocks (or warns with --fail-on warn),
            2 usage error, invalid manifest or config, 3 internal error
)";

bool flag_in_argv(int argc, char** argv, const char* flag) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], flag) == 0) {
            return true;
        }
    }
    return false;
}

Lang lang_from_argv(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if ((a == "--lang" && i + 1 < argc && std::strcmp(argv[i + 1], "en") == 0) || a == "--lang=en") {
            return Lang::en;
        }
    }
    return Lang::nb;
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
int serve(const po::variables_map& vm, const Config& config, const CheckSet& check_set, Lang lang, bool training) {
    // The gate is multi-threaded: PDFs and DOCX files are never read by a fork of
    // it (other threads may hold locks; docs/design.md, "Isolation"). While this
    // process is still single-threaded, fork the isolation server's helper: every
    // analysis is then a fork of that single-threaded helper. Should that fail, or
    // the helper die later, this binary is started afresh for each file
    // (posix_spawn + exec; slower, as safe).
    isolate::start_server();
    isolate::set_program("/proc/self/exe");
    server::ServeOverrides overrides;
    if (vm.count("listen") != 0) {
        overrides.listen = vm["listen"].as<std::string>();
    }
    if (vm.count("upstream") != 0) {
        overrides.upstream = vm["upstream"].as<std::string>();
    }
    if (vm.count("workers") != 0) {
        overrides.workers = vm["workers"].as<unsigned>();
    }
    const server::GateSettings gs = server::settings_from(config, overrides, lang);

    if (vm.count("no-sandbox") != 0) {
        // Analysing untrusted PDFs inside the multi-threaded gate is never safe.
        throw UsageError("error.usage.value", {{"option", "no-sandbox"}, {"value", "serve"}, {"allowed", "check"}});
    }
    RunSettings run;
    run.sandbox = true;
    run.flags.strict_registry = vm.count("strict-registry") != 0 || config.section("registry").boolean("strict");
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
        throw UsageError("error.gate.bind", {{"address", gs.listen}, {"detail", e.code().message()}});
    }
}

// `preflight scan`: templates under folders, checked in parallel into one report.
int scan_templates(const po::variables_map& vm, const std::vector<std::string>& paths, const CheckSet& check_set,
                   const std::vector<Section>& sections, Format format, const RenderOptions& render_options,
                   Severity fail_on) {
    if (paths.empty()) {
        throw UsageError("error.usage.no-paths", {});
    }
    scan::Options options;
    options.paths = paths;
    if (vm.count("exclude") != 0) {
        options.excludes = vm["exclude"].as<std::vector<std::string>>();
    }
    if (vm.count("config") != 0) {
        options.config_file = vm["config"].as<std::string>();
    }
    if (vm.count("channel") != 0) {
        options.channel = parse_channel(vm["channel"].as<std::string>());
    }
    if (vm.count("jobs") != 0) {
        const int jobs = vm["jobs"].as<int>();
        if (jobs < 0 || jobs > 1024) {
            throw UsageError(
                "error.usage.value",
                {{"option", "jobs"}, {"value", std::to_string(jobs)}, {"allowed", "0-1024 (0: all cores)"}});
        }
        options.jobs = static_cast<unsigned>(jobs);
    }
    options.sandbox = vm.count("no-sandbox") == 0;
    const scan::Plan plan = scan::plan(options, sections);
    if (plan.targets.empty()) {
        // A wrong path in a pipeline must not pass unnoticed.
        std::string given;
        for (const auto& p : paths) {
            given += (given.empty() ? "" : ", ") + p;
        }
        throw UsageError("error.scan.nothing", {{"paths", given}});
    }
    // With --jobs > 1, scan::run() forks worker processes: this process is still
    // single-threaded here, and each worker analyses PDFs in fork-mode sandboxes.
    scan::Progress progress;
    const auto started = std::chrono::steady_clock::now();
    if (::isatty(STDERR_FILENO) == 1) {
        progress = [&](std::size_t done, std::size_t total) {
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            const std::string line = catalogue::text(
                "ui.scan.progress", render_options.lang,
                {{"done", std::to_string(done)},
                 {"total", std::to_string(total)},
                 {"rate", fmt::format("{:.1f}", seconds > 0 ? static_cast<double>(done) / seconds : 0.0)}});
            std::fputs(fmt::format("\r\x1b[K{}{}", line, done == total ? "\n" : "").c_str(), stderr);
        };
    }
    RenderOptions shown = render_options;
    shown.templates = true;
    shown.docs_url = plan.roots.empty() ? std::string() : plan.roots.front().config.section("scan").text("docs-url");
    const Report report = scan::run(plan, check_set, options.sandbox, progress);
    std::fputs(render(report, format, shown).c_str(), stdout);
    return report.fails(fail_on) ? kExitFindings : kExitOk;
}

// --channel, --no-sandbox, --strict-registry and --profile as a run's settings.
RunSettings run_settings(const po::variables_map& vm, const Config& config, bool training) {
    RunSettings settings;
    if (vm.count("channel") != 0) {
        const auto channel = parse_channel(vm["channel"].as<std::string>());
        if (!channel || *channel == Channel::manual) {
            throw UsageError("error.usage.value", {{"option", "channel"},
                                                   {"value", vm["channel"].as<std::string>()},
                                                   {"allowed", "general, dpi, print, dpo, dpv, dpf, email, signing"}});
        }
        settings.channel = *channel;
        settings.channel_given = true;
    }
    settings.sandbox = vm.count("no-sandbox") == 0;
    settings.flags.strict_registry = vm.count("strict-registry") != 0 || config.section("registry").boolean("strict");
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
int fix_command(const po::variables_map& vm, const std::vector<std::string>& args, const CheckSet& check_set,
                const Config& config, Format format, const RenderOptions& render_options, bool training) {
    if (format != Format::text && format != Format::json) {
        throw UsageError("error.fix.format", {{"format", vm["format"].as<std::string>()}});
    }
    const RunSettings settings = run_settings(vm, config, training);
    if (vm.count("manifest") != 0) {
        if (!args.empty()) {
            throw UsageError("error.usage.both", {});
        }
        const Report report = check_post(load_manifest(vm["manifest"].as<std::string>()), check_set, config, settings);
        const auto proposals = fixup::propose_names(report, check_set);
        std::fputs(fixup::render_names(proposals, format, render_options).c_str(), stdout);
        return proposals.empty() ? kExitOk : kExitFindings;
    }
    if (args.size() != 1) {
        throw UsageError("error.fix.one-file", {});
    }
    if (vm.count("output") == 0) {
        throw UsageError("error.fix.output", {});
    }
    pdf::FixOptions options;
    options.two_up = vm.count("two-up") != 0;
    options.tolerance_mm = config.section("page-format").number("tolerance-mm");
    options.strip_mm = config.section("print-margin").number("margin-mm");
    const fixup::PdfFix fix = fixup::fix_pdf(args.front(), vm["output"].as<std::string>(), options,
                                             vm.count("force") != 0, check_set, config, settings);
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
int explain_messages(const po::variables_map& vm, const std::vector<std::string>& args, const CheckSet& check_set,
                     const Config& config, Format format, const RenderOptions& render_options, bool training) {
    if (format != Format::text && format != Format::json) {
        throw UsageError("error.usage.value",
                         {{"option", "format"}, {"value", vm["format"].as<std::string>()}, {"allowed", "text, json"}});
    }
    const int sources =
        (args.empty() ? 0 : 1) + static_cast<int>(vm.count("log")) + static_cast<int>(vm.count("statuses"));
    if (sources > 1) {
        throw UsageError("error.explain.both", {});
    }
    if (vm.count("statuses") != 0) {
        if (vm.count("manifest") != 0) {
            throw UsageError("error.usage.value",
                             {{"option", "manifest"}, {"value", "--statuses"}, {"allowed", "TEXT, --log"}});
        }
        const std::string file = vm["statuses"].as<std::string>();
        const auto result = explain::sort_statuses(read_input(file), file, std::chrono::system_clock::now());
        std::fputs((format == Format::json ? explain::render_json(result, render_options)
                                           : explain::render_text(result, render_options))
                       .c_str(),
                   stdout);
        return result.count(explain::Kind::act) + result.count(explain::Kind::unknown) > 0 ? kExitFindings : kExitOk;
    }
    std::string input;
    if (vm.count("log") != 0) {
        input = read_input(vm["log"].as<std::string>());
        if (explain::looks_binary(input)) {
            throw UsageError("error.explain.binary", {{"file", vm["log"].as<std::string>()}});
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
    if (vm.count("manifest") != 0) {
        const std::string manifest = vm["manifest"].as<std::string>();
        JournalPost post = load_manifest(manifest);
        const Report report = check_post(std::move(post), check_set, config, run_settings(vm, config, training));
        explain::apply_report(result, report, manifest, render_options.lang);
    }
    std::fputs((format == Format::json ? explain::render_json(result, render_options)
                                       : explain::render_text(result, render_options))
                   .c_str(),
               stdout);
    return result.needs_action() ? kExitFindings : kExitOk;
}

int run(int argc, char** argv, Lang& lang) {
    po::options_description opts;
    opts.add_options()("help,h", "")("version", "")("channel", po::value<std::string>())(
        "format", po::value<std::string>()->default_value("text"))("config", po::value<std::string>())(
        "lang", po::value<std::string>()->default_value("nb"))(
        "fail-on", po::value<std::string>()->default_value("block"))("manifest", po::value<std::string>())(
        "show-ids", "")("strict-registry", "")("profile", po::value<std::string>()->default_value("production"))(
        "dump-config", "")("no-sandbox", "")("listen", po::value<std::string>())("upstream", po::value<std::string>())(
        "workers", po::value<unsigned>())("jobs", po::value<int>())(
        "exclude", po::value<std::vector<std::string>>()->composing())("log", po::value<std::string>())(
        "statuses", po::value<std::string>())("output,o", po::value<std::string>())("two-up", "")("force", "")(
        "command", po::value<std::string>())("args", po::value<std::vector<std::string>>());
    po::positional_options_description pos;
    pos.add("command", 1).add("args", -1);

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError("error.usage", {{"detail", e.what()}});
    }

    lang = choose<Lang>("lang", vm["lang"].as<std::string>(), {{"nb", Lang::nb}, {"en", Lang::en}});
    if (vm.count("help") != 0) {
        std::fputs(kHelp, stdout);
        return kExitOk;
    }
    if (vm.count("version") != 0) {
        fmt::print("preflight {} ({})\n", PREFLIGHT_VERSION, PREFLIGHT_GIT_DESCRIBE);
        return kExitOk;
    }
    const auto format = parse_format(vm["format"].as<std::string>());
    if (!format) {
        throw UsageError("error.usage.value", {{"option", "format"},
                                               {"value", vm["format"].as<std::string>()},
                                               {"allowed", "text, json, junit, sarif, github"}});
    }
    const Severity fail_on = choose<Severity>("fail-on", vm["fail-on"].as<std::string>(),
                                              {{"block", Severity::block}, {"warn", Severity::warn}});
    RenderOptions render_options = RenderOptions::in(lang);
    render_options.show_ids = vm.count("show-ids") != 0;
    render_options.fail_on = fail_on;

    if (vm.count("command") == 0) {
        throw UsageError("error.usage.no-command", {});
    }
    const std::string command = vm["command"].as<std::string>();
    const auto args = vm.count("args") != 0 ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
    const CheckSet& check_set = builtin_checks();
    const auto sections = app::config_sections(check_set);
    const Config config =
        vm.count("config") != 0 ? Config::load(vm["config"].as<std::string>(), sections) : Config(sections);

    if (command == "checks") {
        if (!args.empty()) {
            throw UsageError("error.usage.no-arguments", {{"command", command}});
        }
        std::fputs(vm.count("dump-config") != 0 ? config.dump(sections).c_str()
                                                : render_checks(check_set, *format, render_options).c_str(),
                   stdout);
        return kExitOk;
    }
    const bool training =
        choose<bool>("profile", vm["profile"].as<std::string>(), {{"production", false}, {"training", true}});
    if (command == "lookup") {
        if (args.size() != 1) {
            throw UsageError("error.usage.one-id", {});
        }
        auto registries = registry::make_registries(config);
        const LookupResult result = look_up(*registries.directory, args.front());
        std::fputs(render_lookup(result, *format, render_options).c_str(), stdout);
        return kExitOk;
    }
    if (command == "explain") {
        return explain_messages(vm, args, check_set, config, *format, render_options, training);
    }
    if (command == "serve") {
        if (!args.empty()) {
            throw UsageError("error.usage.no-arguments", {{"command", command}});
        }
        return serve(vm, config, check_set, lang, training);
    }
    if (command == "fix") {
        return fix_command(vm, args, check_set, config, *format, render_options, training);
    }
    if (command != "check" && command != "scan") {
        throw UsageError("error.usage.command", {{"command", command}});
    }

    const RunSettings settings = run_settings(vm, config, training);
    if (command == "scan") {
        if (vm.count("manifest") != 0) {
            throw UsageError("error.usage.value",
                             {{"option", "manifest"}, {"value", "scan"}, {"allowed", "check --manifest"}});
        }
        return scan_templates(vm, args, check_set, sections, *format, render_options, fail_on);
    }
    JournalPost post;
    if (vm.count("manifest") != 0) {
        if (!args.empty()) {
            throw UsageError("error.usage.both", {});
        }
        post = load_manifest(vm["manifest"].as<std::string>());
    } else {
        if (args.empty()) {
            throw UsageError("error.usage.no-files", {});
        }
        post = loose_files(args);
    }

    const Report report = check_post(std::move(post), check_set, config, settings);
    std::fputs(render(report, *format, render_options).c_str(), stdout);
    return report.fails(fail_on) ? kExitFindings : kExitOk;
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
