// `preflight scan`: the walk, excludes, .preflight.ini, parallel runs in a stable
// order, and every output format, on a template tree the tests write (Word files
// with libzip, PDFs copied from fixtures/pdf).
#include "scan/scan.hpp"
#include "app/sections.hpp"
#include "base/error.hpp"
#include "checks/check_set.hpp"
#include "report/render.hpp"
#include "tests/cli_harness.hpp"
#include "tests/docx_writer.hpp"
#include "validator/catalogue.hpp"

#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace preflight;
using namespace preflight::testing;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const std::string kOddName = "mapper med mellomrom/æøå, mal.docx";

// A template repository: what each file should give is in the test that uses it.
class ScanTree : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "preflight-scan-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        root_ = tmpl;
        word("brev/a4.docx", word_document({}, sect(kPgA4)));
        word("brev/letter.docx", word_document({}, sect(kPgLetter)));
        word("brev/liggende.docx", word_document({}, sect(kPgA4Landscape)));
        word("brev/blandet.docx", word_document({sect(kPgA4)}, sect(kPgLandscapeNoOrient)));
        word("brev/mal.dotx", word_document({}, sect(kPgA4Odd)));
        word(kOddName, word_document({}, sect(kPgLetter)));
        word(".git/skjult.docx", word_document({}, sect(kPgLetter)));  // hidden folder: skipped
        word("brev/~$a4.docx", word_document({}, sect(kPgLetter)));    // Word's lock file: skipped
        copy("fixtures/pdf/slides_16x9.pdf", "vedlegg/slides.pdf");
        copy("fixtures/pdf/a4_portrait.pdf", "vedlegg/skjema.PDF");
        copy("fixtures/docs/brev_bomb.docx", "bombe.docx");
        std::ofstream(root_ / "brev/notater.txt") << "not a template\n";
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }

    void word(const std::string& rel, const std::string& xml) { write_word(root_ / rel, xml); }
    void copy(const std::string& from, const std::string& rel) {
        fs::create_directories((root_ / rel).parent_path());
        fs::copy_file(fs::path(PREFLIGHT_SOURCE_DIR) / from, root_ / rel, fs::copy_options::overwrite_existing);
    }
    [[nodiscard]] std::string root() const { return root_.string(); }

    // The scan's report, rendered as JSON (with the CLI's defaults).
    [[nodiscard]] json scan_json(scan::Options options, unsigned jobs = 1) const {
        options.jobs = jobs;
        options.sandbox = false;  // in-process analysis, one PDF at a time (safe on threads)
        const auto& registry = builtin_checks();
        const auto plan = scan::plan(options, app::config_sections(registry));
        const Report report = scan::run(plan, registry, false);
        return json::parse(render_json(report, RenderOptions::in(Lang::en)));
    }

    fs::path root_;
};

scan::Options opts(std::vector<std::string> paths, std::vector<std::string> excludes = {},
                   std::optional<fs::path> config = std::nullopt, std::optional<Channel> channel = std::nullopt) {
    scan::Options o;
    o.paths = std::move(paths);
    o.excludes = std::move(excludes);
    o.config_file = std::move(config);
    o.channel = channel;
    return o;
}

std::vector<std::string> files_of(const json& report) {
    std::vector<std::string> out;
    for (const auto& d : report.at("documents")) {
        out.push_back(d.at("file").get<std::string>());
    }
    return out;
}

// Codes per document, in report order.
std::map<std::string, std::vector<std::string>> codes_by_file(const json& report) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& f : report.at("findings")) {
        out[f.at("document").get<std::string>()].push_back(f.at("code").get<std::string>() + ":" +
                                                           f.at("severity").get<std::string>());
    }
    return out;
}

json parse_json(const CliResult& r) {
    try {
        return json::parse(r.out);
    } catch (const std::exception& e) {
        ADD_FAILURE() << e.what() << "\n" << r.out << r.err;
        return json::object();
    }
}

}  // namespace

TEST(ScanExclude, AGlobWithoutSlashMatchesAnyComponent) {
    EXPECT_TRUE(scan::excluded("utkast/brev.docx", {"utkast"}));
    EXPECT_TRUE(scan::excluded("a/utkast/brev.docx", {"utkast"}));
    EXPECT_TRUE(scan::excluded("a/gammel-brev.docx", {"gammel*"}));
    EXPECT_TRUE(scan::excluded("a/b/c.pdf", {"*.pdf"}));
    EXPECT_FALSE(scan::excluded("a/b/c.docx", {"*.pdf"}));
    EXPECT_FALSE(scan::excluded("utkastene/brev.docx", {"utkast"}));
    EXPECT_FALSE(scan::excluded("brev.docx", {}));
}

