#include "validator/manifest.hpp"
#include "base/error.hpp"
#include "validator/catalogue.hpp"

#include <gtest/gtest.h>

using namespace preflight;

namespace {

const char* kGood = R"({
  "journalpost": {"id": "2024/01234-5", "title": "Vedtak om studieplass", "process": "vedtak", "accessCode": null},
  "documents": [
    {"file": "vedtak.pdf", "name": "Vedtak om studieplass", "role": "main"},
    {"file": "vedlegg/klageskjema.pdf", "role": "attachment", "extra": 1}
  ],
  "recipients": [
    {"name": "Kari Nordmann", "id": "29129319060", "method": "general", "verified": true,
     "email": "kari@example.no",
     "address": {"lines": ["Gateveien 1"], "postcode": "5020", "city": "BERGEN", "country": "NO"}}
  ]
})";

// The message a UsageError would print, in English.
std::string error_of(const std::string& text, Lang lang = Lang::en) {
    try {
        parse_manifest(text, "/tmp/post.json");
    } catch (const UsageError& e) {
        return catalogue::text(e.message_id(), lang, e.args());
    }
    return "no error";
}

}  // namespace

TEST(Manifest, ReadsTheContractExample) {
    const JournalPost p = parse_manifest(kGood, "/data/posts/post.json");
    EXPECT_TRUE(p.from_manifest);
    EXPECT_EQ(p.title, "Vedtak om studieplass");
    EXPECT_EQ(p.process, "vedtak");
    EXPECT_FALSE(p.access_code.has_value());
    ASSERT_EQ(p.documents.size(), 2U);
    EXPECT_EQ(p.documents[0].role, Role::main);
    EXPECT_EQ(p.documents[1].name, "klageskjema");  // defaults to the stem
    EXPECT_EQ(p.documents[1].path, "/data/posts/vedlegg/klageskjema.pdf");
    ASSERT_EQ(p.recipients.size(), 1U);
    EXPECT_EQ(p.recipients[0].method, Channel::general);
    EXPECT_TRUE(p.recipients[0].verified);
    ASSERT_TRUE(p.recipients[0].address.has_value());
    EXPECT_EQ(p.recipients[0].address->postcode, "5020");
}

TEST(Manifest, SyntaxErrorNamesLineAndColumn) {
    const std::string msg = error_of("{\n  \"journalpost\": {\"title\": \"x\"},\n  \"documents\": [,]\n}");
    EXPECT_EQ(msg.rfind("/tmp/post.json:3:17: invalid JSON: ", 0), 0U) << msg;
    EXPECT_NE(msg.find("\",\" cannot stand here; a value belongs here"), std::string::npos) << msg;
    // The parser's reason in the user's language, not the JSON library's English.
    const std::string nb = error_of("{\n  \"journalpost\": {\"title\": \"x\"},\n  \"documents\": [,]\n}", Lang::nb);
    EXPECT_EQ(nb, "/tmp/post.json:3:17: ugyldig JSON: «,» kan ikke stå her; her skal det stå en verdi") << nb;
}

