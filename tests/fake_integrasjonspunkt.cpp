#include "tests/fake_integrasjonspunkt.hpp"

#include "tests/fake_registry.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <random>

namespace preflight::testing {
namespace {

using json = nlohmann::json;

const std::string kOut = "/api/messages/out";
constexpr std::size_t kMultipartFileLimit = 5ULL * 1024 * 1024;  // the integrasjonspunkt's MAX_SIZE

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return "";
    }
    const auto last = s.find_last_not_of(" \t");
    return std::string(s.substr(first, last - first + 1));
}

std::string uuid4() {
    static std::mutex m;
    static std::mt19937_64 rng{std::random_device{}()};
    const std::lock_guard lock(m);
    const std::uint64_t a = rng();
    const std::uint64_t b = rng();
    return fmt::format("{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}", a >> 32U, (a >> 16U) & 0xFFFFU, a & 0xFFFU,
                       8U + ((b >> 62U) & 3U), (b >> 48U) & 0xFFFU, b & 0xFFFFFFFFFFFFULL);
}

std::string now_iso() {
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}+00:00", tm, ms);
}

int hex(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// %XX decoding; `plus` also turns '+' into a space (query strings).
std::string percent_decode(std::string_view s, bool plus) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else if (plus && s[i] == '+') {
            out += ' ';
        } else {
            out += s[i];
        }
    }
    return out;
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
    std::size_t pos = 0;
    while (pos <= query.size()) {
        const auto amp = query.find('&', pos);
        const auto pair = query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
        const auto eq = pair.find('=');
        if (percent_decode(pair.substr(0, eq), true) == name) {
            return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true);
        }
        if (amp == std::string_view::npos) {
            break;
        }
        pos = amp + 1;
    }
    return std::nullopt;
}

// The path as a lenient Tomcat and Spring would route it: the path of an absolute-form
// target, `;` parameters cut, %-escapes decoded, empty and "." segments dropped, ".."
// taking one back, no trailing slash. Written apart from the gate's own reading.
std::string lenient_path(std::string target) {
    target = target.substr(0, target.find('?'));
    if (lower(target.substr(0, 7)) == "http://" || lower(target.substr(0, 8)) == "https://") {
        const auto slash = target.find('/', target.find("//") + 2);
        target = slash == std::string::npos ? "/" : target.substr(slash);
    }
    std::vector<std::string> segments;
    std::size_t pos = 0;
    while (pos <= target.size()) {
        auto next = target.find('/', pos);
        if (next == std::string::npos) {
            next = target.size();
        }
        std::string seg = target.substr(pos, next - pos);
        seg = percent_decode(seg.substr(0, seg.find(';')), false);
        pos = next + 1;
        if (seg.empty() || seg == ".") {
            continue;
        }
        if (seg == "..") {
            if (!segments.empty()) {
                segments.pop_back();
            }
            continue;
        }
        segments.push_back(seg);
    }
    std::string out;
    for (const auto& s : segments) {
        out += "/" + s;
    }
    return out.empty() ? "/" : out;
}

struct Disposition {
    std::string type;
    std::optional<std::string> name;
    std::optional<std::string> filename;
};

