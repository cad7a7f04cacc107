#include "docx/layout_codec.hpp"

#include <string>
#include <utility>

namespace preflight::doctext {

using nlohmann::json;

json layout_to_json(const DocxLayout& layout) {
    json sections = json::array();
    for (const auto& s : layout.sections) {
        sections.push_back({{"section", s.section},
                            {"has_size", s.has_size},
                            {"w", s.width_twips},
                            {"h", s.height_twips},
                            {"orient", s.orient}});
    }
    return {{"sections", std::move(sections)}, {"truncated", layout.truncated}, {"error", layout.error}};
}

DocxLayout layout_from_json(const json& j) {
    DocxLayout layout;
    for (const auto& s : j.at("sections")) {
        PageSetup p;
        p.section = s.at("section").get<int>();
        p.has_size = s.at("has_size").get<bool>();
        p.width_twips = s.at("w").get<long>();
        p.height_twips = s.at("h").get<long>();
        p.orient = s.at("orient").get<std::string>();
        layout.sections.push_back(std::move(p));
    }
    layout.truncated = j.at("truncated").get<bool>();
    layout.error = j.at("error").get<std::string>();
    return layout;
}

}  // namespace preflight::doctext
