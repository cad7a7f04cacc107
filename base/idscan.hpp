// Finding Norwegian personal identifiers (fødselsnummer, D-nummer, H-nummer,
// synthetic test persons) in running text: what DP602 email-personal-id needs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace preflight::ident {

struct IdMatch {
    std::size_t offset = 0;  // byte offset of the first digit in the text
    std::string id;          // the 11 digits, without separators
};

// Every identifier in `text` (UTF-8) that passes valid_person_id(), in text order.
// Digits are ASCII 0-9 only. Recognised forms:
//   - an 11-digit run that is not part of a longer digit run: "29129319060",
//     also between letters or punctuation ("fnr:29129319060.");
//   - the printed form: 6 digits, exactly one separator, 5 digits, again not part
//     of longer digit runs: "291293 19060". Separators: space, NO-BREAK SPACE
//     (U+00A0), THIN SPACE (U+2009), NARROW NO-BREAK SPACE (U+202F), and the
//     hyphens "-" (U+002D) and NON-BREAKING HYPHEN (U+2011).
// Other groupings ("291 293 190 60", two spaces, a line break between the groups)
// are not recognised. The hyphen form costs nothing extra and is unambiguous:
// both check digits and the date must still be valid, as for every form.
[[nodiscard]] std::vector<IdMatch> find_person_ids(std::string_view text);

}  // namespace preflight::ident
