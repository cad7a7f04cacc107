// The gate's route table and its plain routes: the page, health, metrics, the check
// API and the explain API, the refusals of the routing, and 404 and 405.
#include "server/routes.hpp"

#include "server/multipart.hpp"
#include "server/webpage.hpp"

#include "base/error.hpp"
#include "base/identifiers.hpp"
#include "base/text.hpp"
#include "explain/explain.hpp"
#include "fix/fixup.hpp"
#include "report/render.hpp"
#include "validator/catalogue.hpp"
#include "validator/manifest.hpp"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <system_error>

namespace preflight::server {

namespace {

// The parts of a /v1/check request: the manifest in memory, documents on disk.
class CheckParts final : public PartSink {
public:
    CheckParts(TempDir& dir, std::uint64_t max_manifest, RequestMemory& memory)
        : dir_(dir), max_manifest_(max_manifest), memory_(memory) {}
    void begin(const PartHeaders& h) override {
        if (h.name == "manifest" && !h.filename.value_or("").ends_with(".pdf")) {
            if (manifest_) {
                throw MultipartError(phrase("multipart.manifest-twice"));
            }
            manifest_.emplace();
            in_manifest_ = true;
            return;
        }
        in_manifest_ = false;
        if (!h.filename || h.filename->empty()) {
            throw MultipartError(phrase("multipart.not-manifest-nor-file", {{"name", h.name}}));
        }
        if (files_.count(*h.filename) != 0) {
            throw MultipartError(phrase("multipart.filename-twice", {{"name", *h.filename}}));
        }
        current_ = &files_.emplace(*h.filename, TempFile(dir_)).first->second;
    }
    void data(std::string_view bytes) override {
        if (in_manifest_) {
            if (manifest_->size() + bytes.size() > max_manifest_) {
                throw MultipartError(
                    phrase("multipart.manifest-too-large", {{"limit", std::to_string(max_manifest_)}}));
            }
            memory_.take(bytes.size());
            manifest_->append(bytes);
        } else {
            current_->write(bytes);
        }
    }
    void end() override {
        if (!in_manifest_ && current_ != nullptr) {
            current_->close();
        }
        current_ = nullptr;
    }
    std::optional<std::string> manifest_;
    std::map<std::string, TempFile> files_;

private:
    TempDir& dir_;
    std::uint64_t max_manifest_;
    RequestMemory& memory_;
    bool in_manifest_ = false;
    TempFile* current_ = nullptr;
};

// The `bytes` of the file `path` (the gate's own copy: read whole, sized by the caller).
std::string slurp_file(const std::filesystem::path& path, std::uint64_t bytes) {
    std::string out(bytes, '\0');
    std::ifstream in(path, std::ios::binary);
    if (!in.read(out.data(), static_cast<std::streamsize>(bytes))) {
        throw std::runtime_error("cannot read the copy " + path.string());
    }
    return out;
}

// An error in the integrasjonspunkt's shape about `request` (503: with Retry-After).
Response error_response(const Request& request, int status, std::string_view exception, const std::string& message,
                        bool keep_alive, const nlohmann::json* findings = nullptr) {
    Response r;
    r.status = status;
    r.content_type = "application/json";
    r.body = error_text(
        status, exception, message,
        ident::mask_person_ids(text::escape_controls(text::printable(request.canonical.decoded_path()))), findings);
    r.keep_alive = keep_alive;
    if (status == static_cast<int>(http::status::service_unavailable)) {
        r.headers.emplace_back("Retry-After", "5");
    }
    return r;
}

Response json_response(std::string body, bool keep_alive = true) {
    Response r;
    r.content_type = "application/json";
    r.body = std::move(body);
    r.keep_alive = keep_alive;
    return r;
}

// The request is over: its body source answered it, or its client is gone.
Response answered() {
    Response r;
    r.answered = true;
    r.keep_alive = false;
    return r;
}

// The ?lang= of a request, or the gate's language; nullopt with `refusal` set (400).
std::optional<Lang> request_lang(const Gate::Impl& gate, const Request& request, Response& refusal) {
    const auto query = query_of(request.target);
    const Lang lang = gate.settings.lang;
    const auto it = query.find("lang");
    if (it == query.end()) {
        return lang;
    }
    if (it->second == "en") {
        return Lang::en;
    }
    if (it->second == "nb") {
        return Lang::nb;
    }
    refusal =
        error_response(request, static_cast<int>(http::status::bad_request), "preflight.BadParameter",
                       catalogue::text("error.usage.value", lang,
                                       MessageArgs{{"option", "lang"}, {"value", it->second}, {"allowed", "nb, en"}}),
                       false);
    return std::nullopt;
}

// GET / : the page for records managers, served by preflight itself, also in front
// of an integrasjonspunkt.
Response serve_page(Gate::Impl& /*gate*/, Request& /*request*/) {
    Response r;
    r.content_type = "text/html; charset=utf-8";
    r.body = web_page();
    r.headers = {{"Content-Security-Policy", web_page_csp()},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Referrer-Policy", "no-referrer"},
                 {"Cache-Control", "no-store"}};
    return r;
}

Response serve_healthz(Gate::Impl& gate, Request& /*request*/) {
    if (gate.stopping()) {
        Response r = json_response("{\"status\":\"stopping\"}\n", false);
        r.status = static_cast<int>(http::status::service_unavailable);
        return r;
    }
    return json_response("{\"status\":\"ok\"}\n");
}

Response serve_metrics(Gate::Impl& gate, Request& /*request*/) {
    const StoreStats stats = gate.messages.stats();
    gate.metrics.set_tracked_messages(stats.open + stats.unknown);
    gate.metrics.set_memory(gate.budget.in_use(), gate.budget.peak(), gate.budget.capacity());
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = gate.metrics.render();
    return r;
}

// The query parameter `name`, one of `allowed` (or `fallback` when absent); nullopt
// with `refusal` set (400 preflight.BadParameter) for any other value.
std::optional<std::string> choice(const Request& request, const std::map<std::string, std::string>& query,
                                  const std::string& name, std::initializer_list<std::string_view> allowed,
                                  std::string_view fallback, Lang lang, Response& refusal) {
    const auto it = query.find(name);
    if (it == query.end()) {
        return std::string(fallback);
    }
    if (std::find(allowed.begin(), allowed.end(), it->second) != allowed.end()) {
        return it->second;
    }
    std::string listed;
    for (const std::string_view a : allowed) {
        listed += (listed.empty() ? "" : ", ") + std::string(a);
    }
    refusal = error_response(request, static_cast<int>(http::status::bad_request), "preflight.BadParameter",
                             catalogue::text("error.usage.value", lang,
                                             MessageArgs{{"option", name}, {"value", it->second}, {"allowed", listed}}),
                             false);
    return std::nullopt;
}

// One of the gate's upload slots, held by a route while it receives and checks files.
class UploadSlot {
public:
    explicit UploadSlot(std::counting_semaphore<1 << 20>& slots) : slots_(slots) {}
    ~UploadSlot() { slots_.release(); }
    UploadSlot(const UploadSlot&) = delete;
    UploadSlot& operator=(const UploadSlot&) = delete;
    UploadSlot(UploadSlot&&) = delete;
    UploadSlot& operator=(UploadSlot&&) = delete;

private:
    std::counting_semaphore<1 << 20>& slots_;
};

// The start of a route that receives files: a multipart body (400 before it is read
// otherwise) and one of the upload slots (503 with Retry-After when none is free;
// else the caller holds it in an UploadSlot). The boundary, or nullopt with `refusal` set.
std::optional<std::string> receive_files(Gate::Impl& gate, Request& request, Lang lang, Response& refusal) {
    const auto boundary = multipart_boundary(request.content_type);
    if (!boundary || request.body == nullptr) {
        gate.metrics.rejected("malformed");
        refusal = error_response(request, static_cast<int>(http::status::bad_request), "preflight.MalformedRequest",
                                 catalogue::text("gate.error.not-multipart", lang), false);
        return std::nullopt;
    }
    if (!request.body->take_upload_slot()) {
        gate.metrics.rejected("busy");
        refusal = error_response(request, static_cast<int>(http::status::service_unavailable), "preflight.Busy",
                                 catalogue::text("gate.error.busy", gate.settings.lang), false);
        return std::nullopt;
    }
    return std::string(*boundary);
}

// The multipart body, at most max-body-mb, part by part to `sink`. nullopt when it was
// read whole; else the answer: the body source's own (413, 408, the client gone) or 400
// for a body that cannot be read as multipart.
std::optional<Response> read_parts(Gate::Impl& gate, Request& request, const std::string& boundary, PartSink& sink,
                                   Lang lang) {
    MultipartParser parser(boundary, sink);
    try {
        if (!request.body->read([&](std::string_view bytes) { parser.feed(bytes); }, gate.settings.max_body_bytes)) {
            return answered();
        }
        parser.finish();
    } catch (const MultipartError& e) {
        gate.metrics.rejected("malformed");
        return error_response(request, static_cast<int>(http::status::bad_request), "preflight.MalformedMultipart",
                              catalogue::text("gate.error.multipart", lang, {{"detail", e.what()}}), false);
    }
    return std::nullopt;
}

// POST /v1/check: a manifest and its documents as multipart/form-data, answered with
// the JSON report. The documents go to temporary files, never whole into memory.
Response check_api(Gate::Impl& gate, Request& request) {
    const auto& s = gate.settings;
    const auto query = query_of(request.target);
    Response refusal;
    const auto asked = request_lang(gate, request, refusal);
    if (!asked) {
        return refusal;
    }
    const Lang lang = *asked;
    RunSettings run = gate.run;
    if (const auto it = query.find("channel"); it != query.end()) {
        const auto channel = parse_channel(it->second);
        if (!channel || *channel == Channel::manual) {
            return error_response(
                request, static_cast<int>(http::status::bad_request), "preflight.BadParameter",
                catalogue::text("error.usage.value", lang,
                                MessageArgs{{"option", "channel"},
                                            {"value", it->second},
                                            {"allowed", "general, dpi, print, dpo, dpv, dpf, email, signing"}}),
                false);
        }
        run.channel = *channel;
        run.channel_given = true;
    }
    RenderOptions render = RenderOptions::in(lang);
    const auto remedies = choice(request, query, "remedies", {"cli", "web"}, "cli", lang, refusal);
    if (!remedies) {
        return refusal;
    }
    render.web_remedies = *remedies == "web";
    const auto boundary = receive_files(gate, request, lang, refusal);
    if (!boundary) {
        return refusal;
    }
    const UploadSlot slot(gate.uploads);

    RequestMemory memory(gate.budget);
    TempDir dir(*gate.check_dirs);
    CheckParts parts(dir, s.max_json_bytes, memory);
    if (auto refused = read_parts(gate, request, *boundary, parts, lang)) {
        return std::move(*refused);
    }
    if (!parts.manifest_) {
        return error_response(request, static_cast<int>(http::status::bad_request), "preflight.NoManifest",
                              catalogue::text("gate.error.no-manifest", lang), true);
    }
    JournalPost post;
    try {
        post = parse_manifest(*parts.manifest_, "manifest", memory.charge());
    } catch (const JsonOverBudget&) {
        throw memory.over_budget();
    } catch (const UsageError& e) {
        return error_response(request, static_cast<int>(http::status::bad_request), "preflight.InvalidManifest",
                              catalogue::text(e.message_id(), lang, e.args()), true);
    }
    // Each listed document and recipient becomes a record, findings and a part of the
    // answer: a manifest of a hundred thousand tiny entries costs far more than its text.
    memory.take((post.documents.size() + post.recipients.size()) * kManifestEntryBytes);
    // Documents are read from the uploaded parts only, never from paths on this host.
    std::set<std::string> used;
    for (auto& d : post.documents) {
        auto it = parts.files_.find(d.file);
        if (it == parts.files_.end()) {
            it = parts.files_.find(std::filesystem::path(d.file).filename().string());
        }
        if (it != parts.files_.end()) {
            d.path = it->second.path();
            used.insert(it->first);
        } else {
            // Not uploaded: missing (DP403), never looked for on this host.
            d.path = d.file;
            d.gathered = true;
            d.io_error = "missing";
        }
    }
    for (const auto& [name, file] : parts.files_) {
        if (used.count(name) == 0) {
            return error_response(request, static_cast<int>(http::status::bad_request), "preflight.UnlistedPart",
                                  catalogue::text("gate.error.unlisted-part", lang, {{"file", name}}), true);
        }
    }
    const Report report = gate.check(std::move(post), run);
    Response r = json_response(render_json(report, render));
    r.verdict = std::string(to_string(report.verdict()));
    return r;
}

// The one file of a /v1/fix request, to a temporary file; any other part is refused.
class FixPart final : public PartSink {
public:
    explicit FixPart(const std::filesystem::path& dir) : dir_(dir) {}
    void begin(const PartHeaders& h) override {
        if (!h.filename || h.filename->empty()) {
            throw MultipartError(phrase("multipart.fix-not-file", {{"name", h.name}}));
        }
        if (file_) {
            throw MultipartError(phrase("multipart.fix-one-file"));
        }
        name_ = *h.filename;
        file_.emplace(dir_);
    }
    void data(std::string_view bytes) override { file_->write(bytes); }
    void end() override { file_->close(); }
    std::optional<TempFile> file_;
    std::string name_;

private:
    std::filesystem::path dir_;
};

// The last component of a file name as a client sends it (a browser sends the name
// alone; an older one the whole path, with either slash).
std::string base_name(std::string_view name) {
    const auto slash = name.find_last_of("/\\");
    return std::string(slash == std::string_view::npos ? name : name.substr(slash + 1));
}

// Content-Disposition for a download named `name` (RFC 6266): an ASCII fallback in
// filename= and the name itself, percent-encoded UTF-8, in filename*=.
std::string attachment(const std::string& name) {
    std::string fallback;
    std::string encoded;
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        const bool plain = u >= 0x20 && u < 0x7f && c != '"' && c != '\\' && c != '%';
        if ((u & 0xC0U) != 0x80U) {  // one '_' for each character outside ASCII, not each byte
            fallback += plain ? c : '_';
        }
        if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
            std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos) {
            encoded += c;
        } else {
            encoded += fmt::format("%{:02X}", u);
        }
    }
    return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
}

