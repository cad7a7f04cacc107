// The page `GET /` serves (server/web/index.html, compiled in): one HTML file with
// its style and script inline, no external resources, its texts from the message
// catalogue (web.*, ui.severity.*, ui.verdict.*) in both languages, the bokmål ones
// also written into the HTML (it reads without its script).
#pragma once

#include <string>
#include <string_view>

namespace preflight::server {

// server/web/index.html as written (generated/web_page.cpp).
std::string_view web_page_template();

// The page with the catalogue filled in. The same for every request.
const std::string& web_page();

// The Content-Security-Policy sent with it: nothing from elsewhere, no script or
// style but the page's own (by their SHA-256), requests to this server only.
const std::string& web_page_csp();

}  // namespace preflight::server
