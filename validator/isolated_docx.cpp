#include "validator/isolated_docx.hpp"

#include "base/idscan.hpp"
#include "docx/layout_codec.hpp"

#include <unistd.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <exception>
#include <utility>

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

// The child's side, either mode: reads, answers on out_fd.
void answer(int out_fd, const std::filesystem::path& file, std::string_view mime_type, const DocxRequest& request) {
    isolate::write_all(out_fd, encode(read_docx_facts(file, mime_type, request)));
}

bool parse_number(const char* text, auto& value) {
    const std::string_view s(text);
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

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

DocxFacts read_docx_facts_isolated(const std::filesystem::path& file, std::string_view mime_type,
                                   const DocxRequest& request, const isolate::Limits& limits) {
    if (doctext::kind_of(mime_type) == doctext::Kind::none || (!request.layout && !request.person_ids)) {
        return read_docx_facts(file, mime_type, request);  // nothing is parsed for such a type
    }
    const std::string type(mime_type);
    const std::filesystem::path program = isolate::program();
    isolate::Outcome out;
    if (!program.empty()) {
        const std::string what = std::to_string((request.layout ? 1 : 0) | (request.person_ids ? 2 : 0));
        out = isolate::run_spawned({program.string(), docx_child_command, file.string(), type, what,
                                    std::to_string(limits.memory_bytes), std::to_string(limits.cpu_seconds)},
                                   limits);
    } else {
        out = isolate::run_forked(
            [&](int out_fd) {
                if (const auto hook = child_hook.load()) {
                    hook();
                }
                answer(out_fd, file, type, request);
            },
            limits);
    }
    std::string why;
    if (out.exited_cleanly()) {
        try {
            return decode(out.answer);
        } catch (const std::exception& e) {
            why = std::string("unreadable answer from the reading child: ") + e.what();
        }
    } else {
        why = "the reading child ended: " + isolate::describe(out, limits);
    }
    DocxFacts failed;
    if (request.layout && doctext::kind_of(mime_type) != doctext::Kind::plain_text) {
        failed.layout = doctext::DocxLayout{};
        failed.layout->error = std::move(why);
    }
    return failed;
}

int docx_child_main(int argc, char** argv) {
    isolate::Limits limits;
    int what = 0;
    if (argc != 7 || std::strcmp(argv[1], docx_child_command) != 0 || !parse_number(argv[4], what) || what < 0 ||
        what > 3 || !parse_number(argv[5], limits.memory_bytes) || !parse_number(argv[6], limits.cpu_seconds)) {
        std::fprintf(stderr, "preflight %s: expects FILE TYPE WHAT(0-3) MEMORY_BYTES CPU_SECONDS\n",
                     docx_child_command);
        return 2;
    }
    if (!isolate::child_begin(limits, 0)) {
        std::fprintf(stderr, "preflight %s: fd 3 (the answer pipe) is not open\n", docx_child_command);
        return 2;
    }
    const DocxRequest request{.layout = (what & 1) != 0, .person_ids = (what & 2) != 0};
    int rc = 0;
    try {
        answer(3, std::filesystem::path(argv[2]), argv[3], request);
    } catch (...) {
        rc = 3;  // no answer: the caller reports the file unreadable
    }
    ::close(3);
    ::_exit(rc);
}

}  // namespace preflight
