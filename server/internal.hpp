// Internals of the gate shared by gate.cpp (server, check API) and proxy.cpp.
#pragma once

#include <utility>  // before any Asio include under GCC 12

#include "server/gate.hpp"
#include "server/metrics.hpp"
#include "server/request_target.hpp"
#include "server/tempfiles.hpp"

#include "validator/sbd.hpp"

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

// State the proxy keeps per message between create, uploads and send.
struct TrackedMessage {
    std::mutex mutex;  // one operation on a message at a time
    std::string message_id;
    SbdMessage sbd;
    JournalPost post;  // recipients looked up at create; documents as uploaded (facts kept, files gone)
    // Blocking findings of uploads that were refused: the letter is incomplete, so
    // its send is refused too (fail closed), with these findings.
    std::vector<Finding> refused;
    // Uploads refused for another reason (malformed, too large, busy, an upstream
    // error, an unknown outcome): the file names (or "-"), in order. The send is refused too.
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
    std::chrono::steady_clock::time_point unknown_since;
    std::chrono::steady_clock::time_point touched;
};

class MessageStore {
public:
    MessageStore(std::chrono::seconds ttl, std::size_t max) : ttl_(ttl), max_(max) {}
    std::shared_ptr<TrackedMessage> find(const std::string& id);
    // True while `m` is still the message kept under its id (not sent, forgotten or replaced).
    bool holds(const std::shared_ptr<TrackedMessage>& m);
    void put(const std::shared_ptr<TrackedMessage>& m);
    void erase(const std::string& id);
    std::size_t size();

private:
    void expire_locked(std::chrono::steady_clock::time_point now);
    std::chrono::seconds ttl_;
    std::size_t max_;
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<TrackedMessage>> messages_;
};

class Gate::Impl {
public:
    Impl(GateSettings s, const Registry& registry, const Config& config, RunSettings run);
    ~Impl();
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    Impl(Impl&&) = delete;
    Impl& operator=(Impl&&) = delete;

    void start();
    void stop();
    void wait();
    [[nodiscard]] bool stopping() const { return stopping_.load(); }

    // Runs the checks on the pool, keeps the findings `keep` accepts (all when
    // empty), then counts the verdict and findings. Arguments that name a body's
    // temporary file name the document's file instead.
    Report check(JournalPost post, const RunSettings& run, const std::function<bool(const Finding&)>& keep = {});
    void log_access(const std::string& line);
    void log_error(const std::string& line);  // always written, access log or not

    GateSettings settings;
    const Registry& registry;
    const Config& config;
    RunSettings run;
    Metrics metrics;
    std::optional<UpstreamUrl> upstream;
    std::optional<TempDir> temp;  // the gate's private directory
    std::counting_semaphore<1 << 20> uploads;
    MessageStore messages;
    unsigned short bound_port = 0;

private:
    friend class Connection;
    void accept_next();
    void connection_ended(Connection* c);

    std::optional<WorkPool> pool_;
    asio::io_context accept_ioc_{1};
    tcp::acceptor acceptor_{accept_ioc_};
    std::thread accept_thread_;
    std::atomic<bool> stopping_{false};
    std::mutex connections_mutex_;
    std::condition_variable connections_done_;
    std::set<Connection*> connections_;
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

    using Parser = http::request_parser<http::buffer_body>;

    // What the access log and metrics say about the request being answered.
    struct Exchange {
        std::string route = "other";
        int status = 0;
        std::string verdict;
        std::uint64_t body_bytes = 0;
    };

    // Reads the rest of the request body in chunks; false with `error` set on a
    // read error, and `too_large` when over `max` bytes (0: no cap).
    bool read_body(Parser& p, const std::function<void(std::string_view)>& sink, std::uint64_t max, bool& too_large,
                   beast::error_code& error);
    // read_body after "100 Continue" if asked; over `max` it answers 413 itself.
    // False: the request is over (answered, or the client is gone).
    bool receive(Parser& p, const std::function<void(std::string_view)>& sink, std::uint64_t max);
    bool refuse_busy(const Parser& p);                            // 503 + Retry-After
    bool refuse_unknown(const Parser& p, const std::string& id);  // a message the gate did not see created
    void send_continue_if_expected(const Parser& p);
    // Writes a complete answer; false if the client is gone.
    bool respond(const Parser& p, http::status status, const std::string& content_type, std::string body,
                 bool keep_alive, const std::vector<std::pair<std::string, std::string>>& headers = {});
    bool respond_error(const Parser& p, http::status status, std::string_view exception, const std::string& message,
                       bool keep_alive, const nlohmann::json* findings = nullptr, const std::string& description = "");

