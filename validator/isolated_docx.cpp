#include "validator/isolated_docx.hpp"

#include "base/error.hpp"
#include "base/idscan.hpp"
#include "docx/layout_codec.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace preflight {
namespace {

using nlohmann::json;

std::atomic<detail::DocxChildHook> child_hook{nullptr};

// The child's answer: {"layout": layout_to_json or null, "text": null or
// {"searched": bool, "ids": [...]}}.
std::string encode(const DocxFacts& facts) {
    json ids = json::array();
    for (const auto& id : facts.person_ids) {
        ids.push_back(id);
    }
    const json j{
        {"layout", facts.layout ? doctext::layout_to_json(*facts.layout) : json(nullptr)},
        {"text", facts.text_read ? json{{"searched", facts.text_searched}, {"ids", std::move(ids)}} : json(nullptr)}};
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

DocxFacts decode(const std::string& text) {
    const json j = json::parse(text);
    DocxFacts facts;
    if (!j.at("layout").is_null()) {
        facts.layout = doctext::layout_from_json(j.at("layout"));
    }
    if (const json& t = j.at("text"); !t.is_null()) {
        facts.text_read = true;
        facts.text_searched = t.at("searched").get<bool>();
        for (const auto& id : t.at("ids")) {
            facts.person_ids.push_back(id.get<std::string>());
        }
    }
    return facts;
}

// The job every mode runs (isolate::run_job()): ARGS are the file, its MIME type
// and WHAT (0-3: 1 layout, 2 person_ids). Reads and answers on out_fd.
constexpr const char* read_job = "docx.read";

void read_child(int out_fd, const std::vector<std::string>& args) {
    if (args.size() != 3 || args[2].size() != 1 || args[2][0] < '0' || args[2][0] > '3') {
        throw std::invalid_argument("docx.read: expects FILE TYPE WHAT(0-3)");
    }
    const int what = args[2][0] - '0';
    if (const auto hook = child_hook.load()) {
        hook();  // fork mode only: a helper or an exec'd child has none
    }
    const DocxRequest request{.layout = (what & 1) != 0, .person_ids = (what & 2) != 0};
    isolate::write_all(out_fd, encode(read_docx_facts(args[0], args[1], request)));
}

const isolate::JobRegistration read_registration(read_job, read_child);

// The job "docx.type": ARGS is the file; the answer is its Office Open XML MIME type,
// or nothing.
constexpr const char* type_job = "docx.type";

void type_child(int out_fd, const std::vector<std::string>& args) {
    if (args.size() != 1) {
        throw std::invalid_argument("docx.type: expects FILE");
    }
    isolate::write_all(out_fd, doctext::ooxml_type(args[0]).value_or(""));
}

const isolate::JobRegistration type_registration(type_job, type_child);

// A MIME type is short: a longer answer is no answer.
constexpr std::size_t max_type_bytes = 256;

}  // namespace

void detail::set_docx_child_hook(DocxChildHook hook) { child_hook.store(hook); }

DocxFacts read_docx_facts(const std::filesystem::path& file, std::string_view mime_type, const DocxRequest& request) {
    DocxFacts facts;
    if (request.layout) {
        // Every section's page setup, under doctext's caps on entries, bytes and elements.
        facts.layout = doctext::docx_layout(file, mime_type);
    }
    if (request.person_ids) {
        // Plain text and DOCX, under doctext's size caps.
        if (const auto text = doctext::document_text(file, mime_type)) {
            facts.text_read = true;
            facts.text_searched = text->error.empty() && !text->truncated;
            for (const auto& m : ident::find_person_ids(text->text)) {
                facts.person_ids.push_back(m.id);
            }
        }
    }
    return facts;
}

std::optional<std::string> ooxml_type_isolated(const std::filesystem::path& file, const isolate::Limits& limits) {
    isolate::RunOptions options;
    options.max_answer_bytes = max_type_bytes;
    return ooxml_type_of(isolate::run_job(type_job, {file.string()}, limits, options));
}

isolate::BatchItem ooxml_type_item(const std::filesystem::path& file) { return {type_job, {file.string()}, 0}; }

std::optional<std::string> ooxml_type_of(const isolate::Outcome& outcome) {
    if (!outcome.exited_cleanly() || outcome.answer.empty() || outcome.answer.size() > max_type_bytes) {
        return std::nullopt;
    }
    return outcome.answer;
}

std::optional<isolate::BatchItem> docx_read_item(const std::filesystem::path& file, std::string_view mime_type,
                                                 const DocxRequest& request) {
    if (doctext::kind_of(mime_type) == doctext::Kind::none || (!request.layout && !request.person_ids)) {
        return std::nullopt;  // nothing is parsed for such a type
    }
    const std::string what = std::to_string((request.layout ? 1 : 0) | (request.person_ids ? 2 : 0));
    return isolate::BatchItem{read_job, {file.string(), std::string(mime_type), what}, 0};
}

DocxFacts docx_facts_of(const isolate::Outcome& outcome, std::string_view mime_type, const DocxRequest& request,
                        const isolate::Limits& limits) {
    std::string why;
    if (outcome.exited_cleanly()) {
        try {
            return decode(outcome.answer);
        } catch (const std::exception&) {
            why = phrase("docx.child-answer");
        }
    } else {
        why = phrase("docx.child-ended", {}, {{"reason", isolate::describe(outcome, limits)}});
    }
    DocxFacts failed;
    if (request.layout && doctext::kind_of(mime_type) != doctext::Kind::plain_text) {
        failed.layout = doctext::DocxLayout{};
        failed.layout->error = std::move(why);
    }
    return failed;
}

DocxFacts read_docx_facts_isolated(const std::filesystem::path& file, std::string_view mime_type,
                                   const DocxRequest& request, const isolate::Limits& limits) {
    const std::optional<isolate::BatchItem> item = docx_read_item(file, mime_type, request);
    if (!item) {
        return read_docx_facts(file, mime_type, request);
    }
    return docx_facts_of(isolate::run_job(item->job, item->args, limits), mime_type, request, limits);
}

}  // namespace preflight
