#include "base/identifiers.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

using namespace preflight::ident;

TEST(Identifiers, TestPersonFromTheRunbookIsValid) {
    EXPECT_TRUE(valid_person_id("29129319060"));
    EXPECT_EQ(person_kind("29129319060"), PersonKind::fodselsnummer);
}

TEST(Identifiers, WrongCheckDigitsFail) {
    EXPECT_FALSE(valid_person_id("29129319061"));
    EXPECT_FALSE(valid_person_id("29129319070"));
    EXPECT_FALSE(valid_person_id("2912931906"));
    EXPECT_FALSE(valid_person_id("2912931906a"));
}

TEST(Identifiers, DNummerAddsFourToTheFirstDigit) { EXPECT_EQ(person_kind("41018010001"), PersonKind::d_nummer); }

TEST(Identifiers, ImpossibleDatesFail) { EXPECT_EQ(person_kind("32019912345"), PersonKind::none); }

TEST(Identifiers, OrganisationNumbers) {
    EXPECT_TRUE(valid_orgnr("987464291"));  // Digdir in the training environment
    EXPECT_FALSE(valid_orgnr("987464292"));
    EXPECT_FALSE(valid_orgnr("98746429"));
}

TEST(Identifiers, MaskingKeepsTheBirthDate) {
    EXPECT_EQ(mask_person_ids("Brev til 29129319060, sak 2024/01234"), "Brev til 291293*****, sak 2024/01234");
    // The printed form with a space, and a mistyped number with a plausible date.
    EXPECT_EQ(mask_person_ids("fnr 291293 19060."), "fnr 291293 *****.");
    EXPECT_EQ(mask_person_ids("29129319061"), "291293*****");
    // Longer digit runs and numbers that start with no date are left alone.
    EXPECT_EQ(mask_person_ids("129129319060 and 99999999999"), "129129319060 and 99999999999");
}

namespace {

// An independent statement of the rules, digit by digit, for the exhaustive tests.
bool reference_valid(const std::string& id, bool allow_2032) {
    const int w1[] = {3, 7, 6, 1, 8, 9, 4, 5, 2};
    const int w2[] = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
    int s1 = 0;
    for (int i = 0; i < 9; ++i) {
        s1 += (id[static_cast<std::size_t>(i)] - '0') * w1[i];
    }
    bool k1_ok = false;
    for (int offset = 0; offset <= (allow_2032 ? 3 : 0); ++offset) {
        int k1 = 11 - ((s1 - offset + 110) % 11);  // (s1 + k1) % 11 == offset
        k1 = k1 == 11 ? 0 : k1;
        if (k1 < 10 && id[9] - '0' == k1) {
            k1_ok = true;
        }
    }
    int s2 = 0;
    for (int i = 0; i < 10; ++i) {
        s2 += (id[static_cast<std::size_t>(i)] - '0') * w2[i];
    }
    int k2 = 11 - s2 % 11;
    k2 = k2 == 11 ? 0 : k2;
    return k1_ok && k2 < 10 && id[10] - '0' == k2;
}

}  // namespace

TEST(Identifiers, EveryIndividualNumberAndCheckDigitPairOfADateFollowsTheRules) {
    int valid = 0;
    int valid_before_2032 = 0;
    for (int n = 0; n < 100000; ++n) {  // individual number, K1, K2
        const std::string id = fmt::format("291293{:05}", n);
        EXPECT_EQ(valid_person_id(id), reference_valid(id, true)) << id;
        valid += valid_person_id(id) ? 1 : 0;
        valid_before_2032 += reference_valid(id, false) ? 1 : 0;
    }
    // Each individual number has one valid pair under the old rule unless K1 or K2 is
    // 10, and up to four with the 2032 rule.
    EXPECT_GT(valid_before_2032, 700);
    EXPECT_LT(valid_before_2032, 1000);
    EXPECT_GT(valid, 3 * valid_before_2032);
    EXPECT_LE(valid, 4 * 1000);
}

TEST(Identifiers, TheK2DigitStaysStrictUnderThe2032Rule) {
    // 29129319060 with K1 moved by each of the offsets 1..3 and K2 recomputed is valid;
    // with K2 off by one it never is.
    int found = 0;
    for (int k1 = 0; k1 < 10; ++k1) {
        for (int k2 = 0; k2 < 10; ++k2) {
            const std::string id = fmt::format("291293190{}{}", k1, k2);
            if (valid_person_id(id)) {
                ++found;
                const std::string off = fmt::format("291293190{}{}", k1, (k2 + 1) % 10);
                EXPECT_FALSE(valid_person_id(off)) << off;
            }
        }
    }
    EXPECT_GE(found, 2);
    EXPECT_LE(found, 4);
}

