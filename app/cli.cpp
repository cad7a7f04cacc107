#include "app/cli.hpp"

#include "base/error.hpp"
#include "validator/catalogue.hpp"

#include <fmt/format.h>
#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstring>

namespace preflight::app::cli {
namespace {

namespace po = boost::program_options;

// clang-format off
const std::vector<OptionDef>& option_table() {
    static const std::vector<OptionDef> table = {
    {"manifest",        0,   "cli.value.manifest", false, "check explain fix"},
    {"channel",         0,   "cli.value.channel",  false, "check scan explain fix"},
    {"format",          0,   "cli.value.format",   true,  "check scan explain lookup checks fix"},
    {"output",          'o', "cli.value.file",     true,  "check scan fix"},
    {"fail-on",         0,   "cli.value.fail-on",  false, "check scan fix"},
    {"exit-zero",       0,   "",                   false, "check scan"},
    {"select",          0,   "cli.value.checks",   true,  "check scan"},
    {"ignore",          0,   "cli.value.checks",   true,  "check scan"},
    {"stdin-name",      0,   "cli.value.name",     false, "check"},
    {"quiet",           'q', "",                   false, "check scan"},
    {"color",           0,   "cli.value.color",    false, "check scan"},
    {"config",          0,   "cli.value.file",     false, "check scan explain lookup checks fix serve"},
    {"no-config",       0,   "",                   false, "check scan explain lookup checks fix"},
    {"show-ids",        0,   "",                   false, "check scan explain lookup fix"},
    {"strict-registry", 0,   "",                   false, "check explain fix serve"},
    {"profile",         0,   "cli.value.profile",  false, "check explain fix serve"},
    {"no-sandbox",      0,   "",                   false, "check scan explain fix serve"},
    {"jobs",            0,   "cli.value.count",    false, "scan"},
    {"exclude",         0,   "cli.value.glob",     true,  "scan"},
    {"log",             0,   "cli.value.file",     false, "explain"},
    {"statuses",        0,   "cli.value.file",     false, "explain"},
    {"dump-config",     0,   "",                   false, "checks"},
    {"two-up",          0,   "",                   false, "fix"},
    {"force",           0,   "",                   false, "fix"},
    {"listen",          0,   "cli.value.address",  false, "serve"},
    {"upstream",        0,   "cli.value.url",      false, "serve"},
    {"workers",         0,   "cli.value.count",    false, "serve"},
    {"lang",            0,   "cli.value.lang",     false, "*"},
    {"help",            'h', "",                   false, "*"},
    {"version",         0,   "",                   false, "*"},
};
    return table;
}
// clang-format on

const std::vector<CommandDef>& command_table() {
    static const std::vector<CommandDef> table = {{"check"},  {"scan"}, {"explain"},    {"lookup"},
                                                  {"checks"}, {"fix"},  {"serve", true}};
    return table;
}

// What `serve` took, and ignored, when every option was accepted by every command.
constexpr std::array kServeIgnored = {"channel", "format", "fail-on",  "manifest", "show-ids", "dump-config", "jobs",
                                      "exclude", "log",    "statuses", "output",   "two-up",   "force"};

bool takes(const OptionDef& o, std::string_view command) {
    if (o.commands == "*") {
        return true;
    }
    std::string_view rest = o.commands;
    while (!rest.empty()) {
        const auto space = rest.find(' ');
        if (rest.substr(0, space) == command) {
            return true;
        }
        rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    }
    return false;
}

const OptionDef* by_name(std::string_view name) {
    for (const auto& o : option_table()) {
        if (o.name == name || (name.size() == 1 && o.short_name == name.front())) {
            return &o;
        }
    }
    return nullptr;
}

const CommandDef* command_named(std::string_view name) {
    for (const auto& c : command_table()) {
        if (c.name == name) {
            return &c;
        }
    }
    return nullptr;
}

bool serve_ignores(std::string_view name) {
    return std::find(kServeIgnored.begin(), kServeIgnored.end(), name) != kServeIgnored.end();
}

// "--output" for "output" and "-o" for "o"; po's names come either way.
std::string bare(std::string name) {
    while (!name.empty() && name.front() == '-') {
        name.erase(0, 1);
    }
    if (const auto eq = name.find('='); eq != std::string::npos) {
        name.resize(eq);
    }
    return name;
}

std::string spelled(const OptionDef& o) { return "--" + std::string(o.name); }

// The commands that take `o`, for "it belongs to check, scan".
std::string commands_taking(const OptionDef& o) {
    std::string out;
    for (const auto& c : command_table()) {
        if (takes(o, c.name)) {
            out += (out.empty() ? "" : ", ") + std::string(c.name);
        }
    }
    return out;
}

[[noreturn]] void usage_error(std::string_view id, MessageArgs args, std::string_view command) {
    args.emplace_back("command", command.empty() ? std::string("preflight") : "preflight " + std::string(command));
    throw UsageError(std::string(id), std::move(args));
}

// Finds the command: the first argument that is neither an option nor the value of one.
std::optional<std::size_t> command_position(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--") {
            return i + 1 < argc ? std::optional<std::size_t>(i + 1) : std::nullopt;
        }
        if (a.size() > 1 && a.front() == '-') {
            const bool long_form = a.starts_with("--");
            const std::string name = bare(std::string(long_form ? a : a.substr(0, 2)));
            const OptionDef* o = by_name(name);
            const bool inline_value = long_form ? a.find('=') != std::string_view::npos : a.size() > 2;
            if (o != nullptr && !o->value.empty() && !inline_value) {
                ++i;  // its value
            }
            continue;
        }
        return i;
    }
    return std::nullopt;
}

