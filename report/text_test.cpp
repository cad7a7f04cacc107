// The text format on a terminal: colours only when asked, --quiet, findings sorted
// block, warn, info, recipients counted from 1 (the JSON report keeps its order and
// counts from 0).
#include "report/render.hpp"
#include "validator/catalogue.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace preflight {
namespace {

using json = nlohmann::json;

Finding finding(std::string code, Severity severity, std::string document) {
    Finding f;
    f.code = code;
    f.check = "some-check";
    f.severity = severity;
    f.document = std::move(document);
    f.message_id = code + ".summary";
    f.remedy_id = code + ".summary";
    return f;
}

// Findings in the engine's order, of every severity and mixed up.
Report mixed_report() {
    Report r;
    r.post.documents.resize(2);
    r.findings = {finding("DP101", Severity::info, "a.pdf"),  finding("DP301", Severity::block, "a.pdf"),
                  finding("DP302", Severity::warn, "a.pdf"),  finding("DP201", Severity::info, "b.pdf"),
                  finding("DP303", Severity::block, "b.pdf"), finding("DP304", Severity::warn, "b.pdf")};
    return r;
}

RenderOptions english() { return RenderOptions::in(Lang::en); }

// Where each finding's line starts in `text` ("a.pdf: DP101 ...").
std::size_t line_of(const std::string& text, const std::string& document, const std::string& code) {
    const std::size_t at = text.find(document + ": " + code + " ");
    EXPECT_NE(at, std::string::npos) << code << " in\n" << text;
    return at;
}

TEST(TextOutput, FindingsAreSortedBlockWarnInfoAndStableWithin) {
    const Report r = mixed_report();
    const std::string text = render(r, Format::text, english());
    const std::vector<std::size_t> at = {line_of(text, "a.pdf", "DP301"), line_of(text, "b.pdf", "DP303"),
                                         line_of(text, "a.pdf", "DP302"), line_of(text, "b.pdf", "DP304"),
                                         line_of(text, "a.pdf", "DP101"), line_of(text, "b.pdf", "DP201")};
    for (std::size_t i = 1; i < at.size(); ++i) {
        EXPECT_LT(at[i - 1], at[i]) << "finding " << i << " out of place in\n" << text;
    }
}

TEST(TextOutput, JsonKeepsTheReportsOrder) {
    const Report r = mixed_report();
    const json j = json::parse(render(r, Format::json, english()));
    std::vector<std::string> codes;
    for (const auto& f : j.at("findings")) {
        codes.push_back(f.at("code").get<std::string>());
    }
    EXPECT_EQ(codes, (std::vector<std::string>{"DP101", "DP301", "DP302", "DP201", "DP303", "DP304"}));
}

TEST(TextOutput, NoEscapeByteWithoutColour) {
    Report r = mixed_report();
    r.post.recipients.resize(1);
    r.post.recipients[0].name = "Kari";
    for (const Lang lang : {Lang::nb, Lang::en}) {
        for (const bool templates : {false, true}) {
            RenderOptions o = RenderOptions::in(lang);
            o.templates = templates;
            const std::string text = render(r, Format::text, o);
            EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
        }
    }
}

TEST(TextOutput, ColourForSeveritiesAndTheVerdict) {
    RenderOptions o = english();
    o.color = true;
    const std::string text = render(mixed_report(), Format::text, o);
    EXPECT_NE(text.find("\x1b[31m" + catalogue::text("ui.severity.block", Lang::en) + "\x1b[0m"), std::string::npos)
        << text;
    EXPECT_NE(text.find("\x1b[33m" + catalogue::text("ui.severity.warn", Lang::en) + "\x1b[0m"), std::string::npos)
        << text;
    EXPECT_NE(text.find("\x1b[34m" + catalogue::text("ui.severity.info", Lang::en) + "\x1b[0m"), std::string::npos)
        << text;
    // The verdict bold, in the colour of the worst finding.
    EXPECT_NE(text.find("\x1b[1;31m" + catalogue::text("ui.verdict.block", Lang::en) + "\x1b[0m\n"), std::string::npos)
        << text;

    Report fine;
    fine.post.documents.resize(1);
    const std::string pass = render(fine, Format::text, o);
    EXPECT_NE(pass.find("\x1b[1;32m" + catalogue::text("ui.verdict.pass", Lang::en) + "\x1b[0m\n"), std::string::npos)
        << pass;
}

TEST(TextOutput, ColourNeverReachesTheMachineFormats) {
    RenderOptions o = english();
    o.color = true;
    for (const Format format : {Format::json, Format::junit, Format::sarif, Format::github}) {
        const std::string out = render(mixed_report(), format, o);
        EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
    }
}

TEST(TextOutput, QuietPrintsOnlyTheVerdictLine) {
    Report r = mixed_report();
    r.post.recipients.resize(1);
    for (const bool color : {false, true}) {
        RenderOptions o = english();
        o.quiet = true;
        o.color = color;
        const std::string text = render(r, Format::text, o);
        EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line: " << text;
        EXPECT_NE(text.find(catalogue::text("ui.verdict.block", Lang::en)), std::string::npos) << text;
        if (!color) {
            EXPECT_EQ(text, catalogue::text("ui.verdict.block", Lang::en) + "\n");
        }
        // `preflight scan`: the templates' verdict, alone as well.
        o.templates = true;
        const std::string scan = render(r, Format::text, o);
        EXPECT_EQ(scan.find('\n'), scan.size() - 1) << "one line: " << scan;
        EXPECT_NE(scan.find(catalogue::text("ui.verdict.scan.block", Lang::en)), std::string::npos) << scan;
    }
    // The other formats are whole.
    RenderOptions o = english();
    o.quiet = true;
    EXPECT_EQ(json::parse(render(r, Format::json, o)).at("findings").size(), r.findings.size());
}

TEST(TextOutput, RecipientsAreCountedFromOneInTextFromZeroInJson) {
    Report r;
    r.post.documents.resize(1);
    r.post.recipients.resize(2);
    r.post.recipients[0].name = "Kari";
    r.post.recipients[1].name = "Ola";
    r.post.recipients[1].route = Route::dpi_digital;
    Finding f = finding("DP504", Severity::warn, "a.pdf");
    f.recipient = 0;
    r.findings = {f};
    for (const Lang lang : {Lang::nb, Lang::en}) {
        const std::string text = render(r, Format::text, RenderOptions::in(lang));
        EXPECT_NE(text.find("a.pdf (" + catalogue::text("ui.recipient", lang, {{"index", "1"}}) + "): DP504"),
                  std::string::npos)
            << text;
        EXPECT_EQ(text.find(catalogue::text("ui.recipient", lang, {{"index", "0"}})), std::string::npos) << text;
        for (std::size_t i = 0; i < r.post.recipients.size(); ++i) {
            const Recipient& rec = r.post.recipients[i];
            const std::string line = catalogue::text("ui.recipient-route", lang,
                                                     {{"index", std::to_string(i + 1)},
                                                      {"name", rec.name},
                                                      {"route", std::string(to_string(rec.route))},
                                                      {"reason", "-"}});
            EXPECT_NE(text.find("\n" + line + "\n"), std::string::npos) << line << " in\n" << text;
        }
    }
    const json j = json::parse(render(r, Format::json, english()));
    EXPECT_EQ(j.at("findings").at(0).at("recipient"), 0);
    EXPECT_EQ(j.at("recipients").at(0).at("index"), 0);
    EXPECT_EQ(j.at("recipients").at(1).at("index"), 1);
}

TEST(ColorWanted, FollowsTheOptionTheTerminalAndNoColor) {
    // never and always whatever the terminal and NO_COLOR say.
    for (const bool tty : {false, true}) {
        for (const char* no_color : {static_cast<const char*>(nullptr), "", "1"}) {
            EXPECT_FALSE(color_wanted("never", tty, no_color));
            EXPECT_TRUE(color_wanted("always", tty, no_color));
        }
    }
    // auto: a terminal, and NO_COLOR unset or empty (https://no-color.org).
    EXPECT_TRUE(color_wanted("auto", true, nullptr));
    EXPECT_TRUE(color_wanted("auto", true, ""));
    EXPECT_FALSE(color_wanted("auto", true, "1"));
    EXPECT_FALSE(color_wanted("auto", true, "0"));  // any non-empty value
    EXPECT_FALSE(color_wanted("auto", false, nullptr));
    EXPECT_FALSE(color_wanted("auto", false, ""));
}

}  // namespace
}  // namespace preflight
