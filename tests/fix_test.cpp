// `preflight fix`: every output page portrait A4 and checked with preflight's own
// checks for print (no DP301, no DP307 on scaled pages), text still text, links
// and metadata kept, refusals, never the input overwritten; names for DP101.
#include "app/sections.hpp"
#include "checks/check_set.hpp"
#include "fix/fixup.hpp"

#include "base/error.hpp"
#include "base/text.hpp"
#include "pdf/pdf_info.hpp"
#include "pdf/text.hpp"
#include "tests/cli_harness.hpp"
#include "tests/pdf_writer.hpp"
#include "validator/manifest.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <podofo/podofo.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace preflight {
namespace {

namespace fs = std::filesystem;
using testing::fixture;
using testing::pt;
using testing::run_cli;
using testing::TestPage;
using testing::TestPdf;

constexpr double kA4W = 210 * 72 / 25.4;
constexpr double kA4H = 297 * 72 / 25.4;

// A page of w x h points with "Page N" near its top left corner and a frame
// around the whole page (content right up to every edge).
TestPage page_of(double w, double h, int n, int rotate = 0) {
    TestPage p;
    p.media = fmt::format("0 0 {} {}", w, h);
    p.rotate = rotate;
    p.content =
        fmt::format("0 0 1 rg 2 w 1 1 {} {} re S BT /F1 24 Tf 40 {} Td (Page {}) Tj ET", w - 2, h - 2, h - 60, n);
    return p;
}

class Fix : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / fmt::format("preflight-fix-{}-{}", ::getpid(), counter_++);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    fixup::PdfFix run(const TestPdf& pdf, pdf::FixOptions options = {}, const std::string& name = "in.pdf") {
        const fs::path in = dir_ / name;
        pdf.write(in);
        return fixup::fix_pdf(in, dir_ / ("out-" + name), options, false, builtin_checks(), config_, RunSettings{});
    }
    fs::path out(const std::string& name = "in.pdf") const { return dir_ / ("out-" + name); }

    // Every page portrait A4, the copy passes print without DP301, and every
    // scaled page keeps the left strip free (no DP307). Returns the pages.
    std::vector<pdf::Page> expect_print_ready(const fixup::PdfFix& fix) {
        EXPECT_TRUE(fix.fixed()) << fix.result.error;
        if (!fix.output) {
            ADD_FAILURE() << "no output report";
            return {};
        }
        for (const Finding& f : fix.output->findings) {
            EXPECT_NE(f.code, "DP301") << f.message_id;
            EXPECT_NE(f.severity, Severity::block) << f.code << " " << f.message_id;
        }
        const pdf::Info info = pdf::analyze(fix.out);
        EXPECT_EQ(info.damage, pdf::Damage::none) << info.damage_detail;
        for (const pdf::Page& p : info.pages) {
            EXPECT_NEAR(p.width_pt(), kA4W, 0.5) << "page " << p.number;
            EXPECT_NEAR(p.height_pt(), kA4H, 0.5) << "page " << p.number;
        }
        return info.pages;
    }

    static std::vector<std::string> page_texts(const fs::path& file) {
        std::vector<std::string> out;
        for (const pdf::PageText& p : pdf::extract_text(file).pages) {
            out.push_back(p.text);
        }
        return out;
    }

    static bool has_code(const Report& r, const std::string& code) {
        return std::any_of(r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.code == code; });
    }

    fs::path dir_;
    Config config_{app::config_sections(builtin_checks())};
    static inline int counter_ = 0;
};

