#include "explain/explain.hpp"

#include "base/error.hpp"
#include "base/identifiers.hpp"
#include "base/text.hpp"
#include "validator/catalogue.hpp"
#include "validator/manifest.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>

namespace preflight::explain {
namespace {

using json = nlohmann::json;

// The checks that would have caught a cause: data in the catalogue.
std::vector<std::string_view> checks_of(std::string_view cause) {
    for (const auto& c : catalogue::cause_checks()) {
        if (c.cause == cause) {
            return c.codes;
        }
    }
    return {};
}

// The knowledge: every failure mode of the runbook and the brief, and the errors
// of the integrasjonspunkt and of the gate that lead to one of them.
const std::vector<Cause>& cause_table() {
    static const std::vector<Cause> table = {
        {"recipient-not-looked-up", Kind::act, Preventable::yes, checks_of("recipient-not-looked-up")},
        {"return-mail", Kind::act, Preventable::partly, checks_of("return-mail")},
        {"failed-after-a-day", Kind::act, Preventable::yes, checks_of("failed-after-a-day")},
        {"transfer-failed", Kind::act, Preventable::partly, checks_of("transfer-failed")},
        {"receiver-process", Kind::act, Preventable::yes, checks_of("receiver-process")},
        {"receiver-capability", Kind::act, Preventable::yes, checks_of("receiver-capability")},
        {"size-exceeded", Kind::act, Preventable::yes, checks_of("size-exceeded")},
        {"duplicate-filename", Kind::act, Preventable::yes, checks_of("duplicate-filename")},
        {"filename-too-long", Kind::act, Preventable::yes, checks_of("filename-too-long")},
        {"missing-address", Kind::act, Preventable::yes, checks_of("missing-address")},
        {"main-document-count", Kind::act, Preventable::yes, checks_of("main-document-count")},
        {"content-type", Kind::act, Preventable::yes, checks_of("content-type")},
        {"title-too-long", Kind::act, Preventable::yes, checks_of("title-too-long")},
        // The letter arrived, but the archive's status must be set back: a task.
        {"receipt-expired", Kind::act, Preventable::no, checks_of("receipt-expired")},
        {"receipt-expired-undelivered", Kind::act, Preventable::no, checks_of("receipt-expired-undelivered")},
        {"delivered", Kind::fine, Preventable::no, checks_of("delivered")},
        {"sent-waiting", Kind::wait, Preventable::partly, checks_of("sent-waiting")},
        {"email-sent", Kind::fine, Preventable::no, checks_of("email-sent")},
        {"signer-reserved", Kind::act, Preventable::yes, checks_of("signer-reserved")},
        {"signing-size", Kind::act, Preventable::yes, checks_of("signing-size")},
        {"signing-expired", Kind::act, Preventable::no, checks_of("signing-expired")},
        {"signing-rejected", Kind::act, Preventable::no, checks_of("signing-rejected")},
        {"signing-not-received", Kind::act, Preventable::no, checks_of("signing-not-received")},
        {"attachments-missing", Kind::act, Preventable::yes, checks_of("attachments-missing")},
        {"main-document-missing", Kind::act, Preventable::yes, checks_of("main-document-missing")},
        {"blocked-by-preflight", Kind::act, Preventable::yes, checks_of("blocked-by-preflight")},
        {"gate-error", Kind::act, Preventable::no, checks_of("gate-error")},
        {"unknown", Kind::unknown, Preventable::no, checks_of("unknown")},
    };
    return table;
}

// ---- text helpers

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

template <std::size_t N>
bool any_of(std::string_view hay, const std::array<std::string_view, N>& needles) {
    return std::any_of(needles.begin(), needles.end(), [&](std::string_view n) { return contains(hay, n); });
}

bool letter_byte(char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) != 0 || u >= 0x80U || c == '_';
}

// U+00A0, U+00AB «, U+00BB »: two bytes that are not part of a word.
bool latin1_punctuation(std::string_view two) {
    return two.size() == 2 && static_cast<unsigned char>(two[0]) == 0xC2U &&
           (static_cast<unsigned char>(two[1]) == 0xA0U || static_cast<unsigned char>(two[1]) == 0xABU ||
            static_cast<unsigned char>(two[1]) == 0xBBU);
}

// No letter or digit ends right before `at` / starts at `at`.
bool word_starts(std::string_view hay, std::size_t at) {
    return at == 0 || !letter_byte(hay[at - 1]) || (at >= 2 && latin1_punctuation(hay.substr(at - 2, 2)));
}
bool word_ends(std::string_view hay, std::size_t at) {
    return at >= hay.size() || !letter_byte(hay[at]) || latin1_punctuation(hay.substr(at, 2));
}

// `word` in `hay` with no letter or digit right before or after it.
bool has_word(std::string_view hay, std::string_view word) {
    for (auto at = hay.find(word); at != std::string_view::npos; at = hay.find(word, at + 1)) {
        if (word_starts(hay, at) && word_ends(hay, at + word.size())) {
            return true;
        }
    }
    return false;
}

// Typographic quotes (from a runbook or a mail) as ASCII ones.
std::string straight_quotes(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2 &&
            static_cast<unsigned char>(s[i + 1]) == 0x80) {
            const auto c = static_cast<unsigned char>(s[i + 2]);
            if (c == 0x9C || c == 0x9D || c == 0x9E) {  // “ ” „
                out += '"';
                i += 2;
                continue;
            }
            if (c == 0x98 || c == 0x99) {  // ‘ ’
                out += '\'';
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

// The form phrases are looked for in: NFC, case-folded, straight quotes, runs of
// white space as one space.
// Latin-1 letters (U+00C0-U+00DE) fold by adding 0x20 to their second byte; any
// other non-ASCII text (combining marks, other scripts) goes through utf8proc.
std::optional<std::string> fold_latin1(std::string_view s) {
    std::string out(s);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        if (c < 0x80U) {
            if (c >= 'A' && c <= 'Z') {
                out[i] = static_cast<char>(c + 0x20U);
            }
            continue;
        }
        if ((c != 0xC2U && c != 0xC3U) || i + 1 == out.size()) {
            return std::nullopt;
        }
        const auto next = static_cast<unsigned char>(out[i + 1]);
        if (c == 0xC3U && next >= 0x80U && next <= 0x9EU && next != 0x97U) {
            out[i + 1] = static_cast<char>(next + 0x20U);
        }
        ++i;
    }
    return out;
}

std::string folded(std::string_view s) {
    const auto latin = fold_latin1(s);
    const std::string f = straight_quotes(latin ? *latin : text::name_key(s));
    std::string out;
    out.reserve(f.size());
    bool space = false;
    for (const char c : f) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = true;
            continue;
        }
        if (space && !out.empty()) {
            out += ' ';
        }
        space = false;
        out += c;
    }
    return out;
}

