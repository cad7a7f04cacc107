#include "registry/directory.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace preflight::registry {

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