TEST_F(Fix, SlidesOf16By9And4By3AreScaledOntoA4WithTheStripFree) {
    for (const auto& [w, h] : {std::pair{960.0, 540.0}, {720.0, 540.0}}) {
        const auto fix = run(TestPdf{{page_of(w, h, 1), page_of(w, h, 2)}, {}, {}}, {}, fmt::format("{}.pdf", w));
        EXPECT_TRUE(has_code(fix.input, "DP301"));   // the input blocks ...
        const auto pages = expect_print_ready(fix);  // ... the copy does not
        ASSERT_EQ(pages.size(), 2U);
        EXPECT_EQ(fix.result.placed, 2);
        EXPECT_FALSE(has_code(*fix.output, "DP307"));
        const auto texts = page_texts(fix.out);
        ASSERT_EQ(texts.size(), 2U);
        EXPECT_NE(texts[0].find("Page 1"), std::string::npos) << texts[0];
        EXPECT_NE(texts[1].find("Page 2"), std::string::npos) << texts[1];
        // Where the content went: inside the area right of the strip (20 mm).
        const pdf::Info info = pdf::analyze(fix.out, {.find_content_boxes = true});
        ASSERT_EQ(info.content_boxes.size(), 2U);
        for (const pdf::PageContent& c : info.content_boxes) {
            EXPECT_GE(c.box.llx, pt(20) - 0.01);
            EXPECT_LE(c.box.urx, kA4W - pt(10) + 0.01);
            EXPECT_GE(c.box.lly, pt(10) - 0.01);
        }
    }
}

TEST_F(Fix, LetterAndA3AreScaledDownAndA5IsNotEnlarged) {
    const auto fix =
        run(TestPdf{{page_of(612, 792, 1), page_of(841.89, 1190.55, 2), page_of(419.53, 595.28, 3)}, {}, {}});
    expect_print_ready(fix);
    EXPECT_EQ(fix.result.placed, 3);
    EXPECT_EQ(fix.result.rotated, 0);  // portrait pages fit best upright
    const pdf::Info info = pdf::analyze(fix.out, {.find_content_boxes = true});
    ASSERT_EQ(info.content_boxes.size(), 3U);
    // A5 stays 148 mm wide (the frame is 1 pt inside the page, plus the line width).
    EXPECT_NEAR(info.content_boxes[2].box.width() / (72 / 25.4), 148, 1);
    // A3 fits the width: 210 mm less the 20 mm strip and the 10 mm right margin.
    EXPECT_NEAR(info.content_boxes[1].box.width() / (72 / 25.4), 180, 1);
    for (const auto& c : info.content_boxes) {
        EXPECT_GE(c.box.llx, pt(20) - 0.01);
    }
}

TEST_F(Fix, MixedFileKeepsA4TurnsLandscapeA4AndPlacesTheRest) {
    const TestPage a4 = page_of(kA4W, kA4H, 1);
    const auto fix = run(TestPdf{{a4, page_of(kA4H, kA4W, 2), page_of(960, 540, 3), page_of(612, 792, 4)}, {}, {}});
    const auto pages = expect_print_ready(fix);
    ASSERT_EQ(pages.size(), 4U);
    EXPECT_EQ(fix.result.kept, 1);
    EXPECT_EQ(fix.result.turned, 1);
    EXPECT_EQ(fix.result.placed, 2);
    EXPECT_EQ(pages[0].rotate, 0);
    EXPECT_EQ(pages[1].rotate, 90);
    // The kept page is drawn where it was: same content box as in the input.
    const pdf::Info before = pdf::analyze(dir_ / "in.pdf", {.find_content_boxes = true});
    const pdf::Info after = pdf::analyze(fix.out, {.find_content_boxes = true});
    ASSERT_FALSE(before.content_boxes.empty());
    ASSERT_FALSE(after.content_boxes.empty());
    EXPECT_DOUBLE_EQ(after.content_boxes[0].box.llx, before.content_boxes[0].box.llx);
    EXPECT_DOUBLE_EQ(after.content_boxes[0].box.ury, before.content_boxes[0].box.ury);
    const auto texts = page_texts(fix.out);
    for (int i = 0; i < 4; ++i) {
        EXPECT_NE(texts[static_cast<std::size_t>(i)].find(fmt::format("Page {}", i + 1)), std::string::npos);
    }
}

TEST_F(Fix, RotateAndCropBoxAreWhatIsPlaced) {
    // A landscape slide stored upright in a portrait MediaBox and shown turned by
    // /Rotate 270, and a slide cut out of a larger MediaBox by its CropBox.
    TestPage turned = page_of(540, 960, 1, 270);
    TestPage cropped = page_of(1200, 800, 2);
    cropped.crop = "100 100 1060 640";
    cropped.content =
        fmt::format("BT /F1 24 Tf 150 600 Td (Page 2) Tj ET 0 g 0 0 90 800 re f");  // bar outside the crop
    const auto fix = run(TestPdf{{turned, cropped}, {}, {}});
    expect_print_ready(fix);
    EXPECT_FALSE(has_code(*fix.output, "DP307"));  // the bar left of the CropBox stays clipped away
    const auto texts = page_texts(fix.out);
    ASSERT_EQ(texts.size(), 2U);
    EXPECT_NE(texts[0].find("Page 1"), std::string::npos);
    EXPECT_NE(texts[1].find("Page 2"), std::string::npos);
    // The turned slide is shown as it was (landscape), so placed upright it fits
    // best turned back a quarter.
    EXPECT_EQ(fix.result.rotated, 2);
}