TEST(ScanExclude, AGlobWithSlashMatchesThePathAndItsFolders) {
    EXPECT_TRUE(scan::excluded("arkiv/2023/brev.docx", {"arkiv/*"}));  // '*' crosses '/'
    EXPECT_TRUE(scan::excluded("arkiv/2023/brev.docx", {"arkiv/2023"}));
    EXPECT_TRUE(scan::excluded("arkiv/2023/brev.docx", {"./arkiv/2023/"}));
    EXPECT_FALSE(scan::excluded("brev/arkiv/2023.docx", {"arkiv/*"}));
    EXPECT_TRUE(scan::excluded("brev/arkiv/2023.docx", {"*/arkiv/*"}));
}

TEST(ScanNames, TemplatesArePdfDocxAndDotxInAnyCase) {
    EXPECT_TRUE(scan::is_template_name("brev.docx"));
    EXPECT_TRUE(scan::is_template_name("MAL.DOTX"));
    EXPECT_TRUE(scan::is_template_name("skjema.Pdf"));
    EXPECT_FALSE(scan::is_template_name("brev.doc"));
    EXPECT_FALSE(scan::is_template_name("~$brev.docx"));
    EXPECT_FALSE(scan::is_template_name(".brev.docx"));
    EXPECT_FALSE(scan::is_template_name("notater.txt"));
}

TEST_F(ScanTree, WalksRecursivelyInSortedOrderSkippingHiddenFoldersAndLockFiles) {
    const auto report = scan_json(opts({root() + "/"}));
    const std::vector<std::string> expected = {
        root() + "/bombe.docx",       root() + "/brev/a4.docx",       root() + "/brev/blandet.docx",
        root() + "/brev/letter.docx", root() + "/brev/liggende.docx", root() + "/brev/mal.dotx",
        root() + "/" + kOddName,      root() + "/vedlegg/skjema.PDF", root() + "/vedlegg/slides.pdf"};
    EXPECT_EQ(files_of(report), expected);
}

TEST_F(ScanTree, EachFileGetsItsOwnFindingsNamingIt) {
    const auto codes = codes_by_file(scan_json(opts({root()})));
    const auto at = [&](const std::string& rel) {
        const auto it = codes.find(root() + "/" + rel);
        return it == codes.end() ? std::vector<std::string>{} : it->second;
    };
    EXPECT_TRUE(at("brev/a4.docx").empty());  // Word templates are no DP401 finding in a scan
    EXPECT_TRUE(at("brev/mal.dotx").empty());
    EXPECT_TRUE(at("vedlegg/skjema.PDF").empty());
    EXPECT_EQ(at("brev/letter.docx"), std::vector<std::string>{"DP301:block"});
    EXPECT_EQ(at("brev/liggende.docx"), std::vector<std::string>{"DP301:warn"});
    EXPECT_EQ(at("brev/blandet.docx"), (std::vector<std::string>{"DP301:warn", "DP301:warn"}));  // orient + landscape
    EXPECT_EQ(at("bombe.docx"), std::vector<std::string>{"DP303:block"});  // a zip bomb is damage, not a page format
    EXPECT_EQ(at("vedlegg/slides.pdf"), std::vector<std::string>{"DP301:block"});
    for (const auto& [file, list] : codes) {
        EXPECT_FALSE(file.empty());
    }
}

TEST_F(ScanTree, TheOrderIsTheSameWhateverTheNumberOfJobs) {
    const auto one = scan_json(opts({root()}), 1);
    for (const unsigned jobs : {2U, 4U, 16U}) {
        EXPECT_EQ(scan_json(opts({root()}), jobs).dump(), one.dump()) << jobs << " jobs";
    }
}