    // Proxy routes (proxy.cpp). Each returns whether the connection may be kept.
    bool proxy_create(Parser& p);
    bool proxy_upload(Parser& p, const std::string& id);
    bool proxy_send(Parser& p, const std::string& id);
    bool proxy_multipart(Parser& p);
    bool pass_through(Parser& p);

    // A request refused before anything was forwarded: 400 in the upstream's error
    // shape, counted as `reason` in /metrics, the connection closed (its body unread).
    bool refuse(const Parser& p, std::string_view exception, const std::string& message, std::string_view reason);
    // Counts a refused PUT to /api/messages/out/{id} against that message, if tracked.
    void poison_if_upload(const Parser& p);
    // The query of a checked route as Tomcat reads it; nullopt after refusing one that
    // cannot be read with certainty (malformed, or over 100 parameters).
    std::optional<std::vector<std::pair<std::string, std::string>>> checked_query(const Parser& p);

    Exchange exchange;

private:
    template <typename Initiate>
    beast::error_code await(Initiate&& initiate);
    bool handle(Parser& p);
    // Why the request's framing is ambiguous (repeated or invalid Transfer-Encoding,
    // Transfer-Encoding with Content-Length, a GET or HEAD with a body), or "".
    static std::string framing_problem(const Parser& p);
    // Counts the answered request in /metrics and writes its access-log line.
    void record(const Parser& p, const std::string& remote, std::chrono::steady_clock::time_point started);
    bool check_api(Parser& p);
    bool explain_api(Parser& p);
    // The ?lang= of a request, or the gate's language; nullopt after answering 400.
    std::optional<Lang> request_lang(const Parser& p);

    // The outcome of a checked request sent to the upstream, its answer read whole.
    struct UpstreamCall {
        enum class Outcome : std::uint8_t {
            not_sent,  // no connection, or nothing written: the upstream has nothing of it
            unknown,   // written (perhaps in part), but no complete answer: it may have acted
            answered,  // a complete answer, in `answer`
        };
        Outcome outcome = Outcome::not_sent;
        bool timed_out = false;
        std::string detail;  // why not answered, for the error message
        http::response<http::string_body> answer;
    };
    // Sends the request (the client's head, the gate's forward target, `body` as a
    // string or the file at `file`) and reads the upstream's answer whole (at most
    // max_json_bytes of body). Answers nothing to the client.
    UpstreamCall call_upstream(const Parser& p, const std::string* body, const std::filesystem::path* file);
    // Writes a complete upstream answer to the client; false when the connection ends.
    bool relay_answer(const Parser& p, http::response<http::string_body>& answer);
    // The 502 (or 504) for a call that got no complete answer; `message` empty: the
    // general text for a call that reached nothing, or one the upstream may have acted on.
    bool respond_upstream_failure(const Parser& p, const UpstreamCall& call, std::string message = {});
    // A message whose send's outcome is unknown: asks the upstream's statuses.
    enum class Settled : std::uint8_t { sent, not_sent, unknown };
    Settled settle(const Parser& p, const TrackedMessage& m, std::string& status);
    // Answers a request for a message whose send's outcome is unknown; true when
    // the request may go on (the upstream says it was not sent).
    bool unknown_outcome_allows(Parser& p, TrackedMessage& m, bool& keep);

    // Upstream helpers (proxy.cpp).
    bool connect_upstream(beast::tcp_stream& up, const Parser& p);
    // Streams the upstream's answer to the client (pass-through); returns its status (0: failed).
    int relay_response(beast::tcp_stream& up, const Parser& p, bool& keep_alive);
    template <typename Request>
    UpstreamCall exchange_upstream(Request& req, bool head);
    template <typename Body>
    void copy_fields(const Parser& p, http::request<Body>& out) const;
    bool blocked(const Parser& p, const Report& report, bool keep_alive);

    Gate::Impl& gate_;
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

template <typename Initiate>
beast::error_code Connection::await(Initiate&& initiate) {
    beast::error_code result = asio::error::operation_aborted;
    bool done = false;
    std::forward<Initiate>(initiate)([&](beast::error_code ec, auto&&...) {
        result = ec;
        done = true;
    });
    ioc_.restart();
    while (!done && ioc_.run_one() != 0) {
    }
    return result;
}

nlohmann::json error_body(int status, std::string_view exception, const std::string& message, std::string_view path);

}  // namespace preflight::server
