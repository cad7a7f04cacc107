// The command line's definitions: every command, every option and which commands take
// it, in one table. The parser, `preflight COMMAND --help` and the manual pages
// (`preflight __describe`, packaging/make-manpages.py) are all made from it, so they
// cannot disagree (docs/cli.md).
#pragma once

#include "validator/model.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace preflight::app::cli {

struct OptionDef {
    std::string_view name;      // long name, without "--"
    char short_name = 0;        // e.g. 'o' for -o; 0: none
    std::string_view value;     // catalogue id of the value's placeholder (FILE); empty: a flag
    bool repeatable = false;    // may be given more than once (values kept in order)
    std::string_view commands;  // the commands that take it, space-separated; "*": every one
};

struct CommandDef {
    std::string_view name;
    // Options `serve` accepted and ignored before options were per command: still
    // accepted there, with a warning, so that an upgrade does not stop a running unit.
    bool lenient = false;
};

// Every option and every command, in the order --help shows them.
const std::vector<OptionDef>& options();
const std::vector<CommandDef>& commands();

// The options `command` takes (the global ones included).
std::vector<const OptionDef*> options_of(std::string_view command);

struct Parsed {
    std::string command;  // empty: none given (preflight --help, --version)
    std::vector<std::string> args;
    std::map<std::string, std::vector<std::string>, std::less<>> values;  // flags: one empty value each
    std::vector<std::string> ignored;  // serve: options accepted and ignored (warn about them)

    [[nodiscard]] bool has(std::string_view name) const { return values.contains(name); }
    // The value of a single-valued option, or `fallback` when it was not given.
    [[nodiscard]] std::string value(std::string_view name, std::string_view fallback = {}) const;
    [[nodiscard]] std::optional<std::string> optional(std::string_view name) const;
    [[nodiscard]] std::vector<std::string> all(std::string_view name) const;
};

// Parses argv: the command (the first argument that is not an option or an option's
// value) and the options that command takes. Throws UsageError, in the catalogue's
// words, naming the option and ending with a hint to `--help`.
Parsed parse(int argc, const char* const* argv);

// `preflight --help` (command empty) and `preflight COMMAND --help`, in `lang`.
std::string help(std::string_view command, Lang lang);

// The definitions as JSON, in `lang`, for packaging/make-manpages.py.
std::string describe(Lang lang);

}  // namespace preflight::app::cli