TEST_F(ScanTree, ExcludesFromTheCommandLineAndFromTheRootsIni) {
    auto files = files_of(scan_json(opts({root()}, {"brev", "*.pdf"})));
    EXPECT_EQ(files, (std::vector<std::string>{root() + "/bombe.docx", root() + "/" + kOddName,
                                               root() + "/vedlegg/skjema.PDF"}));  // *.pdf is case-sensitive
    std::ofstream(root_ / scan::kRootConfig) << "# templates\n[scan]\nexclude = brev, vedlegg/*, bombe.docx\n";
    files = files_of(scan_json(opts({root()})));
    EXPECT_EQ(files, std::vector<std::string>{root() + "/" + kOddName});
    // --config is read instead of the root's .preflight.ini.
    const fs::path other = root_ / "annen.ini";
    std::ofstream(other) << "[page-format]\ntolerance-mm = 20\n";
    files = files_of(scan_json(opts({root()}, {}, other)));
    EXPECT_EQ(files.size(), 9U);
}

TEST_F(ScanTree, TheRootsIniConfiguresChecksAndTheChannel) {
    // A tolerance of 20 mm takes US Letter (216 x 279 mm, 18 mm short) for A4.
    std::ofstream(root_ / scan::kRootConfig) << "[page-format]\ntolerance-mm = 20\n[scan]\nchannel = dpo\n";
    // The scanned folder's own .preflight.ini, or the nearest parent's (docs/cli.md).
    const auto codes = codes_by_file(scan_json(opts({root() + "/brev"})));
    EXPECT_EQ(codes.count(root() + "/brev/letter.docx"), 0U);
    const auto at_root = codes_by_file(scan_json(opts({root()})));
    EXPECT_EQ(at_root.count(root() + "/brev/letter.docx"), 0U);
    // dpo: not print-bound, so landscape is information only.
    EXPECT_EQ(at_root.at(root() + "/brev/liggende.docx"), std::vector<std::string>{"DP301:info"});
    // --channel wins over [scan] channel.
    const auto general = codes_by_file(scan_json(opts({root()}, {}, std::nullopt, Channel::general)));
    EXPECT_EQ(general.at(root() + "/brev/liggende.docx"), std::vector<std::string>{"DP301:warn"});
}

TEST_F(ScanTree, ABadIniIsAUsageErrorNamingTheFile) {
    std::ofstream(root_ / scan::kRootConfig) << "[scan]\nchannel = brevdue\n";
    const auto& registry = builtin_checks();
    try {
        (void)scan::plan(opts({root()}), app::config_sections(registry));
        ADD_FAILURE() << "no error";
    } catch (const UsageError& e) {
        const std::string text = catalogue::text(e.message_id(), Lang::en, e.args());
        EXPECT_NE(text.find(".preflight.ini"), std::string::npos) << text;
        EXPECT_NE(text.find("brevdue"), std::string::npos) << text;
    }
}

TEST_F(ScanTree, FilesGivenByNameAreCheckedOnceAndMissingOnesAreFindings) {
    const auto report = scan_json(opts({root() + "/brev/letter.docx", root() + "/brev", root() + "/borte.pdf"}));
    const auto files = files_of(report);
    EXPECT_EQ(std::count(files.begin(), files.end(), root() + "/brev/letter.docx"), 1);
    EXPECT_EQ(files.front(), root() + "/brev/letter.docx");  // in the order the paths were given
    EXPECT_EQ(files.back(), root() + "/borte.pdf");
    EXPECT_EQ(codes_by_file(report).at(root() + "/borte.pdf"), std::vector<std::string>{"DP403:block"});
}

// ---- The command line: formats, exit codes, progress.

TEST_F(ScanTree, CliJsonIsTheSameWithOneJobAndWithMany) {
    // Sandboxed PDFs from several threads (the sandbox's fork server).
    const auto one = run_cli({"scan", "--jobs", "1", "--format", "json", root()});
    const auto many = run_cli({"scan", "--jobs", "4", "--format", "json", root()});
    EXPECT_EQ(one.exit_code, 1) << one.err;
    EXPECT_EQ(many.exit_code, 1) << many.err;
    EXPECT_EQ(one.out, many.out);
    const json report = parse_json(many);
    EXPECT_EQ(report.at("verdict"), "block");
    EXPECT_EQ(report.at("documents").size(), 9U);
    for (const auto& f : report.at("findings")) {
        EXPECT_TRUE(f.at("document").is_string()) << f.dump();
    }
    EXPECT_TRUE(one.err.empty()) << one.err;  // no progress line: stderr is no terminal
}

