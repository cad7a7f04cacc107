// The engine gathers a fact only when a check that has something to judge needs it
// (Check::needs, Check::wanted), and asks the registers only when a check reads them.
#include "base/isolate_batch.hpp"
#include "checks/check_set.hpp"
#include "validator/engine.hpp"
#include "validator/manifest.hpp"
#include "validator/registers.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

using namespace preflight;

namespace {

const std::string kFixtures = std::string(PREFLIGHT_SOURCE_DIR) + "/fixtures/pdf/";

// A check that judges nothing, but needs `facts` when `wanted`.
class Needing final : public Check {
public:
    Needing(Facts facts, bool wanted) : facts_(facts), wanted_(wanted) {}
    std::string_view code() const override { return "TEST1"; }
    std::string_view slug() const override { return "needing"; }
    Facts needs() const override { return facts_; }
    bool wanted(const JournalPost& /*post*/, const Targets& /*targets*/,
                const SectionOptions& /*options*/) const override {
        return wanted_;
    }
    void run(const Context& /*ctx*/, Findings& /*out*/) const override {}

private:
    Facts facts_;
    bool wanted_;
};

// Registers that count the identifiers they are asked about.
class CountingRegisters final : public registry::Registers {
public:
    std::vector<registry::Facts> lookup(const std::vector<std::string>& ids, const registry::CapabilityQuery& /*p*/,
                                        const registry::CapabilityQuery& /*o*/) override {
        asked += ids.size();
        return std::vector<registry::Facts>(ids.size());
    }
    std::size_t asked = 0;
};

Report run_with(Facts facts, bool wanted, const std::string& file, registry::Registers* registers = nullptr) {
    CheckSet set;
    set.add(std::make_unique<Needing>(facts, wanted));
    std::vector<Section> sections = check_sections(set);
    sections.push_back(pdf_section());
    const Config config(sections);
    RunSettings settings;
    settings.sandbox = false;
    settings.directory = registers;
    JournalPost post = loose_files({kFixtures + file});
    Recipient r;
    r.name = "Kari Nordmann";
    r.id = "29129319060";
    r.method = Channel::general;
    post.recipients.push_back(r);
    return run_checks(std::move(post), set, config, settings);
}

TEST(Facts, TheTextIsSearchedOnlyWhenAWantedCheckNeedsIt) {
    const Report with = run_with(Fact::text, true, "text_fnr_winansi.pdf");
    ASSERT_TRUE(with.post.documents.at(0).pdf);
    EXPECT_EQ(with.post.documents[0].pdf->text_scan, pdf::TextScan::complete);
    EXPECT_FALSE(with.post.documents[0].person_ids.empty());

    // Not wanted: not even the PDF is read (no other check needs it).
    const Report unwanted = run_with(Fact::text, false, "text_fnr_winansi.pdf");
    EXPECT_FALSE(unwanted.post.documents.at(0).pdf);
    EXPECT_FALSE(unwanted.post.documents[0].text_searched);
    EXPECT_TRUE(unwanted.post.documents[0].person_ids.empty());

    const Report other = run_with(Fact::pdf, true, "text_fnr_winansi.pdf");
    EXPECT_EQ(other.post.documents.at(0).pdf->text_scan, pdf::TextScan::not_requested);
}

TEST(Facts, ContentBoxesAreMeasuredOnlyWhenNeeded) {
    const Report with = run_with(Fact::content_boxes, true, "margin.pdf");
    ASSERT_TRUE(with.post.documents.at(0).pdf);
    EXPECT_FALSE(with.post.documents[0].pdf->content_boxes.empty());
    const Report without = run_with(Fact::pdf, true, "margin.pdf");
    EXPECT_TRUE(without.post.documents.at(0).pdf->content_boxes.empty());
}

TEST(Facts, APdfIsNotReadWhenNoCheckNeedsIt) {
    const Report without = run_with(Facts{}, true, "a4_portrait.pdf");
    EXPECT_EQ(without.post.documents.at(0).type, "application/pdf");
    EXPECT_FALSE(without.post.documents[0].pdf);
    const Report with = run_with(Fact::pdf, true, "a4_portrait.pdf");
    ASSERT_TRUE(with.post.documents.at(0).pdf);
    EXPECT_EQ(with.post.documents[0].pdf->pages.size(), 1U);
}

TEST(Facts, TheRegistersAreAskedOnlyWhenACheckReadsThem) {
    CountingRegisters registers;
    (void)run_with(Fact::pdf, true, "a4_portrait.pdf", &registers);
    EXPECT_EQ(registers.asked, 0U);
    (void)run_with(Fact::registry, true, "a4_portrait.pdf", &registers);
    EXPECT_EQ(registers.asked, 1U);
}

}  // namespace