TEST_F(Fix, TwoUpPutsTwoLandscapeSlidesOnAPage) {
    std::vector<TestPage> slides;
    for (int i = 1; i <= 5; ++i) {
        slides.push_back(page_of(960, 540, i));
    }
    const auto fix = run(TestPdf{slides, {}, {}}, {.two_up = true});
    const auto pages = expect_print_ready(fix);
    ASSERT_EQ(pages.size(), 3U);
    EXPECT_EQ(fix.result.two_up, 2);
    const auto texts = page_texts(fix.out);
    EXPECT_NE(texts[0].find("Page 1"), std::string::npos);
    EXPECT_NE(texts[0].find("Page 2"), std::string::npos);
    EXPECT_NE(texts[1].find("Page 3"), std::string::npos);
    EXPECT_NE(texts[1].find("Page 4"), std::string::npos);
    EXPECT_NE(texts[2].find("Page 5"), std::string::npos);
    EXPECT_FALSE(has_code(*fix.output, "DP307"));
}

TEST_F(Fix, APageListedTwiceIsPlacedTwice) {
    TestPdf pdf{{page_of(612, 792, 1)}, {}, {}};
    pdf.order = {0, 0};
    const auto fix = run(pdf);
    const auto pages = expect_print_ready(fix);
    ASSERT_EQ(pages.size(), 2U);
    const auto texts = page_texts(fix.out);
    ASSERT_EQ(texts.size(), 2U);
    EXPECT_NE(texts[0].find("Page 1"), std::string::npos) << texts[0];
    EXPECT_NE(texts[1].find("Page 1"), std::string::npos) << texts[1];
    const pdf::Info info = pdf::analyze(fix.out, {.find_content_boxes = true});
    EXPECT_EQ(info.content_boxes.size(), 2U);
}

TEST_F(Fix, TheVersionIsKeptAndCappedAt17) {
    TestPdf v15{{page_of(960, 540, 1)}, {}, {}};
    v15.version = "1.5";
    const auto a = run(v15, {}, "v15.pdf");
    expect_print_ready(a);
    EXPECT_EQ(pdf::analyze(a.out).version, "1.5");
    TestPdf v20 = v15;
    v20.version = "2.0";
    const auto b = run(v20, {}, "v20.pdf");
    EXPECT_TRUE(has_code(b.input, "DP304"));
    expect_print_ready(b);
    EXPECT_EQ(pdf::analyze(b.out).version, "1.7");
    EXPECT_FALSE(has_code(*b.output, "DP304"));
}

TEST_F(Fix, TwoUpPutsTheFirstSlideAboveAndPairsLandscapeA4) {
    const auto fix = run(TestPdf{{page_of(960, 540, 1), page_of(960, 540, 2)}, {}, {}}, {.two_up = true});
    expect_print_ready(fix);
    // The page's content stream: "q a b c d e f cm /PreflightPage1 Do Q" twice; f is
    // the lower edge of each slide.
    PoDoFo::PdfMemDocument doc;
    doc.Load(fix.out.c_str());
    PoDoFo::PdfObject* contents = doc.GetPage(0)->GetContents();
    ASSERT_NE(contents, nullptr);
    char* buffer = nullptr;
    PoDoFo::pdf_long len = 0;
    contents->GetStream()->GetFilteredCopy(&buffer, &len);
    const std::string stream(buffer, static_cast<std::size_t>(len));
    PoDoFo::podofo_free(buffer);
    std::vector<double> bottoms;
    for (std::size_t at = stream.find(" cm /PreflightPage"); at != std::string::npos;
         at = stream.find(" cm /PreflightPage", at + 1)) {
        const std::size_t start = stream.rfind(' ', at - 1);
        bottoms.push_back(std::stod(stream.substr(start + 1, at - start - 1)));
    }
    ASSERT_EQ(bottoms.size(), 2U) << stream;
    EXPECT_GT(bottoms[0], bottoms[1]) << stream;
    EXPECT_NE(stream.find("/PreflightPage1"), std::string::npos);
    EXPECT_LT(stream.find("/PreflightPage1"), stream.find("/PreflightPage2"));

    // Landscape A4 pages pair too with --two-up; a lone one is turned.
    const auto a4 = run(TestPdf{{page_of(kA4H, kA4W, 1), page_of(kA4H, kA4W, 2), page_of(kA4H, kA4W, 3)}, {}, {}},
                        {.two_up = true}, "a4.pdf");
    ASSERT_EQ(expect_print_ready(a4).size(), 2U);
    EXPECT_EQ(a4.result.two_up, 1);
    EXPECT_EQ(a4.result.turned, 1);
}

