// The one codec of documents and findings (validator/codec.hpp): nothing is lost
// on the way through, as scan's workers and the gate's state store need.
#include "validator/codec.hpp"

#include "docx/layout_codec.hpp"
#include "pdf/serialize.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace preflight;

namespace {

Document full_document() {
    Document d;
    d.file = "brev.pdf";
    d.path = "/tmp/brev.pdf";
    d.name = "Brev";
    d.role = Role::main;
    d.gathered = true;
    d.readable = true;
    d.io_error = "";
    d.bytes = 12345;
    d.type = "application/pdf";
    d.pdf = pdf::Info{};
    d.pdf->version = "1.7";
    d.pdf->pages.push_back({});
    d.pdf->pages.back().number = 1;
    d.pdf->pages.back().media = {0, 0, 595, 842};
    d.docx = doctext::DocxLayout{};
    d.docx->sections.push_back({1, true, 11906, 16838, "portrait"});
    d.docx->truncated = true;
    d.docx->error = "cut";
    d.text_searched = true;
    d.person_ids.push_back({2, "29129319060"});
    d.person_ids.push_back({std::nullopt, "01010112345"});
    return d;
}

TEST(Codec, ADocumentKeepsEveryField) {
    const Document d = full_document();
    const nlohmann::json j = document_to_json(d);
    const Document back = document_from_json(j);
    EXPECT_EQ(document_to_json(back), j);
    EXPECT_EQ(back.role, Role::main);
    EXPECT_TRUE(back.text_searched);
    ASSERT_EQ(back.person_ids.size(), 2U);
    EXPECT_EQ(back.person_ids[0].page, 2);
    EXPECT_FALSE(back.person_ids[1].page);
    ASSERT_TRUE(back.pdf);
    EXPECT_EQ(pdf::to_json_text(*back.pdf), pdf::to_json_text(*d.pdf));
    ASSERT_TRUE(back.docx);
    EXPECT_EQ(doctext::layout_to_json(*back.docx), doctext::layout_to_json(*d.docx));
}

TEST(Codec, AFindingKeepsEveryField) {
    Finding f;
    f.code = "DP301";
    f.check = "page-format";
    f.severity = Severity::warn;
    f.document = "brev.pdf";
    f.page = 3;
    f.recipient = 1;
    f.message_id = "DP301.landscape";
    f.remedy_id = "DP301.remedy";
    f.args = {{"page", "3"}, {"page", "4"}};
    const nlohmann::json j = finding_to_json(f);
    const Finding back = finding_from_json(j);
    EXPECT_EQ(finding_to_json(back), j);
    EXPECT_EQ(back.severity, Severity::warn);
    EXPECT_EQ(back.args, f.args);
    EXPECT_THROW((void)finding_from_json(nlohmann::json::parse(R"({"code":"x"})")), nlohmann::json::exception);
}

}  // namespace
