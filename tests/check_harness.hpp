// Test helpers: build journal posts with known facts and run one check on them.
#pragma once

#include "base/identifiers.hpp"
#include "checks/check_set.hpp"
#include "validator/catalogue.hpp"
#include "validator/check.hpp"
#include "validator/routing.hpp"

#include <fmt/format.h>

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace preflight::testing {

inline constexpr double kPtPerMm = 72.0 / 25.4;

inline pdf::Page page_mm(int number, double w_mm, double h_mm, int rotate = 0) {
    pdf::Page p;
    p.number = number;
    p.ok = true;
    p.media = {0, 0, w_mm * kPtPerMm, h_mm * kPtPerMm};
    p.crop = p.media;
    p.rotate = rotate;
    return p;
}

inline pdf::Info pdf_pages(std::vector<pdf::Page> pages, std::string version = "1.7") {
    pdf::Info info;
    info.version = std::move(version);
    info.pages = std::move(pages);
    info.declared_page_count = static_cast<int>(info.pages.size());
    return info;
}

inline pdf::Info a4_pages(int n) {
    std::vector<pdf::Page> pages;
    for (int i = 1; i <= n; ++i) {
        pages.push_back(page_mm(i, 210, 297));
    }
    return pdf_pages(pages);
}

inline Document doc(std::string file, std::string name = "", Role role = Role::attachment, std::uint64_t bytes = 1000,
                    std::string type = "application/pdf") {
    Document d;
    d.path = file;
    d.file = std::move(file);
    d.name = name.empty() ? std::filesystem::path(d.file).stem().string() : std::move(name);
    d.role = role;
    d.readable = true;
    d.bytes = bytes;
    d.type = std::move(type);
    if (d.type == "application/pdf") {
        d.pdf = a4_pages(1);
    }
    return d;
}

inline JournalPost post_with(std::vector<Document> docs, std::optional<std::string> title = std::nullopt) {
    JournalPost p;
    p.from_manifest = title.has_value();
    p.title = std::move(title);
    p.documents = std::move(docs);
    return p;
}

inline Targets targets(std::initializer_list<Channel> channels, bool print_bound = false) {
    Targets t;
    t.channels = channels;
    for (const Channel c : channels) {
        if (!t.carried_by(carrier_of(c))) {
            t.carriers.push_back(carrier_of(c));
        }
    }
    t.print_bound = print_bound;
    return t;
}

// The channel as the engine sees loose files sent with --channel `c`.
inline Targets channel(Channel c) { return targets({c}, c == Channel::print || c == Channel::general); }

inline Recipient person(std::string name, std::string id, Channel method = Channel::general, bool verified = true) {
    Recipient r;
    r.name = std::move(name);
    r.id = std::move(id);
    r.method = method;
    r.verified = verified;
    return r;
}

// A KRR entry as a source reported it.
inline registry::Answer<registry::Person> krr(std::string id, std::string status = "AKTIV", bool reserved = false,
                                              bool notifiable = true, std::string provider = "984661185") {
    registry::Person p;
    p.id = std::move(id);
    p.status = std::move(status);
    p.reserved = reserved;
    p.notifiable = notifiable;
    p.email = "kari@example.no";
    p.mailbox_address = provider.empty() ? "" : "kari#1";
    p.digital_post = !provider.empty();
    p.certificate = !provider.empty();
    p.mailbox_provider = std::move(provider);
    registry::Answer<registry::Person> a;
    a.outcome = registry::Outcome::found;
    a.value = std::move(p);
    a.source = "krr";
    return a;
}

inline JournalPost post_to(std::vector<Recipient> recipients, std::string process = "vedtak") {
    JournalPost p = post_with({doc("vedtak.pdf", "Vedtak", Role::main)}, "Vedtak");
    p.process = std::move(process);
    p.recipients = std::move(recipients);
    return p;
}

// Runs the check `slug` with default options (overridden by `options`), and renders
// every finding in both languages so that a missing catalogue text fails the test.
inline std::vector<Finding> run_check(std::string_view slug, const JournalPost& post, const Targets& t,
                                      const std::map<std::string, std::string>& options = {},
                                      const RunFlags& flags = RunFlags{}) {
    const Check* check = builtin_checks().find(slug);
    EXPECT_NE(check, nullptr) << slug;
    if (check == nullptr) {
        return {};
    }
    std::map<std::string, std::string, std::less<>> values;
    for (const auto& o : check->options()) {
        values[o.key] = o.default_value;
    }
    for (const auto& [k, v] : options) {
        EXPECT_TRUE(values.count(k) != 0) << "no option " << k;
        values[k] = v;
    }
    const SectionOptions section(values);
    Findings out(*check);
    check->run(Context{post, t, section, flags}, out);
    for (const auto& f : out.all()) {
        EXPECT_EQ(f.check, slug);
        for (const Lang lang : {Lang::nb, Lang::en}) {
            EXPECT_NO_THROW({
                EXPECT_FALSE(catalogue::text(f.message_id, lang, f.args).empty());
                EXPECT_FALSE(catalogue::text(f.remedy_id, lang, f.args).empty());
            }) << f.message_id;
        }
    }
    return out.all();
}

inline std::string english(const Finding& f) { return catalogue::text(f.message_id, Lang::en, f.args); }
inline std::string bokmal(const Finding& f) { return catalogue::text(f.message_id, Lang::nb, f.args); }

}  // namespace preflight::testing