// POST /v1/fix: one PDF as multipart/form-data, answered with its print-ready copy
// (`preflight fix`), or with the findings that refuse it. Within the check API's
// limits: an upload slot, the body cap, the memory budget for the copy it answers
// with, the checks and the fix in limited children on the gate's pool.
Response fix_api(Gate::Impl& gate, Request& request) {
    const auto query = query_of(request.target);
    Response refusal;
    const auto asked = request_lang(gate, request, refusal);
    if (!asked) {
        return refusal;
    }
    const Lang lang = *asked;
    pdf::FixOptions options;
    const auto two_up = choice(request, query, "two-up", {"true", "false"}, "false", lang, refusal);
    if (!two_up) {
        return refusal;
    }
    options.two_up = *two_up == "true";
    RenderOptions render = RenderOptions::in(lang);
    const auto remedies = choice(request, query, "remedies", {"cli", "web"}, "cli", lang, refusal);
    if (!remedies) {
        return refusal;
    }
    render.web_remedies = *remedies == "web";
    const auto boundary = receive_files(gate, request, lang, refusal);
    if (!boundary) {
        return refusal;
    }
    const UploadSlot slot(gate.uploads);

    auto memory = std::make_shared<RequestMemory>(gate.budget);
    TempDir dir(gate.temp->path(), "fix-");
    FixPart part(dir.path());
    if (auto refused = read_parts(gate, request, *boundary, part, lang)) {
        return std::move(*refused);
    }
    if (!part.file_) {
        return error_response(request, static_cast<int>(http::status::bad_request), "preflight.NoDocument",
                              catalogue::text("gate.error.fix-no-file", lang), true);
    }
    const std::string shown = base_name(part.name_);
    const std::string stem = std::filesystem::path(shown).stem().string();
    const std::string copy_name =
        catalogue::text(options.two_up ? "gate.fix.filename-two-up" : "gate.fix.filename", lang, {{"stem", stem}});
    // The upload judged under its own extension, as `preflight fix` judges a file
    // (a text file named .pdf is a damaged PDF too): renamed within the private folder.
    std::string extension = text::ascii_lower(std::filesystem::path(shown).extension().string());
    if (extension.size() > 8 ||
        extension.find_first_not_of(".abcdefghijklmnopqrstuvwxyz0123456789") != std::string::npos) {
        extension.clear();
    }
    const std::filesystem::path in = dir.path() / ("upload" + extension);
    std::filesystem::rename(part.file_->path(), in);
    const std::filesystem::path out = dir.path() / "copy.pdf";
    const fixup::PdfFix fix = gate.fix(in, out, options, shown, copy_name);
    if (fix.refused || !fix.fixed()) {
        Response r;
        if (fix.refused) {
            Report reasons = fix.input;
            reasons.findings = fix.reasons;
            const nlohmann::json full = nlohmann::json::parse(render_json(reasons, render));
            std::string why;  // the findings as rendered: cleaned and masked
            for (const auto& f : full.at("findings")) {
                why += (why.empty() ? "" : " ") + f.at("code").get<std::string>() + ": " +
                       f.at("message").get<std::string>() + ".";
            }
            r = error_response(request, static_cast<int>(http::status::unprocessable_entity), "preflight.NotFixable",
                               catalogue::text("gate.error.fix-refused", lang, {{"file", shown}, {"why", why}}), true,
                               &full.at("findings"));
        } else {
            r = error_response(
                request, static_cast<int>(http::status::unprocessable_entity), "preflight.FixFailed",
                catalogue::text("gate.error.fix-failed", lang, {{"file", shown}, {"detail", fix.result.error}}), true);
        }
        r.verdict = "not-fixed";
        return r;
    }
    std::error_code ec;
    const std::uint64_t bytes = std::filesystem::file_size(out, ec);
    if (ec) {
        throw std::system_error(ec, "the copy " + out.string());
    }
    memory->take(bytes);  // held until the copy is written to the client
    Response r;
    r.content_type = "application/pdf";
    r.body = slurp_file(out, bytes);
    r.holds = memory;
    r.headers = {{"Content-Disposition", attachment(copy_name)},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Cache-Control", "no-store"},
                 {"X-Preflight-Pages", fmt::format("{} {}", fix.result.pages_in, fix.result.pages_out)},
                 {"X-Preflight-Verdict", fix.output ? std::string(to_string(fix.output->verdict())) : "block"}};
    r.verdict = "fixed";
    return r;
}

