#include "base/idscan.hpp"

#include "base/identifiers.hpp"

namespace preflight::ident {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::size_t digit_run(std::string_view s, std::size_t from) {
    std::size_t j = from;
    while (j < s.size() && is_digit(s[j])) {
        ++j;
    }
    return j - from;
}

// Length in bytes of a group separator of the printed form at `at`, or 0.
std::size_t separator_length(std::string_view s, std::size_t at) {
    const std::string_view rest = s.substr(at);
    if (rest.starts_with(' ') || rest.starts_with('-')) {
        return 1;
    }
    if (rest.starts_with("\xc2\xa0")) {  // U+00A0 NO-BREAK SPACE
        return 2;
    }
    for (const std::string_view three : {"\xe2\x80\x89",     // U+2009 THIN SPACE
                                         "\xe2\x80\xaf",     // U+202F NARROW NO-BREAK SPACE
                                         "\xe2\x80\x91"}) {  // U+2011 NON-BREAKING HYPHEN
        if (rest.starts_with(three)) {
            return 3;
        }
    }
    return 0;
}

}  // namespace

std::vector<IdMatch> find_person_ids(std::string_view text) {
    std::vector<IdMatch> found;
    std::size_t i = 0;
    while (i < text.size()) {
        if (!is_digit(text[i])) {
            ++i;
            continue;
        }
        // i starts a maximal digit run (the previous byte is not a digit).
        const std::size_t run = digit_run(text, i);
        if (run == 11) {
            if (valid_person_id(text.substr(i, 11))) {
                found.push_back(IdMatch{i, std::string(text.substr(i, 11))});
            }
        } else if (run == 6) {
            const std::size_t sep = separator_length(text, i + 6);
            if (sep > 0 && digit_run(text, i + 6 + sep) == 5) {
                std::string id;
                id.reserve(11);
                id.append(text.substr(i, 6)).append(text.substr(i + 6 + sep, 5));
                if (valid_person_id(id)) {
                    found.push_back(IdMatch{i, std::move(id)});
                }
            }
        }
        i += run;
    }
    return found;
}

}  // namespace preflight::ident
