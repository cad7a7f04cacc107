// Internals of the gate shared by gate.cpp (server, connections), routes.cpp (the route
// table and its plain routes) and proxy.cpp (the proxy's routes).
#pragma once

#include <utility>  // before any Asio include under GCC 12

#include "server/budget.hpp"
#include "server/gate.hpp"
#include "server/metrics.hpp"
#include "server/request_target.hpp"
#include "server/state_store.hpp"
#include "server/tempfiles.hpp"

#include "server/sbd.hpp"

#include "fix/fixup.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <semaphore>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace preflight::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Bodies are read and relayed in pieces of this size.
inline constexpr std::size_t kChunkBytes = std::size_t{64} * 1024;
// /v1/explain: at most this many log entries per request, each costing about this
// much memory until its answer is written.
inline constexpr std::size_t kMaxExplainEntries = 2000;
inline constexpr std::size_t kExplainEntryBytes = 6 * 1024;
// The first read of a request, which ends the connection's idle wait.
inline constexpr std::size_t kFirstRead = 4096;

// A fixed pool of threads for the checking work.
class WorkPool {
public:
    explicit WorkPool(unsigned threads);
    ~WorkPool();
    WorkPool(const WorkPool&) = delete;
    WorkPool& operator=(const WorkPool&) = delete;
    WorkPool(WorkPool&&) = delete;
    WorkPool& operator=(WorkPool&&) = delete;
    // Runs `job` on a pool thread and waits for it; its exception passes through.
    template <typename F>
    auto run(F&& job) -> decltype(job()) {
        std::packaged_task<decltype(job())()> task(std::forward<F>(job));
        auto result = task.get_future();
        post([&task] { task(); });
        return result.get();
    }

private:
    void post(std::function<void()> job);
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

// Percent-decoding (with `plus`, '+' is a space, as in a query) and the decoded
// query parameters of a target.
std::string url_decode(std::string_view s, bool plus = true);
std::map<std::string, std::string> query_of(std::string_view target);

struct UpstreamUrl {
    std::string host;
    std::string port;
    std::string base;  // path prefix without a trailing '/'
};
std::optional<UpstreamUrl> parse_upstream(const std::string& url);

class Connection;

// Thrown when the memory budget cannot take what a request is about to build.
struct OverBudget {
    bool never_fits = false;  // more than the whole budget: 413, not 503
};

// A request's share of the gate's memory budget, given back when the request ends.
class RequestMemory {
public:
    explicit RequestMemory(MemoryBudget& budget) : share_(budget) {}
    // Takes `bytes` more, or throws OverBudget.
    void take(std::uint64_t bytes) {
        if (!share_.grow(bytes)) {
            throw OverBudget{share_.never_fits(bytes)};
        }
    }
    // parse_json's charge: stops the parse (JsonOverBudget) when the budget says no;
    // over_budget() then says why.
    JsonCharge charge() {
        return [this](std::size_t bytes) {
            if (share_.grow(bytes)) {
                return true;
            }
            never_ = share_.never_fits(bytes);
            return false;
        };
    }
    [[nodiscard]] OverBudget over_budget() const { return OverBudget{never_}; }

private:
    Reservation share_;
    bool never_ = false;
};

// What a manifest's document or recipient costs in memory until the check's answer
// is written: its record, its findings, its part of the answer.
inline constexpr std::uint64_t kManifestEntryBytes = 8 * 1024;

// What is made from an SBD besides its parsed tree, in multiples of its size.
inline constexpr std::uint64_t kSbdCopies = 8;

// State the proxy keeps per message between create, uploads and send. Written to
// the state store (server/state_store.hpp) before the gate answers the request
// that changed it, so that a restart finds it again.
struct TrackedMessage {
    std::mutex mutex;  // one operation on a message at a time
    std::string message_id;
    std::string sbd_json;  // the create's body: the journal post is made again from it after a restart
    SbdMessage sbd;
    JournalPost post;  // recipients looked up at create; documents as uploaded (facts kept, files gone)
    // Blocking findings of uploads that were refused: the letter is incomplete, so
    // its send is refused too (fail closed), with these findings.
    std::vector<Finding> refused;
    // Uploads refused for another reason (malformed, too large, busy, an upstream
    // error, an unknown outcome): the file names (or "-"), in order. The send is
    // refused too. An upload is written here before it is received, and taken off
    // when it is accepted (or refused by its findings): a restart in between leaves
    // the upload refused, never the letter sent without it.
    std::vector<std::string> refused_uploads;
    // Requests aimed at this message that the gate refused before routing them (an
    // ambiguous framing, a method or spelling it does not serve): counted without the
    // message's lock, which an upload in flight may hold.
    std::atomic<unsigned> refused_requests{0};
    // A send (or multipart create-and-send) was written to the upstream, but its
    // answer never came whole: the letter may have been sent. A resend is refused
    // until the upstream's statuses tell (docs/gate.md, "When the answer breaks off").
    std::atomic<bool> outcome_unknown{false};  // read by the store without the message's lock
    bool multipart = false;                    // tracked only for an unknown multipart outcome
    std::int64_t unknown_since_ms = 0;         // system clock
    std::int64_t touched_ms = 0;               // system clock
    bool finished = false;                     // its send was accepted upstream
    // Pushed out of the store (its limits, its expiry) or erased while a request held
    // it: that request must not write it back, or refusals made meanwhile (to requests
    // that found it unknown) would be lost. Set under the store's lock.
    bool forgotten = false;
    // The store could not write its last change: the object in memory is the only
    // record, so it stays in memory (never trimmed) until a write succeeds.
    bool dirty = false;
    std::uint64_t memory_bytes = 0;  // its estimated share of memory while kept there
};

// The proxy's messages: the state store is the record; the ones in use, and the
// most recently used up to `cache_bytes`, are also kept in memory.
class MessageStore {
public:
    MessageStore(std::unique_ptr<StateStore> store, std::chrono::seconds ttl, std::uint64_t cache_bytes);
    // The message in memory or in the store (finished ones too: `finished` set),
    // nullptr when unknown or expired.
    std::shared_ptr<TrackedMessage> find(const std::string& id);
    // True while `m` is still the message kept under its id (not sent, forgotten or replaced).
    bool holds(const std::shared_ptr<TrackedMessage>& m);
    // Writes `m` to the store (durable when it returns) and keeps it in memory; a
    // forgotten one is not written back. Throws std::runtime_error when the store
    // cannot write it (`m` is then kept in memory, dirty, as the only record).
    void put(const std::shared_ptr<TrackedMessage>& m);
    // put() after the upstream has acted: a store that cannot write is logged, not
    // thrown, since the answer must reach the archive system; false then.
    bool put_after_upstream(const std::shared_ptr<TrackedMessage>& m, Gate::Impl& gate);
    // Its send was accepted: kept in the store as finished, no longer in memory (in
    // memory, finished, when the store cannot write it). Never throws: logged.
    void finish(const std::shared_ptr<TrackedMessage>& m, Gate::Impl& gate);
    void erase(const std::string& id);
    // `m` was never sent (a multipart message the upstream refused): out of memory
    // and the store; a store error is logged.
    void forget(const std::shared_ptr<TrackedMessage>& m, Gate::Impl& gate);
    // A request for `m` refused before routing: counted, in memory and in the store.
    void count_refused_request(const std::shared_ptr<TrackedMessage>& m);
    StoreStats stats();
    [[nodiscard]] std::string where() const { return store_->where(); }

private:
    std::shared_ptr<TrackedMessage> load_locked(const std::string& id, std::int64_t now);
    void keep_locked(const std::shared_ptr<TrackedMessage>& m);
    void forget_locked(const std::string& id);
    void trim_locked();
    std::unique_ptr<StateStore> store_;
    std::chrono::seconds ttl_;
    std::uint64_t cache_bytes_;
    std::uint64_t cached_ = 0;
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<TrackedMessage>> messages_;
};

class Gate::Impl {
public:
    Impl(GateSettings s, const CheckSet& check_set, const Config& config, RunSettings run);
    ~Impl();
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    Impl(Impl&&) = delete;
    Impl& operator=(Impl&&) = delete;

