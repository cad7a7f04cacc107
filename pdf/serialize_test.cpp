#include "pdf/serialize.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace preflight::pdf {
namespace {

using nlohmann::json;

Info sample() {
    Info info;
    info.damage = Damage::bad_pages;
    info.damage_detail = "1 of 2 pages unreadable; \"quoted\" \\ and\ttab";
    info.version = "1.7";
    info.encrypted = true;
    info.needs_password = false;
    info.encryption = "AES-256";
    info.declared_page_count = 1000;
    info.bytes = 5'000'000'000ULL;
    Page a;
    a.number = 1;
    a.ok = true;
    a.media = Box{0, 0, 595.2756, 841.8898};
    a.crop = Box{10.5, -3, 500, 800.125};
    a.rotate = 270;
    Page b;
    b.number = 2;
    b.ok = false;
    b.error = "MediaBox has 3 elements, expected 4";
    info.pages = {a, b};
    info.fonts_not_embedded = {Font{"Calibri", 1}, Font{"Sm\xc3\xb8rebr\xc3\xb8"
                                                        "d",
                                                        2}};
    info.text_scan = TextScan::partial;
    info.text_scan_detail = "1 of 2 pages incomplete; page 2: content: InvalidStream";
    info.person_ids = {PersonIdHit{1, "29129319060"}, PersonIdHit{2, "41018010001"}};
    return info;
}

TEST(Serialize, FixResultRoundTrip) {
    FixResult r;
    r.ok = true;
    r.error = "quote \" and \\ and \ttab";
    r.pages_in = 7;
    r.pages_out = 5;
    r.kept = 1;
    r.turned = 2;
    r.placed = 4;
    r.two_up = 2;
    r.rotated = 3;
    r.annotations = 9;
    const std::string text = to_json_text(r);
    const FixResult back = fix_result_from_json_text(text);
    EXPECT_TRUE(back.ok);
    EXPECT_EQ(back.error, r.error);
    EXPECT_EQ(back.pages_in, 7);
    EXPECT_EQ(back.pages_out, 5);
    EXPECT_EQ(back.kept, 1);
    EXPECT_EQ(back.turned, 2);
    EXPECT_EQ(back.placed, 4);
    EXPECT_EQ(back.two_up, 2);
    EXPECT_EQ(back.rotated, 3);
    EXPECT_EQ(back.annotations, 9);
    // Every key is written, and the text is JSON.
    const json j = json::parse(text);
    for (const char* key :
         {"ok", "error", "pages_in", "pages_out", "kept", "turned", "placed", "two_up", "rotated", "annotations"}) {
        EXPECT_TRUE(j.contains(key)) << key;
    }
}

TEST(Serialize, FixResultRefusesWhatIsNotOne) {
    const std::string whole = to_json_text(FixResult{});
    EXPECT_NO_THROW(fix_result_from_json_text(whole));
    EXPECT_THROW(fix_result_from_json_text(""), std::invalid_argument);
    EXPECT_THROW(fix_result_from_json_text(whole.substr(0, whole.size() - 1)), std::invalid_argument);
    EXPECT_THROW(fix_result_from_json_text("[]"), std::invalid_argument);
    json j = json::parse(whole);
    j.erase("annotations");
    EXPECT_THROW(fix_result_from_json_text(j.dump()), std::invalid_argument);
    j = json::parse(whole);
    j["kept"] = -1;
    EXPECT_THROW(fix_result_from_json_text(j.dump()), std::invalid_argument);
    j["kept"] = 4'000'000'000LL;
    EXPECT_THROW(fix_result_from_json_text(j.dump()), std::invalid_argument);
    j = json::parse(whole);
    j["ok"] = "yes";
    EXPECT_THROW(fix_result_from_json_text(j.dump()), std::invalid_argument);
}

TEST(Serialize, DamageNamesRoundTrip) {
    for (int d = 0; d <= static_cast<int>(Damage::internal); ++d) {
        const auto damage = static_cast<Damage>(d);
        const auto back = damage_from_name(damage_name(damage));
        ASSERT_TRUE(back.has_value()) << d;
        EXPECT_EQ(*back, damage);
    }
    EXPECT_EQ(damage_name(Damage::no_eof), "no_eof");
    EXPECT_FALSE(damage_from_name("exploded").has_value());
}

TEST(Serialize, TextScanNamesRoundTrip) {
    for (const TextScan s : {TextScan::not_requested, TextScan::complete, TextScan::partial, TextScan::failed}) {
        const auto back = text_scan_from_name(text_scan_name(s));
        ASSERT_TRUE(back.has_value());
        EXPECT_EQ(*back, s);
    }
    EXPECT_EQ(text_scan_name(TextScan::not_requested), "not_requested");
    EXPECT_FALSE(text_scan_from_name("done").has_value());
}

TEST(Serialize, PersonIdsAndTextScan) {
    const Info info = sample();
    const json j = to_json(info);
    EXPECT_EQ(j.at("text_scan"), "partial");
    EXPECT_EQ(j.at("text_scan_detail"), info.text_scan_detail);
    EXPECT_EQ(j.at("person_ids"), json::parse(R"([{"page":1,"id":"29129319060"},{"page":2,"id":"41018010001"}])"));
    for (const Info& back :
         {info_from_json(j), info_from_json_text(to_json_text(info)), info_from_json_text(to_json_text(info, true))}) {
        EXPECT_EQ(back.text_scan, TextScan::partial);
        EXPECT_EQ(back.text_scan_detail, info.text_scan_detail);
        ASSERT_EQ(back.person_ids.size(), 2U);
        EXPECT_EQ(back.person_ids[1].page, 2);
        EXPECT_EQ(back.person_ids[1].id, "41018010001");
    }
    // Absent keys: not requested, no hits (answers of older children, other writers).
    const Info bare = info_from_json_text(R"({"damage":"none"})");
    EXPECT_EQ(bare.text_scan, TextScan::not_requested);
    EXPECT_TRUE(bare.person_ids.empty());
    EXPECT_EQ(to_json(info_from_json(json::parse(R"({"damage":"none"})"))).at("text_scan"), "not_requested");
    // Unknown keys inside a hit are skipped.
    const Info extra =
        info_from_json_text(R"({"damage":"none","person_ids":[{"page":3,"id":"29129319060","kind":"fnr"}]})");
    ASSERT_EQ(extra.person_ids.size(), 1U);
    EXPECT_EQ(extra.person_ids[0].page, 3);
}

TEST(Serialize, TreeRoundTrip) {
    const Info info = sample();
    const json j = to_json(info);
    EXPECT_EQ(j.at("damage"), "bad_pages");
    EXPECT_EQ(j.at("pages").at(1).at("error"), "MediaBox has 3 elements, expected 4");
    EXPECT_FALSE(j.at("pages").at(0).contains("error"));
    EXPECT_EQ(to_json(info_from_json(j)), j);
}

TEST(Serialize, TextFormIsTheSameJson) {
    const Info info = sample();
    const std::string text = to_json_text(info);
    EXPECT_EQ(json::parse(text), to_json(info));
    EXPECT_EQ(to_json(info_from_json_text(text)), to_json(info));
    EXPECT_EQ(to_json(info_from_json_text(to_json(info).dump())), to_json(info));

    const Info empty;
    EXPECT_EQ(json::parse(to_json_text(empty)), to_json(empty));
    EXPECT_EQ(to_json(info_from_json_text(to_json_text(empty))), to_json(empty));
}

TEST(Serialize, CollapsedRunsRoundTrip) {
    Info info = sample();
    // Runs of like pages, a page that differs, then another run.
    const std::size_t n = info.pages.size();
    for (int i = 0; i < 5; ++i) {
        Page p;
        p.number = static_cast<int>(n) + i + 1;
        p.ok = true;
        p.media = Box{0, 0, 595, 842};
        p.crop = p.media;
        if (i == 2) {
            p.rotate = 90;
        }
        info.pages.push_back(p);
    }
    const std::string collapsed = to_json_text(info, true);
    EXPECT_NE(collapsed.find("\"repeat\":"), std::string::npos);
    EXPECT_LT(collapsed.size(), to_json_text(info).size());
    EXPECT_EQ(to_json(info_from_json_text(collapsed)), to_json(info));

    Info same;
    for (int i = 1; i <= 10000; ++i) {
        Page p;
        p.number = i;
        p.ok = true;
        p.media = Box{0, 0, 595, 842};
        p.crop = p.media;
        same.pages.push_back(p);
    }
    const std::string one = to_json_text(same, true);
    EXPECT_LT(one.size(), 400U);
    EXPECT_EQ(to_json(info_from_json_text(one)), to_json(same));
    EXPECT_THROW(info_from_json_text(R"({"damage":"none","pages":[{"number":1,"repeat":-1}]})"), std::invalid_argument);
}

TEST(Serialize, TextFormRepairsInvalidUtf8) {
    Info info;
    info.damage_detail = std::string("bad \xff\xfe byte, control \x01, ok \xc3\xa6");
    const std::string text = to_json_text(info);
    const json j = json::parse(text);  // valid JSON
    EXPECT_EQ(j.at("damage_detail"), "bad \xef\xbf\xbd\xef\xbf\xbd byte, control \x01, ok \xc3\xa6");
}

TEST(Serialize, UnknownKeysAreSkipped) {
    const std::string text =
        R"({"future":{"a":[1,{"b":2}],"c":null},"damage":"none","pages":[{"number":1,"ok":true,)"
        R"("media":[0,0,595,842],"crop":[0,0,595,842],"rotate":0,"extra":[[1],{"x":"y"}]}],"also":[1,2]})";
    const Info info = info_from_json_text(text);
    ASSERT_EQ(info.pages.size(), 1U);
    EXPECT_DOUBLE_EQ(info.pages[0].media.ury, 842);
    EXPECT_EQ(to_json(info), to_json(info_from_json(json::parse(text))));
}

TEST(Serialize, RejectsMalformedInput) {
    for (const char* text : {"",
                             "{",
                             "[]",
                             "5",
                             R"({"damage":"exploded"})",
                             R"({"version":"1.4"})",
                             R"({"damage":"none","pages":{}})",
                             R"({"damage":"none","pages":[{"media":[0,0,1]}]})",
                             R"({"damage":"none","pages":[{"ok":"yes"}]})",
                             R"({"damage":"none","bytes":-1})",
                             R"({"damage":"none","pages":[1]})",
                             R"({"damage":"none"} trailing)",
                             R"({"damage":"none","declared_page_count":1.5})",
                             R"({"damage":"none","text_scan":"done"})",
                             R"({"damage":"none","text_scan":1})",
                             R"({"damage":"none","person_ids":{}})",
                             R"({"damage":"none","person_ids":[{"page":"1"}]})",
                             R"({"damage":"none","person_ids":[{"id":11}]})",
                             R"({"damage":"none","person_ids":[7]})",
                             R"({"damage":"none","text_scan_detail":[]})"}) {
        EXPECT_THROW((void)info_from_json_text(text), std::invalid_argument) << text;
        json j;
        try {
            j = json::parse(text);
        } catch (const json::exception&) {
            continue;  // not JSON at all: nothing for info_from_json to reject
        }
        EXPECT_THROW((void)info_from_json(j), std::invalid_argument) << text;
    }
}

}  // namespace
}  // namespace preflight::pdf
