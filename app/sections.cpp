#include "app/sections.hpp"

#include "registry/setup.hpp"
#include "scan/scan.hpp"
#include "server/gate.hpp"
#include "validator/engine.hpp"
#include "validator/selection.hpp"

namespace preflight::app {

std::vector<Section> config_sections(const CheckSet& check_set) {
    std::vector<Section> sections = check_sections(check_set);
    for (Section& s : registry::config_sections()) {
        sections.push_back(std::move(s));
    }
    sections.push_back(server::serve_section());
    sections.push_back(scan::scan_section());
    sections.push_back(selection_section());
    sections.push_back(pdf_section());
    return sections;
}

}  // namespace preflight::app
