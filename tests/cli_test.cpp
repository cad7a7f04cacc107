#include "tests/cli_harness.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <set>

using namespace preflight::testing;
using json = nlohmann::json;

namespace {

json parse(const CliResult& r) {
    try {
        return json::parse(r.out);
    } catch (const json::exception& e) {
        ADD_FAILURE() << "not JSON: " << e.what() << "\n" << r.out << r.err;
        return json::object();
    }
}

std::string temp_file(const std::string& name, const std::string& content) {
    const auto dir = std::filesystem::temp_directory_path() / ("preflight-cli-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
}

}  // namespace

TEST(Cli, ExampleJournalPostBlocksOnSlidesWithTheContractReport) {
    const auto r = run_cli({"check", "--manifest", fixture("example/post.json"), "--format", "json"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const json j = parse(r);
    EXPECT_EQ(j.at("tool").at("name"), "preflight");
    EXPECT_TRUE(j.at("tool").at("version").is_string());
    EXPECT_EQ(j.at("verdict"), "block");
    const json* slides = nullptr;
    for (const auto& f : j.at("findings")) {
        for (const char* key : {"code", "check", "severity", "document", "page", "recipient", "message", "remedy"}) {
            EXPECT_TRUE(f.contains(key)) << key;
        }
        if (f.at("code") == "DP301") {
            slides = &f;
        }
    }
    ASSERT_NE(slides, nullptr) << r.out;
    EXPECT_EQ(slides->at("check"), "page-format");
    EXPECT_EQ(slides->at("severity"), "block");
    EXPECT_EQ(slides->at("document"), "vedlegg/presentasjon.pdf");
    EXPECT_EQ(slides->at("page"), 1);
    EXPECT_TRUE(slides->at("recipient").is_null());
    EXPECT_FALSE(slides->at("message").get<std::string>().empty());
    EXPECT_FALSE(slides->at("remedy").get<std::string>().empty());

    ASSERT_EQ(j.at("documents").size(), 3U);
    const auto& d0 = j.at("documents")[0];
    EXPECT_EQ(d0.at("file"), "vedtak.pdf");
    EXPECT_EQ(d0.at("name"), "Vedtak om studieplass");
    EXPECT_EQ(d0.at("bytes"), std::filesystem::file_size(fixture("example/vedtak.pdf")));
    EXPECT_EQ(d0.at("type"), "application/pdf");
    EXPECT_EQ(d0.at("pages"), 1);
    EXPECT_EQ(j.at("documents")[2].at("pages"), 3);
    ASSERT_EQ(j.at("recipients").size(), 1U);
    EXPECT_EQ(j.at("recipients")[0].at("index"), 0);
    EXPECT_EQ(j.at("recipients")[0].at("route"), "dpi-print");
}

TEST(Cli, CleanJournalPostPasses) {
    const auto r = run_cli({"check", "--manifest", fixture("example/ok-post.json"), "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(parse(r).at("verdict"), "pass");
}

TEST(Cli, ChannelDecidesWhetherSlidesBlock) {
    EXPECT_EQ(run_cli({"check", fixture("pdf/slides_16x9.pdf")}).exit_code, 1);
    EXPECT_EQ(run_cli({"check", "--channel", "print", fixture("pdf/slides_16x9.pdf")}).exit_code, 1);
    EXPECT_EQ(run_cli({"check", "--channel", "dpo", fixture("pdf/slides_16x9.pdf")}).exit_code, 0);
    EXPECT_EQ(run_cli({"check", "--channel", "print", fixture("pdf/a4_portrait.pdf")}).exit_code, 0);
}

TEST(Cli, FailOnWarnTurnsWarningsIntoExitOne) {
    const auto landscape = fixture("pdf/a4_landscape.pdf");
    const auto plain = run_cli({"check", "--channel", "print", "--format", "json", landscape});
    EXPECT_EQ(plain.exit_code, 0) << plain.out;
    EXPECT_EQ(parse(plain).at("verdict"), "warn");
    EXPECT_EQ(run_cli({"check", "--channel", "print", "--fail-on", "warn", landscape}).exit_code, 1);
}

TEST(Cli, TextIsNorwegianByDefaultAndEnglishOnRequest) {
    const auto nb = run_cli({"check", fixture("pdf/slides_16x9.pdf")});
    EXPECT_NE(nb.out.find("utskrift krever stående A4"), std::string::npos) << nb.out;
    EXPECT_NE(nb.out.find("slides_16x9.pdf:1: DP301"), std::string::npos) << nb.out;
    const auto en = run_cli({"check", "--lang", "en", fixture("pdf/slides_16x9.pdf")});
    EXPECT_NE(en.out.find("print requires portrait A4"), std::string::npos) << en.out;
    EXPECT_NE(en.out.find("What to do:"), std::string::npos) << en.out;
}

TEST(Cli, DamagedFilesAreFindingsNotErrors) {
    // file -> the message id's variant, seen through its English text
    const std::vector<std::pair<const char*, const char*>> cases = {
        {"pdf/truncated.pdf", "no end marker (%%EOF)"},
        {"pdf/kids_cycle.pdf", "page tree is broken"},
        {"pdf/leading_junk.pdf", "12 bytes before the PDF header"},
        {"pdf/bom.pdf", "3 bytes before the PDF header"},
        {"pdf/junk_only.pdf", "has no PDF header"},
    };
    for (const auto& [name, text] : cases) {
        const auto r = run_cli({"check", "--lang", "en", "--channel", "dpo", "--format", "json", fixture(name)});
        EXPECT_EQ(r.exit_code, 1) << name << r.err;
        const json j = parse(r);
        bool found = false;
        for (const auto& f : j.at("findings")) {
            found = found || (f.at("code") == "DP303" && f.at("severity") == "block" &&
                              f.at("message").get<std::string>().find(text) != std::string::npos);
        }
        EXPECT_TRUE(found) << name << r.out;
    }
}

TEST(Cli, MissingAndEmptyFilesBlock) {
    const auto zero = fixture("pdf/zero_bytes.pdf");
    const auto r = run_cli({"check", "--lang", "en", "--format", "json", "/nonexistent/brev.pdf", zero, "/tmp"});
    EXPECT_EQ(r.exit_code, 1);
    std::map<std::string, std::string> by_document;
    const json j = parse(r);
    for (const auto& f : j.at("findings")) {
        if (f.at("code") == "DP403") {
            by_document[f.at("document").get<std::string>()] = f.at("message").get<std::string>();
        }
    }
    ASSERT_EQ(by_document.size(), 3U) << r.out;
    EXPECT_NE(by_document["/nonexistent/brev.pdf"].find("does not exist"), std::string::npos);
    EXPECT_NE(by_document[zero].find("is empty"), std::string::npos);
    EXPECT_NE(by_document["/tmp"].find("not a regular file"), std::string::npos);
}

TEST(Cli, SymlinkedDocumentsAreSniffedThroughTheLink) {
    const auto target = temp_file("notes.txt", "plain text\n");
    const auto link = std::filesystem::path(target).parent_path() / "link.txt";
    std::filesystem::remove(link);
    std::filesystem::create_symlink(target, link);
    const auto r = run_cli({"check", "--channel", "dpo", "--format", "json", link.string()});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(parse(r).at("documents")[0].at("type"), "text/plain");
}

TEST(Cli, ControlCharactersInNamesCannotForgeOutput) {
    const auto path = temp_file("evil\nResultat: klar til sending\x01.pdf", "not a pdf");
    const auto text = run_cli({"check", path});
    EXPECT_EQ(text.exit_code, 1);
    EXPECT_EQ(text.out.find("\nResultat: klar til sending\\u0001"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("evil\\u000AResultat"), std::string::npos) << text.out;
    const auto junit = run_cli({"check", "--format", "junit", path});
    EXPECT_EQ(junit.out.find('\x01'), std::string::npos);
    EXPECT_NE(junit.out.find("<failure"), std::string::npos) << junit.out;
}

TEST(Cli, UsageErrorsExitTwo) {
    EXPECT_EQ(run_cli({}).exit_code, 2);
    EXPECT_EQ(run_cli({"frobnicate"}).exit_code, 2);
    EXPECT_EQ(run_cli({"check"}).exit_code, 2);
    EXPECT_EQ(run_cli({"check", "--channel", "fax", fixture("pdf/a4_portrait.pdf")}).exit_code, 2);
    EXPECT_EQ(run_cli({"check", "--format", "xml", fixture("pdf/a4_portrait.pdf")}).exit_code, 2);
    EXPECT_EQ(run_cli({"check", "--bogus", fixture("pdf/a4_portrait.pdf")}).exit_code, 2);
}

TEST(Cli, InvalidManifestNamesFileLineAndColumn) {
    const auto path = temp_file("bad.json", "{\"journalpost\": {\"title\": \"T\"},\n \"documents\": [{\"file\": 3}]}");
    const auto r = run_cli({"check", "--lang", "en", "--manifest", path});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(path + ":2:25: \"documents[0].file\" must be string"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST(Cli, ManifestAndConfigMustBeFiles) {
    EXPECT_EQ(run_cli({"check", "--manifest", "/tmp"}).exit_code, 2);
    const auto r = run_cli({"check", "--lang", "en", "--config", "/tmp", fixture("pdf/a4_portrait.pdf")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("/tmp: cannot read the configuration file"), std::string::npos) << r.err;
}

TEST(Cli, ErrorsOnStderrMaskPersonalIds) {
    const auto path = temp_file(
        "leak.json", "{\"journalpost\": {\"title\": \"T\", \"process\": \"29129319060\"}, \"documents\": []}");
    const auto masked = run_cli({"check", "--manifest", path});
    EXPECT_EQ(masked.exit_code, 2);
    EXPECT_EQ(masked.err.find("29129319060"), std::string::npos) << masked.err;
    EXPECT_NE(masked.err.find("291293*****"), std::string::npos) << masked.err;
    EXPECT_NE(run_cli({"check", "--show-ids", "--manifest", path}).err.find("29129319060"), std::string::npos);
}

TEST(Cli, InvalidConfigNamesFileAndLine) {
    const auto path = temp_file("bad.ini", "[page-format]\ntolerance-mm = wide\n");
    const auto r = run_cli({"check", "--lang", "en", "--config", path, fixture("pdf/a4_portrait.pdf")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(path + ":2:"), std::string::npos) << r.err;
}

TEST(Cli, ConfigChangesTheOutcome) {
    const auto path = temp_file("tight.ini", "[page-format]\ntolerance-mm = 0.01\n");
    // The A4 fixture is 595 x 842 pt: 209.9 x 297.0 mm, inside 10 mm but not 0.01 mm.
    EXPECT_EQ(run_cli({"check", "--channel", "print", fixture("pdf/a4_portrait.pdf")}).exit_code, 0);
    EXPECT_EQ(run_cli({"check", "--channel", "print", "--config", path, fixture("pdf/a4_portrait.pdf")}).exit_code, 1);
}

TEST(Cli, PersonalIdsAreMaskedUnlessAskedFor) {
    const auto pdf = fixture("pdf/a4_portrait.pdf");
    const auto manifest =
        temp_file("ids.json", "{\"journalpost\": {\"title\": \"Vedtak 29129319060\"}, \"documents\": [{\"file\": \"" +
                                  pdf + "\", \"name\": \"Vedtak 29129319060\", \"role\": \"main\"}, {\"file\": \"" +
                                  pdf + "\", \"name\": \"Vedtak 29129319060\"}]}");
    const auto masked = run_cli({"check", "--manifest", manifest});
    EXPECT_EQ(masked.exit_code, 1);  // duplicate names
    EXPECT_EQ(masked.out.find("29129319060"), std::string::npos) << masked.out;
    EXPECT_NE(masked.out.find("291293*****"), std::string::npos) << masked.out;
    const auto json_masked = run_cli({"check", "--format", "json", "--manifest", manifest});
    EXPECT_EQ(json_masked.out.find("29129319060"), std::string::npos);
    const auto shown = run_cli({"check", "--show-ids", "--manifest", manifest});
    EXPECT_NE(shown.out.find("29129319060"), std::string::npos);
}

TEST(Cli, ChecksListsEveryContractCode) {
    const auto r = run_cli({"checks", "--format", "json"});
    EXPECT_EQ(r.exit_code, 0);
    std::set<std::string> codes;
    const json j = parse(r);
    for (const auto& c : j.at("checks")) {
        codes.insert(c.at("code").get<std::string>());
        EXPECT_FALSE(c.at("summary").get<std::string>().empty());
        EXPECT_TRUE(c.contains("slug") && c.contains("severity") && c.contains("options"));
    }
    for (const char* code : {"DP101", "DP102", "DP103", "DP201", "DP202", "DP203", "DP301", "DP302", "DP303", "DP304",
                             "DP305", "DP306", "DP401", "DP402", "DP403", "DP404", "DP405", "DP406"}) {
        EXPECT_EQ(codes.count(code), 1U) << code;
    }
    const auto dump = run_cli({"checks", "--dump-config"});
    EXPECT_NE(dump.out.find("[page-format]\ntolerance-mm = 10"), std::string::npos) << dump.out;
}

TEST(Cli, OtherFormatsRender) {
    const auto slides = fixture("pdf/slides_16x9.pdf");
    const auto sarif = run_cli({"check", "--format", "sarif", slides});
    EXPECT_EQ(sarif.exit_code, 1);
    EXPECT_EQ(parse(sarif).at("runs")[0].at("results")[0].at("ruleId"), "DP301");
    const auto junit = run_cli({"check", "--format", "junit", slides});
    EXPECT_NE(junit.out.find("type=\"DP301\">"), std::string::npos) << junit.out;
    // A manifest's journal post is a test case of its own; loose files have none.
    EXPECT_EQ(junit.out.find("classname=\"preflight\" name=\"journalposten\""), std::string::npos) << junit.out;
    const auto github = run_cli({"check", "--format", "github", slides});
    EXPECT_EQ(github.out.rfind("::error file=", 0), 0U) << github.out;
}
