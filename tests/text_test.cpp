#include "base/text.hpp"

#include <gtest/gtest.h>

using namespace preflight::text;

TEST(Text, CountsCharactersAfterNfc) {
    EXPECT_EQ(char_count("å"), 1U);
    EXPECT_EQ(char_count("a\xCC\x8A"), 1U);  // a + combining ring
    EXPECT_EQ(char_count("Søknad"), 6U);
}

TEST(Text, ValidUtf8) {
    EXPECT_TRUE(valid_utf8("Søknad"));
    EXPECT_FALSE(valid_utf8("S\xF8knad"));  // Latin-1 ø
    EXPECT_FALSE(valid_utf8("\xC3"));
}

TEST(Text, NameKeyFoldsCaseNormalisesAndTrims) {
    EXPECT_EQ(name_key("  SØKNAD A\xCC\x8A\t"), name_key("søknad å"));
    EXPECT_NE(name_key("søknad 1"), name_key("søknad 2"));
}

TEST(Text, PrintableReplacesInvalidBytes) {
    EXPECT_EQ(printable("a\xFF"
                        "b"),
              "a\xEF\xBF\xBD"
              "b");
}

TEST(Text, AsciiLowerLeavesEverythingButAsciiLettersAlone) {
    EXPECT_EQ(preflight::text::ascii_lower("Multipart/Form-Data; .PDF"), "multipart/form-data; .pdf");
    EXPECT_EQ(preflight::text::ascii_lower("ÆØÅ.DOCX"), "ÆØÅ.docx");  // UTF-8 bytes untouched
    EXPECT_EQ(preflight::text::ascii_lower(std::string_view("A\0B", 3)), std::string("a\0b", 3));
}
