// Norwegian identifiers: fødselsnummer, D-nummer, organisasjonsnummer; masking.
#pragma once

#include <string>
#include <string_view>

namespace preflight::ident {

enum class PersonKind { none, fodselsnummer, d_nummer, h_nummer, synthetic };

// Kind of an 11-digit personal identifier whose date and both check digits are
// valid, or none. D-nummer: day + 40. H-nummer, and NAV/Dolly test persons: month
// + 40 (told apart by no rule: both are h_nummer). Tenor test persons: month + 80
// (synthetic; a Tenor D-nummer too). K1 may leave a remainder of 0-3 (the rule
// for numbers from 2032); K2 must leave 0.
[[nodiscard]] PersonKind person_kind(std::string_view id);
[[nodiscard]] bool valid_person_id(std::string_view id);
[[nodiscard]] bool valid_orgnr(std::string_view id);

// A recipient id as written in a manifest, without spaces, dots, dashes and the
// "0192:" prefix of organisation numbers; of an ISO 6523 id with an organisation-part
// identifier (0192:987464291:AVD1[:1]), the organisation number.
[[nodiscard]] std::string normalise_id(std::string_view raw);

enum class IdClass { person, person_invalid, organisation, organisation_invalid, unknown_format };
// Of a normalised id: 11 digits is a person, 9 an organisation; anything else unknown_format.
[[nodiscard]] IdClass classify(std::string_view id);

// Masks personal identifiers in `text`: the last five digits become asterisks
// (291293*****). Masked are 11-digit runs that are valid identifiers or start with a
// plausible birth date (so mistyped ones too), and the printed form "291293 19060".
// Digits that are part of a longer run are left alone.
[[nodiscard]] std::string mask_person_ids(std::string_view text);

// The training environment's (kursmiljø) two test recipients, as the runbook names
// them: Digdir 987464291 (DPO) and Testperson 29129319060 (DPI).
[[nodiscard]] bool is_training_recipient(std::string_view id);

}  // namespace preflight::ident
