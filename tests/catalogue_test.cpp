#include "validator/catalogue.hpp"
#include "base/error.hpp"
#include "base/isolate.hpp"
#include "base/json.hpp"
#include "base/text.hpp"
#include "checks/check_set.hpp"
#include "validator/check.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <sstream>

#include <regex>
#include <set>

using namespace preflight;

namespace {
std::set<std::string> placeholders(std::string_view s) {
    std::set<std::string> out;
    const std::string text(s);
    const std::regex re(R"(\{([a-z_]+)\})");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
        out.insert((*it)[1]);
    }
    return out;
}
}  // namespace

TEST(Catalogue, BothLanguagesUseTheSamePlaceholders) {
    for (const auto& e : catalogue::entries()) {
        EXPECT_EQ(placeholders(e.nb), placeholders(e.en)) << e.id;
        EXPECT_FALSE(e.nb.empty()) << e.id;
        EXPECT_FALSE(e.en.empty()) << e.id;
    }
}

TEST(Catalogue, IdsAreUnique) {
    std::set<std::string_view> seen;
    for (const auto& e : catalogue::entries()) {
        EXPECT_TRUE(seen.insert(e.id).second) << "twice: " << e.id;
    }
}

TEST(Catalogue, EveryMessageHasARemedy) {
    for (const auto& e : catalogue::entries()) {
        const std::string id(e.id);
        if (id.ends_with(".remedy.web")) {
            // The web page's wording of a remedy: of one that exists, with its placeholders.
            const std::string remedy = id.substr(0, id.size() - 4);
            EXPECT_TRUE(catalogue::has(remedy)) << id;
            continue;
        }
        if (id.rfind("DP", 0) != 0 || id.ends_with(".remedy") || id.ends_with(".summary") ||
            id.ends_with(".severity")) {
            continue;
        }
        EXPECT_TRUE(catalogue::has(id + ".remedy")) << id;
    }
}

// On the web page no remedy names a command line: every remedy that does has a .web
// variant (report/common.cpp shows it with RenderOptions::web_remedies), which does not.
TEST(Catalogue, WebRemediesNameNoCommandLine) {
    const auto names_a_command = [](std::string_view text) {
        return text.find("«preflight ") != std::string_view::npos ||
               text.find("\"preflight ") != std::string_view::npos || text.find(" --") != std::string_view::npos;
    };
    std::size_t variants = 0;
    for (const auto& e : catalogue::entries()) {
        const std::string id(e.id);
        if (id.ends_with(".remedy.web")) {
            ++variants;
            EXPECT_FALSE(names_a_command(e.nb) || names_a_command(e.en)) << id;
        } else if (id.rfind("DP", 0) == 0 && id.ends_with(".remedy") &&
                   (names_a_command(e.nb) || names_a_command(e.en))) {
            // Files given on the command line only: the page always sends a manifest.
            if (id.ends_with("-loose.remedy")) {
                continue;
            }
            EXPECT_TRUE(catalogue::has(id + ".web")) << id << " names a command line and has no .web variant";
        }
    }
    EXPECT_GE(variants, 12U);
}

TEST(Catalogue, EveryCheckHasSummaryAndSeverity) {
    for (const auto& c : builtin_checks().checks()) {
        EXPECT_TRUE(catalogue::has(std::string(c->code()) + ".summary")) << c->code();
        EXPECT_TRUE(catalogue::has(std::string(c->code()) + ".severity")) << c->code();
    }
}

TEST(Catalogue, FillsNamedArgumentsPerLanguage) {
    EXPECT_EQ(catalogue::text("DP103.too-long", Lang::en, {{"count", "300"}, {"limit", "255"}}),
              "The journal post title has 300 characters; digital post allows 255");
    EXPECT_EQ(catalogue::text("DP103.too-long", Lang::nb, {{"count", "300"}, {"limit", "255"}}),
              "Journalpostens tittel har 300 tegn; digital post tillater 255");
}

TEST(Catalogue, UnknownIdThrows) { EXPECT_THROW((void)catalogue::text("DP999.nope", Lang::en), std::out_of_range); }