std::string trimmed(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n;,:.-+");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(" \t\r\n;,:.-+");
    return std::string(s.substr(first, last - first + 1));
}

// The text between `start` and the first of `ends` after it, in `original` (found
// case-insensitively for ASCII, so byte offsets are the same in both).
std::string between(std::string_view original, std::string_view lower, std::string_view start,
                    std::initializer_list<std::string_view> ends) {
    const auto at = lower.find(start);
    if (at == std::string_view::npos) {
        return {};
    }
    const auto from = at + start.size();
    std::size_t to = original.size();
    for (const auto e : ends) {
        const auto end = lower.find(e, from);
        if (end != std::string_view::npos) {
            to = std::min(to, end);
        }
    }
    return trimmed(original.substr(from, to - from));
}

// ---- the integrasjonspunkt's (or the gate's) JSON error inside a log line

// The end of the JSON object that starts at `open`, or npos when it does not close.
std::size_t object_end(std::string_view s, std::size_t open) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = open; i < s.size(); ++i) {
        const char c = s[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{') {
            ++depth;
        } else if (c == '}' && --depth == 0) {
            return i;
        }
    }
    return std::string_view::npos;
}

std::optional<json> parse_object(std::string_view s) {
    const auto open = s.find('{');
    if (open == std::string_view::npos) {
        return std::nullopt;
    }
    const auto close = object_end(s, open);
    if (close == std::string_view::npos) {
        return std::nullopt;
    }
    json j = json::parse(s.substr(open, close - open + 1), nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return std::nullopt;
    }
    return j;
}

// Where the error object of a log line starts: after "Content:" (also "Content :"),
// npos when the line has none.
std::size_t content_marker(std::string_view lower) {
    for (auto at = lower.find("content"); at != std::string_view::npos; at = lower.find("content", at + 1)) {
        auto i = at + 7;
        while (i < lower.size() && lower[i] == ' ') {
            ++i;
        }
        if (i < lower.size() && lower[i] == ':') {
            return i + 1;
        }
    }
    return std::string_view::npos;
}

// The error object of a log line: after "Content:", or the whole message when it is
// one. Read as JSON; a copy from a document (typographic quotes, **bold** marks) is
// read after undoing those (in one pass: a long line costs linear time).
std::optional<json> embedded_error(std::string_view original, std::string_view lower) {
    std::string_view from = original;
    if (const auto at = content_marker(lower); at != std::string_view::npos) {
        from = original.substr(at);
    } else if (const auto first = original.find_first_not_of(" \t\r\n");
               first == std::string_view::npos || original[first] != '{') {
        return std::nullopt;
    }
    if (auto j = parse_object(from)) {
        return j;
    }
    const std::string quoted = straight_quotes(from);
    std::string lenient;
    lenient.reserve(quoted.size());
    for (std::size_t i = 0; i < quoted.size(); ++i) {
        if (quoted[i] == '*' && i + 1 < quoted.size() && quoted[i + 1] == '*') {
            ++i;
            continue;
        }
        lenient += quoted[i];
    }
    return parse_object(lenient);
}

std::string json_text(const json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        return {};
    }
    return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string simple_name(std::string_view exception) {
    const auto dot = exception.rfind('.');
    return std::string(dot == std::string_view::npos ? exception : exception.substr(dot + 1));
}

// The first "urn:..." after `after` in `s` (up to a quote, space or bracket).
std::string urn_after(std::string_view s, std::string_view after) {
    const auto at = after.empty() ? 0 : s.find(after);
    if (at == std::string_view::npos) {
        return {};
    }
    const auto urn = s.find("urn:", at);
    if (urn == std::string_view::npos) {
        return {};
    }
    const auto end = s.find_first_of("'\" ,)]", urn);
    return std::string(s.substr(urn, end == std::string_view::npos ? std::string_view::npos : end - urn));
}

void codes_in(std::string_view s, std::vector<std::string>& out) {
    for (std::size_t i = 0; i + 5 <= s.size(); ++i) {
        if (s[i] == 'D' && s[i + 1] == 'P' && std::isdigit(static_cast<unsigned char>(s[i + 2])) != 0 &&
            std::isdigit(static_cast<unsigned char>(s[i + 3])) != 0 &&
            std::isdigit(static_cast<unsigned char>(s[i + 4])) != 0 && (i == 0 || !letter_byte(s[i - 1])) &&
            (i + 5 == s.size() || !letter_byte(s[i + 5]))) {
            std::string code(s.substr(i, 5));
            if (std::find(out.begin(), out.end(), code) == out.end()) {
                out.push_back(std::move(code));
            }
        }
    }
}

void detail(Explanation& e, std::string key, std::string value) {
    if (!value.empty()) {
        e.details.emplace_back(std::move(key), std::move(value));
    }
}

// ---- recognising one message

struct Message {
    std::string_view original;
    std::string lower;  // ASCII lower case: same byte offsets as the original
    std::string f;      // folded: for phrases with æ, ø, å

    explicit Message(std::string_view text) : original(text), lower(text::ascii_lower(text)), f(folded(text)) {}
};

// The integrasjonspunkt's exceptions (simple class names) that lead to a known cause.
struct KnownException {
    std::string_view name;
    std::string_view cause;
};
constexpr std::array<KnownException, 13> kExceptions = {{
    {"ReceiverDoesNotAcceptProcessException", "receiver-process"},
    {"ReceiverDoNotAcceptProcessException", "receiver-process"},
    {"ReceiverDoesNotAcceptDocumentType", "receiver-process"},
    {"ReceiverDoNotAcceptDocumentStandard", "receiver-process"},
    {"MaxFileSizeExceededException", "size-exceeded"},
    {"MultipartFileToLargeException", "size-exceeded"},
    {"DuplicateFilenameException", "duplicate-filename"},
    {"FilenameTooLongException", "filename-too-long"},
    {"MissingAddressInformationException", "missing-address"},
    {"MissingPrimaryDocumentException", "main-document-count"},
    {"MultiplePrimaryDocumentsNotAllowedException", "main-document-count"},
    {"InvalidContentTypeException", "content-type"},
    {"BlockedByPreflight", "blocked-by-preflight"},
}};

