// The StandardBusinessDocument (SBD) of the integrasjonspunkt's "next move" API as
// preflight sees it: what `POST /api/messages/out` (or the `sbd` part of
// `POST /api/messages/out/multipart`) carries, and the journal post the checks
// judge it as. The gate (`preflight serve --upstream`) uses it; the documents
// arrive later, one `PUT /api/messages/out/{messageId}` each.
//
// The shape (JSON, field names as the integrasjonspunkt reads them):
//   {"standardBusinessDocumentHeader": {
//      "headerVersion": "1.0",
//      "sender":   [{"identifier": {"authority": "iso6523-actorid-upis", "value": "0192:<orgnr>"}}],
//      "receiver": [{"identifier": {"authority": "iso6523-actorid-upis", "value": "0192:<orgnr>" or an fnr}}],
//      "documentIdentification": {"standard": "...::digital", "typeVersion": "1.0",
//                                 "instanceIdentifier": "<messageId>", "type": "digital",
//                                 "creationDateAndTime": "..."},
//      "businessScope": {"scope": [{"type": "ConversationId", "instanceIdentifier": "<conversationId>",
//                                   "identifier": "urn:no:difi:profile:digitalpost:vedtak:ver1.0"}]}},
//    "digital": {"sikkerhetsnivaa": 4, "hoveddokument": "vedtak.pdf", "tittel": "...", "spraak": "NB",
//                "digitalPostInfo": {...}, "metadataFiler": {"vedtak.pdf": "lenke.xml"}}}
// The business message is named after the type: `digital`, `digital_dpv`, `print`
// (`mottaker` holds the postal address), `arkivmelding`, ...
#pragma once

#include "validator/manifest.hpp"
#include "validator/model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace preflight {

struct SbdMessage {
    // documentIdentification.instanceIdentifier. Empty when the SBD has none: the
    // integrasjonspunkt then makes one up and returns it in its answer (so does
    // the conversation id), so a missing id is not an error here.
    std::string message_id;
    // instanceIdentifier of the businessScope scope whose type is "ConversationId"; may be empty, as above.
    std::string conversation_id;
    // documentIdentification.type, lower-cased (the integrasjonspunkt ignores its
    // case): digital, print, arkivmelding, digital_dpv, avtalt, fiksio, innsynskrav, ...
    std::string type;
    std::string standard;  // documentIdentification.standard, or empty
    // The process URN: identifier of the ConversationId scope, else of the first
    // scope, e.g. urn:no:difi:profile:digitalpost:vedtak:ver1.0.
    std::string process;
    // receiver[0].identifier.value as sent: "0192:987464291" or an 11-digit fnr;
    // empty for a print message without a receiver (allowed there).
    std::string receiver;
    std::string sender;  // sender[0].identifier.value; empty when absent (the integrasjonspunkt adds its own)
    // Of the business message named after the type:
    std::optional<std::string> title;      // tittel (digital, digital_dpv)
    std::optional<std::string> main_file;  // hoveddokument: the file name of the main document
    std::optional<int> security_level;     // sikkerhetsnivaa
    std::optional<std::string> language;   // spraak (digital)
    // digital.metadataFiler: document file name -> its metadata file's name. The
    // metadata files (e.g. a link outside the letter) are uploaded like documents.
    std::vector<std::pair<std::string, std::string>> metadata_files;
    // print.mottaker: navn, and adresselinje1..4 (lines up to the last one given,
    // "" for a gap), postnummer, poststed, land. Absent when the SBD has no
    // mottaker, which the integrasjonspunkt refuses for print (DP505).
    std::optional<std::string> print_name;
    std::optional<Address> print_address;
    // print.retur.mottaker: the return address, in the same shape.
    std::optional<std::string> return_name;
    std::optional<Address> return_address;
};

// Parses SBD JSON. `where` names the source in messages (a file, or e.g.
// "POST /api/messages/out"). Throws UsageError (error.sbd.*) naming `where`, line,
// column and the field (standardBusinessDocumentHeader.receiver[0].identifier.value)
// for invalid JSON, a missing header, receiver, type or process, an empty
// instanceIdentifier, and for wrong types of the fields read here. Unknown fields
// are ignored; an unknown type is not an error (to_journal_post sends it to
// `general`).
SbdMessage parse_sbd(std::string_view json, std::string_view where);
// The same, parsing within `charge` (parse_json's): throws JsonOverBudget when it says no.
SbdMessage parse_sbd(std::string_view json, std::string_view where, const JsonCharge& charge);

// "vedtak" or "info" for a digital post process URN
// (urn:no:difi:profile:digitalpost:vedtak:ver1.0, ...:info:...), else "".
std::string process_kind(std::string_view urn);

// Whether an uploaded file is a document of the letter, for the checks to judge.
// Not documents: arkivmelding.xml of an arkivmelding message (the Noark metadata
// the integrasjonspunkt requires with it) and the metadata files named in
// digital.metadataFiler. Both are XML, which DP401 would block for `general` and
// DPI although the integrasjonspunkt wants them.
bool is_document(const SbdMessage& sbd, std::string_view filename);

// Role::main for the hoveddokument's file name, else Role::attachment.
Role role_of(const SbdMessage& sbd, std::string_view filename);

// The journal post the checks judge: one recipient, no documents (the gate adds
// them as they are uploaded), the title of a digital message, the process.
JournalPost to_journal_post(const SbdMessage& sbd);

}  // namespace preflight