std::string flags_of(const OptionDef& o, Lang lang) {
    std::string s = o.short_name != 0 ? fmt::format("-{}, ", o.short_name) : std::string();
    s += spelled(o);
    if (!o.value.empty()) {
        s += " " + catalogue::text(o.value, lang);
    }
    return s;
}

// An option's help: "cli.opt.<command>.<name>" where a command means it its own way.
std::string option_help(const OptionDef& o, std::string_view command, Lang lang) {
    const std::string own = fmt::format("cli.opt.{}.{}", command, o.name);
    return catalogue::text(catalogue::has(own) ? own : fmt::format("cli.opt.{}", o.name), lang);
}

std::string two_columns(const std::vector<std::pair<std::string, std::string>>& rows) {
    std::size_t width = 0;
    for (const auto& [left, right] : rows) {
        width = std::max(width, left.size());
    }
    width = std::min<std::size_t>(width, 26);
    // The right column wrapped at 100 columns (counted in bytes: near enough for bokmål).
    const std::size_t room = 100 - 4 - width;
    std::string out;
    for (const auto& [left, right] : rows) {
        std::vector<std::string> wrapped{""};
        std::size_t start = 0;
        while (start < right.size()) {
            const auto space = right.find(' ', start);
            const std::string word =
                right.substr(start, space == std::string::npos ? std::string::npos : space - start);
            if (!wrapped.back().empty() && wrapped.back().size() + 1 + word.size() > room) {
                wrapped.emplace_back();
            }
            wrapped.back() += (wrapped.back().empty() ? "" : " ") + word;
            start = space == std::string::npos ? right.size() : space + 1;
        }
        if (left.size() > width) {
            out += fmt::format("  {}\n", left);
        } else {
            out += fmt::format("  {:{}}  {}\n", left, width, wrapped.front());
            wrapped.erase(wrapped.begin());
        }
        for (const auto& line : wrapped) {
            out += fmt::format("  {:{}}  {}\n", "", width, line);
        }
    }
    return out;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = text.find('\n', start);
        out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    return out;
}

}  // namespace

const std::vector<OptionDef>& options() { return option_table(); }
const std::vector<CommandDef>& commands() { return command_table(); }

std::vector<const OptionDef*> options_of(std::string_view command) {
    std::vector<const OptionDef*> out;
    for (const auto& o : option_table()) {
        if (takes(o, command)) {
            out.push_back(&o);
        }
    }
    return out;
}

std::string Parsed::value(std::string_view name, std::string_view fallback) const {
    const auto it = values.find(name);
    return it == values.end() || it->second.empty() ? std::string(fallback) : it->second.back();
}

