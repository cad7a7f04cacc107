// The gate's state store: the codec's round trip of every field, the SQLite file
// surviving a restart and a kill -9, the limits (expiry and eviction order), and
// the files it refuses.
#include "server/state_store.hpp"

#include "pdf/pdf_info.hpp"
#include "pdf/serialize.hpp"
#include "server/tempfiles.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace preflight::server {
namespace {

namespace fs = std::filesystem;

fs::path fixture(const std::string& name) { return fs::path(PREFLIGHT_SOURCE_DIR) / "fixtures" / "pdf" / name; }

constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kT0 = 1'700'000'000'000;  // a fixed "now": no test reads the clock

void expect_box_eq(const pdf::Box& a, const pdf::Box& b) {
    EXPECT_EQ(a.llx, b.llx);
    EXPECT_EQ(a.lly, b.lly);
    EXPECT_EQ(a.urx, b.urx);
    EXPECT_EQ(a.ury, b.ury);
}

// Every field of pdf::Info, which has no operator==.
void expect_info_eq(const pdf::Info& a, const pdf::Info& b) {
    EXPECT_EQ(a.damage, b.damage);
    EXPECT_EQ(a.damage_detail, b.damage_detail);
    EXPECT_EQ(a.version, b.version);
    EXPECT_EQ(a.encrypted, b.encrypted);
    EXPECT_EQ(a.needs_password, b.needs_password);
    EXPECT_EQ(a.encryption, b.encryption);
    EXPECT_EQ(a.declared_page_count, b.declared_page_count);
    ASSERT_EQ(a.pages.size(), b.pages.size());
    for (std::size_t i = 0; i < a.pages.size(); ++i) {
        EXPECT_EQ(a.pages[i].number, b.pages[i].number);
        EXPECT_EQ(a.pages[i].ok, b.pages[i].ok);
        EXPECT_EQ(a.pages[i].error, b.pages[i].error);
        expect_box_eq(a.pages[i].media, b.pages[i].media);
        expect_box_eq(a.pages[i].crop, b.pages[i].crop);
        EXPECT_EQ(a.pages[i].rotate, b.pages[i].rotate);
    }
    ASSERT_EQ(a.fonts_not_embedded.size(), b.fonts_not_embedded.size());
    for (std::size_t i = 0; i < a.fonts_not_embedded.size(); ++i) {
        EXPECT_EQ(a.fonts_not_embedded[i].name, b.fonts_not_embedded[i].name);
        EXPECT_EQ(a.fonts_not_embedded[i].first_page, b.fonts_not_embedded[i].first_page);
    }
    EXPECT_EQ(a.bytes, b.bytes);
    EXPECT_EQ(a.text_scan, b.text_scan);
    EXPECT_EQ(a.text_scan_detail, b.text_scan_detail);
    ASSERT_EQ(a.person_ids.size(), b.person_ids.size());
    for (std::size_t i = 0; i < a.person_ids.size(); ++i) {
        EXPECT_EQ(a.person_ids[i].page, b.person_ids[i].page);
        EXPECT_EQ(a.person_ids[i].id, b.person_ids[i].id);
    }
    ASSERT_EQ(a.content_boxes.size(), b.content_boxes.size());
    for (std::size_t i = 0; i < a.content_boxes.size(); ++i) {
        EXPECT_EQ(a.content_boxes[i].page, b.content_boxes[i].page);
        expect_box_eq(a.content_boxes[i].box, b.content_boxes[i].box);
    }
}

void expect_document_eq(const Document& a, const Document& b) {
    EXPECT_EQ(a.file, b.file);
    EXPECT_EQ(a.path, b.path);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.role, b.role);
    EXPECT_EQ(a.gathered, b.gathered);
    EXPECT_EQ(a.readable, b.readable);
    EXPECT_EQ(a.io_error, b.io_error);
    EXPECT_EQ(a.bytes, b.bytes);
    EXPECT_EQ(a.type, b.type);
    ASSERT_EQ(a.pdf.has_value(), b.pdf.has_value());
    if (a.pdf) {
        expect_info_eq(*a.pdf, *b.pdf);
    }
    ASSERT_EQ(a.docx.has_value(), b.docx.has_value());
    if (a.docx) {
        ASSERT_EQ(a.docx->sections.size(), b.docx->sections.size());
        for (std::size_t i = 0; i < a.docx->sections.size(); ++i) {
            const auto& x = a.docx->sections[i];
            const auto& y = b.docx->sections[i];
            EXPECT_EQ(x.section, y.section);
            EXPECT_EQ(x.has_size, y.has_size);
            EXPECT_EQ(x.width_twips, y.width_twips);
            EXPECT_EQ(x.height_twips, y.height_twips);
            EXPECT_EQ(x.orient, y.orient);
        }
        EXPECT_EQ(a.docx->truncated, b.docx->truncated);
        EXPECT_EQ(a.docx->error, b.docx->error);
    }
    EXPECT_EQ(a.text_searched, b.text_searched);
    ASSERT_EQ(a.person_ids.size(), b.person_ids.size());
    for (std::size_t i = 0; i < a.person_ids.size(); ++i) {
        EXPECT_EQ(a.person_ids[i].page, b.person_ids[i].page);
        EXPECT_EQ(a.person_ids[i].id, b.person_ids[i].id);
    }
}