// POST /v1/explain: a log message or a whole log as the body (UTF-8 or UTF-16 text),
// answered with `preflight explain --format json`. Small and quick: read and
// explained on the connection's own thread, capped at max-json size.
Response explain_api(Gate::Impl& gate, Request& request) {
    Response refusal;
    const auto lang = request_lang(gate, request, refusal);
    if (!lang) {
        return refusal;
    }
    RequestMemory memory(gate.budget);
    std::string body;
    if (request.body != nullptr && !request.body->read(
                                       [&](std::string_view b) {
                                           memory.take(b.size());
                                           body.append(b);
                                       },
                                       gate.settings.max_json_bytes)) {
        return answered();
    }
    if (explain::looks_binary(body)) {
        return error_response(request, static_cast<int>(http::status::bad_request), "preflight.NotALog",
                              catalogue::text("error.explain.binary", *lang, {{"file", "body"}}), true);
    }
    // Splitting copies the text about twice; each explained entry then costs about
    // 4.5 KiB until the answer is written (measured: 160 MB for a log of 35,500
    // entries). The gate explains a log of a letter, not an archive's whole log.
    memory.take(2 * body.size());
    const std::size_t entries = explain::split_log(body).size();
    if (entries > kMaxExplainEntries) {
        gate.metrics.rejected("too-large");
        return error_response(
            request, static_cast<int>(http::status::payload_too_large), "preflight.PayloadTooLarge",
            catalogue::text("gate.error.explain-entries", *lang,
                            {{"entries", std::to_string(entries)}, {"limit", std::to_string(kMaxExplainEntries)}}),
            false);
    }
    memory.take(entries * kExplainEntryBytes);
    const RenderOptions options = RenderOptions::in(*lang);
    const explain::Result result = explain::explain_log(body);
    Response r = json_response(explain::render_json(result, options));
    r.verdict = result.needs_action() ? "act" : "fine";
    return r;
}

