#include "registry/capabilities.hpp"

#include "registry/shapes.hpp"

#include <fmt/format.h>

namespace preflight::registry {
namespace {

using json = nlohmann::json;
using namespace shapes;

class CapabilitiesSource final : public Source {
public:
    CapabilitiesSource(HttpClient& http, std::string base) : http_(http), base_(std::move(base)) {}
    [[nodiscard]] std::string name() const override { return "capabilities"; }
    [[nodiscard]] bool online() const override { return true; }
    [[nodiscard]] bool answers_capabilities() const override { return true; }

    Answer<Capabilities> capabilities(const std::string& id, const CapabilityQuery& query) override {
        auto answer = ask(id, query);
        if (answer.outcome == Outcome::failed && query.security_level && *query.security_level >= 4) {
            // The registry throws SecurityLevelNotFoundException for an organisation it
            // can reach only below the level (Altinn, or SvarUt at a lower level), and the
            // integrasjonspunkt answers that with an error. Asked again without the level,
            // an answer means the level is what it refuses (DP507), not a broken source.
            CapabilityQuery without = query;
            without.security_level.reset();
            auto again = ask(id, without);
            if (again.outcome == Outcome::found) {
                again.refused_level = query.security_level;
                return again;
            }
        }
        return answer;
    }

private:
    Answer<Capabilities> ask(const std::string& id, const CapabilityQuery& query) {
        HttpRequest req;
        req.url = fmt::format("{}/api/capabilities/{}", base_, url_encode(id));
        char sep = '?';
        if (!query.process.empty()) {
            req.url += fmt::format("{}process={}", sep, url_encode(query.process));
            sep = '&';
        }
        if (query.security_level) {
            req.url += fmt::format("{}securityLevel={}", sep, *query.security_level);
        }
        req.headers = {{"Accept", "application/json"}};
        HttpResponse res;
        try {
            res = send_with_retry(http_, req);
        } catch (const HttpError& e) {
            return failed<Capabilities>(name(), describe(e));
        }
        if (res.status == 404) {
            return with<Capabilities>(Outcome::not_found, name());
        }
        if (res.status != 200) {
            return failed<Capabilities>(name(), fmt::format("HTTP {}", res.status));
        }
        try {
            return with<Capabilities>(Outcome::found, name(), capabilities_at(json::parse(res.body), ""));
        } catch (const json::exception&) {
            return failed<Capabilities>(name(), "the answer is not JSON");
        } catch (const ShapeError& e) {
            return failed<Capabilities>(name(), fmt::format("unexpected answer at {}", e.pointer()));
        }
    }

    HttpClient& http_;
    std::string base_;
};

}  // namespace

Section capabilities_section() { return {"capabilities", {{"url", OptionSpec::Kind::url, ""}}}; }

std::unique_ptr<Source> make_capabilities_source(HttpClient& http, std::string base_url) {
    return std::make_unique<CapabilitiesSource>(http, trim_slash(std::move(base_url)));
}

}  // namespace preflight::registry
