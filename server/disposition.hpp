// A Content-Disposition read as the integrasjonspunkt reads it, refused where readers
// could disagree (docs/gate.md, "File names").
//
// The integrasjonspunkt reads an upload's (PUT) header with its own copy of Spring's
// ContentDisposition (efm-integrasjonspunkt, nextmove/v2/ContentDisposition.java), a
// multipart part's with Spring's ContentDisposition and Tomcat's part parser. Both
// split the value at ';' outside quotes; compare parameter names exactly as written
// (`FileName` is not `filename`); take `filename*` (RFC 5987, UTF-8 or ISO-8859-1)
// over `filename`, and the first `filename` otherwise. A plain header value reaches
// the application as ISO-8859-1 (Tomcat), a multipart part's headers as UTF-8.
//
// Other readers (browsers, proxies, the archive system's own logs) differ on repeated
// parameters, names in another case, backslash escapes, RFC 2047 words, white space
// around a part's name (Tomcat trims it) and unbalanced quotes. The gate judges only a file name every reader agrees
// on: any of those is a problem, and the request is refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace preflight::server {

enum class HeaderBytes : unsigned char {
    latin1,  // a request header: bytes are ISO-8859-1 characters (Tomcat)
    utf8,    // a multipart part's header: UTF-8 (Spring Boot's request encoding)
};

struct DispositionReading {
    std::string type;                     // "attachment", "form-data", ...
    std::optional<std::string> name;      // UTF-8
    std::optional<std::string> filename;  // UTF-8
    std::string problem;                  // non-empty: not read with certainty (English, for the error's detail)
    [[nodiscard]] bool ok() const { return problem.empty(); }
};

DispositionReading read_disposition(std::string_view value, HeaderBytes bytes);

}  // namespace preflight::server
