// The layered lookup the engine asks through registry::Registers
// (validator/registers.hpp): the sources in order, the first that knows an
// identifier answering (docs/registry.md).
#pragma once

#include "registry/source.hpp"
#include "validator/registers.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace preflight::registry {

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