TEST_F(Fix, LinksMoveWithTheContentAndMetadataStays) {
    TestPdf pdf{{page_of(960, 540, 1)}, {}, "<< /Title (Opptak 2026) /Author (Opptakskontoret) >>"};
    pdf.extra.push_back(
        "<< /Type /Annot /Subtype /Link /Rect [100 100 400 150] /Border [0 0 0] "
        "/A << /S /URI /URI (https://www.example.no/) >> >>");
    pdf.pages[0].annots = "[6 0 R]";
    const auto fix = run(pdf);
    expect_print_ready(fix);
    EXPECT_EQ(fix.result.annotations, 1);
    PoDoFo::PdfMemDocument doc;
    doc.Load(fix.out.c_str());
    EXPECT_EQ(doc.GetInfo()->GetTitle().GetStringUtf8(), "Opptak 2026");
    EXPECT_EQ(doc.GetInfo()->GetAuthor().GetStringUtf8(), "Opptakskontoret");
    PoDoFo::PdfPage* page = doc.GetPage(0);
    ASSERT_NE(page, nullptr);
    ASSERT_EQ(page->GetNumAnnots(), 1);
    PoDoFo::PdfAnnotation* link = page->GetAnnotation(0);
    const PoDoFo::PdfRect r = link->GetRect();
    // Where the slide went: turned a quarter clockwise ((x, y) -> (y, 960 - x)),
    // scaled to the area's height (841.89 - 2 x 10 mm), centred right of the strip.
    EXPECT_EQ(fix.result.rotated, 1);
    const double area_w = kA4W - pt(20) - pt(10);
    const double area_h = kA4H - 2 * pt(10);
    const double s = std::min(area_w / 540, area_h / 960);
    const double tx = pt(20) + (area_w - 540 * s) / 2;
    const double ty = pt(10) + (area_h - 960 * s) / 2;
    EXPECT_NEAR(r.GetLeft(), tx + s * 100, 0.01);            // from y = 100
    EXPECT_NEAR(r.GetWidth(), s * 50, 0.01);                 // y 100..150
    EXPECT_NEAR(r.GetBottom(), ty + s * (960 - 400), 0.01);  // from x = 400
    EXPECT_NEAR(r.GetHeight(), s * 300, 0.01);               // x 100..400
    EXPECT_NE(link->GetObject()->GetDictionary().GetKey(PoDoFo::PdfName("A")), nullptr);
}

TEST_F(Fix, EncryptedDamagedAndEmptyInputIsRefusedWithTheFindingThatSaysWhy) {
    const fs::path fixtures = fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures" / "pdf";
    for (const auto& [name, code] : {std::pair{"enc_rc4_40.pdf", "DP302"},
                                     {"truncated.pdf", "DP303"},
                                     {"empty_pages.pdf", "DP306"},
                                     {"junk_only.pdf", "DP303"}}) {
        const fs::path out = dir_ / (std::string("out-") + name);
        const auto fix = fixup::fix_pdf(fixtures / name, out, {}, false, builtin_checks(), config_, RunSettings{});
        EXPECT_TRUE(fix.refused) << name;
        EXPECT_FALSE(fix.fixed()) << name;
        EXPECT_TRUE(has_code(fix.input, code)) << name;
        EXPECT_FALSE(fs::exists(out)) << name;
        const std::string text = fixup::render_fix(fix, Format::text, RenderOptions::in(Lang::en));
        EXPECT_NE(text.find("cannot be made print-ready"), std::string::npos) << text;
        EXPECT_NE(text.find(code), std::string::npos) << text;
    }
}

