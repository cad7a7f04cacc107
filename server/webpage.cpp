#include "server/webpage.hpp"

#include "base/text.hpp"
#include "validator/catalogue.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <nlohmann/json.hpp>

#include <array>
#include <stdexcept>

namespace preflight::server {
namespace {

// 'sha256-BASE64' of an inline element's text, for the Content-Security-Policy.
std::string csp_hash(std::string_view text) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
    std::array<unsigned char, 4 * ((SHA256_DIGEST_LENGTH + 2) / 3) + 1> b64{};
    EVP_EncodeBlock(b64.data(), digest.data(), SHA256_DIGEST_LENGTH);
    return "'sha256-" + std::string(reinterpret_cast<const char*>(b64.data())) + "'";
}

// The text between `<tag>` and `</tag>` (the page has one of each).
std::string_view inner(std::string_view page, std::string_view tag) {
    const std::string open = "<" + std::string(tag) + ">";
    const std::string close = "</" + std::string(tag) + ">";
    const std::size_t a = page.find(open);
    const std::size_t b = page.find(close, a);
    if (a == std::string_view::npos || b == std::string_view::npos) {
        throw std::logic_error("server/web/index.html has no <" + std::string(tag) + ">");
    }
    return page.substr(a + open.size(), b - a - open.size());
}

// A noun phrase without its leading article (en/ei/et, a/an).
std::string without_article(std::string_view phrase) {
    for (const std::string_view article : {"en ", "ei ", "et ", "a ", "an "}) {
        if (phrase.starts_with(article)) {
            return std::string(phrase.substr(article.size()));
        }
    }
    return std::string(phrase);
}

struct Page {
    std::string html;
    std::string csp;
};

Page build() {
    nlohmann::json nb = nlohmann::json::object();
    nlohmann::json en = nlohmann::json::object();
    for (const catalogue::Entry& e : catalogue::entries()) {
        const bool wanted = e.id.starts_with("web.") || e.id.starts_with("ui.severity.") || e.id == "ui.verdict.pass" ||
                            e.id == "ui.verdict.warn" || e.id == "ui.verdict.block";
        if (wanted) {
            nb[std::string(e.id)] = std::string(e.nb);
            en[std::string(e.id)] = std::string(e.en);
        }
        // Each check by its title ("check.DP301": what `preflight checks` says of it), not its slug.
        if (e.id.starts_with("DP") && e.id.ends_with(".summary")) {
            const std::string code(e.id.substr(0, e.id.find('.')));
            nb["check." + code] = std::string(e.nb);
            en["check." + code] = std::string(e.en);
        }
        // File types as people say them, without the article the messages use ("et
        // Word-dokument" -> "Word-dokument"): "type.<MIME type>", "type.other".
        if (e.id.starts_with("filetype.")) {
            const std::string type = "type." + std::string(e.id.substr(9));
            nb[type] = without_article(e.nb);
            en[type] = without_article(e.en);
        }
    }
    // The types the catalogue names under another type's name (an old Word file, XML, JPEG).
    for (const char* alias : {"application/x-ole-storage", "application/CDFV2", "application/xml", "image/jpg"}) {
        nb[std::string("type.") + alias] = without_article(catalogue::file_type_name(alias, Lang::nb));
        en[std::string("type.") + alias] = without_article(catalogue::file_type_name(alias, Lang::en));
    }
    // Inside <script>: no "<" at all, so nothing can end the element early.
    std::string json;
    for (const char c : nlohmann::json{{"nb", nb}, {"en", en}}.dump()) {
        json += c == '<' ? std::string("\\u003c") : std::string(1, c);
    }
    std::string page(web_page_template());
    constexpr std::string_view placeholder = "__PREFLIGHT_CATALOGUE__";
    const std::size_t at = page.find(placeholder);
    if (at == std::string::npos) {
        throw std::logic_error("server/web/index.html has no " + std::string(placeholder));
    }
    page.replace(at, placeholder.size(), json);
    // The bokmål texts written into the page too, so that it reads without its
    // script (which then sets them again, in the chosen language).
    constexpr std::string_view marker = "data-t=\"";
    for (std::size_t pos = page.find(marker); pos != std::string::npos; pos = page.find(marker, pos + 1)) {
        const std::size_t key_end = page.find('"', pos + marker.size());
        const std::size_t tag_end = page.find('>', key_end);
        if (key_end == std::string::npos || tag_end == std::string::npos || tag_end + 1 >= page.size() ||
            page[tag_end + 1] != '<') {
            continue;
        }
        const std::string key = page.substr(pos + marker.size(), key_end - pos - marker.size());
        if (catalogue::has(key)) {
            page.insert(tag_end + 1, text::xml_escape(catalogue::text(key, Lang::nb)));
        }
    }
    Page p;
    p.csp = "default-src 'none'; script-src " + csp_hash(inner(page, "script")) + "; style-src " +
            csp_hash(inner(page, "style")) +
            "; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    p.html = std::move(page);
    return p;
}

const Page& page() {
    static const Page p = build();
    return p;
}

}  // namespace

const std::string& web_page() { return page().html; }

const std::string& web_page_csp() { return page().csp; }

}  // namespace preflight::server