void expect_finding_eq(const Finding& a, const Finding& b) {
    EXPECT_EQ(a.code, b.code);
    EXPECT_EQ(a.check, b.check);
    EXPECT_EQ(a.severity, b.severity);
    EXPECT_EQ(a.document, b.document);
    EXPECT_EQ(a.page, b.page);
    EXPECT_EQ(a.recipient, b.recipient);
    EXPECT_EQ(a.message_id, b.message_id);
    EXPECT_EQ(a.remedy_id, b.remedy_id);
    EXPECT_EQ(a.args, b.args);
}

void expect_message_eq(const StoredMessage& a, const StoredMessage& b) {
    EXPECT_EQ(a.message_id, b.message_id);
    EXPECT_EQ(a.sbd_json, b.sbd_json);
    ASSERT_EQ(a.documents.size(), b.documents.size());
    for (std::size_t i = 0; i < a.documents.size(); ++i) {
        SCOPED_TRACE("document " + a.documents[i].file);
        expect_document_eq(a.documents[i], b.documents[i]);
    }
    ASSERT_EQ(a.refused.size(), b.refused.size());
    for (std::size_t i = 0; i < a.refused.size(); ++i) {
        expect_finding_eq(a.refused[i], b.refused[i]);
    }
    EXPECT_EQ(a.refused_uploads, b.refused_uploads);
    EXPECT_EQ(a.refused_requests, b.refused_requests);
    EXPECT_EQ(a.outcome_unknown, b.outcome_unknown);
    EXPECT_EQ(a.multipart, b.multipart);
    EXPECT_EQ(a.unknown_since_ms, b.unknown_since_ms);
    EXPECT_EQ(a.touched_ms, b.touched_ms);
    EXPECT_EQ(a.finished_ms, b.finished_ms);
}

Document pdf_document(const std::string& name, const pdf::AnalyzeOptions& options = {}) {
    Document d;
    d.file = name;
    d.path = fixture(name);
    d.name = fs::path(name).stem().string();
    d.role = Role::main;
    d.gathered = true;
    d.readable = true;
    d.bytes = fs::file_size(d.path);
    d.type = "application/pdf";
    d.pdf = pdf::analyze(d.path, options);
    return d;
}