// RFC 6266/2183 as the integrasjonspunkt reads it: parameters split at ';' outside
// quotes, values optionally quoted, filename* (RFC 5987, UTF-8 or ISO-8859-1) over filename.
Disposition parse_disposition(std::string_view header) {
    std::vector<std::string> parts;
    std::string current;
    bool quoted = false;
    for (const char c : header) {
        if (c == '"') {
            quoted = !quoted;
        }
        if (c == ';' && !quoted) {
            parts.push_back(trim(current));
            current.clear();
        } else {
            current += c;
        }
    }
    parts.push_back(trim(current));
    Disposition d;
    d.type = parts.front();
    std::optional<std::string> extended;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const auto eq = parts[i].find('=');
        if (eq == std::string::npos) {
            continue;
        }
        const std::string attribute = lower(trim(parts[i].substr(0, eq)));
        std::string value = trim(parts[i].substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        if (attribute == "name") {
            d.name = value;
        } else if (attribute == "filename") {
            d.filename = value;
        } else if (attribute == "filename*") {
            const auto q1 = value.find('\'');
            const auto q2 = q1 == std::string::npos ? q1 : value.find('\'', q1 + 1);
            if (q2 == std::string::npos) {
                extended = value;
                continue;
            }
            const std::string charset = lower(value.substr(0, q1));
            std::string decoded = percent_decode(value.substr(q2 + 1), false);
            if (charset == "iso-8859-1") {
                std::string utf8;
                for (const char c : decoded) {
                    const auto u = static_cast<unsigned char>(c);
                    if (u < 0x80U) {
                        utf8 += c;
                    } else {
                        utf8 += static_cast<char>(0xC0U | (u >> 6U));
                        utf8 += static_cast<char>(0x80U | (u & 0x3FU));
                    }
                }
                decoded = utf8;
            }
            extended = decoded;
        }
    }
    if (extended) {
        d.filename = extended;
    }
    return d;
}

struct Part {
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
};

// multipart/form-data; nullopt when the body is not what its Content-Type says.
std::optional<std::vector<Part>> parse_multipart(const std::string& content_type, const std::string& body) {
    if (lower(content_type).rfind("multipart/form-data", 0) != 0) {
        return std::nullopt;
    }
    const auto at = lower(content_type).find("boundary=");
    if (at == std::string::npos) {
        return std::nullopt;
    }
    std::string boundary = content_type.substr(at + 9);
    boundary = boundary.substr(0, boundary.find(';'));
    boundary = trim(boundary);
    if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') {
        boundary = boundary.substr(1, boundary.size() - 2);
    }
    const std::string delimiter = "--" + boundary;
    std::size_t pos = body.find(delimiter);
    if (boundary.empty() || pos == std::string::npos) {
        return std::nullopt;
    }
    pos += delimiter.size();
    std::vector<Part> parts;
    while (true) {
        if (body.compare(pos, 2, "--") == 0) {
            return parts;
        }
        if (body.compare(pos, 2, "\r\n") != 0) {
            return std::nullopt;
        }
        pos += 2;
        const auto head_end = body.find("\r\n\r\n", pos);
        if (head_end == std::string::npos) {
            return std::nullopt;
        }
        Part part;
        std::size_t line_start = pos;
        while (line_start < head_end) {
            auto line_end = body.find("\r\n", line_start);
            line_end = std::min(line_end, head_end);
            const std::string line = body.substr(line_start, line_end - line_start);
            const auto colon = line.find(':');
            if (colon != std::string::npos) {
                part.headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
            }
            line_start = line_end + 2;
        }
        const auto content = head_end + 4;
        const auto next = body.find("\r\n" + delimiter, content);
        if (next == std::string::npos) {
            return std::nullopt;
        }
        part.body = body.substr(content, next - content);
        parts.push_back(std::move(part));
        pos = next + 2 + delimiter.size();
    }
}

std::string header_of(const FakeRequest& r, const std::string& name) {
    const auto it = r.headers.find(name);
    return it == r.headers.end() ? "" : it->second;
}

FakeResponse json_answer(int status, std::string body) {
    FakeResponse res;
    res.status = status;
    res.body = std::move(body);
    return res;
}

FakeResponse error_answer(int status, std::string_view exception, std::string_view message, std::string_view path) {
    return json_answer(status, FakeIntegrasjonspunkt::error_body(status, exception, message, path));
}

FakeResponse empty_answer() {
    FakeResponse res;
    res.content_type.clear();  // Spring answers a void handler without a body or a type
    return res;
}

const std::string kPrefix = "no.difi.meldingsutveksling.exceptions.";

// obj[key] when it is a string, else "".
std::string string_at(const json& obj, const char* key) {
    if (!obj.is_object()) {
        return "";
    }
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

// The businessScope scope of type ConversationId, in an SBD whose header prepare() checked.
json* conversation_scope(json& sbd) {
    auto& scopes = sbd["standardBusinessDocumentHeader"]["businessScope"]["scope"];
    for (auto& s : scopes) {
        if (string_at(s, "type") == "ConversationId") {
            return &s;
        }
    }
    return nullptr;
}

}  // namespace