// /api/messages/out/{id}/...: no handler upstream, refused (fail closed).
Response refuse_unknown_sub_path(Gate::Impl& gate, Request& request) {
    gate.metrics.rejected("unplaceable");
    Response r = error_response(
        request, static_cast<int>(http::status::bad_request), "preflight.UnplaceableRequest",
        catalogue::text("gate.error.unplaceable", gate.settings.lang, {{"detail", "unknown-sub-path"}}), false);
    r.verdict = "refused";
    return r;
}

// Anything else, when the gate has no upstream to pass it to.
Response not_found(Gate::Impl& gate, Request& request) {
    return error_response(
        request, static_cast<int>(http::status::not_found), "preflight.NotFound",
        catalogue::text("gate.error.not-found", gate.settings.lang, {{"path", request.canonical.decoded_path()}}),
        request.body_done);
}

Response method_not_allowed(const Gate::Impl& gate, const RouteEntry& entry, const Request& request) {
    Response r = error_response(
        request, static_cast<int>(http::status::method_not_allowed), "preflight.MethodNotAllowed",
        catalogue::text("gate.error.method", gate.settings.lang, {{"allowed", std::string(entry.methods)}}),
        request.body_done);
    r.headers.emplace_back("Allow", std::string(entry.methods));
    return r;
}