TEST_F(ScanTree, CliExitCodes) {
    EXPECT_EQ(run_cli({"scan", root() + "/brev/a4.docx", root() + "/brev/mal.dotx"}).exit_code, 0);
    EXPECT_EQ(run_cli({"scan", root() + "/brev/liggende.docx"}).exit_code, 0);  // warns only
    EXPECT_EQ(run_cli({"scan", "--fail-on", "warn", root() + "/brev/liggende.docx"}).exit_code, 1);
    EXPECT_EQ(run_cli({"scan", "--format", "json", root()}).exit_code, 1);
    const auto none = run_cli({"scan"});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_NE(none.err.find("scan"), std::string::npos) << none.err;
    EXPECT_EQ(run_cli({"scan", "--jobs", "x", root()}).exit_code, 2);
    std::ofstream(root_ / scan::kRootConfig) << "[scan]\nfoo = 1\n";
    const auto bad = run_cli({"scan", "--lang", "en", root()});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find(".preflight.ini:2"), std::string::npos) << bad.err;
}

TEST_F(ScanTree, CliJunitHasOneTestCasePerFileAndFailsTheBlockingOnes) {
    const auto r = run_cli({"scan", "--format", "junit", "--lang", "en", root()});
    EXPECT_EQ(r.exit_code, 1);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(r.out.c_str())) << r.out;
    const auto suites = doc.child("testsuites");
    const auto suite = suites.child("testsuite");
    ASSERT_TRUE(suite);
    EXPECT_EQ(suite.attribute("tests").as_int(), 9);
    // Blocking: letter, the odd name (Letter), the bomb, the slides. Warnings pass.
    EXPECT_EQ(suite.attribute("failures").as_int(), 4);
    EXPECT_EQ(suites.attribute("failures").as_int(), 4);
    std::map<std::string, pugi::xml_node> cases;
    for (const auto tc : suite.children("testcase")) {
        cases[tc.attribute("name").value()] = tc;
        // Jenkins' strict schema (xunit's junit-10.xsd) has no `file`: the name is the path.
        EXPECT_FALSE(tc.attribute("file"));
    }
    ASSERT_EQ(cases.size(), 9U);
    const auto letter = cases.at(root() + "/brev/letter.docx");
    EXPECT_EQ(std::string(letter.child("failure").attribute("type").value()), "DP301");
    EXPECT_NE(std::string(letter.child("failure").attribute("message").value()).find("216 × 279 mm"),
              std::string::npos);
    EXPECT_NE(std::string(letter.attribute("classname").value()).find(".brev"), std::string::npos);
    const auto landscape = cases.at(root() + "/brev/liggende.docx");
    EXPECT_FALSE(landscape.child("failure"));
    EXPECT_NE(std::string(landscape.child("system-out").text().get()).find("DP301"), std::string::npos);
    EXPECT_FALSE(cases.at(root() + "/brev/a4.docx").first_child());
    // With --fail-on warn the warning fails its test case too.
    const auto warn = run_cli({"scan", "--format", "junit", "--fail-on", "warn", root() + "/brev/liggende.docx"});
    pugi::xml_document wdoc;
    ASSERT_TRUE(wdoc.load_string(warn.out.c_str()));
    EXPECT_EQ(wdoc.child("testsuites").child("testsuite").attribute("failures").as_int(), 1);
}

// Each rule's help is the check's page in the user's language: bokmål by default.
TEST_F(ScanTree, CliSarifRuleHelpIsInTheUsersLanguage) {
    for (const auto& [lang, heading] : {std::pair<std::string, std::string>{"nb", "**Hva den finner**"},
                                        std::pair<std::string, std::string>{"en", "**What it finds**"}}) {
        const auto r = run_cli({"scan", "--format", "sarif", "--lang", lang, root()});
        const json sarif = parse_json(r);
        const json& rules = sarif.at("runs").at(0).at("tool").at("driver").at("rules");
        ASSERT_EQ(rules.size(), builtin_checks().checks().size());
        for (const auto& rule : rules) {
            const auto help = rule.at("help").at("markdown").get<std::string>();
            EXPECT_EQ(help.rfind("# " + rule.at("id").get<std::string>(), 0), 0U) << lang << " " << rule.at("id");
            EXPECT_NE(help.find(heading), std::string::npos) << lang << " " << rule.at("id");
        }
    }
}

