// What the registries say, as plain data: a KRR person, an Enhetsregisteret
// organisation, the integrasjonspunkt's capabilities of a receiver, and the facts
// gathered about one recipient from all configured sources.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace preflight::registry {

// A person in Kontakt- og reservasjonsregisteret (KRR v2 "personer" entry).
struct Person {
    std::string id;                  // personidentifikator
    std::string status;              // AKTIV, SLETTET, IKKE_REGISTRERT
    std::optional<bool> reserved;    // reservasjon JA/NEI
    std::optional<bool> notifiable;  // varslingsstatus KAN_VARSLES/KAN_IKKE_VARSLES
    std::string email;               // kontaktinformasjon.epostadresse
    std::string mobile;              // kontaktinformasjon.mobiltelefonnummer
    std::string mailbox_address;     // digital_post.postkasseadresse
    std::string mailbox_provider;    // digital_post.postkasseleverandoeradresse (an org number)
    bool digital_post = false;       // a digital_post object is present
    bool certificate = false;        // sertifikat is present and not empty
    [[nodiscard]] bool active() const { return status == "AKTIV"; }
    // As the service registry's PersonResource judges it: a certificate and a
    // digital_post entry (efm-service-registry PersonResource.hasMailbox).
    [[nodiscard]] bool has_mailbox() const { return certificate && digital_post; }
};

// A legal entity in Enhetsregisteret.
struct Organisation {
    std::string orgnr;
    std::string name;                 // navn
    std::string deleted_date;         // slettedato (ISO date), empty if none
    bool deleted = false;             // slettedato in the past, or 410 Gone
    bool bankrupt = false;            // konkurs
    bool winding_up = false;          // underAvvikling
    bool forced_dissolution = false;  // underTvangsavviklingEllerTvangsopplosning
    bool sub_unit = false;            // found under /underenheter
};

// One capability of a receiver (integrasjonspunkt /api/capabilities/{id}).
struct Capability {
    std::string process;                      // e.g. urn:no:difi:profile:digitalpost:vedtak:ver1.0
    std::string service;                      // serviceIdentifier: DPO, DPI, DPV, DPF, DPE
    std::vector<std::string> document_types;  // documentTypes[].type: digital, print, arkivmelding
};

enum class Outcome : std::uint8_t {
    unknown,    // the source has nothing to say (an offline source that does not list it)
    found,      // the source knows it
    not_found,  // an online registry answered that it does not exist
    removed,    // the registry says it is removed (410 Gone)
    failed,     // the source could not be asked or its answer not understood
};

template <typename T>
struct Answer {
    Outcome outcome = Outcome::unknown;
    std::optional<T> value;  // when found
    std::string source;      // name of the source that answered
    std::string detail;      // for failed: why (no personal data in it)
    // Capabilities only: the registry refused this security level (the
    // integrasjonspunkt failed when asked with it) and `value` is its answer
    // without the level. No record is usable at the refused level.
    std::optional<int> refused_level;
};

using Capabilities = std::vector<Capability>;

// Everything the sources said about one recipient, gathered before the checks run.
struct Facts {
    bool asked = false;  // the recipient had a valid identifier and sources were asked
    Answer<Person> person;
    Answer<Organisation> organisation;
    Answer<Capabilities> capabilities;
    // Every source that failed for this recipient: (source, detail).
    std::vector<std::pair<std::string, std::string>> failures;
};

}  // namespace preflight::registry
