// The fake integrasjonspunkt over 127.0.0.1: the gate's sequences as the archive
// system sends them, recorded byte for byte, and the real API's error shape.
#include "tests/fake_integrasjonspunkt.hpp"

#include "base/files.hpp"
#include "registry/http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

using namespace preflight;
using namespace preflight::testing;
using json = nlohmann::json;

namespace {

std::string gate_fixture(const std::string& name) {
    return std::string(PREFLIGHT_SOURCE_DIR) + "/fixtures/gate/" + name;
}

std::string read(const std::string& path) {
    const auto text = read_regular_file(path);
    if (!text) {
        throw std::runtime_error("cannot read " + path);
    }
    return *text;
}

registry::HttpResponse call(const FakeIntegrasjonspunkt& ip, const std::string& method, const std::string& target,
                            std::string body = "", std::vector<std::pair<std::string, std::string>> headers = {},
                            long timeout_ms = 5000) {
    registry::HttpSettings settings;
    settings.total_timeout_ms = timeout_ms;
    const auto client = registry::make_curl_client(settings);
    return client->send({method, ip.base_url() + target, std::move(headers), std::move(body)});
}

int connect_to(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        throw std::runtime_error("connect failed");
    }
    return fd;
}

// Sends `request` as it is over a fresh connection and returns all the server said.
std::string raw_exchange(int port, const std::string& request) {
    const int fd = connect_to(port);
    std::size_t sent = 0;
    while (sent < request.size()) {
        const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            break;
        }
        sent += static_cast<std::size_t>(n);
    }
    std::string answer;
    char buf[4096];
    ssize_t n = 0;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
        answer.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return answer;
}

void expect_error_shape(const registry::HttpResponse& r, int status, const std::string& exception,
                        const std::string& path) {
    EXPECT_EQ(r.status, status) << r.body;
    const json j = json::parse(r.body);
    std::vector<std::string> keys;
    for (const auto& [key, value] : j.items()) {
        keys.push_back(key);
    }
    std::sort(keys.begin(), keys.end());
    EXPECT_EQ(keys, (std::vector<std::string>{"error", "exception", "message", "path", "status", "timestamp"}));
    EXPECT_EQ(j.at("status"), status);
    EXPECT_EQ(j.at("exception").get<std::string>().rfind(exception),
              j.at("exception").get<std::string>().size() - exception.size())
        << j.at("exception");
    EXPECT_EQ(j.at("path"), path);
    EXPECT_FALSE(j.at("message").get<std::string>().empty());
    EXPECT_FALSE(j.at("timestamp").get<std::string>().empty());
}

std::string minimal_sbd(const std::string& id, const std::string& type = "digital") {
    json sbd = {
        {"standardBusinessDocumentHeader",
         {{"headerVersion", "1.0"},
          {"receiver", {{{"identifier", {{"authority", "iso6523-actorid-upis"}, {"value", "01818500277"}}}}}},
          {"documentIdentification", {{"type", type}, {"standard", "urn:no:difi:digitalpost:xsd:digital::" + type}}},
          {"businessScope",
           {{"scope",
             {{{"type", "ConversationId"}, {"identifier", "urn:no:difi:profile:digitalpost:vedtak:ver1.0"}}}}}}}},
        {type, {{"hoveddokument", "a.pdf"}, {"tittel", "T"}}}};
    if (!id.empty()) {
        sbd["standardBusinessDocumentHeader"]["documentIdentification"]["instanceIdentifier"] = id;
    }
    return sbd.dump();
}

}  // namespace

