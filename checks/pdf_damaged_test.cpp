#include "tests/check_harness.hpp"

using namespace preflight;
using namespace preflight::testing;

TEST(PdfDamaged, HealthyPdfPasses) {
    EXPECT_TRUE(run_check("pdf-damaged", post_with({doc("a.pdf")}), channel(Channel::dpo)).empty());
}

TEST(PdfDamaged, EveryDamageKindBlocksWithItsOwnMessage) {
    using pdf::Damage;
    for (const Damage d : {Damage::not_pdf, Damage::leading_bytes, Damage::no_eof, Damage::load_failed,
                           Damage::page_tree, Damage::bad_pages, Damage::memory_limit, Damage::cpu_limit,
                           Damage::time_limit, Damage::crashed, Damage::internal}) {
        auto document = doc("a.pdf");
        document.pdf->damage = d;
        document.pdf->damage_detail = "detail-x";
        const auto f = run_check("pdf-damaged", post_with({document}), channel(Channel::dpo));
        ASSERT_EQ(f.size(), 1U) << static_cast<int>(d);
        EXPECT_EQ(f[0].severity, Severity::block);
        EXPECT_EQ(f[0].document, "a.pdf");
    }
}

TEST(PdfDamaged, BadPagesNameTheFirst) {
    auto document = doc("a.pdf");
    document.pdf = pdf_pages({page_mm(1, 210, 297), page_mm(2, 210, 297), page_mm(3, 210, 297)});
    document.pdf->pages[1].ok = false;
    document.pdf->pages[2].ok = false;
    document.pdf->damage = pdf::Damage::bad_pages;
    const auto f = run_check("pdf-damaged", post_with({document}), channel(Channel::print));
    ASSERT_EQ(f.size(), 1U);
    EXPECT_EQ(f[0].page, 2);
    EXPECT_NE(english(f[0]).find("Pages that cannot be read: 2, the first is page 2"), std::string::npos)
        << english(f[0]);
}

TEST(PdfDamaged, UnreadableWordDocumentIsDamagedNotAPageFormat) {
    auto d = doc("brev.docx", "", Role::main, 5000,
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    d.docx =
        doctext::DocxLayout{{}, true, "word/document.xml inflates to 1073741824 bytes (at most 67108864 are read)"};
    for (const Channel c : {Channel::print, Channel::dpo}) {
        const auto f = run_check("pdf-damaged", post_with({d}), channel(c));
        ASSERT_EQ(f.size(), 1U);
        EXPECT_EQ(f[0].message_id, "DP303.docx-unreadable");
        EXPECT_EQ(f[0].severity, Severity::block);
        EXPECT_EQ(f[0].document, "brev.docx");
        EXPECT_NE(english(f[0]).find("Word document is damaged"), std::string::npos) << english(f[0]);
        EXPECT_NE(english(f[0]).find("1073741824 bytes"), std::string::npos) << english(f[0]);
    }
    // A readable one is none of this check's business.
    d.docx->error.clear();
    d.docx->truncated = false;
    EXPECT_TRUE(run_check("pdf-damaged", post_with({d}), channel(Channel::print)).empty());
}
