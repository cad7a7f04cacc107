#include "tests/check_harness.hpp"

#include "pdf/pdf_info.hpp"
#include "tests/pdf_writer.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

using namespace preflight;
using namespace preflight::testing;

namespace {

Document with(std::uint8_t active) {
    auto d = doc("brev.pdf");
    d.pdf->active_content = active;
    return d;
}

constexpr auto kJs = static_cast<std::uint8_t>(pdf::Active::javascript);
constexpr auto kFiles = static_cast<std::uint8_t>(pdf::Active::embedded_files);
constexpr auto kXfa = static_cast<std::uint8_t>(pdf::Active::xfa_form);

// A one-page PDF whose catalogue has `catalog_extra`, with `objects` from number 4 on.
std::string one_page(const std::string& catalog_extra, const std::vector<std::string>& objects) {
    std::vector<std::string> all = {"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + " >>",
                                    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.276 841.89] >>"};
    all.insert(all.end(), objects.begin(), objects.end());
    return objects_pdf(all, "1.7");
}

}  // namespace

TEST(PdfActiveContent, APlainPdfPasses) {
    EXPECT_TRUE(run_check("pdf-active-content", post_with({with(0)}), channel(Channel::dpi)).empty());
}

TEST(PdfActiveContent, EachKindIsNamedAndWarnsThroughDpiAndPrint) {
    for (const Channel c : {Channel::dpi, Channel::print, Channel::general}) {
        const auto f = run_check("pdf-active-content", post_with({with(kJs | kFiles | kXfa)}), channel(c));
        ASSERT_EQ(f.size(), 3U) << to_string(c);
        EXPECT_EQ(f[0].message_id, "DP308.javascript");
        EXPECT_EQ(f[1].message_id, "DP308.embedded-files");
        EXPECT_EQ(f[2].message_id, "DP308.xfa-form");
        for (const auto& x : f) {
            EXPECT_EQ(x.severity, Severity::warn);
            EXPECT_EQ(x.document, "brev.pdf");
        }
    }
}

TEST(PdfActiveContent, InfoBetweenOrganisationsAndByEmail) {
    for (const Channel c : {Channel::dpo, Channel::email}) {
        const auto f = run_check("pdf-active-content", post_with({with(kJs)}), channel(c));
        ASSERT_EQ(f.size(), 1U);
        EXPECT_EQ(f[0].severity, Severity::info);
    }
}

TEST(PdfActiveContent, ADamagedPdfIsLeftToPdfDamaged) {
    auto d = with(kJs);
    d.pdf->damage = pdf::Damage::load_failed;
    EXPECT_TRUE(run_check("pdf-active-content", post_with({d}), channel(Channel::dpi)).empty());
}

// The fact itself, read from the document catalogue of real files.
TEST(PdfActiveContent, TheAnalysisFindsEachInTheCatalogue) {
    const auto dir = std::filesystem::temp_directory_path() / "preflight-active-content";
    std::filesystem::create_directories(dir);
    const auto active = [&](const std::string& catalog_extra, const std::vector<std::string>& objects = {}) {
        const auto path = dir / "a.pdf";
        std::ofstream(path, std::ios::binary | std::ios::trunc) << one_page(catalog_extra, objects);
        const pdf::Info info = pdf::analyze(path);
        EXPECT_EQ(info.damage, pdf::Damage::none) << catalog_extra;
        return static_cast<int>(info.active_content);
    };
    EXPECT_EQ(active(""), 0);
    EXPECT_EQ(active("/Names << /JavaScript 4 0 R >>", {"<< /Names [] >>"}), kJs);
    EXPECT_EQ(active("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), kJs);
    EXPECT_EQ(active("/AA << /WC 4 0 R >>", {"<< /S /JavaScript /JS () >>"}), kJs);
    EXPECT_EQ(active("/Names 4 0 R", {"<< /EmbeddedFiles << /Names [] >> >>"}), kFiles);
    EXPECT_EQ(active("/AcroForm << /Fields [] /XFA 4 0 R >>", {"<< /Length 0 >>\nstream\n\nendstream"}), kXfa);
    // A /Names dictionary with destinations only, a JavaScript entry that is null, and
    // an /OpenAction that only goes to a page are nothing.
    EXPECT_EQ(active("/Names << /Dests << /Names [] >> /JavaScript null >> /OpenAction [3 0 R /Fit]"), 0);
    std::filesystem::remove_all(dir);
}