TEST(FakeIp, RecordsTheDpiDigitalSequenceByteForByte) {
    FakeIntegrasjonspunkt ip;
    const json sequences = json::parse(read(gate_fixture("sequences.json")));
    const json& seq = sequences.at("sequences").at(0);
    ASSERT_EQ(seq.at("name"), "dpi-digital");
    const std::string sbd = read(gate_fixture(seq.at("sbd").get<std::string>()));
    const std::string id = "922ab206-63d6-4013-92f4-1f954858697d";

    // Create: the SBD comes back, its ids as sent.
    const auto created = call(ip, "POST", "/api/messages/out", sbd, {{"Content-Type", "application/json"}});
    ASSERT_EQ(created.status, 200) << created.body;
    const json echoed = json::parse(created.body);
    EXPECT_EQ(echoed.at("standardBusinessDocumentHeader").at("documentIdentification").at("instanceIdentifier"), id);
    EXPECT_EQ(echoed.at("digital"), json::parse(sbd).at("digital"));

    // Two uploads, then send.
    std::vector<std::string> bodies;
    for (const auto& f : seq.at("files")) {
        bodies.push_back(read(gate_fixture(f.at("path").get<std::string>())));
        const std::string disposition =
            "attachment; name=" + f.at("name").get<std::string>() + "; filename=" + f.at("filename").get<std::string>();
        const auto put =
            call(ip, "PUT", "/api/messages/out/" + id, bodies.back(),
                 {{"Content-Type", f.at("contentType").get<std::string>()}, {"Content-Disposition", disposition}});
        ASSERT_EQ(put.status, 200) << put.body;
        EXPECT_EQ(put.body, "");
    }
    ASSERT_EQ(bodies.size(), 2U);
    const auto sent = call(ip, "POST", "/api/messages/out/" + id);
    ASSERT_EQ(sent.status, 200) << sent.body;

    // Every request, in order, byte for byte.
    const auto requests = ip.requests();
    ASSERT_EQ(requests.size(), 4U);
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].target, "/api/messages/out");
    EXPECT_EQ(requests[0].body, sbd);
    EXPECT_EQ(requests[0].headers.at("content-type"), "application/json");
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(requests[1 + i].method, "PUT");
        EXPECT_EQ(requests[1 + i].target, "/api/messages/out/" + id);
        EXPECT_EQ(requests[1 + i].body, bodies[i]);
        EXPECT_EQ(requests[1 + i].headers.at("content-type"), "application/pdf");
    }
    EXPECT_EQ(requests[1].headers.at("content-disposition"),
              "attachment; name=Vedtak om studieplass; filename=vedtak.pdf");
    EXPECT_EQ(requests[3].method, "POST");
    EXPECT_EQ(requests[3].target, "/api/messages/out/" + id);
    EXPECT_EQ(requests[3].body, "");

    // What it kept.
    const auto messages = ip.messages();
    ASSERT_EQ(messages.size(), 1U);
    EXPECT_EQ(messages[0].message_id, id);
    EXPECT_EQ(messages[0].conversation_id, "34bc2641-58c2-4e1e-854c-ff93127a6595");
    EXPECT_TRUE(messages[0].sent);
    EXPECT_FALSE(messages[0].multipart);
    const auto files = ip.files(id);
    ASSERT_EQ(files.size(), 2U);
    EXPECT_EQ(files[0].title, "Vedtak om studieplass");
    EXPECT_EQ(files[0].filename, "vedtak.pdf");
    EXPECT_EQ(files[0].content_type, "application/pdf");
    EXPECT_EQ(files[0].bytes, bodies[0]);
    EXPECT_EQ(files[1].title, "Klageskjema");
    EXPECT_EQ(files[1].filename, "klageskjema.pdf");
    EXPECT_EQ(files[1].bytes, bodies[1]);
    EXPECT_EQ(ip.sent_ids(), std::vector<std::string>{id});
    EXPECT_TRUE(ip.files("unknown").empty());
    EXPECT_FALSE(ip.message("unknown").has_value());
}

TEST(FakeIp, AnUnknownIdGetsTheErrorShape) {
    FakeIntegrasjonspunkt ip;
    const std::string path = "/api/messages/out/0b1c2d3e-0000-4000-8000-000000000000";
    expect_error_shape(call(ip, "PUT", path, "%PDF-1.4", {{"Content-Disposition", "attachment; filename=a.pdf"}}), 404,
                       "MessageNotFoundException", path);
    expect_error_shape(call(ip, "POST", path), 404, "MessageNotFoundException", path);
    expect_error_shape(call(ip, "GET", path), 404, "MessageNotFoundException", path);
    const json j = json::parse(call(ip, "POST", path).body);
    EXPECT_EQ(j.at("message"), "Message with messageId = 0b1c2d3e-0000-4000-8000-000000000000 was not found");
    EXPECT_EQ(j.at("error"), "Not Found");
    EXPECT_TRUE(ip.messages().empty());
    EXPECT_EQ(ip.requests().size(), 4U);
}