    // The private directory and the pool of checking threads, without a socket: what
    // the routes need (start() does it first; the routes' tests call it alone).
    void prepare();
    void start();
    void stop();
    void wait();
    [[nodiscard]] bool stopping() const { return stopping_.load(); }

    // Runs the checks on the pool, keeps the findings `keep` accepts (all when
    // empty), then counts the verdict and findings. Arguments that name a body's
    // temporary file name the document's file instead.
    Report check(JournalPost post, const RunSettings& run, const std::function<bool(const Finding&)>& keep = {});
    // POST /v1/fix: `preflight fix` of the uploaded PDF `in` to `out` on the pool (its
    // checks and its child as for a check). The reports name the documents as the
    // client did (`shown_in`, `shown_out`), never by the temporary files' paths.
    fixup::PdfFix fix(const std::filesystem::path& in, const std::filesystem::path& out, const pdf::FixOptions& options,
                      const std::string& shown_in, const std::string& shown_out);
    void log_access(const std::string& line);
    void log_error(const std::string& line);  // always written, access log or not

    GateSettings settings;
    const CheckSet& check_set;
    const Config& config;
    RunSettings run;
    Metrics metrics;
    std::optional<UpstreamUrl> upstream;
    std::optional<TempDir> temp;  // the gate's private directory
    // /v1/check's directories in it, kept between requests (at most max_uploads idle).
    std::optional<DirPool> check_dirs;
    std::counting_semaphore<1 << 20> uploads;
    MemoryBudget budget;  // for requests: three quarters of memory_budget_bytes
    MessageStore messages;
    unsigned short bound_port = 0;

private:
    friend class Connection;
    void accept_next();
    void connection_ended(Connection* c);

