// pdf::extract_text() and the personal-identifier scan of analyze() and
// analyze_sandboxed(): decoding per font type, separators, limits, and isolation
// of the scan in the sandboxed child.
#include "pdf/text.hpp"
#include "base/error.hpp"

#include "base/identifiers.hpp"
#include "base/idscan.hpp"
#include "pdf/detail.hpp"
#include "pdf/pdf_info.hpp"
#include "pdf/serialize.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace preflight::pdf {
namespace {

namespace fs = std::filesystem;

constexpr const char* fnr = "29129319060";
constexpr const char* dnr = "41018010001";

fs::path fixture(const std::string& name) { return fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures" / "pdf" / name; }

std::size_t count(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) {
        ++n;
    }
    return n;
}

std::string all_text(const TextExtraction& t) {
    std::string out;
    for (const PageText& p : t.pages) {
        out += p.text + "\n";
    }
    return out;
}

// "page:id" for each hit: compact to compare.
std::vector<std::string> hits(const Info& info) {
    std::vector<std::string> out;
    for (const PersonIdHit& h : info.person_ids) {
        out.push_back(std::to_string(h.page) + ":" + h.id);
    }
    return out;
}

using V = std::vector<std::string>;

AnalyzeOptions scan() { return AnalyzeOptions{.find_person_ids = true}; }

// The analysis without the text scan's fields.
nlohmann::json structure(const Info& info) {
    nlohmann::json j = to_json(info);
    j.erase("text_scan");
    j.erase("text_scan_detail");
    j.erase("person_ids");
    return j;
}

TEST(PdfText, WinAnsiSeparatorsAndPages) {
    const TextExtraction t = extract_text(fixture("text_fnr_winansi.pdf"));
    ASSERT_TRUE(t.error.empty()) << t.error;
    EXPECT_TRUE(t.complete());
    ASSERT_EQ(t.pages.size(), 2U);
    EXPECT_EQ(t.pages[0].page, 1);
    EXPECT_EQ(t.pages[1].page, 2);
    // T*, ' and " start lines; a TJ gap of -250 is a space; æøå through WinAnsi.
    EXPECT_EQ(t.pages[0].text, "Vedtak om tilskudd\nSak 2024/01234\nLinje to: Ærlig, Øya, Åse\nLinje tre");
    const std::string& p2 = t.pages[1].text;
    // Split across two content streams between an operand and its operator, then
    // across a TJ array with small kerning.
    EXPECT_NE(p2.find("Side 2\nFødselsnummer: 29129319060\n"), std::string::npos) << p2;
    // Glyph by glyph with Td, then with one BT/ET and Tm per glyph: still one number.
    EXPECT_NE(p2.find("Glyf for glyf:\n29129319060\nTm per glyf:\n29129319060"), std::string::npos) << p2;
    EXPECT_EQ(t.pages[0].text.find(fnr), std::string::npos);
}

TEST(PdfText, Type0IdentityHNeedsTheToUnicodeCMap) {
    const TextExtraction t = extract_text(fixture("text_fnr_type0.pdf"));
    ASSERT_TRUE(t.complete()) << t.error;
    ASSERT_EQ(t.pages.size(), 1U);
    // bfchar, bfrange, bfrange with an array, a ligature (two code points) and a
    // surrogate pair (U+1F600).
    EXPECT_EQ(t.pages[0].text, "Fødselsnummer: 291293 19060\nKopi til 29129319060 ABC\nprofil \xf0\x9f\x98\x80");
}

TEST(PdfText, FormXObjectsNestedAndSelfDrawing) {
    const TextExtraction t = extract_text(fixture("text_fnr_xobject.pdf"));
    ASSERT_TRUE(t.complete()) << t.error;
    ASSERT_EQ(t.pages.size(), 1U);
    const std::string& text = t.pages[0].text;
    EXPECT_NE(text.find("Brev uten nummer i sideinnholdet\n"), std::string::npos) << text;
    EXPECT_NE(text.find("Personnummer: 29129319060"), std::string::npos) << text;
    EXPECT_EQ(count(text, "Sirkel"), 1U) << text;  // the form that draws itself is entered once

    TextLimits shallow;
    shallow.max_form_depth = 1;  // Outer (depth 1) may run, Inner (depth 2) may not
    const TextExtraction cut = extract_text(fixture("text_fnr_xobject.pdf"), shallow);
    ASSERT_EQ(cut.pages.size(), 1U);
    EXPECT_EQ(cut.pages[0].text.find("Personnummer"), std::string::npos);
    EXPECT_NE(cut.pages[0].error.find("nested deeper than 1"), std::string::npos) << cut.pages[0].error;
    EXPECT_FALSE(cut.complete());
}

TEST(PdfText, AnnotationsFieldValuesAndAppearances) {
    const TextExtraction t = extract_text(fixture("text_fnr_annot.pdf"));
    ASSERT_TRUE(t.complete()) << t.error;
    ASSERT_EQ(t.pages.size(), 1U);
    const std::string& text = t.pages[0].text;
    EXPECT_NE(text.find("Skjema\n"), std::string::npos) << text;
    EXPECT_NE(text.find(dnr), std::string::npos) << text;
    // A comb field draws one digit per box; its value is one number.
    EXPECT_NE(text.find(fnr), std::string::npos) << text;
    EXPECT_NE(text.find("Tom rute"), std::string::npos) << text;  // the /AS state
    EXPECT_EQ(text.find("Avkrysset"), std::string::npos) << text;
    EXPECT_EQ(text.find("Skjult"), std::string::npos) << text;  // a hidden annotation
}

TEST(PdfText, NoIdentifierWhereThereIsNone) {
    const TextExtraction t = extract_text(fixture("text_no_fnr.pdf"));
    ASSERT_TRUE(t.complete()) << t.error;
    ASSERT_EQ(t.pages.size(), 1U);
    const std::string& text = t.pages[0].text;
    EXPECT_NE(text.find("Feil kontrollsiffer: 29129319061"), std::string::npos) << text;
    EXPECT_NE(text.find("Stor avstand: 2912931 9060"), std::string::npos) << text;  // TJ -800
    EXPECT_NE(text.find("29129 319060"), std::string::npos) << text;                // two table cells
    EXPECT_TRUE(ident::find_person_ids(text).empty()) << text;
}

TEST(PdfText, EncryptedAndObjectStreamsGiveTheSameText) {
    const std::string plain = all_text(extract_text(fixture("text_fnr_winansi.pdf")));
    for (const char* name : {"text_fnr_aes128.pdf", "text_fnr_objstm.pdf"}) {
        const TextExtraction t = extract_text(fixture(name));
        EXPECT_TRUE(t.complete()) << name << ": " << t.error;
        EXPECT_EQ(all_text(t), plain) << name;
    }
    const TextExtraction locked = extract_text(fixture("text_fnr_user_pw.pdf"));
    EXPECT_TRUE(locked.needs_password);
    EXPECT_FALSE(locked.error.empty());
    EXPECT_TRUE(locked.pages.empty());
}

TEST(PdfText, UnreadableFilesAreErrorsNotExceptions) {
    for (const char* name : {"zero_bytes.pdf", "junk_only.pdf", "truncated.pdf", "enc_empty_id.pdf",
                             "enc_aes256_no_perms.pdf", "no_pages_root.pdf", "does-not-exist.pdf"}) {
        const TextExtraction t = extract_text(fixture(name));
        EXPECT_FALSE(t.error.empty()) << name;
        EXPECT_TRUE(t.pages.empty()) << name;
        EXPECT_FALSE(t.complete()) << name;
    }
}

TEST(PdfText, PageNumbersFollowTheAnalysis) {
    for (const char* name : {"inherited.pdf", "kids_cycle.pdf", "null_kid.pdf", "repeated_page.pdf", "deep_tree.pdf",
                             "fonts.pdf", "xref_incremental.pdf", "page_no_endobj.pdf"}) {
        const Info info = analyze(fixture(name));
        const TextExtraction t = extract_text(fixture(name));
        ASSERT_EQ(t.pages.size(), info.pages.size()) << name;
        for (std::size_t i = 0; i < t.pages.size(); ++i) {
            EXPECT_EQ(t.pages[i].page, info.pages[i].number) << name;
        }
    }
}

TEST(PdfText, TextLimitStopsExtraction) {
    TextLimits tiny;
    tiny.max_text_bytes = 60;
    const TextExtraction t = extract_text(fixture("text_fnr_winansi.pdf"), tiny);
    EXPECT_TRUE(t.error.empty());
    EXPECT_TRUE(t.truncated);
    EXPECT_NE(t.truncated_why.find("text limit"), std::string::npos) << t.truncated_why;
    std::size_t total = 0;
    for (const PageText& p : t.pages) {
        total += p.text.size();
    }
    EXPECT_LE(total, 60U);
    EXPECT_FALSE(t.complete());

    TextLimits little_work;
    little_work.max_content_bytes = 100;
    const TextExtraction w = extract_text(fixture("text_fnr_winansi.pdf"), little_work);
    EXPECT_TRUE(w.truncated);
    EXPECT_NE(w.truncated_why.find("content limit"), std::string::npos) << w.truncated_why;
}

TEST(PdfText, DecompressionBombIsReadUpToTheStreamCap) {
    TextLimits small;
    small.max_stream_bytes = 1 << 20;
    const auto start = std::chrono::steady_clock::now();
    const TextExtraction t = extract_text(fixture("bomb_content.pdf"), small);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    ASSERT_EQ(t.pages.size(), 1U);
    EXPECT_NE(t.pages[0].error.find("larger than 1 MiB"), std::string::npos) << t.pages[0].error;
    EXPECT_FALSE(t.complete());
}

TEST(PdfText, AnalyzeFindsTheIdentifiersAndTheirPages) {
    struct Case {
        const char* file;
        V expected;
    };
    for (const Case& c :
         {Case{"text_fnr_winansi.pdf", {"2:29129319060"}}, Case{"text_fnr_type0.pdf", {"1:29129319060"}},
          Case{"text_fnr_xobject.pdf", {"1:29129319060"}},
          Case{"text_fnr_annot.pdf", {"1:41018010001", "1:29129319060"}},
          Case{"text_fnr_aes128.pdf", {"2:29129319060"}}, Case{"text_fnr_objstm.pdf", {"2:29129319060"}},
          Case{"text_fnr_short_length.pdf", {"1:29129319060"}}, Case{"text_no_fnr.pdf", {}}}) {
        const Info info = analyze(fixture(c.file), scan());
        EXPECT_EQ(info.damage, Damage::none) << c.file;
        EXPECT_EQ(info.text_scan, TextScan::complete) << c.file << ": " << info.text_scan_detail;
        EXPECT_EQ(hits(info), c.expected) << c.file;
    }
    // Not asked: nothing scanned.
    const Info plain = analyze(fixture("text_fnr_winansi.pdf"));
    EXPECT_EQ(plain.text_scan, TextScan::not_requested);
    EXPECT_TRUE(plain.person_ids.empty());
    // A password: the analysis says so, the scan failed.
    const Info locked = analyze(fixture("text_fnr_user_pw.pdf"), scan());
    EXPECT_TRUE(locked.needs_password);
    EXPECT_EQ(locked.text_scan, TextScan::failed);
    EXPECT_TRUE(locked.person_ids.empty());
    // A page that could not be read completely: partial.
    const Info bomb = analyze(fixture("bomb_content.pdf"), scan());
    EXPECT_EQ(bomb.text_scan, TextScan::partial);
    EXPECT_NE(bomb.text_scan_detail.find("page 1"), std::string::npos) << bomb.text_scan_detail;
}

// A one-page PDF with `lines` in Helvetica (ASCII only), written to `file`.
void write_text_pdf(const fs::path& file, const std::vector<std::string>& lines) {
    std::string content = "BT /F1 10 Tf 12 TL 40 800 Td";
    for (const std::string& line : lines) {
        content += " (" + line + ") Tj T*";
    }
    content += " ET";
    const std::vector<std::string> objects = {
        "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream"};
    std::string pdf = "%PDF-1.4\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(pdf.size());
        pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const std::size_t xref = pdf.size();
    pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (const std::size_t off : offsets) {
        const std::string digits = std::to_string(off);
        pdf += std::string(10 - digits.size(), '0') + digits + " 00000 n \n";
    }
    pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
           std::to_string(xref) + "\n%%EOF\n";
    std::ofstream(file, std::ios::binary) << pdf;
}

TEST(PdfText, HitsAreDistinctAndCapped) {
    // 150 distinct valid fødselsnummer born 1 January 1980, each twice.
    std::vector<std::string> ids;
    for (int n = 0; n < 1000 && ids.size() < 150; ++n) {
        for (int k = 0; k < 100; ++k) {
            const std::string id = fmt::format("010180{:03}{:02}", n, k);
            if (ident::valid_person_id(id)) {
                ids.emplace_back(id);
                break;
            }
        }
    }
    ASSERT_EQ(ids.size(), 150U);
    std::vector<std::string> lines = ids;
    lines.insert(lines.end(), ids.begin(), ids.end());
    const fs::path file = fs::temp_directory_path() / ("preflight_hits_" + std::to_string(::getpid()) + ".pdf");
    write_text_pdf(file, lines);
    const Info info = analyze_sandboxed(file, Limits{}, scan());
    fs::remove(file);
    EXPECT_EQ(info.text_scan, TextScan::complete) << info.text_scan_detail;
    ASSERT_EQ(info.person_ids.size(), max_person_id_hits);
    for (std::size_t i = 0; i < info.person_ids.size(); ++i) {
        EXPECT_EQ(info.person_ids[i].page, 1);
        EXPECT_EQ(info.person_ids[i].id, ids[i]);  // text order, each once
    }
}

TEST(PdfText, SandboxAnswersLikeInProcess) {
    for (const char* name :
         {"text_fnr_winansi.pdf", "text_fnr_type0.pdf", "text_fnr_xobject.pdf", "text_fnr_annot.pdf", "text_no_fnr.pdf",
          "text_fnr_user_pw.pdf", "text_fnr_aes128.pdf", "truncated.pdf", "zero_bytes.pdf"}) {
        const Info in_process = analyze(fixture(name), scan());
        const Info sandboxed = analyze_sandboxed(fixture(name), Limits{}, scan());
        EXPECT_EQ(to_json(sandboxed), to_json(in_process)) << name;
        EXPECT_NE(sandboxed.text_scan, TextScan::not_requested) << name;
    }
    const Info info = analyze_sandboxed(fixture("text_fnr_winansi.pdf"), Limits{}, scan());
    EXPECT_EQ(hits(info), V{"2:29129319060"});
    // Without the option the child scans nothing.
    const Info plain = analyze_sandboxed(fixture("text_fnr_winansi.pdf"), Limits{});
    EXPECT_EQ(plain.text_scan, TextScan::not_requested);
    EXPECT_TRUE(plain.person_ids.empty());
}

// Installs a text-scan hook for one test.
class TextScanHook {
public:
    explicit TextScanHook(detail::SandboxChildHook hook) { detail::set_sandbox_text_scan_hook(hook); }
    ~TextScanHook() { detail::set_sandbox_text_scan_hook(nullptr); }
    TextScanHook(const TextScanHook&) = delete;
    TextScanHook& operator=(const TextScanHook&) = delete;
};

void crash() { ::raise(SIGSEGV); }
void hang() {
    for (;;) {
        ::pause();
    }
}

TEST(PdfText, ACrashDuringTheScanKeepsTheAnalysis) {
    const Info expected = analyze_sandboxed(fixture("text_fnr_winansi.pdf"), Limits{});
    const TextScanHook hook(crash);
    const Info info = analyze_sandboxed(fixture("text_fnr_winansi.pdf"), Limits{}, scan());
    EXPECT_EQ(info.damage, Damage::none);
    EXPECT_EQ(structure(info), structure(expected));
    EXPECT_EQ(info.text_scan, TextScan::failed);
    EXPECT_EQ(info.text_scan_detail, phrase("isolate.signal", {{"signal", "SIGSEGV"}}));
    EXPECT_TRUE(info.person_ids.empty());
}

TEST(PdfText, AHangDuringTheScanKeepsTheAnalysis) {
    Limits limits;
    limits.wall_milliseconds = 1000;
    const TextScanHook hook(hang);
    const auto start = std::chrono::steady_clock::now();
    const Info info = analyze_sandboxed(fixture("text_fnr_winansi.pdf"), limits, scan());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    EXPECT_EQ(info.damage, Damage::none);
    EXPECT_EQ(info.pages.size(), 2U);
    EXPECT_EQ(info.text_scan, TextScan::failed);
    EXPECT_EQ(info.text_scan_detail, phrase("isolate.wall-limit", {{"milliseconds", "1000"}}));
}

// Every fixture through the sandbox with the scan: the analysis is what it is
// without the scan, and the scan always says how it went.
TEST(PdfText, EveryFixtureInTheSandbox) {
    const fs::path dir = fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures" / "pdf";
    std::size_t n = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        const fs::path& file = entry.path();
        const Info plain = analyze_sandboxed(file, Limits{});
        const Info scanned = analyze_sandboxed(file, Limits{}, scan());
        EXPECT_EQ(structure(scanned), structure(plain)) << file.filename();
        EXPECT_NE(scanned.text_scan, TextScan::not_requested) << file.filename();
        if (scanned.text_scan != TextScan::complete) {
            EXPECT_FALSE(scanned.text_scan_detail.empty()) << file.filename();
        }
        if (file.filename().string().starts_with("text_fnr_") && file.filename() != "text_fnr_user_pw.pdf") {
            EXPECT_FALSE(scanned.person_ids.empty()) << file.filename();
        } else {
            EXPECT_TRUE(scanned.person_ids.empty()) << file.filename();
        }
        ++n;
    }
    EXPECT_GT(n, 40U);
}

