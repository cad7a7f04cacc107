// The page `GET /` serves (server/web/index.html, compiled in): one HTML file with
// its style and script inline, no external resources, its texts from the message
// catalogue (web.*, ui.severity.*, ui.verdict.*) in both languages.
#pragma once

#include <string>
#include <string_view>

namespace preflight::server {

// server/web/index.html as written (generated/web_page.cpp).
std::string_view web_page_template();

// The page with the catalogue filled in. The same for every request.
const std::string& web_page();

// What the page may load and do: nothing from elsewhere, its own inline style and
// script, requests to this server only.
inline constexpr std::string_view web_page_csp =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

}  // namespace preflight::server