StoredMessage message(const std::string& id, std::int64_t touched, std::int64_t finished = 0, bool unknown = false) {
    StoredMessage m;
    m.message_id = id;
    m.sbd_json =
        R"({"standardBusinessDocumentHeader":{"documentIdentification":{"instanceIdentifier":")" + id + R"("}}})";
    m.touched_ms = touched;
    m.finished_ms = finished;
    m.outcome_unknown = unknown;
    m.unknown_since_ms = unknown ? touched : 0;
    return m;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// ---------------------------------------------------------------- codec

TEST(StateStoreCodec, RoundTripsPdfDocumentsFromRealFixtures) {
    StoredMessage m = message("pdfs", kT0);
    m.documents.push_back(pdf_document("rotate.pdf"));
    m.documents.push_back(pdf_document("fonts.pdf"));
    m.documents.push_back(
        pdf_document("text_fnr_type0.pdf", pdf::AnalyzeOptions{.find_person_ids = true, .find_content_boxes = true}));
    m.documents.push_back(pdf_document("truncated.pdf"));
    m.documents[0].path.clear();  // as the gate keeps it: the file is gone
    m.documents[1].role = Role::attachment;

    // The fixtures give what this test means to check: otherwise it would pass
    // on an Info of defaults whatever the codec drops.
    const pdf::Info& rotate = *m.documents[0].pdf;
    ASSERT_FALSE(rotate.pages.empty());
    ASSERT_TRUE(std::any_of(rotate.pages.begin(), rotate.pages.end(), [](const auto& p) { return p.rotate != 0; }));
    ASSERT_FALSE(m.documents[1].pdf->fonts_not_embedded.empty());
    const pdf::Info& scanned = *m.documents[2].pdf;
    ASSERT_EQ(scanned.text_scan, pdf::TextScan::complete);
    ASSERT_FALSE(scanned.person_ids.empty());
    ASSERT_FALSE(scanned.content_boxes.empty());
    ASSERT_NE(m.documents[3].pdf->damage, pdf::Damage::none);

    const std::string text = encode(m);
    const StoredMessage back = decode(text);
    expect_message_eq(m, back);
    EXPECT_EQ(encode(back), text);

    ASSERT_EQ(back.documents.size(), 4U);
    EXPECT_TRUE(back.documents[0].path.empty());
    EXPECT_EQ(back.documents[1].path, fixture("fonts.pdf"));
    EXPECT_EQ(back.documents[0].role, Role::main);
    EXPECT_EQ(back.documents[1].role, Role::attachment);
    ASSERT_TRUE(back.documents[0].pdf);
    ASSERT_EQ(back.documents[0].pdf->pages.size(), rotate.pages.size());
    EXPECT_EQ(back.documents[0].pdf->pages.back().crop.urx, rotate.pages.back().crop.urx);
    EXPECT_EQ(back.documents[0].pdf->pages.back().rotate, rotate.pages.back().rotate);
    EXPECT_EQ(back.documents[2].pdf->person_ids.at(0).id, scanned.person_ids.at(0).id);
    EXPECT_EQ(back.documents[2].pdf->content_boxes.at(0).box.ury, scanned.content_boxes.at(0).box.ury);
    EXPECT_EQ(back.documents[3].pdf->damage, m.documents[3].pdf->damage);
    EXPECT_EQ(back.documents[3].bytes, m.documents[3].bytes);
}

TEST(StateStoreCodec, RoundTripsDocxLayoutAndPersonIds) {
    StoredMessage m = message("docx", kT0);
    Document d;
    d.file = "brev.docx";
    d.path = "/tmp/gate/body-abc";
    d.name = "Brev";
    d.role = Role::main;
    d.gathered = true;
    d.readable = true;
    d.bytes = 12345;
    d.type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    doctext::DocxLayout layout;
    layout.sections.push_back(
        {.section = 1, .has_size = true, .width_twips = 11906, .height_twips = 16838, .orient = ""});
    layout.sections.push_back(
        {.section = 2, .has_size = true, .width_twips = 16838, .height_twips = 11906, .orient = "landscape"});
    layout.sections.push_back({.section = 3, .has_size = false, .orient = "portrait"});
    layout.truncated = true;
    layout.error = "word/document.xml: too many elements";
    d.docx = layout;
    d.text_searched = true;
    d.person_ids = {{.page = 2, .id = "29129319060"}, {.page = std::nullopt, .id = "01010112345"}};
    m.documents.push_back(d);

    Document unreadable;
    unreadable.file = "borte.pdf";
    unreadable.name = "borte";
    unreadable.gathered = true;
    unreadable.io_error = "missing";
    m.documents.push_back(unreadable);

    const StoredMessage back = decode(encode(m));
    expect_message_eq(m, back);
    EXPECT_EQ(encode(back), encode(m));
    ASSERT_EQ(back.documents.size(), 2U);
    ASSERT_TRUE(back.documents[0].docx);
    ASSERT_EQ(back.documents[0].docx->sections.size(), 3U);
    EXPECT_EQ(back.documents[0].docx->sections[1].width_twips, 16838);
    EXPECT_EQ(back.documents[0].docx->sections[1].orient, "landscape");
    EXPECT_FALSE(back.documents[0].docx->sections[2].has_size);
    EXPECT_TRUE(back.documents[0].docx->truncated);
    EXPECT_FALSE(back.documents[0].pdf);
    ASSERT_EQ(back.documents[0].person_ids.size(), 2U);
    EXPECT_EQ(back.documents[0].person_ids[0].page, 2);
    EXPECT_FALSE(back.documents[0].person_ids[1].page);
    EXPECT_EQ(back.documents[0].person_ids[1].id, "01010112345");
    EXPECT_FALSE(back.documents[1].readable);
    EXPECT_EQ(back.documents[1].io_error, "missing");
    EXPECT_FALSE(back.documents[1].docx);
}

TEST(StateStoreCodec, RoundTripsFindingsAndTheMessagesOwnFields) {
    StoredMessage m = message("findings", kT0 + 5, kT0 + 9, true);
    m.unknown_since_ms = kT0 + 7;
    m.multipart = true;
    m.refused_uploads = {"vedlegg.exe", "-"};
    m.refused_requests = 3;
    Finding full;
    full.code = "DP301";
    full.check = "page-format";
    full.severity = Severity::warn;
    full.document = "brev.pdf";
    full.page = 4;
    full.recipient = 0;
    full.message_id = "page-format.not-a4";
    full.remedy_id = "page-format.export-a4";
    full.args = {{"width", "210"}, {"height", "297"}, {"width", "again"}, {"a", "æøå \"quoted\""}};
    m.refused.push_back(full);
    Finding bare;
    bare.code = "DP101";
    bare.check = "file-type";
    bare.message_id = "file-type.unknown";
    m.refused.push_back(bare);
    Finding info;
    info.severity = Severity::info;
    m.refused.push_back(info);

    const StoredMessage back = decode(encode(m));
    expect_message_eq(m, back);
    ASSERT_EQ(back.refused.size(), 3U);
    EXPECT_EQ(back.refused[0].severity, Severity::warn);
    EXPECT_EQ(back.refused[0].page, 4);
    EXPECT_EQ(back.refused[0].recipient, 0);  // 0 is a value, not "absent"
    EXPECT_EQ(back.refused[0].args.at(2), (std::pair<std::string, std::string>{"width", "again"}));
    EXPECT_EQ(back.refused[1].severity, Severity::block);
    EXPECT_FALSE(back.refused[1].document);
    EXPECT_FALSE(back.refused[1].page);
    EXPECT_FALSE(back.refused[1].recipient);
    EXPECT_EQ(back.refused[2].severity, Severity::info);
    EXPECT_EQ(back.refused_uploads, m.refused_uploads);
    EXPECT_EQ(back.refused_requests, 3U);
    EXPECT_TRUE(back.multipart);
    EXPECT_TRUE(back.outcome_unknown);
    EXPECT_EQ(back.unknown_since_ms, kT0 + 7);
    EXPECT_EQ(back.finished_ms, kT0 + 9);
}

TEST(StateStoreCodec, RefusesUnreadableTextAndOtherVersions) {
    const std::string good = encode(message("x", kT0));
    EXPECT_NO_THROW((void)decode(good));
    EXPECT_THROW((void)decode(""), std::invalid_argument);
    EXPECT_THROW((void)decode("{not json"), std::invalid_argument);
    EXPECT_THROW((void)decode("[]"), std::invalid_argument);
    std::string v2 = good;
    ASSERT_NE(v2.find("\"v\":1"), std::string::npos);
    v2.replace(v2.find("\"v\":1"), 5, "\"v\":2");
    EXPECT_THROW((void)decode(v2), std::invalid_argument);
    // A key missing, or of the wrong type.
    std::string no_id = good;
    no_id.replace(no_id.find("\"id\""), 4, "\"xx\"");
    EXPECT_THROW((void)decode(no_id), std::invalid_argument);
    std::string bad_type = good;
    bad_type.replace(bad_type.find("\"multipart\":false"), 17, "\"multipart\":\"no\"");
    EXPECT_THROW((void)decode(bad_type), std::invalid_argument);
}

TEST(StateStoreCodec, BytesThatAreNotUtf8BecomeReplacementCharacters) {
    StoredMessage m = message("utf8", kT0);
    m.refused_uploads = {std::string("brev\xff.pdf")};
    const StoredMessage back = decode(encode(m));
    EXPECT_EQ(back.refused_uploads.at(0), "brev\xef\xbf\xbd.pdf");
}

// ---------------------------------------------------------------- file store

TEST(StateStoreFile, SurvivesARestartAndIsPrivate) {
    const TempDir dir(fs::temp_directory_path(), "state-store-test-");
    const fs::path file = dir.path() / "state.db";
    StoredMessage m = message("restart", kT0);
    m.documents.push_back(pdf_document("rotate.pdf"));
    {
        const auto store = open_sqlite_store(file, {});
        EXPECT_EQ(store->where(), file.string());
        EXPECT_TRUE(store->save(m, kT0).empty());
    }
    const auto store = open_sqlite_store(file, {});
    const auto back = store->load("restart", kT0 + 1);
    ASSERT_TRUE(back);
    expect_message_eq(m, *back);
    const StoreStats stats = store->stats();
    EXPECT_EQ(stats.open, 1U);
    EXPECT_EQ(stats.bytes, encode(m).size());  // the running total is read again at open
    EXPECT_FALSE(store->load("other", kT0 + 1));
}

TEST(StateStoreFile, IsMadeWithMode0600WhateverTheUmask) {
    const TempDir dir(fs::temp_directory_path(), "state-store-test-");
    // 0: nothing taken away from the mode asked for; 0277: even the owner's write bit.
    for (const mode_t mask : {mode_t{0}, mode_t{0277}}) {
        const fs::path file = dir.path() / ("state-" + std::to_string(mask) + ".db");
        const mode_t old_umask = ::umask(mask);
        try {
            const auto store = open_sqlite_store(file, {});
            store->save(message("m", kT0), kT0);
        } catch (const std::exception& e) {
            ADD_FAILURE() << "umask " << mask << ": " << e.what();
        }
        ::umask(old_umask);
        struct stat st {};
        ASSERT_EQ(::stat(file.c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 07777, 0600U) << "umask " << mask;
    }
}

TEST(StateStoreFile, SurvivesAKill9RightAfterSave) {
    const TempDir dir(fs::temp_directory_path(), "state-store-test-");
    const fs::path file = dir.path() / "state.db";
    const StoredMessage m = message("killed", kT0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // Only the store, then SIGKILL: no destructor, no atexit, no close.
        try {
            const auto store = open_sqlite_store(file, {});
            store->save(m, kT0);
        } catch (...) {
            ::_exit(3);
        }
        ::raise(SIGKILL);
        ::_exit(4);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
    ASSERT_EQ(WTERMSIG(status), SIGKILL);

    const auto store = open_sqlite_store(file, {});
    const auto back = store->load("killed", kT0);
    ASSERT_TRUE(back);
    expect_message_eq(m, *back);
}

TEST(StateStoreFile, RefusesAFileThatIsNotADatabase) {
    const TempDir dir(fs::temp_directory_path(), "state-store-test-");
    const fs::path file = dir.path() / "not-a-db.txt";
    std::ofstream(file) << "This is a text file, long enough to have a header of a hundred bytes or so. "
                           "It is not a SQLite database, and opening it must say so.\n";
    try {
        (void)open_sqlite_store(file, {});
        FAIL() << "opened a text file";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    }
}

// A database made outside the store, with `sql` run in it.
void make_database(const fs::path& file, const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
}

TEST(StateStoreFile, RefusesAnotherSchemaVersionAndAForeignDatabase) {
    const TempDir dir(fs::temp_directory_path(), "state-store-test-");
    const fs::path newer = dir.path() / "newer.db";
    {
        const auto store = open_sqlite_store(newer, {});
        store->save(message("m", kT0), kT0);
    }
    make_database(newer, "PRAGMA user_version=2");
    try {
        (void)open_sqlite_store(newer, {});
        FAIL() << "opened a store of another version";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(newer.string()), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("version 2"), std::string::npos) << e.what();
    }

    const fs::path foreign = dir.path() / "foreign.db";
    make_database(foreign, "CREATE TABLE t(x)");
    try {
        (void)open_sqlite_store(foreign, {});
        FAIL() << "opened another program's database";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(foreign.string()), std::string::npos) << e.what();
    }
}

TEST(StateStoreFile, ASecondStoreOnTheSameFileFailsToOpen) {
    const TempDir dir(fs::temp_directory_path(), "state-store-test-");
    const fs::path file = dir.path() / "state.db";
    auto first = open_sqlite_store(file, {});
    first->save(message("m", kT0), kT0);
    EXPECT_THROW((void)open_sqlite_store(file, {}), std::runtime_error);
    EXPECT_TRUE(first->load("m", kT0));
    // Also while the first has only opened an existing store, and written nothing yet.
    first.reset();
    const auto reopened = open_sqlite_store(file, {});
    try {
        (void)open_sqlite_store(file, {});
        ADD_FAILURE() << "a second store opened the file";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    }
    EXPECT_TRUE(reopened->load("m", kT0));
}

TEST(StateStoreFile, ThrowsNamingTheFileWhenItCannotBeCreated) {
    const fs::path file = fs::path("/nonexistent-dir-for-state-store-test") / "state.db";
    try {
        (void)open_sqlite_store(file, {});
        FAIL() << "opened a file in a missing directory";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    }
}

// ---------------------------------------------------------------- limits

TEST(StateStoreLimits, MaxMessagesEvictsFinishedThenOpenThenUnknownNeverTheOneSaved) {
    const auto store = open_sqlite_store({}, StoreLimits{.max_messages = 6});
    EXPECT_EQ(store->where(), "memory");
    // Saved out of order, so that neither insertion order nor id order is the answer.
    EXPECT_TRUE(store->save(message("unknown-old", kT0 + 1, 0, true), kT0 + 10).empty());
    EXPECT_TRUE(store->save(message("open-new", kT0 + 6), kT0 + 10).empty());
    EXPECT_TRUE(store->save(message("finished-new", kT0 + 2, kT0 + 8), kT0 + 10).empty());
    EXPECT_TRUE(store->save(message("open-old", kT0 + 3), kT0 + 10).empty());
    EXPECT_TRUE(store->save(message("finished-old", kT0 + 4, kT0 + 5), kT0 + 10).empty());
    EXPECT_TRUE(store->save(message("unknown-new", kT0 + 7, 0, true), kT0 + 10).empty());

    using V = std::vector<std::string>;
    EXPECT_EQ(store->save(message("a", kT0 + 9), kT0 + 10), V{"finished-old"});
    EXPECT_EQ(store->save(message("b", kT0 + 9), kT0 + 10), V{"finished-new"});
    EXPECT_EQ(store->save(message("c", kT0 + 9), kT0 + 10), V{"open-old"});
    EXPECT_EQ(store->save(message("d", kT0 + 9), kT0 + 10), V{"open-new"});
    // Only unknown ones and a, b, c, d (touched at +9) are left: the open ones go first.
    EXPECT_EQ(store->save(message("e", kT0 + 10), kT0 + 10).size(), 1U);
    StoreStats stats = store->stats();
    EXPECT_EQ(stats.unknown, 2U);
    EXPECT_EQ(stats.open, 4U);
    EXPECT_EQ(stats.finished, 0U);
    EXPECT_TRUE(store->load("unknown-old", kT0 + 10));

    // With nothing else to go, the unknown ones go, the oldest first; the one saved stays
    // even when it is itself the oldest.
    const auto tiny = open_sqlite_store({}, StoreLimits{.max_messages = 2});
    tiny->save(message("u1", kT0 + 1, 0, true), kT0 + 10);
    tiny->save(message("u2", kT0 + 2, 0, true), kT0 + 10);
    EXPECT_EQ(tiny->save(message("u0", kT0, 0, true), kT0 + 10), V{"u1"});
    EXPECT_TRUE(tiny->load("u0", kT0 + 10));
    EXPECT_TRUE(tiny->load("u2", kT0 + 10));
    // Saving an existing id again is no new message: nothing goes.
    EXPECT_TRUE(tiny->save(message("u2", kT0 + 3, 0, true), kT0 + 10).empty());
    EXPECT_EQ(tiny->stats().unknown, 2U);
}

TEST(StateStoreLimits, MaxBytesEvictsInTheSameOrderAndKeepsTheTotal) {
    const StoredMessage m1 = message("m1", kT0 + 1);
    const StoredMessage m2 = message("m2", kT0 + 2, kT0 + 3);
    const StoredMessage m3 = message("m3", kT0 + 3, 0, true);
    const StoredMessage m4 = message("m4", kT0 + 4);
    const StoredMessage m5 = message("m5", kT0 + 5);
    const StoredMessage m6 = message("m6", kT0 + 6);
    const auto size = [](const StoredMessage& m) { return encode(m).size(); };
    // Room for three messages of about this size, not four.
    const std::size_t about = size(m1);
    const auto store = open_sqlite_store({}, StoreLimits{.max_bytes = 3 * about + about / 2});
    EXPECT_TRUE(store->save(m1, kT0 + 9).empty());
    EXPECT_TRUE(store->save(m2, kT0 + 9).empty());
    EXPECT_TRUE(store->save(m3, kT0 + 9).empty());
    EXPECT_EQ(store->stats().bytes, size(m1) + size(m2) + size(m3));
    EXPECT_EQ(store->save(m4, kT0 + 9), std::vector<std::string>{"m2"});
    EXPECT_EQ(store->save(m5, kT0 + 9), std::vector<std::string>{"m1"});
    EXPECT_EQ(store->save(m6, kT0 + 9), std::vector<std::string>{"m4"});
    EXPECT_EQ(store->stats().bytes, size(m3) + size(m5) + size(m6));

    // A bigger message makes room for itself by more than one eviction.
    StoredMessage big = message("m7", kT0 + 7);
    big.refused_uploads = {std::string(about + about / 4, 'x')};
    EXPECT_EQ(store->save(big, kT0 + 9), (std::vector<std::string>{"m5", "m6"}));
    EXPECT_EQ(store->stats().bytes, size(m3) + size(big));
    EXPECT_TRUE(store->load("m3", kT0 + 9));  // the unknown one outlived them all

    // Erasing and replacing keep the running total right.
    store->erase("m3");
    store->erase("no-such-message");
    EXPECT_EQ(store->stats().bytes, size(big));
    const StoredMessage small = message("m7", kT0 + 8);
    EXPECT_TRUE(store->save(small, kT0 + 9).empty());
    EXPECT_EQ(store->stats().bytes, size(small));
    EXPECT_EQ(store->stats().open, 1U);
}

TEST(StateStoreLimits, AMessageLargerThanMaxBytesIsRefusedAndNothingWritten) {
    const std::size_t size = encode(message("small", kT0)).size();
    const auto store = open_sqlite_store({}, StoreLimits{.max_bytes = 2 * size});
    store->save(message("small", kT0), kT0);
    StoredMessage big = message("big", kT0);
    big.refused_uploads = {std::string(2 * size, 'x')};
    EXPECT_THROW(store->save(big, kT0), std::length_error);
    EXPECT_FALSE(store->load("big", kT0));
    EXPECT_TRUE(store->load("small", kT0));
    EXPECT_EQ(store->stats().bytes, size);
    // Also when the oversized state would replace a stored one: the old one stays.
    big.message_id = "small";
    EXPECT_THROW(store->save(big, kT0), std::length_error);
    const auto back = store->load("small", kT0);
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->refused_uploads.empty());
}