// The shared corpus of malformed PDFs: the scan never crashes the child or
// changes the analysis.
TEST(PdfText, CorpusInTheSandbox) {
    const fs::path corpus(PREFLIGHT_CORPUS_DIR);
    if (!fs::is_directory(corpus)) {
        GTEST_SKIP() << "no corpus at " << corpus;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
        if (entry.is_regular_file()) {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    const auto start = std::chrono::steady_clock::now();
    std::size_t complete = 0;
    for (const fs::path& file : files) {
        const Info plain = analyze_sandboxed(file, Limits{});
        const Info scanned = analyze_sandboxed(file, Limits{}, scan());
        EXPECT_EQ(structure(scanned), structure(plain)) << file;
        EXPECT_NE(scanned.text_scan, TextScan::not_requested) << file;
        // A crash or a limit in the scanning child shows in the detail.
        const std::string& d = scanned.text_scan_detail;
        EXPECT_TRUE(d.find("SIG") == std::string::npos && d.find("limit of") == std::string::npos &&
                    d.find("exit status") == std::string::npos && d.find("no answer") == std::string::npos)
            << file << ": " << d;
        complete += scanned.text_scan == TextScan::complete ? 1 : 0;
    }
    EXPECT_GT(complete, files.size() / 3);
    RecordProperty("files", static_cast<int>(files.size()));
    RecordProperty(
        "seconds",
        static_cast<int>(
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count()));
}

}  // namespace
}  // namespace preflight::pdf
