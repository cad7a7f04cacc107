// The gate's server: accepting, connections (the transport), the message store, and
// the refusals made from a request's head before it is routed. What answers a request
// is in the route table (routes.cpp); the proxy's routes are in proxy.cpp.
#include "server/internal.hpp"
#include "server/routes.hpp"

#include "base/error.hpp"
#include "base/identifiers.hpp"
#include "base/isolate.hpp"
#include "base/text.hpp"
#include "explain/explain.hpp"
#include "report/render.hpp"
#include "validator/catalogue.hpp"
#include "validator/manifest.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <malloc.h>
#include <pthread.h>
#include <signal.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <limits>

namespace preflight::server {

// ---------------------------------------------------------------- work pool

WorkPool::WorkPool(unsigned threads) {
    for (unsigned i = 0; i < threads; ++i) {
        threads_.emplace_back([this] {
            for (;;) {
                std::function<void()> job;
                {
                    std::unique_lock lock(mutex_);
                    wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
                    if (jobs_.empty()) {
                        return;
                    }
                    job = std::move(jobs_.front());
                    jobs_.pop_front();
                }
                job();
            }
        });
    }
}

WorkPool::~WorkPool() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) {
        t.join();
    }
}

void WorkPool::post(std::function<void()> job) {
    {
        const std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
}

// ---------------------------------------------------------------- helpers

std::optional<UpstreamUrl> parse_upstream(const std::string& url) {
    constexpr std::string_view scheme = "http://";
    if (url.rfind(scheme, 0) != 0) {
        return std::nullopt;
    }
    std::string rest = url.substr(scheme.size());
    const auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    std::string base = slash == std::string::npos ? "" : rest.substr(slash);
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    if (authority.empty() || authority.find('@') != std::string::npos) {
        return std::nullopt;
    }
    UpstreamUrl u;
    const auto colon = authority.rfind(':');
    if (colon != std::string::npos && authority.find(']') == std::string::npos) {
        u.host = authority.substr(0, colon);
        u.port = authority.substr(colon + 1);
    } else {
        u.host = authority;
        u.port = "80";
    }
    if (u.host.empty() || u.port.empty() || u.port.find_first_not_of("0123456789") != std::string::npos ||
        u.port.size() > 5) {
        return std::nullopt;
    }
    u.base = base;
    return u;
}

nlohmann::json error_body(int status, std::string_view exception, const std::string& message, std::string_view path) {
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    const std::string reason(http::obsolete_reason(static_cast<http::status>(status)));
    return nlohmann::json{{"timestamp", fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", fmt::gmtime(now), ms)},
                          {"status", status},
                          {"error", reason},
                          {"exception", std::string(exception)},
                          {"message", message},
                          {"path", std::string(path)}};
}

std::string url_decode(std::string_view s, bool plus) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && text::hex_digit(s[i + 1]) >= 0 && text::hex_digit(s[i + 2]) >= 0) {
            out += static_cast<char>(text::hex_digit(s[i + 1]) * 16 + text::hex_digit(s[i + 2]));
            i += 2;
        } else if (plus && s[i] == '+') {
            out += ' ';
        } else {
            out += s[i];
        }
    }
    return out;
}

std::map<std::string, std::string> query_of(std::string_view target) {
    std::map<std::string, std::string> q;
    const auto mark = target.find('?');
    if (mark == std::string_view::npos) {
        return q;
    }
    std::string_view rest = target.substr(mark + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        q[url_decode(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1));
        rest.remove_prefix(amp == std::string_view::npos ? rest.size() : amp + 1);
    }
    return q;
}

namespace {

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

// Text from a request, fit for an answer or a log line: escapes decoded (in the
// query '+' as the space Tomcat reads), invalid UTF-8 and control characters made
// visible, fødselsnummer masked.
std::string shown(std::string_view raw) {
    const auto mark = raw.find('?');
    std::string text = url_decode(raw.substr(0, mark), false);
    if (mark != std::string_view::npos) {
        text += url_decode(raw.substr(mark), true);
    }
    return ident::mask_person_ids(text::escape_controls(text::printable(text)));
}

// A request's body as its handler reads it: from this connection, after "100
// Continue" if asked, within the route's cap and the gate's deadlines.
class ConnectionBody final : public BodySource {
public:
    ConnectionBody(Connection& connection, Connection::Parser& parser) : connection_(connection), parser_(parser) {}
    bool read(const std::function<void(std::string_view)>& sink, std::uint64_t max) override {
        return connection_.receive(parser_, sink, max);
    }
    bool take_upload_slot() override { return connection_.take_upload_slot(); }

private:
    Connection& connection_;
    Connection::Parser& parser_;
};

// A proxy route's client side: this connection's socket.
class ConnectionClient final : public ClientSide {
public:
    ConnectionClient(Connection& connection, Connection::Parser& parser) : connection_(connection), parser_(parser) {}
    asio::io_context& io() override { return connection_.ioc(); }
    bool respond(const Response& response) override {
        return connection_.respond(parser_, static_cast<http::status>(response.status), response.content_type,
                                   response.body, response.keep_alive, response.headers);
    }
    bool relay(http::response<http::string_body>& answer) override { return connection_.relay_answer(parser_, answer); }
    void verdict(std::string_view verdict) override { connection_.exchange.verdict = std::string(verdict); }

private:
    Connection& connection_;
    Connection::Parser& parser_;
};

std::string iso_now() {
    const auto now = std::chrono::system_clock::now();
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", fmt::gmtime(now));
}

}  // namespace

// ---------------------------------------------------------------- message store

