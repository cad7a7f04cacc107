// The command line as ruff users expect it (docs/cli.md): options per command, reports
// to files, choosing checks, configuration discovery, standard input, terminal output.
#include "tests/cli_harness.hpp"
#include "tests/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

using namespace preflight::testing;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::set<std::string> codes_in(const std::string& report) {
    std::set<std::string> codes;
    const json parsed = json::parse(report);  // kept: at() refers into it
    for (const auto& f : parsed.at("findings")) {
        codes.insert(f.at("code").get<std::string>());
    }
    return codes;
}

std::string slides() { return fixture("pdf/slides_16x9.pdf"); }

}  // namespace

TEST(CliOptions, AnOptionOfAnotherCommandIsAUsageErrorNamingIt) {
    const auto r = run_cli({"lookup", "974760673", "-o", "rapport.json"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("«-o»"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("check, scan, fix"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("«preflight lookup --help»"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists("rapport.json"));

    const auto dump = run_cli({"check", "--dump-config", slides()});
    EXPECT_EQ(dump.exit_code, 2);
    EXPECT_NE(dump.err.find("--dump-config"), std::string::npos) << dump.err;

    const auto unknown = run_cli({"check", "--lang", "en", "--nope", slides()});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("unknown option \"--nope\""), std::string::npos) << unknown.err;
    EXPECT_NE(unknown.err.find("\"preflight check --help\""), std::string::npos) << unknown.err;
}

TEST(CliOptions, ValuesAreNeitherGuessedNorMissing) {
    // No prefix matching: --form is not --format.
    const auto guessed = run_cli({"check", "--form", "json", slides()});
    EXPECT_EQ(guessed.exit_code, 2);
    EXPECT_NE(guessed.err.find("--form"), std::string::npos) << guessed.err;
    const auto missing = run_cli({"check", slides(), "--format"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("«--format» trenger en verdi"), std::string::npos) << missing.err;
    // The next option is not taken for the missing value, and the language it sets holds.
    const auto swallowed = run_cli({"check", slides(), "--format", "--lang", "en"});
    EXPECT_EQ(swallowed.exit_code, 2);
    EXPECT_NE(swallowed.err.find("\"--format\" needs a value"), std::string::npos) << swallowed.err;
    const auto extra = run_cli({"check", "--quiet=yes", slides()});
    EXPECT_EQ(extra.exit_code, 2);
    EXPECT_NE(extra.err.find("«--quiet» tar ingen verdi"), std::string::npos) << extra.err;
    const auto twice = run_cli({"check", "--channel", "dpo", "--channel", "print", slides()});
    EXPECT_EQ(twice.exit_code, 2);
    EXPECT_NE(twice.err.find("«--channel» er gitt mer enn én gang"), std::string::npos) << twice.err;
    // Options before the command are read as well.
    EXPECT_EQ(run_cli({"--channel", "dpo", "check", slides()}).exit_code, 0);
}

TEST(CliOptions, CommandHelpShowsThatCommandsOptionsOnly) {
    const auto check = run_cli({"check", "--help"});
    EXPECT_EQ(check.exit_code, 0);
    EXPECT_EQ(check.out.rfind("preflight check – ", 0), 0U) << check.out;
    EXPECT_NE(check.out.find("--stdin-name NAVN"), std::string::npos) << check.out;
    EXPECT_EQ(check.out.find("--listen"), std::string::npos) << check.out;
    const auto serve = run_cli({"serve", "--help", "--lang", "en"});
    EXPECT_NE(serve.out.find("--listen ADDR:PORT"), std::string::npos) << serve.out;
    EXPECT_EQ(serve.out.find("--stdin-name"), std::string::npos) << serve.out;
    const auto top = run_cli({"--help"});
    EXPECT_NE(top.out.find("kommandoer:"), std::string::npos) << top.out;
    EXPECT_NE(top.out.find("«preflight KOMMANDO --help»"), std::string::npos) << top.out;
}

TEST(CliOptions, ServeWarnsAboutTheOptionsItUsedToIgnore) {
    // --format was accepted and ignored by serve: still accepted, with a warning; the
    // run then stops on the bad address, not on --format.
    const auto r = run_cli({"serve", "--format", "json", "--listen", "not-an-address"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("advarsel: «--format» gjelder ikke for porten"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--listen"), std::string::npos) << r.err;
    // What serve never took is refused.
    const auto select = run_cli({"serve", "--select", "DP1"});
    EXPECT_EQ(select.exit_code, 2);
    EXPECT_NE(select.err.find("«--select»"), std::string::npos) << select.err;
}

TEST(CliOptions, SeveralReportsInOneRunEachToItsFile) {
    TempDir dir;
    const std::string a = (dir.path() / "a.json").string();
    const std::string b = (dir.path() / "b.sarif").string();
    const auto r = run_cli({"check", "--channel", "print", "--format", "json", "-o", a, "--format", "sarif", "--output",
                            b, "--format", "text", slides()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(codes_in(slurp(a)).contains("DP301"));
    EXPECT_EQ(json::parse(slurp(b)).at("version"), "2.1.0");
    EXPECT_NE(r.out.find("DP301"), std::string::npos) << "the last format goes to standard output: " << r.out;
    // No temporary file is left beside the reports.
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 2);

    const auto unpaired = run_cli({"check", "-o", a, "-o", b, slides()});
    EXPECT_EQ(unpaired.exit_code, 2);
    EXPECT_NE(unpaired.err.find("--format og --output"), std::string::npos) << unpaired.err;
}

TEST(CliOptions, AReportNeverReplacesAnInput) {
    TempDir dir;
    const fs::path copy = dir.path() / "slides.pdf";
    fs::copy_file(slides(), copy);
    const auto before = slurp(copy.string());
    const auto r = run_cli({"check", "--format", "json", "-o", copy.string(), copy.string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(slurp(copy.string()), before);
}

TEST(CliOptions, AnUnwritableReportIsAnErrorNamingTheFile) {
    const auto r = run_cli({"check", "--format", "json", "-o", "/nonexistent-folder/r.json", slides()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("/nonexistent-folder/r.json"), std::string::npos) << r.err;
    // Why, in the user's words, not the C library's English.
    EXPECT_NE(r.err.find("r.json: finnes ikke"), std::string::npos) << r.err;
}

TEST(CliOptions, SelectAndIgnoreByCodeSlugAndPrefix) {
    const auto all = run_cli({"check", "--channel", "print", "--format", "json", slides()});
    ASSERT_TRUE(codes_in(all.out).contains("DP301")) << all.out;
    const auto ignored =
        run_cli({"check", "--channel", "print", "--format", "json", "--ignore", "page-format", slides()});
    EXPECT_FALSE(codes_in(ignored.out).contains("DP301")) << ignored.out;
    const auto prefix = run_cli({"check", "--channel", "print", "--format", "json", "--select", "DP1", slides()});
    for (const auto& code : codes_in(prefix.out)) {
        EXPECT_EQ(code.rfind("DP1", 0), 0U) << code;
    }
    EXPECT_EQ(prefix.exit_code, 0) << prefix.out;
    // The more specific selector wins: DP3 selected, DP301 ignored.
    const auto specific =
        run_cli({"check", "--channel", "print", "--format", "json", "--select", "DP3", "--ignore", "DP301", slides()});
    EXPECT_FALSE(codes_in(specific.out).contains("DP301"));
    const auto unknown = run_cli({"check", "--select", "DP9", slides()});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("«DP9»"), std::string::npos) << unknown.err;
}

TEST(CliOptions, ExitZeroReportsWithoutFailing) {
    const auto r = run_cli({"check", "--channel", "print", "--exit-zero", "--format", "json", slides()});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(json::parse(r.out).at("verdict"), "block");
}

TEST(CliOptions, TheConfigFileChoosesChecksAndTheCommandLineOverridesIt) {
    TempDir dir;
    const fs::path ini = dir.path() / "valg.ini";
    std::ofstream(ini) << "[checks]\nignore = DP301\n";
    const auto r = run_cli({"check", "--channel", "print", "--format", "json", "--config", ini.string(), slides()});
    EXPECT_FALSE(codes_in(r.out).contains("DP301")) << r.out;
    std::ofstream(ini) << "[checks]\nselect = DP1\n";
    const auto over = run_cli(
        {"check", "--channel", "print", "--format", "json", "--config", ini.string(), "--select", "DP3", slides()});
    EXPECT_TRUE(codes_in(over.out).contains("DP301")) << over.out;
    std::ofstream(ini) << "[checks]\nselect = DP77\n";
    const auto bad = run_cli({"check", "--config", ini.string(), slides()});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find(ini.string()), std::string::npos) << bad.err;
}

TEST(CliOptions, ChecksPrintsOneChecksPageByCodeOrSlug) {
    const auto page = run_cli({"checks", "DP301"});
    EXPECT_EQ(page.exit_code, 0);
    EXPECT_EQ(page.out.rfind("# DP301 page-format", 0), 0U) << page.out.substr(0, 200);
    EXPECT_EQ(run_cli({"checks", "page-format"}).out, page.out);
    EXPECT_EQ(run_cli({"checks", "dp301"}).out, page.out);
    const auto unknown = run_cli({"checks", "DP999"});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("DP999"), std::string::npos) << unknown.err;
}

TEST(CliOptions, ConfigIsFoundUpwardsAndNoConfigSkipsIt) {
    TempDir dir;
    std::ofstream(dir.path() / ".preflight.ini") << "[checks]\nignore = page-format\n";
    fs::create_directories(dir.path() / "sak" / "2024");
    const CliPlace below{(dir.path() / "sak" / "2024").string(), {"PREFLIGHT_SYSTEM_CONFIG=/nonexistent"}};
    const auto found = run_cli({"check", "--channel", "print", "--format", "json", slides()}, nullptr, below);
    EXPECT_FALSE(codes_in(found.out).contains("DP301")) << found.out << found.err;
    const auto skipped =
        run_cli({"check", "--channel", "print", "--format", "json", "--no-config", slides()}, nullptr, below);
    EXPECT_TRUE(codes_in(skipped.out).contains("DP301")) << skipped.out;
    const fs::path other = dir.path() / "annen.ini";
    std::ofstream(other) << "[page-format]\ntolerance-mm = 10\n";
    const auto given = run_cli(
        {"check", "--channel", "print", "--format", "json", "--config", other.string(), slides()}, nullptr, below);
    EXPECT_TRUE(codes_in(given.out).contains("DP301")) << "--config replaces the discovered file";
    EXPECT_EQ(run_cli({"check", "--config", other.string(), "--no-config", slides()}, nullptr, below).exit_code, 2);

    // scan looks upwards from each folder it scans.
    fs::copy_file(slides(), dir.path() / "sak" / "2024" / "mal.pdf");
    const auto scanned =
        run_cli({"scan", "--channel", "print", "--format", "json", (dir.path() / "sak" / "2024").string()}, nullptr,
                {"", {"PREFLIGHT_SYSTEM_CONFIG=/nonexistent"}});
    EXPECT_FALSE(codes_in(scanned.out).contains("DP301")) << scanned.out << scanned.err;
}

TEST(CliOptions, TheSystemFileIsReadWhenReadableAndSkippedSilentlyWhenNot) {
    TempDir dir;
    const fs::path system = dir.path() / "preflight.ini";
    std::ofstream(system) << "[checks]\nignore = DP301\n";
    const CliPlace place{dir.path().string(), {"PREFLIGHT_SYSTEM_CONFIG=" + system.string()}};
    fs::remove(dir.path() / ".preflight.ini");
    const auto read = run_cli({"check", "--channel", "print", "--format", "json", slides()}, nullptr, place);
    EXPECT_FALSE(codes_in(read.out).contains("DP301")) << read.out << read.err;
    if (geteuid() == 0) {
        GTEST_SKIP() << "root reads every file: the unreadable case needs another user";
    }
    ::chmod(system.c_str(), 0);
    const auto skipped = run_cli({"check", "--channel", "print", "--format", "json", slides()}, nullptr, place);
    EXPECT_TRUE(codes_in(skipped.out).contains("DP301"));
    EXPECT_EQ(skipped.err, "");
}

TEST(CliOptions, ADocumentFromStandardInputIsCheckedUnderItsGivenName) {
    const std::string content = slurp(slides());
    const auto named = run_cli(
        {"check", "--channel", "print", "--format", "json", "--stdin-name", "Lysbilder til møtet.pdf", "-"}, &content);
    EXPECT_EQ(named.exit_code, 1) << named.err;
    const json report = json::parse(named.out);
    EXPECT_EQ(report.at("documents").at(0).at("file"), "Lysbilder til møtet.pdf");
    EXPECT_EQ(report.at("documents").at(0).at("name"), "Lysbilder til møtet");
    EXPECT_TRUE(codes_in(named.out).contains("DP301"));
    const auto plain = run_cli({"check", "--format", "json", "-"}, &content);
    EXPECT_EQ(json::parse(plain.out).at("documents").at(0).at("file"), "stdin");
    EXPECT_EQ(run_cli({"check", "--stdin-name", "x.pdf", slides()}).exit_code, 2);
    EXPECT_EQ(run_cli({"check", "-", "-"}, &content).exit_code, 2);
}

TEST(CliOptions, ColourOnlyWhenWantedAndQuietIsOneLine) {
    const auto plain = run_cli({"check", "--channel", "print", slides()});
    EXPECT_EQ(plain.out.find('\x1b'), std::string::npos) << "standard output is a file here";
    const auto forced = run_cli({"check", "--channel", "print", "--color", "always", slides()});
    EXPECT_NE(forced.out.find("\x1b["), std::string::npos) << forced.out;
    const auto never = run_cli({"check", "--channel", "print", "--color", "never", slides()});
    EXPECT_EQ(never.out.find('\x1b'), std::string::npos);
    EXPECT_EQ(run_cli({"check", "--color", "sometimes", slides()}).exit_code, 2);
    const auto quiet = run_cli({"check", "--channel", "print", "-q", slides()});
    EXPECT_EQ(quiet.exit_code, 1);
    EXPECT_EQ(std::count(quiet.out.begin(), quiet.out.end(), '\n'), 1) << quiet.out;
}
