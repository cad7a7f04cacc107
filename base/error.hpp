// Errors that stop a run, with a catalogue message (qpdf style: a code, not just text).
#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace preflight {

// Named arguments for a catalogue message, already formatted as text.
using MessageArgs = std::vector<std::pair<std::string, std::string>>;

// A catalogue message as the argument of another, before the language is known: the
// catalogue's text() writes it in the language of the message it fills. Lower layers
// (JSON, zip and multipart parsing) say why something failed this way, so that no
// English detail slips into a bokmål sentence. The markers (U+E003..U+E006) in `args`'
// values are replaced (U+FFFD): text from outside cannot make a phrase. `phrases` are
// arguments that are phrases themselves (made by phrase()), kept as they are.
// The catalogue words a value as a phrase only when the whole value is one, of a
// known id in the namespaces lower layers use; any other value loses its markers.
std::string phrase(std::string_view id, const MessageArgs& args = {}, const MessageArgs& phrases = {});

// `text` with every phrase marker replaced by U+FFFD.
std::string without_phrase_markers(std::string_view text);

// Why a system call failed (an errno value), as a phrase ("errno.ENOENT", ...): the
// common causes in words, any other by its symbolic name ("EXDEV"), never the C
// library's English text.
std::string errno_phrase(int error);

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
