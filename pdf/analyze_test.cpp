// pdf::analyze() on the fixtures of fixtures/make_pdf_fixtures.py: one test per
// PoDoFo 0.9.8 trap from shared/notes/podofo-0.9.8.md, run three ways: our own
// xref reader with PoDoFo as the fallback (the default), PoDoFo locating objects
// with the raw lexer reading them, and PoDoFo parsing every object.
#include "pdf/detail.hpp"
#include "pdf/pdf_info.hpp"
#include "pdf/serialize.hpp"
#include "tests/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace preflight::pdf {
namespace {

namespace fs = std::filesystem;

fs::path fixture(const std::string& name) { return fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures" / "pdf" / name; }

using testing::TempDir;

void expect_box(const Box& b, double llx, double lly, double urx, double ury) {
    EXPECT_DOUBLE_EQ(b.llx, llx);
    EXPECT_DOUBLE_EQ(b.lly, lly);
    EXPECT_DOUBLE_EQ(b.urx, urx);
    EXPECT_DOUBLE_EQ(b.ury, ury);
}

// fast: our own xref reader (PoDoFo only as the fallback); raw: PoDoFo finds the
// objects, the raw lexer reads them; podofo: PoDoFo does everything.
enum class Mode { fast, raw, podofo };

detail::ReadOptions options_for(Mode m) {
    return {.raw_reader = m != Mode::podofo, .free_objects = true, .fast_xref = m == Mode::fast};
}

class Analyze : public ::testing::TestWithParam<Mode> {
protected:
    [[nodiscard]] Info run(const std::string& name) const { return run_path(fixture(name)); }
    [[nodiscard]] Info run_path(const fs::path& path) const {
        return detail::analyze_with(path, options_for(GetParam()));
    }
};

INSTANTIATE_TEST_SUITE_P(Modes, Analyze, ::testing::Values(Mode::fast, Mode::raw, Mode::podofo),
                         [](const ::testing::TestParamInfo<Mode>& p) {
                             return p.param == Mode::fast ? "fast" : p.param == Mode::raw ? "raw" : "podofo";
                         });

TEST_P(Analyze, PortraitA4) {
    const Info info = run("a4_portrait.pdf");
    EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;
    EXPECT_EQ(info.version, "1.4");
    EXPECT_FALSE(info.encrypted);
    EXPECT_FALSE(info.needs_password);
    EXPECT_EQ(info.declared_page_count, 1);
    EXPECT_EQ(info.bytes, fs::file_size(fixture("a4_portrait.pdf")));
    ASSERT_EQ(info.pages.size(), 1U);
    const Page& p = info.pages[0];
    EXPECT_EQ(p.number, 1);
    EXPECT_TRUE(p.ok);
    EXPECT_TRUE(p.error.empty());
    expect_box(p.media, 0, 0, 595, 842);
    expect_box(p.crop, 0, 0, 595, 842);
    EXPECT_EQ(p.rotate, 0);
    EXPECT_DOUBLE_EQ(p.width_pt(), 595);
    EXPECT_DOUBLE_EQ(p.height_pt(), 842);
    EXPECT_TRUE(info.fonts_not_embedded.empty());  // Helvetica is one of the standard 14
}

TEST_P(Analyze, LandscapeA4) {
    const Info info = run("a4_landscape.pdf");
    ASSERT_EQ(info.pages.size(), 1U);
    EXPECT_DOUBLE_EQ(info.pages[0].width_pt(), 842);
    EXPECT_DOUBLE_EQ(info.pages[0].height_pt(), 595);
}

TEST_P(Analyze, Slides) {
    const Info info = run("slides_16x9.pdf");
    EXPECT_EQ(info.damage, Damage::none);
    ASSERT_EQ(info.pages.size(), 3U);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(info.pages[i].number, i + 1);
        expect_box(info.pages[i].crop, 0, 0, 960, 540);
    }
}

TEST_P(Analyze, InheritsBoxesRotateFromAncestors) {
    const Info info = run("inherited.pdf");
    EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;
    ASSERT_EQ(info.pages.size(), 3U);
    // Page 1: MediaBox and Rotate from the root, CropBox from the middle node.
    expect_box(info.pages[0].media, 0, 0, 595, 842);
    expect_box(info.pages[0].crop, 0, 0, 595, 421);
    EXPECT_EQ(info.pages[0].rotate, 90);
    EXPECT_DOUBLE_EQ(info.pages[0].width_pt(), 421);
    EXPECT_DOUBLE_EQ(info.pages[0].height_pt(), 595);
    // Page 2: its own MediaBox (Letter) and Rotate 0; the inherited CropBox is clipped to it.
    expect_box(info.pages[1].media, 0, 0, 612, 792);
    expect_box(info.pages[1].crop, 0, 0, 595, 421);
    EXPECT_EQ(info.pages[1].rotate, 0);
    // Page 3 sits under the root only.
    expect_box(info.pages[2].crop, 0, 0, 595, 842);
    EXPECT_EQ(info.pages[2].rotate, 90);
}

TEST_P(Analyze, NormalisesRotate) {
    // /Rotate 450, -90, 90.0, 45, 180, -450
    const Info info = run("rotate.pdf");
    ASSERT_EQ(info.pages.size(), 6U);
    const int expected[] = {90, 270, 90, 0, 180, 270};
    for (std::size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(info.pages[i].rotate, expected[i]) << "page " << i + 1;
    }
    EXPECT_DOUBLE_EQ(info.pages[0].width_pt(), 842);
}

TEST_P(Analyze, ClipsCropBoxToMediaBox) {
    const Info info = run("cropbox_larger.pdf");
    ASSERT_EQ(info.pages.size(), 1U);
    expect_box(info.pages[0].crop, 0, 0, 595, 842);
}

TEST_P(Analyze, CropBoxDecidesTheShape) {
    const Info info = run("cropbox_landscape.pdf");
    ASSERT_EQ(info.pages.size(), 1U);
    expect_box(info.pages[0].media, 0, 0, 595, 842);
    expect_box(info.pages[0].crop, 0, 200, 595, 620);
    EXPECT_GT(info.pages[0].width_pt(), info.pages[0].height_pt());
}

TEST_P(Analyze, NormalisesReversedBox) {
    const Info info = run("box_reversed.pdf");
    ASSERT_EQ(info.pages.size(), 1U);
    expect_box(info.pages[0].media, 0, 0, 595, 842);
}

TEST_P(Analyze, DoesNotTrustCount) {
    const Info info = run("count_lies.pdf");
    EXPECT_EQ(info.damage, Damage::none);
    EXPECT_EQ(info.declared_page_count, 1000);
    EXPECT_EQ(info.pages.size(), 3U);
}

TEST_P(Analyze, MissingAndNullKidsBreakTheTree) {
    const Info info = run("null_kid.pdf");
    EXPECT_EQ(info.damage, Damage::page_tree);
    EXPECT_NE(info.damage_detail.find("99 0 R"), std::string::npos) << info.damage_detail;
    ASSERT_EQ(info.pages.size(), 2U);  // the two real pages
    EXPECT_TRUE(info.pages[0].ok);
    EXPECT_TRUE(info.pages[1].ok);
}

TEST_P(Analyze, DetectsKidsCycle) {
    const Info info = run("kids_cycle.pdf");
    EXPECT_EQ(info.damage, Damage::page_tree);
    EXPECT_NE(info.damage_detail.find("cycle"), std::string::npos) << info.damage_detail;
    EXPECT_EQ(info.pages.size(), 2U);
}

TEST_P(Analyze, RepeatedLeafPageCountsTwice) {
    // Like poppler, pdfium and qpdf; only a repeated /Pages node is a broken tree.
    const Info info = run("repeated_page.pdf");
    EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;
    EXPECT_EQ(info.pages.size(), 2U);
}

TEST_P(Analyze, NullValuesAreAbsent) {
    const Info info = run("null_boxes.pdf");
    EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;
    ASSERT_EQ(info.pages.size(), 2U);
    // Page 1: /MediaBox null inherits A4; /CropBox 99 0 R (missing) is no CropBox at all.
    expect_box(info.pages[0].media, 0, 0, 595, 842);
    expect_box(info.pages[0].crop, 0, 0, 595, 842);
    // Page 2: /CropBox null and /Rotate null inherit the Pages node's values.
    expect_box(info.pages[1].crop, 0, 0, 595, 421);
    EXPECT_EQ(info.pages[1].rotate, 90);
}

TEST_P(Analyze, PageObjectWithoutEndobjIsRejectedLikePodofo) {
    const Info info = run("page_no_endobj.pdf");
    EXPECT_EQ(info.damage, Damage::page_tree);
    EXPECT_NE(info.damage_detail.find("4 0 R"), std::string::npos) << info.damage_detail;
    EXPECT_EQ(info.pages.size(), 1U);
}

TEST_P(Analyze, LimitsTreeDepth) {
    const Info info = run("deep_tree.pdf");
    EXPECT_EQ(info.damage, Damage::page_tree);
    EXPECT_NE(info.damage_detail.find("deeper"), std::string::npos) << info.damage_detail;
}

TEST_P(Analyze, ResolvesIndirectBoxElements) {
    const Info info = run("mediabox_indirect.pdf");
    EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;
    ASSERT_EQ(info.pages.size(), 2U);
    expect_box(info.pages[0].media, 0, 0, 595, 842);
    expect_box(info.pages[1].media, 0, 0, 842, 595);
    EXPECT_EQ(info.pages[1].rotate, 90);  // /Rotate 8 0 R
}

TEST_P(Analyze, ThreeElementBoxFailsOnlyItsPage) {
    const Info info = run("mediabox_3elem.pdf");
    EXPECT_EQ(info.damage, Damage::bad_pages);
    ASSERT_EQ(info.pages.size(), 2U);
    EXPECT_FALSE(info.pages[0].ok);
    EXPECT_NE(info.pages[0].error.find("3 elements"), std::string::npos) << info.pages[0].error;
    EXPECT_TRUE(info.pages[1].ok);
    expect_box(info.pages[1].media, 0, 0, 595, 842);
}

TEST_P(Analyze, NoMediaBoxIsAPageError) {
    const Info info = run("no_mediabox.pdf");
    EXPECT_EQ(info.damage, Damage::bad_pages);
    ASSERT_EQ(info.pages.size(), 1U);
    EXPECT_FALSE(info.pages[0].ok);
    EXPECT_EQ(info.pages[0].error, "no MediaBox");
}

TEST_P(Analyze, Versions) {
    EXPECT_EQ(run("version_2_0.pdf").version, "2.0");
    EXPECT_EQ(run("version_catalog.pdf").version, "1.7");  // catalogue /Version above the header's 1.4
}

TEST_P(Analyze, FontsNotEmbedded) {
    const Info info = run("fonts.pdf");
    EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;
    EXPECT_EQ(info.pages.size(), 3U);
    std::map<std::string, int> fonts;
    for (const Font& f : info.fonts_not_embedded) {
        EXPECT_TRUE(fonts.emplace(f.name, f.first_page).second) << "reported twice: " << f.name;
    }
    const std::map<std::string, int> expected = {
        {"Calibri", 1},   // TrueType, FontDescriptor without a font file
        {"Verdana", 1},   // subset prefix stripped
        {"MSGothic", 1},  // Type0 whose descendant is not embedded
        {"Arial", 1},     // an alias of Helvetica: not one of the standard 14 here
        {"Georgia", 2},   // first used on page 2
        {"Tahoma", 3},    // inherited /Resources of the Pages node
    };
    EXPECT_EQ(fonts, expected);
    // Not reported: Helvetica, Times-Bold, ABCDEF+Courier (standard 14), QRSTUV+EmbeddedSans
    // (FontFile2), EmbeddedCFF (FontFile3), GHIJKL+NotoSans (Type0, embedded), a Type3 font.
}

TEST_P(Analyze, ObjectStreams) {
    const Info info = run("objstm.pdf");
    EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;
    EXPECT_EQ(info.version, "1.5");
    ASSERT_EQ(info.pages.size(), 3U);
    expect_box(info.pages[2].crop, 0, 0, 960, 540);
}

TEST_P(Analyze, TruncatedFileHasNoEof) {
    const Info info = run("truncated.pdf");
    EXPECT_EQ(info.damage, Damage::no_eof);
    EXPECT_TRUE(info.pages.empty());
}

TEST_P(Analyze, LargeTruncatedFileIsAnsweredWithoutPodofo) {
    // 20 MB without %%EOF; PoDoFo alone would seek backwards a byte at a time.
    TempDir dir;
    const fs::path big = dir.path() / "big.pdf";
    {
        std::ofstream out(big, std::ios::binary);
        out << "%PDF-1.4\n1 0 obj\n<< /Length 20000000 >>\nstream\n";
        const std::string chunk(1 << 20, 'x');
        for (int i = 0; i < 20; ++i) out << chunk;
    }
    const Info info = run_path(big);
    EXPECT_EQ(info.damage, Damage::no_eof);
    EXPECT_EQ(info.bytes, fs::file_size(big));
}

TEST_P(Analyze, LeadingJunkIsReportedAndSkipped) {
    const Info info = run("leading_junk.pdf");
    EXPECT_EQ(info.damage, Damage::leading_bytes);
    EXPECT_EQ(info.damage_detail, "12 bytes");
    ASSERT_EQ(info.pages.size(), 1U);  // analysed from the header on
    EXPECT_TRUE(info.pages[0].ok);
}

TEST_P(Analyze, ByteOrderMarkCountsAsLeadingBytes) {
    const Info info = run("bom.pdf");
    EXPECT_EQ(info.damage, Damage::leading_bytes);
    EXPECT_EQ(info.damage_detail, "3 bytes");
    EXPECT_EQ(info.pages.size(), 1U);
}

TEST_P(Analyze, NotAPdf) {
    EXPECT_EQ(run("junk_only.pdf").damage, Damage::not_pdf);
    const Info empty = run("zero_bytes.pdf");
    EXPECT_EQ(empty.damage, Damage::not_pdf);
    EXPECT_EQ(empty.bytes, 0U);
}

TEST_P(Analyze, UnreadablePaths) {
    TempDir dir;
    EXPECT_EQ(run_path(dir.path() / "missing.pdf").damage, Damage::load_failed);
    EXPECT_EQ(run_path(dir.path()).damage, Damage::load_failed);  // a directory
    const fs::path fifo = dir.path() / "fifo.pdf";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const Info info = run_path(fifo);  // must not block waiting for a writer
    EXPECT_EQ(info.damage, Damage::load_failed);
    EXPECT_EQ(info.damage_detail, "not a regular file");
}

TEST_P(Analyze, NoPages) {
    const Info info = run("empty_pages.pdf");
    EXPECT_EQ(info.damage, Damage::none);
    EXPECT_EQ(info.declared_page_count, 0);
    EXPECT_TRUE(info.pages.empty());

    const Info no_root = run("no_pages_root.pdf");
    EXPECT_EQ(no_root.damage, Damage::page_tree);
    EXPECT_TRUE(no_root.pages.empty());
}

TEST_P(Analyze, Rc4WithEmptyUserPasswordOpens) {
    const Info info = run("enc_rc4_40.pdf");
    EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;
    EXPECT_TRUE(info.encrypted);
    EXPECT_FALSE(info.needs_password);
    EXPECT_EQ(info.encryption, "RC4 40-bit");
    ASSERT_EQ(info.pages.size(), 1U);
    expect_box(info.pages[0].media, 0, 0, 595, 842);
}

TEST_P(Analyze, UserPasswordIsNeeded) {
    const Info info = run("enc_rc4_128_user.pdf");
    EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;  // not damage
    EXPECT_TRUE(info.encrypted);
    EXPECT_TRUE(info.needs_password);
    EXPECT_EQ(info.encryption, "RC4 128-bit");
    EXPECT_TRUE(info.pages.empty());
}

TEST_P(Analyze, Aes) {
    const Info aes128 = run("enc_aes128.pdf");
    EXPECT_EQ(aes128.damage, Damage::none) << aes128.damage_detail;
    EXPECT_TRUE(aes128.encrypted);
    EXPECT_FALSE(aes128.needs_password);
    EXPECT_EQ(aes128.encryption, "AES-128");
    EXPECT_EQ(aes128.pages.size(), 1U);

    const Info aes256 = run("enc_aes256.pdf");
    EXPECT_EQ(aes256.damage, Damage::none) << aes256.damage_detail;
    EXPECT_TRUE(aes256.encrypted);
    EXPECT_EQ(aes256.encryption, "AES-256");
    EXPECT_EQ(aes256.pages.size(), 1U);
}

TEST_P(Analyze, EncryptionDictionariesThatCrashPodofoAreNotLoaded) {
    // Both make PoDoFo 0.9.8 dereference a null pointer; analyze() must not crash.
    const Info empty_id = run("enc_empty_id.pdf");
    EXPECT_EQ(empty_id.damage, Damage::load_failed);
    EXPECT_EQ(empty_id.damage_detail, "InvalidEncryptionDict: empty /ID array");
    EXPECT_TRUE(empty_id.encrypted);

    const Info no_perms = run("enc_aes256_no_perms.pdf");
    EXPECT_EQ(no_perms.damage, Damage::load_failed);
    EXPECT_EQ(no_perms.damage_detail, "InvalidEncryptionDict: AES-256 encryption dictionary without /Perms");
    EXPECT_TRUE(no_perms.encrypted);
}

TEST_P(Analyze, ContentStreamsAreNeverInflated) {
    // Its page content inflates to 1 GiB; analysing must not touch it.
    const Info info = run("bomb_content.pdf");
    EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;
    EXPECT_EQ(info.pages.size(), 1U);
}

// The three modes agree on every fixture (except the object-stream bomb, which
// PoDoFo inflates at load).
TEST(AnalyzeModes, AllModesMatchPodofo) {
    for (const auto& entry : fs::directory_iterator(fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures" / "pdf")) {
        if (entry.path().extension() != ".pdf" || entry.path().filename() == "bomb_objstm.pdf" ||
            entry.path().filename() == "bomb_objstm_pages.pdf") {
            continue;
        }
        const Info fast = detail::analyze_with(entry.path(), options_for(Mode::fast));
        const Info raw = detail::analyze_with(entry.path(), options_for(Mode::raw));
        const Info podofo = detail::analyze_with(entry.path(), options_for(Mode::podofo));
        EXPECT_EQ(to_json(raw), to_json(podofo)) << entry.path().filename();
        EXPECT_EQ(to_json(fast), to_json(podofo)) << entry.path().filename();
    }
}

TEST_P(Analyze, IncrementalUpdateNewestEntryWins) {
    const Info info = run("xref_incremental.pdf");
    EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;
    EXPECT_EQ(info.declared_page_count, 3);
    ASSERT_EQ(info.pages.size(), 3U);
    expect_box(info.pages[0].media, 0, 0, 595, 842);
    expect_box(info.pages[1].media, 0, 0, 842, 595);
    expect_box(info.pages[2].media, 0, 0, 100, 200);
}

TEST_P(Analyze, XrefStreamsWithPredictorsIndexAndUpdate) {
    const Info info = run("xrefstm_predictor.pdf");
    EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;
    EXPECT_EQ(info.version, "1.5");
    ASSERT_EQ(info.pages.size(), 3U);
    expect_box(info.pages[0].media, 0, 0, 595, 842);
    expect_box(info.pages[1].media, 0, 0, 960, 540);  // replaced by the update
    EXPECT_EQ(info.pages[1].rotate, 0);
    expect_box(info.pages[2].crop, 0, 0, 300, 300);
}

TEST_P(Analyze, HostileObjectStreamsNeverCrash) {
    for (const char* name : {"objstm_bad_n.pdf", "objstm_bad_offset.pdf", "objstm_bad_first.pdf"}) {
        const Info info = run(name);
        EXPECT_NE(info.damage, Damage::internal) << name << ": " << info.damage_detail;
    }
}

TEST_P(Analyze, UnneededObjectStreamBombIsNeverInflatedByTheFastPath) {
    if (GetParam() != Mode::fast) GTEST_SKIP() << "PoDoFo inflates every object stream at load";
    const Info info = run("bomb_objstm.pdf");
    EXPECT_EQ(info.damage, Damage::none) << info.damage_detail;
    EXPECT_EQ(info.pages.size(), 1U);
}

detail::ReadOptions fast_only() { return {.fast_only = true}; }

// These must be answered by our own xref reader alone (no PoDoFo fallback).
TEST(FastXref, AnswersWithoutPodofo) {
    for (const char* name : {"a4_portrait.pdf", "fonts.pdf", "inherited.pdf", "objstm.pdf", "xref_incremental.pdf",
                             "xrefstm_predictor.pdf", "mediabox_indirect.pdf", "rotate.pdf", "bomb_objstm.pdf",
                             "leading_junk.pdf", "version_catalog.pdf"}) {
        const Info info = detail::analyze_with(fixture(name), fast_only());
        EXPECT_NE(info.damage, Damage::internal) << name << ": " << info.damage_detail;
        if (std::string_view(name) != "bomb_objstm.pdf") {  // PoDoFo would inflate 1 GiB
            EXPECT_EQ(to_json(info), to_json(detail::analyze_with(fixture(name), options_for(Mode::podofo)))) << name;
        }
    }
}

// Encrypted, damaged and hostile files are left to PoDoFo.
TEST(FastXref, GivesUpOnWhatItDoesNotHandle) {
    for (const char* name :
         {"enc_rc4_40.pdf", "enc_aes128.pdf", "objstm_bad_n.pdf", "objstm_bad_offset.pdf", "objstm_bad_first.pdf",
          "bomb_objstm_pages.pdf", "null_kid.pdf", "kids_cycle.pdf", "page_no_endobj.pdf"}) {
        const Info info = detail::analyze_with(fixture(name), fast_only());
        EXPECT_EQ(info.damage, Damage::internal) << name;
        EXPECT_TRUE(info.damage_detail.starts_with("fast path: ")) << name << ": " << info.damage_detail;
    }
}

// A single-Flate object stream holding the page tree that inflates past the
// per-stream cap: the fast path stops at the cap instead of inflating it all.
TEST(FastXref, InflationIsCapped) {
    TempDir dir;
    const fs::path file = dir.path() / "cap.pdf";
    std::string raw = "2 0 3 60 ";
    const std::size_t first = raw.size();
    std::string objs = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
    objs.resize(60, ' ');
    objs += "<< /Type /Page /MediaBox [0 0 595 842] >>";
    raw += objs;
    std::string packed;
    {
        z_stream z{};
        ASSERT_EQ(deflateInit(&z, 9), Z_OK);
        std::string out(1 << 20, '\0');
        const std::string zeros(1 << 20, ' ');
        auto pump = [&](const std::string& in, int flush) {
            z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
            z.avail_in = static_cast<uInt>(in.size());
            do {
                z.next_out = reinterpret_cast<Bytef*>(out.data());
                z.avail_out = static_cast<uInt>(out.size());
                deflate(&z, flush);
                packed.append(out.data(), out.size() - z.avail_out);
            } while (z.avail_out == 0);
        };
        pump(raw, Z_NO_FLUSH);
        for (int i = 0; i < 80; ++i) pump(zeros, Z_NO_FLUSH);  // 80 MiB of white space
        pump(std::string(), Z_FINISH);
        deflateEnd(&z);
    }
    std::string pdf = "%PDF-1.5\n";
    const std::size_t o1 = pdf.size();
    pdf += "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n";
    const std::size_t o4 = pdf.size();
    pdf += "4 0 obj\n<< /Type /ObjStm /N 2 /First " + std::to_string(first) + " /Filter /FlateDecode /Length " +
           std::to_string(packed.size()) + " >>\nstream\n" + packed + "\nendstream\nendobj\n";
    // An uncompressed xref stream (object 5), /W [1 4 2].
    const std::size_t o5 = pdf.size();
    std::string rows;
    auto row = [&](int type, std::size_t f2, int f3) {
        rows += static_cast<char>(type);
        for (int shift = 24; shift >= 0; shift -= 8) rows += static_cast<char>((f2 >> shift) & 0xff);
        rows += static_cast<char>((f3 >> 8) & 0xff);
        rows += static_cast<char>(f3 & 0xff);
    };
    row(0, 0, 65535);
    row(1, o1, 0);
    row(2, 4, 0);
    row(2, 4, 1);
    row(1, o4, 0);
    row(1, o5, 0);
    pdf += "5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length " + std::to_string(rows.size()) +
           " >>\nstream\n" + rows + "\nendstream\nendobj\nstartxref\n" + std::to_string(o5) + "\n%%EOF\n";
    std::ofstream(file, std::ios::binary) << pdf;
    const Info info = detail::analyze_with(file, fast_only());
    EXPECT_EQ(info.damage, Damage::internal);
    EXPECT_EQ(info.damage_detail, "fast path: inflated stream over the size cap");
}

TEST(AnalyzeModes, PublicAnalyzeIsTheRawReader) {
    const Info a = analyze(fixture("fonts.pdf"));
    const Info b = detail::analyze_with(fixture("fonts.pdf"), {});
    EXPECT_EQ(to_json(a), to_json(b));
}

}  // namespace
}  // namespace preflight::pdf