// A Word file that libmagic calls only "Microsoft OOXML" (its word/ parts come after
// docProps/ and customXml/, as in python-docx's own template) is named by its
// [Content_Types].xml: a Word document, no DP402 extension-mismatch, no DP401.
TEST(Facts, AnOoxmlZipIsNamedByItsContentTypes) {
    const std::string file = std::string(PREFLIGHT_SOURCE_DIR) + "/fixtures/docs/brev_ooxml.docx";
    const CheckSet& set = builtin_checks();
    std::vector<Section> sections = check_sections(set);
    sections.push_back(pdf_section());
    const Config config(sections);
    for (const bool sandbox : {false, true}) {
        RunSettings settings;
        settings.sandbox = sandbox;
        settings.channel = Channel::dpo;
        settings.channel_given = true;
        const Report r = run_checks(loose_files({file}), set, config, settings);
        ASSERT_EQ(r.post.documents.size(), 1U);
        EXPECT_EQ(r.post.documents[0].type, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            << "sandbox " << sandbox;
        for (const Finding& f : r.findings) {
            EXPECT_NE(f.code, "DP402") << f.message_id;
            EXPECT_NE(f.code, "DP401") << f.message_id;
        }
    }
}

namespace {

// The checks' configuration with `ini` (a [pdf] section, say) on top of the defaults.
Config config_with(const std::string& ini) {
    std::vector<Section> sections = check_sections(builtin_checks());
    sections.push_back(pdf_section());
    const std::filesystem::path file =
        std::filesystem::temp_directory_path() / ("facts-test-" + std::to_string(::getpid()) + ".ini");
    std::ofstream(file) << ini;
    Config config = Config::load(file, sections);
    std::filesystem::remove(file);
    return config;
}

RunSettings sandboxed_print() {
    RunSettings settings;
    settings.sandbox = true;  // fork mode: this test is single-threaded
    settings.channel = Channel::print;
    settings.channel_given = true;
    return settings;
}

}  // namespace

// A letter's documents share one limited child, however many there are: the PDFs
// are analysed by one; the Word files are typed and read in a child per step (the
// type libmagic gives, the zip's own type, then the reading, with the PDFs), not
// one per document.
TEST(Facts, ALettersDocumentsAreReadByOneChild) {
    const Config config = config_with("");
    const std::string docs = std::string(PREFLIGHT_SOURCE_DIR) + "/fixtures/docs/";
    std::uint64_t before = isolate::children_started();
    const Report pdfs = run_checks(
        loose_files({kFixtures + "a4_portrait.pdf", kFixtures + "a4_landscape.pdf", kFixtures + "text_no_fnr.pdf"}),
        builtin_checks(), config, sandboxed_print());
    EXPECT_EQ(isolate::children_started() - before, 1U);
    ASSERT_EQ(pdfs.post.documents.size(), 3U);
    for (const Document& d : pdfs.post.documents) {
        ASSERT_TRUE(d.pdf) << d.file;
        EXPECT_EQ(d.pdf->damage, pdf::Damage::none) << d.file;
        EXPECT_FALSE(d.pdf->pages.empty()) << d.file;
    }

    before = isolate::children_started();
    (void)run_checks(loose_files({kFixtures + "a4_portrait.pdf", docs + "brev_ren.docx"}), builtin_checks(), config,
                     sandboxed_print());
    const std::uint64_t two = isolate::children_started() - before;
    before = isolate::children_started();
    const Report five =
        run_checks(loose_files({kFixtures + "a4_portrait.pdf", docs + "brev_ren.docx", kFixtures + "a4_landscape.pdf",
                                docs + "brev_fnr.docx", kFixtures + "text_no_fnr.pdf"}),
                   builtin_checks(), config, sandboxed_print());
    EXPECT_EQ(isolate::children_started() - before, two);
    EXPECT_LE(two, 3U);
    ASSERT_EQ(five.post.documents.size(), 5U);
    EXPECT_TRUE(five.post.documents[1].docx);
    EXPECT_TRUE(five.post.documents[3].docx);
    EXPECT_TRUE(five.post.documents[2].pdf);
}

// A document over its limit (a decompression bomb past the memory limit) is DP303 for
// that document alone; the documents before and after it in the letter are answered.
// The child answers the failed allocation itself and goes on (one child), or ends on
// it and the documents after it go to a fresh one (two): never more, never a pass.
TEST(Facts, ADocumentThatEndsTheChildIsDp303AndTheOthersAreAnswered) {
    const Config config = config_with("[pdf]\nmemory-mb = 256\n");
    const std::uint64_t before = isolate::children_started();
    const Report r = run_checks(loose_files({kFixtures + "a4_portrait.pdf", kFixtures + "bomb_objstm_pages.pdf",
                                             kFixtures + "a4_landscape.pdf"}),
                                builtin_checks(), config, sandboxed_print());
    EXPECT_LE(isolate::children_started() - before, 2U);
    ASSERT_EQ(r.post.documents.size(), 3U);
    ASSERT_TRUE(r.post.documents[1].pdf);
    EXPECT_EQ(r.post.documents[1].pdf->damage, pdf::Damage::memory_limit) << r.post.documents[1].pdf->damage_detail;
    for (const std::size_t i : {0U, 2U}) {
        const Document& d = r.post.documents[i];
        ASSERT_TRUE(d.pdf) << d.file;
        EXPECT_EQ(d.pdf->damage, pdf::Damage::none) << d.file;
        EXPECT_EQ(d.pdf->pages.size(), 1U) << d.file;
    }
    std::vector<std::string> dp303;
    for (const Finding& f : r.findings) {
        if (f.code == "DP303") {
            dp303.push_back(f.document.value_or("") + " " + f.message_id);
        }
    }
    ASSERT_EQ(dp303.size(), 1U);
    EXPECT_EQ(dp303[0], r.post.documents[1].file + " DP303.memory-limit");
    EXPECT_EQ(r.verdict(), Verdict::block);
}