std::string_view cause_of_exception(std::string_view name) {
    for (const auto& k : kExceptions) {
        if (k.name == name) {
            return k.cause;
        }
    }
    return {};
}

// An error object that was cut off (the log keeps only so many characters): the
// class name may still be there to read.
std::string exception_in_text(std::string_view original) {
    for (const auto& k : kExceptions) {
        const auto at = original.find(k.name);
        if (at != std::string_view::npos && (at == 0 || !letter_byte(original[at - 1]) || original[at - 1] == '.')) {
            return std::string(k.name);
        }
    }
    return {};
}

void explain_receiver(const std::string& message, const std::string& description, Explanation& e) {
    const std::string process = urn_after(message, "");
    const std::string type = urn_after(description, "document type");
    detail(e, "process", process);
    detail(e, "document-type", type);
    // Print (or not known): pages far from A4 are the usual cause. Another document
    // type: the receiver does not take this process or type at all.
    const bool print = type.empty() || contains(type, "print") || contains(type, "fysisk");
    e.cause = print ? "receiver-process" : "receiver-capability";
}

// True when the object explains the message (known exception, or one that is not
// known: then "unknown", with its fields; phrases are not looked for in a parsed
// error). False when the object has no exception at all.
bool explain_error_object(const json& j, const Message& m, Explanation& e) {
    const std::string exception = json_text(j, "exception");
    const std::string message = json_text(j, "message");
    const std::string description = json_text(j, "description");
    if (exception.empty()) {
        return false;
    }
    const std::string name = simple_name(exception);
    detail(e, "status", json_text(j, "status"));
    detail(e, "exception", exception);
    detail(e, "message", message);
    detail(e, "description", description);
    if (const std::string who = between(m.original, m.lower, "dispatch to ", {" failed", "("}); !who.empty()) {
        e.details.insert(e.details.begin(), {"recipient", who});
    }
    const std::string_view known = cause_of_exception(name);
    if (known == "blocked-by-preflight") {
        e.cause = "blocked-by-preflight";
        if (const auto f = j.find("findings"); f != j.end() && f->is_array()) {
            for (const auto& finding : *f) {
                if (finding.is_object() && finding.contains("code") && finding["code"].is_string()) {
                    const auto code = finding["code"].get<std::string>();
                    if (std::find(e.codes.begin(), e.codes.end(), code) == e.codes.end()) {
                        e.codes.push_back(code);
                    }
                }
            }
        }
        codes_in(message, e.codes);
    } else if (known == "receiver-process") {
        explain_receiver(message, description, e);
    } else if (!known.empty()) {
        e.cause = std::string(known);
    } else if (exception.rfind("preflight.", 0) == 0 || exception.rfind("no.preflight.", 0) == 0) {
        e.cause = "gate-error";
    } else {
        e.cause = "unknown";
    }
    return true;
}

// The status of a status line, as the integrasjonspunkt names it (LEVETID_UTLOPT,
// LEVERT, ...), from the folded text after the label; empty when not one.
std::string status_word(std::string_view after) {
    const auto first = after.find_first_not_of(" \"'«»()[]:");
    if (first == std::string_view::npos) {
        return {};
    }
    after.remove_prefix(first);
    struct Word {
        std::string_view text;
        std::string_view status;
    };
    static constexpr std::array<Word, 15> kWords = {{{"levetid_utlopt", "LEVETID_UTLOPT"},
                                                     {"levetid_utløpt", "LEVETID_UTLOPT"},
                                                     {"levetid utløpt", "LEVETID_UTLOPT"},
                                                     {"levetid utlopt", "LEVETID_UTLOPT"},
                                                     {"levert", "LEVERT"},
                                                     {"lest", "LEST"},
                                                     {"sendt", "SENDT"},
                                                     {"mottatt", "MOTTATT"},
                                                     {"overføring feilet", "FEIL"},
                                                     {"overføring_feilet", "FEIL"},
                                                     {"feil", "FEIL"},
                                                     {"opprettet", "OPPRETTET"},
                                                     {"annet", "ANNET"},
                                                     {"klar for sending", "OPPRETTET"},
                                                     {"innkommende", "INNKOMMENDE"}}};
    for (const auto& w : kWords) {
        if (after.substr(0, w.text.size()) == w.text && word_ends(after, w.text.size())) {
            return std::string(w.status);
        }
    }
    return {};
}

// "Mottaker: X Forsendelsesmåte: DPO Forsendelsesstatus oppdatert: LEVETID_UTLOPT"
// (or in English: "Recipient: X Dispatch method: DPO Dispatch status updated: ...").
bool explain_status_line(const Message& m, Explanation& e) {
    std::size_t label = std::string::npos;
    std::size_t label_size = 0;
    for (const std::string_view l :
         {std::string_view("forsendelsesstatus oppdatert:"), std::string_view("forsendelsesstatus oppdatert til"),
          std::string_view("dispatch status updated:")}) {
        if (const auto at = m.f.find(l); at != std::string::npos) {
            label = at;
            label_size = l.size();
            break;
        }
    }
    if (label == std::string::npos) {
        return false;
    }
    const std::string status = status_word(std::string_view(m.f).substr(label + label_size));
    if (status.empty()) {
        return false;
    }
    std::string recipient =
        between(m.original, m.lower, "mottaker:", {"forsendelsesm", "forsendelsesstatus", "dispatch "});
    if (recipient.empty()) {
        recipient = between(m.original, m.lower, "recipient:", {"dispatch ", "forsendelses"});
    }
    std::string method;
    for (const std::string_view key : {std::string_view("forsendelsesm"), std::string_view("dispatch method")}) {
        const auto fm = m.lower.find(key);
        const auto st = m.lower.find(key == "dispatch method" ? "dispatch status" : "forsendelsesstatus");
        if (fm == std::string::npos || st == std::string::npos || st < fm) {
            continue;
        }
        const auto colon = m.lower.find(':', fm);
        if (colon != std::string::npos && colon < st) {
            method = trimmed(m.original.substr(colon + 1, st - colon - 1));
            break;
        }
    }
    detail(e, "recipient", recipient);
    detail(e, "method", method);
    detail(e, "status", status);
    const std::string how = folded(method);
    const bool email = how == "e" || contains(how, "e-post") || contains(how, "epost") || contains(how, "e-mail") ||
                       contains(how, "email");
    const bool citizen = contains(how, "dpi") || contains(how, "innbygger") || contains(how, "citizen");
    if (status == "LEVETID_UTLOPT") {
        // Until a LEVERT or LEST before it says otherwise (pair_receipts). For digital
        // post to citizens, expiry after a day is the runbook's "no error" case.
        e.cause = citizen ? "failed-after-a-day" : "receipt-expired-undelivered";
    } else if (status == "LEVERT" || status == "LEST") {
        e.cause = "delivered";
    } else if (status == "SENDT" || status == "MOTTATT") {
        e.cause = email ? "email-sent" : "sent-waiting";
    } else if (status == "FEIL") {
        e.cause = "transfer-failed";
    } else {
        return false;  // OPPRETTET, ANNET, ...: not a failure by itself
    }
    return true;
}