namespace {

StoredMessage stored_of(const TrackedMessage& m) {
    StoredMessage s;
    s.message_id = m.message_id;
    s.sbd_json = m.sbd_json;
    s.documents = m.post.documents;
    // Fødselsnumre found in documents, and in findings' arguments, are kept masked:
    // the gate only ever shows them masked, and the store is a file on disk.
    for (auto& d : s.documents) {
        d.path.clear();  // the files are gone after their request
        for (auto& hit : d.person_ids) {
            hit.id = ident::mask_person_ids(hit.id);
        }
        if (d.pdf) {
            for (auto& hit : d.pdf->person_ids) {
                hit.id = ident::mask_person_ids(hit.id);
            }
        }
    }
    s.refused = m.refused;
    for (auto& f : s.refused) {
        for (auto& [name, value] : f.args) {
            value = ident::mask_person_ids(value);
        }
    }
    s.refused_uploads = m.refused_uploads;
    s.refused_requests = m.refused_requests.load();
    s.outcome_unknown = m.outcome_unknown.load();
    s.multipart = m.multipart;
    s.unknown_since_ms = m.unknown_since_ms;
    s.touched_ms = m.touched_ms;
    return s;
}

// What a message kept in memory costs: its SBD three times (the text, the parsed
// SBD, the journal post made from it) and its documents' facts.
std::uint64_t memory_bytes_of(const TrackedMessage& m) {
    std::uint64_t bytes = 4096 + 3 * m.sbd_json.size();
    for (const auto& d : m.post.documents) {
        bytes += 1024 + d.file.size() + d.name.size();
        if (d.pdf) {
            bytes += 256 * d.pdf->pages.size();
        }
    }
    return bytes;
}

}  // namespace

MessageStore::MessageStore(std::unique_ptr<StateStore> store, std::chrono::seconds ttl, std::uint64_t cache_bytes)
    : store_(std::move(store)), ttl_(ttl), cache_bytes_(cache_bytes) {}

std::shared_ptr<TrackedMessage> MessageStore::find(const std::string& id) {
    const std::lock_guard lock(mutex_);
    const std::int64_t now = now_ms();
    if (const auto it = messages_.find(id); it != messages_.end()) {
        const auto& m = it->second;
        // An unknown outcome is kept until a resend settles it (or the store's limits).
        if (m->finished || m->dirty || now - m->touched_ms <= std::chrono::milliseconds(ttl_).count() ||
            m->outcome_unknown.load()) {
            return m;
        }
        forget_locked(id);
        try {
            store_->erase(id);
        } catch (const std::runtime_error&) {
            // Expired in the store too: it loads as nothing all the same.
        }
        return nullptr;
    }
    return load_locked(id, now);
}

std::shared_ptr<TrackedMessage> MessageStore::load_locked(const std::string& id, std::int64_t now) {
    std::optional<StoredMessage> stored;
    try {
        stored = store_->load(id, now);
    } catch (const std::runtime_error&) {
        return nullptr;  // a row this version cannot read: unknown, so refused (fail closed)
    }
    if (!stored) {
        return nullptr;
    }
    auto m = std::make_shared<TrackedMessage>();
    m->message_id = stored->message_id;
    m->sbd_json = std::move(stored->sbd_json);
    if (!m->sbd_json.empty()) {
        try {
            m->sbd = parse_sbd(m->sbd_json, "state");
        } catch (const UsageError&) {
            return nullptr;  // it was read at its create: a damaged store, so refused
        }
        m->post = to_journal_post(m->sbd);
    }
    m->post.documents = std::move(stored->documents);
    m->refused = std::move(stored->refused);
    m->refused_uploads = std::move(stored->refused_uploads);
    m->refused_requests = stored->refused_requests;
    m->outcome_unknown = stored->outcome_unknown;
    m->multipart = stored->multipart;
    m->unknown_since_ms = stored->unknown_since_ms;
    m->touched_ms = stored->touched_ms;
    m->finished = stored->finished_ms != 0;
    if (!m->finished) {
        keep_locked(m);
    }
    return m;
}

void MessageStore::keep_locked(const std::shared_ptr<TrackedMessage>& m) {
    auto& slot = messages_[m->message_id];
    if (slot) {
        cached_ -= slot->memory_bytes;
    }
    m->memory_bytes = memory_bytes_of(*m);
    cached_ += m->memory_bytes;
    slot = m;
    trim_locked();
}

void MessageStore::forget_locked(const std::string& id) {
    if (const auto it = messages_.find(id); it != messages_.end()) {
        it->second->forgotten = true;
        cached_ -= it->second->memory_bytes;
        messages_.erase(it);
    }
}

void MessageStore::trim_locked() {
    // Out of memory (not out of the store), longest untouched first; a message a
    // request holds stays, so that all its requests share one lock, and so does one
    // the store could not write.
    while (cached_ > cache_bytes_) {
        auto oldest = messages_.end();
        for (auto it = messages_.begin(); it != messages_.end(); ++it) {
            if (it->second.use_count() == 1 && !it->second->dirty &&
                (oldest == messages_.end() || it->second->touched_ms < oldest->second->touched_ms)) {
                oldest = it;
            }
        }
        if (oldest == messages_.end()) {
            return;
        }
        cached_ -= oldest->second->memory_bytes;
        messages_.erase(oldest);
    }
}

void MessageStore::put(const std::shared_ptr<TrackedMessage>& m) {
    const std::lock_guard lock(mutex_);
    if (m->forgotten) {
        return;  // pushed out meanwhile: its next upload or send is refused (fail closed)
    }
    const std::int64_t now = now_ms();
    m->touched_ms = now;
    std::vector<std::string> gone;
    try {
        gone = store_->save(stored_of(*m), now);
    } catch (...) {
        m->dirty = true;
        keep_locked(m);
        throw;
    }
    m->dirty = false;
    // The store drops what its limits push out (finished letters first, an unknown
    // outcome last); a later upload or send of one is then refused (fail closed),
    // never let through unchecked, and a request that holds one does not write it back.
    for (const auto& id : gone) {
        forget_locked(id);
    }
    keep_locked(m);
}

bool MessageStore::put_after_upstream(const std::shared_ptr<TrackedMessage>& m, Gate::Impl& gate) {
    try {
        put(m);
        return true;
    } catch (const std::exception& e) {
        gate.log_error(
            fmt::format("{} state store: message {} kept in memory only: {}", iso_now(), m->message_id, e.what()));
        return false;
    }
}

