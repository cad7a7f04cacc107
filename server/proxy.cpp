// The validating reverse proxy in front of the integrasjonspunkt (contract: "The
// gate"; docs/gate.md). Checked routes:
//   POST /api/messages/out            create: receiver, route, print address, title
//   PUT  /api/messages/out/{id}       upload: name, type, size against the running total, pages
//   POST /api/messages/out/{id}       send: the whole journal post
//   POST /api/messages/out/multipart  create and send: checked whole
// A blocked request is answered 400 in the integrasjonspunkt's error shape and
// nothing of it is forwarded. Everything else passes through byte for byte.
//
// The checked routes are handlers of a Request (routes.hpp): the body from its
// BodySource, the answer through a ClientSide (the connection's socket, or a test's
// strings: proxy_routes_test.cpp). The pass-through, at the end, is the connection's own.
//
// Fail closed (docs/gate.md, "Failing closed"): a refused upload, for whatever
// reason, makes the send of its message refused too; the upstream's answers to the
// checked routes are read whole before any state changes, and a send whose answer
// broke off leaves the message "outcome unknown" until the upstream's statuses tell.
#include "server/disposition.hpp"
#include "server/internal.hpp"
#include "server/multipart.hpp"
#include "server/routes.hpp"

#include "base/error.hpp"
#include "base/filetype.hpp"
#include "base/identifiers.hpp"
#include "base/text.hpp"
#include "report/render.hpp"
#include "server/sbd.hpp"
#include "validator/catalogue.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <limits>

namespace preflight::server {
namespace {

bool is_success(int status) { return status >= 200 && status < 300; }

// Query parameters the gate reads on a checked route; more are refused.
constexpr std::size_t kMaxQueryParameters = 100;

// What the check behind a finding judges (Scope::all_documents: only at send).
Scope scope_of(const CheckSet& checks, const Finding& f) {
    const Check* c = checks.of(f);
    return c != nullptr ? c->scope() : Scope::post;
}

// The bokmål (or English) message the archive system writes into the journal
// post's log: the first blocking finding, what to do, and how many more there are.
std::string sentence(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) {
        s.pop_back();
    }
    if (!s.empty() && s.back() != '.' && s.back() != '!' && s.back() != '?') {
        s += '.';
    }
    return s;
}

// Every blocking finding, one sentence each: the error's `description`.
std::string blocked_description(const Report& report, Lang lang) {
    std::string out;
    for (const auto& f : report.findings) {
        if (f.severity == Severity::block) {
            out += (out.empty() ? "" : " ") + f.code + ": " + sentence(catalogue::text(f.message_id, lang, f.args));
        }
    }
    return out;
}

std::string blocked_message(const Report& report, Lang lang) {
    std::vector<const Finding*> blocks;
    for (const auto& f : report.findings) {
        if (f.severity == Severity::block) {
            blocks.push_back(&f);
        }
    }
    if (blocks.empty()) {
        return {};
    }
    const Finding& first = *blocks.front();
    const std::string more =
        blocks.size() > 1 ? catalogue::text("gate.blocked.more", lang, {{"count", std::to_string(blocks.size() - 1)}})
                          : "";
    return catalogue::text("gate.blocked", lang,
                           {{"code", first.code},
                            {"message", sentence(catalogue::text(first.message_id, lang, first.args))},
                            {"remedy", sentence(catalogue::text(first.remedy_id, lang, first.args))},
                            {"more", more}});
}

class MultipartCapture final : public PartSink {
public:
    MultipartCapture(const std::filesystem::path& dir, std::uint64_t max_sbd, RequestMemory& memory)
        : dir_(dir), max_sbd_(max_sbd), memory_(memory) {}
    void begin(const PartHeaders& h) override {
        current_ = nullptr;
        // The part as the integrasjonspunkt reads it: Spring's ContentDisposition for
        // the file name, the part's name for its title; refused where readers differ.
        const DispositionReading d = read_disposition(h.disposition, HeaderBytes::utf8);
        if (!d.ok()) {
            throw MultipartError(
                phrase("multipart.part", {{"part", std::to_string(parts_ + 1)}}, {{"reason", d.problem}}));
        }
        ++parts_;
        in_sbd_ = d.name == std::optional<std::string>("sbd");
        if (in_sbd_) {
            if (d.filename) {
                // Spring would read the SBD from this file, and send it as a file too.
                throw SbdPartError("as a file");
            }
            if (sbd_) {
                throw SbdPartError("twice");
            }
            sbd_.emplace();
            return;
        }
        if (!d.filename || d.filename->empty()) {
            throw MultipartError(phrase("multipart.not-sbd-nor-file", {{"name", d.name.value_or("")}}));
        }
        files_.push_back({d.name.value_or(""), *d.filename, TempFile(dir_)});
        current_ = &files_.back().file;
    }
    void data(std::string_view bytes) override {
        if (in_sbd_) {
            if (sbd_->size() + bytes.size() > max_sbd_) {
                throw MultipartError(phrase("multipart.sbd-too-large", {{"limit", std::to_string(max_sbd_)}}));
            }
            memory_.take(bytes.size());
            sbd_->append(bytes);
        } else if (current_ != nullptr) {
            current_->write(bytes);
        }
    }
    void end() override {
        if (current_ != nullptr) {
            current_->close();
        }
        current_ = nullptr;
    }
    // The sbd given in a way the integrasjonspunkt could read otherwise than the gate.
    class SbdPartError : public MultipartError {
    public:
        explicit SbdPartError(const std::string& how) : MultipartError("sbd " + how), how_(how) {}
        [[nodiscard]] const std::string& how() const { return how_; }