TEST_F(Fix, NeverOverwritesTheInputNorAnExistingFileWithoutForce) {
    const fs::path in = dir_ / "in.pdf";
    TestPdf{{page_of(960, 540, 1)}, {}, {}}.write(in);
    const auto before = fs::file_size(in);
    EXPECT_THROW(fixup::fix_pdf(in, in, {}, true, builtin_checks(), config_, RunSettings{}), UsageError);
    EXPECT_THROW(fixup::fix_pdf(in, dir_ / "." / "in.pdf", {}, true, builtin_checks(), config_, RunSettings{}),
                 UsageError);
    EXPECT_EQ(fs::file_size(in), before);
    const fs::path taken = dir_ / "taken.pdf";
    std::ofstream(taken) << "keep me";
    EXPECT_THROW(fixup::fix_pdf(in, taken, {}, false, builtin_checks(), config_, RunSettings{}), UsageError);
    EXPECT_EQ(fs::file_size(taken), 7U);
    EXPECT_TRUE(fixup::fix_pdf(in, taken, {}, true, builtin_checks(), config_, RunSettings{}).fixed());
    EXPECT_GT(fs::file_size(taken), 7U);
    // Nothing but the input and the outputs is left in the folder (no temporary files).
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) {
        ++files;
    }
    EXPECT_EQ(files, 2U);
}

TEST_F(Fix, AFailingFixLeavesNoFile) {
    // PoDoFo cannot load it: the sandboxed child answers an error and nothing is written.
    const fs::path out = dir_ / "out.pdf";
    const pdf::FixResult r =
        pdf::fix_sandboxed(fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures/pdf/junk_only.pdf", out, {}, pdf::Limits{});
    EXPECT_FALSE(r.ok);
    EXPECT_FALSE(r.error.empty());
    EXPECT_FALSE(fs::exists(out));
}

TEST_F(Fix, TheCommandLineWritesTheCopyAndExitsZero) {
    const fs::path in = dir_ / "slides.pdf";
    TestPdf{{page_of(960, 540, 1)}, {}, {}}.write(in);
    const auto r = run_cli({"fix", "--lang", "en", in.string(), "-o", (dir_ / "a4.pdf").string()});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("Pages in portrait A4: 1 (in the original: 1)"), std::string::npos) << r.out;
    const auto again = run_cli({"fix", "--lang", "en", in.string(), "-o", (dir_ / "a4.pdf").string()});
    EXPECT_EQ(again.exit_code, 2);
    EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
    const auto same = run_cli({"fix", in.string(), "-o", in.string(), "--force"});
    EXPECT_EQ(same.exit_code, 2);
    EXPECT_EQ(run_cli({"fix", in.string()}).exit_code, 2);  // no -o
    const auto json = run_cli({"fix", "--format", "json", in.string(), "-o", (dir_ / "b.pdf").string()});
    EXPECT_EQ(json.exit_code, 0);
    const auto j = nlohmann::json::parse(json.out);
    EXPECT_TRUE(j.at("fixed").get<bool>());
    EXPECT_EQ(j.at("check").at("verdict"), "pass");
}

// ---- names -------------------------------------------------------------------

TEST(FixNames, CutAtAWordBoundaryWithinTheLimit) {
    const std::string name =
        "Vedtak om opptak til masterprogram i samfunnsøkonomi ved Det samfunnsvitenskapelige fakultet, "
        "studieåret 2026 til 2027";
    ASSERT_GT(text::char_count(name), 96U);
    const std::string p = fixup::shorter_name(name, 96, {}, {});
    EXPECT_LE(text::char_count(p), 96U);
    EXPECT_TRUE(p.ends_with("\u2026")) << p;
    EXPECT_TRUE(name.starts_with(p.substr(0, p.size() - 3))) << p;  // whole words of the original
    EXPECT_NE(p.substr(0, p.size() - 3).back(), ' ');
    EXPECT_EQ(fixup::shorter_name("Kort navn", 96, {}, {}), "Kort navn");
}

