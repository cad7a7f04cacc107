#include "base/idscan.hpp"

#include "base/identifiers.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace preflight::ident {
namespace {

// "id@offset" for each match: compact to compare.
std::vector<std::string> scan(std::string_view text) {
    std::vector<std::string> out;
    for (const IdMatch& m : find_person_ids(text)) {
        out.push_back(m.id + "@" + std::to_string(m.offset));
    }
    return out;
}

using V = std::vector<std::string>;

TEST(IdScan, TheTestPersonIsValid) { ASSERT_TRUE(valid_person_id("29129319060")); }

TEST(IdScan, IsolatedRunsAnywhere) {
    EXPECT_EQ(scan("29129319060"), V{"29129319060@0"});
    EXPECT_EQ(scan("Fødselsnummer 29129319060"), V{"29129319060@15"});  // ø is two bytes
    EXPECT_EQ(scan("29129319060 er fnr"), V{"29129319060@0"});
    EXPECT_EQ(scan("fnr:29129319060."), V{"29129319060@4"});
    EXPECT_EQ(scan("abc29129319060xyz"), V{"29129319060@3"});
    EXPECT_EQ(scan("(29129319060)"), V{"29129319060@1"});
    EXPECT_EQ(scan("a\n29129319060\n"), V{"29129319060@2"});
}

TEST(IdScan, Utf8AroundTheNumber) {
    EXPECT_EQ(scan("Bjørn Ærlig, f.nr. 29129319060 – Tromsø"), V{"29129319060@21"});
    EXPECT_EQ(scan("\xc2\xab"
                   "29129319060"
                   "\xc2\xbb"),
              V{"29129319060@2"});  // «...»
    EXPECT_EQ(scan("\xe2\x80\x8b"
                   "29129319060"),
              V{"29129319060@3"});  // after ZERO WIDTH SPACE
}

TEST(IdScan, AllKindsOfPersonIdentifiers) {
    EXPECT_EQ(scan("01018010018"), V{"01018010018@0"});  // fødselsnummer
    EXPECT_EQ(scan("41018010001"), V{"41018010001@0"});  // D-nummer
    EXPECT_EQ(scan("01518010049"), V{"01518010049@0"});  // H-nummer / NAV test person
    EXPECT_EQ(scan("01818010083"), V{"01818010083@0"});  // Tenor synthetic person
    EXPECT_EQ(scan("29020010027"), V{"29020010027@0"});  // 29 February 2000
}

TEST(IdScan, InvalidNumbersAreIgnored) {
    EXPECT_TRUE(scan("29129319061").empty());  // second check digit wrong
    EXPECT_TRUE(scan("29129319070").empty());  // first check digit wrong
    EXPECT_TRUE(scan("32019912345").empty());  // impossible date
    EXPECT_TRUE(scan("00000000000").empty());
    EXPECT_TRUE(scan("12345678903").empty());  // a bank account number (mod 11 on the last digit only)
    EXPECT_TRUE(scan("2912931906").empty());   // 10 digits
    EXPECT_TRUE(scan("").empty());
    EXPECT_TRUE(scan("no digits at all").empty());
}

TEST(IdScan, LongerDigitRunsAreNotIdentifiers) {
    EXPECT_TRUE(scan("129129319060").empty());
    EXPECT_TRUE(scan("291293190601").empty());
    EXPECT_TRUE(scan("1291293190601").empty());
    EXPECT_TRUE(scan("0000029129319060").empty());
    EXPECT_TRUE(scan("2912931906029129319060").empty());  // two ids without a separator
}

TEST(IdScan, PrintedFormWithOneSeparator) {
    EXPECT_EQ(scan("291293 19060"), V{"29129319060@0"});
    EXPECT_EQ(scan("fnr 291293 19060."), V{"29129319060@4"});
    EXPECT_EQ(scan("291293\xc2\xa0"
                   "19060"),
              V{"29129319060@0"});  // NO-BREAK SPACE
    EXPECT_EQ(scan("291293\xe2\x80\x89"
                   "19060"),
              V{"29129319060@0"});  // THIN SPACE
    EXPECT_EQ(scan("291293\xe2\x80\xaf"
                   "19060"),
              V{"29129319060@0"});  // NARROW NO-BREAK SPACE
    EXPECT_EQ(scan("291293-19060"), V{"29129319060@0"});
    EXPECT_EQ(scan("291293\xe2\x80\x91"
                   "19060"),
              V{"29129319060@0"});  // NON-BREAKING HYPHEN
    EXPECT_EQ(scan("ø291293 19060ø"), V{"29129319060@2"});
}

TEST(IdScan, PrintedFormNeedsExactGroups) {
    EXPECT_TRUE(scan("291293 19061").empty());    // bad checksum
    EXPECT_TRUE(scan("1291293 19060").empty());   // 7 + 5
    EXPECT_TRUE(scan("291293 190601").empty());   // 6 + 6
    EXPECT_TRUE(scan("291293  19060").empty());   // two spaces
    EXPECT_TRUE(scan("291293\n19060").empty());   // line break
    EXPECT_TRUE(scan("291293\t19060").empty());   // tab
    EXPECT_TRUE(scan("291293.19060").empty());    // not a separator we accept
    EXPECT_TRUE(scan("291 293 190 60").empty());  // other groupings
    EXPECT_TRUE(scan("291293 ").empty());         // cut at the end
    EXPECT_TRUE(scan("291293 1906").empty());     // 6 + 4 at the end
    EXPECT_TRUE(scan("291293\xc2").empty());      // a truncated UTF-8 sequence at the end
    EXPECT_TRUE(scan("291293\xe2\x80").empty());  // likewise
    EXPECT_TRUE(scan("291293\xe2\x80\x8b"
                     "19060")
                    .empty());  // ZERO WIDTH SPACE is not a separator
}

TEST(IdScan, SeveralMatchesInOrder) {
    EXPECT_EQ(scan("29129319060, 41018010001 og 291293 19060"),
              (V{"29129319060@0", "41018010001@13", "29129319060@28"}));
    // A 6-digit group followed by an 11-digit id: only the id.
    EXPECT_EQ(scan("123456 29129319060"), V{"29129319060@7"});
    // A number right after a printed-form id.
    EXPECT_EQ(scan("291293 19060 29129319060"), (V{"29129319060@0", "29129319060@13"}));
}

TEST(IdScan, DigitsAtTheVeryEnd) {
    EXPECT_EQ(scan("x 29129319060"), V{"29129319060@2"});
    EXPECT_TRUE(scan("x 2912931906").empty());
    EXPECT_TRUE(scan("x 291293").empty());
}

}  // namespace
}  // namespace preflight::ident
