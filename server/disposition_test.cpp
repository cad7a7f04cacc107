// Content-Disposition as the integrasjonspunkt reads it (server/disposition.hpp), and
// the spellings on which readers disagree, which the gate refuses.
#include "server/disposition.hpp"

#include <gtest/gtest.h>

namespace preflight::server {
namespace {

TEST(Disposition, WhatTheArchiveSystemSends) {
    const auto d = read_disposition("attachment; name=Vedtak om studieplass; filename=vedtak.pdf", HeaderBytes::latin1);
    ASSERT_TRUE(d.ok()) << d.problem;
    EXPECT_EQ(d.type, "attachment");
    EXPECT_EQ(d.name, "Vedtak om studieplass");
    EXPECT_EQ(d.filename, "vedtak.pdf");
    const auto q = read_disposition(R"(attachment; name="Vedtak; klage"; filename="a b.pdf")", HeaderBytes::latin1);
    ASSERT_TRUE(q.ok()) << q.problem;
    EXPECT_EQ(q.name, "Vedtak; klage");
    EXPECT_EQ(q.filename, "a b.pdf");
    EXPECT_FALSE(read_disposition("attachment", HeaderBytes::latin1).filename);
}

TEST(Disposition, TheExtendedFileNameWins) {
    const auto d = read_disposition("attachment; filename*=UTF-8''vedtak%20%C3%A5.pdf", HeaderBytes::latin1);
    ASSERT_TRUE(d.ok()) << d.problem;
    EXPECT_EQ(d.filename, "vedtak \xC3\xA5.pdf");
    const auto latin = read_disposition("attachment; filename*=iso-8859-1'no'%E5.pdf", HeaderBytes::latin1);
    ASSERT_TRUE(latin.ok()) << latin.problem;
    EXPECT_EQ(latin.filename, "\xC3\xA5.pdf");
    // Both, naming the same file: fine.
    const auto both = read_disposition("attachment; filename=a.pdf; filename*=UTF-8''a.pdf", HeaderBytes::latin1);
    ASSERT_TRUE(both.ok()) << both.problem;
    EXPECT_EQ(both.filename, "a.pdf");
}

TEST(Disposition, HeaderBytesAreLatin1InARequestAndUtf8InAPart) {
    const std::string raw = "attachment; filename=\"\xC3\xA5.pdf\"";
    // Tomcat hands a request header to the integrasjonspunkt as ISO-8859-1 characters.
    EXPECT_EQ(read_disposition(raw, HeaderBytes::latin1).filename, "\xC3\x83\xC2\xA5.pdf");
    EXPECT_EQ(read_disposition(raw, HeaderBytes::utf8).filename, "\xC3\xA5.pdf");
    EXPECT_FALSE(read_disposition("form-data; name=a; filename=\"\xFF.pdf\"", HeaderBytes::utf8).ok());
}

TEST(Disposition, WhereReadersDisagreeItIsRefused) {
    for (const char* value : {
             "attachment; filename=a.pdf; filename=b.pdf",          // the integrasjonspunkt takes a, others b
             "attachment; filename=a.pdf; filename*=UTF-8''b.pdf",  // filename* wins there, filename elsewhere
             "attachment; filename*=UTF-8''a.pdf; filename*=UTF-8''b.pdf",
             "attachment; FileName=a.pdf",  // ignored there, read elsewhere
             "attachment; filename=a.pdf; FILENAME=b.pdf",
             "attachment; filename =a.pdf",  // "filename " is not "filename" there
             "attachment; filename= a.pdf",
             "attachment; name=a; name=b",
             "attachment; name=a; name*=UTF-8''b",
             R"(attachment; filename="a\".pdf"; x=".pdf")",  // an escaped quote
             R"(attachment; filename="a\\b.pdf")",
             R"(attachment; filename="a.pdf)",  // unbalanced
             R"(attachment; filename="a.pdf"x)",
             R"(attachment; filename=a"b.pdf)",
             "attachment; filename==?UTF-8?B?YS5wZGY=?=",  // RFC 2047: Spring decodes it
             "attachment; filename*=a.pdf",                // no charset: the integrasjonspunkt fails
             "attachment; filename*=UTF8''a.pdf",          // an alias Java takes, others not
             "attachment; filename*=windows-1252''a.pdf",
             "attachment; filename*=UTF-8''a%2.pdf",
             "attachment; filename*=UTF-8''a b.pdf",
             "attachment; filename*=UTF-8''%FF.pdf",
             "attachment; filename",  // no '='
             "; filename=a.pdf",      // no type
             "attachment; filename=\"a\r\n.pdf\"",
             R"(attachment; x=\"; filename*=UTF-8''b.pdf; y="; filename="a.pdf")",  // an escape outside quotes
             "attachment; filename=C:\\temp\\a.pdf",
             "attachment; name=\"Vedlegg =?UTF-8?B?MTIzNDU2Nzg5MDE=?=\"; filename=a.pdf",  // Tomcat decodes it
         }) {
        const auto d = read_disposition(value, HeaderBytes::latin1);
        EXPECT_FALSE(d.ok()) << value;
        EXPECT_FALSE(d.filename) << value;
    }
}

TEST(Disposition, APartsNameWithWhiteSpaceAroundItIsRefused) {
    // Tomcat trims the name of a multipart part: " sbd" would be the SBD there.
    EXPECT_FALSE(read_disposition("form-data; name=\" sbd\"; filename=\"m.json\"", HeaderBytes::utf8).ok());
    EXPECT_FALSE(read_disposition("form-data; name=\"sbd\t\"", HeaderBytes::utf8).ok());
    EXPECT_TRUE(read_disposition("form-data; name=\"sbd\"", HeaderBytes::utf8).ok());
}

TEST(Disposition, OtherParametersAreLeftAlone) {
    const auto d =
        read_disposition("attachment; size=12; creation-date=\"x\"; filename=a.pdf; ; ", HeaderBytes::latin1);
    ASSERT_TRUE(d.ok()) << d.problem;
    EXPECT_EQ(d.filename, "a.pdf");
}

}  // namespace
}  // namespace preflight::server
