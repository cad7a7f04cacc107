// The gate's route table and its plain routes, without a socket: each request is
// read as the connection reads its target, routed (route_of), given to the entry the
// table names (entry_for) and answered by it (answer), its body from a string.
// The refusals made before routing are decided from a request's head alone
// (refusal_before_routing). The proxy's routes are in proxy_routes_test.cpp.
#include "server/routes.hpp"

#include "tests/gate_harness.hpp"
#include "tests/string_body.hpp"

#include "base/error.hpp"
#include "server/request_target.hpp"
#include "validator/catalogue.hpp"
#include "validator/engine.hpp"
#include "validator/manifest.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

namespace preflight::server {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using testing_gate::slurp;
using testing_gate::source;
using testing_gate::StringBody;

struct Answered {
    std::string route;  // the table entry's name
    Response response;
    [[nodiscard]] json body_json() const { return json::parse(response.body); }
    [[nodiscard]] std::string header(const std::string& name) const {
        for (const auto& [k, v] : response.headers) {
            if (k == name) {
                return v;
            }
        }
        return {};
    }
};

class RoutesTest : public ::testing::Test, private testing_gate::SandboxServerFirst {
protected:
    void SetUp() override {
        temp_ = fs::temp_directory_path() / ("routes-test-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(temp_);
    }
    void TearDown() override {
        gate_.reset();
        fs::remove_all(temp_);
    }

    // A gate that is never started: no socket, only what its routes need.
    Gate::Impl& gate(GateSettings settings = {}) {
        if (!gate_) {
            config_ = std::make_unique<Config>(
                Config::load(source("fixtures/e2e/preflight.ini"), app::config_sections(builtin_checks())));
            registries_ = registry::make_registries(*config_, std::string());
            RunSettings run;
            run.directory = registries_.directory.get();
            settings.access_log = false;
            settings.temp_parent = temp_;
            gate_ = std::make_unique<Gate::Impl>(settings, builtin_checks(), *config_, run);
            gate_->prepare();
        }
        return *gate_;
    }

    // `method target` through the table, as the connection routes it.
    Answered call(const std::string& method, const std::string& target, const std::string& body = "",
                  const std::string& content_type = "", bool upstream = false) {
        auto& g = gate();
        TargetReading reading = read_target(target);
        EXPECT_TRUE(reading.target.has_value()) << target;
        const Routing routing = route_of(method, *reading.target, upstream);
        const RouteEntry& entry = entry_for(routing, method, upstream);
        body_ = std::make_unique<StringBody>(g, body);
        Request request;
        request.method = method;
        request.target = target;
        request.canonical = *reading.target;
        request.routing = routing;
        request.content_type = content_type;
        request.body_done = body.empty();
        request.body = body_.get();
        return Answered{std::string(entry.name), answer(g, entry, request)};
    }

    fs::path temp_;
    std::unique_ptr<Config> config_;
    registry::Registries registries_;
    std::unique_ptr<Gate::Impl> gate_;
    std::unique_ptr<StringBody> body_;
};

constexpr Route kAllRoutes[] = {Route::page,        Route::healthz,   Route::metrics,       Route::check_api,
                                Route::explain_api, Route::fix_api,   Route::create,        Route::upload,
                                Route::send,        Route::multipart, Route::message_other, Route::unknown_sub_path,
                                Route::passthrough};

TEST(RouteTable, EveryRouteHasExactlyOneEntry) {
    const auto table = route_table();
    // Every enumerator of Route, up to the last (passthrough), is listed above.
    EXPECT_EQ(std::size(kAllRoutes), static_cast<std::size_t>(Route::passthrough) + 1);
    for (const Route r : kAllRoutes) {
        EXPECT_EQ(std::count_if(table.begin(), table.end(), [r](const RouteEntry& e) { return e.route == r; }), 1)
            << static_cast<int>(r);
    }
    EXPECT_EQ(table.size(), std::size(kAllRoutes));
    for (const auto& e : table) {
        EXPECT_FALSE(e.name.empty());
        // Answered by a plain handler, a checked proxy route or the pass-through: one of them.
        EXPECT_EQ(int{e.handler != nullptr} + int{e.proxy != nullptr} + int{e.stream != nullptr}, 1) << e.name;
        // The checked routes are exactly the proxy's handlers of a request (proxy.cpp).
        EXPECT_EQ(e.checked, e.proxy != nullptr) << e.name;
    }
}

TEST(RouteTable, TheProxyRoutesAreCheckedAndThePassThroughIsTheConnections) {
    const auto routed = [](const std::string& method, const std::string& target, bool upstream) -> const RouteEntry& {
        const TargetReading reading = read_target(target);
        return entry_for(route_of(method, *reading.target, upstream), method, upstream);
    };
    const RouteEntry& create = routed("POST", "/api/messages/out", true);
    EXPECT_EQ(create.name, "proxy-create");
    EXPECT_TRUE(create.proxy == &proxy_create);
    EXPECT_TRUE(create.checked);
    // However it is spelled: the canonical path decides.
    EXPECT_EQ(routed("PUT", "/api//messages/./out/%61bc", true).name, "proxy-upload");
    EXPECT_TRUE(routed("PUT", "/api/messages/out/abc", true).proxy == &proxy_upload);
    EXPECT_TRUE(routed("POST", "/api/messages/out/abc", true).proxy == &proxy_send);
    EXPECT_TRUE(routed("POST", "/api/messages/out/multipart", true).proxy == &proxy_multipart);
    EXPECT_TRUE(routed("POST", "/api/messages/out/multipart", true).checked);
    const RouteEntry& other = routed("GET", "/api/messages/out/abc", true);
    EXPECT_EQ(other.name, "passthrough");
    EXPECT_TRUE(other.stream == &Connection::pass_through);
    EXPECT_FALSE(other.checked);
    EXPECT_TRUE(routed("GET", "/api/statuses", true).stream == &Connection::pass_through);
    // A method health and metrics do not serve goes on as any other path.
    EXPECT_EQ(routed("POST", "/healthz", true).name, "passthrough");
    EXPECT_EQ(routed("DELETE", "/metrics", false).name, "other");
    // Without an upstream nothing is passed on: 404.
    EXPECT_EQ(routed("POST", "/api/messages/out", false).name, "other");
    EXPECT_TRUE(routed("GET", "/api/statuses", false).handler == routed("GET", "/nowhere", false).handler);
    EXPECT_TRUE(routed("GET", "/nowhere", false).stream == nullptr);
    EXPECT_TRUE(routed("POST", "/api/messages/out", false).proxy == nullptr);
}

TEST_F(RoutesTest, HealthzAnswersOk) {
    const auto r = call("GET", "/healthz");
    EXPECT_EQ(r.route, "healthz");
    EXPECT_EQ(r.response.status, 200);
    EXPECT_EQ(r.response.content_type, "application/json");
    EXPECT_EQ(r.body_json().at("status"), "ok");
    EXPECT_TRUE(r.response.keep_alive);
    EXPECT_EQ(call("HEAD", "/healthz/").response.status, 200);  // a trailing slash is the same route
    gate().stop();
    const auto stopping = call("GET", "/healthz");
    EXPECT_EQ(stopping.response.status, 503);
    EXPECT_EQ(stopping.body_json().at("status"), "stopping");
    EXPECT_FALSE(stopping.response.keep_alive);
}

TEST_F(RoutesTest, MetricsAnswersPrometheusText) {
    gate().metrics.request("healthz", 200, 0.001);
    const auto r = call("GET", "/metrics");
    EXPECT_EQ(r.route, "metrics");
    EXPECT_EQ(r.response.status, 200);
    EXPECT_EQ(r.response.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(r.response.body.find("preflight_requests_total{route=\"healthz\",status=\"200\"} 1"), std::string::npos)
        << r.response.body;
    EXPECT_NE(r.response.body.find("# HELP preflight_tracked_messages"), std::string::npos);
}

TEST_F(RoutesTest, ThePageIsTheGatesOwn) {
    const auto r = call("GET", "/");
    EXPECT_EQ(r.route, "page");
    EXPECT_EQ(r.response.status, 200);
    EXPECT_EQ(r.response.content_type, "text/html; charset=utf-8");
    EXPECT_NE(r.header("Content-Security-Policy").find("default-src 'none'"), std::string::npos);
    EXPECT_EQ(r.header("Cache-Control"), "no-store");
    EXPECT_NE(r.response.body.find(catalogue::text("web.check.heading", Lang::nb)), std::string::npos);
}

TEST_F(RoutesTest, CheckAnswersTheJsonReport) {
    const std::string manifest = slurp(source("fixtures/example/ok-post.json"));
    const std::string body = testing_gate::multipart(
        {{"manifest", std::nullopt, "application/json", manifest},
         {"document", "vedtak.pdf", "application/pdf", slurp(source("fixtures/example/vedtak.pdf"))},
         {"document", "klageskjema.pdf", "application/pdf",
          slurp(source("fixtures/example/vedlegg/klageskjema.pdf"))}});
    const auto r = call("POST", "/v1/check", body, "multipart/form-data; boundary=" + testing_gate::kBoundary);
    EXPECT_EQ(r.route, "check");
    ASSERT_EQ(r.response.status, 200) << r.response.body;
    EXPECT_EQ(r.response.content_type, "application/json");
    const auto report = r.body_json();
    EXPECT_EQ(report.at("verdict"), "pass") << r.response.body;
    ASSERT_EQ(report.at("documents").size(), 2U);
    EXPECT_EQ(report.at("documents")[0].at("file"), "vedtak.pdf");
    EXPECT_EQ(r.response.verdict, "pass");
    EXPECT_EQ(body_->reads, 1);
    EXPECT_EQ(body_->slots, 1);
    // The slot went back when the request ended: all of them are free.
    for (std::size_t i = 0; i < gate().settings.max_uploads; ++i) {
        EXPECT_TRUE(gate().uploads.try_acquire()) << i;
    }
    gate().uploads.release(static_cast<std::ptrdiff_t>(gate().settings.max_uploads));
}

TEST_F(RoutesTest, CheckRefusesWhatIsNotMultipartAndAnEmptyManifest) {
    const auto json_body = call("POST", "/v1/check", "{}", "application/json");
    EXPECT_EQ(json_body.response.status, 400);
    EXPECT_EQ(json_body.body_json().at("exception"), "preflight.MalformedRequest");
    EXPECT_EQ(json_body.body_json().at("path"), "/v1/check");
    EXPECT_EQ(body_->reads, 0);  // refused before its body was read
    const auto no_manifest = call("POST", "/v1/check?lang=en",
                                  testing_gate::multipart({{"document", "vedtak.pdf", "application/pdf", "%PDF-1.4"}}),
                                  "multipart/form-data; boundary=" + testing_gate::kBoundary);
    EXPECT_EQ(no_manifest.response.status, 400);
    EXPECT_EQ(no_manifest.body_json().at("message"), catalogue::text("gate.error.no-manifest", Lang::en));
    const auto bad_lang = call("POST", "/v1/check?lang=de", "x", "multipart/form-data; boundary=b");
    EXPECT_EQ(bad_lang.response.status, 400);
    EXPECT_EQ(bad_lang.body_json().at("exception"), "preflight.BadParameter");
}

// POST /v1/fix of one file, as the web page sends it.
std::string one_file(const std::string& name, const std::string& bytes) {
    return testing_gate::multipart({{"document", name, "application/pdf", bytes}});
}

TEST_F(RoutesTest, FixAnswersThePrintReadyCopyUnderANameThatSaysWhatItIs) {
    const std::string slides = slurp(source("fixtures/pdf/slides_demo.pdf"));
    const auto r = call("POST", "/v1/fix", one_file("Møte – lysbilder.pdf", slides),
                        "multipart/form-data; boundary=" + testing_gate::kBoundary);
    EXPECT_EQ(r.route, "fix");
    ASSERT_EQ(r.response.status, 200) << r.response.body;
    EXPECT_EQ(r.response.content_type, "application/pdf");
    EXPECT_EQ(r.response.verdict, "fixed");
    EXPECT_TRUE(r.response.body.starts_with("%PDF-"));
    // The name in the user's language, in UTF-8 for browsers and as ASCII for the rest.
    EXPECT_EQ(r.header("Content-Disposition"),
              "attachment; filename=\"M_te _ lysbilder (utskriftsklar A4).pdf\"; "
              "filename*=UTF-8''M%C3%B8te%20%E2%80%93%20lysbilder%20%28utskriftsklar%20A4%29.pdf");
    EXPECT_EQ(r.header("X-Preflight-Pages"), "3 3");
    EXPECT_EQ(r.header("X-Preflight-Verdict"), "pass");
    EXPECT_NE(r.response.holds, nullptr);  // the copy's share of the memory budget, until written
    // The copy itself: checked again for print, it passes, every page portrait A4.
    const fs::path copy = temp_ / "copy.pdf";
    {
        std::ofstream out(copy, std::ios::binary);
        out << r.response.body;
    }
    RunSettings print;
    print.channel = Channel::print;
    print.channel_given = true;
    const Report again = run_checks(loose_files({copy.string()}), builtin_checks(), *config_, print);
    EXPECT_EQ(again.verdict(), Verdict::pass);
    ASSERT_TRUE(again.post.documents.front().pdf);
    EXPECT_EQ(again.post.documents.front().pdf->pages.size(), 3U);
    // Nothing of the request stays on the gate's disk; its slot went back.
    EXPECT_EQ(std::distance(fs::directory_iterator(gate().temp->path()), fs::directory_iterator()), 0);
    EXPECT_EQ(body_->slots, 1);
    EXPECT_TRUE(gate().uploads.try_acquire());
    gate().uploads.release();

    // Two slides per page, named so, in English.
    const auto two = call("POST", "/v1/fix?two-up=true&lang=en", one_file("slides.pdf", slides),
                          "multipart/form-data; boundary=" + testing_gate::kBoundary);
    ASSERT_EQ(two.response.status, 200) << two.response.body;
    EXPECT_EQ(two.header("X-Preflight-Pages"), "3 2");
    EXPECT_NE(two.header("Content-Disposition").find("filename=\"slides (print-ready A4, two per page).pdf\""),
              std::string::npos)
        << two.header("Content-Disposition");
}

TEST_F(RoutesTest, FixRefusesWhatItCannotRepairWithTheFindingsThatSayWhy) {
    // Encrypted: the findings refuse it, named by the uploaded file, never the gate's path.
    const auto encrypted =
        call("POST", "/v1/fix?lang=en", one_file("hemmelig.pdf", slurp(source("fixtures/pdf/enc_rc4_40.pdf"))),
             "multipart/form-data; boundary=" + testing_gate::kBoundary);
    ASSERT_EQ(encrypted.response.status, 422) << encrypted.response.body;
    const json body = encrypted.body_json();
    EXPECT_EQ(body.at("exception"), "preflight.NotFixable");
    EXPECT_EQ(body.at("path"), "/v1/fix");
    ASSERT_FALSE(body.at("findings").empty()) << body.dump(2);
    EXPECT_EQ(body.at("findings")[0].at("code"), "DP302");
    EXPECT_EQ(body.at("findings")[0].at("document"), "hemmelig.pdf");
    EXPECT_NE(body.at("message").get<std::string>().find("\"hemmelig.pdf\""), std::string::npos) << body.dump(2);
    EXPECT_EQ(encrypted.response.body.find(gate().temp->path().string()), std::string::npos) << encrypted.response.body;
    EXPECT_EQ(encrypted.response.verdict, "not-fixed");
    // Not a PDF at all: refused by the file type.
    const auto text = call("POST", "/v1/fix", one_file("brev.pdf", "Dette er ikke en PDF.\n"),
                           "multipart/form-data; boundary=" + testing_gate::kBoundary);
    ASSERT_EQ(text.response.status, 422) << text.response.body;
    std::vector<std::string> codes;
    const json refused = text.body_json();
    for (const auto& f : refused.at("findings")) {
        codes.push_back(f.at("code").get<std::string>());
    }
    EXPECT_EQ(codes, (std::vector<std::string>{"DP303", "DP401"})) << text.response.body;
    EXPECT_EQ(std::distance(fs::directory_iterator(gate().temp->path()), fs::directory_iterator()), 0);
}

TEST_F(RoutesTest, FixRefusesARequestItCannotReadAsOneFile) {
    const std::string type = "multipart/form-data; boundary=" + testing_gate::kBoundary;
    const std::string pdf = slurp(source("fixtures/pdf/a4_portrait.pdf"));
    const auto not_multipart = call("POST", "/v1/fix", pdf, "application/pdf");
    EXPECT_EQ(not_multipart.response.status, 400);
    EXPECT_EQ(not_multipart.body_json().at("exception"), "preflight.MalformedRequest");
    EXPECT_EQ(body_->reads, 0);  // refused before its body was read
    const auto two = call("POST", "/v1/fix",
                          testing_gate::multipart({{"document", "a.pdf", "application/pdf", pdf},
                                                   {"document", "b.pdf", "application/pdf", pdf}}),
                          type);
    EXPECT_EQ(two.response.status, 400);
    EXPECT_EQ(two.body_json().at("exception"), "preflight.MalformedMultipart");
    EXPECT_EQ(two.body_json().at("message"),
              catalogue::text("gate.error.multipart", Lang::nb, {{"detail", phrase("multipart.fix-one-file")}}));
    const auto field = call("POST", "/v1/fix", testing_gate::multipart({{"two-up", std::nullopt, "", "true"}}), type);
    EXPECT_EQ(field.response.status, 400);
    EXPECT_EQ(field.body_json().at("exception"), "preflight.MalformedMultipart");
    const auto none = call("POST", "/v1/fix", "--" + testing_gate::kBoundary + "--\r\n", type);
    EXPECT_EQ(none.response.status, 400) << none.response.body;
    const auto bad = call("POST", "/v1/fix?two-up=ja", one_file("a.pdf", pdf), type);
    EXPECT_EQ(bad.response.status, 400);
    EXPECT_EQ(bad.body_json().at("exception"), "preflight.BadParameter");
    // Every slot free again.
    for (std::size_t i = 0; i < gate().settings.max_uploads; ++i) {
        EXPECT_TRUE(gate().uploads.try_acquire()) << i;
    }
    gate().uploads.release(static_cast<std::ptrdiff_t>(gate().settings.max_uploads));
}

TEST_F(RoutesTest, AMethodTheRouteDoesNotServeIs405WithAllow) {
    for (const char* target : {"/v1/check", "/v1/explain", "/v1/fix"}) {
        const auto r = call("GET", target);
        EXPECT_EQ(r.response.status, 405) << target;
        EXPECT_EQ(r.header("Allow"), "POST");
        const auto body = r.body_json();
        EXPECT_EQ(body.at("exception"), "preflight.MethodNotAllowed");
        EXPECT_EQ(body.at("message"), catalogue::text("gate.error.method", Lang::nb, {{"allowed", "POST"}}));
        EXPECT_EQ(body.at("path"), target);
        EXPECT_EQ(body_->reads, 0);
    }
    EXPECT_EQ(call("PUT", "/v1/check", "x").response.keep_alive, false);  // its body unread: the connection ends
}

TEST_F(RoutesTest, AnUnknownPathIs404) {
    const auto r = call("GET", "/nowhere/%C3%A6");
    EXPECT_EQ(r.route, "other");
    EXPECT_EQ(r.response.status, 404);
    const auto body = r.body_json();
    EXPECT_EQ(body.at("exception"), "preflight.NotFound");
    EXPECT_EQ(body.at("message"), catalogue::text("gate.error.not-found", Lang::nb, {{"path", "/nowhere/æ"}}));
    EXPECT_EQ(body.at("path"), "/nowhere/æ");
    // Without an upstream the proxy's routes are unknown paths too.
    EXPECT_EQ(call("POST", "/api/messages/out", "{}").response.status, 404);
}

TEST_F(RoutesTest, AnUnknownSubPathOfAMessageIsRefused) {
    const auto r = call("PUT", "/api/messages/out/abc/extra", "x", "application/pdf", true);
    EXPECT_EQ(r.route, "refused");
    EXPECT_EQ(r.response.status, 400);
    EXPECT_EQ(r.body_json().at("exception"), "preflight.UnplaceableRequest");
    EXPECT_EQ(r.response.verdict, "refused");
    EXPECT_FALSE(r.response.keep_alive);
    EXPECT_NE(gate().metrics.render().find("reason=\"unplaceable\""), std::string::npos);
}

TEST_F(RoutesTest, ExplainAnswersTheExplanation) {
    const std::string log =
        "Mottaker: DIGDIR Forsendelsesmåte: DPO Forsendelsesstatus oppdatert: LEVERT\n"
        "Mottaker: DIGDIR Forsendelsesmåte: DPO Forsendelsesstatus oppdatert: LEVETID_UTLOPT\n"
        "signatureJobStatusChange Mislyktes:Kari Nordmann Avvist 18.07.2022 09:14:37,\n";
    const auto r = call("POST", "/v1/explain?lang=en", log, "text/plain; charset=utf-8");
    EXPECT_EQ(r.route, "explain");
    ASSERT_EQ(r.response.status, 200) << r.response.body;
    const auto j = r.body_json();
    ASSERT_EQ(j.at("explanations").size(), 3U);
    EXPECT_EQ(j.at("explanations")[1].at("cause"), "receipt-expired");
    EXPECT_EQ(j.at("explanations")[2].at("title"), "The signing job was rejected");
    EXPECT_EQ(r.response.verdict, "act");
}

TEST_F(RoutesTest, ABodyOverTheRoutesCapIsLeftToTheTransport) {
    GateSettings small;
    small.max_json_bytes = 16;
    gate(small);
    const auto r = call("POST", "/v1/explain", std::string(17, 'x'), "text/plain");
    EXPECT_TRUE(r.response.answered);  // the connection answered 413 itself
    EXPECT_FALSE(r.response.keep_alive);
    EXPECT_TRUE(body_->too_large);
}

// The refusals made before routing, from the request's head alone.
RequestHead head_of(std::string method, std::string target) {
    RequestHead head;
    head.method = std::move(method);
    head.target = std::move(target);
    return head;
}

TEST_F(RoutesTest, AnAmbiguousFramingIsRefusedBeforeRouting) {
    auto& g = gate();
    EXPECT_FALSE(refusal_before_routing(g, head_of("GET", "/healthz")).has_value());
    RequestHead both = head_of("POST", "/api/messages/out");
    both.transfer_encodings = {"chunked"};
    both.content_length_fields = 1;
    both.content_length = 10;
    const auto r = refusal_before_routing(g, both);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->response.status, 400);
    EXPECT_EQ(r->response.content_type, "application/json");
    EXPECT_FALSE(r->response.keep_alive);
    EXPECT_EQ(r->response.verdict, "refused");
    EXPECT_EQ(r->reason, "framing");
    EXPECT_TRUE(r->upload_to.empty());
    const json body = json::parse(r->response.body);
    EXPECT_EQ(body.at("exception"), "preflight.AmbiguousRequest");
    EXPECT_EQ(body.at("message"), catalogue::text("gate.error.framing", Lang::nb,
                                                  {{"detail", "Transfer-Encoding together with Content-Length"}}));
    EXPECT_EQ(body.at("path"), "/api/messages/out");
    const auto detail = [&](const RequestHead& head) {
        const auto refusal = refusal_before_routing(g, head);
        return refusal ? json::parse(refusal->response.body).at("description").get<std::string>() : "none";
    };
    RequestHead twice = head_of("POST", "/v1/check");
    twice.transfer_encodings = {"chunked", "chunked"};
    EXPECT_EQ(detail(twice), catalogue::text("gate.error.framing", Lang::nb, {{"detail", "Transfer-Encoding twice"}}));
    RequestHead gzip = head_of("POST", "/v1/check");
    gzip.transfer_encodings = {"gzip"};
    EXPECT_NE(detail(gzip).find("gzip"), std::string::npos);
    RequestHead old = head_of("POST", "/v1/check");
    old.transfer_encodings = {"chunked"};
    old.version = 10;
    EXPECT_NE(detail(old).find("HTTP/1.0"), std::string::npos);
    RequestHead lengths = head_of("POST", "/v1/check");
    lengths.content_length_fields = 2;
    EXPECT_NE(detail(lengths).find("Content-Length twice"), std::string::npos);
    RequestHead get_body = head_of("GET", "/healthz");
    get_body.content_length_fields = 1;
    get_body.content_length = 1;
    EXPECT_NE(detail(get_body).find("a body with GET"), std::string::npos);
    get_body.content_length = 0;  // an empty one is no body
    EXPECT_EQ(detail(get_body), "none");
}

TEST_F(RoutesTest, AMethodNotServedAndATargetThatCannotBePlacedAreRefusedBeforeRouting) {
    auto& g = gate();
    const auto method = refusal_before_routing(g, head_of("BREW", "/healthz"));
    ASSERT_TRUE(method.has_value());
    EXPECT_EQ(method->reason, "method");
    EXPECT_EQ(json::parse(method->response.body).at("exception"), "preflight.MethodNotServed");
    EXPECT_EQ(method->response.status, 400);
    const auto unplaceable = refusal_before_routing(g, head_of("GET", "/api/messages/out%2fID"));
    ASSERT_TRUE(unplaceable.has_value());
    EXPECT_EQ(unplaceable->reason, "unplaceable");
    const json body = json::parse(unplaceable->response.body);
    EXPECT_EQ(body.at("exception"), "preflight.UnplaceableRequest");
    EXPECT_EQ(body.at("message"), catalogue::text("gate.error.unplaceable", Lang::nb, {{"detail", "encoded-slash"}}));
    EXPECT_EQ(body.at("path"), "/api/messages/out/ID");  // as sent, shown decoded
    EXPECT_FALSE(unplaceable->response.keep_alive);
    // Framing is judged first, whatever the method or target.
    RequestHead both = head_of("BREW", "/api/messages/out%2fID");
    both.transfer_encodings = {"chunked"};
    both.content_length_fields = 1;
    EXPECT_EQ(refusal_before_routing(g, both)->reason, "framing");
}

TEST_F(RoutesTest, ARefusedUploadIsCountedAgainstItsMessage) {
    GateSettings proxied;
    proxied.upstream = "http://127.0.0.1:9";  // never asked: nothing is routed
    auto& g = gate(proxied);
    auto tracked = std::make_shared<TrackedMessage>();
    tracked->message_id = "abc";
    g.messages.put(tracked);
    RequestHead upload = head_of("PUT", "/api/messages/./out/%61bc");
    upload.transfer_encodings = {"chunked"};
    upload.content_length_fields = 1;
    const auto r = refusal_before_routing(g, upload);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->upload_to, "abc");
    EXPECT_EQ(tracked->refused_requests.load(), 0U);  // decided, not yet counted
    count_refusal(g, r->reason, r->upload_to);
    EXPECT_EQ(tracked->refused_requests.load(), 1U);
    EXPECT_NE(g.metrics.render().find("reason=\"framing\""), std::string::npos);
    // Not an upload (a send), or no upstream to upload to: nothing to count against.
    RequestHead send = upload;
    send.method = "POST";
    EXPECT_TRUE(refusal_before_routing(g, send)->upload_to.empty());
    EXPECT_EQ(upload_target(g, "put", "/api/messages/out/abc"), "abc");
    EXPECT_EQ(upload_target(g, "PUT", "/api/messages/out/abc/extra"), "");
    count_refusal(g, "method", "unknown-id");  // a message the gate does not track: counted in /metrics only
    EXPECT_EQ(tracked->refused_requests.load(), 1U);
}

TEST_F(RoutesTest, WithoutAnUpstreamNoRefusalIsCountedAgainstAMessage) {
    RequestHead upload = head_of("PUT", "/api/messages/out/abc");
    upload.transfer_encodings = {"chunked"};
    upload.content_length_fields = 1;
    const auto r = refusal_before_routing(gate(), upload);
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->upload_to.empty());
}

}  // namespace
}  // namespace preflight::server