TEST_F(ScanTree, CliSarifHasEveryCheckAsARuleWithItsPageAndResultsOnFiles) {
    std::ofstream(root_ / scan::kRootConfig) << "[scan]\ndocs-url = https://docs.example.no/preflight/checks/\n";
    const auto r = run_cli({"scan", "--format", "sarif", "--lang", "en", root()});
    EXPECT_EQ(r.exit_code, 1);
    const json sarif = parse_json(r);
    EXPECT_EQ(sarif.at("version"), "2.1.0");
    const json& run = sarif.at("runs").at(0);
    const json& rules = run.at("tool").at("driver").at("rules");
    ASSERT_EQ(rules.size(), builtin_checks().checks().size());
    std::set<std::string> ids;
    for (const auto& rule : rules) {
        ids.insert(rule.at("id").get<std::string>());
        EXPECT_FALSE(rule.at("shortDescription").at("text").get<std::string>().empty());
        // The check's page of docs/checks/, built in.
        EXPECT_EQ(rule.at("help").at("markdown").get<std::string>().rfind("# " + rule.at("id").get<std::string>(), 0),
                  0U)
            << rule.at("id");
        EXPECT_EQ(rule.at("helpUri"),
                  "https://docs.example.no/preflight/checks/" + rule.at("name").get<std::string>() + ".md");
    }
    EXPECT_EQ(ids.size(), rules.size());
    std::set<std::string> uris;
    for (const auto& result : run.at("results")) {
        const auto index = result.at("ruleIndex").get<std::size_t>();
        EXPECT_EQ(rules.at(index).at("id"), result.at("ruleId"));
        const json& loc = result.at("locations").at(0).at("physicalLocation");
        // The scanned folder is given as an absolute path: absolute file:// URIs.
        EXPECT_FALSE(loc.at("artifactLocation").contains("uriBaseId"));
        uris.insert(loc.at("artifactLocation").at("uri").get<std::string>());
        EXPECT_EQ(loc.at("region").at("startLine"), 1);
        EXPECT_FALSE(result.at("partialFingerprints").empty());
        EXPECT_TRUE(result.at("level") == "error" || result.at("level") == "warning" || result.at("level") == "note");
    }
    EXPECT_EQ(uris.count("file://" + root() + "/brev/letter.docx"), 1U);
    // Spaces, commas and æøå percent-encoded (UTF-8).
    EXPECT_EQ(uris.count("file://" + root() + "/mapper%20med%20mellomrom/%C3%A6%C3%B8%C3%A5%2C%20mal.docx"), 1U);
    EXPECT_EQ(run.at("artifacts").size(), 9U);
}

TEST_F(ScanTree, CliGithubAnnotatesEachFileWithEscapedProperties) {
    const auto r = run_cli({"scan", "--format", "github", "--lang", "en", root()});
    EXPECT_EQ(r.exit_code, 1);
    std::vector<std::string> lines;
    std::string line;
    std::istringstream in(r.out);
    while (std::getline(in, line)) {
        lines.push_back(line);
    }
    const auto has = [&](const std::string& prefix) {
        return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
    };
    EXPECT_TRUE(has("::error file=" + root() + "/brev/letter.docx,title=DP301 page-format::Section 1 has page size"))
        << r.out;
    EXPECT_TRUE(has("::warning file=" + root() + "/brev/liggende.docx,title=DP301 page-format::")) << r.out;
    // The comma in the file name must not end the property.
    EXPECT_TRUE(has("::error file=" + root() + "/mapper med mellomrom/æøå%2C mal.docx,title=DP301")) << r.out;
    EXPECT_NE(lines.back().find("Documents: 9 "), std::string::npos) << lines.back();
}

