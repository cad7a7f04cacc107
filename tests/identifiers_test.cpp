#include "validator/identifiers.hpp"

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
