// Options for checks and sections from an INI file (--config), one section per slug.
#pragma once

#include "validator/check.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace preflight {

struct Section {
    std::string name;  // a check's slug, or "pdf"
    std::vector<OptionSpec> options;
};

// One section per check, named by its slug. The other sections are declared next to the
// code that reads them ([pdf]: validator/engine.hpp; the registries', [serve], [scan])
// and gathered by app/sections.hpp.
std::vector<Section> check_sections(const CheckSet& check_set);

class Config {
public:
    // Every option at its default.
    explicit Config(const std::vector<Section>& sections);
    // Reads `file` over the defaults. Throws UsageError naming file and line for a
    // syntax error, an unknown section or key, a repeated key or a bad value.
    static Config load(const std::filesystem::path& file, const std::vector<Section>& sections);

    [[nodiscard]] const SectionOptions& section(std::string_view name) const;
    // The INI text of every option at its current value (`preflight checks --dump-config`).
    [[nodiscard]] std::string dump(const std::vector<Section>& sections) const;
    // `value` (a path from the file) resolved against the config file's folder;
    // empty stays empty.
    [[nodiscard]] std::filesystem::path path(const std::string& value) const;

private:
    std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> values_;
    std::map<std::string, SectionOptions, std::less<>> resolved_;
    std::filesystem::path dir_;  // folder of the file read, for relative paths
    void resolve();
};

// The name of the configuration file found by discovery (docs/cli.md, "Configuration").
inline constexpr const char* kLocalConfig = ".preflight.ini";

// The system's configuration file (the package's, the gate's): /etc/preflight/preflight.ini,
// or $PREFLIGHT_SYSTEM_CONFIG when set (for tests and other layouts).
std::filesystem::path system_config();

// The file read without --config: .preflight.ini in `start` or the nearest parent folder
// that has one; else the system file when this user can read it (skipped without a
// word when not: it holds the gate's credentials); else none (the defaults).
std::optional<std::filesystem::path> discover_config(const std::filesystem::path& start);

}  // namespace preflight
