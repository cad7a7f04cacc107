// Choosing checks (`--select`, `--ignore`, [checks] select/ignore), as ruff does: a
// selector is a code (DP301), a code prefix (DP3, DP), a slug (page-format) or ALL.
// The most specific selector that matches a check decides; on a tie, ignore wins; a
// check no selector matches is on when nothing is selected. The gate never uses this.
#pragma once

#include "validator/check.hpp"
#include "validator/config.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace preflight {

struct Selection {
    std::vector<std::string> select;
    std::vector<std::string> ignore;
    [[nodiscard]] bool empty() const { return select.empty() && ignore.empty(); }
};

// [checks] select, ignore: comma-separated selectors.
Section selection_section();

// "DP1, page-format,DP3" as selectors (commas and blanks separate).
std::vector<std::string> split_selectors(std::string_view list);

// The file's [checks] with the command line's over it: --select replaces the file's
// select, --ignore adds to its ignore.
Selection combine(const SectionOptions& file, const Selection& command_line);

// The codes of the checks `selection` switches off. Throws UsageError
// (error.usage.selector, naming `source`) for a selector that matches no check.
std::vector<std::string> switched_off(const CheckSet& check_set, const Selection& selection, std::string_view source);

}  // namespace preflight