    private:
        std::string how_;
    };
    struct File {
        std::string name;
        std::string filename;
        TempFile file;
    };
    std::optional<std::string> sbd_;
    std::deque<File> files_;

private:
    std::filesystem::path dir_;
    std::uint64_t max_sbd_;
    RequestMemory& memory_;
    std::size_t parts_ = 0;
    bool in_sbd_ = false;
    TempFile* current_ = nullptr;
};

struct SlotGuard {
    std::counting_semaphore<1 << 20>& s;
    explicit SlotGuard(std::counting_semaphore<1 << 20>& slots) : s(slots) {}
    SlotGuard(const SlotGuard&) = delete;
    SlotGuard& operator=(const SlotGuard&) = delete;
    SlotGuard(SlotGuard&&) = delete;
    SlotGuard& operator=(SlotGuard&&) = delete;
    ~SlotGuard() { s.release(); }
};

// An upload that does not end accepted by the upstream, for whatever reason (a
// finding, a malformed request, 413, 503, an internal error, the upstream's refusal,
// an answer that broke off), leaves its message incomplete: the message remembers
// it, and its send is refused.
// The refusal is written first (to the message and the state store, before the
// body is read) and taken back when the upload is accepted or refused by its
// findings, so that a restart in between, too, leaves the letter's send refused.
class UploadOutcome {
public:
    UploadOutcome(const std::shared_ptr<TrackedMessage>& m, MessageStore& store) : m_(m), store_(store) {
        m_->refused_uploads.emplace_back("-");
        at_ = m_->refused_uploads.size() - 1;
        store_.put(m_);
    }
    UploadOutcome(const UploadOutcome&) = delete;
    UploadOutcome& operator=(const UploadOutcome&) = delete;
    UploadOutcome(UploadOutcome&&) = delete;
    UploadOutcome& operator=(UploadOutcome&&) = delete;
    ~UploadOutcome() {
        if (!accepted_ && named_) {
            try {
                store_.put(m_);  // the refusal, now with its file name
            } catch (const std::exception&) {
                // Stored already as "-": the send is refused all the same.
            }
        }
    }
    void file(const std::string& name) {
        m_->refused_uploads[at_] = name;
        named_ = true;
    }
    // Accepted upstream, or refused by findings (kept in `refused`): no longer an
    // upload refused for another reason. The caller stores the message.
    void accepted() {
        if (!accepted_) {
            m_->refused_uploads.erase(m_->refused_uploads.begin() + static_cast<std::ptrdiff_t>(at_));
            accepted_ = true;
        }
    }

private:
    std::shared_ptr<TrackedMessage> m_;
    MessageStore& store_;
    std::size_t at_ = 0;
    bool accepted_ = false;
    bool named_ = false;
};

// A file the SBD names as arkivmelding.xml or a DPI metadata file goes on unjudged
// only when its content is what such a file is (XML, JSON or text); a PDF or an
// office document under that name is judged as a document.
bool metadata_by_content(const std::filesystem::path& file, const isolate::Limits& limits) {
    std::ifstream in(file, std::ios::binary);
    std::string head(8192, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    const std::string type = filetype::sniff_isolated(file, head, limits);
    return type == "application/xml" || type == "text/xml" || type == "application/json" || type == "text/plain";
}

bool exempt(const SbdMessage& sbd, const std::string& filename, const std::filesystem::path& file,
            const isolate::Limits& limits) {
    return !is_document(sbd, filename) && metadata_by_content(file, limits);
}

// The statuses of a message as the integrasjonspunkt's GET /api/statuses/{id} pages them.
std::vector<std::string> statuses_of(const std::string& body) {
    std::vector<std::string> out;
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("content") || !j.at("content").is_array()) {
        return out;
    }
    for (const auto& s : j.at("content")) {
        if (s.is_object() && s.contains("status") && s.at("status").is_string()) {
            out.push_back(s.at("status").get<std::string>());
        }
    }
    return out;
}

// The fields of the client's head, for the upstream, with `target` as its target.
template <typename Body>
void copy_head(const http::request_header<>& in, const std::string& target, http::request<Body>& out) {
    out.method_string(in.method_string());
    out.target(target);
    out.version(in.version());
    for (const auto& field : in) {
        // The gate answers "Expect: 100-continue" itself; the upstream gets the body at once.
        if (field.name() == http::field::expect) {
            continue;
        }
        out.insert(field.name_string(), field.value());
    }
}

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

// One request on a checked route: its body from the request's BodySource, the
// upstream asked on the client side's io_context, the answer written to the client side.
class Proxy {
public:
    Proxy(Gate::Impl& gate, Request& request, ClientSide& client) : gate_(gate), request_(request), client_(client) {
        if (request_.head == nullptr) {
            throw std::logic_error("a proxy route without the request's head");
        }
    }
    bool create();
    bool upload();
    bool send();
    bool multipart();

private:
    [[nodiscard]] const http::request_header<>& head() const { return *request_.head; }
    // The body to `sink`, at most `max` bytes; false: the request is over (answered
    // by the body source, or the client is gone).
    bool receive(const std::function<void(std::string_view)>& sink, std::uint64_t max) {
        return request_.body == nullptr || request_.body->read(sink, max);
    }
    bool take_upload_slot() { return request_.body != nullptr && request_.body->take_upload_slot(); }
    // A string for a body of at most `max` bytes, its room reserved (and taken from the
    // budget: the bytes appended later are taken again, so the room counts twice, on
    // the safe side) when the request says its length, so that appending never doubles it.
    std::string reserved_body(std::uint64_t max, RequestMemory& memory) const {
        std::string body;
        if (request_.content_length && *request_.content_length <= max) {
            memory.take(*request_.content_length);
            body.reserve(static_cast<std::size_t>(*request_.content_length));
        }
        return body;
    }
    bool respond_error(http::status status, std::string_view exception, const std::string& message, bool keep_alive,
                       const nlohmann::json* findings = nullptr, const std::string& description = "");
    // A request refused before anything was forwarded: 400 in the upstream's error
    // shape, counted as `reason` in /metrics (and against its message, for an
    // upload), the connection closed (its body unread).
    bool refuse(std::string_view exception, const std::string& message, std::string_view reason);
    bool refuse_busy();                          // 503 + Retry-After
    bool refuse_unknown(const std::string& id);  // a message the gate did not see created
    bool refuse_sent(const std::string& id);     // a message whose send the gate passed
    // The query of a checked route as Tomcat reads it; nullopt after refusing one that
    // cannot be read with certainty (malformed, or over 100 parameters).
    std::optional<std::vector<std::pair<std::string, std::string>>> checked_query();
    bool blocked(const Report& report, bool keep_alive);

