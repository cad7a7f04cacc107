// Errors that stop a run, with a catalogue message (qpdf style: a code, not just text).
#pragma once

#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace preflight {

// Named arguments for a catalogue message, already formatted as text.
using MessageArgs = std::vector<std::pair<std::string, std::string>>;

// A usage error: bad command line, invalid manifest or config. Exit code 2.
class UsageError : public std::exception {
public:
    UsageError(std::string message_id, MessageArgs args) : message_id_(std::move(message_id)), args_(std::move(args)) {}
    [[nodiscard]] const char* what() const noexcept override { return message_id_.c_str(); }
    [[nodiscard]] const std::string& message_id() const { return message_id_; }
    [[nodiscard]] const MessageArgs& args() const { return args_; }

private:
    std::string message_id_;
    MessageArgs args_;
};

}  // namespace preflight
