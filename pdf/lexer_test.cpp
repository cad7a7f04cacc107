// The byte-level helpers: pdf/raw.hpp and pdf/lexer.hpp.
#include "pdf/lexer.hpp"
#include "pdf/raw.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace preflight::pdf {
namespace {

using namespace std::string_literals;

TEST(Raw, FindsHeader) {
    EXPECT_EQ(raw::find_header("%PDF-1.7\n"), 0U);
    EXPECT_EQ(raw::find_header("\xef\xbb\xbf%PDF-1.7"), 3U);
    EXPECT_FALSE(raw::find_header("%PDF1.7").has_value());
    EXPECT_FALSE(raw::find_header(std::string(1024, ' ') + "%PDF-1.4").has_value());
    EXPECT_EQ(raw::find_header(std::string(1019, ' ') + "%PDF-1.4"), 1019U);
}

TEST(Raw, HeaderVersion) {
    EXPECT_EQ(raw::header_version("%PDF-1.4\n%..."), "1.4");
    EXPECT_EQ(raw::header_version("%PDF-2.0\r"), "2.0");
    EXPECT_EQ(raw::header_version("%PDF-1.10 "), "1.10");
    EXPECT_EQ(raw::header_version("%PDF-x.y"), "");
    EXPECT_EQ(raw::header_version("%PDF-1"), "");
    EXPECT_EQ(raw::header_version("%PDF-"), "");
}

TEST(Raw, CompareVersions) {
    EXPECT_LT(raw::compare_versions("1.4", "1.7"), 0);
    EXPECT_GT(raw::compare_versions("2.0", "1.7"), 0);
    EXPECT_GT(raw::compare_versions("1.10", "1.9"), 0);
    EXPECT_EQ(raw::compare_versions("1.7", "1.7"), 0);
    EXPECT_GT(raw::compare_versions("1.4", ""), 0);
    EXPECT_LT(raw::compare_versions("junk", "1.0"), 0);
}

TEST(Raw, FindsLastEof) {
    EXPECT_FALSE(raw::find_last_eof_end("").has_value());
    EXPECT_FALSE(raw::find_last_eof_end("%PDF-1.4 no end").has_value());
    EXPECT_FALSE(raw::find_last_eof_end("%EOF").has_value());
    EXPECT_FALSE(raw::find_last_eof_end("%%EO").has_value());
    EXPECT_EQ(raw::find_last_eof_end("%%EOF"), 5U);
    EXPECT_EQ(raw::find_last_eof_end("x%%EOF\n"), 7U);
    EXPECT_EQ(raw::find_last_eof_end("x%%EOF\r\n"), 8U);
    EXPECT_EQ(raw::find_last_eof_end("x%%EOF\r"), 7U);
    EXPECT_EQ(raw::find_last_eof_end("a%%EOF\nb%%EOF\ngarbage"), 14U);
    EXPECT_EQ(raw::find_last_eof_end("a%%EOF\n%%%EO"), 7U);
    EXPECT_EQ(raw::find_last_eof_end("%%%EOF"), 6U);
}

TEST(Raw, TrailerMentionsEncrypt) {
    EXPECT_TRUE(
        raw::trailer_mentions_encrypt("%PDF-1.4\ntrailer\n<< /Root 1 0 R /Encrypt 5 0 R >>\nstartxref\n9\n%%EOF\n"));
    EXPECT_FALSE(raw::trailer_mentions_encrypt("%PDF-1.4\ntrailer\n<< /Root 1 0 R >>\nstartxref\n9\n%%EOF\n"));
    // An xref stream far from the end: its dictionary at the startxref offset.
    const std::string xref_stream = "%PDF-1.5\n"s + "9 0 obj\n<< /Type /XRef /Encrypt 3 0 R >>\nstream\n" +
                                    std::string(10000, 'x') + "\nendstream\nendobj\nstartxref\n9\n%%EOF\n";
    EXPECT_TRUE(raw::trailer_mentions_encrypt(xref_stream));
}

lex::Value read(const std::string& s, bool expect_ok = true) {
    std::size_t pos = 0;
    lex::Value v;
    EXPECT_EQ(lex::read_value(s, pos, v), expect_ok) << s;
    return v;
}

TEST(Lexer, Numbers) {
    EXPECT_EQ(read("42").kind, lex::Kind::integer);
    EXPECT_EQ(read("42").integer, 42);
    EXPECT_EQ(read("-17").integer, -17);
    EXPECT_EQ(read("+3").integer, 3);
    EXPECT_DOUBLE_EQ(read("595.2756").real, 595.2756);
    EXPECT_DOUBLE_EQ(read(".5").real, 0.5);
    EXPECT_DOUBLE_EQ(read("-.5").real, -0.5);
    EXPECT_DOUBLE_EQ(read("5.").real, 5.0);
    EXPECT_DOUBLE_EQ(read("0.000000000000000000001234").real, 1.234e-21);
    EXPECT_EQ(read("5.").kind, lex::Kind::real);
    EXPECT_DOUBLE_EQ(read("99999999999999999999").real, 1e20);  // too big for an integer
    read("--5", false);
    read("1.2.3", false);
    read("12abc", false);
    read("-", false);
    read("1e5", false);  // not PDF syntax: PoDoFo decides
}

TEST(Lexer, References) {
    const lex::Value r = read("12 0 R");
    EXPECT_EQ(r.kind, lex::Kind::ref);
    EXPECT_EQ(r.integer, 12);
    EXPECT_EQ(r.generation, 0U);
    EXPECT_EQ(read("7\n3\rR]").kind, lex::Kind::ref);
    EXPECT_EQ(read("5 0 RG").kind, lex::Kind::integer);  // not a reference
    EXPECT_EQ(read("5 0 obj").kind, lex::Kind::integer);
    EXPECT_EQ(read("-5 0 R").kind, lex::Kind::integer);
    std::size_t pos = 0;
    lex::Value v;
    ASSERT_TRUE(lex::read_value("595 842]", pos, v));
    EXPECT_EQ(v.kind, lex::Kind::integer);
    EXPECT_EQ(pos, 3U);
}

TEST(Lexer, NamesStringsKeywords) {
    EXPECT_EQ(read("/MediaBox").text, "MediaBox");
    EXPECT_TRUE(lex::name_equals(read("/Media#42ox").text, "MediaBox"));
    EXPECT_EQ(lex::decode_name("A#20B#2"), "A B#2");
    EXPECT_EQ(read("/").text, "");
    EXPECT_EQ(read("(a (nested) \\) string)").kind, lex::Kind::string);
    EXPECT_EQ(read("<48656C6C6F>").kind, lex::Kind::string);
    EXPECT_EQ(read("null").kind, lex::Kind::null);
    EXPECT_EQ(read("true").integer, 1);
    read("(unterminated", false);
    EXPECT_EQ(read("<48 zz>").kind, lex::Kind::string);  // lenient, like PoDoFo
    read("<48", false);
    read("endobj", false);
    read(">>", false);
}

TEST(Lexer, DictsAndArrays) {
    const std::string s =
        "<< /Type /Page % a comment >> here\n /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 3 0 R >> >> /S (str >> ]) /H <00ff> >>rest";
    std::size_t pos = 0;
    lex::Value d;
    ASSERT_TRUE(lex::read_value(s, pos, d));
    EXPECT_EQ(d.kind, lex::Kind::dict);
    EXPECT_EQ(s.substr(pos), "rest");
    std::vector<std::string> keys;
    lex::Value box;
    lex::for_each_entry(d, [&](std::string_view name, const lex::Value& v) {
        keys.emplace_back(name);
        if (name == "MediaBox") box = v;
        return true;
    });
    EXPECT_EQ(keys, (std::vector<std::string>{"Type", "MediaBox", "Resources", "S", "H"}));
    std::vector<long long> numbers;
    lex::for_each_element(box, [&](const lex::Value& v) {
        numbers.push_back(v.integer);
        return true;
    });
    EXPECT_EQ(numbers, (std::vector<long long>{0, 0, 595, 842}));

    std::vector<std::string> visited;
    pos = 0;
    ASSERT_TRUE(lex::read_value_visiting(
        s, pos, d, [&](std::string_view name, const lex::Value&) { visited.emplace_back(name); }));
    EXPECT_EQ(visited, keys);

    read("<< /A >>", false);
    read("<< 1 2 >>", false);
    read("[1 2", false);
    read("<< /A [1 2 >>", false);
    EXPECT_EQ(read("[]").kind, lex::Kind::array);
    EXPECT_EQ(read("<<>>").kind, lex::Kind::dict);
}

TEST(Lexer, NestingIsLimited) {
    read(std::string(60, '[') + std::string(60, ']'));
    read(std::string(100, '[') + std::string(100, ']'), false);
}

}  // namespace
}  // namespace preflight::pdf
