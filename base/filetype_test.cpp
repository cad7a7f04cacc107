// libmagic in a limited child (filetype::sniff_isolated): the same answers as in
// process in every isolation mode, and an unidentified file when no child answers.
#include "base/filetype.hpp"

#include "base/isolate.hpp"
#include "tests/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace preflight {
namespace {

namespace fs = std::filesystem;

std::string head_of(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::string head(2048, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return head;
}

class SniffIsolated : public ::testing::Test {
protected:
    void SetUp() override {
        const fs::path source(PREFLIGHT_SOURCE_DIR);
        files_ = {source / "fixtures/pdf/a4_portrait.pdf", source / "fixtures/templates/brev/us-letter.docx",
                  source / "README.md", dir_.file("data.bin"), dir_.file("leading.pdf")};
        std::ofstream(files_[3], std::ios::binary) << std::string("\x01\x02\x03\xff\xfe\x00\x07", 7);
        std::ofstream(files_[4], std::ios::binary) << "junk before the header\n%PDF-1.4\n%%EOF\n";
    }
    void TearDown() override {
        isolate::stop_server();
        isolate::set_program({});
    }
    // Each file's type in process, and isolated: the same, and what we expect of it.
    void expect_same_answers() {
        const isolate::Limits limits;
        std::vector<std::string> types;
        for (const auto& f : files_) {
            const std::string head = head_of(f);
            const std::string isolated = filetype::sniff_isolated(f, head, limits);
            EXPECT_EQ(isolated, filetype::sniff(f, head)) << f;
            types.push_back(isolated);
        }
        EXPECT_EQ(types[0], "application/pdf");
        EXPECT_EQ(types[1], "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        EXPECT_EQ(types[2], "text/plain");
        EXPECT_EQ(types[3], "application/octet-stream");  // libmagic's "data"
        EXPECT_EQ(types[4], "application/pdf");           // the header policy, without a child
    }
    testing::TempDir dir_;
    std::vector<fs::path> files_;
};

TEST_F(SniffIsolated, ForkModeAnswersAsInProcess) { expect_same_answers(); }

TEST_F(SniffIsolated, ExecModeAnswersAsInProcess) {
    isolate::set_program(PREFLIGHT_BINARY);
    expect_same_answers();
}

TEST_F(SniffIsolated, ForkServerAnswersAsInProcess) {
    ASSERT_TRUE(isolate::start_server());
    expect_same_answers();
}

TEST_F(SniffIsolated, NoChildLeavesTheFileUnidentified) {
    // A program that cannot be started: no child, no answer. The Word file is then
    // unidentified; a PDF header still decides without a child.
    isolate::set_program("/nonexistent/preflight");
    const isolate::Limits limits;
    EXPECT_EQ(filetype::sniff_isolated(files_[1], head_of(files_[1]), limits), "application/octet-stream");
    EXPECT_EQ(filetype::sniff_isolated(files_[0], head_of(files_[0]), limits), "application/pdf");
}

}  // namespace
}  // namespace preflight
