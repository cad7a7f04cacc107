#include "registry/sources.hpp"

#include "base/error.hpp"
#include "base/files.hpp"
#include "validator/manifest.hpp"

#include <fmt/format.h>

#include <atomic>
#include <ctime>
#include <set>
#include <stdexcept>
#include <thread>

namespace preflight::registry {
namespace {

using json = nlohmann::json;

// A value of the wrong shape: where (a JSON pointer below the parsed value) and what was expected.
class ShapeError : public std::invalid_argument {
public:
    ShapeError(std::string pointer, std::string expected)
        : std::invalid_argument(pointer + ": expected " + expected),
          pointer_(std::move(pointer)),
          expected_(std::move(expected)) {}
    [[nodiscard]] const std::string& pointer() const { return pointer_; }
    [[nodiscard]] const std::string& expected() const { return expected_; }

private:
    std::string pointer_;
    std::string expected_;
};

const json& object_at(const json& j, const std::string& pointer) {
    if (!j.is_object()) {
        throw ShapeError(pointer, "object");
    }
    return j;
}

// An optional string member; empty when absent or null.
std::string text_member(const json& j, const char* key, const std::string& pointer) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        return {};
    }
    if (!it->is_string()) {
        throw ShapeError(pointer + "/" + key, "string");
    }
    return it->get<std::string>();
}

bool bool_member(const json& j, const char* key, const std::string& pointer) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        return false;
    }
    if (!it->is_boolean()) {
        throw ShapeError(pointer + "/" + key, "true/false");
    }
    return it->get<bool>();
}

std::optional<bool> choice_member(const json& j, const char* key, const char* yes, const char* no,
                                  const std::string& pointer) {
    const std::string v = text_member(j, key, pointer);
    if (v.empty()) {
        return std::nullopt;
    }
    if (v == yes) {
        return true;
    }
    if (v == no) {
        return false;
    }
    throw ShapeError(pointer + "/" + key, fmt::format("\"{}\" or \"{}\"", yes, no));
}

Person person_at(const json& entry, const std::string& p) {
    object_at(entry, p);
    Person person;
    person.id = text_member(entry, "personidentifikator", p);
    if (person.id.empty()) {
        throw ShapeError(p + "/personidentifikator", "string");
    }
    person.status = text_member(entry, "status", p);
    person.reserved = choice_member(entry, "reservasjon", "JA", "NEI", p);
    person.notifiable = choice_member(entry, "varslingsstatus", "KAN_VARSLES", "KAN_IKKE_VARSLES", p);
    if (const auto it = entry.find("kontaktinformasjon"); it != entry.end() && !it->is_null()) {
        const std::string cp = p + "/kontaktinformasjon";
        object_at(*it, cp);
        person.email = text_member(*it, "epostadresse", cp);
        person.mobile = text_member(*it, "mobiltelefonnummer", cp);
    }
    if (const auto it = entry.find("digital_post"); it != entry.end() && !it->is_null()) {
        const std::string dp = p + "/digital_post";
        object_at(*it, dp);
        person.mailbox_address = text_member(*it, "postkasseadresse", dp);
        person.mailbox_provider = text_member(*it, "postkasseleverandoeradresse", dp);
        person.digital_post = true;
    }
    person.certificate = !text_member(entry, "sertifikat", p).empty();
    return person;
}

Organisation organisation_at(const json& body, const std::string& today, const std::string& p) {
    object_at(body, p);
    Organisation org;
    org.orgnr = text_member(body, "organisasjonsnummer", p);
    org.name = text_member(body, "navn", p);
    org.deleted_date = text_member(body, "slettedato", p);
    org.deleted = !org.deleted_date.empty() && org.deleted_date <= today;
    org.bankrupt = bool_member(body, "konkurs", p);
    org.winding_up = bool_member(body, "underAvvikling", p);
    org.forced_dissolution = bool_member(body, "underTvangsavviklingEllerTvangsopplosning", p);
    return org;
}

