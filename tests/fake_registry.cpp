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
        if (auto caps = fake_capabilities_answer(data, r)) {
            return *caps;
        }
        return {404, R"({"status":404})"};
    }();
    res.delay = options.delay;
    return res;
}

namespace {
std::string query_value(const std::string& query, const std::string& name) {
    std::size_t at = 0;
    while (at <= query.size()) {
        const std::size_t end = std::min(query.find('&', at), query.size());
        const std::string pair = query.substr(at, end - at);
        if (pair.rfind(name + "=", 0) == 0) {
            std::string v = pair.substr(name.size() + 1);
            std::string out;
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (v[i] == '%' && i + 2 < v.size()) {
                    out += static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16));
                    i += 2;
                } else {
                    out += v[i];
                }
            }
            return out;
        }
        at = end + 1;
    }
    return "";
}
}  // namespace

std::optional<FakeResponse> fake_capabilities_answer(const json& data, const FakeRequest& r) {
    const std::string caps = "/api/capabilities/";
    if (r.method != "GET" || r.path.rfind(caps, 0) != 0) {
        return std::nullopt;
    }
    const std::string id = r.path.substr(caps.size());
    const json* c = find_by(data, "capabilities", "identifier", id);
    if (c == nullptr) {
        return FakeResponse{404, R"({"status":404})"};
    }
    // As the service registry answers: only the records of the process asked for,
    // and at security level 4 no DPV record for an organisation
    // (ServiceRecordService.createArkivmeldingServiceRecord).
    const std::string process = query_value(r.query, "process");
    const std::string level = query_value(r.query, "securityLevel");
    json out = json::array();
    bool dropped_dpv = false;
    for (const auto& record : c->at("capabilities")) {
        if (!process.empty() && record.value("process", "") != process) {
            continue;
        }
        if (level == "4" && id.size() == 9 && record.value("serviceIdentifier", "") == "DPV") {
            dropped_dpv = true;
            continue;
        }
        out.push_back(record);
    }
    if (dropped_dpv && out.empty()) {
        // Nothing but Altinn reaches the organisation: the registry throws
        // SecurityLevelNotFoundException and the integrasjonspunkt answers with an error.
        return FakeResponse{
            500, R"({"status":500,"error":"Internal Server Error",)"
                 R"("exception":"no.difi.meldingsutveksling.serviceregistry.SecurityLevelNotFoundException"})"};
    }
    return FakeResponse{200, json{{"capabilities", out}}.dump()};
}

}  // namespace preflight::testing