TEST(Manifest, NumberBeyondADoubleIsASyntaxErrorWithAPlace) {
    // nlohmann reports it as out_of_range without a position (found by fuzz_sbd: it
    // escaped the syntax handler and ended the process).
    const std::string msg = error_of("{\"journalpost\": {\"title\": \"T\"},\n \"documents\": [29129319060e400]}");
    EXPECT_EQ(msg.rfind("/tmp/post.json:2:", 0), 0U) << msg;
    EXPECT_NE(msg.find("the number is too large"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("29129319060"), std::string::npos) << msg;
}

TEST(Manifest, WrongTypeNamesTheFieldAndItsPlace) {
    const std::string text =
        "{\"journalpost\": {\"title\": \"T\"},\n \"documents\": [\n  {\"file\": \"a.pdf\", \"role\": 7}]}";
    EXPECT_EQ(error_of(text), "/tmp/post.json:3:29: \"documents[0].role\" must be string");
}

TEST(Manifest, MissingRequiredField) {
    EXPECT_EQ(error_of("{\"journalpost\": {\"title\": \"T\"}}"), "/tmp/post.json:1:1: \"documents\" is missing");
    EXPECT_EQ(error_of("{\"journalpost\": {\"id\": \"1\"}, \"documents\": []}"),
              "/tmp/post.json:1:17: \"journalpost.title\" is missing");
}

TEST(Manifest, ValueOutsideItsSet) {
    const std::string text = R"({"journalpost": {"title": "T"}, "documents": [], "recipients": [{"method": "fax"}]})";
    EXPECT_EQ(
        error_of(text),
        "/tmp/post.json:1:76: \"recipients[0].method\" cannot be \"fax\"; valid values: general, dpi, print, dpo, dpv, "
        "dpf, email, signing, manual");
}

TEST(Manifest, ColumnsCountCharactersNotBytes) {
    const std::string text = "{\"journalpost\": {\"title\": \"æøå\", \"process\": 5}, \"documents\": []}";
    EXPECT_EQ(error_of(text), "/tmp/post.json:1:45: \"journalpost.process\" must be string");
}

TEST(Manifest, LooseFilesMakeThePostFirstIsMain) {
    const JournalPost p = loose_files({"dir/a.pdf", "b.docx"});
    EXPECT_FALSE(p.from_manifest);
    EXPECT_FALSE(p.title.has_value());
    ASSERT_EQ(p.documents.size(), 2U);
    EXPECT_EQ(p.documents[0].role, Role::main);
    EXPECT_EQ(p.documents[0].name, "a");
    EXPECT_EQ(p.documents[1].role, Role::attachment);
}

TEST(Manifest, LocateFindsNestedValues) {
    const std::string text = R"({"a": [1, {"b": "x"}], "c~d": 2})";
    EXPECT_EQ(text.substr(locate(text, "/a/1/b"), 3), "\"x\"");
    EXPECT_EQ(text.substr(locate(text, "/c~0d"), 1), "2");
    EXPECT_EQ(text.substr(locate(text, "/a/5"), 1), "[");  // absent: the container
}

TEST(Manifest, DeepNestingIsNoCrash) {
    // An unknown field nested far deeper than any stack allows, then a real error.
    const std::string deep(1000000, '[');
    const std::string text =
        "{\"x\": " + deep + std::string(1000000, ']') + ", \"journalpost\": {\"title\": \"T\"}, \"documents\": 5}";
    const std::string msg = error_of(text);
    EXPECT_NE(msg.find("\"documents\" must be array"), std::string::npos) << msg.substr(0, 200);
}

TEST(Manifest, ByteOrderMarkDoesNotShiftPositions) {
    EXPECT_EQ(error_of("\xEF\xBB\xBF{\"journalpost\": {\"title\": 5}, \"documents\": []}"),
              "/tmp/post.json:1:28: \"journalpost.title\" must be string");
}

TEST(Manifest, SyntaxErrorsDoNotEchoTheLastToken) {
    const std::string msg = error_of("{\"journalpost\": {\"title\": \"Vedtak 29129319060}");
    EXPECT_EQ(msg.find("29129319060"), std::string::npos) << msg;
}

TEST(Manifest, SecurityLevelIsThreeOrFour) {
    const auto with_level = [](const std::string& level) {
        return std::string(R"({"journalpost": {"title": "T", "securityLevel": )") + level + R"(}, "documents": []})";
    };
    EXPECT_FALSE(parse_manifest(R"({"journalpost": {"title": "T"}, "documents": []})", "/tmp/post.json")
                     .security_level.has_value());
    EXPECT_EQ(parse_manifest(with_level("4"), "/tmp/post.json").security_level, 4);
    EXPECT_EQ(parse_manifest(with_level("3"), "/tmp/post.json").security_level, 3);
    EXPECT_EQ(parse_manifest(with_level("\"4\""), "/tmp/post.json").security_level, 4);  // as the SBD may write it
    EXPECT_EQ(parse_manifest(with_level("null"), "/tmp/post.json").security_level, std::nullopt);
    const std::string five = error_of(with_level("5"));
    EXPECT_NE(five.find("\"journalpost.securityLevel\""), std::string::npos) << five;
    EXPECT_NE(five.find("3, 4"), std::string::npos) << five;
    EXPECT_EQ(error_of(with_level("true")).rfind("/tmp/post.json:1:", 0), 0U);
}
