#include "validator/config.hpp"

#include "base/error.hpp"
#include "base/files.hpp"

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

namespace po = boost::program_options;

namespace preflight {
namespace {

std::string strip(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) {
        return {};
    }
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

struct Place {
    int line = 0;
    std::size_t key_column = 1;
    std::size_t value_column = 1;
};

struct LineIndex {
    std::string normalised;                          // the text Boost reads: same lines, no BOM or comments
    std::map<std::string, std::vector<Place>> keys;  // "section.key" -> every place it is set
    std::map<std::string, std::string> sections;     // section -> "line:column" of its header
    std::string first_bad;                           // "line:column" of the first bad line
};

// Where each key stands, so that Boost's errors can name a line and column; and the
// text normalised line by line (BOM dropped, comments blanked, section names trimmed)
// so that Boost and this index read the same thing.
LineIndex index_lines(std::string content) {
    LineIndex idx;
    if (content.rfind("\xEF\xBB\xBF", 0) == 0) {
        content.erase(0, 3);
    }
    std::istringstream in(content);
    std::string line;
    std::string section;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        const std::string s = strip(line);
        const std::size_t indent = line.find_first_not_of(" \t") + 1;
        if (s.empty() || s[0] == '#' || s[0] == ';') {
            idx.normalised += "\n";
            continue;
        }
        if (s.front() == '[') {
            if (s.back() != ']' && idx.first_bad.empty()) {
                idx.first_bad = fmt::format("{}:{}", n, indent);
            }
            section = strip(s.substr(1, s.size() - 2));
            idx.sections.emplace(section, fmt::format("{}:{}", n, indent));
            idx.normalised += "[" + section + "]\n";
            continue;
        }
        idx.normalised += line + "\n";
        const auto eq = line.find('=');
        if (eq == std::string::npos) {
            if (idx.first_bad.empty()) {
                idx.first_bad = fmt::format("{}:{}", n, indent);
            }
            continue;
        }
        const std::string name = strip(line.substr(0, eq));
        const std::string key = section.empty() ? name : fmt::format("{}.{}", section, name);
        const auto value_start = line.find_first_not_of(" \t", eq + 1);
        idx.keys[key].push_back({n, indent, value_start == std::string::npos ? eq + 2 : value_start + 1});
    }
    return idx;
}

bool valid_value(const OptionSpec& spec, std::string& value) {
    switch (spec.kind) {
        case OptionSpec::Kind::integer: {
            std::int64_t v = 0;
            const auto* end = value.data() + value.size();
            const auto [p, ec] = std::from_chars(value.data(), end, v);
            return ec == std::errc() && p == end && v >= spec.min && v <= spec.max;
        }
        case OptionSpec::Kind::number: {
            try {
                std::size_t used = 0;
                const double v = std::stod(value, &used);
                return used == value.size() && v >= static_cast<double>(spec.min) && v <= static_cast<double>(spec.max);
            } catch (const std::exception&) {
                return false;
            }
        }
        case OptionSpec::Kind::boolean:
            if (value == "true" || value == "yes" || value == "on" || value == "1") {
                value = "true";
                return true;
            }
            if (value == "false" || value == "no" || value == "off" || value == "0") {
                value = "false";
                return true;
            }
            return false;
        case OptionSpec::Kind::version:
            return value.size() == 3 && value[0] >= '1' && value[0] <= '9' && value[1] == '.' && value[2] >= '0' &&
                   value[2] <= '9';
        case OptionSpec::Kind::text:
            return true;
        case OptionSpec::Kind::url:
            return value.empty() || value.starts_with("http://") || value.starts_with("https://");
    }
    return false;
}

std::string_view kind_name(OptionSpec::Kind k) {
    switch (k) {
        case OptionSpec::Kind::integer:
            return "integer";
        case OptionSpec::Kind::number:
            return "number";
        case OptionSpec::Kind::boolean:
            return "boolean";
        case OptionSpec::Kind::version:
            return "version";
        case OptionSpec::Kind::text:
            return "text";
        case OptionSpec::Kind::url:
            return "url";
    }
    return "";
}

}  // namespace

std::vector<Section> check_sections(const CheckSet& check_set) {
    std::vector<Section> sections;
    for (const auto& c : check_set.checks()) {
        sections.push_back({std::string(c->slug()), c->options()});
    }
    return sections;
}

Config::Config(const std::vector<Section>& sections) {
    for (const auto& s : sections) {
        auto& values = values_[s.name];
        for (const auto& o : s.options) {
            values[o.key] = o.default_value;
        }
    }
    resolve();
}

std::filesystem::path Config::path(const std::string& value) const {
    if (value.empty()) {
        return {};
    }
    const std::filesystem::path p(value);
    return p.is_absolute() || dir_.empty() ? p : dir_ / p;
}