namespace {

// Common English words that must not stand in a bokmål text. Words that are also
// ordinary bokmål (for, i, to, by, over, under, man, sent, send, post, status, type,
// side, bare, tar, last, at, all, her, still, be, set, sender, time, data, format,
// program, system, test, font, byte) are left out.
constexpr std::string_view kEnglishWords =
    "the a an and or but nor of in on with without from into onto about after before between through until while "
    "because since if else otherwise however please is are was were been being am has have had having do does did "
    "done doing will would can could shall should may might must cannot this that these those which what when where "
    "who whom whose why how there its they them their we our you your he she his him one two three four five six "
    "seven eight nine ten first second third next previous other another same different each every any some both "
    "either neither none nothing something everything more most less least than then also only just very too yet "
    "again already always never often sometimes now soon later today file files folder folders directory path paths "
    "page pages name names title titles document documents attachment attachments letter letters error errors "
    "warning warnings found missing invalid valid unknown known limit limits size sizes empty damaged broken "
    "encrypted password passwords check checks checked checking scan scanned fix fixed explain explained lookup "
    "serve served print printed printing save saved open opened read write written wrote create created delete "
    "deleted remove removed rename renamed replace replaced use used using see seen show shows shown make made get "
    "got give given gives take takes taken need needs needed contain contains contained run runs running stop "
    "stopped block blocked blocks blocking warn warned allow allowed allows accept accepts accepted refuse refused "
    "reject rejected fail fails failed failure success successful ready wait waiting try tried keep kept move moved "
    "turn turned rotate rotated scale scaled split yes no not true false default option options value values key keys "
    "section sections command commands usage help version output input setting settings level channel route routes "
    "mailbox mailboxes recipient recipients senders message messages signing signer signers signature organisation "
    "organization number numbers digit digits character characters bytes landscape portrait slide slides handout "
    "handouts paper unreadable readable address addresses email mail state request requests response responses "
    "header headers body upload uploaded uploads download connection server client log logs line lines column "
    "columns field fields list listed day days hour hours minute minutes seconds times many much few little large "
    "larger small smaller big long short new old right wrong correct good bad better best up down out off back away "
    "template templates verdict findings finding summary severity remedy code codes words report reports result "
    "results pass passed setup language english norwegian select choose chosen choice enter typed anyway instead "
    "together whole part parts full whether such own like unless";

// Names that look like English words but are names here (case-sensitive): the paper
// series and size, Microsoft's programs, the IT department.
const std::set<std::string, std::less<>> kAllowedTokens = {"A", "Letter", "Word", "Excel", "PowerPoint", "IT"};

// Quoted verbatim from elsewhere: the integrasjonspunkt's own error text (users search
// for it in the log), configuration literals, a JSON field, the command list.
constexpr std::string_view kAllowedPhrases[] = {
    "Receiver do not accept the document process",
    "true eller false",
    "«findings»",
    "check, scan, explain, lookup, checks, fix, serve",
    "true, false og null",  // JSON's literals
    "«true»",
    "«false»",
    "«null»",
};

// What is not prose: {placeholders}, `code`, URLs, paths and file names, e-mail
// addresses, options (--xyz), commands («preflight check»), configuration keys
// ([pdf] cpu-seconds), HTTP parameters (name=) and the Content-Disposition example.
std::string prose_of(std::string text) {
    // The checks' slugs (page-format) are names, not prose.
    for (const auto& c : builtin_checks().checks()) {
        const std::string slug(c->slug());
        for (auto at = text.find(slug); at != std::string::npos; at = text.find(slug, at)) {
            text.replace(at, slug.size(), " ");
        }
    }
    for (const auto phrase : kAllowedPhrases) {
        for (auto at = text.find(phrase); at != std::string::npos; at = text.find(phrase)) {
            text.replace(at, phrase.size(), " ");
        }
    }
    static const std::regex kNotProse(
        R"(\{[a-z_]+\}|`[^`]*`|https?://\S+|\S*/\S+|\S+@\S+|\S+\.(pdf|docx|dotx|json|md|xml|ini|service)\b|)"
        R"(--[a-z][a-z-]*([ =](block|warn|never|always|auto))?|[a-z]+(\|[a-z]+)+|[A-Z]+(_[A-Z]+)+|(GET|POST) /|)"
        R"(preflight [a-z]+|\[[a-z-]+\]( [a-z]+(-[a-z]+)*( = \S+)?)?|[A-Za-z]+\*?=|Content-Disposition:[^)]*|)"
        // Punctuation outside ASCII, so that it ends a word like ASCII punctuation does.
        "«|»|–|—|×|…|·|±|’|“|”|→|≥|≤|\u00a0|\u202f");
    return std::regex_replace(text, kNotProse, " ");
}

// The English words in the bokmål text `nb`, in order.
std::vector<std::string> english_words_in(std::string_view nb) {
    static const std::set<std::string, std::less<>> words = [] {
        std::set<std::string, std::less<>> out;
        std::istringstream in{std::string(kEnglishWords)};
        for (std::string w; in >> w;) {
            out.insert(w);
        }
        return out;
    }();
    std::vector<std::string> found;
    const std::string prose = prose_of(std::string(nb));
    // Words: letters and digits, the bytes of æ, ø, å (and any other UTF-8 letter) with
    // them, so that no Norwegian word is cut into an English one.
    std::string token;
    const auto flush = [&] {
        if (!token.empty() && !kAllowedTokens.contains(token) && words.contains(text::ascii_lower(token))) {
            found.push_back(token);
        }
        token.clear();
    };
    for (const char c : prose) {
        if (std::isalnum(static_cast<unsigned char>(c)) != 0 || static_cast<unsigned char>(c) >= 0x80) {
            token += c;
        } else {
            flush();
        }
    }
    flush();
    return found;
}

}  // namespace

