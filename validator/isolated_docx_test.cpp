// Word and plain-text documents are read in a limited child when sandboxing is on
// (validator/isolated_docx.hpp): same facts as in process, and a child that dies
// is an unreadable document, not a crash of the caller.
#include "validator/isolated_docx.hpp"
#include "validator/catalogue.hpp"

#include "docx/layout_codec.hpp"
#include "validator/engine.hpp"
#include "validator/manifest.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace preflight;

namespace {

std::string doc(const std::string& name) { return std::string(PREFLIGHT_SOURCE_DIR) + "/fixtures/docs/" + name; }
constexpr const char* kWord = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

std::string shown(const DocxFacts& f) {
    nlohmann::json j{{"layout", f.layout ? doctext::layout_to_json(*f.layout) : nlohmann::json(nullptr)},
                     {"text_read", f.text_read},
                     {"text_searched", f.text_searched},
                     {"ids", f.person_ids}};
    return j.dump();
}

// The program an exec'd child is started from, for as long as the test runs.
class ExecMode {
public:
    ExecMode() { isolate::set_program(PREFLIGHT_BINARY); }
    ExecMode(const ExecMode&) = delete;
    ExecMode& operator=(const ExecMode&) = delete;
    ExecMode(ExecMode&&) = delete;
    ExecMode& operator=(ExecMode&&) = delete;
    ~ExecMode() { isolate::set_program({}); }
};

// The hook for as long as the test runs.
class Hook {
public:
    explicit Hook(detail::DocxChildHook hook) { detail::set_docx_child_hook(hook); }
    Hook(const Hook&) = delete;
    Hook& operator=(const Hook&) = delete;
    Hook(Hook&&) = delete;
    Hook& operator=(Hook&&) = delete;
    ~Hook() { detail::set_docx_child_hook(nullptr); }
};

void crash() { ::raise(SIGSEGV); }

TEST(DocxIsolated, SameFactsInEveryMode) {
    const DocxRequest both{.layout = true, .person_ids = true};
    for (const auto& [file, type] :
         std::vector<std::pair<std::string, std::string>>{{"brev_fnr.docx", kWord},
                                                          {"brev_fnr_footer.docx", kWord},
                                                          {"brev_corrupt.docx", kWord},
                                                          {"brev_bomb.docx", kWord},
                                                          {"brev_not_word.docx", kWord},
                                                          {"brev_fnr.txt", "text/plain"},
                                                          {"brev_fnr_utf16.txt", "text/plain"}}) {
        const std::string in_process = shown(read_docx_facts(doc(file), type, both));
        EXPECT_EQ(shown(read_docx_facts_isolated(doc(file), type, both, {})), in_process) << file;
        const ExecMode exec;
        EXPECT_EQ(shown(read_docx_facts_isolated(doc(file), type, both, {})), in_process) << file << " (exec)";
    }
    const DocxFacts fnr = read_docx_facts(doc("brev_fnr.docx"), kWord, both);
    EXPECT_TRUE(fnr.layout);
    EXPECT_FALSE(fnr.person_ids.empty());
}

const std::vector<std::pair<std::string, std::string>>& every_fixture() {
    static const std::vector<std::pair<std::string, std::string>> files{{"brev_fnr.docx", kWord},
                                                                        {"brev_fnr_footer.docx", kWord},
                                                                        {"brev_corrupt.docx", kWord},
                                                                        {"brev_bomb.docx", kWord},
                                                                        {"brev_not_word.docx", kWord},
                                                                        {"brev_ren.docx", kWord},
                                                                        {"brev_unordered.docx", kWord},
                                                                        {"brev_fnr.txt", "text/plain"},
                                                                        {"brev_fnr_cp1252.txt", "text/plain"},
                                                                        {"brev_fnr_utf16.txt", "text/plain"}};
    return files;
}

// The gate's mode: the fork server (started while this process has one thread),
// called from many threads at once; the same facts as in process.
TEST(DocxIsolated, ThroughTheServerFromManyThreads) {
    const DocxRequest both{.layout = true, .person_ids = true};
    std::vector<std::string> expected;
    for (const auto& [file, type] : every_fixture()) {
        expected.push_back(shown(read_docx_facts(doc(file), type, both)));
    }
    ASSERT_TRUE(isolate::start_server());
    isolate::set_program("/bin/false");  // exec mode would fail every child: these are served
    const Hook hook(crash);              // not seen by the helper, forked before it was set
    std::atomic<int> answered{0};
    std::vector<std::thread> threads;
    std::vector<std::string> mismatches(8);
    for (std::size_t t = 0; t < mismatches.size(); ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < 2; ++round) {
                for (std::size_t i = 0; i < every_fixture().size(); ++i) {
                    const auto& [file, type] = every_fixture()[i];
                    if (shown(read_docx_facts_isolated(doc(file), type, both, {})) != expected[i]) {
                        mismatches[t] += file + " ";
                    }
                    ++answered;
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    isolate::stop_server();
    isolate::set_program({});
    EXPECT_EQ(answered.load(), static_cast<int>(mismatches.size() * 2 * every_fixture().size()));
    for (const auto& m : mismatches) {
        EXPECT_EQ(m, "");
    }
}

// Per-file cost of the gate's modes, exec (the gate's mode for DOCX before the
// fork server had named jobs) against the fork server, over the Word fixtures but
// the bomb (which alone takes ~30 ms in any mode: reading, not starting). Not a
// check: run with --gtest_also_run_disabled_tests --gtest_filter='*DocxIsolated*Overhead*'.
TEST(DocxIsolated, DISABLED_Overhead) {
    constexpr int rounds = 20;
    const DocxRequest both{.layout = true, .person_ids = true};
    const auto mean_ms = [&] {
        const auto start = std::chrono::steady_clock::now();
        int files = 0;
        for (int r = 0; r < rounds; ++r) {
            for (const auto& [file, type] : every_fixture()) {
                if (type == kWord && file != "brev_bomb.docx") {
                    read_docx_facts_isolated(doc(file), type, both, {});
                    ++files;
                }
            }
        }
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / files;
    };
    ASSERT_TRUE(isolate::start_server());
    isolate::set_program(PREFLIGHT_BINARY);
    const double server_ms = mean_ms();
    isolate::stop_server();
    const double exec_ms = mean_ms();
    isolate::set_program({});
    const double fork_ms = mean_ms();
    const auto start = std::chrono::steady_clock::now();
    int files = 0;
    for (int r = 0; r < rounds; ++r) {
        for (const auto& [file, type] : every_fixture()) {
            if (type == kWord && file != "brev_bomb.docx") {
                read_docx_facts(doc(file), type, both);
                ++files;
            }
        }
    }
    const double in_process_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / files;
    std::printf(
        "fixtures/docs/*.docx but the bomb, %d runs: fork server %.2f ms, exec %.2f ms, fork %.2f ms, in process %.3f "
        "ms\n",
        files, server_ms, exec_ms, fork_ms, in_process_ms);
}

TEST(DocxIsolated, ACrashingChildIsAnUnreadableDocument) {
    const Hook hook(crash);
    const DocxFacts f = read_docx_facts_isolated(doc("brev_fnr.docx"), kWord, {.layout = true, .person_ids = true}, {});
    ASSERT_TRUE(f.layout);
    EXPECT_EQ(catalogue::words(f.layout->error, Lang::en), "the reading was stopped: stopped by the signal SIGSEGV");
    EXPECT_FALSE(f.text_read);
    EXPECT_FALSE(f.text_searched);
    EXPECT_TRUE(f.person_ids.empty());
}

// A check that needs the Word layout and the text.
class NeedsWord final : public Check {
public:
    std::string_view code() const override { return "TEST1"; }
    std::string_view slug() const override { return "needs-word"; }
    Facts needs() const override { return Fact::docx_layout | Fact::text; }
    bool wanted(const JournalPost& /*post*/, const Targets& /*targets*/,
                const SectionOptions& /*options*/) const override {
        return true;
    }
    void run(const Context& /*ctx*/, Findings& /*out*/) const override {}
};

Document gathered(bool sandbox) {
    CheckSet set;
    set.add(std::make_unique<NeedsWord>());
    std::vector<Section> sections = check_sections(set);
    sections.push_back(pdf_section());
    const Config config(sections);
    RunSettings settings;
    settings.sandbox = sandbox;
    return run_checks(loose_files({doc("brev_fnr.docx")}), set, config, settings).post.documents.at(0);
}

TEST(DocxIsolated, TheEngineReadsWordInAChildWhenSandboxed) {
    const Hook hook(crash);  // runs only in a reading child: this process would die of it
    const Document sandboxed = gathered(true);
    ASSERT_TRUE(sandboxed.docx);
    EXPECT_EQ(catalogue::words(sandboxed.docx->error, Lang::nb), "lesingen ble stoppet: avbrutt av signalet SIGSEGV");
    EXPECT_FALSE(sandboxed.text_searched);

    const Document in_process = gathered(false);  // --no-sandbox: the hook is not run
    ASSERT_TRUE(in_process.docx);
    EXPECT_EQ(in_process.docx->error, "");
    EXPECT_TRUE(in_process.text_searched);
    EXPECT_FALSE(in_process.person_ids.empty());
}

}  // namespace
