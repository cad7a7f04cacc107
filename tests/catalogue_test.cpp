#include "validator/catalogue.hpp"
#include "checks/check_set.hpp"
#include "validator/check.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

using namespace preflight;

namespace {
std::set<std::string> placeholders(std::string_view s) {
    std::set<std::string> out;
    const std::string text(s);
    const std::regex re(R"(\{([a-z_]+)\})");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
        out.insert((*it)[1]);
    }
    return out;
}
}  // namespace

TEST(Catalogue, BothLanguagesUseTheSamePlaceholders) {
    for (const auto& e : catalogue::entries()) {
        EXPECT_EQ(placeholders(e.nb), placeholders(e.en)) << e.id;
        EXPECT_FALSE(e.nb.empty()) << e.id;
        EXPECT_FALSE(e.en.empty()) << e.id;
    }
}

TEST(Catalogue, IdsAreUnique) {
    std::set<std::string_view> seen;
    for (const auto& e : catalogue::entries()) {
        EXPECT_TRUE(seen.insert(e.id).second) << "twice: " << e.id;
    }
}

TEST(Catalogue, EveryMessageHasARemedy) {
    for (const auto& e : catalogue::entries()) {
        const std::string id(e.id);
        if (id.rfind("DP", 0) != 0 || id.ends_with(".remedy") || id.ends_with(".summary") ||
            id.ends_with(".severity")) {
            continue;
        }
        EXPECT_TRUE(catalogue::has(id + ".remedy")) << id;
    }
}

TEST(Catalogue, EveryCheckHasSummaryAndSeverity) {
    for (const auto& c : builtin_checks().checks()) {
        EXPECT_TRUE(catalogue::has(std::string(c->code()) + ".summary")) << c->code();
        EXPECT_TRUE(catalogue::has(std::string(c->code()) + ".severity")) << c->code();
    }
}

TEST(Catalogue, FillsNamedArgumentsPerLanguage) {
    EXPECT_EQ(catalogue::text("DP103.too-long", Lang::en, {{"count", "300"}, {"limit", "255"}}),
              "The journal post title has 300 characters; digital post allows 255");
    EXPECT_EQ(catalogue::text("DP103.too-long", Lang::nb, {{"count", "300"}, {"limit", "255"}}),
              "Journalpostens tittel har 300 tegn; digital post tillater 255");
}

TEST(Catalogue, UnknownIdThrows) { EXPECT_THROW((void)catalogue::text("DP999.nope", Lang::en), std::out_of_range); }
