#include "validator/config.hpp"

#include "validator/error.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <charconv>
#include <fstream>
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

struct LineIndex {
    std::map<std::string, int> key_lines;  // "section.key" -> first line
    std::map<std::string, int> section_lines;
    int first_bad_line = 0;
};

// Where each key stands, so that Boost's errors can name a line.
LineIndex index_lines(const std::string& content) {
    LineIndex idx;
    std::istringstream in(content);
    std::string line;
    std::string section;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        const std::string s = strip(line);
        if (s.empty() || s[0] == '#' || s[0] == ';') {
            continue;
        }
        if (s.front() == '[') {
            if (s.back() != ']') {
                idx.first_bad_line = idx.first_bad_line == 0 ? n : idx.first_bad_line;
                continue;
            }
            section = strip(s.substr(1, s.size() - 2));
            idx.section_lines.emplace(section, n);
            continue;
        }
        const auto eq = s.find('=');
        if (eq == std::string::npos) {
            idx.first_bad_line = idx.first_bad_line == 0 ? n : idx.first_bad_line;
            continue;
        }
        const std::string key = section.empty() ? strip(s.substr(0, eq)) : section + "." + strip(s.substr(0, eq));
        idx.key_lines.emplace(key, n);
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
                return used == value.size() && v >= static_cast<double>(spec.min) &&
                       v <= static_cast<double>(spec.max);
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
        case OptionSpec::Kind::text:
            return true;
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
        case OptionSpec::Kind::text:
            return "text";
    }
    return "";
}

}  // namespace

std::vector<Section> builtin_sections(const Registry& registry) {
    std::vector<Section> sections;
    for (const auto& c : registry.checks()) {
        sections.push_back({std::string(c->slug()), c->options()});
    }
    sections.push_back({"pdf",
                        {{"memory-mb", OptionSpec::Kind::integer, "1024", 64, 65536},
                         {"cpu-seconds", OptionSpec::Kind::integer, "20", 1, 3600},
                         {"wall-seconds", OptionSpec::Kind::integer, "30", 1, 3600}}});
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

void Config::resolve() {
    resolved_.clear();
    for (const auto& [name, values] : values_) {
        resolved_.emplace(name, SectionOptions(values));
    }
}

Config Config::load(const std::filesystem::path& file, const std::vector<Section>& sections) {
    const std::string shown = file.string();
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw UsageError("error.config.unreadable", {{"file", shown}});
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    const std::string content = buf.str();
    const LineIndex lines = index_lines(content);
    if (lines.first_bad_line != 0) {
        throw UsageError("error.config.syntax", {{"file", shown}, {"line", std::to_string(lines.first_bad_line)}});
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
    std::istringstream stream(content);
    const auto line_of = [&](const std::string& key) {
        const auto it = lines.key_lines.find(key);
        return it == lines.key_lines.end() ? std::string("?") : std::to_string(it->second);
    };
    try {
        po::store(po::parse_config_file(stream, desc, false), vm);
    } catch (const po::unknown_option& e) {
        const std::string key = e.get_option_name();
        const auto dot = key.find('.');
        const std::string section = dot == std::string::npos ? key : key.substr(0, dot);
        const bool known_section = std::any_of(sections.begin(), sections.end(),
                                               [&](const Section& s) { return s.name == section; });
        throw UsageError(known_section ? "error.config.unknown-key" : "error.config.unknown-section",
                         {{"file", shown}, {"line", line_of(key)}, {"key", key}, {"section", section}});
    } catch (const po::multiple_occurrences& e) {
        const std::string key = e.get_option_name();
        throw UsageError("error.config.repeated-key", {{"file", shown}, {"line", line_of(key)}, {"key", key}});
    } catch (const po::error& e) {
        throw UsageError("error.config.syntax-detail", {{"file", shown}, {"line", "?"}, {"detail", e.what()}});
    }

    Config config(sections);
    for (const auto& [full, spec] : specs) {
        if (vm.count(full) == 0) {
            continue;
        }
        std::string value = strip(vm[full].as<std::string>());
        if (!valid_value(*spec, value)) {
            MessageArgs args{{"file", shown},
                             {"line", line_of(full)},
                             {"key", full},
                             {"value", value}};
            args.emplace_back("range", fmt::format("{}..{}", spec->min, spec->max));
            throw UsageError(fmt::format("error.config.bad-{}", kind_name(spec->kind)), std::move(args));
        }
        const auto dot = full.find('.');
        config.values_[full.substr(0, dot)][full.substr(dot + 1)] = value;
    }
    config.resolve();
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

}  // namespace preflight