constexpr std::array<std::string_view, 24> kMissing = {
    "mangler",      "manglet",      "mangla",         "kom ikke",           "kom aldri",
    "ikke fått",    "ikke fikk",    "fikk ikke",      "ikke var med",       "var ikke med",
    "ikke med",     "uten vedlegg", "uten hoveddok",  "bare hoveddokument", "bare vedlegg",
    "missing",      "not received", "never received", "did not get",        "didn't get",
    "not included", "without the",  "without attach", "only received the"};
constexpr std::array<std::string_view, 12> kDay = {"24 timer", "24 t ", "24t",   "døgn",    "24 hours", "24 hrs",
                                                   "24h",      "24 h ", "a day", "one day", "next day", "dagen etter"};

// Words that make an unrecognised line worth showing (as unknown) rather than an
// ordinary line of the log. Whole words: "Returadresse" or "Feilretting" are not.
constexpr std::array<std::string_view, 20> kFailureWords = {
    "feil",      "feilet",    "failed",   "failure",        "error",    "exception", "avvist",
    "avviste",   "mislyktes", "rejected", "ugyldig",        "ugyldige", "invalid",   "retur",
    "returpost", "utløpt",    "expired",  "levetid_utlopt", "levetid",  "bounced"};
constexpr std::array<std::string_view, 6> kFailurePhrases = {"kan ikke",  "klarte ikke", "klarer ikke",
                                                             "could not", "cannot",      "can not"};
constexpr std::array<std::string_view, 8> kNoFailure = {
    "uten feil",   "ingen feil", "without error", "no error", "fra overføring feilet", "from transfer failed",
    "feilretting", "bugfix"};

bool reads_like_failure(const std::string& f) {
    if (any_of(f, kNoFailure)) {
        return false;
    }
    return any_of(f, kFailurePhrases) ||
           std::any_of(kFailureWords.begin(), kFailureWords.end(), [&](std::string_view w) { return has_word(f, w); });
}

bool explain_signing(const Message& m, Explanation& e) {
    const std::string& f = m.f;
    const bool job_status = contains(f, "signaturejobstatuschange");
    if (!job_status && !contains(f, "signeringsoppdrag") && !contains(f, "signing job")) {
        return false;
    }
    if (job_status || contains(f, "mislyktes")) {
        if (contains(f, "utløpt") || contains(f, "expired")) {
            e.cause = "signing-expired";
        } else if (contains(f, "avvist") || contains(f, "rejected") || contains(f, "declined")) {
            e.cause = "signing-rejected";
        } else {
            return false;
        }
        detail(e, "recipient",
               between(m.original, m.lower, "mislyktes:", {" utl", " avvist", " expired", " rejected", ","}));
        return true;
    }
    if (any_of(f, std::array<std::string_view, 5>{"har utløpt", "gikk ut", "løp ut", "has expired", "expired"})) {
        e.cause = "signing-expired";
    } else if (any_of(f,
                      std::array<std::string_view, 5>{"avviste", "ble avvist", "har avvist", "rejected", "declined"})) {
        e.cause = "signing-rejected";
    } else if (any_of(f, std::array<std::string_view, 14>{"ikke mottatt", "aldri mottatt", "ikke fått", "aldri fått",
                                                          "fikk ikke", "nekter for", "aldri kom", "kom aldri",
                                                          "kom ikke", "not received", "never received",
                                                          "did not receive", "never got", "did not get"})) {
        e.cause = "signing-not-received";
    } else {
        return false;
    }
    return true;
}

bool explain_missing_documents(const std::string& f, Explanation& e) {
    const bool attachment = contains(f, "vedlegg") || contains(f, "attachment");
    const bool main_doc = contains(f, "hoveddokument") || contains(f, "main document");
    const bool document = attachment || main_doc || has_word(f, "dokument") || has_word(f, "dokumenter") ||
                          has_word(f, "dokumentene") || has_word(f, "document") || has_word(f, "documents");
    if (!document || !any_of(f, kMissing)) {
        return false;
    }
    // "Fikk bare hoveddokumentet" and "the main document only" mean the attachments
    // are missing; "hoveddokumentet mangler" and "fikk bare vedlegget" the main one.
    const bool only_main =
        any_of(f, std::array<std::string_view, 5>{"bare hoveddokument", "kun hoveddokument", "only the main document",
                                                  "only received the main", "only got the main"});
    const bool main_missing =
        any_of(f, std::array<std::string_view, 10>{"hoveddokumentet mangler", "hoveddokumentet manglet",
                                                   "mangler hoveddokument", "uten hoveddokument", "fikk ikke hoveddok",
                                                   "bare vedlegg", "kun vedlegg", "main document is missing",
                                                   "main document was missing", "without the main document"});
    e.cause = main_missing && !only_main ? "main-document-missing" : "attachments-missing";
    return true;
}