Capabilities capabilities_at(const json& body, const std::string& p) {
    object_at(body, p);
    const auto it = body.find("capabilities");
    if (it == body.end() || !it->is_array()) {
        throw ShapeError(p + "/capabilities", "array");
    }
    Capabilities caps;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const std::string cp = fmt::format("{}/capabilities/{}", p, i);
        const json& c = object_at((*it)[i], cp);
        Capability cap;
        cap.process = text_member(c, "process", cp);
        cap.service = text_member(c, "serviceIdentifier", cp);
        if (const auto dt = c.find("documentTypes"); dt != c.end() && !dt->is_null()) {
            if (!dt->is_array()) {
                throw ShapeError(cp + "/documentTypes", "array");
            }
            for (std::size_t k = 0; k < dt->size(); ++k) {
                const std::string tp = fmt::format("{}/documentTypes/{}", cp, k);
                cap.document_types.push_back(text_member(object_at((*dt)[k], tp), "type", tp));
            }
        }
        caps.push_back(std::move(cap));
    }
    return caps;
}

template <typename T>
Answer<T> failed(const std::string& source, const std::string& detail) {
    Answer<T> a;
    a.outcome = Outcome::failed;
    a.source = source;
    a.detail = detail;
    return a;
}

template <typename T>
Answer<T> with(Outcome outcome, const std::string& source, std::optional<T> value = std::nullopt) {
    Answer<T> a;
    a.outcome = outcome;
    a.source = source;
    a.value = std::move(value);
    return a;
}

// Why a request failed, in words without URLs (they can hold a fødselsnummer).
std::string describe(const HttpError& e) {
    switch (e.kind()) {
        case HttpError::Kind::timeout:
            return "no answer in time";
        case HttpError::Kind::connect:
            return "connection refused or host not found";
        case HttpError::Kind::too_large:
            return "answer too large";
        case HttpError::Kind::other:
            break;
    }
    return "transport error";
}

// ---- offline: the organisation's export, and the built-in training recipients ----

class FileSource final : public Source {
public:
    FileSource(std::string name, const json& doc, const std::string& today) : name_(std::move(name)) {
        object_at(doc, "");
        if (const auto it = doc.find("persons"); it != doc.end()) {
            if (!it->is_array()) {
                throw ShapeError("/persons", "array");
            }
            for (std::size_t i = 0; i < it->size(); ++i) {
                Person p = person_at((*it)[i], fmt::format("/persons/{}", i));
                persons_[p.id] = p;
            }
        }
        if (const auto it = doc.find("organisations"); it != doc.end()) {
            if (!it->is_array()) {
                throw ShapeError("/organisations", "array");
            }
            for (std::size_t i = 0; i < it->size(); ++i) {
                const std::string p = fmt::format("/organisations/{}", i);
                Organisation o = organisation_at((*it)[i], today, p);
                if (o.orgnr.empty()) {
                    throw ShapeError(p + "/organisasjonsnummer", "string");
                }
                orgs_[o.orgnr] = o;
            }
        }
        if (const auto it = doc.find("capabilities"); it != doc.end()) {
            if (!it->is_array()) {
                throw ShapeError("/capabilities", "array");
            }
            for (std::size_t i = 0; i < it->size(); ++i) {
                const std::string p = fmt::format("/capabilities/{}", i);
                const json& entry = object_at((*it)[i], p);
                const std::string id = text_member(entry, "identifier", p);
                if (id.empty()) {
                    throw ShapeError(p + "/identifier", "string");
                }
                caps_[id] = capabilities_at(entry, p);
            }
        }
    }
    [[nodiscard]] std::string name() const override { return name_; }
    [[nodiscard]] bool answers_persons() const override { return true; }
    [[nodiscard]] bool answers_organisations() const override { return true; }
    [[nodiscard]] bool answers_capabilities() const override { return true; }