FakeIntegrasjonspunkt::FakeIntegrasjonspunkt(FakeIpOptions options)
    : options_(std::move(options)), delay_ms_(options_.delay.count()), server_([this](const FakeRequest& r) {
          FakeResponse res;
          try {
              res = answer(r);
          } catch (const std::exception& e) {  // a bug of the fake: say so rather than end the test run
              res = error_answer(500, "java.lang.RuntimeException", std::string("fake integrasjonspunkt: ") + e.what(),
                                 r.path);
          }
          res.delay = std::chrono::milliseconds(delay_ms_.load());
          res.truncate = truncating_.load();
          res.headers.emplace_back("X-Fake-Integrasjonspunkt", "1");
          std::unique_lock lock(hold_mutex_);
          if (holding_ && (!hold_which_ || hold_which_(r))) {
              ++held_;
              hold_cv_.wait(lock, [this] { return !holding_; });
              --held_;
          }
          return res;
      }) {}

FakeIntegrasjonspunkt::~FakeIntegrasjonspunkt() { release(); }  // before server_ joins its threads

void FakeIntegrasjonspunkt::hold(std::function<bool(const FakeRequest&)> which) {
    const std::lock_guard lock(hold_mutex_);
    holding_ = true;
    hold_which_ = std::move(which);
}

void FakeIntegrasjonspunkt::release() {
    {
        const std::lock_guard lock(hold_mutex_);
        holding_ = false;
    }
    hold_cv_.notify_all();
}

std::size_t FakeIntegrasjonspunkt::held() const {
    const std::lock_guard lock(hold_mutex_);
    return held_;
}

void FakeIntegrasjonspunkt::set_delay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }
void FakeIntegrasjonspunkt::set_failing(bool failing) { failing_ = failing; }
void FakeIntegrasjonspunkt::set_dropping(bool dropping) { dropping_ = dropping; }
void FakeIntegrasjonspunkt::set_truncating(bool truncating) { truncating_ = truncating; }
void FakeIntegrasjonspunkt::stop() {
    release();
    server_.stop();
}

std::vector<FakeRequest> FakeIntegrasjonspunkt::requests() const { return server_.requests(); }

std::vector<FakeIpMessage> FakeIntegrasjonspunkt::messages() const {
    const std::lock_guard lock(mutex_);
    return messages_;
}

std::optional<FakeIpMessage> FakeIntegrasjonspunkt::message(const std::string& message_id) const {
    const std::lock_guard lock(mutex_);
    const FakeIpMessage* m = find(message_id);
    return m == nullptr ? std::nullopt : std::optional<FakeIpMessage>(*m);
}

std::vector<FakeIpFile> FakeIntegrasjonspunkt::files(const std::string& message_id) const {
    const std::lock_guard lock(mutex_);
    const FakeIpMessage* m = find(message_id);
    return m == nullptr ? std::vector<FakeIpFile>{} : m->files;
}

std::vector<std::string> FakeIntegrasjonspunkt::sent_ids() const {
    const std::lock_guard lock(mutex_);
    return sent_;
}

std::vector<std::string> FakeIntegrasjonspunkt::multipart_bodies() const {
    const std::lock_guard lock(mutex_);
    return multipart_bodies_;
}

std::string FakeIntegrasjonspunkt::error_body(int status, std::string_view exception, std::string_view message,
                                              std::string_view path) {
    std::string error = "Error";
    switch (status) {
        case 400:
            error = "Bad Request";
            break;
        case 404:
            error = "Not Found";
            break;
        case 500:
            error = "Internal Server Error";
            break;
        default:
            break;
    }
    nlohmann::ordered_json body;
    body["timestamp"] = now_iso();
    body["status"] = status;
    body["error"] = error;
    body["exception"] = exception;
    body["message"] = message;
    body["path"] = path;
    return body.dump();
}