TEST(FakeIp, FillsInWhatTheIntegrasjonspunktFillsIn) {
    FakeIntegrasjonspunkt ip(FakeIpOptions{"910120042"});
    const auto created = call(ip, "POST", "/api/messages/out", minimal_sbd(""));
    ASSERT_EQ(created.status, 200) << created.body;
    const json sbd = json::parse(created.body);
    const auto& header = sbd.at("standardBusinessDocumentHeader");
    const auto id = header.at("documentIdentification").at("instanceIdentifier").get<std::string>();
    EXPECT_EQ(id.size(), 36U);
    EXPECT_FALSE(header.at("documentIdentification").at("creationDateAndTime").get<std::string>().empty());
    EXPECT_EQ(header.at("businessScope").at("scope").at(0).at("instanceIdentifier").get<std::string>().size(), 36U);
    EXPECT_EQ(header.at("sender").at(0).at("identifier").at("value"), "0192:910120042");
    ASSERT_TRUE(ip.message(id).has_value());
    EXPECT_EQ(ip.message(id)->sbd, sbd);
    EXPECT_EQ(call(ip, "GET", "/api/messages/out/" + id).body, created.body);

    // The same messageId twice is refused; so is what is not an SBD.
    expect_error_shape(call(ip, "POST", "/api/messages/out", sbd.dump()), 400, "MessageAlreadyExistsException",
                       "/api/messages/out");
    expect_error_shape(call(ip, "POST", "/api/messages/out", "{\"standardBusinessDocumentHeader\": "), 400,
                       "HttpMessageNotReadableException", "/api/messages/out");
    expect_error_shape(call(ip, "POST", "/api/messages/out", "{}"), 400, "MethodArgumentNotValidException",
                       "/api/messages/out");
    EXPECT_EQ(ip.messages().size(), 1U);
}

TEST(FakeIp, UploadsKeepTitleFileNameAndType) {
    FakeIntegrasjonspunkt ip;
    const std::string id = "11111111-2222-4333-8444-555555555555";
    ASSERT_EQ(call(ip, "POST", "/api/messages/out", minimal_sbd(id)).status, 200);
    const std::string path = "/api/messages/out/" + id;
    // ?title= wins over the name; quoted values; filename* (RFC 5987) over filename.
    EXPECT_EQ(call(ip, "PUT", path + "?title=Vedtak%20om%20studieplass", "one",
                   {{"Content-Type", "application/pdf"},
                    {"Content-Disposition", "attachment; name=\"Annet; navn\"; filename=\"a.pdf\""}})
                  .status,
              200);
    EXPECT_EQ(call(ip, "PUT", path, "two",
                   {{"Content-Type", "application/octet-stream"},
                    {"Content-Disposition",
                     "attachment; name=Klageskjema; filename=\"klage.pdf\"; filename*=UTF-8''s%C3%B8knad.pdf"}})
                  .status,
              200);
    // A file name twice, or no Content-Disposition: refused, nothing kept.
    expect_error_shape(
        call(ip, "PUT", path, "three",
             {{"Content-Type", "application/pdf"}, {"Content-Disposition", "attachment; filename=a.pdf"}}),
        400, "DuplicateFilenameException", path);
    expect_error_shape(call(ip, "PUT", path, "four", {{"Content-Type", "application/pdf"}}), 400,
                       "MissingHttpHeaderException", path);
    const auto files = ip.files(id);
    ASSERT_EQ(files.size(), 2U);
    EXPECT_EQ(files[0].title, "Vedtak om studieplass");
    EXPECT_EQ(files[0].filename, "a.pdf");
    EXPECT_EQ(files[0].content_disposition, "attachment; name=\"Annet; navn\"; filename=\"a.pdf\"");
    EXPECT_EQ(files[0].bytes, "one");
    EXPECT_EQ(files[1].title, "Klageskjema");
    EXPECT_EQ(files[1].filename, "s\xC3\xB8knad.pdf");
    EXPECT_EQ(files[1].content_type, "application/octet-stream");
}