TEST(Identifiers, EveryDateKindOfEveryDayOfTheYear) {
    const int days_in[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const auto first_valid = [](const std::string& prefix) -> std::string {
        for (int n = 0; n < 100000; ++n) {
            const std::string id = prefix + fmt::format("{:05}", n);
            if (reference_valid(id, false)) {
                return id;
            }
        }
        return {};
    };
    for (int m = 1; m <= 12; ++m) {
        for (int d = 1; d <= days_in[m - 1]; ++d) {
            const auto fnr = first_valid(fmt::format("{:02}{:02}85", d, m));
            ASSERT_FALSE(fnr.empty());
            EXPECT_EQ(person_kind(fnr), PersonKind::fodselsnummer) << fnr;
            EXPECT_EQ(person_kind(first_valid(fmt::format("{:02}{:02}85", d + 40, m))), PersonKind::d_nummer);
            EXPECT_EQ(person_kind(first_valid(fmt::format("{:02}{:02}85", d, m + 40))), PersonKind::h_nummer);
            EXPECT_EQ(person_kind(first_valid(fmt::format("{:02}{:02}85", d, m + 80))), PersonKind::synthetic);
            EXPECT_EQ(person_kind(first_valid(fmt::format("{:02}{:02}85", d + 40, m + 80))), PersonKind::synthetic);
        }
        // Day after the month's last, day 0, and months 0, 13, 53 and 93 are no dates.
        EXPECT_EQ(person_kind(first_valid(fmt::format("{:02}{:02}85", days_in[m - 1] + 1, m))), PersonKind::none);
        EXPECT_EQ(person_kind(first_valid(fmt::format("00{:02}85", m))), PersonKind::none);
    }
    for (const int month : {0, 13, 40, 53, 80, 93}) {
        EXPECT_EQ(person_kind(first_valid(fmt::format("01{:02}85", month))), PersonKind::none) << month;
    }
}

TEST(Identifiers, EveryOrganisationNumberOfABlockFollowsTheRule) {
    int valid = 0;
    for (int n = 0; n < 100000; ++n) {
        const std::string id = fmt::format("9874{:05}", n);
        const int w[] = {3, 2, 7, 6, 5, 4, 3, 2};
        int sum = 0;
        for (int i = 0; i < 8; ++i) {
            sum += (id[static_cast<std::size_t>(i)] - '0') * w[i];
        }
        int k = 11 - sum % 11;
        k = k == 11 ? 0 : k;
        EXPECT_EQ(valid_orgnr(id), k < 10 && id[8] - '0' == k) << id;
        valid += valid_orgnr(id) ? 1 : 0;
    }
    EXPECT_NEAR(valid, 10000 * 10 / 11, 200);  // one in ten numbers, but remainder 1 has none
}

TEST(Identifiers, RecipientIdsAreNormalisedAndClassified) {
    EXPECT_EQ(normalise_id("0192:987464291"), "987464291");
    // Organisation-part identifiers and source indicators, as eFormidling's Iso6523 takes them.
    EXPECT_EQ(normalise_id("0192:987464291:AVD-1"), "987464291");
    EXPECT_EQ(normalise_id("0192:987464291:AVD1:1"), "987464291");
    EXPECT_EQ(normalise_id("0192:987464291:0:0"), "0192:987464291:0:0");  // NHN's form: not ISO 6523
    EXPECT_EQ(normalise_id("0192:987464291:a b"), "0192:987464291:a b");
    EXPECT_EQ(normalise_id("0192:987464291:AVD1:12"), "0192:987464291:AVD1:12");
    EXPECT_EQ(normalise_id("0192:987464291:" + std::string(36, 'x')), "0192:987464291:" + std::string(36, 'x'));
    EXPECT_EQ(normalise_id("987 464 291"), "987464291");
    EXPECT_EQ(normalise_id("291293 19060"), "29129319060");
    EXPECT_EQ(classify("987464291"), IdClass::organisation);
    EXPECT_EQ(classify("987464292"), IdClass::organisation_invalid);
    EXPECT_EQ(classify("29129319060"), IdClass::person);
    EXPECT_EQ(classify("29129319069"), IdClass::person_invalid);
    EXPECT_EQ(classify("1234"), IdClass::unknown_format);
    EXPECT_EQ(classify("2912931906x"), IdClass::unknown_format);
}

TEST(Identifiers, MaskingCoversEveryFormTheScannerFinds) {
    EXPECT_EQ(mask_person_ids("fnr 291293-19060"), "fnr 291293-*****");
    EXPECT_EQ(mask_person_ids("fnr 291293\xC2\xA0"
                              "19060."),
              "fnr 291293\xC2\xA0*****.");
    EXPECT_EQ(mask_person_ids("fnr 291293\xE2\x80\x89"
                              "19060"),
              "fnr 291293\xE2\x80\x89*****");
}