TEST(Catalogue, WordListFindsEnglishInABokmalSentence) {
    EXPECT_EQ(english_words_in("Filen må lagres på nytt før sending"), std::vector<std::string>{});
    EXPECT_EQ(english_words_in("Filen er not valid"), (std::vector<std::string>{"not", "valid"}));
    EXPECT_EQ(english_words_in("Check the «file» – {name}"), (std::vector<std::string>{"Check", "the", "file"}));
    // Placeholders, options, commands, paths and names do not count.
    EXPECT_EQ(english_words_in("{file}: bruk --help eller «preflight check», se docs/checks.md; Word, Letter, A4"),
              std::vector<std::string>{});
}

// Every bokmål text the catalogue can produce (the command line's too, through the
// catalogue's entries) is free of common English words outside names, codes and
// quoted technical literals.
TEST(Catalogue, BokmalTextsHaveNoEnglishWords) {
    for (const auto& e : catalogue::entries()) {
        const auto found = english_words_in(e.nb);
        EXPECT_TRUE(found.empty()) << e.id << ": " << fmt::format("{}", fmt::join(found, ", ")) << " in «" << e.nb
                                   << "»";
    }
}

TEST(Catalogue, DecimalCommaInBokmalPointInEnglish) {
    EXPECT_EQ(catalogue::format_decimal(50.0, 1, Lang::nb), "50,0");
    EXPECT_EQ(catalogue::format_decimal(50.0, 1, Lang::en), "50.0");
    EXPECT_EQ(catalogue::format_decimal(-2.25, 2, Lang::nb), "-2,25");
    EXPECT_EQ(catalogue::format_decimal(1.5, -1, Lang::nb), "1,5");
    EXPECT_EQ(catalogue::format_decimal(2.0, -1, Lang::nb), "2");
    // A number made before the language is known is shown in the message's language,
    // also inside a longer value; other points in a value (a version) stay.
    const MessageArgs args{{"total", "52 428 800 B (" + catalogue::decimal(50.0, 1) + " MiB)"},
                           {"limit", "PDF 1.7"},
                           {"channel", "DPI"},
                           {"percent", "100"}};
    EXPECT_EQ(catalogue::text("DP201.over", Lang::nb, args),
              "Dokumentene er til sammen 52 428 800 B (50,0 MiB); grensen for DPI er PDF 1.7 (100 %)");
    EXPECT_EQ(catalogue::text("DP201.over", Lang::en, args),
              "The documents total 52 428 800 B (50.0 MiB); the DPI limit is PDF 1.7 (100 %)");
}

