// The check interface and the registry of checks (clang-tidy style: each check a
// class under a stable code and slug, with its own options).
#pragma once

#include "validator/finding.hpp"
#include "validator/model.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace preflight {

struct OptionSpec {
    enum class Kind : std::uint8_t {
        integer,
        number,
        boolean,
        version,
        text,
        url
    };  // version: "1.7"; url: empty or http(s)://
    std::string key;
    Kind kind = Kind::integer;
    std::string default_value;
    std::int64_t min = 0;  // for integer and number
    std::int64_t max = INT64_MAX;
};

// The resolved options of one section (a check's slug, or "pdf"), with defaults.
class SectionOptions {
public:
    SectionOptions() = default;
    explicit SectionOptions(std::map<std::string, std::string, std::less<>> values) : values_(std::move(values)) {}
    [[nodiscard]] std::int64_t integer(std::string_view key) const;
    [[nodiscard]] double number(std::string_view key) const;
    [[nodiscard]] bool boolean(std::string_view key) const;
    [[nodiscard]] const std::string& text(std::string_view key) const;

private:
    std::map<std::string, std::string, std::less<>> values_;
};

class Check;

// Collects the findings of one check run.
class Findings {
public:
    explicit Findings(const Check& check) : check_(&check) {}
    // Adds a finding whose message is catalogue key `message_id` and whose remedy is
    // `message_id + ".remedy"`; returns it so the caller can set document, page, recipient.
    Finding& add(Severity severity, std::string message_id, MessageArgs args = {});
    [[nodiscard]] std::vector<Finding>& all() { return findings_; }

private:
    const Check* check_;
    std::vector<Finding> findings_;
};

// How this run was asked for, beyond the channel.
struct RunFlags {
    bool strict_registry = false;  // --strict-registry: a registry that cannot answer blocks
    bool training = false;         // --profile training: only the training environment's test recipients
    // `preflight scan`: the files are templates. A Word template becomes PDF in the
    // archive system before anything is sent, so its type is no finding (DP401); its
    // page setup is (DP301).
    bool templates = false;
    // The gate's multipart route (POST /api/messages/out/multipart): the files go as
    // parts, each under the integrasjonspunkt's per-file limit there (DP204 blocks).
    bool multipart_upload = false;
};

struct Context {
    const JournalPost& post;
    const Targets& targets;
    const SectionOptions& options;
    const RunFlags& run;
};

class Check {
public:
    Check() = default;
    Check(const Check&) = delete;
    Check& operator=(const Check&) = delete;
    Check(Check&&) = delete;
    Check& operator=(Check&&) = delete;
    virtual ~Check() = default;

    [[nodiscard]] virtual std::string_view code() const = 0;
    [[nodiscard]] virtual std::string_view slug() const = 0;
    // Highest severity the check can give (for listings; the actual one depends on the channel).
    [[nodiscard]] virtual Severity max_severity() const { return Severity::block; }
    [[nodiscard]] virtual std::vector<OptionSpec> options() const { return {}; }
    virtual void run(const Context& ctx, Findings& out) const = 0;
};

class CheckSet {
public:
    void add(std::unique_ptr<Check> check);
    [[nodiscard]] const std::vector<std::unique_ptr<Check>>& checks() const { return checks_; }
    // By slug or code; nullptr when unknown.
    [[nodiscard]] const Check* find(std::string_view slug_or_code) const;

private:
    std::vector<std::unique_ptr<Check>> checks_;
};

}  // namespace preflight