    std::vector<Answer<Person>> persons(std::span<const std::string> ids) override {
        std::vector<Answer<Person>> out;
        for (const auto& id : ids) {
            const auto it = persons_.find(id);
            out.push_back(it == persons_.end() ? with<Person>(Outcome::unknown, name_)
                                               : with<Person>(Outcome::found, name_, it->second));
        }
        return out;
    }
    Answer<Organisation> organisation(const std::string& orgnr) override {
        const auto it = orgs_.find(orgnr);
        if (it == orgs_.end()) {
            return with<Organisation>(Outcome::unknown, name_);
        }
        return with<Organisation>(it->second.deleted ? Outcome::removed : Outcome::found, name_, it->second);
    }
    Answer<Capabilities> capabilities(const std::string& id, const CapabilityQuery& /*query*/) override {
        // The file lists every record; the route prediction picks the process.
        const auto it = caps_.find(id);
        return it == caps_.end() ? with<Capabilities>(Outcome::unknown, name_)
                                 : with<Capabilities>(Outcome::found, name_, it->second);
    }

private:
    std::string name_;
    std::map<std::string, Person, std::less<>> persons_;
    std::map<std::string, Organisation, std::less<>> orgs_;
    std::map<std::string, Capabilities, std::less<>> caps_;
};

// The training environment (kursmiljø) as the runbook describes it, in the
// registry file's format. Testperson has no mailbox and cannot be notified: a
// vedtak gets a print record; info gets the print record and a DPV record
// (DpiMessageRouter's DPV target).
constexpr const char* kTrainingRecipients = R"({
  "persons": [
    {"personidentifikator": "29129319060", "status": "AKTIV", "reservasjon": "NEI",
     "varslingsstatus": "KAN_IKKE_VARSLES", "kontaktinformasjon": {}}
  ],
  "organisations": [
    {"organisasjonsnummer": "987464291", "navn": "DIGITALISERINGSDIREKTORATET",
     "konkurs": false, "underAvvikling": false}
  ],
  "capabilities": [
    {"identifier": "987464291", "capabilities": [
      {"process": "urn:no:difi:profile:arkivmelding:administrasjon:ver1.0", "serviceIdentifier": "DPO",
       "documentTypes": [{"type": "arkivmelding", "standard": "urn:no:difi:arkivmelding:xsd::arkivmelding"}]}]},
    {"identifier": "29129319060", "capabilities": [
      {"process": "urn:no:difi:profile:digitalpost:vedtak:ver1.0", "serviceIdentifier": "DPI",
       "documentTypes": [{"type": "print", "standard": "urn:fdc:digdir.no:2020:standard:print"}]},
      {"process": "urn:no:difi:profile:digitalpost:info:ver1.0", "serviceIdentifier": "DPI",
       "documentTypes": [{"type": "print", "standard": "urn:fdc:digdir.no:2020:standard:print"}]},
      {"process": "urn:no:difi:profile:digitalpost:info:ver1.0", "serviceIdentifier": "DPV",
       "documentTypes": [{"type": "digital_dpv", "standard": "urn:no:difi:digitalpost:xsd:digital::digital_dpv"}]}]}
  ]
})";

// ---- online ----

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

std::string trim_slash(std::string url) {
    while (!url.empty() && url.back() == '/') {
        url.pop_back();
    }
    return url;
}

}  // namespace

std::vector<Answer<Person>> Source::persons(std::span<const std::string> ids) {
    return std::vector<Answer<Person>>(ids.size(), with<Person>(Outcome::unknown, name()));
}
Answer<Organisation> Source::organisation(const std::string& /*orgnr*/) {
    return with<Organisation>(Outcome::unknown, name());
}
std::string CapabilityQuery::key() const {
    return security_level ? fmt::format("{}|{}", process, *security_level) : process + "|";
}

Answer<Capabilities> Source::capabilities(const std::string& /*id*/, const CapabilityQuery& /*query*/) {
    return with<Capabilities>(Outcome::unknown, name());
}