    // Once a second: the sandbox helper reaped and restarted if it died.
    void maintain();
    std::thread maintenance_thread_;
    std::mutex maintenance_mutex_;
    std::condition_variable maintenance_wake_;
    std::optional<WorkPool> pool_;
    asio::io_context accept_ioc_{1};
    tcp::acceptor acceptor_{accept_ioc_};
    std::thread accept_thread_;
    std::atomic<bool> stopping_{false};
    // Over max_connections, the connection that is cheapest to lose goes, so that a
    // new one (a health probe, the archive system) gets in: true when one was chosen.
    bool evict_one_locked();

public:
    // All upload slots taken: ends the connection whose body, holding a slot, comes
    // slower than the minimum rate (the oldest such); true when one was chosen.
    bool evict_slow_upload();

private:
    std::mutex connections_mutex_;
    std::condition_variable connections_done_;
    std::set<Connection*> connections_;
    std::set<Connection*> evicted_;  // cancelled, still ending
    std::mutex log_mutex_;
};

// One client connection, served by its own thread. Every I/O operation runs on
// the connection's private io_context with a deadline (beast::tcp_stream).
class Connection {
public:
    explicit Connection(Gate::Impl& gate) : gate_(gate) {}
    asio::io_context& ioc() { return ioc_; }
    void serve(tcp::socket socket);  // runs on the connection's thread until it ends
    void cancel_if_idle();           // from another thread: ends a connection waiting for a request
    void cancel();                   // from another thread: ends it whatever it does

    // Where the connection is in its request, for choosing one to drop when the gate
    // is full: waiting for a request, reading its header, reading its body, or at work
    // (checking, asking the upstream, answering).
    enum class Phase : std::uint8_t { idle, header, body, working, evicting };
    // How cheap it is to drop (lower first): 0 idle, 1 a header not yet whole, 2 a body
    // coming slower than the minimum rate; -1 not to be dropped. `since`: when it
    // entered its phase, for choosing the oldest of equals.
    [[nodiscard]] int eviction_rank(std::chrono::steady_clock::time_point now,
                                    std::chrono::steady_clock::time_point& since, Phase& seen) const;
    // Marks it dropped if it is still in phase `seen`: true when it will not work any
    // more (the caller then cancels it), false when it got to work meanwhile.
    bool try_evict(Phase seen);
    void admitted();  // accepted now: a new connection counts from here
    [[nodiscard]] bool holds_upload_slot() const { return holds_slot_; }

    using Parser = http::request_parser<http::buffer_body>;

    // What the access log and metrics say about the request being answered.
    struct Exchange {
        std::string route = "other";
        int status = 0;
        std::string verdict;
        std::uint64_t body_bytes = 0;
    };

    // Reads (part of) the body into the parser, or anything `read` does, by
    // `deadline`: an asio timer cancels the read then, leaving the socket open for
    // an answer (beast's own stream timeout would close it). A missed deadline is
    // beast::error::timeout.
    template <typename Read>
    beast::error_code read_by(std::chrono::steady_clock::time_point deadline, Read&& read);
    // Reads the rest of the request body in chunks; false with `error` set on a
    // read error, and `too_large` when over `max` bytes (0: no cap).
    bool read_body(Parser& p, const std::function<void(std::string_view)>& sink, std::uint64_t max, bool& too_large,
                   beast::error_code& error);
    // read_body after "100 Continue" if asked; over `max` it answers 413 itself.
    // False: the request is over (answered, or the client is gone).
    bool receive(Parser& p, const std::function<void(std::string_view)>& sink, std::uint64_t max);
    // An upload slot for this request (released by the caller's guard); false when
    // none is free, not even one taken back from a client under the minimum rate.
    bool take_upload_slot();
    bool refuse_over_budget(const Parser& p, const OverBudget& why);  // 503 + Retry-After, or 413
    void send_continue_if_expected(const Parser& p);
    // Writes a complete answer; false if the client is gone.
    bool respond(const Parser& p, http::status status, const std::string& content_type, std::string body,
                 bool keep_alive, const std::vector<std::pair<std::string, std::string>>& headers = {});
    bool respond_error(const Parser& p, http::status status, std::string_view exception, const std::string& message,
                       bool keep_alive, const nlohmann::json* findings = nullptr, const std::string& description = "");

