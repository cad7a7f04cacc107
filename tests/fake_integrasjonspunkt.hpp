// A fake of Digdir's integrasjonspunkt, the "next move" messages API the gate
// (`preflight serve --upstream`) stands in front of. On 127.0.0.1 only. It keeps
// what the archive system creates, uploads and sends, answers in the real API's
// shapes (efm-integrasjonspunkt's NextMoveMessageOutController), and records
// every request byte for byte:
//
//   POST /api/messages/out            SBD JSON -> 200, the SBD echoed with the ids the
//                                     integrasjonspunkt fills in when absent (messageId,
//                                     conversationId, sender, creationDateAndTime);
//                                     400 for invalid JSON, a missing header, a messageId in use
//   PUT  /api/messages/out/{id}       one file: raw body, Content-Type, Content-Disposition
//                                     (attachment; name=<title>; filename=<file>), optional
//                                     ?title= -> 200 (empty); 400 without Content-Disposition
//                                     or for a file name already uploaded
//   POST /api/messages/out/{id}       send -> 200 (empty); 400 without files, or for DPI
//                                     (digital, print) without the hoveddokument's file
//   GET  /api/messages/out/{id}       the SBD
//   GET  /api/capabilities/{id}    after set_capabilities: the receiver's capabilities for the
//                                     process and securityLevel asked, or 404
//   GET  /api/statuses/{id}           the message's statuses as a page ({"content":[{"status":...}]}):
//                                     OPPRETTET at create, SENDT at send; an empty page when unknown
//   POST /api/messages/out/multipart  part `sbd` + file parts (part name = title):
//                                     create, upload, send -> 200, the SBD; 400 for a
//                                     file over 5 MiB or a repeated file name
//   anything else                     200 {"fake":"integrasjonspunkt","method":...,"target":...}
//
// Paths are routed as leniently as the real one's Tomcat and Spring could be set up
// to: absolute-form, %-escapes, `;` parameters, repeated slashes, dot segments and a
// trailing slash (difi.move.feature.allowDeprecatedTrailingSlash) all reach the
// handler they spell, so that a spelling the gate let through unchecked would show
// here as a created, uploaded or sent message. An unknown {id} is 404
// MessageNotFoundException, as in the real one. Errors are
// {"timestamp","status","error","exception","message","path"}. Every answer has the
// header "X-Fake-Integrasjonspunkt: 1", so that a test can see it came through.
#pragma once

#include "tests/fake_http.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace preflight::testing {

struct FakeIpFile {
    std::string title;                // ?title=, else the Content-Disposition's name (multipart: the part's name)
    std::string filename;             // the Content-Disposition's filename (or filename*, decoded)
    std::string content_type;         // Content-Type as sent
    std::string content_disposition;  // as sent
    std::string bytes;                // the body, byte for byte
};

struct FakeIpMessage {
    std::string message_id;
    std::string conversation_id;
    nlohmann::json sbd;             // as answered: the SBD sent, with the ids filled in
    std::vector<FakeIpFile> files;  // in order of upload
    bool sent = false;
    std::vector<std::string> statuses;  // OPPRETTET, SENDT
    bool multipart = false;             // created by POST /api/messages/out/multipart
};

struct FakeIpOptions {
    std::string org_number = "910120050";  // the sender put into SBDs without one (as 0192:<org>)
    std::chrono::milliseconds delay{0};    // before every answer
};

class FakeIntegrasjonspunkt {
public:
    explicit FakeIntegrasjonspunkt(FakeIpOptions options = {});
    ~FakeIntegrasjonspunkt();
    FakeIntegrasjonspunkt(const FakeIntegrasjonspunkt&) = delete;
    FakeIntegrasjonspunkt& operator=(const FakeIntegrasjonspunkt&) = delete;
    FakeIntegrasjonspunkt(FakeIntegrasjonspunkt&&) = delete;
    FakeIntegrasjonspunkt& operator=(FakeIntegrasjonspunkt&&) = delete;

    [[nodiscard]] std::string base_url() const { return server_.base_url(); }
    [[nodiscard]] int port() const { return server_.port(); }

