#include "base/identifiers.hpp"

#include "base/idscan.hpp"

#include <array>
#include <cctype>

namespace preflight::ident {
namespace {

bool all_digits(std::string_view s) {
    for (const char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

int digit(std::string_view s, std::size_t i) { return s[i] - '0'; }

// Check digit per the mod-11 rule: 11 -> 0, 10 -> invalid (-1).
int check_digit(std::string_view s, const int* weights, std::size_t n) {
    int sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sum += digit(s, i) * weights[i];
    }
    const int k = 11 - (sum % 11);
    if (k == 11) {
        return 0;
    }
    return k == 10 ? -1 : k;
}

// K1 (weights 3 7 6 1 8 9 4 5 2, then 1 for K1 itself) leaves a remainder of 0
// modulo 11 for numbers issued before 2032; from 2032 the remainders 1, 2 and 3
// are used too. K2 (weights 5 4 3 2 7 6 5 4 3 2, then 1) must leave 0.
bool checksums_ok(std::string_view id) {
    static constexpr std::array<int, 10> k1w{3, 7, 6, 1, 8, 9, 4, 5, 2, 1};
    static constexpr std::array<int, 11> k2w{5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1};
    int s1 = 0;
    for (std::size_t i = 0; i < k1w.size(); ++i) {
        s1 += digit(id, i) * k1w[i];
    }
    if (s1 % 11 > 3) {
        return false;
    }
    int s2 = 0;
    for (std::size_t i = 0; i < k2w.size(); ++i) {
        s2 += digit(id, i) * k2w[i];
    }
    return s2 % 11 == 0;
}

bool valid_day_month(int day, int month) {
    static constexpr std::array<int, 12> days{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month >= 1 && month <= 12 && day >= 1 && day <= days[static_cast<std::size_t>(month - 1)];
}

}  // namespace

PersonKind person_kind(std::string_view id) {
    if (id.size() != 11 || !all_digits(id) || !checksums_ok(id)) {
        return PersonKind::none;
    }
    int day = digit(id, 0) * 10 + digit(id, 1);
    int month = digit(id, 2) * 10 + digit(id, 3);
    PersonKind kind = PersonKind::fodselsnummer;
    if (day > 40) {
        day -= 40;
        kind = PersonKind::d_nummer;
    }
    if (month > 80) {
        month -= 80;
        kind = PersonKind::synthetic;
    } else if (month > 40) {
        month -= 40;
        kind = kind == PersonKind::d_nummer ? PersonKind::d_nummer : PersonKind::h_nummer;
    }
    return valid_day_month(day, month) ? kind : PersonKind::none;
}

bool valid_person_id(std::string_view id) { return person_kind(id) != PersonKind::none; }

std::string normalise_id(std::string_view raw) {
    std::string out;
    std::string_view s = raw;
    if (s.starts_with("0192:")) {  // ISO 6523 prefix of Norwegian org numbers, as in eFormidling
        s.remove_prefix(5);
        // eFormidling's Iso6523 (efm-common) also takes an organisation-part identifier
        // (1-35 characters, no white space or ':') and then a one-digit source indicator:
        // 0192:987464291:AVD1[:1]. The registries are asked about the organisation; the
        // NHN form "0:0" is not ISO 6523 there. Anything else stays as written (DP502).
        if (const auto colon = s.find(':'); colon != std::string_view::npos) {
            const std::string_view tail = s.substr(colon + 1);
            const auto second = tail.find(':');
            const std::string_view part = tail.substr(0, second);
            const std::string_view source = second == std::string_view::npos ? "" : tail.substr(second + 1);
            const bool part_ok =
                !part.empty() && part.size() <= 35 && part.find_first_of(" \t\r\n\f\v") == std::string_view::npos;
            const bool source_ok =
                second == std::string_view::npos || (source.size() == 1 && source[0] >= '0' && source[0] <= '9');
            if (!part_ok || !source_ok || (part == "0" && source == "0")) {
                return std::string(raw);
            }
            s = s.substr(0, colon);
        }
    }
    for (const char c : s) {
        if (c != ' ' && c != '.' && c != '-') {
            out += c;
        }
    }
    return out;
}

IdClass classify(std::string_view id) {
    if (!all_digits(id) || (id.size() != 11 && id.size() != 9)) {
        return IdClass::unknown_format;
    }
    if (id.size() == 11) {
        return valid_person_id(id) ? IdClass::person : IdClass::person_invalid;
    }
    return valid_orgnr(id) ? IdClass::organisation : IdClass::organisation_invalid;
}

bool valid_orgnr(std::string_view id) {
    static constexpr std::array<int, 8> w{3, 2, 7, 6, 5, 4, 3, 2};
    if (id.size() != 9 || !all_digits(id)) {
        return false;
    }
    const int k = check_digit(id, w.data(), w.size());
    return k >= 0 && k == digit(id, 8);
}

namespace {

// DDMMYY of a person, a D-nummer (day + 40), an H-nummer or NAV/Dolly test person
// (month + 40) or a Tenor test person (month + 80).
bool plausible_birth_date(std::string_view six) {
    int day = digit(six, 0) * 10 + digit(six, 1);
    int month = digit(six, 2) * 10 + digit(six, 3);
    if (day > 40) {
        day -= 40;
    }
    if (month > 80) {
        month -= 80;
    } else if (month > 40) {
        month -= 40;
    }
    return valid_day_month(day, month);
}

std::size_t digit_run(std::string_view s, std::size_t from) {
    std::size_t j = from;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])) != 0) {
        ++j;
    }
    return j - from;
}

}  // namespace

std::string mask_person_ids(std::string_view text) {
    std::string out(text);
    std::size_t i = 0;
    while (i < out.size()) {
        const std::size_t run = digit_run(out, i);
        if (run == 0) {
            ++i;
            continue;
        }
        const std::string_view view(out);
        // "29129319060", or as often printed, "291293 19060". A mistyped number is
        // masked too when it starts with a plausible birth date: fail closed.
        if (run == 11 && (valid_person_id(view.substr(i, 11)) || plausible_birth_date(view.substr(i, 6)))) {
            out.replace(i + 6, 5, "*****");
        } else if (run == 6 && i + 7 < out.size() && out[i + 6] == ' ' && digit_run(out, i + 7) == 5 &&
                   plausible_birth_date(view.substr(i, 6))) {
            out.replace(i + 7, 5, "*****");
            i += 12;
            continue;
        }
        i += run;
    }
    // Every other form find_person_ids() knows: "291293-19060", with a no-break or
    // thin space between the groups.
    for (const auto& m : find_person_ids(out)) {
        std::size_t j = m.offset + 6;
        while (j < out.size() && std::isdigit(static_cast<unsigned char>(out[j])) == 0) {
            ++j;
        }
        if (j + 5 <= out.size()) {
            out.replace(j, 5, "*****");
        }
    }
    return out;
}

bool is_training_recipient(std::string_view id) { return id == "987464291" || id == "29129319060"; }

}  // namespace preflight::ident