    // Sends the request (the client's head, the gate's forward target, `body` as a
    // string or the file at `file`) and reads the upstream's answer whole (at most
    // max_json_bytes of body). Answers nothing to the client.
    // `body` is moved into the request and back, never copied.
    UpstreamCall call_upstream(std::string* body, const std::filesystem::path* file);
    template <typename Outgoing>
    UpstreamCall exchange_upstream(Outgoing& req, bool is_head);
    // The 502 (or 504) for a call that got no complete answer; `message` empty: the
    // general text for a call that reached nothing, or one the upstream may have acted on.
    bool respond_upstream_failure(const UpstreamCall& call, std::string message = {});
    // A message whose send's outcome is unknown: asks the upstream's statuses.
    enum class Settled : std::uint8_t { sent, not_sent, unknown };
    Settled settle(const TrackedMessage& m, std::string& status);
    // Answers a request for a message whose send's outcome is unknown; true when
    // the request may go on (the upstream says it was not sent).
    bool unknown_outcome_allows(const std::shared_ptr<TrackedMessage>& message, bool& keep);
    // Before a send goes upstream: the message stored with its outcome unknown.
    void mark_outcome_unknown(const std::shared_ptr<TrackedMessage>& m);

    Gate::Impl& gate_;
    Request& request_;
    ClientSide& client_;
};

bool Proxy::respond_error(http::status status, std::string_view exception, const std::string& message, bool keep_alive,
                          const nlohmann::json* findings, const std::string& description) {
    // The path as the upstream reads it (decoded), masked; never the target as sent.
    const std::string path =
        ident::mask_person_ids(text::escape_controls(text::printable(request_.canonical.decoded_path())));
    Response r;
    r.status = static_cast<int>(status);
    r.content_type = "application/json";
    r.body = error_text(static_cast<int>(status), exception, message, path, findings, description);
    r.keep_alive = keep_alive;
    if (status == http::status::service_unavailable) {
        r.headers.emplace_back("Retry-After", "5");
    }
    return client_.respond(r);
}

bool Proxy::refuse(std::string_view exception, const std::string& message, std::string_view reason) {
    count_refusal(gate_, reason, upload_target(gate_, request_.method, request_.target));
    client_.verdict("refused");
    return respond_error(http::status::bad_request, exception, message, false);
}

bool Proxy::refuse_busy() {
    gate_.metrics.rejected("busy");
    return respond_error(http::status::service_unavailable, "preflight.Busy",
                         catalogue::text("gate.error.busy", gate_.settings.lang), false);
}

bool Proxy::refuse_unknown(const std::string& id) {
    client_.verdict("block");
    return respond_error(http::status::bad_request, "no.preflight.UnknownMessage",
                         catalogue::text("gate.error.unknown-message", gate_.settings.lang, {{"id", id}}), false);
}

bool Proxy::refuse_sent(const std::string& id) {
    client_.verdict("block");
    return respond_error(http::status::bad_request, "no.preflight.AlreadySent",
                         catalogue::text("gate.error.sent-before", gate_.settings.lang, {{"id", id}}), false);
}

template <typename Outgoing>
UpstreamCall Proxy::exchange_upstream(Outgoing& req, bool is_head) {
    const auto& s = gate_.settings;
    UpstreamCall call;
    beast::tcp_stream up(client_.io());
    tcp::resolver resolver(client_.io());
    beast::error_code ec;
    const auto results = resolver.resolve(gate_.upstream->host, gate_.upstream->port, ec);
    if (!ec) {
        up.expires_after(s.upstream_connect_timeout);
        ec = await_on(client_.io(), [&](auto handler) { up.async_connect(results, handler); });
    }
    if (ec) {
        gate_.metrics.upstream_error(ec == beast::error::timeout ? "connect-timeout" : "connect");
        call.detail = ec.message();
        call.timed_out = ec == beast::error::timeout;
        return call;  // not_sent: nothing reached the upstream
    }
    up.expires_after(s.upstream_timeout);
    ec = await_on(client_.io(), [&](auto handler) { http::async_write(up, req, handler); });
    call.outcome = UpstreamCall::Outcome::unknown;  // from here on, the upstream may have it
    if (ec) {
        gate_.metrics.upstream_error(ec == beast::error::timeout ? "timeout" : "io");
        call.detail = ec.message();
        call.timed_out = ec == beast::error::timeout;
        return call;
    }
    beast::flat_buffer upbuf;
    std::optional<http::response_parser<http::string_body>> rp;
    for (int interim = 0; interim < 4; ++interim) {
        rp.emplace();
        rp->body_limit(s.max_json_bytes);
        if (is_head) {
            rp->skip(true);
        }
        up.expires_after(s.upstream_timeout);
        ec = await_on(client_.io(), [&](auto handler) { http::async_read(up, upbuf, *rp, handler); });
        if (ec || rp->get().result_int() / 100 != 1) {
            break;
        }
    }
    if (!ec && !rp->is_done()) {
        ec = http::error::partial_message;
    }
    if (!ec && rp->get().result_int() / 100 == 1) {
        ec = http::error::partial_message;  // interim answers only: no final one
    }
    if (!ec && !is_head && !rp->content_length() && !rp->chunked() && rp->get().result_int() != 204 &&
        rp->get().result_int() != 304) {
        // Framed by the connection's close: an answer cut short would look whole.
        ec = http::error::partial_message;
    }
    if (ec) {
        // The answer broke off (or never came, or was too large to judge): the
        // upstream may have acted on the request.
        gate_.metrics.upstream_error(ec == beast::error::timeout ? "timeout" : "io");
        call.detail = ec == http::error::body_limit
                          ? "the answer is over " + std::to_string(s.max_json_bytes) + " bytes"
                          : ec.message();
        call.timed_out = ec == beast::error::timeout;
        return call;
    }
    call.outcome = UpstreamCall::Outcome::answered;
    call.answer = rp->release();
    return call;
}

UpstreamCall Proxy::call_upstream(std::string* body, const std::filesystem::path* file) {
    const bool is_head = head().method() == http::verb::head;
    if (file != nullptr) {
        http::request<http::file_body> req;
        copy_head(head(), request_.forward_target, req);
        req.version(11);  // the answer then has a length or chunks: a cut is seen
        beast::error_code ec;
        req.body().open(file->c_str(), beast::file_mode::scan, ec);
        if (ec) {
            throw std::system_error(ec, "open " + file->string());
        }
        req.erase(http::field::transfer_encoding);
        req.prepare_payload();  // Content-Length: the file's size, the bytes as received
        return exchange_upstream(req, is_head);
    }
    http::request<http::string_body> req;
    copy_head(head(), request_.forward_target, req);
    req.version(11);
    if (body != nullptr) {
        req.body() = std::move(*body);
    }
    if (req.has_content_length() || !req.body().empty() || req.chunked()) {
        req.erase(http::field::transfer_encoding);
        req.content_length(req.body().size());
    }
    UpstreamCall call = exchange_upstream(req, is_head);
    if (body != nullptr) {
        *body = std::move(req.body());
    }
    return call;
}

bool Proxy::respond_upstream_failure(const UpstreamCall& call, std::string message) {
    const bool unknown = call.outcome == UpstreamCall::Outcome::unknown;
    if (message.empty()) {
        message = catalogue::text(unknown ? "gate.error.upstream-broken" : "gate.error.upstream", gate_.settings.lang,
                                  {{"detail", call.detail}});
    }
    return respond_error(call.timed_out ? http::status::gateway_timeout : http::status::bad_gateway,
                         unknown ? "preflight.UpstreamOutcomeUnknown" : "preflight.UpstreamUnavailable", message,
                         false);
}

Proxy::Settled Proxy::settle(const TrackedMessage& m, std::string& status) {
    http::request<http::empty_body> req{http::verb::get,
                                        gate_.upstream->base + "/api/statuses/" + encode_segment(m.message_id), 11};
    req.set(http::field::host, gate_.upstream->host + ":" + gate_.upstream->port);
    req.set(http::field::accept, "application/json");
    if (const auto auth = head().find(http::field::authorization); auth != head().end()) {
        req.set(http::field::authorization, auth->value());
    }
    req.keep_alive(false);
    const UpstreamCall call = exchange_upstream(req, false);
    if (call.outcome != UpstreamCall::Outcome::answered || call.answer.result_int() != 200) {
        return Settled::unknown;
    }
    for (const auto& st : statuses_of(call.answer.body())) {
        if (st != "OPPRETTET") {
            status = st;  // the newest past "created": SENDT, MOTTATT, LEVERT, FEIL, ...
        }
    }
    if (!status.empty()) {
        return Settled::sent;
    }
    if (now_ms() - m.unknown_since_ms >= std::chrono::milliseconds(gate_.settings.unknown_outcome_settle).count()) {
        return Settled::not_sent;
    }
    return Settled::unknown;
}

bool Proxy::unknown_outcome_allows(const std::shared_ptr<TrackedMessage>& message, bool& keep) {
    TrackedMessage& m = *message;
    std::string status;
    const Lang lang = gate_.settings.lang;
    switch (settle(m, status)) {
        case Settled::not_sent:
            m.outcome_unknown = false;
            return true;
        case Settled::sent:
            gate_.messages.finish(message, gate_);
            client_.verdict("block");
            keep = respond_error(
                http::status::bad_request, "no.preflight.AlreadySent",
                catalogue::text("gate.error.already-sent", lang, {{"id", m.message_id}, {"status", status}}), true);
            return false;
        case Settled::unknown:
            break;
    }
    client_.verdict("block");
    keep = respond_error(http::status::bad_request, "no.preflight.OutcomeUnknown",
                         catalogue::text("gate.error.resend-unknown", lang, {{"id", m.message_id}}), true);
    return false;
}

std::optional<std::vector<std::pair<std::string, std::string>>> Proxy::checked_query() {
    std::string problem;
    auto query = read_query(request_.canonical.query, problem);
    if (query && query->size() > kMaxQueryParameters) {
        // Tomcat stops reading parameters at its limit, silently: a ?title= after it
        // would be judged here and not read there.
        query.reset();
        problem = "too many parameters";
    }
    if (!query) {
        refuse("preflight.AmbiguousRequest",
               catalogue::text("gate.error.query", gate_.settings.lang, {{"detail", problem}}), "ambiguous");
    }
    return query;
}

bool Proxy::blocked(const Report& report, bool keep_alive) {
    const Lang lang = gate_.settings.lang;
    client_.verdict("block");
    const nlohmann::json full = nlohmann::json::parse(render_json(report, RenderOptions::in(lang)));
    const nlohmann::json& findings = full.at("findings");
    return respond_error(http::status::bad_request, "no.preflight.BlockedByPreflight", blocked_message(report, lang),
                         keep_alive, &findings, blocked_description(report, lang));
}

bool Proxy::create() {
    const auto& s = gate_.settings;
    RequestMemory memory(gate_.budget);
    std::string body = reserved_body(s.max_json_bytes, memory);
    if (!receive(
            [&](std::string_view b) {
                memory.take(b.size());
                body.append(b);
            },
            s.max_json_bytes)) {
        return false;
    }
    SbdMessage sbd;
    try {
        sbd = parse_sbd(body, "sbd", memory.charge());
    } catch (const JsonOverBudget&) {
        throw memory.over_budget();
    } catch (const UsageError& e) {
        client_.verdict("block");
        return respond_error(
            http::status::bad_request, "no.preflight.InvalidMessage",
            catalogue::text("gate.error.sbd", s.lang, {{"detail", catalogue::text(e.message_id(), s.lang, e.args())}}),
            true);
    }
    if (sbd.message_id == "multipart") {
        // Its send, POST /api/messages/out/multipart, is the multipart route's path:
        // Spring would take a send with a body that is not multipart as this message's.
        return refuse("preflight.AmbiguousRequest",
                      catalogue::text("gate.error.sbd", s.lang, {{"detail", "messageId \"multipart\""}}), "ambiguous");
    }
    // The parsed tree is gone; what stays is the SBD's text in the parsed SBD, the
    // journal post, the copies the checks and the report make of it, the request to
    // the upstream and its answer (its echo of the SBD): measured at about ten times
    // the body in all for an SBD of one long text (bench/attack-results.md).
    memory.take(kSbdCopies * body.size() + kChunkBytes);
    Report report = gate_.check(to_journal_post(sbd), gate_.run,
                                [&](const Finding& f) { return scope_of(gate_.check_set, f) != Scope::all_documents; });
    if (report.verdict() == Verdict::block) {
        return blocked(report, true);
    }
    client_.verdict(std::string(to_string(report.verdict())));
    UpstreamCall call = call_upstream(&body, nullptr);
    if (call.outcome != UpstreamCall::Outcome::answered) {
        // Not tracked: the archive system sees an error, and its uploads and send of
        // this message are refused (the gate cannot know it was created).
        return respond_upstream_failure(call);
    }
    if (is_success(static_cast<int>(call.answer.result_int()))) {
        auto m = std::make_shared<TrackedMessage>();
        m->message_id = sbd.message_id;
        if (m->message_id.empty()) {
            // The integrasjonspunkt gave the message its id: it is in the SBD it answers with.
            try {
                m->message_id = parse_sbd(call.answer.body(), "answer").message_id;
            } catch (const UsageError&) {
                // Not tracked: its uploads and send are then refused (fail closed).
            }
        }
        m->post = std::move(report.post);
        m->sbd = std::move(sbd);
        m->sbd_json = std::move(body);
        if (!m->message_id.empty()) {
            gate_.messages.put_after_upstream(m, gate_);  // in the store before the archive system hears of it
        }
    }
    return client_.relay(call.answer);
}

bool Proxy::upload() {
    const std::string& id = request_.routing.message_id;
    const auto& s = gate_.settings;
    const auto message = gate_.messages.find(id);
    if (!message) {
        return refuse_unknown(id);
    }
    if (message->finished) {
        return refuse_sent(id);
    }
    const std::lock_guard lock(message->mutex);
    if (!gate_.messages.holds(message)) {
        return refuse_unknown(id);  // sent or forgotten while this request waited
    }
    UploadOutcome outcome(message, gate_.messages);
    const auto& req = head();
    // The headers and parameters the integrasjonspunkt reads, each exactly once.
    for (const auto field : {http::field::content_disposition, http::field::content_type}) {
        if (req.count(field) > 1) {
            return refuse("preflight.AmbiguousRequest",
                          catalogue::text("gate.error.repeated-header", s.lang,
                                          {{"header", std::string(http::to_string(field))}}),
                          "ambiguous");
        }
    }
    const std::string content_type = text::ascii_lower(text::trim(sv(req[http::field::content_type])));
    if (content_type.starts_with("multipart/") || content_type.starts_with("application/x-www-form-urlencoded")) {
        // Spring would parse the body as a form (its title a form field), not store it.
        return refuse("preflight.AmbiguousRequest",
                      catalogue::text("gate.error.upload-form", s.lang, {{"type", content_type}}), "ambiguous");
    }
    const auto query = checked_query();
    if (!query) {
        return false;  // refused
    }
    std::optional<std::string> query_title;
    for (const auto& [name, value] : *query) {
        if (name == "title") {
            if (query_title) {
                // Spring joins repeated values with ','; other readers take one.
                return refuse("preflight.AmbiguousRequest",
                              catalogue::text("gate.error.query", s.lang, {{"detail", "title twice"}}), "ambiguous");
            }
            query_title = value;
        }
    }
    const DispositionReading disposition =
        read_disposition(sv(req[http::field::content_disposition]), HeaderBytes::latin1);
    if (!disposition.ok()) {
        return refuse("preflight.AmbiguousRequest",
                      catalogue::text("gate.error.disposition", s.lang, {{"detail", disposition.problem}}),
                      "ambiguous");
    }
    if (!disposition.filename || disposition.filename->empty()) {
        client_.verdict("block");
        return respond_error(http::status::bad_request, "no.preflight.NoFilename",
                             catalogue::text("gate.error.no-filename", s.lang), false);
    }
    const std::string filename = *disposition.filename;
    outcome.file(filename);
    if (!take_upload_slot()) {
        return refuse_busy();
    }
    const SlotGuard slot(gate_.uploads);
    TempFile file(gate_.temp->path());
    if (!receive([&](std::string_view b) { file.write(b); }, s.max_body_bytes)) {
        return false;
    }
    file.close();

    // The Noark arkivmelding.xml and DPI metadata files are not documents of the
    // letter: they go on unjudged (the integrasjonspunkt validates them itself), when
    // their content is what their name says.
    const bool document = !exempt(message->sbd, filename, file.path(), pdf_limits(gate_.config));
    std::optional<Report> report;
    if (document) {
        Document d;
        d.file = filename;
        d.path = file.path();
        // The title as the integrasjonspunkt takes it: ?title= when given, else the name.
        d.name = query_title.value_or(disposition.name.value_or(""));
        if (d.name.empty()) {
            d.name = std::filesystem::path(filename).stem().string();
        }
        d.role = role_of(message->sbd, filename);
        JournalPost post = message->post;
        post.documents.push_back(std::move(d));
        report = gate_.check(std::move(post), gate_.run, [&](const Finding& f) {
            const Scope scope = scope_of(gate_.check_set, f);
            if (scope == Scope::all_documents) {
                return false;
            }
            return (f.document && *f.document == filename) || scope == Scope::documents_so_far;
        });
        if (report->verdict() == Verdict::block) {
            for (const auto& f : report->findings) {
                if (f.severity == Severity::block) {
                    message->refused.push_back(f);
                }
            }
            outcome.accepted();  // remembered by its findings
            gate_.messages.put(message);
            return blocked(*report, true);
        }
        client_.verdict(std::string(to_string(report->verdict())));
    }
    const std::filesystem::path path = file.path();
    UpstreamCall call = call_upstream(nullptr, &path);
    if (call.outcome != UpstreamCall::Outcome::answered) {
        gate_.messages.put_after_upstream(message, gate_);
        return respond_upstream_failure(call);
    }
    if (is_success(static_cast<int>(call.answer.result_int()))) {
        outcome.accepted();
        if (report) {
            message->post.documents.push_back(report->post.documents.back());
            message->post.documents.back().path.clear();  // the file is gone after this request
        }
    }
    gate_.messages.put_after_upstream(message, gate_);
    return client_.relay(call.answer);
}

bool Proxy::send() {
    const std::string& id = request_.routing.message_id;
    const auto& s = gate_.settings;
    const auto message = gate_.messages.find(id);
    if (!message) {
        return refuse_unknown(id);
    }
    if (message->finished) {
        return refuse_sent(id);
    }
    const std::lock_guard lock(message->mutex);
    if (!gate_.messages.holds(message)) {
        return refuse_unknown(id);  // sent or forgotten while this request waited
    }
    RequestMemory memory(gate_.budget);
    std::string body = reserved_body(s.max_json_bytes, memory);
    if (!receive(
            [&](std::string_view b) {
                memory.take(b.size());
                body.append(b);
            },
            s.max_json_bytes)) {
        return false;
    }
    memory.take(body.size() + kChunkBytes);  // the upstream's answer
    if (message->outcome_unknown) {
        bool keep = false;
        if (!unknown_outcome_allows(message, keep)) {
            return keep;
        }
    }
    if (message->refused.empty() && (!message->refused_uploads.empty() || message->refused_requests > 0)) {
        client_.verdict("block");
        return respond_error(
            http::status::bad_request, "no.preflight.IncompleteMessage",
            catalogue::text(
                "gate.error.incomplete", s.lang,
                {{"id", id}, {"file", message->refused_uploads.empty() ? "-" : message->refused_uploads.front()}}),
            true);
    }
    Report report = gate_.check(message->post, gate_.run);
    // A document refused at upload is missing from the letter: sending it now would
    // deliver it incomplete, so the send is refused with the upload's findings.
    report.findings.insert(report.findings.begin(), message->refused.begin(), message->refused.end());
    if (report.verdict() == Verdict::block) {
        return blocked(report, true);
    }
    client_.verdict(std::string(to_string(report.verdict())));
    // Written down before the letter goes: a gate killed while the upstream has the
    // send finds its outcome unknown after a restart, and settles a resend against
    // the upstream's statuses instead of sending the letter twice.
    mark_outcome_unknown(message);
    UpstreamCall call = call_upstream(&body, nullptr);
    if (call.outcome == UpstreamCall::Outcome::not_sent) {
        message->outcome_unknown = false;
        gate_.messages.put_after_upstream(message, gate_);
        return respond_upstream_failure(call);
    }
    if (call.outcome == UpstreamCall::Outcome::unknown) {
        message->unknown_since_ms = now_ms();
        gate_.messages.put_after_upstream(message, gate_);
        return respond_upstream_failure(
            call, catalogue::text("gate.error.outcome-unknown", s.lang, {{"detail", call.detail}, {"id", id}}));
    }
    if (is_success(static_cast<int>(call.answer.result_int()))) {
        gate_.messages.finish(message, gate_);
    } else {
        message->outcome_unknown = false;  // refused by the upstream: not sent
        gate_.messages.put_after_upstream(message, gate_);
    }
    return client_.relay(call.answer);
}

bool Proxy::multipart() {
    const auto& s = gate_.settings;
    const auto boundary = multipart_boundary(sv(head()[http::field::content_type]));
    if (!boundary || head().count(http::field::content_type) > 1) {
        gate_.metrics.rejected("malformed");
        return respond_error(http::status::bad_request, "preflight.MalformedRequest",
                             catalogue::text("gate.error.not-multipart", s.lang), false);
    }
    const auto query = checked_query();
    if (!query) {
        return false;  // refused
    }
    for (const auto& [name, value] : *query) {
        if (name == "sbd") {
            // Spring's @RequestParam reads the query too: another SBD than the part.
            return refuse("preflight.AmbiguousRequest",
                          catalogue::text("gate.error.sbd-part", s.lang, {{"detail", "in the query"}}), "ambiguous");
        }
    }
    if (!take_upload_slot()) {
        return refuse_busy();
    }
    const SlotGuard slot(gate_.uploads);
    RequestMemory memory(gate_.budget);
    TempDir dir(gate_.temp->path(), "multipart-");
    TempFile raw(dir.path());  // the body as received, forwarded unchanged if it passes
    MultipartCapture parts(dir.path(), s.max_json_bytes, memory);
    MultipartParser parser(*boundary, parts);
    try {
        if (!receive(
                [&](std::string_view b) {
                    raw.write(b);
                    parser.feed(b);
                },
                s.max_body_bytes)) {
            return false;
        }
        parser.finish();
    } catch (const MultipartCapture::SbdPartError& e) {
        return refuse("preflight.AmbiguousRequest",
                      catalogue::text("gate.error.sbd-part", s.lang, {{"detail", e.how()}}), "ambiguous");
    } catch (const MultipartError& e) {
        gate_.metrics.rejected("malformed");
        client_.verdict("block");
        return respond_error(http::status::bad_request, "preflight.MalformedMultipart",
                             catalogue::text("gate.error.multipart", s.lang, {{"detail", e.what()}}), false);
    }
    raw.close();
    if (!parts.sbd_) {
        client_.verdict("block");
        return respond_error(http::status::bad_request, "no.preflight.InvalidMessage",
                             catalogue::text("gate.error.no-sbd", s.lang), true);
    }
    SbdMessage sbd;
    try {
        sbd = parse_sbd(*parts.sbd_, "sbd", memory.charge());
    } catch (const JsonOverBudget&) {
        throw memory.over_budget();
    } catch (const UsageError& e) {
        client_.verdict("block");
        return respond_error(
            http::status::bad_request, "no.preflight.InvalidMessage",
            catalogue::text("gate.error.sbd", s.lang, {{"detail", catalogue::text(e.message_id(), s.lang, e.args())}}),
            true);
    }
    // A multipart create-and-send of a message whose earlier one had an unknown outcome.
    memory.take(kSbdCopies * parts.sbd_->size() + kChunkBytes);  // the SBD's copies, the upstream's answer
    auto earlier = sbd.message_id.empty() ? nullptr : gate_.messages.find(sbd.message_id);
    if (earlier && earlier->finished) {
        earlier.reset();  // sent through the gate before: the upstream judges a second one
    }
    std::optional<std::lock_guard<std::mutex>> earlier_lock;
    if (earlier) {
        earlier_lock.emplace(earlier->mutex);
        if (!gate_.messages.holds(earlier)) {
            return refuse_unknown(sbd.message_id);  // settled by another request meanwhile
        }
        if (earlier->outcome_unknown) {
            bool keep = false;
            if (!unknown_outcome_allows(earlier, keep)) {
                return keep;
            }
        }
    }
    JournalPost post = to_journal_post(sbd);
    for (const auto& f : parts.files_) {
        if (exempt(sbd, f.filename, f.file.path(), pdf_limits(gate_.config))) {
            continue;  // arkivmelding.xml, metadata files: not judged
        }
        Document d;
        d.file = f.filename;
        d.path = f.file.path();
        d.name = f.name.empty() ? std::filesystem::path(f.filename).stem().string() : f.name;
        d.role = role_of(sbd, f.filename);
        post.documents.push_back(std::move(d));
    }
    RunSettings run = gate_.run;
    run.flags.multipart_upload = true;  // DP204: the integrasjonspunkt's per-file limit on this route
    const Report report = gate_.check(std::move(post), run);
    if (report.verdict() == Verdict::block) {
        return blocked(report, true);
    }
    client_.verdict(std::string(to_string(report.verdict())));
    // As for a send: written down as of unknown outcome before it goes.
    std::shared_ptr<TrackedMessage> tracked;
    std::unique_lock<std::mutex> tracked_lock;
    if (!sbd.message_id.empty()) {
        tracked = earlier;
        if (!tracked) {
            tracked = std::make_shared<TrackedMessage>();
            tracked->message_id = sbd.message_id;
            tracked->multipart = true;
            tracked_lock = std::unique_lock(tracked->mutex);
        }
        mark_outcome_unknown(tracked);
    }
    const bool fresh = tracked && !earlier;
    const std::filesystem::path path = raw.path();
    UpstreamCall call = call_upstream(nullptr, &path);
    const auto not_sent = [&] {
        if (fresh) {
            gate_.messages.forget(tracked, gate_);
        } else if (tracked) {
            tracked->outcome_unknown = false;
            gate_.messages.put_after_upstream(tracked, gate_);
        }
    };
    if (call.outcome == UpstreamCall::Outcome::not_sent) {
        not_sent();
        return respond_upstream_failure(call);
    }
    if (call.outcome == UpstreamCall::Outcome::unknown) {
        if (tracked) {
            tracked->unknown_since_ms = now_ms();
            gate_.messages.put_after_upstream(tracked, gate_);
        }
        return respond_upstream_failure(
            call, catalogue::text("gate.error.outcome-unknown", s.lang,
                                  {{"detail", call.detail}, {"id", sbd.message_id.empty() ? "-" : sbd.message_id}}));
    }
    if (tracked && is_success(static_cast<int>(call.answer.result_int()))) {
        gate_.messages.finish(tracked, gate_);
    } else {
        not_sent();
    }
    return client_.relay(call.answer);
}

void Proxy::mark_outcome_unknown(const std::shared_ptr<TrackedMessage>& m) {
    m->outcome_unknown = true;
    m->unknown_since_ms = now_ms();
    try {
        gate_.messages.put(m);
    } catch (...) {
        // Nothing forwarded: the request fails (500), the message as it was.
        m->outcome_unknown = false;
        throw;
    }
}

}  // namespace

