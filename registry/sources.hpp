// Registry sources, layered: the organisation's own JSON export, the online
// registries (KRR v2, Enhetsregisteret, the integrasjonspunkt's capabilities) and
// the built-in training recipients. A Directory asks them in that order; the first
// that knows an identifier answers (docs/registry.md).
#pragma once

#include "registry/http.hpp"
#include "validator/registers.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace preflight::registry {

class Source {
public:
    Source() = default;
    Source(const Source&) = delete;
    Source& operator=(const Source&) = delete;
    Source(Source&&) = delete;
    Source& operator=(Source&&) = delete;
    virtual ~Source() = default;

    [[nodiscard]] virtual std::string name() const = 0;
    // Online sources are authoritative: "not found" from them is an answer.
    [[nodiscard]] virtual bool online() const { return false; }
    [[nodiscard]] virtual bool answers_persons() const { return false; }
    [[nodiscard]] virtual bool answers_organisations() const { return false; }
    [[nodiscard]] virtual bool answers_capabilities() const { return false; }
    // One answer per id, in order.
    virtual std::vector<Answer<Person>> persons(std::span<const std::string> ids);
    virtual Answer<Organisation> organisation(const std::string& orgnr);
    virtual Answer<Capabilities> capabilities(const std::string& id, const CapabilityQuery& query);
};

// The shapes of the real APIs, shared by the online clients and the registry file.
// Each throws std::invalid_argument (with a JSON pointer, no personal data) on a
// wrong shape.
Person person_from_krr(const nlohmann::json& entry);
Organisation organisation_from_brreg(const nlohmann::json& body, const std::string& today);
Capabilities capabilities_from_json(const nlohmann::json& body);

// The training environment's recipients (the runbook): Digdir 987464291 (DPO) and
// Testperson 29129319060 (DPI, routed to print).
std::unique_ptr<Source> make_builtin_source();
// Whether a normalised id is one of those training recipients.

// The organisation's export (docs/registry.md). Throws UsageError naming the file,
// line and column when it is not valid JSON or not of that shape.
std::unique_ptr<Source> load_file_source(const std::filesystem::path& file);

using TokenProvider = std::function<std::string()>;  // a bearer token; throws on failure

struct KrrSettings {
    std::string base_url;  // e.g. https://kontaktregisteret.no (the path /rest/v2/personer is added)
    TokenProvider token;   // empty: no Authorization header
    std::size_t batch_size = 1000;
};
std::unique_ptr<Source> make_krr_source(HttpClient& http, KrrSettings settings);

// `today` as YYYY-MM-DD decides whether a slettedato lies in the past.
std::unique_ptr<Source> make_brreg_source(HttpClient& http, std::string base_url, std::function<std::string()> today);
std::unique_ptr<Source> make_capabilities_source(HttpClient& http, std::string base_url);

// Today's date in UTC as YYYY-MM-DD.
std::string utc_today();

// The layered lookup, with an in-memory cache of online answers (found, not
// found, removed; never failures) for `ttl`. Thread-safe.
class Directory final : public Registers {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    explicit Directory(std::chrono::seconds ttl = std::chrono::seconds(300), Clock clock = {});
    void add(std::unique_ptr<Source> source);
    [[nodiscard]] bool has_online_source() const;
    [[nodiscard]] const std::vector<std::unique_ptr<Source>>& sources() const { return sources_; }

    // Facts for each identifier (persons are asked in batches). `ids[i]` is a
    // normalised person id (11 digits) or org number (9 digits).
    // Capabilities are asked with `persons` for a person (the digital post process)
    // and with `organisations` for an organisation (its arkivmelding process).
    std::vector<Facts> lookup(const std::vector<std::string>& ids, const CapabilityQuery& persons,
                              const CapabilityQuery& organisations) override;
    using Registers::lookup;

    // What every source says about one identifier, without stopping at the first
    // (preflight lookup). Uses no cache.
    struct SourceReport {
        std::string source;
        Answer<Person> person;
        Answer<Organisation> organisation;
        Answer<Capabilities> capabilities;
    };
    std::vector<SourceReport> ask_all(const std::string& id);

private:
    template <typename T>
    struct Cached {
        Answer<T> answer;
        std::chrono::steady_clock::time_point at;
    };
    std::chrono::seconds ttl_;
    Clock clock_;
    std::vector<std::unique_ptr<Source>> sources_;
    std::mutex mutex_;
    std::map<std::string, Cached<Person>> person_cache_;
    std::map<std::string, Cached<Organisation>> org_cache_;
    std::map<std::string, Cached<Capabilities>> cap_cache_;
};

}  // namespace preflight::registry
