#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

namespace {

RunFlags training() {
    RunFlags f;
    f.training = true;
    return f;
}

std::string tenor_id() {
    for (int n = 0; n < 100000; ++n) {
        const std::string id = fmt::format("0181{:07}", n);  // 1 January, month + 80
        if (ident::person_kind(id) == ident::PersonKind::synthetic) {
            return id;
        }
    }
    return {};
}

}  // namespace

TEST(CourseEnvironment, OnlyInTheTrainingProfile) {
    const auto post = post_to({person("Kari", "01018512345")});
    EXPECT_TRUE(run_check("course-environment", post, channel(Channel::general)).empty());
    const auto f = run_check("course-environment", post, channel(Channel::general), {}, training());
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP701.not-test");
    EXPECT_EQ(f[0].severity, Severity::block);
}

TEST(CourseEnvironment, TheTestRecipientsPass) {
    const auto post = post_to({person("Testperson", "29129319060"), person("Digdir", "0192:987464291", Channel::dpo)});
    EXPECT_TRUE(run_check("course-environment", post, channel(Channel::general), {}, training()).empty());
}

TEST(CourseEnvironment, ListedAndSyntheticRecipients) {
    const std::string tenor = tenor_id();
    ASSERT_FALSE(tenor.empty());
    const auto post = post_to({person("Tenor", tenor), person("Listed", "974760673", Channel::dpo)});
    const auto f = run_check("course-environment", post, channel(Channel::general), {}, training());
    ASSERT_EQ(f.size(), 1U);  // the listed one is not listed yet
    EXPECT_EQ(f[0].recipient, 1);
    EXPECT_TRUE(run_check("course-environment", post, channel(Channel::general),
                          {{"test-recipients", "974 760 673, 999999999"}}, training())
                    .empty());
    EXPECT_EQ(run_check("course-environment", post, channel(Channel::general),
                        {{"test-recipients", "974760673"}, {"allow-synthetic", "false"}}, training())
                  .size(),
              1U);
}
