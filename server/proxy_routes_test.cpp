// The proxy's checked routes (create, upload, send, multipart) without a client
// socket: each request is read and routed as the connection does it, its body comes
// from a string, its answer goes to strings, and the upstream is a fake
// integrasjonspunkt on 127.0.0.1 that records what reaches it.
#include "server/routes.hpp"

#include "tests/gate_harness.hpp"
#include "tests/string_body.hpp"

#include "server/request_target.hpp"
#include "validator/catalogue.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace preflight::server {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using testing_gate::message_id_of;
using testing_gate::Part;
using testing_gate::sequences;
using testing_gate::slurp;
using testing_gate::source;
using testing_gate::StringBody;

// The client side as strings: the answer written, or the upstream's answer relayed.
class StringClient final : public ClientSide {
public:
    asio::io_context& io() override { return ioc_; }
    bool respond(const Response& response) override {
        ++answers;
        status = response.status;
        content_type = response.content_type;
        body = response.body;
        headers = response.headers;
        return response.keep_alive;
    }
    bool relay(http::response<http::string_body>& answer) override {
        ++answers;
        relayed = true;
        status = static_cast<int>(answer.result_int());
        body = answer.body();
        return true;
    }
    void verdict(std::string_view v) override { verdict_ = std::string(v); }

    [[nodiscard]] json body_json() const { return json::parse(body); }

    int answers = 0;
    int status = 0;
    bool relayed = false;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string verdict_;

private:
    asio::io_context ioc_{1};
};

struct Called {
    std::string route;  // the table entry's name
    bool keep = false;  // what the handler returned
    std::unique_ptr<StringClient> client;
    std::unique_ptr<StringBody> body;
};

