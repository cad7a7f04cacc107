// The gate's per-message state, kept where a restart (or a kill -9, or the OOM
// killer) does not lose it: between a create and its send, the proxy must still know
// the letter (its SBD, the facts of the documents uploaded so far, the uploads it
// refused, a send whose outcome is unknown), or the letter is refused as unknown.
//
// StateStore is the interface; open_sqlite_store() is the embedded implementation
// (one SQLite file in the gate's state directory, or an in-memory database when no
// directory is configured). A database shared by several gates behind a balancer
// would implement the same interface (docs/gate.md, "State").
#pragma once

#include "validator/finding.hpp"
#include "validator/model.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace preflight::server {

// One message's state as stored: what the proxy needs to go on after a restart.
// The journal post is not stored: it is the SBD's (to_journal_post(parse_sbd(sbd_json)))
// plus `documents`; recipients are looked up again at every check anyway.
struct StoredMessage {
    std::string message_id;
    std::string sbd_json;                      // the create's SBD as the client sent it; empty for a multipart outcome
    std::vector<Document> documents;           // accepted uploads, in order: their facts (path empty, files gone)
    std::vector<Finding> refused;              // blocking findings of uploads that were refused
    std::vector<std::string> refused_uploads;  // uploads refused for another reason: file names or "-"
    unsigned refused_requests = 0;             // requests for this message refused before routing
    bool outcome_unknown = false;              // a send's answer never came whole
    bool multipart = false;                    // tracked only for an unknown multipart outcome
    std::int64_t unknown_since_ms = 0;         // system clock, ms since the epoch
    std::int64_t touched_ms = 0;               // last create, upload or refusal (system clock, ms)
    std::int64_t finished_ms = 0;              // when its send was accepted upstream; 0: not finished
};

// StoredMessage as compact JSON text, and back. decode() throws std::invalid_argument
// on text it cannot read (a store written by another version, a damaged row). Bytes
// that are not UTF-8 in a string come back as U+FFFD; everything else exactly.
std::string encode(const StoredMessage& m);
StoredMessage decode(std::string_view text);

struct StoreLimits {
    std::uint64_t max_bytes = 256ULL * 1024 * 1024;  // of encoded state, all messages together
    std::size_t max_messages = 10'000;
    std::chrono::seconds open_ttl{24 * 3600};      // an unfinished message untouched this long is dropped
    std::chrono::seconds finished_ttl{24 * 3600};  // a finished message is kept this long after its send
};

struct StoreStats {
    std::size_t open = 0;      // not finished, outcome known
    std::size_t unknown = 0;   // not finished, outcome unknown
    std::size_t finished = 0;  // sent
    std::uint64_t bytes = 0;   // encoded state of all of them
};

class StateStore {
public:
    StateStore() = default;
    virtual ~StateStore() = default;
    StateStore(const StateStore&) = delete;
    StateStore& operator=(const StateStore&) = delete;
    StateStore(StateStore&&) = delete;
    StateStore& operator=(StateStore&&) = delete;

    // Writes the message (replacing one with its id); durable when it returns (a
    // process killed right after still finds it). Keeps the limits: expired
    // messages go first, then, while over max_bytes or max_messages, finished ones
    // (oldest finish first), then unfinished ones (longest untouched first), those
    // with an unknown outcome last. The message just saved is never evicted (nor
    // expired) by its own save. Returns the ids that went, expired and evicted.
    // Throws std::length_error, before writing anything, when the message's encoded
    // state alone is larger than max_bytes (the caller refuses the request), and
    // std::runtime_error when it cannot write (the store is then as before the call).
    virtual std::vector<std::string> save(const StoredMessage& m, std::int64_t now_ms) = 0;
    // The message, unless absent or expired at now_ms (by the rules of save; an
    // expired one stays stored until a save drops it). Throws std::runtime_error
    // when it cannot read, or the stored state cannot be decoded.
    virtual std::optional<StoredMessage> load(const std::string& id, std::int64_t now_ms) = 0;
    virtual void erase(const std::string& id) = 0;
    // One more request for `id` refused before it was routed: added to the stored
    // message's refused_requests (when it is loaded) without rewriting the message,
    // whose lock an upload in flight may hold. Nothing when `id` is not stored.
    virtual void count_refused_request(const std::string& id) = 0;
    // Of the messages stored, expired ones not yet dropped by a save included.
    virtual StoreStats stats() = 0;
    // Where it keeps the state ("memory" for an in-memory store), for the start line.
    [[nodiscard]] virtual std::string where() const = 0;
};

// `file` empty: an in-memory database (state lost when the process ends). Creates
// the file (0600) and its schema when missing; throws std::runtime_error naming the
// file when it cannot be opened or is not a store of this version. The store holds
// the file locked while it lives: a second store (another gate) on the same file
// fails to open ("database is locked"), as it would make the totals kept in memory wrong.
std::unique_ptr<StateStore> open_sqlite_store(const std::filesystem::path& file, const StoreLimits& limits);

// Milliseconds since the epoch on the system clock.
std::int64_t now_ms();

}  // namespace preflight::server
