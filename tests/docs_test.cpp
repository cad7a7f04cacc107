// Every registered check has its doc page, naming its code, slug and every option.
#include "checks/check_set.hpp"
#include "validator/check.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace preflight;

TEST(Docs, EveryCheckHasAPageWithItsOptions) {
    for (const auto& c : builtin_checks().checks()) {
        const std::string path = std::string(PREFLIGHT_SOURCE_DIR) + "/docs/checks/" + std::string(c->slug()) + ".md";
        std::ifstream in(path);
        ASSERT_TRUE(in.good()) << "missing " << path;
        std::ostringstream text;
        text << in.rdbuf();
        const std::string page = text.str();
        EXPECT_EQ(page.rfind("# " + std::string(c->code()) + " " + std::string(c->slug()), 0), 0U) << path;
        for (const auto& o : c->options()) {
            EXPECT_NE(page.find("`" + o.key + "`"), std::string::npos) << path << " lacks option " << o.key;
            EXPECT_NE(page.find(o.default_value), std::string::npos) << path << " lacks default " << o.default_value;
        }
        for (const char* section :
             {"**What it finds**", "**Why it matters**", "**Severity**", "**Example**", "**Options**", "**Sources**"}) {
            EXPECT_NE(page.find(section), std::string::npos) << path << " lacks " << section;
        }
    }
}

// The index of the checks is written from the catalogue (scripts/checks-index.py), and
// the checks_index test holds the pages and the checks to each other.