bool explain_phrases(const Message& m, Explanation& e) {
    const std::string& f = m.f;
    if (contains(f, "stoppet av preflight") || contains(f, "stopped by preflight")) {
        e.cause = "blocked-by-preflight";
        codes_in(m.original, e.codes);
        return true;
    }
    if (contains(f, "ugyldige verdier hos mottaker") || contains(f, "invalid values at the recipient")) {
        e.cause = "recipient-not-looked-up";
        return true;
    }
    if (contains(f, "alle signatarer må ha gyldig fødselsnummer") ||
        (contains(f, "signatar") && contains(f, "reserv")) || contains(f, "signers must have a valid")) {
        e.cause = "signer-reserved";
        return true;
    }
    if (const auto over = f.find("kan ikke overskride"); over != std::string::npos) {
        const std::string_view rest = std::string_view(f).substr(over);
        if (contains(rest, "byte")) {
            e.cause = "signing-size";
            const auto digits = rest.find_first_of("0123456789");
            if (digits != std::string_view::npos && digits < 24) {
                const auto end = rest.find_first_not_of("0123456789", digits);
                detail(e, "limit", std::string(rest.substr(digits, end - digits)));
            }
            return true;
        }
        if (contains(f, "tittel") || contains(f, "title")) {
            e.cause = "title-too-long";
            return true;
        }
    }
    if (explain_signing(m, e)) {
        return true;
    }
    if (contains(f, "returpost") || contains(f, "klarer ikke å sende brev til mottaker via post") ||
        contains(f, "posten ikke har blitt levert til mottaker") || contains(f, "kom i retur") ||
        contains(f, "return mail") || contains(f, "returned to sender") || contains(f, "returned by post")) {
        e.cause = "return-mail";
        std::string who = between(m.original, m.lower, "mottaker:", {";", "beskrivelse"});
        if (who.empty()) {
            who = between(m.original, m.lower, "til:", {" - ", " klarer"});
        }
        detail(e, "recipient", who);
        return true;
    }
    if (explain_status_line(m, e)) {
        return true;
    }
    if (explain_missing_documents(f, e)) {
        return true;
    }
    // Status F after sending: "tilbake til F", "fra E til F". Setting a draft to F
    // ("fra R til F", "satt til F") is the normal way to send, not a failure.
    const bool back_to_f =
        any_of(f, std::array<std::string_view, 8>{"tilbake til f", "fra e til f", "fra j til f", "back to f",
                                                  "from e to f", "from j to f", "e → f", "j → f"}) &&
        (has_word(f, "f") || contains(f, "«f»"));
    const bool fixed = contains(f, "fra overføring feilet") || contains(f, "from transfer failed");
    const bool transfer_failed = !fixed && (contains(f, "overføring feilet") || contains(f, "transfer failed"));
    const bool status_f = has_word(f, "status f") || contains(f, "status «f»") || contains(f, "status \"f\"") ||
                          has_word(f, "til f") || has_word(f, "to f");
    if ((transfer_failed || back_to_f || status_f) && any_of(f, kDay)) {
        e.cause = "failed-after-a-day";
        return true;
    }
    if (transfer_failed || back_to_f) {
        e.cause = "transfer-failed";
        return true;
    }
    if ((contains(f, "sendt") || has_word(f, "sent")) &&
        (contains(f, "ikke levert") || contains(f, "not delivered") || contains(f, "fortsatt") ||
         contains(f, "fremdeles") || contains(f, "still") || contains(f, "stays") || contains(f, "e-boks") ||
         contains(f, "eboks") || contains(f, "står som"))) {
        e.cause = "sent-waiting";
        return true;
    }
    return false;
}

// Remarks that hold whatever the cause: the training environment's test recipients
// (named in full: Elements masks every fødselsnummer as 291293*****, so a masked
// one says nothing).
void add_notes(const Message& m, Explanation& e) {
    if (contains(m.original, "29129319060") || contains(m.original, "291293 19060")) {
        e.notes.emplace_back("explain.note.training-person");
    }
    if (has_word(m.original, "987464291")) {
        e.notes.emplace_back("explain.note.training-digdir");
    }
}

// A leading timestamp of a log entry: "18.07.2022 09:14(:37)" or ISO 8601.
std::optional<std::chrono::sys_seconds> leading_time(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return std::nullopt;
    }
    s.remove_prefix(first);
    if (s.size() >= 16 && s[2] == '.' && s[5] == '.' && s[10] == ' ' && s[13] == ':') {
        const bool seconds = s.size() >= 19 && s[16] == ':';
        const std::string iso = fmt::format("{}-{}-{}T{}:{}", s.substr(6, 4), s.substr(3, 2), s.substr(0, 2),
                                            s.substr(11, 5), seconds ? s.substr(17, 2) : "00");
        return parse_time(iso);
    }
    for (const std::size_t n : {29U, 25U, 24U, 20U, 19U}) {
        if (s.size() >= n) {
            if (auto t = parse_time(s.substr(0, n))) {
                return t;
            }
        }
    }
    return std::nullopt;
}

Explanation explain_one(const Entry& entry, bool alone, bool& ignored) {
    const Message m(entry.text);
    Explanation e;
    e.line = entry.line;
    e.text = entry.text;
    e.logged = leading_time(entry.text);
    ignored = false;
    bool known = false;
    if (const auto j = embedded_error(m.original, m.lower)) {
        known = explain_error_object(*j, m, e);
        if (!known) {
            // An error object without "exception": its message and description are
            // what the phrases are looked for in, with the text before it.
            const auto at = content_marker(m.lower);
            const std::string text = std::string(m.original.substr(0, at == std::string::npos ? 0 : at)) + " " +
                                     json_text(*j, "message") + " " + json_text(*j, "description");
            known = explain_phrases(Message(text), e);
        }
    } else if (content_marker(m.lower) != std::string::npos) {
        if (const std::string name = exception_in_text(m.original); !name.empty()) {
            known = explain_error_object(json{{"exception", name}}, m, e);
        }
    }
    if (!known) {
        known = explain_phrases(m, e);
    }
    if (!known) {
        if (!alone && !reads_like_failure(m.f)) {
            ignored = true;
            return e;
        }
        e.cause = "unknown";
    }
    const Cause& c = cause(e.cause);
    e.kind = c.kind;
    if (e.codes.empty()) {
        e.codes.assign(c.codes.begin(), c.codes.end());
    }
    add_notes(m, e);
    return e;
}

