#include "validator/config.hpp"
#include "app/sections.hpp"
#include "base/error.hpp"
#include "checks/check_set.hpp"
#include "validator/catalogue.hpp"

#include <gtest/gtest.h>

#include <fstream>

using namespace preflight;

namespace {

std::filesystem::path write_ini(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() / ("preflight-config-" + name + ".ini");
    std::ofstream(path) << text;
    return path;
}

std::string error_of(const std::string& name, const std::string& text) {
    const auto path = write_ini(name, text);
    try {
        Config::load(path, app::config_sections(builtin_checks()));
    } catch (const UsageError& e) {
        const std::string msg = catalogue::text(e.message_id(), Lang::en, e.args());
        return msg.substr(path.string().size());  // drop the temp path
    }
    return "no error";
}

}  // namespace

TEST(Config, DefaultsComeFromTheChecks) {
    const Config c(app::config_sections(builtin_checks()));
    EXPECT_EQ(c.section("page-format").number("tolerance-mm"), 10.0);
    EXPECT_EQ(c.section("name-length").integer("max-chars"), 96);
    EXPECT_EQ(c.section("pdf").integer("memory-mb"), 1024);
}

TEST(Config, ReadsValuesPerSection) {
    const auto path = write_ini(
        "ok", "# comment\n[page-format]\ntolerance-mm = 5.5\n\n[name-length]\nmax-chars=80\nwarn-bytes = no\n");
    const Config c = Config::load(path, app::config_sections(builtin_checks()));
    EXPECT_EQ(c.section("page-format").number("tolerance-mm"), 5.5);
    EXPECT_EQ(c.section("name-length").integer("max-chars"), 80);
    EXPECT_FALSE(c.section("name-length").boolean("warn-bytes"));
    EXPECT_EQ(c.section("name-length").integer("max-chars-signing"), 80);  // untouched default
}

TEST(Config, UnknownKeyNamesTheLine) {
    EXPECT_EQ(error_of("key", "[page-format]\n\ntolerance = 5\n"),
              ":3:1: unknown option \"page-format.tolerance\" (see \"preflight checks --dump-config\")");
}

TEST(Config, UnknownSectionNamesTheLine) {
    EXPECT_EQ(error_of("section", "[page-formats]\ntolerance-mm = 5\n"),
              ":1:1: unknown section [page-formats] (see \"preflight checks\")");
}

TEST(Config, BadValueNamesTheLine) {
    EXPECT_EQ(error_of("value", "[name-length]\nmax-chars = many\n"),
              ":2:13: \"name-length.max-chars\" must be a whole number in 1..100000, not \"many\"");
    EXPECT_EQ(error_of("bool", "[name-length]\nwarn-bytes = maybe\n"),
              ":2:14: \"name-length.warn-bytes\" must be true or false, not \"maybe\"");
}

TEST(Config, SyntaxErrorNamesTheLine) {
    EXPECT_EQ(error_of("syntax", "[page-format]\ntolerance-mm 5\n"),
              ":2:1: the line is neither [section], key = value nor a comment");
}

TEST(Config, RepeatedKey) {
    EXPECT_EQ(error_of("repeat", "[page-format]\ntolerance-mm = 5\ntolerance-mm = 6\n"),
              ":3:1: \"page-format.tolerance-mm\" is set more than once");
}

TEST(Config, DumpRoundTrips) {
    const auto sections = app::config_sections(builtin_checks());
    const Config c(sections);
    const std::string dumped = c.dump(sections);
    EXPECT_NE(dumped.find("[page-format]\ntolerance-mm = 10\n"), std::string::npos);
    const Config again = Config::load(write_ini("dump", dumped), sections);
    EXPECT_EQ(again.dump(sections), dumped);
}

TEST(Config, CommentsBomAndSpacedSectionNamesAreRead) {
    const auto path = write_ini("forms", "\xEF\xBB\xBF; a comment\n# another\n[ page-format ]\n  tolerance-mm = 4\n");
    const Config c = Config::load(path, app::config_sections(builtin_checks()));
    EXPECT_EQ(c.section("page-format").number("tolerance-mm"), 4.0);
    EXPECT_EQ(error_of("comment-then-bad", "; note\n[page-format]\ntolerance = 5\n"),
              ":3:1: unknown option \"page-format.tolerance\" (see \"preflight checks --dump-config\")");
}

TEST(Config, PdfVersionMustLookLikeOne) {
    EXPECT_EQ(error_of("version", "[pdf-version]\nmax-version = banana\n"),
              ":2:15: \"pdf-version.max-version\" must be a PDF version such as 1.7, not \"banana\"");
    const Config c = Config::load(write_ini("version-ok", "[pdf-version]\nmax-version = 1.4\n"),
                                  app::config_sections(builtin_checks()));
    EXPECT_EQ(c.section("pdf-version").text("max-version"), "1.4");
}

TEST(Config, ByteLimitsHaveASaneCeiling) {
    EXPECT_NE(error_of("huge", "[total-size]\ndpi-bytes = 204963823041217241\n").find("must be a whole number"),
              std::string::npos);
}
