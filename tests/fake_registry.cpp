#include "tests/fake_registry.hpp"

namespace preflight::testing {
namespace {

using json = nlohmann::json;

const json* find_by(const json& data, const char* list, const char* key, const std::string& value) {
    if (!data.contains(list)) {
        return nullptr;
    }
    for (const auto& e : data.at(list)) {
        if (e.contains(key) && e.at(key) == value) {
            return &e;
        }
    }
    return nullptr;
}

}  // namespace

FakeResponse fake_registry_answer(const json& data, const FakeRegistryOptions& options, const FakeRequest& r) {
    FakeResponse res = [&]() -> FakeResponse {
        if (r.method == "POST" && r.path == "/rest/v2/personer") {
            if (!options.token.empty()) {
                const auto it = r.headers.find("authorization");
                if (it == r.headers.end() || it->second != "Bearer " + options.token) {
                    return {401, R"({"error":"unauthorized"})"};
                }
            }
            const json body = json::parse(r.body, nullptr, false);
            if (!body.is_object() || !body.contains("personidentifikatorer") ||
                !body.at("personidentifikatorer").is_array() || body.at("personidentifikatorer").empty() ||
                body.at("personidentifikatorer").size() > 1000) {
                return {400, R"({"error":"bad request"})"};
            }
            json out{{"personer", json::array()}};
            for (const auto& id : body.at("personidentifikatorer")) {
                if (const json* p = find_by(data, "persons", "personidentifikator", id.get<std::string>())) {
                    out["personer"].push_back(*p);
                }
            }
            return {200, out.dump()};
        }
        const std::string enheter = "/enhetsregisteret/api/enheter/";
        if (r.method == "GET" && r.path.rfind(enheter, 0) == 0) {
            const json* o = find_by(data, "organisations", "organisasjonsnummer", r.path.substr(enheter.size()));
            if (o == nullptr) {
                return {404, R"({"status":404,"error":"Not Found"})"};
            }
            return {o->value("gone", false) ? 410 : 200, o->dump()};
        }
        const std::string caps = "/api/capabilities/";
        if (r.method == "GET" && r.path.rfind(caps, 0) == 0) {
            const json* c = find_by(data, "capabilities", "identifier", r.path.substr(caps.size()));
            if (c == nullptr) {
                return {404, R"({"status":404})"};
            }
            return {200, json{{"capabilities", c->at("capabilities")}}.dump()};
        }
        return {404, R"({"status":404})"};
    }();
    res.delay = options.delay;
    return res;
}

}  // namespace preflight::testing