TEST(StateStoreLimits, ExpiryByTheClockGiven) {
    const StoreLimits limits{.open_ttl = std::chrono::hours(2), .finished_ttl = std::chrono::hours(1)};
    const auto store = open_sqlite_store({}, limits);
    store->save(message("open", kT0), kT0);
    store->save(message("finished", kT0, kT0), kT0);
    store->save(message("unknown", kT0, 0, true), kT0);

    // Exactly at the TTL a message is still there; a millisecond later it is not.
    EXPECT_TRUE(store->load("finished", kT0 + kHour));
    EXPECT_FALSE(store->load("finished", kT0 + kHour + 1));
    EXPECT_TRUE(store->load("open", kT0 + 2 * kHour));
    EXPECT_FALSE(store->load("open", kT0 + 2 * kHour + 1));
    EXPECT_TRUE(store->load("unknown", kT0 + 1000 * kHour));  // never by time

    // load hides them; the next save drops them and says so.
    EXPECT_EQ(store->stats().finished, 1U);
    EXPECT_EQ(sorted(store->save(message("later", kT0 + 3 * kHour), kT0 + 3 * kHour)),
              (std::vector<std::string>{"finished", "open"}));
    const StoreStats stats = store->stats();
    EXPECT_EQ(stats.open, 1U);
    EXPECT_EQ(stats.unknown, 1U);
    EXPECT_EQ(stats.finished, 0U);
    EXPECT_EQ(stats.bytes,
              encode(message("later", kT0 + 3 * kHour)).size() + encode(message("unknown", kT0, 0, true)).size());

    // A touch keeps an open message: the TTL counts from its last touch.
    store->save(message("later", kT0 + 4 * kHour), kT0 + 4 * kHour);
    EXPECT_TRUE(store->load("later", kT0 + 6 * kHour));
    // The message saved is not expired by its own save, even when stale.
    EXPECT_TRUE(store->save(message("stale", kT0), kT0 + 6 * kHour).empty());
}

