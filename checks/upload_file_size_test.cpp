#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

namespace {

constexpr std::uint64_t kLimit = 5ULL * 1024 * 1024;

std::vector<Finding> run(std::uint64_t bytes, bool multipart) {
    RunFlags flags;
    flags.multipart_upload = multipart;
    return run_check("upload-file-size", post_with({doc("vedtak.pdf", "Vedtak", Role::main, bytes)}),
                     channel(Channel::dpi), {}, flags);
}

}  // namespace

TEST(UploadFileSize, AtTheLimitPasses) {
    // The integrasjonspunkt refuses size > MAX_SIZE: exactly 5 MiB goes.
    EXPECT_TRUE(run(kLimit, true).empty());
    EXPECT_TRUE(run(kLimit, false).empty());
}

TEST(UploadFileSize, OverTheLimitBlocksOnTheMultipartRoute) {
    const auto f = run(kLimit + 1, true);
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::block);
    EXPECT_EQ(f[0].document, "vedtak.pdf");
    EXPECT_NE(english(f[0]).find("5 242 880 B"), std::string::npos) << english(f[0]);
}

TEST(UploadFileSize, OnTheCommandLineItIsInformation) {
    const auto f = run(kLimit + 1, false);
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].severity, Severity::info);
    EXPECT_NE(english(f[0]).find("if the letter is sent as multipart"), std::string::npos) << english(f[0]);
}