// clang-format off
// The table: one line per route (docs/design.md, "The gate's routes").
//          route                    name               methods      another method        handler                   checked proxy (upstream)  pass-through (upstream)     checked
constexpr std::array kRoutes{
    RouteEntry{Route::page,             "page",            "GET, HEAD", OtherMethods::next,    &serve_page,              nullptr,          nullptr,                    false},
    RouteEntry{Route::healthz,          "healthz",         "GET, HEAD", OtherMethods::next,    &serve_healthz,           nullptr,          nullptr,                    false},
    RouteEntry{Route::metrics,          "metrics",         "GET, HEAD", OtherMethods::next,    &serve_metrics,           nullptr,          nullptr,                    false},
    RouteEntry{Route::check_api,        "check",           "POST",      OtherMethods::refused, &check_api,               nullptr,          nullptr,                    false},
    RouteEntry{Route::explain_api,      "explain",         "POST",      OtherMethods::refused, &explain_api,             nullptr,          nullptr,                    false},
    RouteEntry{Route::fix_api,          "fix",             "POST",      OtherMethods::refused, &fix_api,                 nullptr,          nullptr,                    false},
    RouteEntry{Route::create,           "proxy-create",    "POST",      OtherMethods::next,    nullptr,                  &proxy_create,    nullptr,                    true},
    RouteEntry{Route::upload,           "proxy-upload",    "PUT",       OtherMethods::next,    nullptr,                  &proxy_upload,    nullptr,                    true},
    RouteEntry{Route::send,             "proxy-send",      "POST",      OtherMethods::next,    nullptr,                  &proxy_send,      nullptr,                    true},
    RouteEntry{Route::multipart,        "proxy-multipart", "POST",      OtherMethods::next,    nullptr,                  &proxy_multipart, nullptr,                    true},
    RouteEntry{Route::message_other,    "passthrough",     "",          OtherMethods::next,    nullptr,                  nullptr,          &Connection::pass_through,  false},
    RouteEntry{Route::unknown_sub_path, "refused",         "",          OtherMethods::next,    &refuse_unknown_sub_path, nullptr,          nullptr,                    false},
    RouteEntry{Route::passthrough,      "passthrough",     "",          OtherMethods::next,    nullptr,                  nullptr,          &Connection::pass_through,  false},
};
// clang-format on

