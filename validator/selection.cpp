#include "validator/selection.hpp"

#include "base/error.hpp"
#include "base/text.hpp"

#include <algorithm>

namespace preflight {
namespace {

// How specifically `selector` matches `check`: 0 not at all, else the longer the more.
std::size_t specificity(std::string_view selector, const Check& check) {
    const std::string lower = text::ascii_lower(selector);
    if (lower == "all") {
        return 1;
    }
    if (selector == check.slug()) {
        return 1000;
    }
    if (lower.size() >= 2 && text::ascii_lower(check.code()).starts_with(lower)) {
        return 1 + lower.size();
    }
    return 0;
}

std::size_t best(const std::vector<std::string>& selectors, const Check& check) {
    std::size_t out = 0;
    for (const auto& s : selectors) {
        out = std::max(out, specificity(s, check));
    }
    return out;
}

}  // namespace

Section selection_section() {
    return {"checks", {{"select", OptionSpec::Kind::text, ""}, {"ignore", OptionSpec::Kind::text, ""}}};
}

std::vector<std::string> split_selectors(std::string_view list) {
    std::vector<std::string> out;
    std::string current;
    for (const char c : list) {
        if (c == ',' || c == ' ' || c == '\t') {
            if (!current.empty()) {
                out.push_back(std::move(current));
                current.clear();
            }
        } else {
            current += c;
        }
    }
    if (!current.empty()) {
        out.push_back(std::move(current));
    }
    return out;
}

Selection combine(const SectionOptions& file, const Selection& command_line) {
    Selection out;
    out.select = command_line.select.empty() ? split_selectors(file.text("select")) : command_line.select;
    out.ignore = split_selectors(file.text("ignore"));
    out.ignore.insert(out.ignore.end(), command_line.ignore.begin(), command_line.ignore.end());
    return out;
}

std::vector<std::string> switched_off(const CheckSet& check_set, const Selection& selection, std::string_view source) {
    for (const auto* list : {&selection.select, &selection.ignore}) {
        for (const auto& s : *list) {
            const bool matches = std::any_of(check_set.checks().begin(), check_set.checks().end(),
                                             [&](const auto& c) { return specificity(s, *c) > 0; });
            if (!matches) {
                throw UsageError("error.usage.selector", {{"source", std::string(source)}, {"selector", s}});
            }
        }
    }
    std::vector<std::string> off;
    for (const auto& c : check_set.checks()) {
        const std::size_t in = best(selection.select, *c);
        const std::size_t out = best(selection.ignore, *c);
        const bool on = out > 0 ? in > out : (in > 0 || selection.select.empty());
        if (!on) {
            off.emplace_back(c->code());
        }
    }
    return off;
}

}  // namespace preflight