std::string detail_of(const Explanation& e, std::string_view key) {
    for (const auto& [k, v] : e.details) {
        if (k == key) {
            return v;
        }
    }
    return {};
}

// Is a before b in time? By their timestamps when both have one, else by line (a
// log without timestamps is taken as oldest first).
bool earlier(const Explanation& a, const Explanation& b) {
    if (a.logged && b.logged && *a.logged != *b.logged) {
        return *a.logged < *b.logged;
    }
    return a.line < b.line;
}

bool status_line(const Explanation& e) { return !detail_of(e, "status").empty() && !detail_of(e, "recipient").empty(); }

std::string recipient_key(const Explanation& e) {
    return folded(detail_of(e, "recipient")) + "|" + folded(detail_of(e, "method"));
}

// Status lines are judged by what came before and after for the same recipient
// (and dispatch method): LEVETID_UTLOPT after LEVERT or LEST only means the receipt
// expired (set the status back to the last of them); SENDT or a failure followed by
// LEVERT or LEST was delivered after all.
void pair_receipts(std::vector<Explanation>& items) {
    std::map<std::string, std::vector<const Explanation*>> delivered;
    for (const auto& e : items) {
        if (e.cause == "delivered" && status_line(e)) {
            delivered[recipient_key(e)].push_back(&e);
        }
    }
    for (auto& e : items) {
        if (!status_line(e) || e.cause == "delivered") {
            continue;
        }
        const auto it = delivered.find(recipient_key(e));
        if (it == delivered.end()) {
            continue;
        }
        const Explanation* last_before = nullptr;
        const Explanation* first_after = nullptr;
        for (const Explanation* d : it->second) {
            if (earlier(*d, e)) {
                if (last_before == nullptr || earlier(*last_before, *d)) {
                    last_before = d;
                }
            } else if (first_after == nullptr || earlier(*d, *first_after)) {
                first_after = d;
            }
        }
        if (detail_of(e, "status") == "LEVETID_UTLOPT" && last_before != nullptr) {
            e.cause = "receipt-expired";
            e.kind = cause("receipt-expired").kind;
            e.codes.clear();
            e.args = {{"restore", detail_of(*last_before, "status")}};
        } else if (detail_of(e, "status") != "LEVETID_UTLOPT" && first_after != nullptr) {
            e.kind = Kind::fine;
            e.notes.emplace_back("explain.note.delivered-later");
        }
    }
}

// ---- reading the input

std::string from_utf16(std::string_view s, bool little) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i + 1 < s.size(); i += 2) {
        const auto lo = static_cast<unsigned char>(s[little ? i : i + 1]);
        const auto hi = static_cast<unsigned char>(s[little ? i + 1 : i]);
        char32_t c = static_cast<char32_t>((hi << 8U) | lo);
        if (c >= 0xD800 && c < 0xDC00 && i + 3 < s.size()) {
            const auto lo2 = static_cast<unsigned char>(s[little ? i + 2 : i + 3]);
            const auto hi2 = static_cast<unsigned char>(s[little ? i + 3 : i + 2]);
            const auto c2 = static_cast<char32_t>((hi2 << 8U) | lo2);
            if (c2 >= 0xDC00 && c2 < 0xE000) {
                c = 0x10000 + ((c - 0xD800) << 10U) + (c2 - 0xDC00);
                i += 2;
            }
        }
        text::append_utf8(out, c);
    }
    return out;
}

std::string decoded(std::string_view input) {
    if (input.size() >= 2 && static_cast<unsigned char>(input[0]) == 0xFF &&
        static_cast<unsigned char>(input[1]) == 0xFE) {
        return from_utf16(input.substr(2), true);
    }
    if (input.size() >= 2 && static_cast<unsigned char>(input[0]) == 0xFE &&
        static_cast<unsigned char>(input[1]) == 0xFF) {
        return from_utf16(input.substr(2), false);
    }
    if (input.size() >= 3 && input.substr(0, 3) == "\xEF\xBB\xBF") {
        input.remove_prefix(3);
    }
    return text::printable(input);
}

int brace_balance(std::string_view line) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{') {
            ++depth;
        } else if (c == '}') {
            --depth;
        }
    }
    return depth;
}

}  // namespace

std::string_view to_string(Kind k) {
    switch (k) {
        case Kind::fine:
            return "fine";
        case Kind::wait:
            return "wait";
        case Kind::act:
            return "act";
        case Kind::unknown:
            break;
    }
    return "unknown";
}

std::string_view to_string(Preventable p) {
    switch (p) {
        case Preventable::yes:
            return "yes";
        case Preventable::partly:
            return "partly";
        case Preventable::no:
            break;
    }
    return "no";
}

int urgency(Kind k) {
    switch (k) {
        case Kind::act:
            return 0;
        case Kind::unknown:
            return 1;
        case Kind::wait:
            return 2;
        case Kind::fine:
            break;
    }
    return 3;
}

std::span<const Cause> causes() { return cause_table(); }

const Cause& cause(std::string_view id) {
    for (const auto& c : cause_table()) {
        if (c.id == id) {
            return c;
        }
    }
    throw std::out_of_range("no such cause: " + std::string(id));
}

