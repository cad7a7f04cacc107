// Norwegian identifiers: fødselsnummer, D-nummer, organisasjonsnummer; masking.
#pragma once

#include <string>
#include <string_view>

namespace preflight::ident {

enum class PersonKind { none, fodselsnummer, d_nummer, h_nummer, synthetic };

// Kind of an 11-digit personal identifier whose date and both check digits are
// valid, or none. Synthetic test persons (Tenor: month + 80) count as synthetic.
[[nodiscard]] PersonKind person_kind(std::string_view id);
[[nodiscard]] bool valid_person_id(std::string_view id);
[[nodiscard]] bool valid_orgnr(std::string_view id);

// Masks personal identifiers in `text`: the last five digits become asterisks
// (291293*****). Masked are 11-digit runs that are valid identifiers or start with a
// plausible birth date (so mistyped ones too), and the printed form "291293 19060".
// Digits that are part of a longer run are left alone.
[[nodiscard]] std::string mask_person_ids(std::string_view text);

}  // namespace preflight::ident
