// The check interface and the set of checks (clang-tidy style: each check a
// class under a stable code and slug, with its own options).
#pragma once

#include "validator/finding.hpp"
#include "validator/model.hpp"

#include <cstdint>
#include <functional>
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

// The facts a check reads beyond the manifest: the engine gathers each one only when a
// check that will run needs it (docs/design.md, "Facts"). Size, type and readability of
// every file are always gathered.
enum class Fact : std::uint8_t {
    pdf = 1U << 0,            // PDF structure and page geometry (pdf::Info)
    docx_layout = 1U << 1,    // the page setup of each Word section
    content_boxes = 1U << 2,  // where each PDF page's content is drawn: reads every content stream
    text = 1U << 3,           // the documents' text, searched for fødselsnummer
    registry = 1U << 4,       // what the national registers say about each recipient
};
class Facts {
public:
    constexpr Facts() = default;
    constexpr Facts(Fact f) : bits_(static_cast<std::uint8_t>(f)) {}  // NOLINT(google-explicit-constructor)
    [[nodiscard]] constexpr bool has(Fact f) const { return (bits_ & static_cast<std::uint8_t>(f)) != 0; }
    constexpr Facts& operator|=(Facts o) {
        bits_ |= o.bits_;
        return *this;
    }
    [[nodiscard]] friend constexpr Facts operator|(Facts a, Facts b) { return a |= b; }

private:
    std::uint8_t bits_ = 0;
};
[[nodiscard]] constexpr Facts operator|(Fact a, Fact b) { return Facts(a) | Facts(b); }

// What a check judges, which decides when the gate can judge it: the gate sees a letter
// first without its documents, then one upload at a time, then the send.
enum class Scope : std::uint8_t {
    post,              // the journal post and its recipients: judged when the message is created
    document,          // each document on its own: judged as it is uploaded
    documents_so_far,  // the documents uploaded so far, a total that more can only make worse
    all_documents,     // every document of the letter together: judged only when it is sent
};

// The kinds of document a reader in a child process may fail on (preflight scan).
enum class DocumentKind : std::uint8_t { pdf, docx };

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

    // What the check judges (the gate's proxy picks checks by it) and which facts it reads.
    [[nodiscard]] virtual Scope scope() const { return Scope::post; }
    [[nodiscard]] virtual Facts needs() const { return {}; }
    // Whether the check has anything to judge for these targets and options; the facts it
    // needs are gathered only when it has. By default it always has.
    [[nodiscard]] virtual bool wanted(const JournalPost& /*post*/, const Targets& /*targets*/,
                                      const SectionOptions& /*options*/) const {
        return true;
    }
    // `preflight fix`: a block from this check means no print-ready copy can be made.
    [[nodiscard]] virtual bool prevents_fix() const { return false; }
    // `preflight fix`: a finding of this check that the print-ready copy of its PDF answers
    // (the report then marks the document `fixable`, and the web page offers the copy).
    [[nodiscard]] virtual bool answered_by_fix(const Finding& /*finding*/) const { return false; }
    // `preflight fix --manifest`: a finding of this check that a shorter document name answers.
    [[nodiscard]] virtual bool answered_by_shorter_name(const Finding& /*finding*/) const { return false; }
    // `preflight scan`: the worker reading a document of `kind` died (`detail`). The check
    // that reports unreadable documents of that kind adds its finding and returns true.
    virtual bool report_unreadable(DocumentKind /*kind*/, const std::string& /*detail*/, Findings& /*out*/) const {
        return false;
    }
};

class CheckSet {
public:
    void add(std::unique_ptr<Check> check);
    [[nodiscard]] const std::vector<std::unique_ptr<Check>>& checks() const { return checks_; }
    // By slug or code; nullptr when unknown.
    [[nodiscard]] const Check* find(std::string_view slug_or_code) const;
    // The check that made `finding` (by its slug); nullptr when none of this set did.
    [[nodiscard]] const Check* of(const Finding& finding) const { return find(finding.check); }
    // Every fact the checks need that are wanted for this post.
    // `runs`: which checks run (every one when empty).
    [[nodiscard]] Facts needs(const JournalPost& post, const Targets& targets,
                              const std::function<const SectionOptions&(std::string_view)>& options,
                              const std::function<bool(const Check&)>& runs = {}) const;

private:
    std::vector<std::unique_ptr<Check>> checks_;
};

}  // namespace preflight