    // Writes a complete upstream answer to the client; false when the connection ends.
    bool relay_answer(const Parser& p, http::response<http::string_body>& answer);
    // The pass-through (proxy.cpp), named in the route table (routes.cpp): the request
    // streamed to the upstream, its answer back; returns whether the connection may be kept.
    bool pass_through(Parser& p, const Routing& routing);

    // A request refused before anything was forwarded: 400 in the upstream's error
    // shape, counted as `reason` in /metrics, the connection closed (its body unread).
    bool refuse(const Parser& p, std::string_view exception, const std::string& message, std::string_view reason);
    // Counts a refused PUT to /api/messages/out/{id} against that message, if tracked.
    void poison_if_upload(const Parser& p);

    Exchange exchange;

private:
    template <typename Initiate>
    beast::error_code await(Initiate&& initiate);
    bool handle(Parser& p);
    // Counts the answered request in /metrics and writes its access-log line.
    void record(const Parser& p, const std::string& remote, std::chrono::steady_clock::time_point started);

    // Upstream helpers (proxy.cpp).
    bool connect_upstream(beast::tcp_stream& up, const Parser& p);
    // Streams the upstream's answer to the client (pass-through); returns its status (0: failed).
    int relay_response(beast::tcp_stream& up, const Parser& p, bool& keep_alive);

    // False when the connection was dropped for a newcomer: it must end.
    bool set_phase(Phase phase);
    // The deadline of the next read of the request: the read timeout, the whole
    // request's deadline and, while a body is read, the minimum rate, whichever is first.
    [[nodiscard]] std::chrono::steady_clock::time_point read_deadline() const;
    // Answers 408 after a read that missed read_deadline() because of the request's
    // deadline or the minimum rate; false: it was the plain read timeout (no answer).
    bool refuse_slow(const Parser& p);

    Gate::Impl& gate_;
    std::atomic<bool> cancelled_{false};
    std::atomic<bool> served_{false};
    std::atomic<bool> holds_slot_{
        false};  // an upload slot, while its request lasts  // has answered a request: waiting now means keep-alive
    std::atomic<Phase> phase_{Phase::idle};
    std::atomic<std::int64_t> phase_since_{0};               // steady clock, ns
    std::atomic<std::uint64_t> body_received_{0};            // bytes of the body read so far
    std::chrono::steady_clock::time_point request_started_;  // the request's first byte
    std::chrono::steady_clock::time_point body_started_;
    std::string remote_ = "-";               // the client's address
    std::optional<CanonicalTarget> target_;  // the request's target as the upstream reads it
    std::string forward_target_;             // what the upstream is sent: base path + target
    asio::io_context ioc_{1};
    std::optional<beast::tcp_stream> stream_;
    beast::flat_buffer buffer_;
    bool idle_ = false;
};

// The error body of the integrasjonspunkt: timestamp, status, error, exception,
// message, path (+ description, findings).
inline std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

template <typename Read>
beast::error_code Connection::read_by(std::chrono::steady_clock::time_point deadline, Read&& read) {
    asio::steady_timer timer(ioc_);
    bool fired = false;
    timer.expires_at(deadline);
    timer.async_wait([&](beast::error_code e) {
        if (!e) {
            fired = true;
            stream_->cancel();
        }
    });
    stream_->expires_never();
    beast::error_code ec = await(std::forward<Read>(read));
    timer.cancel();
    ioc_.restart();
    ioc_.poll();  // the timer's handler, cancelled or run, before `fired` goes
    if (fired && ec == asio::error::operation_aborted) {
        ec = beast::error::timeout;  // a read that completed as the timer fired stands
    }
    return ec;
}

// Starts an asynchronous operation on `ioc` and runs `ioc` until it completes.
template <typename Initiate>
beast::error_code await_on(asio::io_context& ioc, Initiate&& initiate) {
    beast::error_code result = asio::error::operation_aborted;
    bool done = false;
    std::forward<Initiate>(initiate)([&](beast::error_code ec, auto&&...) {
        result = ec;
        done = true;
    });
    ioc.restart();
    while (!done && ioc.run_one() != 0) {
    }
    return result;
}

template <typename Initiate>
beast::error_code Connection::await(Initiate&& initiate) {
    return await_on(ioc_, std::forward<Initiate>(initiate));
}

nlohmann::json error_body(int status, std::string_view exception, const std::string& message, std::string_view path);

}  // namespace preflight::server
