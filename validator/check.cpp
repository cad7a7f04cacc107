#include "validator/check.hpp"

#include <algorithm>
#include <stdexcept>

namespace preflight {
namespace {
const std::string& lookup(const std::map<std::string, std::string, std::less<>>& values, std::string_view key) {
    const auto it = values.find(key);
    if (it == values.end()) {
        throw std::logic_error("option not declared: " + std::string(key));
    }
    return it->second;
}
}  // namespace

std::int64_t SectionOptions::integer(std::string_view key) const { return std::stoll(lookup(values_, key)); }
double SectionOptions::number(std::string_view key) const { return std::stod(lookup(values_, key)); }
bool SectionOptions::boolean(std::string_view key) const { return lookup(values_, key) == "true"; }
const std::string& SectionOptions::text(std::string_view key) const { return lookup(values_, key); }

Finding& Findings::add(Severity severity, std::string message_id, MessageArgs args) {
    Finding f;
    f.code = std::string(check_->code());
    f.check = std::string(check_->slug());
    f.severity = severity;
    f.remedy_id = message_id + ".remedy";
    f.message_id = std::move(message_id);
    f.args = std::move(args);
    findings_.push_back(std::move(f));
    return findings_.back();
}

void CheckSet::add(std::unique_ptr<Check> check) {
    if (find(check->slug()) != nullptr || find(check->code()) != nullptr) {
        throw std::logic_error("check registered twice: " + std::string(check->slug()));
    }
    checks_.push_back(std::move(check));
    std::sort(checks_.begin(), checks_.end(), [](const auto& a, const auto& b) { return a->code() < b->code(); });
}

const Check* CheckSet::find(std::string_view slug_or_code) const {
    for (const auto& c : checks_) {
        if (c->slug() == slug_or_code || c->code() == slug_or_code) {
            return c.get();
        }
    }
    return nullptr;
}

Facts CheckSet::needs(const JournalPost& post, const Targets& targets,
                      const std::function<const SectionOptions&(std::string_view)>& options,
                      const std::function<bool(const Check&)>& runs) const {
    Facts facts;
    for (const auto& c : checks_) {
        if ((!runs || runs(*c)) && c->wanted(post, targets, options(c->slug()))) {
            facts |= c->needs();
        }
    }
    return facts;
}

}  // namespace preflight
