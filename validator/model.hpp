// The journal post as preflight sees it: documents, recipients, channels.
#pragma once

#include "docx/doctext.hpp"
#include "pdf/pdf_info.hpp"
#include "validator/records.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace preflight {

enum class Severity : std::uint8_t { info = 0, warn = 1, block = 2 };
[[nodiscard]] std::string_view to_string(Severity s);

enum class Channel : std::uint8_t { general, dpi, print, dpo, dpv, dpf, email, signing, manual };
[[nodiscard]] std::string_view to_string(Channel c);
[[nodiscard]] std::optional<Channel> parse_channel(std::string_view s);  // includes "manual"

enum class Route : std::uint8_t { dpi_digital, dpi_print, dpo, dpv, dpf, email, signing, manual, unknown };
[[nodiscard]] std::string_view to_string(Route r);

// The service whose limits and rules bind a recipient (contract: each recipient's
// route sets its own limits; the letter's verdict is the worst of them). `dpi`
// covers digital and print, and a person whose route is unknown; `organisation`
// is an organisation whose route is unknown: DPO, DPF or DPV, never print.
enum class Carrier : std::uint8_t { dpi, dpv, dpo, dpf, organisation, signing, email, manual };
[[nodiscard]] std::string_view to_string(Carrier c);

enum class Lang : std::uint8_t { nb, en };

enum class Role : std::uint8_t { main, attachment };

struct Document {
    std::string file;            // as listed: manifest `file` or the command-line argument
    std::filesystem::path path;  // where it is read from
    std::string name;            // manifest `name`, or the file's stem
    Role role = Role::attachment;
    // Facts gathered before the checks run (once: `gathered` is then set, and the
    // gate keeps them after the file itself is gone).
    bool gathered = false;
    bool readable = false;  // exists, is a regular file, could be opened
    std::string io_error;   // why not: "missing", "not-file", "denied", or a system error (errno_phrase())
    std::uint64_t bytes = 0;
    std::string type;              // sniffed MIME type, e.g. application/pdf
    std::optional<pdf::Info> pdf;  // when the type is PDF (or the header is near the start)
    // Word (DOCX/DOTX/DOCM/DOTM): every section's page setup. Set whenever the sniffed
    // type is a Word document, or a zip holding word/document.xml; error set when the
    // file could not be read (a corrupt zip, a zip bomb past the caps).
    std::optional<doctext::DocxLayout> docx;
    // Personal identifiers found in the document's text; only searched when the
    // letter may go out as e-mail (DP602). text_searched: the text could be read.
    struct IdHit {
        std::optional<int> page;
        std::string id;
    };
    bool text_searched = false;
    std::vector<IdHit> person_ids;
    // Set by run_checks(): a PDF that `preflight fix` (POST /v1/fix) can make a
    // print-ready copy of which answers a blocking finding (Check::answered_by_fix),
    // and that no blocking finding refuses (Check::prevents_fix).
    bool fixable = false;
};

struct Address {
    std::vector<std::string> lines;
    std::string postcode;
    std::string city;
    std::string country;
};

struct Recipient {
    std::string name;
    std::optional<std::string> id;
    Channel method = Channel::general;
    bool verified = false;
    std::optional<std::string> email;
    std::optional<Address> address;
    // Gathered before the checks run:
    // A print message that names its receiver: the integrasjonspunkt fills in what
    // the address (and the return address) leaves out from the registry's print
    // record (NextMoveOutMessageFactory.setDpiDefaults), so only what is given is judged.
    bool address_completed_upstream = false;
    registry::Facts facts;         // what the registries said (facts.asked: they were asked)
    Route route = Route::unknown;  // predicted
    std::string route_reason;      // why: method, reserved, not-notifiable, mailbox, no-mailbox, capabilities, ...
};

struct JournalPost {
    bool from_manifest = false;
    std::filesystem::path manifest;  // empty for loose files
    std::optional<std::string> id;
    std::optional<std::string> title;
    std::string process = "vedtak";
    std::optional<std::string> access_code;
    // The process an organisation is asked for and sent with: the SBD's when it is
    // not a digital post process, else the integrasjonspunkt's default arkivmelding
    // process (difi.move.arkivmelding.default-process).
    std::string organisation_process = "urn:no:difi:profile:arkivmelding:administrasjon:ver1.0";
    // journalpost.securityLevel (the SBD's sikkerhetsnivaa): 3 or 4, when given.
    std::optional<int> security_level;
    // A print message's return address (the SBD's print.retur.mottaker), which the
    // integrasjonspunkt requires of print messages (return_required). A manifest
    // has none: the service registry then takes the sender's address from
    // Enhetsregisteret.
    bool return_required = false;
    std::optional<std::string> return_name;
    std::optional<Address> return_address;
    std::vector<Document> documents;
    std::vector<Recipient> recipients;
};

// The channels a journal post is judged against, from --channel and the recipients.
struct Targets {
    std::vector<Channel> channels;
    // The carriers of the recipients' predicted routes (of the channel when no
    // recipient is listed or --channel is given), each once.
    std::vector<Carrier> carriers;
    // The contract's "print-bound": the channel is print, or a recipient's route is
    // print, or a person (never an organisation) goes `general` with no known
    // digital route.
    bool print_bound = false;
    [[nodiscard]] bool carried_by(Carrier c) const;
    [[nodiscard]] bool has(Channel c) const;
    [[nodiscard]] bool any_of(std::initializer_list<Channel> cs) const;
    [[nodiscard]] bool signing() const { return has(Channel::signing); }
};

}  // namespace preflight
