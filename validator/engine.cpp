#include "validator/engine.hpp"
#include "base/error.hpp"

#include "base/filetype.hpp"
#include "base/identifiers.hpp"
#include "pdf/sandbox.hpp"
#include "validator/isolated_docx.hpp"
#include "validator/registers.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <system_error>

namespace preflight {

std::string_view to_string(Verdict v) {
    switch (v) {
        case Verdict::pass:
            return "pass";
        case Verdict::warn:
            return "warn";
        case Verdict::block:
            return "block";
    }
    return "block";
}

Verdict Report::verdict() const {
    Verdict v = Verdict::pass;
    for (const auto& f : findings) {
        if (f.severity == Severity::block) {
            return Verdict::block;
        }
        if (f.severity == Severity::warn) {
            v = Verdict::warn;
        }
    }
    return v;
}

bool Report::fails(Severity threshold) const {
    return std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.severity >= threshold; });
}

void look_up_recipients(JournalPost& post, registry::Registers* directory) {
    std::vector<std::size_t> asked;
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < post.recipients.size(); ++i) {
        const Recipient& r = post.recipients[i];
        // A print message is routed by the registry too (its print record, DP507).
        // E-mail recipients too, though their route is their method: DP604 warns when
        // the registers know them.
        const bool needs = r.method == Channel::general || r.method == Channel::dpi || r.method == Channel::print ||
                           r.method == Channel::dpo || r.method == Channel::dpv || r.method == Channel::dpf ||
                           r.method == Channel::signing || r.method == Channel::email;
        if (!needs || !r.id) {
            continue;
        }
        std::string id = ident::normalise_id(*r.id);
        const auto kind = ident::classify(id);
        if (kind == ident::IdClass::person || kind == ident::IdClass::organisation) {
            asked.push_back(i);
            ids.push_back(std::move(id));
        }
    }
    if (directory != nullptr && !ids.empty()) {
        registry::CapabilityQuery persons;
        persons.process = digital_post_process(post.process);
        persons.security_level = post.security_level;
        registry::CapabilityQuery organisations;
        organisations.process = post.organisation_process;
        organisations.security_level = post.security_level;
        auto facts = directory->lookup(ids, persons, organisations);
        for (std::size_t k = 0; k < asked.size(); ++k) {
            post.recipients[asked[k]].facts = std::move(facts[k]);
        }
    }
    for (auto& r : post.recipients) {
        auto prediction = predict_route(r, post.process, post.organisation_process);
        r.route = prediction.route;
        r.route_reason = std::move(prediction.reason);
    }
}

Targets targets_for(const JournalPost& post, const RunSettings& settings) {
    Targets t;
    if (!settings.channel_given) {
        for (const auto& r : post.recipients) {
            if (r.method != Channel::manual && !t.has(r.method)) {
                t.channels.push_back(r.method);
            }
        }
    }
    if (t.channels.empty()) {
        t.channels.push_back(settings.channel);
    }
    const auto add = [&](Carrier c) {
        if (!t.carried_by(c)) {
            t.carriers.push_back(c);
        }
    };
    if (settings.channel_given || post.recipients.empty()) {
        for (const Channel c : t.channels) {
            add(carrier_of(c));
        }
    } else {
        for (const auto& r : post.recipients) {
            add(carrier_of(r));
        }
    }
    // Print-bound (the contract): the channel is print; or, with no recipients
    // listed, a general letter (whoever gets it may get it on paper); or a recipient
    // that is. An organisation never is.
    const bool loose = post.recipients.empty();
    t.print_bound =
        t.has(Channel::print) || (loose && t.has(Channel::general)) ||
        std::any_of(post.recipients.begin(), post.recipients.end(), [](const Recipient& r) { return print_bound(r); });
    return t;
}

Section pdf_section() {
    return {"pdf",
            {{"memory-mb", OptionSpec::Kind::integer, "1024", 64, 65536},
             {"cpu-seconds", OptionSpec::Kind::integer, "20", 1, 3600},
             {"wall-seconds", OptionSpec::Kind::integer, "30", 1, 3600},
             {"budget-ms", OptionSpec::Kind::integer, "800", 0, 3600000}}};
}

std::int64_t pdf_budget_milliseconds(const Config& config) {
    const auto& s = config.section("pdf");
    const std::int64_t wall = s.integer("wall-seconds") * 1000;
    return std::min<std::int64_t>(s.integer("budget-ms"), std::max<std::int64_t>(wall - 1000, wall / 2));
}

pdf::Limits pdf_limits(const Config& config) {
    const auto& s = config.section("pdf");
    pdf::Limits l;
    l.memory_bytes = static_cast<std::uint64_t>(s.integer("memory-mb")) * 1024 * 1024;
    l.cpu_seconds = static_cast<int>(s.integer("cpu-seconds"));
    l.wall_milliseconds = static_cast<int>(s.integer("wall-seconds")) * 1000;
    return l;
}

namespace {
bool has_pdf_extension(const std::string& file) {
    std::string ext = std::filesystem::path(file).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".pdf";
}
}  // namespace