bool proxy_create(Gate::Impl& gate, Request& request, ClientSide& client) {
    return Proxy(gate, request, client).create();
}

bool proxy_upload(Gate::Impl& gate, Request& request, ClientSide& client) {
    return Proxy(gate, request, client).upload();
}

bool proxy_send(Gate::Impl& gate, Request& request, ClientSide& client) { return Proxy(gate, request, client).send(); }

bool proxy_multipart(Gate::Impl& gate, Request& request, ClientSide& client) {
    return Proxy(gate, request, client).multipart();
}

bool Connection::connect_upstream(beast::tcp_stream& up, const Parser& p) {
    const auto& s = gate_.settings;
    tcp::resolver resolver(ioc_);
    beast::error_code ec;
    const auto results = resolver.resolve(gate_.upstream->host, gate_.upstream->port, ec);
    if (!ec) {
        up.expires_after(s.upstream_connect_timeout);
        ec = await([&](auto handler) { up.async_connect(results, handler); });
    }
    if (ec) {
        gate_.metrics.upstream_error(ec == beast::error::timeout ? "connect-timeout" : "connect");
        respond_error(p, http::status::bad_gateway, "preflight.UpstreamUnavailable",
                      catalogue::text("gate.error.upstream", s.lang, {{"detail", ec.message()}}), false);
        return false;
    }
    return true;
}