std::optional<std::string> Parsed::optional(std::string_view name) const {
    const auto it = values.find(name);
    return it == values.end() || it->second.empty() ? std::nullopt : std::optional<std::string>(it->second.back());
}

std::vector<std::string> Parsed::all(std::string_view name) const {
    const auto it = values.find(name);
    return it == values.end() ? std::vector<std::string>{} : it->second;
}

Parsed parse(int argc, const char* const* argv) {
    Parsed parsed;
    const auto at = command_position(argc, argv);
    const CommandDef* command = nullptr;
    if (at) {
        command = command_named(argv[*at]);
        if (command == nullptr) {
            throw UsageError("error.usage.command", {{"command", argv[*at]}});
        }
        parsed.command = command->name;
    }
    // What this command takes; without a command, only the global options.
    po::options_description described;
    std::vector<const OptionDef*> accepted;
    for (const auto& o : option_table()) {
        const bool own = command != nullptr ? takes(o, command->name) : o.commands == "*";
        const bool ignored = command != nullptr && command->lenient && serve_ignores(o.name);
        if (!own && !ignored) {
            continue;
        }
        accepted.push_back(&o);
        const std::string spec = std::string(o.name) + (o.short_name != 0 ? std::string(",") + o.short_name : "");
        if (o.value.empty()) {
            described.add_options()(spec.c_str(), "");
        } else if (o.repeatable) {
            described.add_options()(spec.c_str(), po::value<std::vector<std::string>>()->composing());
        } else {
            described.add_options()(spec.c_str(), po::value<std::string>());
        }
    }
    described.add_options()("args", po::value<std::vector<std::string>>());
    po::positional_options_description positional;
    positional.add("args", -1);

    std::vector<std::string> rest;
    for (int i = 1; i < argc; ++i) {
        if (!at || static_cast<std::size_t>(i) != *at) {
            rest.emplace_back(argv[i]);
        }
    }
    const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    po::variables_map vm;
    const std::string_view name = parsed.command;
    try {
        po::store(po::command_line_parser(rest).options(described).positional(positional).style(style).run(), vm);
    } catch (const po::unknown_option& e) {
        const std::string option = e.get_option_name();
        const OptionDef* known = by_name(bare(option));
        if (known != nullptr) {
            usage_error("error.usage.option-elsewhere", {{"option", option}, {"commands", commands_taking(*known)}},
                        name);
        }
        usage_error("error.usage.unknown-option", {{"option", option}}, name);
    } catch (const po::multiple_occurrences& e) {
        usage_error("error.usage.repeated", {{"option", "--" + bare(e.get_option_name())}}, name);
    } catch (const po::invalid_command_line_syntax& e) {
        const std::string option = "--" + bare(e.get_option_name());
        switch (e.kind()) {
            case po::invalid_syntax::missing_parameter:
                usage_error("error.usage.missing-value", {{"option", option}}, name);
            case po::invalid_syntax::extra_parameter:
                usage_error("error.usage.extra-value", {{"option", option}}, name);
            default:
                usage_error("error.usage.syntax", {{"option", option}}, name);
        }
    } catch (const po::error_with_option_name& e) {
        const std::string option = e.get_option_name().empty() ? std::string("?") : e.get_option_name();
        usage_error("error.usage.syntax", {{"option", option}}, name);
    } catch (const po::error&) {
        usage_error("error.usage.syntax", {{"option", "?"}}, name);
    }
    for (const auto& [key, value] : vm) {
        if (key == "args") {
            parsed.args = value.as<std::vector<std::string>>();
            continue;
        }
        const OptionDef* o = by_name(key);
        if (o == nullptr) {
            continue;
        }
        std::vector<std::string>& into = parsed.values[key];
        if (o->value.empty()) {
            into.emplace_back();
        } else if (o->repeatable) {
            into = value.as<std::vector<std::string>>();
        } else {
            into.push_back(value.as<std::string>());
        }
        // "--format --lang en": the value is missing and the next option was taken for it.
        for (const std::string& v : into) {
            if (v.starts_with("--") && by_name(bare(v)) != nullptr) {
                usage_error("error.usage.missing-value", {{"option", spelled(*o)}}, name);
            }
        }
        if (command != nullptr && command->lenient && !takes(*o, command->name)) {
            parsed.ignored.push_back(spelled(*o));
            parsed.values.erase(key);
        }
    }
    // A command takes no options before it that it does not know either (checked above).
    return parsed;
}