FakeIpMessage* FakeIntegrasjonspunkt::find(const std::string& id) {
    const auto it =
        std::find_if(messages_.begin(), messages_.end(), [&](const FakeIpMessage& m) { return m.message_id == id; });
    return it == messages_.end() ? nullptr : &*it;
}

const FakeIpMessage* FakeIntegrasjonspunkt::find(const std::string& id) const {
    const auto it =
        std::find_if(messages_.begin(), messages_.end(), [&](const FakeIpMessage& m) { return m.message_id == id; });
    return it == messages_.end() ? nullptr : &*it;
}

void FakeIntegrasjonspunkt::set_capabilities(json data) {
    const std::lock_guard lock(mutex_);
    capabilities_ = std::move(data);
}

FakeResponse FakeIntegrasjonspunkt::answer(const FakeRequest& r) {
    if (dropping_) {
        FakeResponse res;
        res.drop = true;
        return res;
    }
    if (failing_) {
        return error_answer(500, "java.lang.IllegalStateException",
                            "The fake integrasjonspunkt answers 500, as the test asked", r.path);
    }
    const std::string path = lenient_path(r.target);
    if (path == kOut + "/multipart" && r.method == "POST") {
        return multipart(r);
    }
    if (path == kOut && r.method == "POST") {
        return create(r);
    }
    if (path.rfind("/api/capabilities/", 0) == 0 && r.method == "GET") {
        std::optional<json> data;
        {
            const std::lock_guard lock(mutex_);
            data = capabilities_;
        }
        if (data) {
            FakeRequest canonical = r;
            canonical.path = path;
            if (auto answer = fake_capabilities_answer(*data, canonical)) {
                answer->headers.emplace_back("X-Fake-Integrasjonspunkt", "1");
                return *answer;
            }
        }
    }
    if (path.rfind("/api/statuses/", 0) == 0 && r.method == "GET") {
        const std::string id = path.substr(std::string("/api/statuses/").size());
        json content = json::array();
        const std::lock_guard lock(mutex_);
        if (const FakeIpMessage* m = find(id)) {
            long n = 0;
            for (const auto& st : m->statuses) {
                content.push_back({{"id", ++n},
                                   {"status", st},
                                   {"messageId", m->message_id},
                                   {"conversationId", m->conversation_id}});
            }
        }
        const auto total = content.size();
        return json_answer(200, json{{"content", content}, {"totalElements", total}, {"number", 0}}.dump());
    }
    if (path.rfind(kOut + "/", 0) == 0) {
        const std::string id = path.substr(kOut.size() + 1);
        if (!id.empty() && id.find('/') == std::string::npos) {
            if (r.method == "PUT") {
                return upload(r, id);
            }
            if (r.method == "POST") {
                return send(r, id);
            }
            if (r.method == "GET") {
                const std::lock_guard lock(mutex_);
                const FakeIpMessage* m = find(id);
                if (m == nullptr) {
                    return error_answer(404, kPrefix + "MessageNotFoundException",
                                        "Message with messageId = " + id + " was not found", r.path);
                }
                return json_answer(200, m->sbd.dump());
            }
        }
    }
    return json_answer(200, json{{"fake", "integrasjonspunkt"}, {"method", r.method}, {"target", r.target}}.dump());
}