class ProxyRoutesTest : public ::testing::Test, private testing_gate::SandboxServerFirst {
protected:
    void SetUp() override {
        temp_ = fs::temp_directory_path() / ("proxy-routes-test-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(temp_);
    }
    void TearDown() override {
        gate_.reset();
        fs::remove_all(temp_);
    }

    // A gate in front of the fake, never started: no socket, only what its routes need.
    Gate::Impl& gate(GateSettings settings = {}) {
        if (!gate_) {
            config_ = std::make_unique<Config>(
                Config::load(source("fixtures/e2e/preflight.ini"), app::config_sections(builtin_checks())));
            registries_ = registry::make_registries(*config_, std::string());
            RunSettings run;
            run.directory = registries_.directory.get();
            settings.access_log = false;
            settings.temp_parent = temp_;
            settings.upstream = ip_.base_url();
            gate_ = std::make_unique<Gate::Impl>(settings, builtin_checks(), *config_, run);
            gate_->prepare();
        }
        return *gate_;
    }

    // `method target` with `headers` and `body`, read and routed as the connection does,
    // answered by the table's proxy handler.
    Called call(const std::string& method, const std::string& target, const std::string& body,
                const std::vector<std::pair<std::string, std::string>>& headers) {
        auto& g = gate();
        TargetReading reading = read_target(target);
        EXPECT_TRUE(reading.target.has_value()) << target;
        const Routing routing = route_of(method, *reading.target, true);
        const RouteEntry& entry = entry_for(routing, method, true);
        Called out;
        out.route = std::string(entry.name);
        if (entry.proxy == nullptr) {
            ADD_FAILURE() << method << " " << target << " is not a checked proxy route: " << entry.name;
            return out;
        }
        http::request<http::empty_body> head{http::string_to_verb(method), target, 11};
        head.set(http::field::host, "127.0.0.1");
        for (const auto& [name, value] : headers) {
            head.insert(name, value);
        }
        head.content_length(body.size());
        out.client = std::make_unique<StringClient>();
        out.body = std::make_unique<StringBody>(g, body);
        Request request;
        request.method = method;
        request.target = target;
        request.canonical = *reading.target;
        request.routing = routing;
        request.content_type = std::string(sv(head[http::field::content_type]));
        request.body_done = body.empty();
        request.body = out.body.get();
        request.head = &head;
        request.content_length = body.size();
        request.forward_target = forward_target(*g.upstream, entry, request.canonical, target);
        out.keep = entry.proxy(g, request, *out.client);
        return out;
    }

    Called create(const std::string& sbd, const std::string& target = "/api/messages/out") {
        return call("POST", target, sbd, {{"Content-Type", "application/json"}});
    }
    Called upload(const std::string& id, const std::string& name, const std::string& filename,
                  const std::string& bytes) {
        return call("PUT", "/api/messages/out/" + id, bytes,
                    {{"Content-Type", "application/pdf"},
                     {"Content-Disposition", "attachment; name=\"" + name + "\"; filename=\"" + filename + "\""}});
    }
    Called send(const std::string& id) { return call("POST", "/api/messages/out/" + id, "", {}); }
    Called multipart(const std::vector<Part>& parts) {
        return call("POST", "/api/messages/out/multipart", testing_gate::multipart(parts),
                    {{"Content-Type", "multipart/form-data; boundary=" + testing_gate::kBoundary}});
    }

    // The parts of a multipart create-and-send of `seq`.
    static std::vector<Part> parts_of(const testing_gate::Sequence& seq) {
        std::vector<Part> parts{{"sbd", std::nullopt, "application/json", seq.sbd}};
        for (const auto& f : seq.files) {
            parts.push_back({f.name, f.filename, f.type, slurp(f.path)});
        }
        return parts;
    }

    testing::FakeIntegrasjonspunkt ip_;
    fs::path temp_;
    std::unique_ptr<Config> config_;
    registry::Registries registries_;
    std::unique_ptr<Gate::Impl> gate_;
};

TEST_F(ProxyRoutesTest, CreateReachesTheUpstreamByItsCanonicalPathAndIsTracked) {
    const auto seq = sequences().front();
    const std::string id = message_id_of(seq.sbd);
    // However the path is spelled, the upstream is sent the canonical one.
    const auto r = create(seq.sbd, "/api//messages/./out");
    EXPECT_EQ(r.route, "proxy-create");
    ASSERT_EQ(r.client->status, 200) << r.client->body;
    EXPECT_TRUE(r.client->relayed);
    EXPECT_EQ(r.client->answers, 1);
    EXPECT_TRUE(r.keep);
    EXPECT_EQ(r.body->reads, 1);
    ASSERT_EQ(ip_.requests().size(), 1U);
    EXPECT_EQ(ip_.requests()[0].method, "POST");
    EXPECT_EQ(ip_.requests()[0].target, "/api/messages/out");
    EXPECT_EQ(ip_.requests()[0].body, seq.sbd);
    EXPECT_TRUE(ip_.message(id).has_value());
    EXPECT_NE(gate().messages.find(id), nullptr);
    EXPECT_FALSE(r.client->verdict_.empty());
}

TEST_F(ProxyRoutesTest, CreateOfAnInvalidSbdIsRefusedAndNeverReachesTheUpstream) {
    const auto r = create("{\"not\": \"an sbd\"}");
    ASSERT_EQ(r.client->status, 400) << r.client->body;
    EXPECT_FALSE(r.client->relayed);
    EXPECT_EQ(r.client->content_type, "application/json");
    const auto body = r.client->body_json();
    EXPECT_EQ(body.at("exception"), "no.preflight.InvalidMessage");
    EXPECT_EQ(body.at("path"), "/api/messages/out");
    EXPECT_EQ(r.client->verdict_, "block");
    EXPECT_TRUE(ip_.requests().empty());
}

TEST_F(ProxyRoutesTest, ABlockedUploadIsRefusedInTheUpstreamsShapeAndNeverReachesIt) {
    const auto seq = sequences().front();  // DPI digital
    const std::string id = message_id_of(seq.sbd);
    ASSERT_EQ(create(seq.sbd).client->status, 200);
    // A document name over 96 characters: blocked at upload.
    const auto r = upload(id, std::string(100, 'n'), "vedtak.pdf", slurp(source("fixtures/example/vedtak.pdf")));
    EXPECT_EQ(r.route, "proxy-upload");
    ASSERT_EQ(r.client->status, 400) << r.client->body;
    EXPECT_FALSE(r.client->relayed);
    EXPECT_TRUE(r.keep);
    const auto body = r.client->body_json();
    // The integrasjonspunkt's error shape, with the findings and their description.
    for (const char* key : {"timestamp", "status", "error", "exception", "message", "path", "description"}) {
        EXPECT_TRUE(body.contains(key)) << key;
    }
    EXPECT_EQ(body.at("status"), 400);
    EXPECT_EQ(body.at("error"), "Bad Request");
    EXPECT_EQ(body.at("exception"), "no.preflight.BlockedByPreflight");
    EXPECT_EQ(body.at("path"), "/api/messages/out/" + id);
    EXPECT_NE(body.at("message").get<std::string>().find("DP101"), std::string::npos) << r.client->body;
    ASSERT_TRUE(body.at("findings").is_array());
    EXPECT_EQ(r.client->verdict_, "block");
    EXPECT_TRUE(ip_.files(id).empty());
    ASSERT_EQ(ip_.requests().size(), 1U);  // the create only
    // Its send is refused too, and never reaches the upstream either.
    const auto s = send(id);
    EXPECT_EQ(s.route, "proxy-send");
    ASSERT_EQ(s.client->status, 400) << s.client->body;
    EXPECT_EQ(s.client->body_json().at("exception"), "no.preflight.BlockedByPreflight");
    EXPECT_NE(s.client->body_json().at("message").get<std::string>().find("DP101"), std::string::npos);
    EXPECT_TRUE(ip_.sent_ids().empty());
    EXPECT_EQ(ip_.requests().size(), 1U);
}

TEST_F(ProxyRoutesTest, APassingUploadAndSendReachTheUpstreamByTheCanonicalPath) {
    const auto seq = sequences().front();
    const std::string id = message_id_of(seq.sbd);
    ASSERT_EQ(create(seq.sbd).client->status, 200);
    const std::string pdf = slurp(source("fixtures/example/vedtak.pdf"));
    // The {id} spelled with an escape and a dot segment: the upstream gets the canonical path.
    std::string spelled = "/api/messages/./out/%" + fmt::format("{:02X}", static_cast<unsigned char>(id[0])) +
                          id.substr(1) + "?title=Vedtak%20om%20studieplass";
    const auto r = call("PUT", spelled, pdf,
                        {{"Content-Type", "application/pdf"},
                         {"Content-Disposition", "attachment; name=\"Vedtak\"; filename=\"vedtak.pdf\""}});
    EXPECT_EQ(r.route, "proxy-upload");
    ASSERT_EQ(r.client->status, 200) << r.client->body;
    EXPECT_TRUE(r.client->relayed);
    ASSERT_EQ(ip_.requests().size(), 2U);
    EXPECT_EQ(ip_.requests()[1].path, "/api/messages/out/" + id);
    EXPECT_EQ(ip_.requests()[1].query, "title=Vedtak%20om%20studieplass");
    const auto files = ip_.files(id);
    ASSERT_EQ(files.size(), 1U);
    EXPECT_EQ(files[0].bytes, pdf);
    EXPECT_EQ(files[0].title, "Vedtak om studieplass");
    // The upload is kept in the message: its send passes and reaches the upstream.
    const auto s = send(id);
    ASSERT_EQ(s.client->status, 200) << s.client->body;
    EXPECT_TRUE(s.client->relayed);
    EXPECT_EQ(ip_.sent_ids(), std::vector<std::string>{id});
    EXPECT_EQ(ip_.requests().back().target, "/api/messages/out/" + id);
    // Sent: a second send is refused without reaching the upstream.
    const auto again = send(id);
    EXPECT_EQ(again.client->status, 400);
    EXPECT_EQ(again.client->body_json().at("exception"), "no.preflight.AlreadySent");
    EXPECT_EQ(ip_.sent_ids().size(), 1U);
}

TEST_F(ProxyRoutesTest, AnUploadOverTheCapIsLeftToTheTransportAndRefusesTheSend) {
    GateSettings small;
    small.max_body_bytes = 256;  // vedtak.pdf is 615 bytes
    gate(small);
    const auto seq = sequences().front();
    const std::string id = message_id_of(seq.sbd);
    ASSERT_EQ(create(seq.sbd).client->status, 200);
    const auto r = upload(id, "Vedtak om studieplass", "vedtak.pdf", slurp(source("fixtures/example/vedtak.pdf")));
    EXPECT_TRUE(r.body->too_large);  // the body source answered 413 itself
    EXPECT_EQ(r.client->answers, 0);
    EXPECT_FALSE(r.keep);
    EXPECT_TRUE(ip_.files(id).empty());
    // The refused upload leaves the letter incomplete: its send is refused, naming the file.
    const auto s = send(id);
    ASSERT_EQ(s.client->status, 400) << s.client->body;
    EXPECT_EQ(s.client->body_json().at("exception"), "no.preflight.IncompleteMessage");
    EXPECT_NE(s.client->body_json().at("message").get<std::string>().find("vedtak.pdf"), std::string::npos)
        << s.client->body;
    EXPECT_TRUE(ip_.sent_ids().empty());
}

TEST_F(ProxyRoutesTest, AnAmbiguousUploadIsRefusedAndCountedAgainstItsMessage) {
    const auto seq = sequences().front();
    const std::string id = message_id_of(seq.sbd);
    ASSERT_EQ(create(seq.sbd).client->status, 200);
    const auto r = call(
        "PUT", "/api/messages/out/" + id + "?title=a&title=b", "%PDF-1.4",
        {{"Content-Type", "application/pdf"}, {"Content-Disposition", "attachment; name=\"a\"; filename=\"a.pdf\""}});
    ASSERT_EQ(r.client->status, 400) << r.client->body;
    EXPECT_EQ(r.client->body_json().at("exception"), "preflight.AmbiguousRequest");
    EXPECT_EQ(r.client->verdict_, "refused");
    EXPECT_FALSE(r.keep);
    EXPECT_EQ(r.body->reads, 0);  // refused before its body was read
    EXPECT_NE(gate().metrics.render().find("reason=\"ambiguous\""), std::string::npos);
    EXPECT_TRUE(ip_.files(id).empty());
    EXPECT_EQ(send(id).client->body_json().at("exception"), "no.preflight.IncompleteMessage");
    EXPECT_TRUE(ip_.sent_ids().empty());
}

TEST_F(ProxyRoutesTest, AnUploadOrSendOfAnUnknownMessageIsRefused) {
    const auto u = upload("unknown-id", "Vedtak", "vedtak.pdf", "%PDF-1.4");
    ASSERT_EQ(u.client->status, 400);
    EXPECT_EQ(u.client->body_json().at("exception"), "no.preflight.UnknownMessage");
    EXPECT_EQ(u.body->reads, 0);
    const auto s = send("unknown-id");
    ASSERT_EQ(s.client->status, 400);
    EXPECT_EQ(s.client->body_json().at("exception"), "no.preflight.UnknownMessage");
    EXPECT_TRUE(ip_.requests().empty());
}

TEST_F(ProxyRoutesTest, MultipartIsCheckedWholeAndForwardedByteIdentical) {
    const auto seq = sequences().front();
    auto parts = parts_of(seq);
    const auto ok = multipart(parts);
    EXPECT_EQ(ok.route, "proxy-multipart");
    ASSERT_EQ(ok.client->status, 200) << ok.client->body;
    EXPECT_TRUE(ok.client->relayed);
    ASSERT_EQ(ip_.multipart_bodies().size(), 1U);
    EXPECT_EQ(ip_.multipart_bodies()[0], testing_gate::multipart(parts));
    EXPECT_EQ(ip_.requests().back().target, "/api/messages/out/multipart");
    // Sent: tracked as such, its uploads refused.
    EXPECT_EQ(upload(message_id_of(seq.sbd), "x", "x.pdf", "%PDF-1.4").client->body_json().at("exception"),
              "no.preflight.AlreadySent");

    // A second copy of the main document under another name: blocked, nothing forwarded.
    json sbd = json::parse(seq.sbd);
    sbd["standardBusinessDocumentHeader"]["documentIdentification"]["instanceIdentifier"] =
        "0d4fbb0c-8d43-4bd3-9a3e-6f3a8d1b2c01";
    parts[0].bytes = sbd.dump();
    parts.push_back({seq.files[0].name, "kopi.pdf", "application/pdf", slurp(seq.files[0].path)});
    const auto blocked = multipart(parts);
    ASSERT_EQ(blocked.client->status, 400) << blocked.client->body;
    EXPECT_EQ(blocked.client->body_json().at("exception"), "no.preflight.BlockedByPreflight");
    EXPECT_EQ(blocked.client->body_json().at("path"), "/api/messages/out/multipart");
    EXPECT_EQ(blocked.client->verdict_, "block");
    EXPECT_EQ(ip_.multipart_bodies().size(), 1U);
}

TEST_F(ProxyRoutesTest, AMultipartBodyOverTheCapIsLeftToTheTransport) {
    GateSettings small;
    small.max_body_bytes = 1024;
    gate(small);
    const auto r = multipart(parts_of(sequences().front()));
    EXPECT_TRUE(r.body->too_large);
    EXPECT_EQ(r.client->answers, 0);
    EXPECT_FALSE(r.keep);
    EXPECT_TRUE(ip_.requests().empty());
}

TEST_F(ProxyRoutesTest, AnUpstreamThatIsDownIsA502AndTheMessageIsNotTracked) {
    const auto seq = sequences().front();
    ip_.stop();
    const auto r = create(seq.sbd);
    ASSERT_EQ(r.client->status, 502) << r.client->body;
    EXPECT_EQ(r.client->body_json().at("exception"), "preflight.UpstreamUnavailable");
    EXPECT_FALSE(r.keep);
    EXPECT_EQ(gate().messages.find(message_id_of(seq.sbd)), nullptr);
}

}  // namespace
}  // namespace preflight::server