std::string help(std::string_view command, Lang lang) {
    std::string out;
    if (command.empty()) {
        out += catalogue::text("cli.help.title", lang) + "\n\n";
        out += catalogue::text("cli.help.usage", lang) + "\n\n";
        out += catalogue::text("cli.help.commands", lang) + "\n";
        std::vector<std::pair<std::string, std::string>> rows;
        rows.reserve(command_table().size());
        for (const auto& c : command_table()) {
            rows.emplace_back(std::string(c.name), catalogue::text(fmt::format("cli.cmd.{}", c.name), lang));
        }
        out += two_columns(rows) + "\n";
        out += catalogue::text("cli.help.global", lang) + "\n";
        rows.clear();
        for (const auto& o : option_table()) {
            if (o.commands == "*") {
                rows.emplace_back(flags_of(o, lang), option_help(o, "", lang));
            }
        }
        out += two_columns(rows) + "\n";
        out += catalogue::text("cli.help.more", lang) + "\n\n";
        out += catalogue::text("cli.help.exit", lang) + "\n";
        return out;
    }
    out += fmt::format("preflight {} – {}\n\n", command, catalogue::text(fmt::format("cli.cmd.{}", command), lang));
    out += catalogue::text("cli.help.usage-of", lang) + "\n";
    for (const auto& line : lines(catalogue::text(fmt::format("cli.cmd.{}.usage", command), lang))) {
        out += "  " + line + "\n";
    }
    out += "\n" + catalogue::text("cli.help.options", lang) + "\n";
    std::vector<std::pair<std::string, std::string>> rows;
    for (const OptionDef* o : options_of(command)) {
        rows.emplace_back(flags_of(*o, lang), option_help(*o, command, lang));
    }
    out += two_columns(rows) + "\n";
    out += catalogue::text("cli.help.exit", lang) + "\n";
    return out;
}

std::string describe(Lang lang) {
    using json = nlohmann::json;
    json commands_json = json::array();
    for (const auto& c : command_table()) {
        json opts = json::array();
        for (const OptionDef* o : options_of(c.name)) {
            opts.push_back({{"flags", flags_of(*o, lang)}, {"help", option_help(*o, c.name, lang)}});
        }
        commands_json.push_back({{"name", c.name},
                                 {"summary", catalogue::text(fmt::format("cli.cmd.{}", c.name), lang)},
                                 {"about", catalogue::text(fmt::format("cli.cmd.{}.about", c.name), lang)},
                                 {"usage", lines(catalogue::text(fmt::format("cli.cmd.{}.usage", c.name), lang))},
                                 {"options", opts}});
    }
    json global = json::array();
    for (const auto& o : option_table()) {
        if (o.commands == "*") {
            global.push_back({{"flags", flags_of(o, lang)}, {"help", option_help(o, "", lang)}});
        }
    }
    const json out = {{"lang", lang == Lang::nb ? "nb" : "en"},
                      {"title", catalogue::text("cli.help.title", lang)},
                      {"about", catalogue::text("cli.help.about", lang)},
                      {"headings",
                       {{"name", catalogue::text("cli.man.name", lang)},
                        {"synopsis", catalogue::text("cli.man.synopsis", lang)},
                        {"description", catalogue::text("cli.man.description", lang)},
                        {"commands", catalogue::text("cli.man.commands", lang)},
                        {"options", catalogue::text("cli.man.options", lang)},
                        {"exit", catalogue::text("cli.man.exit", lang)},
                        {"see-also", catalogue::text("cli.man.see-also", lang)}}},
                      {"exit", catalogue::text("cli.help.exit-codes", lang)},
                      {"commands", commands_json},
                      {"global", global}};
    return out.dump(2) + "\n";
}

}  // namespace preflight::app::cli