Person person_from_krr(const json& entry) { return person_at(entry, ""); }
Organisation organisation_from_brreg(const json& body, const std::string& today) {
    return organisation_at(body, today, "");
}
Capabilities capabilities_from_json(const json& body) { return capabilities_at(body, ""); }

std::string utc_today() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::unique_ptr<Source> make_builtin_source() {
    return std::make_unique<FileSource>("builtin", json::parse(kTrainingRecipients), utc_today());
}

std::unique_ptr<Source> load_file_source(const std::filesystem::path& file) {
    const std::string shown = file.string();
    const auto text = read_regular_file(file);
    if (!text) {
        throw UsageError("error.registry-file.unreadable", {{"file", shown}});
    }
    json doc;
    try {
        doc = parse_json(*text);
    } catch (const JsonSyntaxError& e) {
        const auto at = position_of(*text, e.offset);
        throw UsageError("error.registry-file.syntax",
                         {{"file", shown}, {"line", std::to_string(at.line)}, {"column", std::to_string(at.column)}});
    }
    try {
        return std::make_unique<FileSource>("file", doc, utc_today());
    } catch (const ShapeError& e) {
        const auto at = position_of(*text, locate(*text, e.pointer()));
        throw UsageError("error.registry-file.shape", {{"file", shown},
                                                       {"line", std::to_string(at.line)},
                                                       {"column", std::to_string(at.column)},
                                                       {"field", e.pointer()},
                                                       {"expected", e.expected()}});
    }
}

std::unique_ptr<Source> make_krr_source(HttpClient& http, KrrSettings settings) {
    settings.base_url = trim_slash(settings.base_url);
    return std::make_unique<KrrSource>(http, std::move(settings));
}

std::unique_ptr<Source> make_brreg_source(HttpClient& http, std::string base_url, std::function<std::string()> today) {
    return std::make_unique<BrregSource>(http, trim_slash(std::move(base_url)),
                                         today ? std::move(today) : std::function<std::string()>(utc_today));
}

std::unique_ptr<Source> make_capabilities_source(HttpClient& http, std::string base_url) {
    return std::make_unique<CapabilitiesSource>(http, trim_slash(std::move(base_url)));
}

// ---- the directory ----

Directory::Directory(std::chrono::seconds ttl, Clock clock) : ttl_(ttl), clock_(std::move(clock)) {
    if (!clock_) {
        clock_ = [] { return std::chrono::steady_clock::now(); };
    }
}

void Directory::add(std::unique_ptr<Source> source) { sources_.push_back(std::move(source)); }

bool Directory::has_online_source() const {
    return std::any_of(sources_.begin(), sources_.end(), [](const auto& s) { return s->online(); });
}

namespace {

bool settles(Outcome o) { return o == Outcome::found || o == Outcome::not_found || o == Outcome::removed; }

template <typename T>
void take(Facts& facts, Answer<T>& slot, Answer<T> answer) {
    if (answer.outcome == Outcome::failed) {
        facts.failures.emplace_back(answer.source, answer.detail);
    } else if (settles(answer.outcome)) {
        slot = std::move(answer);
    }
}

}  // namespace