void MessageStore::finish(const std::shared_ptr<TrackedMessage>& m, Gate::Impl& gate) {
    const std::lock_guard lock(mutex_);
    const std::int64_t now = now_ms();
    m->finished = true;
    m->outcome_unknown = false;
    StoredMessage s = stored_of(*m);
    s.finished_ms = now;
    s.touched_ms = now;
    try {
        for (const auto& id : store_->save(s, now)) {
            if (id != m->message_id) {
                forget_locked(id);
            }
        }
    } catch (const std::exception& e) {
        // Sent: kept in memory as such, so that a second send is refused all the same.
        m->dirty = true;
        keep_locked(m);
        gate.log_error(fmt::format("{} state store: message {} sent, kept as sent in memory only: {}", iso_now(),
                                   m->message_id, e.what()));
        return;
    }
    forget_locked(m->message_id);
}

bool MessageStore::holds(const std::shared_ptr<TrackedMessage>& m) {
    const std::lock_guard lock(mutex_);
    const auto it = messages_.find(m->message_id);
    return it != messages_.end() && it->second == m;
}

void MessageStore::erase(const std::string& id) {
    const std::lock_guard lock(mutex_);
    forget_locked(id);
    store_->erase(id);
}

void MessageStore::forget(const std::shared_ptr<TrackedMessage>& m, Gate::Impl& gate) {
    const std::lock_guard lock(mutex_);
    if (const auto it = messages_.find(m->message_id); it != messages_.end() && it->second == m) {
        forget_locked(m->message_id);
    }
    m->forgotten = true;
    try {
        store_->erase(m->message_id);
    } catch (const std::exception& e) {
        gate.log_error(fmt::format("{} state store: message {} not erased: {}", iso_now(), m->message_id, e.what()));
    }
}

void MessageStore::count_refused_request(const std::shared_ptr<TrackedMessage>& m) {
    ++m->refused_requests;
    const std::lock_guard lock(mutex_);
    try {
        store_->count_refused_request(m->message_id);
    } catch (const std::exception&) {
        m->dirty = true;  // counted in memory only: kept there
        keep_locked(m);
    }
}

StoreStats MessageStore::stats() { return store_->stats(); }

// ---------------------------------------------------------------- the gate

Gate::Impl::Impl(GateSettings s, const CheckSet& reg, const Config& cfg, RunSettings r)
    : settings(std::move(s)),
      check_set(reg),
      config(cfg),
      run(std::move(r)),
      uploads(static_cast<std::ptrdiff_t>(std::max<std::size_t>(1, settings.max_uploads))),
      budget(settings.memory_budget_bytes - settings.memory_budget_bytes / 4),
      messages(
          open_sqlite_store(settings.state_dir.empty() ? std::filesystem::path() : settings.state_dir / "state.sqlite",
                            StoreLimits{settings.state_max_bytes, std::max<std::size_t>(1, settings.max_messages),
                                        settings.state_ttl, settings.state_ttl}),
          settings.state_ttl, settings.memory_budget_bytes / 4) {
    if (!settings.upstream.empty()) {
        upstream = parse_upstream(settings.upstream);
        if (!upstream) {
            throw UsageError("error.gate.upstream-url", {{"url", settings.upstream}});
        }
    }
}

Gate::Impl::~Impl() {
    stop();
    wait();
}

void Gate::Impl::start() {
    // Memory that requests give back goes back to the system: large blocks are always
    // mapped on their own (no threshold that grows with them), and few arenas, so that
    // the gate's resident size follows its budget rather than its history.
    ::mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    ::mallopt(M_ARENA_MAX, 4);
    ::mallopt(M_TRIM_THRESHOLD, 4 * 1024 * 1024);
    prepare();

    const tcp::endpoint endpoint(asio::ip::make_address(settings.host), settings.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    bound_port = acceptor_.local_endpoint().port();
    accept_next();
    accept_thread_ = std::thread([this] { accept_ioc_.run(); });
    maintenance_thread_ = std::thread([this] { maintain(); });
}

void Gate::Impl::prepare() {
    if (pool_) {
        return;
    }
    std::filesystem::path parent = settings.temp_parent;
    if (parent.empty()) {
        const char* tmp = std::getenv("TMPDIR");
        parent = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
    }
    temp.emplace(parent, "preflight-gate-");
    check_dirs.emplace(temp->path(), "check-", settings.max_uploads);
    const unsigned workers =
        settings.workers != 0 ? settings.workers : std::max(1U, std::thread::hardware_concurrency());
    pool_.emplace(workers);
}

void Gate::Impl::maintain() {
    std::unique_lock lock(maintenance_mutex_);
    while (!maintenance_wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_.load(); })) {
        if (isolate::keep_server()) {
            log_error(fmt::format("{} the isolation helper had ended: reaped and started again", iso_now()));
        }
    }
}

void Gate::Impl::accept_next() {
    auto conn = std::make_shared<Connection>(*this);
    acceptor_.async_accept(conn->ioc(), [this, conn](beast::error_code ec, tcp::socket socket) {
        if (ec || stopping_) {
            return;  // closed: stop() was called
        }
        bool admitted = false;
        {
            const std::lock_guard lock(connections_mutex_);
            if (connections_.size() - evicted_.size() < settings.max_connections || evict_one_locked()) {
                conn->admitted();
                connections_.insert(conn.get());
                admitted = true;
            }
        }
        if (admitted) {
            metrics.connection_opened();
            std::thread([this, conn, s = std::move(socket)]() mutable {
                try {
                    conn->serve(std::move(s));
                } catch (const std::exception& e) {
                    // Outside a request's own handling (its closing, a refusal's
                    // bookkeeping): the connection ends, the gate carries on.
                    log_error(fmt::format("{} connection ended by an error: {}", iso_now(), e.what()));
                }
                connection_ended(conn.get());
            }).detach();
        } else {
            // Over the connection limit: a short answer, then close.
            metrics.rejected("connections");
            static constexpr std::string_view busy =
                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 5\r\n"
                "Connection: close\r\nContent-Length: 46\r\n\r\n{\"status\":503,\"error\":\"Service Unavailable\"}\n";
            beast::error_code ignored;
            socket.non_blocking(true, ignored);
            socket.write_some(asio::buffer(busy.data(), busy.size()), ignored);
            socket.close(ignored);
        }
        accept_next();
    });
}

