// The gate's per-message state in one SQLite file (or an in-memory database): the
// codec (encode/decode) and open_sqlite_store().
#include "server/state_store.hpp"

#include "validator/codec.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace preflight::server {
namespace {

using nlohmann::json;

// "v" of encode()'s text: a row written by another version is refused by decode().
constexpr int kFormat = 1;
// PRAGMA user_version of a store file: a file of another version is refused at open.
constexpr int kSchema = 1;

// The codec of documents and findings: validator/codec.hpp.

}  // namespace

std::string encode(const StoredMessage& m) {
    json documents = json::array();
    for (const auto& d : m.documents) {
        documents.push_back(document_to_json(d));
    }
    json refused = json::array();
    for (const auto& f : m.refused) {
        refused.push_back(finding_to_json(f));
    }
    const json j{{"v", kFormat},
                 {"id", m.message_id},
                 {"sbd", m.sbd_json},
                 {"documents", std::move(documents)},
                 {"refused", std::move(refused)},
                 {"refused_uploads", m.refused_uploads},
                 {"refused_requests", m.refused_requests},
                 {"outcome_unknown", m.outcome_unknown},
                 {"multipart", m.multipart},
                 {"unknown_since_ms", m.unknown_since_ms},
                 {"touched_ms", m.touched_ms},
                 {"finished_ms", m.finished_ms}};
    // A byte that is not UTF-8 (a client's file name) becomes U+FFFD rather than
    // failing the save: the state is kept, that name is only shown.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

StoredMessage decode(std::string_view text) {
    try {
        const json j = json::parse(text);
        if (!j.is_object() || !j.contains("v") || !j.at("v").is_number_integer() || j.at("v").get<int>() != kFormat) {
            throw std::invalid_argument("stored message: not of format version " + std::to_string(kFormat));
        }
        StoredMessage m;
        m.message_id = j.at("id").get<std::string>();
        m.sbd_json = j.at("sbd").get<std::string>();
        for (const auto& d : j.at("documents")) {
            m.documents.push_back(document_from_json(d));
        }
        for (const auto& f : j.at("refused")) {
            m.refused.push_back(finding_from_json(f));
        }
        m.refused_uploads = j.at("refused_uploads").get<std::vector<std::string>>();
        m.refused_requests = j.at("refused_requests").get<unsigned>();
        m.outcome_unknown = j.at("outcome_unknown").get<bool>();
        m.multipart = j.at("multipart").get<bool>();
        m.unknown_since_ms = j.at("unknown_since_ms").get<std::int64_t>();
        m.touched_ms = j.at("touched_ms").get<std::int64_t>();
        m.finished_ms = j.at("finished_ms").get<std::int64_t>();
        return m;
    } catch (const json::exception& e) {
        throw std::invalid_argument(std::string("stored message: ") + e.what());
    }
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// ---------------------------------------------------------------- SQLite store

namespace {

struct DbClose {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbClose>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

// Resets a prepared statement when its use ends, whichever way: a statement left
// mid-step would keep its read open (and a transaction from ending).
class Use {
public:
    explicit Use(const Stmt& s) : s_(s.get()) {}
    ~Use() {
        sqlite3_reset(s_);
        sqlite3_clear_bindings(s_);
    }
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
    Use(Use&&) = delete;
    Use& operator=(Use&&) = delete;

private:
    sqlite3_stmt* s_;
};

// now - ttl, saturating: a TTL of years (or seconds::max()) must not wrap around.
std::int64_t cutoff(std::int64_t now, std::chrono::seconds ttl) {
    constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
    const std::int64_t s = ttl.count();
    if (s <= 0) {
        return now;
    }
    if (s > std::numeric_limits<std::int64_t>::max() / 1000) {
        return lowest;
    }
    const std::int64_t ms = s * 1000;
    return now < lowest + ms ? lowest : now - ms;
}

// The expiry rules, in SQL and for one row: an unfinished message with a known
// outcome untouched since before open_cut; a finished one finished before
// finished_cut. A message whose send's outcome is unknown never expires by time
// (only eviction, last of all, removes it): forgetting it could let a letter that
// may have gone out be sent again.
constexpr const char* kExpiredWhere =
    "((finished_ms = 0 AND unknown = 0 AND touched_ms < ?1) OR (finished_ms > 0 AND finished_ms < ?2))";

bool expired(std::int64_t touched, std::int64_t finished, bool unknown, std::int64_t open_cut,
             std::int64_t finished_cut) {
    return finished == 0 ? !unknown && touched < open_cut : finished < finished_cut;
}

class SqliteStore final : public StateStore {
public:
    SqliteStore(const std::filesystem::path& file, const StoreLimits& limits)
        : where_(file.empty() ? "memory" : file.string()), memory_(file.empty()), limits_(limits) {
        if (!file.empty()) {
            create_private(file);
        }
        sqlite3* raw = nullptr;
        const int rc = sqlite3_open_v2(file.empty() ? ":memory:" : file.c_str(), &raw,
                                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
        db_.reset(raw);  // closed on every path, also when the open failed
        if (rc != SQLITE_OK) {
            fail(raw == nullptr ? "cannot allocate a connection" : sqlite3_errmsg(raw));
        }
        sqlite3_extended_result_codes(db_.get(), 1);
        init_schema();
        prepare_all();
        count_totals();
    }

    std::vector<std::string> save(const StoredMessage& m, std::int64_t now) override {
        const std::string body = encode(m);
        if (body.size() > limits_.max_bytes) {
            throw std::length_error("state of message " + m.message_id + " is " + std::to_string(body.size()) +
                                    " bytes, more than the store's limit of " + std::to_string(limits_.max_bytes));
        }
        const std::lock_guard lock(mutex_);
        // The totals change only when the transaction commits: a failed save
        // leaves the file and the counts as they were.
        std::uint64_t bytes = bytes_;
        std::size_t count = count_;
        std::vector<std::string> gone;
        exec("BEGIN IMMEDIATE");
        try {
            if (const auto old = row_bytes(m.message_id)) {
                bytes -= *old;
                --count;
            }
            upsert(m, body);
            bytes += body.size();
            ++count;
            drop_expired(m.message_id, now, bytes, count, gone);
            evict(m.message_id, bytes, count, gone);
            exec("COMMIT");
        } catch (...) {
            sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
        bytes_ = bytes;
        count_ = count;
        return gone;
    }

    std::optional<StoredMessage> load(const std::string& id, std::int64_t now) override {
        const std::lock_guard lock(mutex_);
        const Use use(select_);
        bind_text(select_, 1, id);
        const int rc = sqlite3_step(select_.get());
        if (rc == SQLITE_DONE) {
            return std::nullopt;
        }
        check_row(rc);
        sqlite3_stmt* s = select_.get();
        if (expired(sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_int(s, 2) != 0,
                    cutoff(now, limits_.open_ttl), cutoff(now, limits_.finished_ttl))) {
            return std::nullopt;
        }
        const auto* data = static_cast<const char*>(sqlite3_column_blob(s, 3));
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(s, 3));
        try {
            StoredMessage m = decode(std::string_view(data == nullptr ? "" : data, size));
            // Counted apart from the body (count_refused_request); a request counted in
            // both is counted twice, which refuses the send all the same.
            m.refused_requests += static_cast<unsigned>(sqlite3_column_int64(s, 4));
            return m;
        } catch (const std::invalid_argument& e) {
            fail("message " + id + ": " + e.what());
        }
    }

    void erase(const std::string& id) override {
        const std::lock_guard lock(mutex_);
        const Use use(delete_);
        bind_text(delete_, 1, id);
        const int rc = sqlite3_step(delete_.get());
        if (rc == SQLITE_DONE) {
            return;
        }
        check_row(rc);
        bytes_ -= static_cast<std::uint64_t>(sqlite3_column_int64(delete_.get(), 0));
        --count_;
        step_done(delete_);
    }

    void count_refused_request(const std::string& id) override {
        const std::lock_guard lock(mutex_);
        const Use use(count_refused_);
        bind_text(count_refused_, 1, id);
        step_done(count_refused_);
    }

    StoreStats stats() override {
        const std::lock_guard lock(mutex_);
        StoreStats st;
        const Use use(stats_);
        for (int rc = sqlite3_step(stats_.get()); rc != SQLITE_DONE; rc = sqlite3_step(stats_.get())) {
            check_row(rc);
            const bool finished = sqlite3_column_int(stats_.get(), 0) != 0;
            const bool unknown = sqlite3_column_int(stats_.get(), 1) != 0;
            const auto n = static_cast<std::size_t>(sqlite3_column_int64(stats_.get(), 2));
            (finished ? st.finished : unknown ? st.unknown : st.open) += n;
        }
        st.bytes = bytes_;
        return st;
    }

    [[nodiscard]] std::string where() const override { return where_; }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error("state store " + where_ + ": " + what);
    }
    [[noreturn]] void fail_db() const { fail(sqlite3_errmsg(db_.get())); }

    // The file is made here, 0600 whatever the umask, before SQLite opens it:
    // the state holds SBDs and personal identifiers found in documents. SQLite
    // gives its -wal file the database file's mode.
    void create_private(const std::filesystem::path& file) const {
        const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            if (errno == EEXIST) {
                return;  // an existing store keeps the mode it has
            }
            fail(std::system_error(errno, std::generic_category()).what());
        }
        const int rc = ::fchmod(fd, 0600);
        const int err = errno;
        ::close(fd);
        if (rc != 0) {
            fail(std::system_error(err, std::generic_category(), "chmod").what());
        }
    }

    void exec(const char* sql) const {
        if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
            fail_db();
        }
    }

    std::int64_t query_int(const char* sql) const {
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db_.get(), sql, -1, &raw, nullptr) != SQLITE_OK) {
            fail_db();
        }
        const Stmt s(raw);
        const int rc = sqlite3_step(raw);
        if (rc != SQLITE_ROW) {
            fail_db();
        }
        return sqlite3_column_int64(raw, 0);
    }

    void init_schema() {
        // Only this process may use the file: the byte and message totals are kept
        // in memory, and a second gate writing the same file would make them wrong.
        // With no busy timeout yet, a second gate fails at once ("database is
        // locked") instead of waiting. In WAL mode the lock is taken at the first read.
        exec("PRAGMA locking_mode=EXCLUSIVE");
        // The first read: "file is not a database" shows here, not at open.
        const std::int64_t version = query_int("PRAGMA user_version");
        if (version != 0 && version != kSchema) {
            fail("schema version " + std::to_string(version) + ", this preflight reads version " +
                 std::to_string(kSchema));
        }
        if (!memory_) {
            // WAL and synchronous=FULL: a save's commit is on disk before save()
            // returns, and a kill -9 mid-save leaves the old state.
            exec("PRAGMA journal_mode=WAL");
        }
        exec("PRAGMA synchronous=FULL");
        // Deleted messages' bytes (SBDs, personal identifiers) are overwritten, not
        // left in free pages of the file.
        exec("PRAGMA secure_delete=ON");
        if (version == 0) {
            if (query_int("SELECT count(*) FROM sqlite_schema") != 0) {
                fail("a database, but not a preflight state store (user_version 0)");
            }
            exec("BEGIN IMMEDIATE");
            try {
                exec(
                    "CREATE TABLE messages(id TEXT PRIMARY KEY, touched_ms INTEGER NOT NULL, "
                    "finished_ms INTEGER NOT NULL, unknown INTEGER NOT NULL, bytes INTEGER NOT NULL, "
                    "body BLOB NOT NULL, refused_extra INTEGER NOT NULL DEFAULT 0)");
                // The eviction orders: finished by finish, unfinished by touch
                // (those with a known outcome before the unknown ones).
                exec("CREATE INDEX messages_finished ON messages(finished_ms) WHERE finished_ms > 0");
                exec("CREATE INDEX messages_open ON messages(unknown, touched_ms) WHERE finished_ms = 0");
                exec(("PRAGMA user_version=" + std::to_string(kSchema)).c_str());
                exec("COMMIT");
            } catch (...) {
                sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
                throw;
            }
        }
        sqlite3_busy_timeout(db_.get(), 5000);
    }

    Stmt prepare(const char* sql) const {
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK) {
            fail_db();
        }
        return Stmt(raw);
    }

    void prepare_all() {
        bytes_of_ = prepare("SELECT bytes FROM messages WHERE id = ?1");
        upsert_ = prepare(
            "INSERT INTO messages(id, touched_ms, finished_ms, unknown, bytes, body) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
            "ON CONFLICT(id) DO UPDATE SET touched_ms = excluded.touched_ms, finished_ms = excluded.finished_ms, "
            "unknown = excluded.unknown, bytes = excluded.bytes, body = excluded.body");
        expire_ = prepare(
            (std::string("DELETE FROM messages WHERE ") + kExpiredWhere + " AND id <> ?3 RETURNING id, bytes").c_str());
        oldest_finished_ = prepare(
            "SELECT id, bytes FROM messages WHERE finished_ms > 0 AND id <> ?1 ORDER BY finished_ms, id LIMIT 1");
        oldest_open_ = prepare(
            "SELECT id, bytes FROM messages WHERE finished_ms = 0 AND unknown = ?2 AND id <> ?1 "
            "ORDER BY touched_ms, id LIMIT 1");
        select_ = prepare("SELECT touched_ms, finished_ms, unknown, body, refused_extra FROM messages WHERE id = ?1");
        count_refused_ = prepare("UPDATE messages SET refused_extra = refused_extra + 1 WHERE id = ?1");
        delete_ = prepare("DELETE FROM messages WHERE id = ?1 RETURNING bytes");
        stats_ = prepare("SELECT finished_ms > 0, unknown, count(*) FROM messages GROUP BY 1, 2");
    }

    void count_totals() {
        count_ = static_cast<std::size_t>(query_int("SELECT count(*) FROM messages"));
        bytes_ = static_cast<std::uint64_t>(query_int("SELECT coalesce(sum(bytes), 0) FROM messages"));
    }

    void bind_text(const Stmt& s, int index, const std::string& text) const {
        if (sqlite3_bind_text(s.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC) != SQLITE_OK) {
            fail_db();
        }
    }
    void bind_int(const Stmt& s, int index, std::int64_t value) const {
        if (sqlite3_bind_int64(s.get(), index, value) != SQLITE_OK) {
            fail_db();
        }
    }
    void check_row(int rc) const {
        if (rc != SQLITE_ROW) {
            fail_db();
        }
    }
    void step_done(const Stmt& s) const {
        int rc = sqlite3_step(s.get());
        while (rc == SQLITE_ROW) {
            rc = sqlite3_step(s.get());
        }
        if (rc != SQLITE_DONE) {
            fail_db();
        }
    }

    std::optional<std::uint64_t> row_bytes(const std::string& id) const {
        const Use use(bytes_of_);
        bind_text(bytes_of_, 1, id);
        const int rc = sqlite3_step(bytes_of_.get());
        if (rc == SQLITE_DONE) {
            return std::nullopt;
        }
        check_row(rc);
        return static_cast<std::uint64_t>(sqlite3_column_int64(bytes_of_.get(), 0));
    }

    void upsert(const StoredMessage& m, const std::string& body) const {
        const Use use(upsert_);
        bind_text(upsert_, 1, m.message_id);
        bind_int(upsert_, 2, m.touched_ms);
        bind_int(upsert_, 3, std::max<std::int64_t>(m.finished_ms, 0));  // the column's 0: not finished
        bind_int(upsert_, 4, m.outcome_unknown ? 1 : 0);
        bind_int(upsert_, 5, static_cast<std::int64_t>(body.size()));
        if (sqlite3_bind_blob64(upsert_.get(), 6, body.data(), body.size(), SQLITE_STATIC) != SQLITE_OK) {
            fail_db();
        }
        step_done(upsert_);
    }

    void drop_expired(const std::string& keep, std::int64_t now, std::uint64_t& bytes, std::size_t& count,
                      std::vector<std::string>& gone) const {
        const Use use(expire_);
        bind_int(expire_, 1, cutoff(now, limits_.open_ttl));
        bind_int(expire_, 2, cutoff(now, limits_.finished_ttl));
        bind_text(expire_, 3, keep);
        for (int rc = sqlite3_step(expire_.get()); rc != SQLITE_DONE; rc = sqlite3_step(expire_.get())) {
            check_row(rc);
            gone.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(expire_.get(), 0)),
                              static_cast<std::size_t>(sqlite3_column_bytes(expire_.get(), 0)));
            bytes -= static_cast<std::uint64_t>(sqlite3_column_int64(expire_.get(), 1));
            --count;
        }
    }

    // The next message to evict, in the header's order, never `keep`.
    std::optional<std::pair<std::string, std::uint64_t>> victim(const std::string& keep) const {
        const auto first = [&](const Stmt& s) -> std::optional<std::pair<std::string, std::uint64_t>> {
            const int rc = sqlite3_step(s.get());
            if (rc == SQLITE_DONE) {
                return std::nullopt;
            }
            check_row(rc);
            return std::pair{std::string(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)),
                                         static_cast<std::size_t>(sqlite3_column_bytes(s.get(), 0))),
                             static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 1))};
        };
        {
            const Use use(oldest_finished_);
            bind_text(oldest_finished_, 1, keep);
            if (auto v = first(oldest_finished_)) {
                return v;
            }
        }
        for (const int unknown : {0, 1}) {
            const Use use(oldest_open_);
            bind_text(oldest_open_, 1, keep);
            bind_int(oldest_open_, 2, unknown);
            if (auto v = first(oldest_open_)) {
                return v;
            }
        }
        return std::nullopt;
    }

    void evict(const std::string& keep, std::uint64_t& bytes, std::size_t& count,
               std::vector<std::string>& gone) const {
        while (bytes > limits_.max_bytes || count > limits_.max_messages) {
            auto v = victim(keep);
            if (!v) {
                return;  // only `keep` is left (max_messages 0): it stays
            }
            const Use use(delete_);
            bind_text(delete_, 1, v->first);
            step_done(delete_);
            bytes -= v->second;
            --count;
            gone.push_back(std::move(v->first));
        }
    }

    const std::string where_;
    const bool memory_;
    const StoreLimits limits_;
    std::mutex mutex_;  // one connection for every thread; SQLite's own mutex is off (NOMUTEX)
    Db db_;
    Stmt bytes_of_, upsert_, expire_, oldest_finished_, oldest_open_, select_, delete_, stats_, count_refused_;
    std::uint64_t bytes_ = 0;  // sum(bytes) of the table, kept here so a save need not scan it
    std::size_t count_ = 0;    // count(*) of the table
};

}  // namespace

std::unique_ptr<StateStore> open_sqlite_store(const std::filesystem::path& file, const StoreLimits& limits) {
    return std::make_unique<SqliteStore>(file, limits);
}

}  // namespace preflight::server
