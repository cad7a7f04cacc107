// The content-stream tokenizer: pdf/content_lexer.hpp.
#include "pdf/content_lexer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace preflight::pdf::content {
namespace {

using namespace std::string_literals;

// One token as text: "op:Tj", "int:3", "real:-0.5", "name:F1", "str:(a)",
// "hex:<41>", "array:[...]", "dict:<<...>>", "bool:true", "null", "image",
// then "error:N" if the stream ended at an error.
std::vector<std::string> tokens(std::string_view content) {
    std::vector<std::string> out;
    ContentLexer lexer(content);
    Operand value;
    std::string_view op;
    for (;;) {
        const ContentLexer::Token t = lexer.next(value, op);
        if (t == ContentLexer::Token::end) {
            break;
        }
        if (t == ContentLexer::Token::op) {
            out.push_back("op:" + std::string(op));
        } else if (t == ContentLexer::Token::image) {
            out.emplace_back("image");
        } else {
            switch (value.kind) {
                case OperandKind::integer:
                    out.push_back("int:" + std::to_string(static_cast<long long>(value.number)));
                    break;
                case OperandKind::real: {
                    std::string n = std::to_string(value.number);
                    out.push_back("real:" + n.substr(0, n.find_last_not_of('0') + 1));
                    break;
                }
                case OperandKind::name:
                    out.push_back("name:" + std::string(value.text));
                    break;
                case OperandKind::literal_string:
                    out.push_back("str:" + std::string(value.text));
                    break;
                case OperandKind::hex_string:
                    out.push_back("hex:" + std::string(value.text));
                    break;
                case OperandKind::array:
                    out.push_back("array:" + std::string(value.text));
                    break;
                case OperandKind::dict:
                    out.push_back("dict:" + std::string(value.text));
                    break;
                case OperandKind::boolean:
                    out.push_back("bool:" + std::string(value.text));
                    break;
                case OperandKind::null:
                    out.emplace_back("null");
                    break;
                case OperandKind::reference:
                    out.push_back("ref:" + std::string(value.text));
                    break;
            }
        }
    }
    if (lexer.error() != ContentLexer::Error::none) {
        out.push_back("error:" + std::to_string(static_cast<int>(lexer.error())));
    }
    return out;
}

using V = std::vector<std::string>;

std::string decoded(std::string_view string_operand) {
    ContentLexer lexer(string_operand);
    Operand value;
    std::string_view op;
    EXPECT_EQ(lexer.next(value, op), ContentLexer::Token::operand) << string_operand;
    EXPECT_TRUE(value.is_string()) << string_operand;
    std::string out = "garbage";
    decode_string(value, out);
    return out;
}

TEST(ContentLexer, OperatorsAndNumbers) {
    EXPECT_EQ(tokens("1 0 0 1 72.5 -.5 cm"),
              (V{"int:1", "int:0", "int:0", "int:1", "real:72.5", "real:-0.5", "op:cm"}));
    EXPECT_EQ(tokens("+3 4. -0 .25 00012 w"), (V{"int:3", "real:4.", "int:0", "real:0.25", "int:12", "op:w"}));
    EXPECT_EQ(tokens("q Q T* ' \" BT ET"), (V{"op:q", "op:Q", "op:T*", "op:'", "op:\"", "op:BT", "op:ET"}));
    EXPECT_EQ(tokens("0 0 1 rg 1 0 0 RG"), (V{"int:0", "int:0", "int:1", "op:rg", "int:1", "int:0", "int:0", "op:RG"}));
    EXPECT_EQ(tokens("true false null"), (V{"bool:true", "bool:false", "null"}));
    // No references in content: "1 0 R" is two numbers and an (unknown) operator.
    EXPECT_EQ(tokens("1 0 R"), (V{"int:1", "int:0", "op:R"}));
    EXPECT_EQ(tokens("0 0 1 RG 1 0 Rx"), (V{"int:0", "int:0", "int:1", "op:RG", "int:1", "int:0", "op:Rx"}));
    // Inside an array or dictionary, "N G R" is one value (PoDoFo reads it as a
    // reference there), and R alone is an error.
    EXPECT_EQ(tokens("/Span <</Lang (en) /Self 7 0 R>> BDC"),
              (V{"name:Span", "dict:<</Lang (en) /Self 7 0 R>>", "op:BDC"}));
    EXPECT_EQ(tokens("[1 0 R 2 %c\n 0 R] [-1 0 R]"), (V{"array:[1 0 R 2 %c\n 0 R]", "error:2"}));
    // Not PDF numbers: 1e5 is a word (an unknown operator, as in PoDoFo); a word of
    // digits, signs and dots has the value of its well-formed prefix.
    EXPECT_EQ(tokens("1e5"), (V{"op:1e5"}));
    EXPECT_EQ(tokens("--5 1.2.3 - . 7-"), (V{"int:0", "real:1.2", "int:0", "real:0.", "int:7"}));
    EXPECT_EQ(tokens("0.12345678901234567890 3.14159265358979323846 1.0000000000000000001"),
              (V{"real:0.123457", "real:3.141593", "real:1."}));
    ContentLexer lexer("12345678901234567890123 -99999999999999999999.5");
    Operand value;
    std::string_view op;
    ASSERT_EQ(lexer.next(value, op), ContentLexer::Token::operand);
    EXPECT_EQ(value.kind, OperandKind::integer);
    EXPECT_DOUBLE_EQ(value.number, 1.2345678901234568e22);
    ASSERT_EQ(lexer.next(value, op), ContentLexer::Token::operand);
    EXPECT_EQ(value.kind, OperandKind::real);
    EXPECT_DOUBLE_EQ(value.number, -1e20);
    // Delimiters end words; a number and a letter are one word.
    EXPECT_EQ(tokens("10 20 m/F1 12 Tf(x)Tj 3w"),
              (V{"int:10", "int:20", "op:m", "name:F1", "int:12", "op:Tf", "str:(x)", "op:Tj", "op:3w"}));
}

TEST(ContentLexer, Names) {
    EXPECT_EQ(tokens("/F1 /A#20B / /a.b-c"), (V{"name:F1", "name:A#20B", "name:", "name:a.b-c"}));
    EXPECT_EQ(decode_name("A#20B"), "A B");
    EXPECT_EQ(decode_name("Plain"), "Plain");
    EXPECT_EQ(decode_name("x#2"), "x#2");
    EXPECT_EQ(decode_name("x#zz#41"), "x#zzA");
    EXPECT_EQ(decode_name("#23#2F"), "#/");
}

TEST(ContentLexer, LiteralStrings) {
    EXPECT_EQ(tokens("(a(b)c)Tj"), (V{"str:(a(b)c)", "op:Tj"}));
    EXPECT_EQ(decoded("(a(b)c)"), "a(b)c");
    EXPECT_EQ(decoded(R"((\n\r\t\b\f\(\)\\))"), "\n\r\t\b\f()\\");
    EXPECT_EQ(decoded(R"((\101\0611\7\0777\400))"), "A11\x07?7\x00"s);
    EXPECT_EQ(decoded(R"((\q\)x))"), "q)x");                         // an unknown escape: the character
    EXPECT_EQ(decoded("(a\\\nb\\\r\nc\\\rd)"), "abcd");              // backslash-newline continues the line
    EXPECT_EQ(decoded("(a\rb\r\nc\nd)"), "a\nb\nc\nd");              // CR and CR LF read as LF
    EXPECT_EQ(decoded("(\xfe\xff\x00\x41)"s), "\xfe\xff\x00\x41"s);  // bytes as written
    EXPECT_EQ(decoded("()"), "");
    EXPECT_EQ(decoded("(%not a comment)"), "%not a comment");
}

TEST(ContentLexer, HexStrings) {
    EXPECT_EQ(tokens("<41 42\n43>Tj"), (V{"hex:<41 42\n43>", "op:Tj"}));
    EXPECT_EQ(decoded("<414 2 43>"), "ABC");
    EXPECT_EQ(decoded("<4>"), "@");  // an odd last digit is followed by 0
    EXPECT_EQ(decoded("<a1B2c>"), "\xa1\xb2\xc0");
    EXPECT_EQ(decoded("<>"), "");
}

TEST(ContentLexer, ArraysAndDictionaries) {
    EXPECT_EQ(tokens("[(a) -120 (b)] TJ"), (V{"array:[(a) -120 (b)]", "op:TJ"}));
    EXPECT_EQ(tokens("[[1 [2]] <<>>] [] d"), (V{"array:[[1 [2]] <<>>]", "array:[]", "op:d"}));
    EXPECT_EQ(tokens("/OC <</MCID 3 /A [1 (x>>)] /D <</E <41>>>>> BDC"),
              (V{"name:OC", "dict:<</MCID 3 /A [1 (x>>)] /D <</E <41>>>>>", "op:BDC"}));

    ContentLexer lexer("[(a\\051) 1.5 [(nested)] <4142> -300 /N 5 0 R] TJ");
    Operand array;
    std::string_view op;
    ASSERT_EQ(lexer.next(array, op), ContentLexer::Token::operand);
    std::vector<std::string> seen;
    std::string bytes;
    for_each_element(array, [&](const Operand& e) {
        if (e.is_string()) {
            decode_string(e, bytes);
            seen.push_back("s:" + bytes);
        } else if (e.is_number()) {
            seen.push_back("n:" + std::to_string(static_cast<int>(e.number)));
        } else {
            seen.push_back("other:" + std::string(e.text));
        }
    });
    EXPECT_EQ(seen, (V{"s:a)", "n:1", "other:[(nested)]", "s:AB", "n:-300", "other:N", "other:5 0 R"}));
}

TEST(ContentLexer, Comments) {
    EXPECT_EQ(tokens("1 w % a comment ) ] >\n2 w%another\r3 w %at the end"),
              (V{"int:1", "op:w", "int:2", "op:w", "int:3", "op:w"}));
    EXPECT_EQ(tokens("[1 %c ]\n 2] d"), (V{"array:[1 %c ]\n 2]", "op:d"}));
}

TEST(ContentLexer, InlineImages) {
    // The data ends at the first EI followed by white space; an EI followed by
    // anything else is data.
    EXPECT_EQ(tokens("q BI /W 4 /H 1 /CS /G /BPC 8 ID \x01"
                     "EI\xffXEI\nQ"s),
              (V{"op:q", "op:BI", "name:W", "int:4", "name:H", "int:1", "name:CS", "name:G", "name:BPC", "int:8",
                 "op:ID", "image", "op:EI", "op:Q"}));
    EXPECT_EQ(tokens("BI /W 1 ID\nEI"), (V{"op:BI", "name:W", "int:1", "op:ID", "image", "op:EI"}));
    EXPECT_EQ(tokens("BI ID ( [ << EI\rQ"), (V{"op:BI", "op:ID", "image", "op:EI", "op:Q"}));
    // ASCIIHex data: "...>EI".
    EXPECT_EQ(tokens("BI /F /AHx ID 00ff>EI Q"), (V{"op:BI", "name:F", "name:AHx", "op:ID", "image", "op:EI", "op:Q"}));
    // Never a later EI: what follows the first one is content again, so that text
    // after it cannot be hidden inside an "image" that ends further on.
    EXPECT_EQ(tokens("BI ID \x01xEI\n(12345678901) Tj ( EI ) Tj"s),
              (V{"op:BI", "op:ID", "image", "op:EI", "str:(12345678901)", "op:Tj", "str:( EI )", "op:Tj"}));
    // No EI: the data runs to the end of the stream.
    EXPECT_EQ(tokens("BI ID \x01\x02 EIQ"), (V{"op:BI", "op:ID", "image"}));
    EXPECT_EQ(tokens("BI ID"), (V{"op:BI", "op:ID", "image"}));
}

TEST(ContentLexer, MalformedContent) {
    // A byte that starts no value is an operator of its own.
    EXPECT_EQ(tokens("1 ) 2 > ] { } w"), (V{"int:1", "op:)", "int:2", "op:>", "op:]", "op:{", "op:}", "op:w"}));
    // Unterminated values end the stream (PoDoFo threw there).
    EXPECT_EQ(tokens("1 w (abc"), (V{"int:1", "op:w", "error:1"}));
    EXPECT_EQ(tokens("1 w <41"), (V{"int:1", "op:w", "error:1"}));
    EXPECT_EQ(tokens("[1 2"), (V{"error:1"}));
    EXPECT_EQ(tokens("<</A 1"), (V{"error:1"}));
    // An operator, or a stray delimiter, inside an array or dictionary.
    EXPECT_EQ(tokens("[(a) TJ 0 0 m"), (V{"error:2"}));
    EXPECT_EQ(tokens("[1 ) 2] d"), (V{"error:2"}));
    EXPECT_EQ(tokens("<</A > 1>> BDC"), (V{"error:2"}));
}

TEST(ContentLexer, DepthBomb) {
    const std::string bomb = std::string(100000, '[') + std::string(100000, ']') + " 0 d";
    EXPECT_EQ(tokens(bomb), (V{"error:3"}));
    const std::string dicts = [] {
        std::string s;
        for (int i = 0; i < 10000; ++i) {
            s += "<</A ";
        }
        return s;
    }();
    EXPECT_EQ(tokens(dicts), (V{"error:3"}));
    // Nesting up to the limit is fine.
    const std::string deep =
        std::string(ContentLexer::max_depth + 1, '[') + std::string(ContentLexer::max_depth + 1, ']') + " 0 d";
    EXPECT_EQ(tokens(deep).size(), 3U);
}

// Every prefix of a stream with every kind of token: no crash, no read past the
// end (checked under the sanitizers), and the tokens move forward.
TEST(ContentLexer, EveryPrefixOfATrickyStream) {
    const std::string tricky =
        "q 1 0 0 1 -.5 +3 cm /F#201 12 Tf BT (a\\(b\\)\\101\\\n\r\nc(d)) Tj <41 4> Tj "
        "[(x) -250 <42> [1] <</A 1>>] TJ ET /OC <</MCID 0 /P (x)>> BDC % comment\r"
        "BI /W 2 /H 1 ID \x00\xff"
        "EIxEI\nEI Q 1e5 ) ] > true null 4. EMC"s;
    for (std::size_t n = 0; n <= tricky.size(); ++n) {
        // A copy of exactly n bytes, so that reading past it is an error the
        // sanitizers see.
        const std::string prefix = tricky.substr(0, n);
        const std::unique_ptr<char[]> bytes(new char[n + 1]);
        std::copy(prefix.begin(), prefix.end(), bytes.get());
        ContentLexer lexer(std::string_view(bytes.get(), n));
        Operand value;
        std::string_view op;
        std::size_t count = 0;
        std::size_t last = 0;
        std::string buffer;
        for (;;) {
            const ContentLexer::Token t = lexer.next(value, op);
            if (t == ContentLexer::Token::end) {
                break;
            }
            ASSERT_LE(lexer.position(), n);
            ASSERT_TRUE(lexer.position() > last || t == ContentLexer::Token::image) << n;
            last = lexer.position();
            ASSERT_LT(++count, n + 2) << n;
            if (t == ContentLexer::Token::operand) {
                decode_string(value, buffer);
                for_each_element(value, [&](const Operand& e) { decode_string(e, buffer); });
            }
        }
        EXPECT_EQ(lexer.next(value, op), ContentLexer::Token::end);
    }
    EXPECT_EQ(tokens(tricky).back(), "op:EMC");
}

}  // namespace
}  // namespace preflight::pdf::content