std::optional<FakeResponse> FakeIntegrasjonspunkt::prepare(json& sbd, const std::string& path) {
    const auto invalid = [&](const std::string& what) {
        return error_answer(400, "org.springframework.web.bind.MethodArgumentNotValidException",
                            "Validation failed: " + what, path);
    };
    if (!sbd.is_object() || !sbd.contains("standardBusinessDocumentHeader") ||
        !sbd["standardBusinessDocumentHeader"].is_object()) {
        return invalid("standardBusinessDocumentHeader must not be null");
    }
    json& header = sbd["standardBusinessDocumentHeader"];
    if (!header.contains("documentIdentification") || !header["documentIdentification"].is_object()) {
        return invalid("standardBusinessDocumentHeader.documentIdentification must not be null");
    }
    if (!header.contains("businessScope") || !header["businessScope"].is_object() ||
        !header["businessScope"].contains("scope") || !header["businessScope"]["scope"].is_array()) {
        return invalid("standardBusinessDocumentHeader.businessScope must not be null");
    }
    json& ident = header["documentIdentification"];
    if (!ident.contains("instanceIdentifier") || ident["instanceIdentifier"].is_null()) {
        ident["instanceIdentifier"] = uuid4();
    }
    if (!ident["instanceIdentifier"].is_string()) {
        return invalid("standardBusinessDocumentHeader.documentIdentification.instanceIdentifier must be a string");
    }
    if (!ident.contains("creationDateAndTime") || ident["creationDateAndTime"].is_null()) {
        ident["creationDateAndTime"] = now_iso();
    }
    if (json* scope = conversation_scope(sbd)) {
        if (!scope->contains("instanceIdentifier") || !(*scope)["instanceIdentifier"].is_string() ||
            (*scope)["instanceIdentifier"].get<std::string>().empty()) {
            (*scope)["instanceIdentifier"] = uuid4();
        }
    }
    if (!header.contains("sender") || !header["sender"].is_array() || header["sender"].empty()) {
        header["sender"] = json::array(
            {{{"identifier", {{"authority", "iso6523-actorid-upis"}, {"value", "0192:" + options_.org_number}}}}});
    }
    const std::string id = ident["instanceIdentifier"].get<std::string>();
    if (find(id) != nullptr) {
        return error_answer(400, kPrefix + "MessageAlreadyExistsException",
                            "Message with messageId = " + id + " already exists", path);
    }
    return std::nullopt;
}

FakeResponse FakeIntegrasjonspunkt::create(const FakeRequest& r) {
    json sbd = json::parse(r.body, nullptr, false);
    if (sbd.is_discarded()) {
        return error_answer(400, "org.springframework.http.converter.HttpMessageNotReadableException",
                            "JSON parse error: the body is not valid JSON", r.path);
    }
    const std::lock_guard lock(mutex_);
    if (auto error = prepare(sbd, r.path)) {
        return *error;
    }
    FakeIpMessage m;
    m.sbd = sbd;
    m.message_id = string_at(sbd["standardBusinessDocumentHeader"]["documentIdentification"], "instanceIdentifier");
    if (const json* scope = conversation_scope(sbd)) {
        m.conversation_id = string_at(*scope, "instanceIdentifier");
    }
    m.statuses.emplace_back("OPPRETTET");
    messages_.push_back(std::move(m));
    return json_answer(200, sbd.dump());
}

FakeResponse FakeIntegrasjonspunkt::upload(const FakeRequest& r, const std::string& id) {
    const std::lock_guard lock(mutex_);
    FakeIpMessage* m = find(id);
    if (m == nullptr) {
        return error_answer(404, kPrefix + "MessageNotFoundException",
                            "Message with messageId = " + id + " was not found", r.path);
    }
    const std::string disposition = header_of(r, "content-disposition");
    if (disposition.empty()) {
        return error_answer(400, kPrefix + "MissingHttpHeaderException",
                            "Expected a HTTP header named 'Content-Disposition'", r.path);
    }
    const Disposition d = parse_disposition(disposition);
    FakeIpFile f;
    f.title = query_param(r.query, "title").value_or(d.name.value_or(""));
    f.filename = d.filename.value_or("");
    f.content_type = header_of(r, "content-type");
    f.content_disposition = disposition;
    f.bytes = r.body;
    if (std::any_of(m->files.begin(), m->files.end(), [&](const FakeIpFile& x) { return x.filename == f.filename; })) {
        return error_answer(400, kPrefix + "DuplicateFilenameException",
                            "Filename already exists in message: " + f.filename + ".", r.path);
    }
    m->files.push_back(std::move(f));
    return empty_answer();
}