std::vector<Entry> split_log(std::string_view input) {
    const std::string text = decoded(input);
    std::vector<Entry> out;
    constexpr std::size_t kMaxJoined = 200;
    // What is read of one message: error objects are small; a 50 MB line is not a
    // log message, and is read only this far (linear time and memory).
    constexpr std::size_t kMaxEntry = std::size_t{64} * 1024;
    const auto append = [&](std::string& to, std::string_view from) {
        std::size_t n = std::min(from.size(), kMaxEntry > to.size() ? kMaxEntry - to.size() : 0);
        while (n < from.size() && n > 0 && (static_cast<unsigned char>(from[n]) & 0xC0U) == 0x80U) {
            --n;  // not inside a UTF-8 sequence
        }
        to.append(from.substr(0, n));
    };
    std::size_t line_no = 0;
    std::size_t pos = 0;
    int depth = 0;
    std::size_t joined = 0;
    bool want_object = false;  // the last line ended with "Content:"
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string::npos) {
            end = text.size();
        }
        std::string_view line(text.data() + pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        const auto first = line.find_first_not_of(" \t\f\v");
        const bool blank = first == std::string_view::npos;
        // Inside an object, a line goes with it when it reads like JSON: it starts
        // (after any indentation) with a quote or bracket. A log entry starts with a
        // date or a word, so a cut-off object cannot swallow the messages after it,
        // however the log is indented.
        const std::string_view lead = blank ? std::string_view() : line.substr(first);
        const bool json_like = !blank && (std::string_view("\"{}[],").find(lead.front()) != std::string_view::npos ||
                                          lead.substr(0, 3) == "\u201c" || lead.substr(0, 3) == "\u201d");
        const bool continues = (depth > 0 && joined < kMaxJoined && json_like) || (want_object && lead.front() == '{');
        if (!out.empty() && !blank && continues) {
            out.back().text += '\n';
            append(out.back().text, line);
            depth += brace_balance(line);
            want_object = false;
            ++joined;
            continue;
        }
        depth = 0;
        joined = 0;
        want_object = false;
        if (blank) {
            continue;
        }
        out.push_back({line_no, {}});
        append(out.back().text, line);
        depth = std::max(0, brace_balance(line));
        if (depth == 0) {
            const std::string lower = text::ascii_lower(line);
            const auto marker = content_marker(lower);
            want_object = marker != std::string::npos &&
                          std::string_view(lower).substr(marker).find_first_not_of(" \t") == std::string_view::npos;
        }
    }
    return out;
}

bool looks_binary(std::string_view input) { return decoded(input).find('\0') != std::string::npos; }

std::size_t Result::count(Kind k) const {
    return static_cast<std::size_t>(
        std::count_if(items.begin(), items.end(), [k](const Explanation& e) { return e.kind == k; }));
}

bool Result::needs_action() const { return count(Kind::act) > 0 || count(Kind::unknown) > 0; }

Result explain_log(std::string_view input) {
    Result r;
    const auto entries = split_log(input);
    r.entries = entries.size();
    for (const auto& entry : entries) {
        bool ignored = false;
        Explanation e = explain_one(entry, entries.size() == 1, ignored);
        if (ignored) {
            ++r.ignored;
        } else {
            r.items.push_back(std::move(e));
        }
    }
    pair_receipts(r.items);
    return r;
}

void apply_report(Result& result, const Report& report, const std::string& manifest, Lang lang) {
    result.manifest_checked = true;
    result.manifest = manifest;
    for (auto& e : result.items) {
        for (const auto& f : report.findings) {
            if (std::find(e.codes.begin(), e.codes.end(), f.code) == e.codes.end()) {
                continue;
            }
            e.applies.push_back(
                {f.code, f.check, f.severity, f.document.value_or(""), catalogue::text(f.message_id, lang, f.args)});
        }
        // A cause with more than one possible reason («Receiver do not accept»): say
        // which of them the manifest shows (the catalogue's notes per check).
        for (const auto& c : catalogue::cause_checks()) {
            if (c.cause != e.cause || c.notes.empty()) {
                continue;
            }
            bool shown = false;
            for (const auto& note : c.notes) {
                const std::string_view code = note.first;
                if (std::any_of(report.findings.begin(), report.findings.end(),
                                [&](const Finding& f) { return f.code == code && f.severity == Severity::block; })) {
                    e.notes.emplace_back(note.second);
                    shown = true;
                }
            }
            if (!shown) {
                e.notes.emplace_back(c.otherwise);
            }
        }
    }
}

// ---- statuses

std::optional<std::chrono::sys_seconds> parse_time(std::string_view s) {
    const auto digits = [&](std::size_t at, std::size_t n) -> std::optional<int> {
        if (at + n > s.size()) {
            return std::nullopt;
        }
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) {
                return std::nullopt;
            }
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    const auto y = digits(0, 4);
    const auto mo = digits(5, 2);
    const auto d = digits(8, 2);
    const auto h = digits(11, 2);
    const auto mi = digits(14, 2);
    const auto se = digits(17, 2);
    if (!y || !mo || !d || !h || !mi || !se || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
        s[13] != ':' || s[16] != ':') {
        return std::nullopt;
    }
    const std::chrono::year_month_day ymd{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*mo)},
                                          std::chrono::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok() || *h > 23 || *mi > 59 || *se > 60) {
        return std::nullopt;
    }
    std::size_t i = 19;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) {
            ++i;
        }
    }
    int offset = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        const auto oh = digits(i + 1, 2);
        const bool colon = i + 3 < s.size() && s[i + 3] == ':';
        const auto om = digits(i + (colon ? 4 : 3), 2);
        if (!oh || !om) {
            return std::nullopt;
        }
        offset = (s[i] == '-' ? -1 : 1) * (*oh * 60 + *om);
        i += colon ? 6 : 5;
    } else if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
        ++i;
    }
    if (i != s.size()) {
        return std::nullopt;
    }
    return std::chrono::sys_days{ymd} + std::chrono::hours{*h} + std::chrono::minutes{*mi - offset} +
           std::chrono::seconds{*se};
}

