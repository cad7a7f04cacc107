#include "server/webpage.hpp"

#include "validator/catalogue.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace preflight::server {
namespace {

std::string build() {
    nlohmann::json nb = nlohmann::json::object();
    nlohmann::json en = nlohmann::json::object();
    for (const catalogue::Entry& e : catalogue::entries()) {
        const bool wanted = e.id.starts_with("web.") || e.id.starts_with("ui.severity.") || e.id == "ui.verdict.pass" ||
                            e.id == "ui.verdict.warn" || e.id == "ui.verdict.block";
        if (wanted) {
            nb[std::string(e.id)] = std::string(e.nb);
            en[std::string(e.id)] = std::string(e.en);
        }
    }
    std::string json = nlohmann::json{{"nb", nb}, {"en", en}}.dump();
    // Inside <script>: "</" could end the element early.
    for (std::size_t at = json.find("</"); at != std::string::npos; at = json.find("</", at + 3)) {
        json.replace(at, 2, "<\\/");
    }
    std::string page(web_page_template());
    constexpr std::string_view placeholder = "__PREFLIGHT_CATALOGUE__";
    const std::size_t at = page.find(placeholder);
    if (at == std::string::npos) {
        throw std::logic_error("server/web/index.html has no " + std::string(placeholder));
    }
    page.replace(at, placeholder.size(), json);
    return page;
}

}  // namespace

const std::string& web_page() {
    static const std::string page = build();
    return page;
}

}  // namespace preflight::server
