// A streaming parser for multipart/form-data (RFC 7578 over RFC 2046): bytes go in
// as they arrive from the socket, parts come out through a sink, nothing is held
// whole in memory. The gate writes each part to its own temporary file.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace preflight::server {

// Why a body is not valid multipart; `what()` is an English detail for logs and
// for the JSON error of a 400 answer.
class MultipartError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct PartHeaders {
    std::string name;                     // Content-Disposition name
    std::optional<std::string> filename;  // filename, or filename*=UTF-8''... decoded
    std::string content_type;             // as sent; empty when absent
    std::string disposition;              // the Content-Disposition as sent (read strictly by the proxy)
};

class PartSink {
public:
    PartSink() = default;
    virtual ~PartSink() = default;
    PartSink(const PartSink&) = delete;
    PartSink& operator=(const PartSink&) = delete;
    PartSink(PartSink&&) = delete;
    PartSink& operator=(PartSink&&) = delete;
    virtual void begin(const PartHeaders& headers) = 0;
    virtual void data(std::string_view bytes) = 0;
    virtual void end() = 0;
};

struct MultipartLimits {
    std::size_t max_parts = 200;
    std::size_t max_header_bytes = 16 * 1024;  // the headers of one part
};

class MultipartParser {
public:
    MultipartParser(std::string boundary, PartSink& sink, MultipartLimits limits = {});
    // Throws MultipartError on malformed input; the sink's exceptions pass through.
    void feed(std::string_view bytes);
    // After the last byte: throws MultipartError unless the closing delimiter came.
    void finish() const;
    [[nodiscard]] bool done() const { return state_ == State::epilogue; }
    [[nodiscard]] std::size_t parts() const { return parts_; }

private:
    enum class State : std::uint8_t { preamble, after_delimiter, headers, body, epilogue };
    void step();
    std::string delimiter_;  // "\r\n--" + boundary
    PartSink& sink_;
    MultipartLimits limits_;
    State state_ = State::preamble;
    std::string buffer_;
    std::size_t parts_ = 0;
};

// The boundary parameter of a multipart/form-data Content-Type, or nothing.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// Parameters of a header value such as Content-Disposition; quoted strings unescaped.
std::optional<std::string> header_parameter(std::string_view value, std::string_view name);

}  // namespace preflight::server