namespace {

struct Status {
    long long id = 0;
    std::string status;
    std::string last_update;
    std::optional<std::chrono::sys_seconds> when;
    std::string description;
};

struct Conversation {
    MessageVerdict verdict;
    std::vector<Status> statuses;
};

Status read_status(const json& s) {
    Status st;
    if (const auto it = s.find("id"); it != s.end() && it->is_number_integer()) {
        st.id = it->get<long long>();
    }
    st.status = json_text(s, "status");
    st.last_update = json_text(s, "lastUpdate");
    st.when = parse_time(st.last_update);
    st.description = json_text(s, "description");
    return st;
}

// The items of an export: a page ({"content": [...]}), a list of them, or a list.
void collect(const json& j, std::vector<const json*>& out) {
    if (j.is_object() && j.contains("content") && j["content"].is_array()) {
        collect(j["content"], out);
    } else if (j.is_array()) {
        for (const auto& item : j) {
            if (item.is_object() && item.contains("content") && item["content"].is_array()) {
                collect(item["content"], out);
            } else if (item.is_object()) {
                out.push_back(&item);
            }
        }
    } else if (j.is_object() && (j.contains("status") || j.contains("messageStatuses"))) {
        out.push_back(&j);
    }
}

void decide(Conversation& c, std::chrono::system_clock::time_point now) {
    auto& v = c.verdict;
    std::stable_sort(c.statuses.begin(), c.statuses.end(), [](const Status& a, const Status& b) {
        if (a.when && b.when && *a.when != *b.when) {
            return *a.when < *b.when;
        }
        return a.id < b.id;
    });
    for (const auto& s : c.statuses) {
        v.history += (v.history.empty() ? "" : ", ") + s.status;
    }
    const Status& last = c.statuses.back();
    std::string restore;  // the last LEVERT or LEST before the latest status
    for (std::size_t i = 0; i + 1 < c.statuses.size(); ++i) {
        if (c.statuses[i].status == "LEVERT" || c.statuses[i].status == "LEST") {
            restore = c.statuses[i].status;
        }
    }
    v.updated = last.when;
    // In seconds: a time stamp in year 9999 is valid, but not in system_clock's nanoseconds.
    const auto now_s = std::chrono::floor<std::chrono::seconds>(now);
    const bool old = last.when && now_s - *last.when > std::chrono::hours(24);
    v.status = last.status;
    v.last_update = last.last_update;
    v.description = last.description;
    const std::string d = folded(last.description);
    const auto set = [&](Kind k, const char* reason, MessageArgs args = {}) {
        v.kind = k;
        v.reason = std::string("explain.status.") + reason;
        v.args = std::move(args);
    };
    const std::string& s = last.status;
    if (s == "LEVERT" || s == "LEST") {
        set(Kind::fine, s == "LEST" ? "read" : "delivered");
    } else if (s == "INNKOMMENDE_MOTTATT" || s == "INNKOMMENDE_LEVERT") {
        set(Kind::fine, "incoming");
    } else if (s == "LEVETID_UTLOPT") {
        // The letter arrived when a receipt came before; the archive's status must
        // still be set back, so it is on the list of things to do.
        if (!restore.empty()) {
            set(Kind::act, "receipt-expired", {{"restore", restore}});
        } else {
            set(Kind::act, v.service == "DPI" ? "dpi-expired" : "receipt-expired-undelivered");
        }
    } else if (s == "FEIL") {
        if (contains(d, "ikke har blitt levert til mottaker") || contains(d, "returpost")) {
            set(Kind::act, "return-mail");
        } else if (contains(d, "varsling ikke har blitt sendt") || contains(d, "varsling feilet")) {
            set(Kind::wait, "notification-failed");
        } else {
            set(Kind::act, "error");
        }
    } else if (s == "SENDT") {
        if (v.service == "DPI") {
            set(old ? Kind::act : Kind::wait, old ? "sent-dpi-old" : "sent-dpi");
        } else {
            set(Kind::wait, v.service.empty() ? "sent-unknown" : "sent");
        }
    } else if (s == "MOTTATT") {
        set(Kind::wait, "received");
    } else if (s == "OPPRETTET") {
        const bool stuck = last.when && now_s - *last.when > std::chrono::hours(1);
        set(stuck ? Kind::act : Kind::wait, stuck ? "created-stuck" : "created");
    } else if (s == "ANNET") {
        set(Kind::wait, "other");
    } else {
        set(Kind::unknown, "unknown", {{"status", s}});
    }
}

}  // namespace

std::size_t StatusResult::count(Kind k) const {
    return static_cast<std::size_t>(
        std::count_if(messages.begin(), messages.end(), [k](const MessageVerdict& m) { return m.kind == k; }));
}

StatusResult sort_statuses(std::string_view json_text_in, const std::string& file,
                           std::chrono::system_clock::time_point now) {
    std::string input = decoded(json_text_in);
    json root;
    try {
        root = parse_json(input);
    } catch (const JsonSyntaxError& e) {
        const auto at = position_of(input, e.offset);
        throw UsageError("error.manifest.syntax", {{"file", file},
                                                   {"line", std::to_string(at.line)},
                                                   {"column", std::to_string(at.column)},
                                                   {"detail", e.detail}});
    }
    std::vector<const json*> items;
    collect(root, items);
    StatusResult r;
    std::map<std::string, std::size_t> index;  // message id -> conversation
    std::vector<Conversation> conversations;
    for (const json* item : items) {
        if (item->contains("messageStatuses") && (*item)["messageStatuses"].is_array()) {
            Conversation c;
            c.verdict.message_id = json_text(*item, "messageId");
            c.verdict.conversation_id = json_text(*item, "conversationId");
            c.verdict.service = json_text(*item, "serviceIdentifier");
            c.verdict.title = json_text(*item, "messageTitle");
            c.verdict.receiver = json_text(*item, "receiverIdentifier");
            for (const auto& s : (*item)["messageStatuses"]) {
                if (s.is_object()) {
                    c.statuses.push_back(read_status(s));
                    ++r.statuses;
                }
            }
            if (!c.statuses.empty()) {
                conversations.push_back(std::move(c));
            }
            continue;
        }
        if (!item->contains("status")) {
            continue;
        }
        std::string id = json_text(*item, "messageId");
        if (id.empty()) {
            id = json_text(*item, "conversationId");
        }
        if (id.empty() && item->contains("convId")) {
            id = "conv-" + json_text(*item, "convId");
        }
        if (id.empty()) {
            id = "item-" + std::to_string(conversations.size());  // belongs to no other
        }
        auto [it, fresh] = index.emplace(id, conversations.size());
        if (fresh) {
            Conversation c;
            c.verdict.message_id = json_text(*item, "messageId");
            c.verdict.conversation_id = json_text(*item, "conversationId");
            conversations.push_back(std::move(c));
        }
        conversations[it->second].statuses.push_back(read_status(*item));
        ++r.statuses;
    }
    if (r.statuses == 0) {
        throw UsageError("error.explain.no-statuses", {{"file", file}});
    }
    for (auto& c : conversations) {
        decide(c, now);
        r.messages.push_back(std::move(c.verdict));
    }
    // Most urgent first; within a category, oldest first (undated last).
    std::stable_sort(r.messages.begin(), r.messages.end(), [](const MessageVerdict& a, const MessageVerdict& b) {
        if (urgency(a.kind) != urgency(b.kind)) {
            return urgency(a.kind) < urgency(b.kind);
        }
        if (a.updated && b.updated) {
            return *a.updated < *b.updated;
        }
        return a.updated.has_value() && !b.updated.has_value();
    });
    return r;
}

}  // namespace preflight::explain