// ---------------------------------------------------------------- threads

TEST(StateStoreConcurrency, EightThreadsSavingAndLoading) {
    const TempDir dir(fs::temp_directory_path(), "state-store-test-");
    const auto store = open_sqlite_store(dir.path() / "state.db", {});
    constexpr int kThreads = 8;
    constexpr int kEach = 25;
    std::vector<int> misses(kThreads, 0);
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
                // Every third finished, every fifth of the rest unknown.
                const bool finished = i % 3 == 0;
                store->save(message(id, kT0, finished ? kT0 : 0, !finished && i % 5 == 0), kT0);
                const auto back = store->load(id, kT0);
                if (!back || back->message_id != id) {
                    ++misses[static_cast<std::size_t>(t)];
                }
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    EXPECT_EQ(misses, std::vector<int>(kThreads, 0));
    std::size_t finished = 0;
    std::size_t unknown = 0;
    for (int i = 0; i < kEach; ++i) {
        finished += i % 3 == 0 ? 1 : 0;
        unknown += i % 3 != 0 && i % 5 == 0 ? 1 : 0;
    }
    const StoreStats stats = store->stats();
    EXPECT_EQ(stats.finished, kThreads * finished);
    EXPECT_EQ(stats.unknown, kThreads * unknown);
    EXPECT_EQ(stats.open, kThreads * (kEach - finished - unknown));
}

}  // namespace
}  // namespace preflight::server