bool Gate::Impl::evict_slow_upload() {
    const std::lock_guard lock(connections_mutex_);
    const auto now = std::chrono::steady_clock::now();
    Connection* victim = nullptr;
    std::chrono::steady_clock::time_point victim_since;
    Connection::Phase victim_seen{};
    for (Connection* c : connections_) {
        std::chrono::steady_clock::time_point since;
        Connection::Phase seen{};
        if (evicted_.count(c) == 0 && c->holds_upload_slot() && c->eviction_rank(now, since, seen) == 2 &&
            (victim == nullptr || since < victim_since)) {
            victim = c;
            victim_since = since;
            victim_seen = seen;
        }
    }
    if (victim == nullptr || !victim->try_evict(victim_seen)) {
        return false;  // none, or it got to work meanwhile
    }
    metrics.rejected("evicted-slow");
    evicted_.insert(victim);
    victim->cancel();
    return true;
}

bool Gate::Impl::evict_one_locked() {
    // Waiting for a request first, then a header not yet whole, then a body slower
    // than the minimum rate; the oldest of each. A connection at work is never dropped.
    const auto now = std::chrono::steady_clock::now();
    Connection* victim = nullptr;
    int victim_rank = 3;
    std::chrono::steady_clock::time_point victim_since;
    Connection::Phase victim_seen{};
    for (Connection* c : connections_) {
        if (evicted_.count(c) != 0) {
            continue;
        }
        std::chrono::steady_clock::time_point since;
        Connection::Phase seen{};
        const int rank = c->eviction_rank(now, since, seen);
        if (rank >= 0 && (rank < victim_rank || (rank == victim_rank && since < victim_since))) {
            victim = c;
            victim_rank = rank;
            victim_since = since;
            victim_seen = seen;
        }
    }
    if (victim == nullptr || !victim->try_evict(victim_seen)) {
        return false;  // none, or it got to work meanwhile
    }
    metrics.rejected(victim_rank == 0 ? "evicted-idle" : victim_rank == 1 ? "evicted-header" : "evicted-slow");
    evicted_.insert(victim);
    victim->cancel();
    return true;
}

void Gate::Impl::connection_ended(Connection* c) {
    metrics.connection_closed();
    const std::lock_guard lock(connections_mutex_);
    connections_.erase(c);
    evicted_.erase(c);
    connections_done_.notify_all();
}

void Gate::Impl::stop() {
    if (stopping_.exchange(true)) {
        return;
    }
    asio::post(accept_ioc_, [this] {
        beast::error_code ignored;
        acceptor_.close(ignored);
    });
    const std::lock_guard lock(connections_mutex_);
    for (Connection* c : connections_) {
        c->cancel_if_idle();
    }
}

void Gate::Impl::wait() {
    {
        std::unique_lock lock(connections_mutex_);
        if (!connections_done_.wait_for(lock, settings.shutdown_grace, [this] { return connections_.empty(); })) {
            for (Connection* c : connections_) {
                c->cancel();
            }
            connections_done_.wait_for(lock, std::chrono::seconds(5), [this] { return connections_.empty(); });
        }
    }
    if (accept_thread_.joinable()) {
        accept_thread_.join();
    }
    {
        const std::lock_guard lock(maintenance_mutex_);
        maintenance_wake_.notify_all();
    }
    if (maintenance_thread_.joinable()) {
        maintenance_thread_.join();
    }
}

Report Gate::Impl::check(JournalPost post, const RunSettings& r, const std::function<bool(const Finding&)>& keep) {
    Report report = pool_->run([&] { return run_checks(std::move(post), check_set, config, r); });
    if (keep) {
        std::erase_if(report.findings, [&](const Finding& f) { return !keep(f); });
    }
    for (auto& f : report.findings) {
        for (auto& [name, value] : f.args) {
            for (const auto& d : report.post.documents) {
                if (!d.path.empty() && value == d.path.string()) {
                    value = d.file;
                }
            }
        }
    }
    metrics.verdict(to_string(report.verdict()));
    for (const auto& f : report.findings) {
        metrics.finding(f.code, to_string(f.severity));
    }
    return report;
}

namespace {

// The document read from `from` as the client named it, `to`, in `report`: its record,
// its findings and their arguments.
void rename_document(Report& report, const std::string& from, const std::string& to) {
    for (Document& d : report.post.documents) {
        if (d.file == from) {
            d.file = to;
            d.name = std::filesystem::path(to).stem().string();
        }
    }
    for (Finding& f : report.findings) {
        if (f.document == from) {
            f.document = to;
        }
        for (auto& [name, value] : f.args) {
            if (value == from) {
                value = to;
            }
        }
    }
}

}  // namespace

fixup::PdfFix Gate::Impl::fix(const std::filesystem::path& in, const std::filesystem::path& out,
                              const pdf::FixOptions& options, const std::string& shown_in,
                              const std::string& shown_out) {
    fixup::PdfFix fix = pool_->run([&] { return fixup::fix_pdf(in, out, options, false, check_set, config, run); });
    rename_document(fix.input, in.string(), shown_in);
    for (Finding& f : fix.reasons) {
        Report one;
        one.findings = {f};
        rename_document(one, in.string(), shown_in);
        f = one.findings.front();
    }
    if (fix.output) {
        rename_document(*fix.output, out.string(), shown_out);
    }
    return fix;
}

void Gate::Impl::log_error(const std::string& line) {
    const std::string masked = ident::mask_person_ids(line) + "\n";
    const std::lock_guard lock(log_mutex_);
    std::fputs(masked.c_str(), stderr);
}

void Gate::Impl::log_access(const std::string& line) {
    if (!settings.access_log) {
        return;
    }
    const std::string masked = ident::mask_person_ids(line) + "\n";
    const std::lock_guard lock(log_mutex_);
    std::fputs(masked.c_str(), stderr);
}

// ---------------------------------------------------------------- connections

