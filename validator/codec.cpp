#include "validator/codec.hpp"

#include "docx/layout_codec.hpp"
#include "pdf/serialize.hpp"

#include <array>
#include <stdexcept>
#include <utility>

namespace preflight {

using nlohmann::json;

std::string_view role_name(Role r) { return r == Role::main ? "main" : "attachment"; }

Role role_from(const std::string& name) {
    if (name == "main") {
        return Role::main;
    }
    if (name == "attachment") {
        return Role::attachment;
    }
    throw std::invalid_argument("unknown role: " + name);
}

json document_to_json(const Document& d) {
    json ids = json::array();
    for (const auto& hit : d.person_ids) {
        json h{{"id", hit.id}};
        if (hit.page) {
            h["page"] = *hit.page;
        }
        ids.push_back(std::move(h));
    }
    json j{{"file", d.file},
           {"path", d.path.string()},
           {"name", d.name},
           {"role", role_name(d.role)},
           {"gathered", d.gathered},
           {"readable", d.readable},
           {"io_error", d.io_error},
           {"fixable", d.fixable},
           {"bytes", d.bytes},
           {"type", d.type},
           {"text_searched", d.text_searched},
           {"person_ids", std::move(ids)}};
    // The Info as its own JSON text inside a string: pdf/serialize's fast writer
    // and SAX reader, and runs of like pages collapsed (10,000 A4 pages are a few
    // bytes, not a megabyte per message).
    if (d.pdf) {
        j["pdf"] = pdf::to_json_text(*d.pdf, true);
    }
    if (d.docx) {
        j["docx"] = doctext::layout_to_json(*d.docx);
    }
    return j;
}

Document document_from_json(const json& j) {
    Document d;
    d.file = j.at("file").get<std::string>();
    d.path = j.at("path").get<std::string>();
    d.name = j.at("name").get<std::string>();
    d.role = role_from(j.at("role").get<std::string>());
    d.gathered = j.at("gathered").get<bool>();
    d.readable = j.at("readable").get<bool>();
    d.io_error = j.at("io_error").get<std::string>();
    d.fixable = j.at("fixable").get<bool>();
    d.bytes = j.at("bytes").get<std::uint64_t>();
    d.type = j.at("type").get<std::string>();
    d.text_searched = j.at("text_searched").get<bool>();
    for (const auto& h : j.at("person_ids")) {
        Document::IdHit hit;
        hit.id = h.at("id").get<std::string>();
        if (h.contains("page")) {
            hit.page = h.at("page").get<int>();
        }
        d.person_ids.push_back(std::move(hit));
    }
    if (j.contains("pdf")) {
        d.pdf = pdf::info_from_json_text(j.at("pdf").get<std::string>());
    }
    if (j.contains("docx")) {
        d.docx = doctext::layout_from_json(j.at("docx"));
    }
    return d;
}

namespace {

constexpr std::array kSeverities{Severity::info, Severity::warn, Severity::block};

Severity severity_from(const std::string& name) {
    for (const Severity s : kSeverities) {
        if (to_string(s) == name) {
            return s;
        }
    }
    throw std::invalid_argument("unknown severity: " + name);
}

}  // namespace

json finding_to_json(const Finding& f) {
    // Pairs rather than an object: the arguments' order is kept, and a name may repeat.
    json args = json::array();
    for (const auto& [name, value] : f.args) {
        args.push_back(json::array({name, value}));
    }
    json j{{"code", f.code},
           {"check", f.check},
           {"severity", to_string(f.severity)},
           {"message_id", f.message_id},
           {"remedy_id", f.remedy_id},
           {"args", std::move(args)}};
    if (f.document) {
        j["document"] = *f.document;
    }
    if (f.page) {
        j["page"] = *f.page;
    }
    if (f.recipient) {
        j["recipient"] = *f.recipient;
    }
    return j;
}

Finding finding_from_json(const json& j) {
    Finding f;
    f.code = j.at("code").get<std::string>();
    f.check = j.at("check").get<std::string>();
    f.severity = severity_from(j.at("severity").get<std::string>());
    f.message_id = j.at("message_id").get<std::string>();
    f.remedy_id = j.at("remedy_id").get<std::string>();
    for (const auto& a : j.at("args")) {
        if (!a.is_array() || a.size() != 2) {
            throw std::invalid_argument("a finding's argument is not a [name, value] pair");
        }
        f.args.emplace_back(a.at(0).get<std::string>(), a.at(1).get<std::string>());
    }
    if (j.contains("document")) {
        f.document = j.at("document").get<std::string>();
    }
    if (j.contains("page")) {
        f.page = j.at("page").get<int>();
    }
    if (j.contains("recipient")) {
        f.recipient = j.at("recipient").get<int>();
    }
    return f;
}

}  // namespace preflight