    // GET /api/capabilities/{id}[?process=&securityLevel=] answered from `data` in the
    // registry file's format ({"capabilities": [{"identifier", "capabilities"}]}) as
    // the real one answers (fake_capabilities_answer); before this is called, that
    // route is "anything else".
    void set_capabilities(nlohmann::json data);

    // Being slow, broken or down; may be switched while requests run.
    void set_delay(std::chrono::milliseconds delay);  // before every answer
    void set_failing(bool failing);                   // every request: 500 in the error shape, nothing kept
    void set_dropping(bool dropping);                 // every request: the connection closes without an answer
    void set_truncating(bool truncating);  // every request is acted on, its answer breaks off after half its body
    void stop();                           // the port closes (held answers go first): connections are refused

    // Holding answers, for a test that acts while a request is in flight upstream:
    // from hold() on, every request (or each that `which` picks) is acted on and
    // recorded, and its answer then waits until release() (or stop(), or the end of
    // the fake). held() is how many answers wait now: the condition to wait for,
    // instead of a delay to outlast.
    void hold(std::function<bool(const FakeRequest&)> which = {});
    void release();
    [[nodiscard]] std::size_t held() const;

    // What it saw. Requests are recorded even while failing or dropping.
    [[nodiscard]] std::vector<FakeRequest> requests() const;    // every request, in order of arrival
    [[nodiscard]] std::vector<FakeIpMessage> messages() const;  // in order of creation
    [[nodiscard]] std::optional<FakeIpMessage> message(const std::string& message_id) const;
    [[nodiscard]] std::vector<FakeIpFile> files(const std::string& message_id) const;  // none for an unknown id
    [[nodiscard]] std::vector<std::string> sent_ids() const;          // in order of sending, repeats included
    [[nodiscard]] std::vector<std::string> multipart_bodies() const;  // raw bodies of POST .../multipart

    // The integrasjonspunkt's error body for `status` at `path`.
    [[nodiscard]] static std::string error_body(int status, std::string_view exception, std::string_view message,
                                                std::string_view path);

private:
    FakeResponse answer(const FakeRequest& request);
    FakeResponse create(const FakeRequest& request);
    FakeResponse upload(const FakeRequest& request, const std::string& id);
    FakeResponse send(const FakeRequest& request, const std::string& id);
    FakeResponse multipart(const FakeRequest& request);
    // Checks and completes an SBD as the integrasjonspunkt does; an error answer, or nullopt when fine.
    std::optional<FakeResponse> prepare(nlohmann::json& sbd, const std::string& path);
    std::optional<FakeResponse> check_sendable(const FakeIpMessage& m, const std::string& path) const;
    FakeIpMessage* find(const std::string& id);
    const FakeIpMessage* find(const std::string& id) const;

    FakeIpOptions options_;
    std::atomic<bool> failing_{false};
    std::atomic<bool> dropping_{false};
    std::atomic<bool> truncating_{false};
    std::atomic<long long> delay_ms_{0};
    mutable std::mutex hold_mutex_;
    std::condition_variable hold_cv_;
    bool holding_ = false;
    std::function<bool(const FakeRequest&)> hold_which_;
    std::size_t held_ = 0;
    mutable std::mutex mutex_;
    std::vector<FakeIpMessage> messages_;
    std::vector<std::string> sent_;
    std::vector<std::string> multipart_bodies_;
    std::optional<nlohmann::json> capabilities_;
    FakeHttpServer server_;  // last: it stops, and its threads end, before the state above goes
};

// Releases a fake's held answers when it goes out of scope. Declared after a thread
// whose request is held, it runs before that thread is joined, on every way out
// of the scope (a failed ASSERT too).
class ReleaseOnExit {
public:
    explicit ReleaseOnExit(FakeIntegrasjonspunkt& ip) : ip_(ip) {}
    ~ReleaseOnExit() { ip_.release(); }
    ReleaseOnExit(const ReleaseOnExit&) = delete;
    ReleaseOnExit& operator=(const ReleaseOnExit&) = delete;
    ReleaseOnExit(ReleaseOnExit&&) = delete;
    ReleaseOnExit& operator=(ReleaseOnExit&&) = delete;

private:
    FakeIntegrasjonspunkt& ip_;
};

}  // namespace preflight::testing
