// The streaming multipart parser: any split of the input gives the same parts.
#include "server/multipart.hpp"
#include "validator/catalogue.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace preflight::server {
namespace {

struct Collected : PartSink {
    struct P {
        PartHeaders h;
        std::string body;
        bool ended = false;
    };
    std::vector<P> parts;
    void begin(const PartHeaders& h) override { parts.push_back({h, "", false}); }
    void data(std::string_view b) override { parts.back().body.append(b); }
    void end() override { parts.back().ended = true; }
};

const std::string kBody =
    "preamble to ignore\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"manifest\"\r\n"
    "Content-Type: application/json\r\n\r\n"
    "{\"a\": 1}\r\n"
    "--XyZ  \r\n"
    "content-disposition: form-data; name=\"doc\"; filename=\"Vedtak \\\"ny\\\".pdf\"\r\n\r\n"
    "%PDF-1.4\r\n--XyY\r\n\r\n--XY\r\n-XyZ\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"x\"; filename=\"a.pdf\"; filename*=UTF-8''%C3%A6%C3%B8%C3%A5.pdf\r\n\r\n"
    "\r\n"
    "--XyZ--\r\nepilogue";

void check(const Collected& c) {
    ASSERT_EQ(c.parts.size(), 3U);
    EXPECT_EQ(c.parts[0].h.name, "manifest");
    EXPECT_FALSE(c.parts[0].h.filename);
    EXPECT_EQ(c.parts[0].h.content_type, "application/json");
    EXPECT_EQ(c.parts[0].body, "{\"a\": 1}");
    EXPECT_EQ(c.parts[1].h.filename.value_or(""), "Vedtak \"ny\".pdf");
    EXPECT_EQ(c.parts[1].body, "%PDF-1.4\r\n--XyY\r\n\r\n--XY\r\n-XyZ");
    EXPECT_EQ(c.parts[2].h.filename.value_or(""), "æøå.pdf");
    EXPECT_EQ(c.parts[2].body, "");
    for (const auto& p : c.parts) {
        EXPECT_TRUE(p.ended);
    }
}

TEST(Multipart, BrowserEscapesInFileNames) {
    // A browser's form: `"` as %22 (the HTML standard), other escapes kept as they are.
    Collected b;
    MultipartParser browser("X", b);
    browser.feed(
        "--X\r\nContent-Disposition: form-data; name=\"document\"; filename=\"brev %22endelig%22 100%.pdf\"\r\n\r\n"
        "x\r\n--X--\r\n");
    browser.finish();
    ASSERT_EQ(b.parts.size(), 1U);
    EXPECT_EQ(b.parts[0].h.filename.value_or(""), "brev \"endelig\" 100%.pdf");
}

TEST(Multipart, AllAtOnce) {
    Collected c;
    MultipartParser parser("XyZ", c);
    parser.feed(kBody);
    parser.finish();
    check(c);
}

TEST(Multipart, EverySplitPointGivesTheSameParts) {
    for (std::size_t cut = 1; cut < kBody.size(); ++cut) {
        Collected c;
        MultipartParser parser("XyZ", c);
        parser.feed(kBody.substr(0, cut));
        parser.feed(kBody.substr(cut));
        parser.finish();
        SCOPED_TRACE(cut);
        check(c);
    }
}

TEST(Multipart, ByteByByte) {
    Collected c;
    MultipartParser parser("XyZ", c);
    for (const char ch : kBody) {
        parser.feed(std::string_view(&ch, 1));
    }
    parser.finish();
    check(c);
}

TEST(Multipart, BodyStartingWithTheDelimiter) {
    Collected c;
    MultipartParser parser("b", c);
    parser.feed("--b\r\nContent-Disposition: form-data; name=\"m\"\r\n\r\nv\r\n--b--");
    parser.finish();
    ASSERT_EQ(c.parts.size(), 1U);
    EXPECT_EQ(c.parts[0].body, "v");
}

TEST(Multipart, MalformedInputIsAnError) {
    const auto fails = [](const std::string& body, MultipartLimits limits = {}) {
        Collected c;
        MultipartParser parser("b", c, limits);
        try {
            parser.feed(body);
            parser.finish();
        } catch (const MultipartError& e) {
            // Why, as a phrase the catalogue words in the gate's language (no English
            // detail in a bokmål answer).
            const std::string nb = catalogue::text("gate.error.multipart", Lang::nb, {{"detail", e.what()}});
            EXPECT_TRUE(std::string_view(e.what()).starts_with("\xEE\x80\x83")) << e.what();
            EXPECT_EQ(nb.find("\xEE\x80"), std::string::npos) << nb;
            return true;
        }
        return false;
    };
    EXPECT_TRUE(fails(""));
    EXPECT_TRUE(fails("no delimiter at all"));
    EXPECT_TRUE(fails("--b\r\nContent-Disposition: form-data; name=\"m\"\r\n\r\nv"));        // not closed
    EXPECT_TRUE(fails("--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--"));                 // no disposition
    EXPECT_TRUE(fails("--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--"));           // no name
    EXPECT_TRUE(fails("--b\r\nContent-Disposition: attachment; name=x\r\n\r\nv\r\n--b--"));  // not form-data
    EXPECT_TRUE(fails("--bX\r\n"));                                                          // junk after delimiter
    EXPECT_TRUE(fails("--b\r\nX-Long: " + std::string(20000, 'a') + "\r\n\r\n--b--"));       // header cap
    // Readers differ on which of two headers they take, and on folded lines: refused.
    EXPECT_TRUE(
        fails("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n"
              "Content-Disposition: form-data; name=\"sbd\"\r\n\r\nv\r\n--b--"));
    EXPECT_TRUE(
        fails("--b\r\nContent-Disposition: form-data; name=\"a\"\r\nContent-Type: a/b\r\n"
              "Content-Type: c/d\r\n\r\nv\r\n--b--"));
    EXPECT_TRUE(fails("--b\r\nContent-Disposition: form-data; name=\"a\";\r\n filename=\"x:y.pdf\"\r\n\r\nv\r\n--b--"));
    std::string many;
    for (int i = 0; i < 5; ++i) {
        many += "--b\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nv\r\n";
    }
    EXPECT_TRUE(fails(many + "--b--", MultipartLimits{.max_parts = 4}));
    EXPECT_FALSE(fails(many + "--b--", MultipartLimits{.max_parts = 5}));
}

TEST(Multipart, Boundary) {
    EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc").value_or(""), "abc");
    EXPECT_EQ(multipart_boundary("Multipart/Form-Data;boundary=\"a b:c\"").value_or(""), "a b:c");
    EXPECT_FALSE(multipart_boundary("application/json"));
    EXPECT_FALSE(multipart_boundary("multipart/form-data"));
    EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'a')));
    EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=----WebKitFormBoundaryx1").value_or(""),
              "----WebKitFormBoundaryx1");
    // Tomcat splits at ',' and takes the last of two: another boundary than the gate's.
    EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=a,b"));
    EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=a; boundary=b"));
    EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=a, BOUNDARY=b"));
    EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary*=UTF-8''a; boundary=b"));
    EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=\"=?UTF-8?Q?b?=\""));
    EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=b; x=a/b"));  // Spring cannot parse it
    EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary =b"));
    EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=\"b\"x"));
    EXPECT_EQ(multipart_boundary("multipart/form-data; charset=UTF-8; BOUNDARY=b").value_or(""), "b");
}

TEST(Multipart, HeaderParameter) {
    EXPECT_EQ(header_parameter("attachment; name=Vedtak; filename=\"v.pdf\"", "filename").value_or(""), "v.pdf");
    EXPECT_EQ(header_parameter("attachment; name=Vedtak; filename=\"v.pdf\"", "name").value_or(""), "Vedtak");
    EXPECT_EQ(
        header_parameter("attachment; filename*=UTF-8''Brev%20%C3%A5.pdf; filename=x.pdf", "filename").value_or(""),
        "Brev å.pdf");
    EXPECT_FALSE(header_parameter("attachment", "filename"));
}

}  // namespace
}  // namespace preflight::server