std::vector<Facts> Directory::lookup(const std::vector<std::string>& ids, const CapabilityQuery& persons,
                                     const CapabilityQuery& organisations) {
    std::vector<Facts> facts(ids.size());
    const auto now = clock_();
    const auto fresh = [&](const auto& cached) { return now - cached.at < ttl_; };

    // Persons: each source in turn gets every id still unsettled, in one call (KRR batches it).
    std::vector<std::size_t> pending;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        facts[i].asked = true;
        if (ids[i].size() == 11) {
            pending.push_back(i);
        }
    }
    for (const auto& source : sources_) {
        if (pending.empty()) {
            break;
        }
        if (!source->answers_persons()) {
            continue;
        }
        std::vector<std::size_t> ask_idx;
        std::vector<std::string> ask_ids;
        std::vector<std::size_t> still;
        for (const std::size_t i : pending) {
            const std::string key = source->name() + ":" + ids[i];
            if (source->online()) {
                const std::lock_guard lock(mutex_);
                const auto it = person_cache_.find(key);
                if (it != person_cache_.end() && fresh(it->second)) {
                    facts[i].person = it->second.answer;
                    continue;
                }
            }
            ask_idx.push_back(i);
            ask_ids.push_back(ids[i]);
        }
        if (!ask_ids.empty()) {
            auto answers = source->persons(ask_ids);
            for (std::size_t k = 0; k < ask_idx.size() && k < answers.size(); ++k) {
                const std::size_t i = ask_idx[k];
                if (source->online() && settles(answers[k].outcome)) {
                    const std::lock_guard lock(mutex_);
                    person_cache_[source->name() + ":" + ids[i]] = {answers[k], now};
                }
                take(facts[i], facts[i].person, std::move(answers[k]));
                if (!settles(facts[i].person.outcome)) {
                    still.push_back(i);
                }
            }
        }
        pending = std::move(still);
    }

    // Organisations and capabilities are asked one identifier at a time, so several
    // identifiers are asked at once (up to kParallel requests in flight).
    const auto one = [&](std::size_t i, auto answers_kind, auto ask, const std::string& suffix, auto& cache,
                         auto slot) {
        for (const auto& source : sources_) {
            if (!((*source).*answers_kind)()) {
                continue;
            }
            const std::string key = source->name() + ":" + ids[i] + suffix;
            auto& target = facts[i].*slot;
            if (source->online()) {
                const std::lock_guard lock(mutex_);
                const auto it = cache.find(key);
                if (it != cache.end() && fresh(it->second)) {
                    target = it->second.answer;
                    break;
                }
            }
            auto answer = ask(*source, ids[i]);
            if (source->online() && settles(answer.outcome)) {
                const std::lock_guard lock(mutex_);
                cache[key] = {answer, now};
            }
            take(facts[i], target, std::move(answer));
            if (settles(target.outcome)) {
                break;
            }
        }
    };
    const auto ask_organisation = [](Source& s, const std::string& id) { return s.organisation(id); };
    std::atomic<std::size_t> next{0};
    const auto worker = [&] {
        for (std::size_t i = next++; i < ids.size(); i = next++) {
            try {
                if (ids[i].size() == 9) {
                    one(i, &Source::answers_organisations, ask_organisation, "", org_cache_, &Facts::organisation);
                }
                const CapabilityQuery& query = ids[i].size() == 9 ? organisations : persons;
                const auto ask_capabilities = [&](Source& s, const std::string& id) {
                    return s.capabilities(id, query);
                };
                one(i, &Source::answers_capabilities, ask_capabilities, "#" + query.key(), cap_cache_,
                    &Facts::capabilities);
            } catch (const std::exception& e) {  // e.g. bad_alloc on a hostile answer: a failure, never terminate
                facts[i].failures.emplace_back("registry", e.what());
            }
        }
    };
    constexpr std::size_t kParallel = 8;
    std::vector<std::thread> threads;
    for (std::size_t t = 1; t < std::min(kParallel, ids.size()); ++t) {
        threads.emplace_back(worker);
    }
    worker();
    for (auto& t : threads) {
        t.join();
    }
    return facts;
}

std::vector<Directory::SourceReport> Directory::ask_all(const std::string& id) {
    std::vector<SourceReport> out;
    for (const auto& source : sources_) {
        SourceReport r;
        r.source = source->name();
        if (id.size() == 11 && source->answers_persons()) {
            const std::vector<std::string> one{id};
            r.person = source->persons(one).front();
        }
        if (id.size() == 9 && source->answers_organisations()) {
            r.organisation = source->organisation(id);
        }
        if (source->answers_capabilities()) {
            r.capabilities = source->capabilities(id, {});
        }
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace preflight::registry