void Connection::cancel_if_idle() {
    asio::post(ioc_, [this] {
        if (idle_ && stream_) {
            stream_->cancel();
        }
    });
}

void Connection::cancel() {
    cancelled_ = true;
    asio::post(ioc_, [this] {
        if (stream_) {
            beast::error_code ignored;
            stream_->socket().shutdown(tcp::socket::shutdown_both, ignored);
            stream_->cancel();
        }
    });
}

void Connection::serve(tcp::socket socket) {
    stream_.emplace(std::move(socket));
    {
        beast::error_code ec;
        const auto ep = stream_->socket().remote_endpoint(ec);
        if (!ec) {
            remote_ = ep.address().to_string();
        }
    }
    const std::string& remote = remote_;
    const auto& s = gate_.settings;
    for (;;) {
        if (gate_.stopping() || cancelled_) {
            break;
        }
        Parser parser;
        parser.header_limit(s.max_header_bytes);
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // capped per route (none: broken in Beast 1.74)
        // Waiting for a request: up to the idle timeout for its first byte; from that
        // byte on, the header must be whole within the header timeout.
        if (served_) {
            if (!set_phase(Phase::idle)) {
                break;
            }
        }
        idle_ = true;
        beast::error_code ec;
        if (buffer_.size() == 0) {
            stream_->expires_after(s.idle_timeout);
            std::size_t got = 0;
            ec = await([&](auto handler) {
                stream_->async_read_some(buffer_.prepare(kFirstRead),
                                         [&got, handler](beast::error_code e, std::size_t n) mutable {
                                             got = n;
                                             handler(e);
                                         });
            });
            buffer_.commit(got);
        }
        idle_ = false;
        request_started_ = std::chrono::steady_clock::now();
        body_received_ = 0;
        if (!ec) {
            if (!set_phase(Phase::header)) {
                break;  // dropped for a newcomer meanwhile
            }
            stream_->expires_at(std::min(request_started_ + s.header_timeout, request_started_ + s.request_timeout));
            ec = await([&](auto handler) { http::async_read_header(*stream_, buffer_, parser, handler); });
        }
        if (!set_phase(Phase::working)) {
            break;  // dropped for a newcomer as its head came in: it goes unanswered
        }
        const auto started = request_started_;
        exchange = Exchange{};
        if (ec == http::error::header_limit) {
            gate_.metrics.rejected("header-too-large");
            respond_error(
                parser, http::status::request_header_fields_too_large, "preflight.HeaderTooLarge",
                catalogue::text("gate.error.header-too-large", s.lang, {{"limit", std::to_string(s.max_header_bytes)}}),
                false);
            record(parser, remote, started);
            break;
        }
        if (ec) {
            if (ec != http::error::end_of_stream && ec != asio::error::operation_aborted &&
                ec != beast::error::timeout && ec != asio::error::eof && ec != asio::error::connection_reset &&
                buffer_.size() > 0) {
                gate_.metrics.rejected("malformed");
                poison_if_upload(parser);  // the request line may have been read
                respond_error(parser, http::status::bad_request, "preflight.MalformedRequest",
                              catalogue::text("gate.error.malformed", s.lang, {{"detail", ec.message()}}), false);
                record(parser, remote, started);
            }
            break;
        }
        bool keep = false;
        try {
            keep = handle(parser);
        } catch (const OverBudget& why) {
            // Nothing was built or forwarded: the request waits for memory (503 with
            // Retry-After), or could never have it (413).
            refuse_over_budget(parser, why);
            keep = false;
        } catch (const std::exception& e) {
            // Fail closed: an unexpected error answers 500, nothing is forwarded. The
            // detail (it may name the gate's temporary files) goes to the log only.
            const std::string incident = fmt::format("{:016x}", std::hash<std::string>{}(iso_now() + e.what()));
            gate_.log_error(fmt::format("{} internal error {}: {}", iso_now(), incident, shown(e.what())));
            respond_error(parser, http::status::internal_server_error, "preflight.InternalError",
                          catalogue::text("gate.error.internal", s.lang, {{"detail", incident}}), false);
            keep = false;
        }
        record(parser, remote, started);
        served_ = true;
        holds_slot_ = false;  // its guard gave the slot back when the request ended
        if (!keep) {
            break;
        }
    }
    beast::error_code ignored;
    stream_->socket().shutdown(tcp::socket::shutdown_send, ignored);
    // A lingering close: a client refused before its body was read (413, 503, a
    // malformed part) may still be sending it; read and drop what comes for a
    // moment, so that closing does not reset the connection and lose the answer.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    std::vector<char> drain(kChunkBytes);
    while (!cancelled_ && std::chrono::steady_clock::now() < deadline) {
        stream_->expires_at(deadline);
        if (await([&](auto handler) { stream_->async_read_some(asio::buffer(drain), handler); })) {
            break;  // the client closed (EOF), the deadline passed, or the gate is stopping
        }
    }
    stream_->socket().close(ignored);
}

void Connection::record(const Parser& p, const std::string& remote, std::chrono::steady_clock::time_point started) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const auto& req = p.get();
    gate_.metrics.request(exchange.route, exchange.status, seconds);
    // A request whose header could not be read has no method or target: "-".
    const std::string method = req.method_string().empty() ? "-" : std::string(sv(req.method_string()));
    const std::string target = req.target().empty() ? "-" : shown(sv(req.target()));
    gate_.log_access(fmt::format("{} {} \"{} {}\" {} {} {:.0f}ms route={}{}", iso_now(), remote, method, target,
                                 exchange.status, exchange.body_bytes, seconds * 1000, exchange.route,
                                 exchange.verdict.empty() ? "" : " verdict=" + exchange.verdict));
}

