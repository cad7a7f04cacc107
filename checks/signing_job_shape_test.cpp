#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

namespace {
Recipient signer() {
    Recipient r;
    r.method = Channel::signing;
    return r;
}
}  // namespace

TEST(SigningJobShape, OneDocumentAndTenSignersPass) {
    auto post = post_with({doc("a.pdf", "", Role::main)});
    post.recipients.assign(10, signer());
    EXPECT_TRUE(run_check("signing-job-shape", post, channel(Channel::signing)).empty());
}

TEST(SigningJobShape, ElevenSignersBlock) {
    auto post = post_with({doc("a.pdf", "", Role::main)});
    post.recipients.assign(11, signer());
    const auto f = run_check("signing-job-shape", post, channel(Channel::signing));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP203.signers");
}

TEST(SigningJobShape, TwentyOneDocumentsBlock) {
    std::vector<Document> docs;
    for (int i = 0; i < 21; ++i) {
        docs.push_back(doc("d" + std::to_string(i) + ".pdf"));
    }
    const auto f = run_check("signing-job-shape", post_with(docs), channel(Channel::signing));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].message_id, "DP203.documents");
    EXPECT_NE(english(f[0]).find("21 documents"), std::string::npos);
}

TEST(SigningJobShape, NoDocumentsBlock) {
    EXPECT_EQ(run_check("signing-job-shape", post_with({}), channel(Channel::signing)).size(), 1U);
}

TEST(SigningJobShape, NotASigningJob) {
    auto post = post_with({});
    post.recipients.assign(11, signer());
    EXPECT_TRUE(run_check("signing-job-shape", post, channel(Channel::dpi)).empty());
}
