// Route prediction, table-driven from the sources it mirrors (docs/registry.md,
// "Routes"): every branch of efm-service-registry's DpiMessageRouter, the records
// ServiceRecordService.createDigitalpostServiceRecords makes for each target, and
// the record the integrasjonspunkt's ServiceRegistryLookup takes among them.
#include "validator/routing.hpp"
#include "tests/check_harness.hpp"

#include <gtest/gtest.h>

using namespace preflight;
using namespace preflight::testing;

namespace {

struct KrrRow {
    const char* name;
    const char* process;
    const char* status;
    std::optional<bool> reserved;
    std::optional<bool> notifiable;  // nullopt: varslingsstatus absent
    bool certificate;
    bool digital_post;
    DpiTarget expected;
};

void PrintTo(const KrrRow& r, std::ostream* os) { *os << r.name; }

registry::Person krr_person(const KrrRow& row) {
    registry::Person p;
    p.id = "29129319060";
    p.status = row.status;
    p.reserved = row.reserved;
    p.notifiable = row.notifiable;
    p.certificate = row.certificate;
    p.digital_post = row.digital_post;
    if (row.digital_post) {
        p.mailbox_address = "kari#1";
        p.mailbox_provider = "984661185";
    }
    return p;
}

class DpiMessageRouterBranches : public ::testing::TestWithParam<KrrRow> {};

TEST_P(DpiMessageRouterBranches, DecideAsTheRegistryDoes) {
    const KrrRow& row = GetParam();
    EXPECT_EQ(dpi_target(krr_person(row), row.process), row.expected);
}

constexpr std::optional<bool> kAbsent = std::nullopt;

// route(person, OBLIGATED) for vedtak: checkReservation -> checkNotification -> checkActiveMailbox;
// route(person, NOT_OBLIGATED) for info: checkActiveMailbox only.
INSTANTIATE_TEST_SUITE_P(
    Rows, DpiMessageRouterBranches,
    ::testing::Values(
        KrrRow{"vedtak_reserved_goes_to_print", "vedtak", "AKTIV", true, true, true, true, DpiTarget::print},
        KrrRow{"vedtak_not_notifiable_goes_to_print", "vedtak", "AKTIV", false, false, true, true, DpiTarget::print},
        KrrRow{"vedtak_without_varslingsstatus_is_not_notifiable", "vedtak", "AKTIV", false, kAbsent, true, true,
               DpiTarget::print},
        KrrRow{"vedtak_without_reservasjon_is_not_reserved", "vedtak", "AKTIV", kAbsent, true, true, true,
               DpiTarget::digital},
        KrrRow{"vedtak_active_mailbox_is_digital", "vedtak", "AKTIV", false, true, true, true, DpiTarget::digital},
        KrrRow{"vedtak_mailbox_not_active_is_dpv", "vedtak", "IKKE_REGISTRERT", false, true, true, true,
               DpiTarget::dpv},
        KrrRow{"vedtak_no_certificate_is_no_mailbox", "vedtak", "AKTIV", false, true, false, true, DpiTarget::dpv},
        KrrRow{"vedtak_no_digital_post_is_no_mailbox", "vedtak", "AKTIV", false, true, true, false, DpiTarget::dpv},
        KrrRow{"info_ignores_reservation", "info", "AKTIV", true, true, true, true, DpiTarget::digital},
        KrrRow{"info_ignores_notification", "info", "AKTIV", false, false, true, true, DpiTarget::digital},
        KrrRow{"info_without_mailbox_is_dpv", "info", "AKTIV", true, false, false, false, DpiTarget::dpv},
        KrrRow{"info_mailbox_not_active_is_dpv", "info", "SLETTET", false, true, true, true, DpiTarget::dpv}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ServiceRecords, EachTargetGetsTheRecordsTheRegistryMakes) {
    // DPI: a digital record; PRINT: a print record (when Folkeregisteret has an open
    // address); DPV: the print record first, then the DPV record.
    EXPECT_EQ(predicted_record_types(DpiTarget::digital), (std::vector<std::string>{"digital"}));
    EXPECT_EQ(predicted_record_types(DpiTarget::print), (std::vector<std::string>{"print"}));
    EXPECT_EQ(predicted_record_types(DpiTarget::dpv), (std::vector<std::string>{"print", "digital_dpv"}));
}

// ---- predict_route: the route a recipient's message takes

registry::Answer<registry::Capabilities> caps(std::vector<registry::Capability> list) {
    registry::Answer<registry::Capabilities> a;
    a.outcome = registry::Outcome::found;
    a.value = std::move(list);
    a.source = "capabilities";
    return a;
}

registry::Capability cap(const char* process, const char* service, std::vector<std::string> types) {
    return {process, service, std::move(types)};
}

constexpr const char* kVedtak = "urn:no:difi:profile:digitalpost:vedtak:ver1.0";
constexpr const char* kInfo = "urn:no:difi:profile:digitalpost:info:ver1.0";
constexpr const char* kAdm = "urn:no:difi:profile:arkivmelding:administrasjon:ver1.0";

struct RouteRow {
    const char* name;
    Recipient recipient;
    const char* process;
    Route route;
    const char* reason;
};

void PrintTo(const RouteRow& r, std::ostream* os) { *os << r.name; }

Recipient with_krr(Recipient r, registry::Answer<registry::Person> a) {
    r.facts.person = std::move(a);
    return r;
}

Recipient with_caps(Recipient r, registry::Answer<registry::Capabilities> a) {
    r.facts.capabilities = std::move(a);
    return r;
}

Recipient org(Channel method = Channel::general) { return person("Digdir", "0192:987464291", method); }

std::vector<RouteRow> route_rows() {
    const auto kari = [](Channel m = Channel::general) { return person("Kari", "29129319060", m); };
    registry::Answer<registry::Person> not_found;
    not_found.outcome = registry::Outcome::not_found;
    registry::Answer<registry::Capabilities> caps_not_found;
    caps_not_found.outcome = registry::Outcome::not_found;
    registry::Answer<registry::Organisation> org_gone;
    org_gone.outcome = registry::Outcome::removed;
    Recipient gone = org();
    gone.facts.organisation = org_gone;
    return {
        {"krr_mailbox_is_digital", with_krr(kari(), krr("29129319060")), "vedtak", Route::dpi_digital, "mailbox"},
        {"krr_reserved_vedtak_is_print", with_krr(kari(), krr("29129319060", "AKTIV", true)), "vedtak",
         Route::dpi_print, "reserved"},
        {"krr_reserved_info_with_mailbox_is_digital", with_krr(kari(), krr("29129319060", "AKTIV", true)), "info",
         Route::dpi_digital, "mailbox"},
        {"krr_not_notifiable_vedtak_is_print", with_krr(kari(), krr("29129319060", "AKTIV", false, false)), "vedtak",
         Route::dpi_print, "not-notifiable"},
        // Not DPV: the registry makes the print record first and the integrasjonspunkt takes a DPI record first.
        {"krr_no_mailbox_is_print", with_krr(kari(), krr("29129319060", "AKTIV", false, true, "")), "vedtak",
         Route::dpi_print, "no-mailbox"},
        {"krr_no_mailbox_method_dpi_has_no_digital_record",
         with_krr(kari(Channel::dpi), krr("29129319060", "AKTIV", false, true, "")), "vedtak", Route::unknown,
         "no-record"},
        {"krr_reserved_method_dpi_has_no_digital_record",
         with_krr(kari(Channel::dpi), krr("29129319060", "AKTIV", true)), "vedtak", Route::unknown, "no-record"},
        {"caps_print_only_method_dpi_has_no_record",
         with_caps(kari(Channel::dpi), caps({cap(kVedtak, "DPI", {"print"})})), "vedtak", Route::unknown, "no-record"},
        {"krr_deleted_is_not_found", with_krr(kari(), krr("29129319060", "SLETTET")), "vedtak", Route::unknown,
         "not-found"},
        {"krr_not_found", with_krr(kari(), not_found), "vedtak", Route::unknown, "not-found"},
        {"no_facts_is_no_registry", kari(), "vedtak", Route::unknown, "no-registry"},
        {"no_id", person("Kari", "", Channel::general), "vedtak", Route::unknown, "no-id"},
        {"method_print_is_fixed", kari(Channel::print), "vedtak", Route::dpi_print, "method"},
        {"method_dpo_is_fixed", org(Channel::dpo), "vedtak", Route::dpo, "method"},
        // Capabilities are the registry's own answer and win over the KRR entry.
        {"caps_digital", with_caps(kari(), caps({cap(kVedtak, "DPI", {"digital"})})), "vedtak", Route::dpi_digital,
         "capabilities"},
        {"caps_print_only", with_caps(kari(), caps({cap(kVedtak, "DPI", {"print"})})), "vedtak", Route::dpi_print,
         "capabilities"},
        {"caps_print_and_dpv_takes_print",
         with_caps(kari(), caps({cap(kVedtak, "DPI", {"print"}), cap(kVedtak, "DPV", {"digital_dpv"})})), "vedtak",
         Route::dpi_print, "capabilities"},
        {"caps_dpv_only_general_is_dpv", with_caps(kari(), caps({cap(kVedtak, "DPV", {"digital_dpv"})})), "vedtak",
         Route::dpv, "capabilities"},
        {"caps_dpv_only_method_dpi_has_no_record",
         with_caps(kari(Channel::dpi), caps({cap(kVedtak, "DPV", {"digital_dpv"})})), "vedtak", Route::unknown,
         "no-record"},
        {"caps_other_process_only", with_caps(kari(), caps({cap(kInfo, "DPI", {"digital"})})), "vedtak", Route::unknown,
         "no-record"},
        {"caps_empty", with_caps(kari(), caps({})), "vedtak", Route::unknown, "no-record"},
        {"caps_contradict_krr_say_capabilities",
         with_caps(with_krr(kari(), krr("29129319060", "AKTIV", true)), caps({cap(kVedtak, "DPI", {"digital"})})),
         "vedtak", Route::dpi_digital, "capabilities"},
        {"caps_agree_with_krr_keep_its_reason",
         with_caps(with_krr(kari(), krr("29129319060", "AKTIV", true)), caps({cap(kVedtak, "DPI", {"print"})})),
         "vedtak", Route::dpi_print, "reserved"},
        {"caps_not_found_krr_still_routes", with_caps(with_krr(kari(), krr("29129319060")), caps_not_found), "vedtak",
         Route::dpi_digital, "mailbox"},
        // Organisations: DPO, else DPF, else DPV; never print.
        {"org_dpo_first",
         with_caps(org(), caps({cap(kAdm, "DPV", {"arkivmelding"}), cap(kAdm, "DPO", {"arkivmelding"})})), "vedtak",
         Route::dpo, "capabilities"},
        {"org_dpf_before_dpv",
         with_caps(org(), caps({cap(kAdm, "DPV", {"arkivmelding"}), cap(kAdm, "DPF", {"arkivmelding"})})), "vedtak",
         Route::dpf, "capabilities"},
        {"org_dpv", with_caps(org(), caps({cap(kAdm, "DPV", {"arkivmelding"})})), "vedtak", Route::dpv, "capabilities"},
        {"org_no_record", with_caps(org(), caps({})), "vedtak", Route::unknown, "no-record"},
        // The message's own process decides: DPO for another process is no DPO for this one.
        {"org_dpo_for_another_process_only",
         with_caps(org(),
                   caps({cap("urn:no:difi:profile:arkivmelding:planByggOgGeodata:ver1.0", "DPO", {"arkivmelding"}),
                         cap(kAdm, "DPV", {"arkivmelding"})})),
         "vedtak", Route::dpv, "capabilities"},
        {"org_no_facts", org(), "vedtak", Route::unknown, "no-registry"},
        {"org_removed", gone, "vedtak", Route::unknown, "not-found"},
        {"org_by_dpi_has_no_record", org(Channel::dpi), "vedtak", Route::unknown, "no-record"},
    };
}

class RoutePredictionRows : public ::testing::TestWithParam<RouteRow> {};

TEST_P(RoutePredictionRows, PredictTheRouteAndWhy) {
    const RouteRow& row = GetParam();
    Recipient r = row.recipient;
    if (r.id && r.id->empty()) {
        r.id.reset();
    }
    const auto p = predict_route(r, row.process);
    EXPECT_EQ(to_string(p.route), to_string(row.route));
    EXPECT_EQ(p.reason, row.reason);
}

INSTANTIATE_TEST_SUITE_P(Rows, RoutePredictionRows, ::testing::ValuesIn(route_rows()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(PrintBound, AnOrganisationNeverIsAPersonWithAnUnknownRouteIs) {
    auto unknown_person = person("Kari", "29129319060");
    unknown_person.route = Route::unknown;
    EXPECT_TRUE(print_bound(unknown_person));
    EXPECT_EQ(carrier_of(unknown_person), Carrier::dpi);
    auto unknown_org = org();
    unknown_org.route = Route::unknown;
    EXPECT_FALSE(print_bound(unknown_org));
    EXPECT_EQ(carrier_of(unknown_org), Carrier::organisation);
    auto digital = person("Kari", "29129319060");
    digital.route = Route::dpi_digital;
    EXPECT_FALSE(print_bound(digital));
    // `dpi` is a digital message: an unknown route does not make it print-bound.
    auto unknown_dpi = person("Kari", "29129319060", Channel::dpi);
    unknown_dpi.route = Route::unknown;
    EXPECT_FALSE(print_bound(unknown_dpi));
    auto printed = person("Kari", "29129319060", Channel::print);
    printed.route = Route::dpi_print;
    EXPECT_TRUE(print_bound(printed));
    auto dpo = org();
    dpo.route = Route::dpo;
    EXPECT_EQ(carrier_of(dpo), Carrier::dpo);
}

TEST(MailboxProvider, KrrsNumbersForDigipostAndEboks) {
    EXPECT_EQ(mailbox_provider_name("984661185"), "digipost");
    EXPECT_EQ(mailbox_provider_name("922020175"), "eboks");  // Digdir's KRR attribute docs
    EXPECT_EQ(mailbox_provider_name("996460320"), "eboks");  // e-Boks's older number
    EXPECT_EQ(mailbox_provider_name("123456789"), "");
}

}  // namespace