namespace {

// Opens the document and reads its size and first bytes; false (with io_error or
// an empty file) when there is nothing more to read.
bool open_document(Document& d, std::string& head) {
    std::error_code ec;
    const auto status = std::filesystem::status(d.path, ec);
    if (!std::filesystem::exists(status)) {
        d.io_error = "missing";
        return false;
    }
    if (ec) {
        d.io_error = errno_phrase(ec.value());
        return false;
    }
    if (!std::filesystem::is_regular_file(status)) {
        d.io_error = "not-file";
        return false;
    }
    std::ifstream in(d.path, std::ios::binary);
    if (!in) {
        d.io_error = errno == EACCES ? "denied" : errno_phrase(errno);
        return false;
    }
    d.readable = true;
    d.bytes = std::filesystem::file_size(d.path, ec);
    if (d.bytes == 0) {
        return false;
    }
    head.assign(2048, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return true;
}

// A document's first reading, once: false when it was gathered before or there is
// nothing more to read (open_document()).
bool first_read(Document& d, std::string& head) {
    if (d.gathered) {
        return false;
    }
    d.gathered = true;
    return open_document(d, head);
}

// libmagic's "Microsoft OOXML", or a zip: a Word, Excel or PowerPoint file whose
// word/ (xl/, ppt/) parts come late is named by its [Content_Types].xml.
bool may_be_ooxml(const Document& d) { return d.type == "application/octet-stream" || d.type == "application/zip"; }

void take_pdf(Document& d, pdf::Info info, bool find_person_ids) {
    d.pdf = std::move(info);
    if (find_person_ids) {
        d.text_searched = d.pdf->text_scan == pdf::TextScan::complete;
        for (const auto& hit : d.pdf->person_ids) {
            d.person_ids.push_back({hit.page, hit.id});
        }
    }
}

void take_docx(Document& d, DocxFacts read, const DocxRequest& request) {
    if (request.layout) {
        d.docx = std::move(read.layout);
    }
    if (read.text_read) {
        d.text_searched = read.text_searched;
        for (auto& id : read.person_ids) {
            d.person_ids.push_back({std::nullopt, std::move(id)});
        }
    }
}

// Named .pdf, but no %PDF- header in the first 1024 bytes: a PDF that cannot be
// read, not merely a misnamed file (docs/design.md).
void mark_unreadable_pdf(Document& d) {
    if (d.type != "application/pdf" && has_pdf_extension(d.file)) {
        d.pdf = pdf::Info{};
        d.pdf->damage = pdf::Damage::not_pdf;
        d.pdf->bytes = d.bytes;
    }
}

// One batch of `items`, when there are any.
std::vector<isolate::Outcome> run_items(const std::vector<isolate::BatchItem>& items, const pdf::Limits& limits) {
    return items.empty() ? std::vector<isolate::Outcome>{} : isolate::run_batch(items, limits);
}

}  // namespace

void gather_facts(JournalPost& post, const pdf::Limits& limits, bool sandbox, Facts facts,
                  std::int64_t budget_milliseconds) {
    const bool find_person_ids = facts.has(Fact::text);
    const bool find_content_boxes = facts.has(Fact::content_boxes);
    const bool read_pdf = facts.has(Fact::pdf) || find_person_ids || find_content_boxes;
    const pdf::AnalyzeOptions options{.find_person_ids = find_person_ids,
                                      .find_content_boxes = find_content_boxes,
                                      .budget_milliseconds = budget_milliseconds};
    // Word: every section's page setup; plain text and Word: the personal
    // identifiers in the text. Read under doctext's caps on entries, bytes and
    // elements, and with sandboxing in a limited child as PDFs are
    // (validator/isolated_docx.hpp).
    const DocxRequest request{.layout = facts.has(Fact::docx_layout), .person_ids = find_person_ids};

    if (!sandbox) {
        for (auto& d : post.documents) {
            std::string head;
            if (!first_read(d, head)) {
                continue;
            }
            d.type = filetype::sniff(d.path, head);
            if (may_be_ooxml(d)) {
                if (auto ooxml = doctext::ooxml_type(d.path)) {
                    d.type = std::move(*ooxml);
                }
            }
            if (d.type == "application/pdf" && read_pdf) {
                // In this process (--no-sandbox): one PDF at a time, should a
                // library user call this from several threads (PoDoFo keeps some
                // state of its own).
                static std::mutex in_process;
                const std::lock_guard lock(in_process);
                take_pdf(d, pdf::analyze(d.path, options), find_person_ids);
            }
            if (d.type != "application/pdf") {
                take_docx(d, read_docx_facts(d.path, d.type, request), request);
            }
            mark_unreadable_pdf(d);
        }
        return;
    }

    // Sandboxed: every file a library reads is read in a limited child, and the
    // documents of this post share their children (base/isolate_batch.hpp): one
    // child reads them all (plus one for the types libmagic names, and one for the
    // zips it cannot, when there are such documents), never another post's. Each
    // document keeps its own limits, and one that ends the child is damaged
    // alone: the documents after it are read by a fresh child.
    std::vector<Document*> docs;
    std::vector<Document*> to_sniff;
    for (auto& d : post.documents) {
        std::string head;
        if (!first_read(d, head)) {
            continue;
        }
        docs.push_back(&d);
        const auto at = filetype::pdf_header_offset(head);
        if (at != std::string_view::npos && at < 1024) {
            d.type = "application/pdf";  // the PDF header decides, without a child
        } else {
            to_sniff.push_back(&d);
        }
    }
    {
        std::vector<isolate::BatchItem> items;
        items.reserve(to_sniff.size());
        for (const Document* d : to_sniff) {
            items.push_back(filetype::sniff_item(d->path));
        }
        const auto outcomes = run_items(items, limits);
        for (std::size_t i = 0; i < to_sniff.size(); ++i) {
            to_sniff[i]->type = filetype::sniff_type_of(outcomes[i]);
        }
    }
    {
        std::vector<Document*> zips;
        std::vector<isolate::BatchItem> items;
        for (Document* d : to_sniff) {
            if (may_be_ooxml(*d)) {
                zips.push_back(d);
                items.push_back(ooxml_type_item(d->path));
            }
        }
        const auto outcomes = run_items(items, limits);
        for (std::size_t i = 0; i < zips.size(); ++i) {
            if (auto ooxml = ooxml_type_of(outcomes[i])) {
                zips[i]->type = std::move(*ooxml);
            }
        }
    }
    std::vector<Document*> read;  // in the order of `items`
    std::vector<isolate::BatchItem> items;
    for (Document* d : docs) {
        if (d->type == "application/pdf") {
            if (read_pdf) {
                read.push_back(d);
                items.push_back(pdf::analysis_item(d->path, options));
            }
        } else if (auto item = docx_read_item(d->path, d->type, request)) {
            read.push_back(d);
            items.push_back(std::move(*item));
        } else {
            take_docx(*d, read_docx_facts(d->path, d->type, request), request);  // nothing to parse
        }
    }
    const auto outcomes = run_items(items, limits);
    for (std::size_t i = 0; i < read.size(); ++i) {
        Document& d = *read[i];
        if (d.type == "application/pdf") {
            take_pdf(d, pdf::analysis_of(outcomes[i], d.path, limits, options), find_person_ids);
        } else {
            take_docx(d, docx_facts_of(outcomes[i], d.type, request, limits), request);
        }
    }
    for (Document* d : docs) {
        mark_unreadable_pdf(*d);
    }
}

bool RunSettings::runs(const Check& check) const {
    return std::find(off.begin(), off.end(), check.code()) == off.end();
}

Report run_checks(JournalPost post, const CheckSet& check_set, const Config& config, const RunSettings& settings) {
    // The registers are asked only when a check reads what they say; routes are
    // predicted either way.
    const bool ask_registers = std::any_of(check_set.checks().begin(), check_set.checks().end(), [&](const auto& c) {
        return settings.runs(*c) && c->needs().has(Fact::registry);
    });
    look_up_recipients(post, ask_registers ? settings.directory : nullptr);
    Report report;
    report.targets = targets_for(post, settings);
    // The other facts are gathered when a check that has something to judge needs them.
    const Facts facts = check_set.needs(
        post, report.targets, [&](std::string_view slug) -> const SectionOptions& { return config.section(slug); },
        [&](const Check& c) { return settings.runs(c); });
    gather_facts(post, pdf_limits(config), settings.sandbox, facts, pdf_budget_milliseconds(config));
    for (const auto& check : check_set.checks()) {
        if (!settings.runs(*check)) {
            continue;
        }
        Findings out(*check);
        const Context ctx{post, report.targets, config.section(check->slug()), settings.flags};
        check->run(ctx, out);
        std::move(out.all().begin(), out.all().end(), std::back_inserter(report.findings));
    }
    // Post-level findings first, then in document order, page, code.
    const auto doc_index = [&](const Finding& f) -> std::ptrdiff_t {
        if (!f.document) {
            return -1;
        }
        const auto it = std::find_if(post.documents.begin(), post.documents.end(),
                                     [&](const Document& d) { return d.file == *f.document; });
        return it - post.documents.begin();
    };
    std::stable_sort(report.findings.begin(), report.findings.end(), [&](const Finding& a, const Finding& b) {
        return std::make_tuple(doc_index(a), a.page.value_or(0), a.code) <
               std::make_tuple(doc_index(b), b.page.value_or(0), b.code);
    });
    for (Document& d : post.documents) {
        bool answered = false;
        bool refused = false;
        for (const Finding& f : report.findings) {
            const Check* c = f.severity == Severity::block && f.document == d.file ? check_set.of(f) : nullptr;
            if (c != nullptr) {
                answered = answered || c->answered_by_fix(f);
                refused = refused || c->prevents_fix();
            }
        }
        d.fixable = d.pdf.has_value() && answered && !refused;
    }
    report.post = std::move(post);
    return report;
}

}  // namespace preflight
