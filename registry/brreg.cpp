#include "registry/brreg.hpp"

#include "registry/shapes.hpp"

#include <fmt/format.h>

namespace preflight::registry {
namespace {

using json = nlohmann::json;
using namespace shapes;

class BrregSource final : public Source {
public:
    BrregSource(HttpClient& http, std::string base, std::function<std::string()> today)
        : http_(http), base_(std::move(base)), today_(std::move(today)) {}
    [[nodiscard]] std::string name() const override { return "enhetsregisteret"; }
    [[nodiscard]] bool online() const override { return true; }
    [[nodiscard]] bool answers_organisations() const override { return true; }

    Answer<Organisation> organisation(const std::string& orgnr) override {
        auto a = ask("enheter", orgnr);
        if (a.outcome == Outcome::not_found) {
            a = ask("underenheter", orgnr);
            if (a.value) {
                a.value->sub_unit = true;
            }
        }
        return a;
    }

private:
    Answer<Organisation> ask(const char* kind, const std::string& orgnr) {
        HttpRequest req;
        req.url = fmt::format("{}/enhetsregisteret/api/{}/{}", base_, kind, url_encode(orgnr));
        req.headers = {{"Accept", "application/json"}};
        HttpResponse res;
        try {
            res = send_with_retry(http_, req);
        } catch (const HttpError& e) {
            return failed<Organisation>(name(), describe(e));
        }
        if (res.status == 404) {
            return with<Organisation>(Outcome::not_found, name());
        }
        if (res.status != 200 && res.status != 410) {
            return failed<Organisation>(name(), fmt::format("HTTP {}", res.status));
        }
        Organisation org;
        try {
            org = organisation_at(json::parse(res.body), today_(), "");
        } catch (const json::exception&) {
            if (res.status == 410) {  // Gone needs no body to be an answer
                org.orgnr = orgnr;
                org.deleted = true;
                return with<Organisation>(Outcome::removed, name(), org);
            }
            return failed<Organisation>(name(), "the answer is not JSON");
        } catch (const ShapeError& e) {
            return failed<Organisation>(name(), fmt::format("unexpected answer at {}", e.pointer()));
        }
        if (org.orgnr.empty()) {
            org.orgnr = orgnr;
        }
        if (res.status == 410) {
            org.deleted = true;
        }
        return with<Organisation>(org.deleted ? Outcome::removed : Outcome::found, name(), org);
    }

    HttpClient& http_;
    std::string base_;
    std::function<std::string()> today_;
};

}  // namespace

Section enhetsregisteret_section() { return {"enhetsregisteret", {{"url", OptionSpec::Kind::url, ""}}}; }

std::unique_ptr<Source> make_brreg_source(HttpClient& http, std::string base_url, std::function<std::string()> today) {
    return std::make_unique<BrregSource>(http, trim_slash(std::move(base_url)),
                                         today ? std::move(today) : std::function<std::string()>(utc_today));
}

}  // namespace preflight::registry