// Not a route of its own: what a proxy route gets when the gate has no upstream.
constexpr RouteEntry kNotFound{Route::passthrough, "other", "",      OtherMethods::next,
                               &not_found,         nullptr, nullptr, false};

}  // namespace

bool RouteEntry::serves(std::string_view method) const {
    if (methods.empty()) {
        return true;
    }
    std::string_view rest = methods;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        std::string_view one = rest.substr(0, comma);
        while (!one.empty() && one.front() == ' ') {
            one.remove_prefix(1);
        }
        if (one == method) {
            return true;
        }
        rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
    }
    return false;
}

std::span<const RouteEntry> route_table() { return kRoutes; }

const RouteEntry& entry_for(const Routing& routing, std::string_view method, bool upstream) {
    const RouteEntry* entry = &kNotFound;
    for (const auto& e : kRoutes) {
        if (e.route == routing.route) {
            entry = &e;
            break;
        }
    }
    if (!entry->serves(method) && entry->other_methods == OtherMethods::next) {
        return entry_for(Routing{Route::passthrough, {}}, method, upstream);
    }
    if (entry->needs_upstream() && !upstream) {
        return kNotFound;
    }
    return *entry;
}

std::string forward_target(const UpstreamUrl& upstream, const RouteEntry& entry, const CanonicalTarget& target,
                           std::string_view sent) {
    const std::string query = target.has_query ? "?" + target.query : "";
    const std::string path = entry.checked      ? target.encoded_path(false)
                             : target.canonical ? std::string(sent.substr(0, sent.find('?')))
                                                : target.encoded_path(true);
    return upstream.base + path + query;
}

Response answer(Gate::Impl& gate, const RouteEntry& entry, Request& request) {
    if (!entry.serves(request.method)) {
        return method_not_allowed(gate, entry, request);
    }
    if (entry.handler == nullptr) {
        throw std::logic_error("route " + std::string(entry.name) + " has no plain handler");
    }
    return entry.handler(gate, request);
}

std::string error_text(int status, std::string_view exception, const std::string& message, const std::string& path,
                       const nlohmann::json* findings, const std::string& description) {
    nlohmann::json body = error_body(status, exception, ident::mask_person_ids(message), path);
    body["description"] = ident::mask_person_ids(description.empty() ? message : description);
    if (findings != nullptr) {
        body["findings"] = *findings;
    }
    return body.dump(2) + "\n";
}

}  // namespace preflight::server