void Config::resolve() {
    resolved_.clear();
    for (const auto& [name, values] : values_) {
        resolved_.emplace(name, SectionOptions(values));
    }
}

Config Config::load(const std::filesystem::path& file, const std::vector<Section>& sections) {
    const std::string shown = file.string();
    const auto content = read_regular_file(file);
    if (!content) {
        throw UsageError("error.config.unreadable", {{"file", shown}});
    }
    const LineIndex lines = index_lines(*content);
    if (!lines.first_bad.empty()) {
        throw UsageError("error.config.syntax", {{"file", shown}, {"at", lines.first_bad}});
    }

    po::options_description desc;
    std::map<std::string, const OptionSpec*> specs;
    for (const auto& s : sections) {
        for (const auto& o : s.options) {
            const std::string full = s.name + "." + o.key;
            specs[full] = &o;
            desc.add_options()(full.c_str(), po::value<std::string>());
        }
    }

    po::variables_map vm;
    std::istringstream stream(lines.normalised);
    // "line:column" of the key (or its value) where it is set the `nth` time.
    const auto place = [&](const std::string& key, bool value, std::size_t nth = 0) {
        const auto it = lines.keys.find(key);
        if (it == lines.keys.end() || it->second.empty()) {
            return std::string("?");
        }
        const Place& p = it->second[std::min(nth, it->second.size() - 1)];
        return fmt::format("{}:{}", p.line, value ? p.value_column : p.key_column);
    };
    try {
        po::store(po::parse_config_file(stream, desc, false), vm);
    } catch (const po::unknown_option& e) {
        const std::string key = e.get_option_name();
        const auto dot = key.find('.');
        const std::string section = dot == std::string::npos ? key : key.substr(0, dot);
        const bool known_section =
            std::any_of(sections.begin(), sections.end(), [&](const Section& s) { return s.name == section; });
        throw UsageError(known_section ? "error.config.unknown-key" : "error.config.unknown-section",
                         {{"file", shown},
                          {"at", known_section || lines.sections.count(section) == 0 ? place(key, false)
                                                                                     : lines.sections.at(section)},
                          {"key", key},
                          {"section", section}});
    } catch (const po::multiple_occurrences& e) {
        const std::string key = e.get_option_name();
        throw UsageError("error.config.repeated-key", {{"file", shown}, {"at", place(key, false, 1)}, {"key", key}});
    } catch (const po::error& e) {
        throw UsageError("error.config.syntax-detail", {{"file", shown}, {"at", "1:1"}, {"detail", e.what()}});
    }

    Config config(sections);
    for (const auto& [full, spec] : specs) {
        if (vm.count(full) == 0) {
            continue;
        }
        std::string value = strip(vm[full].as<std::string>());
        if (!valid_value(*spec, value)) {
            MessageArgs args{{"file", shown}, {"at", place(full, true)}, {"key", full}, {"value", value}};
            args.emplace_back("range", fmt::format("{}..{}", spec->min, spec->max));
            throw UsageError(fmt::format("error.config.bad-{}", kind_name(spec->kind)), std::move(args));
        }
        const auto dot = full.find('.');
        config.values_[full.substr(0, dot)][full.substr(dot + 1)] = value;
    }
    config.resolve();
    config.dir_ = file.parent_path();
    return config;
}

const SectionOptions& Config::section(std::string_view name) const {
    static const SectionOptions empty;
    const auto it = resolved_.find(name);
    return it == resolved_.end() ? empty : it->second;
}

std::string Config::dump(const std::vector<Section>& sections) const {
    std::string out;
    for (const auto& s : sections) {
        if (s.options.empty()) {
            continue;
        }
        out += fmt::format("[{}]\n", s.name);
        const auto& values = values_.at(s.name);
        for (const auto& o : s.options) {
            out += fmt::format("{} = {}\n", o.key, values.at(o.key));
        }
        out += "\n";
    }
    return out;
}

std::filesystem::path system_config() {
    const char* env = std::getenv("PREFLIGHT_SYSTEM_CONFIG");
    return env != nullptr && *env != '\0' ? std::filesystem::path(env)
                                          : std::filesystem::path("/etc/preflight/preflight.ini");
}

std::optional<std::filesystem::path> discover_config(const std::filesystem::path& start) {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::absolute(start, ec);
    if (ec) {
        dir.clear();
    }
    while (!dir.empty()) {
        const std::filesystem::path candidate = dir / kLocalConfig;
        if (std::filesystem::is_regular_file(candidate, ec)) {
            return candidate;
        }
        if (!dir.has_relative_path()) {
            break;  // the root
        }
        dir = dir.parent_path();
    }
    const std::filesystem::path system = system_config();
    if (std::filesystem::is_regular_file(system, ec) && ::access(system.c_str(), R_OK) == 0) {
        return system;
    }
    return std::nullopt;
}

}  // namespace preflight
