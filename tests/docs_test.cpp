// Every registered check has its doc page, in English and in bokmål, naming its code,
// slug and every option; the pages are compiled in (validator/docs.hpp).
#include "validator/docs.hpp"
#include "checks/check_set.hpp"
#include "validator/check.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace preflight;

namespace {

// The page of each check in the folder `folder` (docs/checks or docs/checks/nb) has
// the title `# CODE slug`, every option key and default, and the sections.
void expect_pages(const std::string& folder, std::initializer_list<const char*> sections) {
    for (const auto& c : builtin_checks().checks()) {
        const std::string path =
            std::string(PREFLIGHT_SOURCE_DIR) + "/" + folder + "/" + std::string(c->slug()) + ".md";
        std::ifstream in(path);
        EXPECT_TRUE(in.good()) << "missing " << path;
        if (!in.good()) {
            continue;
        }
        std::ostringstream text;
        text << in.rdbuf();
        const std::string page = text.str();
        EXPECT_EQ(page.rfind("# " + std::string(c->code()) + " " + std::string(c->slug()), 0), 0U) << path;
        for (const auto& o : c->options()) {
            EXPECT_NE(page.find("`" + o.key + "`"), std::string::npos) << path << " lacks option " << o.key;
            EXPECT_NE(page.find(o.default_value), std::string::npos) << path << " lacks default " << o.default_value;
        }
        for (const char* section : sections) {
            EXPECT_NE(page.find(section), std::string::npos) << path << " lacks " << section;
        }
    }
}

}  // namespace

TEST(Docs, EveryCheckHasAPageWithItsOptions) {
    expect_pages("docs/checks", {"**What it finds**", "**Why it matters**", "**Severity**", "**Example**",
                                 "**Options**", "**Sources**"});
}

TEST(Docs, EveryCheckHasABokmaalPageWithItsOptions) {
    expect_pages("docs/checks/nb", {"**Hva den finner**", "**Hvorfor det betyr noe**", "**Alvorlighet**",
                                    "**Eksempel**", "**Innstillinger**", "**Kilder**"});
}

// The compiled-in pages: the bokmål one for Lang::nb, the English one for Lang::en.
TEST(Docs, CheckPageIsInTheLanguageAsked) {
    for (const auto& c : builtin_checks().checks()) {
        const std::string title = "# " + std::string(c->code()) + " " + std::string(c->slug());
        const std::string_view en = docs::check_page(c->slug(), Lang::en);
        const std::string_view nb = docs::check_page(c->slug(), Lang::nb);
        EXPECT_TRUE(en.starts_with(title)) << c->slug();
        EXPECT_TRUE(nb.starts_with(title)) << c->slug();
        EXPECT_NE(en.find("**What it finds**"), std::string_view::npos) << c->slug();
        EXPECT_NE(nb.find("**Hva den finner**"), std::string_view::npos) << c->slug();
        EXPECT_NE(nb, en) << c->slug();
    }
    EXPECT_TRUE(docs::check_page("no-such-check", Lang::nb).empty());
    EXPECT_TRUE(docs::check_page("no-such-check", Lang::en).empty());
}

// The index of the checks is written from the catalogue (scripts/checks-index.py), and
// the checks_index test holds the pages and the checks to each other.