TEST(Catalogue, FileTypesAreNamedAsPeopleSayThem) {
    const std::string docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    EXPECT_EQ(catalogue::file_type_name(docx, Lang::nb), "et Word-dokument");
    EXPECT_EQ(catalogue::file_type_name(docx, Lang::en), "a Word document");
    EXPECT_EQ(catalogue::file_type_name("application/pdf", Lang::nb), "et PDF-dokument");
    EXPECT_EQ(catalogue::file_type_name("image/png", Lang::nb), "et bilde (PNG)");
    EXPECT_EQ(catalogue::file_type_name("application/CDFV2", Lang::en), "a Word document in the old format (.doc)");
    EXPECT_EQ(catalogue::file_type_name("application/octet-stream", Lang::nb), "en fil av ukjent type");
    EXPECT_EQ(catalogue::file_type_name("audio/x-wav", Lang::nb), "en fil av typen audio/x-wav");
    // In a message, the type made before the language is known is worded in its language.
    const MessageArgs args{{"extension", ".pdf"}, {"type", catalogue::file_type(docx)}};
    EXPECT_EQ(catalogue::text("DP402.mismatch", Lang::nb, args), "Filen har endelsen «.pdf», men er et Word-dokument");
    EXPECT_EQ(catalogue::text("DP402.mismatch", Lang::en, args), "The file ends in \".pdf\" but is a Word document");
}

TEST(Catalogue, PhrasesAreWordedInTheMessagesLanguage) {
    // A lower layer's reason, made before the language is known, nested and with arguments.
    const std::string reason = phrase("docx.part", {{"part", "word/document.xml"}}, {{"reason", phrase("zip.crc")}});
    const MessageArgs args{{"detail", reason}};
    EXPECT_EQ(catalogue::text("DP303.docx-unreadable", Lang::nb, args),
              "Word-dokumentet er skadet og kan ikke leses: word/document.xml: en del av zip-filen har feil "
              "kontrollsum (filen er skadet)");
    EXPECT_EQ(catalogue::text("DP303.docx-unreadable", Lang::en, args),
              "The Word document is damaged and cannot be read: word/document.xml: a part of the zip file has a wrong "
              "checksum (the file is damaged)");
    // words() for a value on its own; two phrases nested.
    EXPECT_EQ(
        catalogue::words(phrase("docx.errors", {}, {{"first", phrase("zip.memory")}, {"next", phrase("errno.ENOENT")}}),
                         Lang::nb),
        "for lite minne til å lese filen; finnes ikke");
}

// Text from outside (a file name, a manifest's value, a part's name) cannot make the
// catalogue say something else, fail, or recurse without end.
TEST(Catalogue, TextFromOutsideCannotForgeAPhrase) {
    const std::string start = "\xEE\x80\x83";
    const std::string end = "\xEE\x80\x84";
    const std::string fffd = "\xEF\xBF\xBD";
    // A marker in an ordinary argument is replaced, never read.
    EXPECT_EQ(catalogue::text("gate.fix.filename", Lang::en, {{"stem", start + "web.result.none" + end}}),
              fffd + "web.result.none" + fffd + " (print-ready A4).pdf");
    // Only the lower layers' reasons are phrases; an unknown id, or one that lacks its
    // arguments, is shown without markers instead of failing.
    for (const std::string& forged :
         {start + "x" + end, start + "gate.error.multipart" + end, start + "multipart.fix-not-file" + end,
          start + "zip.crc" + "\xEE\x80\x85" + end}) {
        std::string shown;
        EXPECT_NO_THROW(shown =
                            catalogue::text("gate.error.fix-failed", Lang::en, {{"file", "a.pdf"}, {"detail", forged}}))
            << forged;
        EXPECT_EQ(shown.find("\xEE\x80"), std::string::npos) << shown;
    }
    // A value made by phrase() from outside text keeps no marker of that text.
    EXPECT_EQ(catalogue::words(phrase("errno.other", {{"name", "E" + end + "X"}}), Lang::en),
              "system error E" + fffd + "X");
    EXPECT_EQ(without_phrase_markers("\xEE" + start + "\x80\x83"), "\xEE" + fffd + "\x80\x83");
    // Nesting without end (a megabyte of phrases in a manifest's value) stops at a depth.
    std::string deep = phrase("zip.crc");
    for (int i = 0; i < 2000; ++i) {
        deep = phrase("docx.child-ended", {}, {{"reason", deep}});
    }
    std::string shown;
    EXPECT_NO_THROW(shown = catalogue::words(deep, Lang::en));
    EXPECT_EQ(shown.find("\xEE\x80"), std::string::npos);
    EXPECT_TRUE(shown.starts_with("the reading was stopped: the reading was stopped:")) << shown.substr(0, 200);
}

