#include "registry/krr.hpp"

#include "registry/shapes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>

namespace preflight::registry {
namespace {

using json = nlohmann::json;
using namespace shapes;

class KrrSource final : public Source {
public:
    KrrSource(HttpClient& http, KrrSettings s) : http_(http), s_(std::move(s)) {
        if (s_.batch_size == 0 || s_.batch_size > 1000) {
            s_.batch_size = 1000;
        }
    }
    [[nodiscard]] std::string name() const override { return "krr"; }
    [[nodiscard]] bool online() const override { return true; }
    [[nodiscard]] bool answers_persons() const override { return true; }

    std::vector<Answer<Person>> persons(std::span<const std::string> ids) override {
        std::vector<Answer<Person>> out;
        for (std::size_t start = 0; start < ids.size(); start += s_.batch_size) {
            const auto batch = ids.subspan(start, std::min(s_.batch_size, ids.size() - start));
            auto answers = ask(batch);
            std::move(answers.begin(), answers.end(), std::back_inserter(out));
        }
        return out;
    }

private:
    std::vector<Answer<Person>> all_failed(std::size_t n, const std::string& detail) const {
        return std::vector<Answer<Person>>(n, failed<Person>(name(), detail));
    }

    std::vector<Answer<Person>> ask(std::span<const std::string> batch) {
        HttpRequest req;
        req.method = "POST";
        req.url = s_.base_url + "/rest/v2/personer";
        req.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
        if (s_.token) {
            try {
                req.headers.emplace_back("Authorization", "Bearer " + s_.token());
            } catch (const std::exception& e) {
                return all_failed(batch.size(), fmt::format("no access token: {}", e.what()));
            }
        }
        json body;
        body["personidentifikatorer"] = json::array();
        for (const auto& id : batch) {
            body["personidentifikatorer"].push_back(id);
        }
        req.body = body.dump();
        HttpResponse res;
        try {
            res = send_with_retry(http_, req);
        } catch (const HttpError& e) {
            return all_failed(batch.size(), describe(e));
        }
        if (res.status != 200) {
            return all_failed(batch.size(), fmt::format("HTTP {}", res.status));
        }
        std::map<std::string, Person, std::less<>> by_id;
        try {
            const json doc = json::parse(res.body);
            object_at(doc, "");
            const auto it = doc.find("personer");
            if (it == doc.end() || !it->is_array()) {
                throw ShapeError("/personer", "array");
            }
            for (std::size_t i = 0; i < it->size(); ++i) {
                Person p = person_at((*it)[i], fmt::format("/personer/{}", i));
                by_id[p.id] = p;
            }
        } catch (const json::exception&) {
            return all_failed(batch.size(), "the answer is not JSON");
        } catch (const ShapeError& e) {
            return all_failed(batch.size(), fmt::format("unexpected answer at {}", e.pointer()));
        }
        std::vector<Answer<Person>> out;
        for (const auto& id : batch) {
            const auto it = by_id.find(id);
            out.push_back(it == by_id.end() ? with<Person>(Outcome::not_found, name())
                                            : with<Person>(Outcome::found, name(), it->second));
        }
        return out;
    }

    HttpClient& http_;
    KrrSettings s_;
};

}  // namespace

Section krr_section() {
    return {"krr",
            {{"url", OptionSpec::Kind::url, ""},
             {"token-file", OptionSpec::Kind::text, ""},
             {"token-env", OptionSpec::Kind::text, ""},
             {"batch-size", OptionSpec::Kind::integer, "1000", 1, 1000}}};
}

std::unique_ptr<Source> make_krr_source(HttpClient& http, KrrSettings settings) {
    settings.base_url = trim_slash(settings.base_url);
    return std::make_unique<KrrSource>(http, std::move(settings));
}

}  // namespace preflight::registry