TEST_F(ScanTree, CliTextNamesEveryFindingsFile) {
    const auto r = run_cli({"scan", "--lang", "en", root() + "/brev"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find(root() + "/brev/letter.docx: DP301"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(root() + "/brev/blandet.docx: DP301"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("DP401"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("letters made from the blocking templates would fail"), std::string::npos) << r.out;
    const auto fine = run_cli({"scan", root() + "/brev/a4.docx"});
    EXPECT_NE(fine.out.find("Resultat: malene kan brukes"), std::string::npos) << fine.out;
}

TEST_F(ScanTree, CliShowsProgressOnATerminal) {
    // stderr a pseudo-terminal: the progress line (files done, total, rate) appears there.
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        const std::string out = root() + "/out.json";
        if (std::freopen(out.c_str(), "w", stdout) == nullptr) {
            _exit(127);
        }
        std::string binary = PREFLIGHT_BINARY;
        std::string root_arg = root() + "/brev";
        char scan_arg[] = "scan";
        char lang[] = "--lang";
        char en[] = "en";
        char* argv[] = {binary.data(), scan_arg, lang, en, root_arg.data(), nullptr};
        ::execv(binary.c_str(), argv);
        _exit(127);
    }
    std::string seen;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(master, buf, sizeof buf);
        if (n <= 0) {
            break;  // EIO once the child has exited
        }
        seen.append(buf, static_cast<std::size_t>(n));
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(master);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << status;
    EXPECT_NE(seen.find("5/5 files"), std::string::npos) << seen;
    EXPECT_NE(seen.find("files/s"), std::string::npos) << seen;
}

TEST(ScanFixtures, TheExampleTreeGivesWhatItsReadmeSays) {
    // fixtures/templates/README.md lists each file's expected findings.
    const std::string root = fixture("templates");
    const auto r = run_cli({"scan", "--format", "json", root});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const json report = parse_json(r);
    const auto files = files_of(report);
    EXPECT_EQ(files.size(), 7U);  // utkast/ is excluded by the tree's .preflight.ini
    EXPECT_EQ(std::count_if(files.begin(), files.end(),
                            [](const std::string& f) { return f.find("utkast") != std::string::npos; }),
              0);
    const auto codes = codes_by_file(report);
    EXPECT_EQ(codes.at(root + "/brev/us-letter.docx"), std::vector<std::string>{"DP301:block"});
    EXPECT_EQ(codes.at(root + "/brev/liggende.docx"), std::vector<std::string>{"DP301:warn"});
    EXPECT_EQ(codes.at(root + "/brev/blandet.docx"), (std::vector<std::string>{"DP301:warn", "DP301:warn"}));
    EXPECT_EQ(codes.at(root + "/vedlegg/lysark.pdf"), std::vector<std::string>{"DP301:block"});
    EXPECT_EQ(codes.size(), 4U);  // vedtak.docx, vedtak-mal.dotx and skjema.pdf pass
    // Given the draft folder itself, no .preflight.ini applies: the draft blocks.
    EXPECT_EQ(run_cli({"scan", root + "/utkast"}).exit_code, 1);
}

TEST_F(ScanTree, AWorkerThatDiesOnAFileMakesItAFindingAndTheRestAreChecked) {
    // The worker checking letter.docx or slides.pdf is killed; the other files are
    // checked by the workers that take over, in the same order as without deaths.
    const json clean = scan_json(opts({root()}), 2);
    scan::detail::worker_hook = [](const scan::Target& t) {
        if (t.file.ends_with("/brev/letter.docx") || t.file.ends_with("/vedlegg/slides.pdf")) {
            ::raise(SIGKILL);
        }
    };
    const json report = scan_json(opts({root()}), 2);
    scan::detail::worker_hook = nullptr;
    EXPECT_EQ(files_of(report), files_of(clean));
    const auto codes = codes_by_file(report);
    EXPECT_EQ(codes.at(root() + "/brev/letter.docx"), std::vector<std::string>{"DP303:block"});
    EXPECT_EQ(codes.at(root() + "/vedlegg/slides.pdf"), std::vector<std::string>{"DP303:block"});
    for (const auto& f : report.at("findings")) {
        if (f.at("document") == root() + "/vedlegg/slides.pdf") {
            EXPECT_NE(f.at("message").get<std::string>().find("SIGKILL"), std::string::npos) << f.dump();
        }
    }
    // Every other file as without the deaths.
    auto without = [&](json r) {
        json kept = json::array();
        for (const auto& f : r.at("findings")) {
            const auto doc = f.at("document").get<std::string>();
            if (!doc.ends_with("/brev/letter.docx") && !doc.ends_with("/vedlegg/slides.pdf")) {
                kept.push_back(f);
            }
        }
        return kept;
    };
    EXPECT_EQ(without(report), without(clean));
}

// ---- Odd names and odd options (found in review).

TEST_F(ScanTree, NamesThatAreNotUtf8AreFindingsWithManyJobsToo) {
    word("brev/ugyldig\xff.docx", word_document({}, sect(kPgA4)));
    // A w:orient that is not UTF-8 either: carried to the report, shown cleaned.
    word("brev/orient.docx", "<w:document " + std::string(kWordNs) +
                                 "><w:body><w:sectPr><w:pgSz w:w=\"16838\" w:h=\"11906\" w:orient=\"\xff\"/>"
                                 "</w:sectPr></w:body></w:document>");
    const auto one = run_cli({"scan", "--jobs", "1", "--format", "json", root() + "/brev"});
    const auto many = run_cli({"scan", "--jobs", "3", "--format", "json", root() + "/brev"});
    EXPECT_EQ(many.exit_code, 1) << many.err;
    EXPECT_EQ(one.out, many.out);
    const auto codes = codes_by_file(parse_json(many));
    EXPECT_EQ(codes.at(root() + "/brev/ugyldig\xef\xbf\xbd.docx"), std::vector<std::string>{"DP102:block"});
    EXPECT_EQ(codes.at(root() + "/brev/orient.docx").size(), 2U);  // landscape, and orient contradicting it
}

TEST_F(ScanTree, JunitStaysWellFormedAndNamesClassesByFolder) {
    word("brev/ikke-tegn\xef\xbf\xbe.docx", word_document({}, sect(kPgLetter)));  // U+FFFE: no XML character
    // Relative paths, as in CI: run from the tree's parent.
    const fs::path cwd = fs::current_path();
    fs::current_path(root_);
    const auto r = run_cli({"scan", "--format", "junit", "brev"});
    fs::current_path(cwd);
    pugi::xml_document doc;
    const auto parsed = doc.load_string(r.out.c_str());
    ASSERT_TRUE(parsed) << parsed.description() << "\n" << r.out;
    std::set<std::string> classes;
    for (const auto tc : doc.child("testsuites").child("testsuite").children("testcase")) {
        classes.insert(tc.attribute("classname").value());
    }
    EXPECT_EQ(classes, std::set<std::string>{"preflight.brev"});
    // Python's expat (GitLab and Jenkins use strict parsers too) refuses U+FFFE.
    EXPECT_EQ(r.out.find("\xef\xbf\xbe"), std::string::npos);
}

TEST_F(ScanTree, LocationsAreTheRealPathsUnlessTheyHoldAPersonalId) {
    word("brev/kopi av mal: 29129319060.docx", word_document({}, sect(kPgLetter)));
    const auto r = run_cli({"scan", "--format", "github", "--lang", "en", root() + "/brev"});
    // A colon in the path: escaped, not cleaned; the fødselsnummer: masked.
    EXPECT_NE(r.out.find("file=" + root() + "/brev/letter.docx,"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("kopi av mal%3A 291293*****.docx"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("29129319060"), std::string::npos) << r.out;
    const auto shown = run_cli({"scan", "--format", "github", "--show-ids", root() + "/brev"});
    EXPECT_NE(shown.out.find("kopi av mal%3A 29129319060.docx,"), std::string::npos) << shown.out;
}

TEST_F(ScanTree, AFileAndALinkToItAreCheckedOnceUnderTheFilesName) {
    fs::create_symlink(root_ / "brev/letter.docx", root_ / "brev/a-lenke.docx");
    const auto files = files_of(scan_json(opts({root() + "/brev"})));
    EXPECT_EQ(std::count(files.begin(), files.end(), root() + "/brev/a-lenke.docx"), 0);
    EXPECT_EQ(std::count(files.begin(), files.end(), root() + "/brev/letter.docx"), 1);
}

TEST_F(ScanTree, BadJobsAndAnEmptyScanAreUsageErrors) {
    EXPECT_EQ(run_cli({"scan", "--jobs", "-1", root()}).exit_code, 2);
    EXPECT_EQ(run_cli({"scan", "--jobs", "5000", root()}).exit_code, 2);
    EXPECT_EQ(run_cli({"scan", "--jobs", "0", root() + "/brev/a4.docx"}).exit_code, 0);
    fs::create_directories(root_ / "tom");
    const auto empty = run_cli({"scan", "--lang", "en", root() + "/tom"});
    EXPECT_EQ(empty.exit_code, 2);
    EXPECT_NE(empty.err.find("no templates"), std::string::npos) << empty.err;
    EXPECT_EQ(run_cli({"scan", "--exclude", "*", root()}).exit_code, 2);
}