bool Connection::read_body(Parser& p, const std::function<void(std::string_view)>& sink, std::uint64_t max,
                           bool& too_large, beast::error_code& error) {
    too_large = false;
    if (max != 0 && p.content_length() && *p.content_length() > max) {
        too_large = true;
        return false;
    }
    std::vector<char> chunk(kChunkBytes);
    if (!set_phase(Phase::body)) {
        error = asio::error::operation_aborted;  // dropped for a newcomer
        return false;
    }
    while (!p.is_done()) {
        p.get().body().data = chunk.data();
        p.get().body().size = chunk.size();
        beast::error_code ec =
            read_by(read_deadline(), [&](auto handler) { http::async_read(*stream_, buffer_, p, handler); });
        if (ec == http::error::need_buffer) {
            ec = {};
        }
        if (ec) {
            error = ec;
            return false;
        }
        const std::size_t n = chunk.size() - p.get().body().size;
        exchange.body_bytes += n;
        body_received_ = exchange.body_bytes;
        if (max != 0 && exchange.body_bytes > max) {
            too_large = true;
            return false;
        }
        if (n > 0) {
            sink(std::string_view(chunk.data(), n));
        }
    }
    if (!set_phase(Phase::working)) {
        error = asio::error::operation_aborted;  // dropped for a newcomer as the body ended
        return false;
    }
    return true;
}

void Connection::admitted() {
    phase_since_ =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
}

bool Connection::set_phase(Phase phase) {
    const auto now = std::chrono::steady_clock::now();
    // Against the evicting thread's try_evict: a connection is either dropped before
    // it gets to work, or it works and is never dropped.
    Phase current = phase_.load();
    do {
        if (current == Phase::evicting) {
            return false;
        }
    } while (!phase_.compare_exchange_weak(current, phase));
    if (phase == Phase::body) {
        body_started_ = now;
    }
    phase_since_ = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    return true;
}

bool Connection::try_evict(Phase seen) { return phase_.compare_exchange_strong(seen, Phase::evicting); }

int Connection::eviction_rank(std::chrono::steady_clock::time_point now, std::chrono::steady_clock::time_point& since,
                              Phase& seen) const {
    since = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(phase_since_.load()));
    seen = phase_.load();
    switch (seen) {
        case Phase::idle:
            // Waiting for its next request (keep-alive): cheapest to lose. A new
            // connection that has sent nothing yet goes with the half-sent headers,
            // the oldest first, so that a newcomer does not push out the one before it.
            return served_ ? 0 : 1;
        case Phase::header:
            return 1;
        case Phase::body: {
            const auto& s = gate_.settings;
            const double seconds = std::chrono::duration<double>(now - since).count();
            // A piece of the body (kChunkBytes) may be on its way, not yet counted.
            if (s.min_rate != 0 && seconds > 1.0 &&
                static_cast<double>(body_received_.load() + kChunkBytes) < static_cast<double>(s.min_rate) * seconds) {
                return 2;
            }
            return -1;
        }
        case Phase::working:
        case Phase::evicting:
            break;
    }
    return -1;
}

std::chrono::steady_clock::time_point Connection::read_deadline() const {
    const auto& s = gate_.settings;
    auto deadline = std::min(std::chrono::steady_clock::now() + s.read_timeout, request_started_ + s.request_timeout);
    if (s.min_rate != 0 && phase_ == Phase::body) {
        // The moment the body, at what has come so far, falls under the minimum rate.
        // A piece of the body (kChunkBytes) may be on its way, not yet counted.
        const auto owed = std::chrono::milliseconds((body_received_.load() + kChunkBytes) * 1000 / s.min_rate);
        deadline = std::min(deadline, body_started_ + std::max<std::chrono::milliseconds>(s.min_rate_grace, owed));
    }
    return deadline;
}

bool Connection::refuse_slow(const Parser& p) {
    const auto& s = gate_.settings;
    const auto now = std::chrono::steady_clock::now();
    std::string why;
    if (now >= request_started_ + s.request_timeout) {
        why = catalogue::text(
            "gate.error.slow-request", s.lang,
            {{"seconds", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(s.request_timeout).count())}});
    } else if (s.min_rate != 0 && phase_ == Phase::body && now >= body_started_ + s.min_rate_grace) {
        why = catalogue::text("gate.error.slow-body", s.lang, {{"rate", std::to_string(s.min_rate / 1024)}});
    } else {
        return false;
    }
    gate_.metrics.rejected("slow");
    respond_error(p, http::status::request_timeout, "preflight.TooSlow", why, false);
    return true;
}

bool Connection::receive(Parser& p, const std::function<void(std::string_view)>& sink, std::uint64_t max) {
    send_continue_if_expected(p);
    bool too_large = false;
    beast::error_code ec;
    const auto fields = std::distance(p.get().begin(), p.get().end());
    if (read_body(p, sink, max, too_large, ec)) {
        if (std::distance(p.get().begin(), p.get().end()) != fields) {
            // Beast adds a chunked body's trailer fields to the header, which the gate
            // judged before the body and forwards after it: another request.
            refuse(p, "preflight.AmbiguousRequest",
                   catalogue::text("gate.error.framing", gate_.settings.lang, {{"detail", "trailer fields"}}),
                   "framing");
            return false;
        }
        return true;
    }
    if (too_large) {
        gate_.metrics.rejected("too-large");
        respond_error(p, http::status::payload_too_large, "preflight.PayloadTooLarge",
                      catalogue::text("gate.error.too-large", gate_.settings.lang, {{"limit", std::to_string(max)}}),
                      false);
    } else if (ec == beast::error::timeout) {
        refuse_slow(p);  // 408 when it was the request's deadline or the minimum rate
    }
    set_phase(Phase::working);
    return false;  // answered, or the client went away or was too slow: nobody to answer
}

bool Connection::refuse_over_budget(const Parser& p, const OverBudget& why) {
    gate_.metrics.rejected("memory");
    const auto& s = gate_.settings;
    if (why.never_fits) {
        return respond_error(
            p, http::status::payload_too_large, "preflight.OverMemoryBudget",
            catalogue::text("gate.error.memory-never", s.lang,
                            {{"limit", std::to_string(gate_.budget.capacity() / (std::uint64_t{1024} * 1024))}}),
            false);
    }
    return respond_error(p, http::status::service_unavailable, "preflight.Busy",
                         catalogue::text("gate.error.memory", s.lang), false);
}