int Connection::relay_response(beast::tcp_stream& up, const Parser& p, bool& keep_alive) {
    const auto& s = gate_.settings;
    beast::flat_buffer upbuf;
    std::optional<http::response_parser<http::buffer_body>> rp;
    for (int interim = 0; interim < 4; ++interim) {
        rp.emplace();
        rp->body_limit(
            std::numeric_limits<std::uint64_t>::max());  // not boost::none: Beast 1.74 then refuses every body
        if (p.get().method() == http::verb::head) {
            rp->skip(true);
        }
        up.expires_after(s.upstream_timeout);
        const beast::error_code ec = await([&](auto handler) { http::async_read_header(up, upbuf, *rp, handler); });
        if (ec) {
            gate_.metrics.upstream_error(ec == beast::error::timeout ? "timeout" : "io");
            respond_error(p, http::status::bad_gateway, "preflight.UpstreamFailed",
                          catalogue::text("gate.error.upstream", s.lang, {{"detail", ec.message()}}), false);
            keep_alive = false;
            return 0;
        }
        if (rp->get().result_int() / 100 != 1) {
            break;
        }
    }
    auto& res = rp->get();
    const int status = static_cast<int>(res.result_int());
    exchange.status = status;
    keep_alive = p.get().keep_alive() && res.keep_alive() && !res.need_eof() && !gate_.stopping();
    http::response_serializer<http::buffer_body> sr{res};
    std::vector<char> chunk(kChunkBytes);
    do {
        if (!rp->is_done()) {
            res.body().data = chunk.data();
            res.body().size = chunk.size();
            up.expires_after(s.upstream_timeout);
            beast::error_code ec = await([&](auto handler) { http::async_read(up, upbuf, *rp, handler); });
            if (ec == http::error::need_buffer) {
                ec = {};
            }
            if (ec) {
                // Part of the answer went out already: all we can do is close.
                gate_.metrics.upstream_error(ec == beast::error::timeout ? "timeout" : "io");
                keep_alive = false;
                return status;
            }
            res.body().size = chunk.size() - res.body().size;
            res.body().data = chunk.data();
            res.body().more = !rp->is_done();
        } else {
            res.body().data = nullptr;
            res.body().size = 0;
            res.body().more = false;
        }
        stream_->expires_after(s.read_timeout);
        beast::error_code ec = await([&](auto handler) { http::async_write(*stream_, sr, handler); });
        if (ec == http::error::need_buffer) {
            ec = {};
        }
        if (ec) {
            keep_alive = false;
            return status;
        }
    } while (!rp->is_done() && !sr.is_done());
    return status;
}

