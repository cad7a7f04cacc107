#include "validator/explain.hpp"

#include "validator/catalogue.hpp"
#include "validator/error.hpp"
#include "validator/identifiers.hpp"
#include "validator/manifest.hpp"
#include "validator/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>

namespace preflight::explain {
namespace {

using json = nlohmann::json;

// The knowledge: every failure mode of the runbook and the brief, and the errors
// of the integrasjonspunkt and of the gate that lead to one of them.
const std::vector<Cause>& cause_table() {
    static const std::vector<Cause> table = {
        {"recipient-not-looked-up", Kind::act, Preventable::yes, {"DP501", "DP502", "DP503"}},
        {"return-mail", Kind::act, Preventable::partly, {"DP505", "DP504"}},
        {"failed-after-a-day", Kind::act, Preventable::yes, {"DP101", "DP201"}},
        {"transfer-failed", Kind::act, Preventable::partly, {"DP101", "DP201", "DP505"}},
        {"receiver-process", Kind::act, Preventable::yes, {"DP301", "DP507"}},
        {"size-exceeded", Kind::act, Preventable::yes, {"DP201"}},
        {"duplicate-filename", Kind::act, Preventable::yes, {"DP405"}},
        {"filename-too-long", Kind::act, Preventable::yes, {"DP101"}},
        {"missing-address", Kind::act, Preventable::yes, {"DP505"}},
        {"receipt-expired", Kind::fine, Preventable::no, {}},
        {"receipt-expired-undelivered", Kind::act, Preventable::no, {}},
        {"delivered", Kind::fine, Preventable::no, {}},
        {"sent-waiting", Kind::wait, Preventable::partly, {"DP506", "DP101", "DP201"}},
        {"email-sent", Kind::fine, Preventable::no, {}},
        {"signer-reserved", Kind::act, Preventable::yes, {"DP512", "DP511"}},
        {"signing-size", Kind::act, Preventable::yes, {"DP202"}},
        {"signing-expired", Kind::act, Preventable::no, {}},
        {"signing-rejected", Kind::act, Preventable::no, {}},
        {"signing-not-received", Kind::act, Preventable::no, {}},
        {"attachments-missing", Kind::act, Preventable::yes, {"DP406", "DP405"}},
        {"main-document-missing", Kind::act, Preventable::yes, {"DP405", "DP404"}},
        {"blocked-by-preflight", Kind::act, Preventable::yes, {}},
        {"gate-error", Kind::act, Preventable::no, {}},
        {"unknown", Kind::unknown, Preventable::no, {}},
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

// `word` in `hay` with no letter or digit right before or after it.
bool has_word(std::string_view hay, std::string_view word) {
    for (auto at = hay.find(word); at != std::string_view::npos; at = hay.find(word, at + 1)) {
        const bool left = at == 0 || !letter_byte(hay[at - 1]);
        const bool right = at + word.size() == hay.size() || !letter_byte(hay[at + word.size()]);
        if (left && right) {
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

// The error object of a log line: after "Content:", or the whole message when it is
// one. Read as JSON; a copy from a document (typographic quotes, **bold** marks) is
// read after undoing those.
std::optional<json> embedded_error(std::string_view original, std::string_view lower) {
    std::string_view from = original;
    if (const auto at = lower.find("content:"); at != std::string_view::npos) {
        from = original.substr(at + 8);
    } else if (const auto first = original.find_first_not_of(" \t\r\n");
               first == std::string_view::npos || original[first] != '{') {
        return std::nullopt;
    }
    if (auto j = parse_object(from)) {
        return j;
    }
    std::string lenient = straight_quotes(from);
    for (auto at = lenient.find("**"); at != std::string::npos; at = lenient.find("**", at)) {
        lenient.erase(at, 2);
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
};

bool explain_error_object(const json& j, const Message& m, Explanation& e) {
    const std::string exception = json_text(j, "exception");
    const std::string message = json_text(j, "message");
    const std::string description = json_text(j, "description");
    const std::string name = simple_name(exception);
    detail(e, "status", json_text(j, "status"));
    detail(e, "exception", exception);
    detail(e, "message", message);
    detail(e, "description", description);
    if (const std::string who = between(m.original, m.lower, "dispatch to ", {" failed", "("}); !who.empty()) {
        e.details.insert(e.details.begin(), {"recipient", who});
    }
    if (name == "BlockedByPreflight") {
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
        return true;
    }
    if (exception.rfind("preflight.", 0) == 0 || exception.rfind("no.preflight.", 0) == 0) {
        e.cause = "gate-error";
        return true;
    }
    if (name == "ReceiverDoesNotAcceptProcessException" || name == "ReceiverDoNotAcceptProcessException" ||
        name == "ReceiverDoesNotAcceptDocumentType" || name == "ReceiverDoNotAcceptDocumentStandard") {
        e.cause = "receiver-process";
        const std::string process = urn_after(message, "");
        const std::string type = urn_after(description, "document type");
        detail(e, "process", process);
        detail(e, "document-type", type);
        e.notes.emplace_back(contains(type, "print") || contains(type, "fysisk") ? "explain.note.print-route"
                                                                                 : "explain.note.no-service-record");
        return true;
    }
    if (name == "MaxFileSizeExceededException" || name == "MultipartFileToLargeException") {
        e.cause = "size-exceeded";
        return true;
    }
    if (name == "DuplicateFilenameException") {
        e.cause = "duplicate-filename";
        return true;
    }
    if (name == "FilenameTooLongException") {
        e.cause = "filename-too-long";
        return true;
    }
    if (name == "MissingAddressInformationException") {
        e.cause = "missing-address";
        return true;
    }
    return false;  // not known by its class: the phrases may still know it
}

// "Mottaker: X Forsendelsesmåte: DPO Forsendelsesstatus oppdatert: LEVETID_UTLOPT"
bool explain_status_line(const Message& m, Explanation& e) {
    const auto at = m.lower.find("forsendelsesstatus oppdatert:");
    if (at == std::string::npos) {
        return false;
    }
    constexpr std::size_t kLabel = std::string_view("forsendelsesstatus oppdatert:").size();
    const auto from = m.original.find_first_not_of(" \t", at + kLabel);
    const auto to = from == std::string_view::npos ? from : m.original.find_first_of(" \t,;.", from);
    const std::string status =
        from == std::string_view::npos ? std::string() : std::string(m.original.substr(from, to - from));
    const std::string recipient = between(m.original, m.lower, "mottaker:", {"forsendelsesm", "forsendelsesstatus"});
    std::string method;
    if (const auto fm = m.lower.find("forsendelsesm"); fm != std::string::npos) {
        const auto colon = m.lower.find(':', fm);
        if (colon != std::string::npos && colon < at) {
            method = trimmed(m.original.substr(colon + 1, at - colon - 1));
        }
    }
    detail(e, "recipient", recipient);
    detail(e, "method", method);
    detail(e, "status", status);
    const std::string s = text::ascii_lower(status);
    const std::string how = folded(method);
    if (s == "levetid_utlopt") {
        e.cause = "receipt-expired-undelivered";  // until a LEVERT or LEST says otherwise
    } else if (s == "levert" || s == "lest") {
        e.cause = "delivered";
    } else if (s == "sendt" || s == "mottatt") {
        e.cause = contains(how, "post") && (contains(how, "e-post") || contains(how, "epost") || how == "e")
                      ? "email-sent"
                      : "sent-waiting";
    } else if (s == "feil" || contains(folded(m.original), "overføring feilet")) {
        e.cause = "transfer-failed";
    } else {
        return false;
    }
    return true;
}

constexpr std::array<std::string_view, 12> kMissing = {"mangler",      "manglet",        "mangla",      "kom ikke",
                                                       "kom aldri",    "ikke fått",      "ikke fikk",   "missing",
                                                       "not received", "never received", "did not get", "without"};
constexpr std::array<std::string_view, 12> kDay = {"24 timer", "24 t ", "24t",   "døgn",    "24 hours", "24 hrs",
                                                   "24h",      "24 h ", "a day", "one day", "next day", "dagen etter"};
constexpr std::array<std::string_view, 14> kFailureWords = {
    "feil",        "failed",      "error",     "exception", "avvist",  "mislyktes", "kan ikke",
    "klarte ikke", "klarer ikke", "could not", "cannot",    "ugyldig", "invalid",   "retur"};

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
    if (const auto at = f.find("kan ikke overskride"); at != std::string::npos || contains(f, "3145728 bytes")) {
        e.cause = "signing-size";
        const auto& lower = m.lower;
        const auto over = lower.find("overskride");
        if (over != std::string::npos) {
            const auto digits = lower.find_first_of("0123456789", over);
            if (digits != std::string::npos && digits < over + 14) {
                const auto end = lower.find_first_not_of("0123456789", digits);
                detail(e, "limit", std::string(m.original.substr(digits, end - digits)));
            }
        }
        return true;
    }
    if (contains(f, "signaturejobstatuschange") || contains(f, "signeringsoppdrag") || contains(f, "signing job")) {
        const bool job_status = contains(f, "signaturejobstatuschange");
        const std::string who =
            job_status ? between(m.original, m.lower, "mislyktes:", {" utl", " avvist", " expired", " rejected", ","})
                       : std::string();
        if (contains(f, "utløpt") || contains(f, "expired") || contains(f, "28 dager") || contains(f, "28 days")) {
            e.cause = "signing-expired";
        } else if (contains(f, "avvist") || contains(f, "avviste") || contains(f, "rejected") ||
                   contains(f, "declined")) {
            e.cause = "signing-rejected";
        } else if (any_of(f, std::array<std::string_view, 10>{
                                 "ikke mottatt", "aldri mottatt", "ikke fått", "aldri fått", "nekter for",
                                 "not received", "never received", "did not receive", "never got", "did not get"})) {
            e.cause = "signing-not-received";
        } else {
            return false;
        }
        detail(e, "recipient", who);
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
    const bool attachment = contains(f, "vedlegg") || contains(f, "attachment");
    const bool main_doc = contains(f, "hoveddokument") || contains(f, "main document");
    if ((attachment || main_doc || has_word(f, "dokument") || has_word(f, "dokumenter") || has_word(f, "dokumentene") ||
         has_word(f, "document") || has_word(f, "documents")) &&
        any_of(f, kMissing)) {
        e.cause = main_doc && !attachment ? "main-document-missing" : "attachments-missing";
        return true;
    }
    const bool status_f = has_word(f, "status f") || contains(f, "«f»") || contains(f, "\"f\"") ||
                          has_word(f, "til f") || has_word(f, "to f");
    const bool failed = contains(f, "overføring feilet") || contains(f, "transfer failed") || status_f;
    if (failed && any_of(f, kDay)) {
        e.cause = "failed-after-a-day";
        return true;
    }
    if (failed) {
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

// Remarks that hold whatever the cause: the training environment's test recipients.
void add_notes(const Message& m, Explanation& e) {
    if (contains(m.original, "29129319060") || contains(m.original, "291293*****") ||
        contains(m.original, "291293 19060")) {
        e.notes.emplace_back("explain.note.training-person");
    }
    if (contains(m.original, "987464291")) {
        e.notes.emplace_back("explain.note.training-digdir");
    }
}

Explanation explain_one(const Entry& entry, bool alone, bool& ignored) {
    Message m{entry.text, text::ascii_lower(entry.text), folded(entry.text)};
    Explanation e;
    e.line = entry.line;
    e.text = entry.text;
    ignored = false;
    bool known = false;
    if (const auto j = embedded_error(m.original, m.lower)) {
        known = explain_error_object(*j, m, e);
    }
    if (!known) {
        known = explain_phrases(m, e);
    }
    if (!known) {
        if (!alone && !any_of(m.f, kFailureWords)) {
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

// LEVETID_UTLOPT is harmless when the same recipient's letter was delivered or
// read: then only the receipt timed out. The log may be in either order.
void pair_receipts(std::vector<Explanation>& items) {
    std::map<std::string, std::string> seen;  // recipient key -> LEST, else LEVERT
    for (const auto& e : items) {
        if (e.cause != "delivered") {
            continue;
        }
        const std::string key = folded(detail_of(e, "recipient")) + "|" + folded(detail_of(e, "method"));
        const std::string status = text::ascii_lower(detail_of(e, "status"));
        auto& best = seen[key];
        if (status == "lest" || best.empty()) {
            best = status == "lest" ? "LEST" : "LEVERT";
        }
    }
    for (auto& e : items) {
        if (e.cause != "receipt-expired-undelivered") {
            continue;
        }
        const auto it = seen.find(folded(detail_of(e, "recipient")) + "|" + folded(detail_of(e, "method")));
        if (it != seen.end()) {
            e.cause = "receipt-expired";
            e.kind = Kind::fine;
            e.args = {{"restore", it->second}};
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
    std::size_t line_no = 0;
    std::size_t pos = 0;
    int depth = 0;
    std::size_t joined = 0;
    while (pos <= text.size()) {
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
        const bool blank = line.find_first_not_of(" \t\f\v") == std::string_view::npos;
        // Inside an object, a line goes with it when it reads like JSON (indented, or
        // starting with a quote or bracket): a new log entry starts in column one with
        // a date or a word, so a cut-off object cannot swallow the messages after it.
        const bool json_like = !blank && std::string_view(" \t\"{}[],").find(line.front()) != std::string_view::npos;
        if (depth > 0 && joined < kMaxJoined && json_like) {
            out.back().text += '\n';
            out.back().text += line;
            depth += brace_balance(line);
            ++joined;
            continue;
        }
        depth = 0;
        joined = 0;
        if (blank) {
            continue;
        }
        out.push_back({line_no, std::string(line)});
        depth = std::max(0, brace_balance(line));
        if (end == text.size()) {
            break;
        }
    }
    return out;
}

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
    bool delivered = false;
    bool read = false;
    for (const auto& s : c.statuses) {
        v.history += (v.history.empty() ? "" : ", ") + s.status;
    }
    const Status& last = c.statuses.back();
    for (std::size_t i = 0; i + 1 < c.statuses.size(); ++i) {
        delivered = delivered || c.statuses[i].status == "LEVERT";
        read = read || c.statuses[i].status == "LEST";
    }
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
        if (read || delivered) {
            set(Kind::fine, "receipt-expired", {{"restore", read ? "LEST" : "LEVERT"}});
        } else {
            set(Kind::act, "receipt-expired-undelivered");
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
        set(Kind::wait, v.service == "DPI" ? "sent-dpi" : "sent");
    } else if (s == "MOTTATT") {
        set(Kind::wait, "received");
    } else if (s == "OPPRETTET") {
        const bool stuck = last.when && now - *last.when > std::chrono::hours(1);
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
        root = json::parse(input);
    } catch (const json::parse_error& e) {
        const auto at = position_of(input, e.byte == 0 ? 0 : e.byte - 1);
        throw UsageError("error.manifest.syntax", {{"file", file},
                                                   {"line", std::to_string(at.line)},
                                                   {"column", std::to_string(at.column)},
                                                   {"detail", json_syntax_detail(e.what())}});
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
        if (id.empty()) {
            id = "conv-" + json_text(*item, "convId");
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
    const auto rank = [](Kind k) {
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
    };
    std::stable_sort(r.messages.begin(), r.messages.end(),
                     [&](const MessageVerdict& a, const MessageVerdict& b) { return rank(a.kind) < rank(b.kind); });
    return r;
}

}  // namespace preflight::explain