bool Connection::take_upload_slot() {
    // Every slot taken: one held by a body slower than the minimum rate (a client
    // trickling its upload) is given to this request, whose body may come at once.
    if (gate_.uploads.try_acquire() ||
        (gate_.evict_slow_upload() && gate_.uploads.try_acquire_for(std::chrono::seconds(2)))) {
        holds_slot_ = true;
        return true;
    }
    return false;
}

void Connection::send_continue_if_expected(const Parser& p) {
    const auto expect = p.get()[http::field::expect];
    if (!beast::iequals(expect, "100-continue")) {
        return;
    }
    http::response<http::empty_body> cont{http::status::continue_, 11};
    stream_->expires_after(gate_.settings.read_timeout);
    await([&](auto handler) { http::async_write(*stream_, cont, handler); });
}

bool Connection::respond(const Parser& p, http::status status, const std::string& content_type, std::string body,
                         bool keep_alive, const std::vector<std::pair<std::string, std::string>>& headers) {
    http::response<http::string_body> res{status, p.get().version() == 10 ? 10U : 11U};
    res.set(http::field::server, "preflight/" PREFLIGHT_VERSION);
    res.set(http::field::content_type, content_type);
    for (const auto& [k, v] : headers) {
        res.set(k, v);
    }
    res.body() = std::move(body);
    res.keep_alive(keep_alive && p.get().keep_alive() && !gate_.stopping());
    if (p.get().method() == http::verb::head) {
        res.content_length(res.body().size());
        res.body().clear();
    } else {
        res.prepare_payload();
    }
    exchange.status = static_cast<int>(status);
    stream_->expires_after(gate_.settings.read_timeout);
    const beast::error_code ec = await([&](auto handler) { http::async_write(*stream_, res, handler); });
    return !ec && res.keep_alive();
}

bool Connection::respond_error(const Parser& p, http::status status, std::string_view exception,
                               const std::string& message, bool keep_alive, const nlohmann::json* findings,
                               const std::string& description) {
    // The path as the upstream reads it (decoded), masked; never the target as sent.
    const std::string path =
        target_ ? ident::mask_person_ids(text::escape_controls(text::printable(target_->decoded_path())))
                : shown(path_of(sv(p.get().target())));
    std::vector<std::pair<std::string, std::string>> headers;
    if (status == http::status::service_unavailable) {
        headers.emplace_back("Retry-After", "5");
    }
    return respond(p, status, "application/json",
                   error_text(static_cast<int>(status), exception, message, path, findings, description), keep_alive,
                   headers);
}

bool Connection::relay_answer(const Parser& p, http::response<http::string_body>& answer) {
    exchange.status = static_cast<int>(answer.result_int());
    const bool keep = p.get().keep_alive() && !gate_.stopping();
    answer.version(p.get().version() == 10 ? 10U : 11U);
    answer.erase(http::field::connection);
    answer.erase(http::field::transfer_encoding);
    if (p.get().method() != http::verb::head) {
        answer.content_length(answer.body().size());
    }
    answer.keep_alive(keep);
    stream_->expires_after(gate_.settings.read_timeout);
    const beast::error_code ec = await([&](auto handler) { http::async_write(*stream_, answer, handler); });
    return !ec && keep;
}

namespace {

// Why the request's framing is ambiguous (repeated or invalid Transfer-Encoding,
// Transfer-Encoding with Content-Length, a GET or HEAD with a body), or "".
std::string framing_problem(const RequestHead& head) {
    const std::size_t te = head.transfer_encodings.size();
    const std::size_t cl = head.content_length_fields;
    if (te > 1) {
        return "Transfer-Encoding twice";
    }
    if (te == 1) {
        const std::string& sent = head.transfer_encodings.front();
        std::string value = text::ascii_lower(text::trim(sent));
        if (value != "chunked") {
            return "Transfer-Encoding \"" + text::escape_controls(sent) + "\" (only \"chunked\" is read)";
        }
        if (head.version < 11) {
            return "Transfer-Encoding in HTTP/1.0";
        }
        if (cl != 0) {
            return "Transfer-Encoding together with Content-Length";
        }
    }
    if (cl > 1) {
        return "Content-Length twice";
    }
    // As Beast reads the method: "GET" and "HEAD" exactly.
    if ((head.method == "GET" || head.method == "HEAD") &&
        (te != 0 || (head.content_length && *head.content_length > 0))) {
        return "a body with " + head.method;
    }
    return {};
}

// Counts a refused request against the tracked message it uploads to, if any.
void count_against_upload(Gate::Impl& gate, const std::string& id) {
    if (id.empty()) {
        return;
    }
    if (const auto m = gate.messages.find(id); m && !m->finished) {
        gate.messages.count_refused_request(m);
    }
}

}  // namespace

std::string upload_target(const Gate::Impl& gate, std::string_view method, std::string_view target) {
    // A refused upload aimed at a message the gate tracks (with an ambiguous framing,
    // say) leaves that letter incomplete: its send is refused too.
    if (gate.upstream && text::ascii_lower(method) == "put") {
        const TargetReading reading = read_target(target);
        if (reading.target) {
            const Routing routing = route_of("PUT", *reading.target, true);
            if (routing.route == Route::upload) {
                return routing.message_id;
            }
        }
    }
    return {};
}

void count_refusal(Gate::Impl& gate, std::string_view reason, const std::string& upload_to) {
    count_against_upload(gate, upload_to);
    gate.metrics.rejected(reason);
}