std::optional<FakeResponse> FakeIntegrasjonspunkt::check_sendable(const FakeIpMessage& m,
                                                                  const std::string& path) const {
    const json& ident = m.sbd.at("standardBusinessDocumentHeader").at("documentIdentification");
    const std::string type = lower(string_at(ident, "type"));
    if ((type == "digital" || type == "print" || type == "arkivmelding") && m.files.empty()) {
        return error_answer(400, kPrefix + "MissingFileException", "There must always be at least one attachment",
                            path);
    }
    if (type == "digital" || type == "print") {
        const std::string main = m.sbd.contains(type) ? string_at(m.sbd.at(type), "hoveddokument") : "";
        if (std::none_of(m.files.begin(), m.files.end(), [&](const FakeIpFile& f) { return f.filename == main; })) {
            return error_answer(400, kPrefix + "MissingPrimaryDocumentException",
                                "Missing a primary document. Please specify the hoveddokument property in the "
                                "business message and verify that is equal to one of the filenames.",
                                path);
        }
    }
    return std::nullopt;
}

FakeResponse FakeIntegrasjonspunkt::send(const FakeRequest& r, const std::string& id) {
    const std::lock_guard lock(mutex_);
    FakeIpMessage* m = find(id);
    if (m == nullptr) {
        return error_answer(404, kPrefix + "MessageNotFoundException",
                            "Message with messageId = " + id + " was not found", r.path);
    }
    if (auto error = check_sendable(*m, r.path)) {
        return *error;
    }
    m->sent = true;
    m->statuses.emplace_back("SENDT");
    sent_.push_back(id);
    return empty_answer();
}

FakeResponse FakeIntegrasjonspunkt::multipart(const FakeRequest& r) {
    {
        const std::lock_guard lock(mutex_);
        multipart_bodies_.push_back(r.body);
    }
    const auto parts = parse_multipart(header_of(r, "content-type"), r.body);
    if (!parts) {
        return error_answer(400, "org.springframework.web.multipart.MultipartException",
                            "Failed to parse multipart servlet request", r.path);
    }
    json sbd;
    FakeIpMessage m;
    m.multipart = true;
    for (const Part& p : *parts) {
        const auto it = p.headers.find("content-disposition");
        const std::string disposition = it == p.headers.end() ? "" : it->second;
        const Disposition d = parse_disposition(disposition);
        if (d.name == "sbd" && !d.filename) {
            sbd = json::parse(p.body, nullptr, false);
            continue;
        }
        FakeIpFile f;
        f.title = d.name.value_or("");
        f.filename = d.filename.value_or("");
        const auto type = p.headers.find("content-type");
        f.content_type = type == p.headers.end() ? "" : type->second;
        f.content_disposition = disposition;
        f.bytes = p.body;
        if (f.bytes.size() > kMultipartFileLimit) {
            return error_answer(400, kPrefix + "MultipartFileToLargeException",
                                fmt::format("The attachment named '{}' is too large. The maximum size for multipart "
                                            "requests is {} bytes. Please use the non-multipart API to avoid such "
                                            "problems.",
                                            f.filename, kMultipartFileLimit),
                                r.path);
        }
        if (std::any_of(m.files.begin(), m.files.end(),
                        [&](const FakeIpFile& x) { return x.filename == f.filename; })) {
            return error_answer(400, kPrefix + "DuplicateFilenameException",
                                "Filename already exists in message: " + f.filename + ".", r.path);
        }
        m.files.push_back(std::move(f));
    }
    if (sbd.is_null() || sbd.is_discarded()) {
        return error_answer(400, "org.springframework.web.multipart.support.MissingServletRequestPartException",
                            "Required request part 'sbd' is not present", r.path);
    }
    const std::lock_guard lock(mutex_);
    if (auto error = prepare(sbd, r.path)) {
        return *error;
    }
    m.sbd = sbd;
    m.message_id = string_at(sbd["standardBusinessDocumentHeader"]["documentIdentification"], "instanceIdentifier");
    if (const json* scope = conversation_scope(sbd)) {
        m.conversation_id = string_at(*scope, "instanceIdentifier");
    }
    if (auto error = check_sendable(m, r.path)) {
        return *error;
    }
    m.sent = true;
    m.statuses = {"OPPRETTET", "SENDT"};
    sent_.push_back(m.message_id);
    messages_.push_back(std::move(m));
    return json_answer(200, sbd.dump());
}

}  // namespace preflight::testing