namespace {

// The reason nlohmann gives for `bad`, as parse_json() says it.
std::string json_reason_of(std::string_view bad) {
    try {
        (void)parse_json(bad);
    } catch (const JsonSyntaxError& e) {
        return e.detail;
    }
    return "parsed";
}

}  // namespace

// Every kind of JSON syntax error, every common system error and every way a child
// ends is said in bokmål without English words and without the parser's own text.
TEST(Catalogue, JsonSystemAndChildErrorsAreWordedInBokmal) {
    const std::pair<std::string_view, std::string> cases[] = {
        {"", phrase("json.reason.end")},
        {"{\"a\": 1", phrase("json.reason.end")},
        {"[1] 2", phrase("json.reason.trailing", {}, {{"found", phrase("json.token.number")}})},
        {"{\"a\" 1}", phrase("json.reason.unexpected-expected", {},
                             {{"found", phrase("json.token.number")}, {"expected", phrase("json.token.colon")}})},
        {"[,]", phrase("json.reason.unexpected-expected", {},
                       {{"found", phrase("json.token.comma")}, {"expected", phrase("json.token.value")}})},
        {"{\"a\": tru}", phrase("json.reason.literal")},
        {"\"a\nb\"", phrase("json.reason.control", {{"char", "U+000A"}, {"escape", "\\u000A"}})},
        {"\"\\x\"", phrase("json.reason.escape")},
        {"\"\\u12\"", phrase("json.reason.unicode-escape")},
        {"\"\\uD800\"", phrase("json.reason.surrogate")},
        {"\"abc", phrase("json.reason.closing-quote")},
        {"\"\xff\"", phrase("json.reason.utf8")},
        {"-", phrase("json.reason.number")},
        {"1e400", phrase("json.reason.overflow")},
        {"{}}", phrase("json.reason.trailing", {}, {{"found", phrase("json.token.close-object")}})},
    };
    std::vector<std::string> said;
    for (const auto& [bad, reason] : cases) {
        const std::string got = json_reason_of(bad);
        EXPECT_EQ(catalogue::words(got, Lang::en), catalogue::words(reason, Lang::en)) << "JSON: " << bad;
        said.push_back(catalogue::text("error.manifest.syntax", Lang::nb,
                                       {{"file", "post.json"}, {"line", "1"}, {"column", "1"}, {"detail", got}}));
    }
    for (const int error : {ENOENT, EACCES, ENOSPC, EROFS, EISDIR, ENOTDIR, EIO, EXDEV, EADDRINUSE}) {
        said.push_back(
            catalogue::text("error.output.write", Lang::nb, {{"file", "a.json"}, {"detail", errno_phrase(error)}}));
    }
    EXPECT_EQ(catalogue::words(errno_phrase(EXDEV), Lang::nb), "systemfeil EXDEV");
    const isolate::Limits limits;
    for (const auto ended : {isolate::Ended::exit_status, isolate::Ended::signal, isolate::Ended::cpu_limit,
                             isolate::Ended::memory_limit, isolate::Ended::time_limit, isolate::Ended::too_large}) {
        for (const bool allocation_failed : {false, true}) {
            isolate::Outcome out;
            out.ended = ended;
            out.signal = 9;
            out.allocation_failed = allocation_failed;
            said.push_back(catalogue::text("DP303.crashed", Lang::nb, {{"detail", isolate::describe(out, limits)}}));
        }
    }
    for (const std::string& text : said) {
        EXPECT_EQ(text.find("\xEE\x80"), std::string::npos) << text;  // every phrase worded
        const auto found = english_words_in(text);
        EXPECT_TRUE(found.empty()) << fmt::format("{}", fmt::join(found, ", ")) << " in «" << text << "»";
    }
}