bool Connection::pass_through(Parser& p, const Routing& /*routing*/) {
    const auto& s = gate_.settings;
    beast::tcp_stream up(ioc_);
    if (!connect_upstream(up, p)) {
        return false;
    }
    http::request<http::buffer_body> fwd;
    copy_head(p.get(), forward_target_, fwd);
    fwd.body().data = nullptr;
    fwd.body().size = 0;
    fwd.body().more = !p.is_done();
    http::request_serializer<http::buffer_body> sr{fwd};
    send_continue_if_expected(p);
    up.expires_after(s.upstream_timeout);
    beast::error_code ec = await([&](auto handler) { http::async_write_header(up, sr, handler); });
    std::vector<char> chunk(kChunkBytes);
    if (!set_phase(Phase::body)) {
        return false;  // dropped for a newcomer
    }
    while (!ec && !sr.is_done()) {
        if (!p.is_done()) {
            p.get().body().data = chunk.data();
            p.get().body().size = chunk.size();
            beast::error_code rec =
                read_by(read_deadline(), [&](auto handler) { http::async_read(*stream_, buffer_, p, handler); });
            if (rec == http::error::need_buffer) {
                rec = {};
            }
            if (rec) {
                // The client went away mid-body, or was too slow; the upstream
                // connection is dropped (it has an incomplete request: it acts on nothing).
                if (rec == beast::error::timeout) {
                    refuse_slow(p);
                }
                return false;
            }
            const std::size_t n = chunk.size() - p.get().body().size;
            exchange.body_bytes += n;
            body_received_ = exchange.body_bytes;
            fwd.body().data = chunk.data();
            fwd.body().size = n;
            fwd.body().more = !p.is_done();
        } else {
            fwd.body().data = nullptr;
            fwd.body().size = 0;
            fwd.body().more = false;
        }
        up.expires_after(s.upstream_timeout);
        ec = await([&](auto handler) { http::async_write(up, sr, handler); });
        if (ec == http::error::need_buffer) {
            ec = {};
        }
    }
    if (!set_phase(Phase::working)) {
        return false;  // dropped for a newcomer just as its body ended (its answer is lost)
    }
    if (ec) {
        gate_.metrics.upstream_error(ec == beast::error::timeout ? "timeout" : "io");
        return respond_error(p, http::status::bad_gateway, "preflight.UpstreamFailed",
                             catalogue::text("gate.error.upstream", s.lang, {{"detail", ec.message()}}), false);
    }
    bool keep = false;
    relay_response(up, p, keep);
    return keep;
}

}  // namespace preflight::server
