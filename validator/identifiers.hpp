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

// Replaces every valid personal identifier in `text` by its first six digits and
// five asterisks (291293*****). Digits that are part of a longer run are left alone.
[[nodiscard]] std::string mask_person_ids(std::string_view text);

}  // namespace preflight::ident
