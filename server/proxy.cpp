// The validating reverse proxy in front of the integrasjonspunkt (contract: "The
// gate"; docs/gate.md). Checked routes:
//   POST /api/messages/out            create: receiver, route, print address, title
//   PUT  /api/messages/out/{id}       upload: name, type, size against the running total, pages
//   POST /api/messages/out/{id}       send: the whole journal post
//   POST /api/messages/out/multipart  create and send: checked whole
// A blocked request is answered 400 in the integrasjonspunkt's error shape and
// nothing of it is forwarded. Everything else passes through byte for byte.
#include "server/internal.hpp"
#include "server/multipart.hpp"

#include "validator/catalogue.hpp"
#include "validator/error.hpp"
#include "validator/identifiers.hpp"
#include "validator/render.hpp"
#include "validator/sbd.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace preflight::server {
namespace {

bool is_success(int status) { return status >= 200 && status < 300; }

// Findings that need every document of the message: judged at send, not before.
bool needs_all_documents(const Finding& f) { return f.code == "DP404" || f.code == "DP406" || f.code == "DP203"; }

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
    MultipartCapture(const std::filesystem::path& dir, std::uint64_t max_sbd) : dir_(dir), max_sbd_(max_sbd) {}
    void begin(const PartHeaders& h) override {
        current_ = nullptr;
        in_sbd_ = h.name == "sbd" && !h.filename;
        if (in_sbd_) {
            if (sbd_) {
                throw MultipartError("two sbd parts");
            }
            sbd_.emplace();
            return;
        }
        if (!h.filename || h.filename->empty()) {
            throw MultipartError("part \"" + h.name + "\" is neither the sbd nor a file (no filename)");
        }
        files_.push_back({h.name, *h.filename, TempFile(dir_)});
        current_ = &files_.back().file;
    }
    void data(std::string_view bytes) override {
        if (in_sbd_) {
            if (sbd_->size() + bytes.size() > max_sbd_) {
                throw MultipartError("the sbd part exceeds " + std::to_string(max_sbd_) + " bytes");
            }
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

}  // namespace

template <typename Body>
void Connection::copy_fields(const Parser& p, http::request<Body>& out) const {
    const auto& in = p.get();
    out.method_string(in.method_string());
    out.target(gate_.upstream->base + std::string(sv(in.target())));
    out.version(in.version());
    for (const auto& field : in) {
        // The gate answers "Expect: 100-continue" itself; the upstream gets the body at once.
        if (field.name() == http::field::expect) {
            continue;
        }
        out.insert(field.name_string(), field.value());
    }
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

int Connection::relay_response(beast::tcp_stream& up, const Parser& p, bool& keep_alive, std::string* capture) {
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
            if (capture != nullptr) {
                if (capture->size() + res.body().size > s.max_json_bytes) {
                    capture->clear();
                    capture = nullptr;
                } else {
                    capture->append(chunk.data(), res.body().size);
                }
            }
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

bool Connection::forward_file(const Parser& p, const std::filesystem::path& body, int& status, bool& keep_alive) {
    beast::tcp_stream up(ioc_);
    if (!connect_upstream(up, p)) {
        keep_alive = false;
        return false;
    }
    http::request<http::file_body> req;
    copy_fields(p, req);
    beast::error_code ec;
    req.body().open(body.c_str(), beast::file_mode::scan, ec);
    if (ec) {
        throw std::system_error(ec, "open " + body.string());
    }
    req.erase(http::field::transfer_encoding);
    req.prepare_payload();  // Content-Length: the file's size, the bytes as received
    up.expires_after(gate_.settings.upstream_timeout);
    ec = await([&](auto handler) { http::async_write(up, req, handler); });
    if (ec) {
        gate_.metrics.upstream_error(ec == beast::error::timeout ? "timeout" : "io");
        respond_error(p, http::status::bad_gateway, "preflight.UpstreamFailed",
                      catalogue::text("gate.error.upstream", gate_.settings.lang, {{"detail", ec.message()}}), false);
        keep_alive = false;
        return false;
    }
    status = relay_response(up, p, keep_alive);
    return status != 0;
}

bool Connection::forward_string(const Parser& p, const std::string& body, int& status, bool& keep_alive,
                                std::string* capture) {
    beast::tcp_stream up(ioc_);
    if (!connect_upstream(up, p)) {
        keep_alive = false;
        return false;
    }
    http::request<http::string_body> req;
    copy_fields(p, req);
    req.body() = body;
    if (req.has_content_length() || !body.empty()) {
        req.erase(http::field::transfer_encoding);
        req.content_length(body.size());
    }
    up.expires_after(gate_.settings.upstream_timeout);
    const beast::error_code ec = await([&](auto handler) { http::async_write(up, req, handler); });
    if (ec) {
        gate_.metrics.upstream_error(ec == beast::error::timeout ? "timeout" : "io");
        respond_error(p, http::status::bad_gateway, "preflight.UpstreamFailed",
                      catalogue::text("gate.error.upstream", gate_.settings.lang, {{"detail", ec.message()}}), false);
        keep_alive = false;
        return false;
    }
    status = relay_response(up, p, keep_alive, capture);
    return status != 0;
}

bool Connection::blocked(const Parser& p, const Report& report, bool keep_alive) {
    const Lang lang = gate_.settings.lang;
    exchange.verdict = "block";
    const nlohmann::json full = nlohmann::json::parse(render_json(report, RenderOptions::in(lang)));
    const nlohmann::json& findings = full.at("findings");
    return respond_error(p, http::status::bad_request, "no.preflight.BlockedByPreflight", blocked_message(report, lang),
                         keep_alive, &findings, blocked_description(report, lang));
}

bool Connection::proxy_create(Parser& p) {
    const auto& s = gate_.settings;
    std::string body;
    if (!receive(
            p, [&](std::string_view b) { body.append(b); }, s.max_json_bytes)) {
        return false;
    }
    SbdMessage sbd;
    try {
        sbd = parse_sbd(body, "sbd");
    } catch (const UsageError& e) {
        exchange.verdict = "block";
        return respond_error(
            p, http::status::bad_request, "no.preflight.InvalidMessage",
            catalogue::text("gate.error.sbd", s.lang, {{"detail", catalogue::text(e.message_id(), s.lang, e.args())}}),
            true);
    }
    Report report =
        gate_.check(to_journal_post(sbd), gate_.run, [](const Finding& f) { return !needs_all_documents(f); });
    if (report.verdict() == Verdict::block) {
        return blocked(p, report, true);
    }
    exchange.verdict = std::string(to_string(report.verdict()));
    int status = 0;
    bool keep = false;
    std::string answer;
    if (!forward_string(p, body, status, keep, &answer)) {
        return false;
    }
    if (is_success(status)) {
        auto m = std::make_shared<TrackedMessage>();
        m->message_id = sbd.message_id;
        if (m->message_id.empty()) {
            // The integrasjonspunkt gave the message its id: it is in the SBD it answers with.
            try {
                m->message_id = parse_sbd(answer, "answer").message_id;
            } catch (const UsageError&) {
                // Not tracked: its uploads and send are then refused (fail closed).
            }
        }
        m->post = std::move(report.post);
        m->sbd = std::move(sbd);
        gate_.messages.put(m);
    }
    return keep;
}

bool Connection::proxy_upload(Parser& p, const std::string& id) {
    const auto& s = gate_.settings;
    const auto message = gate_.messages.find(id);
    if (!message) {
        return refuse_unknown(p, id);
    }
    const std::lock_guard lock(message->mutex);
    const std::string disposition(sv(p.get()[http::field::content_disposition]));
    const auto query = query_of(sv(p.get().target()));
    const auto title_param = query.find("title");
    const std::optional<std::string> query_title =
        title_param == query.end() ? std::nullopt : std::optional<std::string>(title_param->second);
    const auto filename = header_parameter(disposition, "filename");
    if (!filename || filename->empty()) {
        exchange.verdict = "block";
        return respond_error(p, http::status::bad_request, "no.preflight.NoFilename",
                             catalogue::text("gate.error.no-filename", s.lang), false);
    }
    if (!gate_.uploads.try_acquire()) {
        return refuse_busy(p);
    }
    const SlotGuard slot(gate_.uploads);
    TempFile file(gate_.temp->path());
    if (!receive(
            p, [&](std::string_view b) { file.write(b); }, s.max_body_bytes)) {
        return false;
    }
    file.close();

    // The Noark arkivmelding.xml and DPI metadata files are not documents of the
    // letter: they go on unjudged (the integrasjonspunkt validates them itself).
    const bool document = is_document(message->sbd, *filename);
    std::optional<Report> report;
    if (document) {
        Document d;
        d.file = *filename;
        d.path = file.path();
        d.name = query_title.value_or(header_parameter(disposition, "name").value_or(""));
        if (d.name.empty()) {
            d.name = std::filesystem::path(*filename).stem().string();
        }
        d.role = role_of(message->sbd, *filename);
        JournalPost post = message->post;
        post.documents.push_back(std::move(d));
        report = gate_.check(std::move(post), gate_.run, [&](const Finding& f) {
            if (needs_all_documents(f)) {
                return false;
            }
            return (f.document && *f.document == *filename) || f.code == "DP201";
        });
        if (report->verdict() == Verdict::block) {
            for (const auto& f : report->findings) {
                if (f.severity == Severity::block) {
                    message->refused.push_back(f);
                }
            }
            gate_.messages.put(message);
            return blocked(p, *report, true);
        }
        exchange.verdict = std::string(to_string(report->verdict()));
    }
    int status = 0;
    bool keep = false;
    if (!forward_file(p, file.path(), status, keep)) {
        return false;
    }
    if (is_success(status)) {
        if (report) {
            message->post.documents.push_back(report->post.documents.back());
            message->post.documents.back().path.clear();  // the file is gone after this request
        }
        gate_.messages.put(message);
    }
    return keep;
}

bool Connection::proxy_send(Parser& p, const std::string& id) {
    const auto& s = gate_.settings;
    const auto message = gate_.messages.find(id);
    if (!message) {
        return refuse_unknown(p, id);
    }
    const std::lock_guard lock(message->mutex);
    std::string body;
    if (!receive(
            p, [&](std::string_view b) { body.append(b); }, s.max_json_bytes)) {
        return false;
    }
    Report report = gate_.check(message->post, gate_.run);
    // A document refused at upload is missing from the letter: sending it now would
    // deliver it incomplete, so the send is refused with the upload's findings.
    report.findings.insert(report.findings.begin(), message->refused.begin(), message->refused.end());
    if (report.verdict() == Verdict::block) {
        return blocked(p, report, true);
    }
    exchange.verdict = std::string(to_string(report.verdict()));
    int status = 0;
    bool keep = false;
    if (!forward_string(p, body, status, keep)) {
        return false;
    }
    if (is_success(status)) {
        gate_.messages.erase(id);
    }
    return keep;
}

bool Connection::proxy_multipart(Parser& p) {
    const auto& s = gate_.settings;
    const auto boundary = multipart_boundary(sv(p.get()[http::field::content_type]));
    if (!boundary) {
        gate_.metrics.rejected("malformed");
        return respond_error(p, http::status::bad_request, "preflight.MalformedRequest",
                             catalogue::text("gate.error.not-multipart", s.lang), false);
    }
    if (!gate_.uploads.try_acquire()) {
        return refuse_busy(p);
    }
    const SlotGuard slot(gate_.uploads);
    TempDir dir(gate_.temp->path(), "multipart-");
    TempFile raw(dir.path());  // the body as received, forwarded unchanged if it passes
    MultipartCapture parts(dir.path(), s.max_json_bytes);
    MultipartParser parser(*boundary, parts);
    try {
        if (!receive(
                p,
                [&](std::string_view b) {
                    raw.write(b);
                    parser.feed(b);
                },
                s.max_body_bytes)) {
            return false;
        }
        parser.finish();
    } catch (const MultipartError& e) {
        gate_.metrics.rejected("malformed");
        exchange.verdict = "block";
        return respond_error(p, http::status::bad_request, "preflight.MalformedMultipart",
                             catalogue::text("gate.error.multipart", s.lang, {{"detail", e.what()}}), false);
    }
    raw.close();
    if (!parts.sbd_) {
        exchange.verdict = "block";
        return respond_error(p, http::status::bad_request, "no.preflight.InvalidMessage",
                             catalogue::text("gate.error.no-sbd", s.lang), true);
    }
    SbdMessage sbd;
    try {
        sbd = parse_sbd(*parts.sbd_, "sbd");
    } catch (const UsageError& e) {
        exchange.verdict = "block";
        return respond_error(
            p, http::status::bad_request, "no.preflight.InvalidMessage",
            catalogue::text("gate.error.sbd", s.lang, {{"detail", catalogue::text(e.message_id(), s.lang, e.args())}}),
            true);
    }
    JournalPost post = to_journal_post(sbd);
    for (const auto& f : parts.files_) {
        if (!is_document(sbd, f.filename)) {
            continue;  // arkivmelding.xml, metadata files: not judged
        }
        Document d;
        d.file = f.filename;
        d.path = f.file.path();
        d.name = f.name.empty() ? std::filesystem::path(f.filename).stem().string() : f.name;
        d.role = role_of(sbd, f.filename);
        post.documents.push_back(std::move(d));
    }
    const Report report = gate_.check(std::move(post), gate_.run);
    if (report.verdict() == Verdict::block) {
        return blocked(p, report, true);
    }
    exchange.verdict = std::string(to_string(report.verdict()));
    int status = 0;
    bool keep = false;
    if (!forward_file(p, raw.path(), status, keep)) {
        return false;
    }
    return keep;
}

bool Connection::pass_through(Parser& p) {
    const auto& s = gate_.settings;
    beast::tcp_stream up(ioc_);
    if (!connect_upstream(up, p)) {
        return false;
    }
    http::request<http::buffer_body> fwd;
    copy_fields(p, fwd);
    fwd.body().data = nullptr;
    fwd.body().size = 0;
    fwd.body().more = !p.is_done();
    http::request_serializer<http::buffer_body> sr{fwd};
    send_continue_if_expected(p);
    up.expires_after(s.upstream_timeout);
    beast::error_code ec = await([&](auto handler) { http::async_write_header(up, sr, handler); });
    std::vector<char> chunk(kChunkBytes);
    while (!ec && !sr.is_done()) {
        if (!p.is_done()) {
            p.get().body().data = chunk.data();
            p.get().body().size = chunk.size();
            stream_->expires_after(s.read_timeout);
            beast::error_code rec = await([&](auto handler) { http::async_read(*stream_, buffer_, p, handler); });
            if (rec == http::error::need_buffer) {
                rec = {};
            }
            if (rec) {
                return false;  // the client went away mid-body; the upstream connection is dropped
            }
            const std::size_t n = chunk.size() - p.get().body().size;
            exchange.body_bytes += n;
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