TEST(FixNames, KeepsWhatTellsDocumentsApart) {
    const std::string common =
        "Vedlegg til vedtak om opptak ved Universitetet i Eksempelby, Det humanistiske fakultet, institutt for "
        "lingvistikk";
    const std::string a = common + " – karakterutskrift";
    const std::string b = common + " – politiattest";
    const std::string pa = fixup::shorter_name(a, 96, {b}, {b});
    const std::string pb = fixup::shorter_name(b, 96, {a}, {a, pa});
    EXPECT_LE(text::char_count(pa), 96U);
    EXPECT_LE(text::char_count(pb), 96U);
    EXPECT_TRUE(pa.ends_with("karakterutskrift")) << pa;
    EXPECT_TRUE(pb.ends_with("politiattest")) << pb;
    EXPECT_TRUE(pa.starts_with("Vedlegg til vedtak")) << pa;
    EXPECT_NE(text::name_key(pa), text::name_key(pb));
}

TEST(FixNames, ProposalsNeverClashWithOtherNames) {
    const std::string long_a = std::string("Søknad ") + std::string(40, 'a') + " " + std::string(40, 'b') + " første";
    const std::string long_b = std::string("Søknad ") + std::string(40, 'a') + " " + std::string(40, 'b') + " andre";
    const std::string pa = fixup::shorter_name(long_a, 60, {}, {});
    const std::string pb = fixup::shorter_name(long_b, 60, {}, {pa});
    EXPECT_NE(text::name_key(pa), text::name_key(pb)) << pa << " / " << pb;
    EXPECT_LE(text::char_count(pb), 60U);
}

TEST(FixNames, TheMainDocumentsProposalIsTheNewTitleToo) {
    const std::string title(120, 'x');
    Report report;
    report.post.title = title;
    Document main;
    main.file = "vedtak.pdf";
    main.name = title;
    main.role = Role::main;
    Document attachment;
    attachment.file = "vedlegg.pdf";
    attachment.name = std::string(100, 'y');
    report.post.documents = {main, attachment};
    for (const std::string file : {"vedtak.pdf", "vedlegg.pdf"}) {
        Finding f;
        f.code = "DP101";
        f.check = "name-length";
        f.message_id = "DP101.too-long";
        f.document = file;
        f.args = {{"limit", "96"}};
        report.findings.push_back(f);
    }
    const auto proposals = fixup::propose_names(report, builtin_checks());
    ASSERT_EQ(proposals.size(), 2U);
    EXPECT_TRUE(proposals[0].retitle);
    EXPECT_FALSE(proposals[1].retitle);
    const std::string text = fixup::render_names(proposals, Format::text, RenderOptions::in(Lang::en));
    EXPECT_NE(text.find("give the journal post the same title"), std::string::npos) << text;
    const auto j = nlohmann::json::parse(fixup::render_names(proposals, Format::json, RenderOptions::in(Lang::en)));
    EXPECT_EQ(j.at("proposals")[0].at("title"), proposals[0].proposal);
    EXPECT_TRUE(j.at("proposals")[1].at("title").is_null());
}

TEST(FixNames, TheManifestCommandProposesNamesForWhatDP101Stops) {
    const auto r = run_cli({"fix", "--lang", "en", "--manifest", fixture("e2e/name-too-long.json")});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.out.find("Shorter document names"), std::string::npos) << r.out;
    const auto j = run_cli({"fix", "--format", "json", "--manifest", fixture("e2e/name-too-long.json")});
    const auto proposals = nlohmann::json::parse(j.out).at("proposals");
    ASSERT_FALSE(proposals.empty());
    for (const auto& p : proposals) {
        EXPECT_LE(p.at("proposal_chars").get<std::size_t>(), p.at("limit").get<std::size_t>());
        EXPECT_GT(p.at("chars").get<std::size_t>(), p.at("limit").get<std::size_t>());
        EXPECT_EQ(text::char_count(p.at("proposal").get<std::string>()), p.at("proposal_chars").get<std::size_t>());
    }
    const auto ok = run_cli({"fix", "--lang", "en", "--manifest", fixture("example/ok-post.json")});
    EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
    EXPECT_NE(ok.out.find("No document name is too long"), std::string::npos) << ok.out;
}

}  // namespace
}  // namespace preflight