TEST(FakeIp, SendingNeedsTheMainDocument) {
    FakeIntegrasjonspunkt ip;
    const std::string id = "22222222-2222-4333-8444-555555555555";
    const std::string path = "/api/messages/out/" + id;
    ASSERT_EQ(call(ip, "POST", "/api/messages/out", minimal_sbd(id)).status, 200);
    expect_error_shape(call(ip, "POST", path), 400, "MissingFileException", path);
    ASSERT_EQ(call(ip, "PUT", path, "x",
                   {{"Content-Type", "application/pdf"}, {"Content-Disposition", "attachment; name=B; filename=b.pdf"}})
                  .status,
              200);
    expect_error_shape(call(ip, "POST", path), 400, "MissingPrimaryDocumentException", path);
    EXPECT_TRUE(ip.sent_ids().empty());
    ASSERT_EQ(call(ip, "PUT", path, "y",
                   {{"Content-Type", "application/pdf"}, {"Content-Disposition", "attachment; name=A; filename=a.pdf"}})
                  .status,
              200);
    EXPECT_EQ(call(ip, "POST", path).status, 200);
    EXPECT_EQ(ip.sent_ids(), std::vector<std::string>{id});
    EXPECT_TRUE(ip.message(id)->sent);
}

TEST(FakeIp, MultipartCreatesUploadsAndSends) {
    FakeIntegrasjonspunkt ip;
    const std::string id = "33333333-2222-4333-8444-555555555555";
    const std::string pdf = read(gate_fixture("../example/vedtak.pdf"));
    const std::string boundary = "----preflight-test-boundary";
    std::string body;
    body +=
        "--" + boundary + "\r\nContent-Disposition: form-data; name=\"sbd\"\r\nContent-Type: application/json\r\n\r\n";
    body += minimal_sbd(id) + "\r\n";
    body += "--" + boundary +
            "\r\nContent-Disposition: form-data; name=\"Vedtak om studieplass\"; filename=\"a.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n";
    body += pdf + "\r\n--" + boundary + "--\r\n";
    const auto r = call(ip, "POST", "/api/messages/out/multipart", body,
                        {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(
        json::parse(r.body).at("standardBusinessDocumentHeader").at("documentIdentification").at("instanceIdentifier"),
        id);
    EXPECT_EQ(ip.multipart_bodies(), std::vector<std::string>{body});
    const auto m = ip.message(id);
    ASSERT_TRUE(m.has_value());
    EXPECT_TRUE(m->multipart);
    EXPECT_TRUE(m->sent);
    ASSERT_EQ(m->files.size(), 1U);
    EXPECT_EQ(m->files[0].title, "Vedtak om studieplass");
    EXPECT_EQ(m->files[0].filename, "a.pdf");
    EXPECT_EQ(m->files[0].content_type, "application/pdf");
    EXPECT_EQ(m->files[0].bytes, pdf);
    EXPECT_EQ(ip.sent_ids(), std::vector<std::string>{id});

    // Without its sbd part: refused, but recorded.
    const std::string bare = "--" + boundary + "--\r\n";
    expect_error_shape(call(ip, "POST", "/api/messages/out/multipart", bare,
                            {{"Content-Type", "multipart/form-data; boundary=" + boundary}}),
                       400, "MissingServletRequestPartException", "/api/messages/out/multipart");
    EXPECT_EQ(ip.multipart_bodies().size(), 2U);
}

TEST(FakeIp, AnythingElseGetsARecognisableAnswer) {
    FakeIntegrasjonspunkt ip;
    const auto r = call(ip, "GET", "/api/statuses?messageId=abc");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(json::parse(r.body),
              (json{{"fake", "integrasjonspunkt"}, {"method", "GET"}, {"target", "/api/statuses?messageId=abc"}}));
    // Every answer carries a header of its own; void answers have neither body nor type.
    const std::string raw = raw_exchange(ip.port(), "GET /api/conversations HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(raw.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << raw;
    EXPECT_NE(raw.find("\r\nX-Fake-Integrasjonspunkt: 1\r\n"), std::string::npos) << raw;
    const std::string id = "44444444-2222-4333-8444-555555555555";
    const std::string sbd = minimal_sbd(id);
    ASSERT_EQ(call(ip, "POST", "/api/messages/out", sbd).status, 200);
    const std::string put = raw_exchange(ip.port(), "PUT /api/messages/out/" + id +
                                                        " HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\n"
                                                        "Content-Disposition: attachment; name=A; filename=a.pdf\r\n"
                                                        "Content-Length: 3\r\n\r\nabc");
    EXPECT_EQ(put.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << put;
    EXPECT_EQ(put.find("Content-Type"), std::string::npos) << put;
    EXPECT_NE(put.find("Content-Length: 0\r\n"), std::string::npos) << put;
}

TEST(FakeIp, ChunkedAndExpectContinueBodiesArriveWhole) {
    FakeIntegrasjonspunkt ip;
    const std::string id = "55555555-2222-4333-8444-555555555555";
    ASSERT_EQ(call(ip, "POST", "/api/messages/out", minimal_sbd(id)).status, 200);
    const std::string head = "PUT /api/messages/out/" + id +
                             " HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\n"
                             "Content-Disposition: attachment; name=A; filename=a.pdf\r\n";
    const std::string chunked = raw_exchange(
        ip.port(), head + "Transfer-Encoding: chunked\r\n\r\n4;x=y\r\n%PDF\r\n3\r\n-1.\r\n0\r\nX-T: 1\r\n\r\n");
    EXPECT_EQ(chunked.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << chunked;
    ASSERT_EQ(ip.files(id).size(), 1U);
    EXPECT_EQ(ip.files(id)[0].bytes, "%PDF-1.");

    // A client that waits for "100 Continue" before it sends its body.
    const int fd = connect_to(ip.port());
    const std::string expect = "PUT /api/messages/out/" + id +
                               " HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\n"
                               "Content-Disposition: attachment; name=B; filename=b.pdf\r\n"
                               "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n";
    ASSERT_EQ(::send(fd, expect.data(), expect.size(), MSG_NOSIGNAL), static_cast<ssize_t>(expect.size()));
    std::string interim;
    char buf[256];
    while (interim.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        ASSERT_GT(n, 0);
        interim.append(buf, static_cast<std::size_t>(n));
    }
    EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
    ASSERT_EQ(::send(fd, "hello", 5, MSG_NOSIGNAL), 5);
    std::string final_answer;
    ssize_t n = 0;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
        final_answer.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    EXPECT_EQ(final_answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << final_answer;
    ASSERT_EQ(ip.files(id).size(), 2U);
    EXPECT_EQ(ip.files(id)[1].bytes, "hello");
}

TEST(FakeIp, CanBeBrokenSlowAndDown) {
    FakeIntegrasjonspunkt ip;
    ip.set_failing(true);
    expect_error_shape(call(ip, "POST", "/api/messages/out", minimal_sbd("")), 500, "IllegalStateException",
                       "/api/messages/out");
    EXPECT_TRUE(ip.messages().empty());
    ip.set_failing(false);

    ip.set_dropping(true);
    EXPECT_THROW(call(ip, "GET", "/api/statuses"), registry::HttpError);
    ip.set_dropping(false);

    ip.set_delay(std::chrono::milliseconds(400));
    try {
        call(ip, "GET", "/api/statuses", "", {}, 100);
        ADD_FAILURE() << "no timeout";
    } catch (const registry::HttpError& e) {
        EXPECT_EQ(e.kind(), registry::HttpError::Kind::timeout);
    }
    ip.set_delay(std::chrono::milliseconds(0));
    EXPECT_EQ(call(ip, "GET", "/api/statuses").status, 200);
    EXPECT_EQ(ip.requests().size(), 4U);  // recorded all the same

    ip.stop();
    try {
        call(ip, "GET", "/api/statuses");
        ADD_FAILURE() << "still up";
    } catch (const registry::HttpError& e) {
        EXPECT_EQ(e.kind(), registry::HttpError::Kind::connect);
    }
}