std::optional<Refusal> refusal_before_routing(const Gate::Impl& gate, const RequestHead& head) {
    const Lang lang = gate.settings.lang;
    const auto refusal = [&](std::string_view exception, const std::string& message, std::string_view reason) {
        Refusal r;
        r.response.status = static_cast<int>(http::status::bad_request);
        r.response.content_type = "application/json";
        // Not placed: the path as sent, shown (decoded, masked).
        r.response.body = error_text(r.response.status, exception, message, shown(path_of(head.target)));
        r.response.keep_alive = false;
        r.response.verdict = "refused";
        r.reason = reason;
        r.upload_to = upload_target(gate, head.method, head.target);
        return r;
    };
    // Framing first: a request whose end the gate and the upstream could see in
    // different places is never read on, on any route.
    if (const std::string why = framing_problem(head); !why.empty()) {
        return refusal("preflight.AmbiguousRequest", catalogue::text("gate.error.framing", lang, {{"detail", why}}),
                       "framing");
    }
    if (!served_method(head.method)) {
        return refusal(
            "preflight.MethodNotServed",
            catalogue::text("gate.error.method-not-served", lang, {{"method", text::escape_controls(head.method)}}),
            "method");
    }
    if (const TargetReading reading = read_target(head.target); !reading.target) {
        return refusal("preflight.UnplaceableRequest",
                       catalogue::text("gate.error.unplaceable", lang, {{"detail", reading.problem.reason}}),
                       "unplaceable");
    }
    return std::nullopt;
}

void Connection::poison_if_upload(const Parser& p) {
    count_against_upload(gate_, upload_target(gate_, sv(p.get().method_string()), sv(p.get().target())));
}

bool Connection::refuse(const Parser& p, std::string_view exception, const std::string& message,
                        std::string_view reason) {
    count_refusal(gate_, reason, upload_target(gate_, sv(p.get().method_string()), sv(p.get().target())));
    exchange.verdict = "refused";
    return respond_error(p, http::status::bad_request, exception, message, false);
}

bool Connection::handle(Parser& p) {
    const auto& req = p.get();
    const std::string method(sv(req.method_string()));
    target_.reset();
    forward_target_.clear();

    // Refused from its head alone: an ambiguous framing, a method not served, a
    // target that cannot be placed.
    RequestHead head;
    head.method = method;
    head.target = std::string(sv(req.target()));
    head.version = req.version();
    for (auto [it, end] = req.equal_range(http::field::transfer_encoding); it != end; ++it) {
        head.transfer_encodings.emplace_back(sv(it->value()));
    }
    head.content_length_fields = static_cast<std::size_t>(req.count(http::field::content_length));
    if (p.content_length()) {
        head.content_length = *p.content_length();
    }
    if (auto refusal = refusal_before_routing(gate_, head)) {
        exchange.route = "refused";
        count_refusal(gate_, refusal->reason, refusal->upload_to);
        exchange.verdict = refusal->response.verdict;
        Response& r = refusal->response;
        return respond(p, static_cast<http::status>(r.status), r.content_type, std::move(r.body), r.keep_alive,
                       r.headers);
    }
    TargetReading reading = read_target(head.target);
    if (!reading.target) {
        throw std::logic_error("a target refused before routing was routed");
    }
    target_ = std::move(*reading.target);
    const Routing routing = route_of(method, *target_, gate_.upstream.has_value());
    // The route table (routes.cpp) says what answers it.
    const RouteEntry& entry = entry_for(routing, method, gate_.upstream.has_value());
    if (gate_.upstream) {
        // What the upstream is sent: the checked routes by their canonical path, any
        // other request as sent when its target was already canonical, else canonical.
        forward_target_ = forward_target(*gate_.upstream, entry, *target_, sv(req.target()));
    }
    exchange.route = std::string(entry.name);
    if (entry.stream != nullptr) {
        return (this->*entry.stream)(p, routing);
    }
    ConnectionBody body(*this, p);
    Request request;
    request.method = method;
    request.target = std::string(sv(req.target()));
    request.canonical = *target_;
    request.routing = routing;
    request.content_type = std::string(sv(req[http::field::content_type]));
    request.body_done = p.is_done();
    request.body = &body;
    request.remote = remote_;
    request.head = &req;
    if (p.content_length()) {
        request.content_length = *p.content_length();
    }
    request.forward_target = forward_target_;
    if (entry.proxy != nullptr) {
        ConnectionClient client(*this, p);
        return entry.proxy(gate_, request, client);
    }
    Response answer = server::answer(gate_, entry, request);
    if (!answer.verdict.empty()) {
        exchange.verdict = answer.verdict;
    }
    if (answer.answered) {
        return false;
    }
    return respond(p, static_cast<http::status>(answer.status), answer.content_type, std::move(answer.body),
                   answer.keep_alive, answer.headers);
}

// ---------------------------------------------------------------- public face

Gate::Gate(GateSettings settings, const CheckSet& check_set, const Config& config, RunSettings run)
    : impl_(std::make_unique<Impl>(std::move(settings), check_set, config, std::move(run))) {}
Gate::~Gate() = default;
void Gate::start() { impl_->start(); }
unsigned short Gate::port() const { return impl_->bound_port; }
void Gate::stop() { impl_->stop(); }
void Gate::wait() { impl_->wait(); }
Metrics& Gate::metrics() { return impl_->metrics; }
std::string Gate::state_where() const { return impl_->messages.where(); }

Lang Gate::language() const { return impl_->settings.lang; }

std::string Gate::page_url() const {
    std::string host = impl_->settings.host;
    if (host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]") {
        std::array<char, 256> name{};
        host = ::gethostname(name.data(), name.size() - 1) == 0 && name[0] != '\0' ? std::string(name.data())
                                                                                   : std::string("localhost");
    } else if (host.find(':') != std::string::npos && !host.starts_with("[")) {
        host = "[" + host + "]";
    }
    return fmt::format("http://{}:{}/", host, port());
}

int serve_until_signal(Gate& gate) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    // Blocked in every thread the gate starts from here on; only sigwait sees them.
    ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    gate.start();
    std::fprintf(stderr, "preflight serve: listening on port %u\n", static_cast<unsigned>(gate.port()));
    std::fprintf(stderr, "preflight serve: %s\n",
                 catalogue::text("serve.page", gate.language(), {{"url", gate.page_url()}}).c_str());
    std::fprintf(stderr, "preflight serve: message state in %s\n", gate.state_where().c_str());
    int sig = 0;
    ::sigwait(&set, &sig);
    std::fprintf(stderr, "preflight serve: %s, finishing requests in flight\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    gate.stop();
    gate.wait();
    std::fprintf(stderr, "preflight serve: stopped\n");
    return 0;
}

}  // namespace preflight::server
