#include "registry/file_source.hpp"

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/json.hpp"
#include "registry/shapes.hpp"

#include <fmt/format.h>

#include <map>

namespace preflight::registry {
namespace {

using json = nlohmann::json;
using namespace shapes;

class FileSource final : public Source {
public:
    FileSource(std::string name, const json& doc, const std::string& today) : name_(std::move(name)) {
        object_at(doc, "");
        if (const auto it = doc.find("persons"); it != doc.end()) {
            if (!it->is_array()) {
                throw ShapeError("/persons", "array");
            }
            for (std::size_t i = 0; i < it->size(); ++i) {
                Person p = person_at((*it)[i], fmt::format("/persons/{}", i));
                persons_[p.id] = p;
            }
        }
        if (const auto it = doc.find("organisations"); it != doc.end()) {
            if (!it->is_array()) {
                throw ShapeError("/organisations", "array");
            }
            for (std::size_t i = 0; i < it->size(); ++i) {
                const std::string p = fmt::format("/organisations/{}", i);
                Organisation o = organisation_at((*it)[i], today, p);
                if (o.orgnr.empty()) {
                    throw ShapeError(p + "/organisasjonsnummer", "string");
                }
                orgs_[o.orgnr] = o;
            }
        }
        if (const auto it = doc.find("capabilities"); it != doc.end()) {
            if (!it->is_array()) {
                throw ShapeError("/capabilities", "array");
            }
            for (std::size_t i = 0; i < it->size(); ++i) {
                const std::string p = fmt::format("/capabilities/{}", i);
                const json& entry = object_at((*it)[i], p);
                const std::string id = text_member(entry, "identifier", p);
                if (id.empty()) {
                    throw ShapeError(p + "/identifier", "string");
                }
                caps_[id] = capabilities_at(entry, p);
            }
        }
    }
    [[nodiscard]] std::string name() const override { return name_; }
    [[nodiscard]] bool answers_persons() const override { return true; }
    [[nodiscard]] bool answers_organisations() const override { return true; }
    [[nodiscard]] bool answers_capabilities() const override { return true; }

    std::vector<Answer<Person>> persons(std::span<const std::string> ids) override {
        std::vector<Answer<Person>> out;
        for (const auto& id : ids) {
            const auto it = persons_.find(id);
            out.push_back(it == persons_.end() ? with<Person>(Outcome::unknown, name_)
                                               : with<Person>(Outcome::found, name_, it->second));
        }
        return out;
    }
    Answer<Organisation> organisation(const std::string& orgnr) override {
        const auto it = orgs_.find(orgnr);
        if (it == orgs_.end()) {
            return with<Organisation>(Outcome::unknown, name_);
        }
        return with<Organisation>(it->second.deleted ? Outcome::removed : Outcome::found, name_, it->second);
    }
    Answer<Capabilities> capabilities(const std::string& id, const CapabilityQuery& /*query*/) override {
        // The file lists every record; the route prediction picks the process.
        const auto it = caps_.find(id);
        return it == caps_.end() ? with<Capabilities>(Outcome::unknown, name_)
                                 : with<Capabilities>(Outcome::found, name_, it->second);
    }

private:
    std::string name_;
    std::map<std::string, Person, std::less<>> persons_;
    std::map<std::string, Organisation, std::less<>> orgs_;
    std::map<std::string, Capabilities, std::less<>> caps_;
};

// The training environment (kursmiljø) as the runbook describes it, in the
// registry file's format. Testperson has no mailbox and cannot be notified: a
// vedtak gets a print record; info gets the print record and a DPV record
// (DpiMessageRouter's DPV target).
constexpr const char* kTrainingRecipients = R"({
  "persons": [
    {"personidentifikator": "29129319060", "status": "AKTIV", "reservasjon": "NEI",
     "varslingsstatus": "KAN_IKKE_VARSLES", "kontaktinformasjon": {}}
  ],
  "organisations": [
    {"organisasjonsnummer": "987464291", "navn": "DIGITALISERINGSDIREKTORATET",
     "konkurs": false, "underAvvikling": false}
  ],
  "capabilities": [
    {"identifier": "987464291", "capabilities": [
      {"process": "urn:no:difi:profile:arkivmelding:administrasjon:ver1.0", "serviceIdentifier": "DPO",
       "documentTypes": [{"type": "arkivmelding", "standard": "urn:no:difi:arkivmelding:xsd::arkivmelding"}]}]},
    {"identifier": "29129319060", "capabilities": [
      {"process": "urn:no:difi:profile:digitalpost:vedtak:ver1.0", "serviceIdentifier": "DPI",
       "documentTypes": [{"type": "print", "standard": "urn:fdc:digdir.no:2020:standard:print"}]},
      {"process": "urn:no:difi:profile:digitalpost:info:ver1.0", "serviceIdentifier": "DPI",
       "documentTypes": [{"type": "print", "standard": "urn:fdc:digdir.no:2020:standard:print"}]},
      {"process": "urn:no:difi:profile:digitalpost:info:ver1.0", "serviceIdentifier": "DPV",
       "documentTypes": [{"type": "digital_dpv", "standard": "urn:no:difi:digitalpost:xsd:digital::digital_dpv"}]}]}
  ]
})";

}  // namespace

std::unique_ptr<Source> make_builtin_source() {
    return std::make_unique<FileSource>("builtin", json::parse(kTrainingRecipients), utc_today());
}

std::unique_ptr<Source> load_file_source(const std::filesystem::path& file) {
    const std::string shown = file.string();
    const auto text = read_regular_file(file);
    if (!text) {
        throw UsageError("error.registry-file.unreadable", {{"file", shown}});
    }
    json doc;
    try {
        doc = parse_json(*text);
    } catch (const JsonSyntaxError& e) {
        const auto at = position_of(*text, e.offset);
        throw UsageError("error.registry-file.syntax",
                         {{"file", shown}, {"line", std::to_string(at.line)}, {"column", std::to_string(at.column)}});
    }
    try {
        return std::make_unique<FileSource>("file", doc, utc_today());
    } catch (const ShapeError& e) {
        const auto at = position_of(*text, locate(*text, e.pointer()));
        throw UsageError("error.registry-file.shape", {{"file", shown},
                                                       {"line", std::to_string(at.line)},
                                                       {"column", std::to_string(at.column)},
                                                       {"field", e.pointer()},
                                                       {"expected", e.expected()}});
    }
}

}  // namespace preflight::registry
