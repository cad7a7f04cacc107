#include "server/multipart.hpp"
#include "base/error.hpp"
#include "base/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace preflight::server {
namespace {

// RFC 5987 ext-value: charset'language'percent-encoded; only UTF-8 is taken.
std::optional<std::string> decode_ext_value(std::string_view v) {
    const auto first = v.find('\'');
    if (first == std::string_view::npos) {
        return std::nullopt;
    }
    const auto second = v.find('\'', first + 1);
    if (second == std::string_view::npos || text::ascii_lower(v.substr(0, first)) != "utf-8") {
        return std::nullopt;
    }
    std::string out;
    for (std::size_t i = second + 1; i < v.size(); ++i) {
        if (v[i] == '%' && i + 2 < v.size()) {
            const int h = text::hex_digit(v[i + 1]);
            const int l = text::hex_digit(v[i + 2]);
            if (h < 0 || l < 0) {
                return std::nullopt;
            }
            out += static_cast<char>(h * 16 + l);
            i += 2;
        } else if (v[i] == '%') {
            return std::nullopt;
        } else {
            out += v[i];
        }
    }
    return out;
}

}  // namespace

// Browsers write `"`, CR and LF in a form part's name and file name as %22, %0D and
// %0A (the HTML standard's multipart/form-data encoding); nothing else is escaped.
std::string browser_unescape(std::string s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            const std::string code = text::ascii_lower(std::string_view(s).substr(i + 1, 2));
            if (code == "22" || code == "0d" || code == "0a") {
                out += code == "22" ? '"' : code == "0d" ? '\r' : '\n';
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

std::optional<std::string> header_parameter(std::string_view value, std::string_view name) {
    // value: token *( ";" name "=" ( token | quoted-string ) )
    std::optional<std::string> plain;
    std::optional<std::string> extended;
    const std::string wanted = text::ascii_lower(name);
    std::size_t i = value.find(';');
    while (i != std::string_view::npos && i < value.size()) {
        ++i;  // past ';'
        while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) {
            ++i;
        }
        const std::size_t eq = value.find('=', i);
        if (eq == std::string_view::npos) {
            break;
        }
        const std::string key = text::ascii_lower(text::trim_blanks(value.substr(i, eq - i)));
        std::size_t j = eq + 1;
        while (j < value.size() && (value[j] == ' ' || value[j] == '\t')) {
            ++j;
        }
        std::string v;
        if (j < value.size() && value[j] == '"') {
            ++j;
            while (j < value.size() && value[j] != '"') {
                if (value[j] == '\\' && j + 1 < value.size()) {
                    ++j;
                }
                v += value[j++];
            }
            if (j < value.size()) {
                ++j;  // closing quote
            }
            i = value.find(';', j);
        } else {
            const std::size_t end = value.find(';', j);
            v = std::string(
                text::trim_blanks(value.substr(j, end == std::string_view::npos ? std::string_view::npos : end - j)));
            i = end;
        }
        if (key == wanted) {
            plain = v;
        } else if (key == wanted + "*") {
            extended = decode_ext_value(v);
        }
    }
    return extended ? extended : plain;
}

std::optional<std::string> multipart_boundary(std::string_view content_type) {
    // Read strictly, so that the gate and the integrasjonspunkt cannot split the body
    // at different boundaries: Tomcat's parser lower-cases parameter names, splits at
    // ',' as well as ';', lets the last of two win, strips a '*' and decodes RFC 2231
    // and RFC 2047 values, and a Content-Type Spring cannot parse makes Spring route
    // the request elsewhere. So: "multipart/form-data", then `boundary` exactly once
    // as a plain token or quoted string of RFC 2046 characters (no ','), and at most a
    // `charset` token besides; anything else is not read.
    const auto is_token = [](std::string_view v) {
        constexpr std::string_view specials = "()<>@,;:\\\"/[]?={} \t";
        return !v.empty() && std::all_of(v.begin(), v.end(), [&](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u > 0x20U && u < 0x7FU && specials.find(c) == std::string_view::npos;
        });
    };
    const auto is_bchars = [](std::string_view v) {
        constexpr std::string_view extra = "'()+_-./:=? ";
        return !v.empty() && v.size() <= 70 && v.back() != ' ' && std::all_of(v.begin(), v.end(), [&](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   extra.find(c) != std::string_view::npos;
        });
    };
    std::size_t semi = content_type.find(';');
    if (text::ascii_lower(text::trim_blanks(content_type.substr(0, semi))) != "multipart/form-data") {
        return std::nullopt;
    }
    std::optional<std::string> boundary;
    bool charset = false;
    while (semi != std::string_view::npos) {
        std::size_t i = semi + 1;
        while (i < content_type.size() && (content_type[i] == ' ' || content_type[i] == '\t')) {
            ++i;
        }
        const auto eq = content_type.find('=', i);
        if (eq == std::string_view::npos) {
            return std::nullopt;
        }
        const std::string name = text::ascii_lower(content_type.substr(i, eq - i));
        std::string value;
        std::size_t end = eq + 1;
        if (end < content_type.size() && content_type[end] == '"') {
            const auto close = content_type.find('"', end + 1);
            if (close == std::string_view::npos) {
                return std::nullopt;
            }
            value = std::string(content_type.substr(end + 1, close - end - 1));
            end = close + 1;
            if (!is_bchars(value)) {
                return std::nullopt;
            }
        } else {
            const auto stop = content_type.find(';', end);
            value = std::string(text::trim_blanks(
                content_type.substr(end, stop == std::string_view::npos ? std::string_view::npos : stop - end)));
            end = stop == std::string_view::npos ? content_type.size() : stop;
            if (!is_token(value)) {
                return std::nullopt;
            }
        }
        if (!text::trim_blanks(content_type.substr(end, content_type.find(';', end) - end)).empty()) {
            return std::nullopt;  // text after a quoted value
        }
        semi = content_type.find(';', end);
        if (name == "boundary" && !boundary && is_bchars(value) && value.find("=?") == std::string::npos) {
            boundary = value;
        } else if (name == "charset" && !charset) {
            charset = true;
        } else {
            return std::nullopt;  // boundary* or twice, another parameter, white space before '='
        }
    }
    return boundary;
}

MultipartParser::MultipartParser(std::string boundary, PartSink& sink, MultipartLimits limits)
    : delimiter_("\r\n--" + std::move(boundary)), sink_(sink), limits_(limits) {
    // The first delimiter may start the body without a CRLF before it.
    buffer_ = "\r\n";
}

void MultipartParser::feed(std::string_view bytes) {
    if (state_ == State::epilogue) {
        return;  // the epilogue is ignored
    }
    buffer_.append(bytes);
    step();
}

void MultipartParser::step() {
    for (;;) {
        switch (state_) {
            case State::preamble: {
                const auto at = buffer_.find(delimiter_);
                if (at == std::string::npos) {
                    // Keep what could be the start of a delimiter; the preamble is dropped.
                    if (buffer_.size() >= delimiter_.size()) {
                        buffer_.erase(0, buffer_.size() - (delimiter_.size() - 1));
                    }
                    if (buffer_.size() > limits_.max_header_bytes + delimiter_.size()) {
                        throw MultipartError(phrase("multipart.no-delimiter"));
                    }
                    return;
                }
                buffer_.erase(0, at + delimiter_.size());
                state_ = State::after_delimiter;
                break;
            }
            case State::after_delimiter: {
                // "--" closes the body; otherwise optional white space, then CRLF.
                std::size_t i = 0;
                if (buffer_.size() < 2) {
                    return;
                }
                if (buffer_.compare(0, 2, "--") == 0) {
                    state_ = State::epilogue;
                    buffer_.clear();
                    return;
                }
                while (i < buffer_.size() && (buffer_[i] == ' ' || buffer_[i] == '\t')) {
                    ++i;
                }
                if (i + 2 > buffer_.size()) {
                    if (i > 256) {
                        throw MultipartError(phrase("multipart.delimiter-space"));
                    }
                    return;
                }
                if (buffer_.compare(i, 2, "\r\n") != 0) {
                    throw MultipartError(phrase("multipart.delimiter-line"));
                }
                buffer_.erase(0, i + 2);
                state_ = State::headers;
                break;
            }
            case State::headers: {
                PartHeaders h;
                std::size_t end = std::string::npos;
                if (buffer_.compare(0, 2, "\r\n") == 0) {
                    end = 0;  // a part without headers
                } else {
                    const auto at = buffer_.find("\r\n\r\n");
                    if (at != std::string::npos) {
                        end = at + 2;
                    }
                }
                if (end == std::string::npos) {
                    if (buffer_.size() > limits_.max_header_bytes) {
                        throw MultipartError(phrase("multipart.headers-too-large",
                                                    {{"part", std::to_string(parts_ + 1)},
                                                     {"limit", std::to_string(limits_.max_header_bytes)}}));
                    }
                    return;
                }
                if (end > limits_.max_header_bytes) {
                    throw MultipartError(phrase(
                        "multipart.headers-too-large",
                        {{"part", std::to_string(parts_ + 1)}, {"limit", std::to_string(limits_.max_header_bytes)}}));
                }
                bool disposition = false;
                bool typed = false;
                std::string_view lines(buffer_.data(), end);
                while (!lines.empty()) {
                    const auto eol = lines.find("\r\n");
                    const std::string_view line = lines.substr(0, eol);
                    lines.remove_prefix(eol == std::string_view::npos ? lines.size() : eol + 2);
                    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
                        // A folded line: Tomcat joins it to the header before, others do not.
                        throw MultipartError(phrase("multipart.folded", {{"part", std::to_string(parts_ + 1)}}));
                    }
                    const auto colon = line.find(':');
                    if (colon == std::string_view::npos) {
                        throw MultipartError(phrase("multipart.no-colon", {{"part", std::to_string(parts_ + 1)}}));
                    }
                    const std::string key = text::ascii_lower(text::trim_blanks(line.substr(0, colon)));
                    const std::string_view value = text::trim_blanks(line.substr(colon + 1));
                    if ((key == "content-disposition" && disposition) || (key == "content-type" && typed)) {
                        // Readers differ on which of two they take: refused.
                        throw MultipartError(
                            phrase("multipart.header-twice", {{"part", std::to_string(parts_ + 1)}, {"header", key}}));
                    }
                    if (key == "content-disposition") {
                        h.disposition = std::string(value);
                        const auto semi = value.find(';');
                        if (text::ascii_lower(text::trim_blanks(value.substr(0, semi))) != "form-data") {
                            throw MultipartError(
                                phrase("multipart.not-form-data", {{"part", std::to_string(parts_ + 1)}}));
                        }
                        auto name = header_parameter(value, "name");
                        if (!name) {
                            throw MultipartError(phrase("multipart.no-name", {{"part", std::to_string(parts_ + 1)}}));
                        }
                        h.name = browser_unescape(std::move(*name));
                        h.filename = header_parameter(value, "filename");
                        if (h.filename) {
                            h.filename = browser_unescape(std::move(*h.filename));
                        }
                        disposition = true;
                    } else if (key == "content-type") {
                        h.content_type = std::string(value);
                        typed = true;
                    }
                }
                if (!disposition) {
                    throw MultipartError(phrase("multipart.no-disposition", {{"part", std::to_string(parts_ + 1)}}));
                }
                if (parts_ == limits_.max_parts) {  // parts() counts the parts given to the sink
                    throw MultipartError(phrase("multipart.too-many", {{"limit", std::to_string(limits_.max_parts)}}));
                }
                ++parts_;
                buffer_.erase(0, end + 2);
                sink_.begin(h);
                state_ = State::body;
                break;
            }
            case State::body: {
                const auto at = buffer_.find(delimiter_);
                if (at == std::string::npos) {
                    // All but a possible delimiter prefix at the end is content.
                    if (buffer_.size() >= delimiter_.size()) {
                        const std::size_t safe = buffer_.size() - (delimiter_.size() - 1);
                        sink_.data(std::string_view(buffer_.data(), safe));
                        buffer_.erase(0, safe);
                    }
                    return;
                }
                if (at > 0) {
                    sink_.data(std::string_view(buffer_.data(), at));
                }
                sink_.end();
                buffer_.erase(0, at + delimiter_.size());
                state_ = State::after_delimiter;
                break;
            }
            case State::epilogue:
                buffer_.clear();
                return;
        }
    }
}

void MultipartParser::finish() const {
    if (state_ != State::epilogue) {
        throw MultipartError(parts_ == 0 ? phrase("multipart.no-parts") : phrase("multipart.cut-off"));
    }
}

}  // namespace preflight::server
