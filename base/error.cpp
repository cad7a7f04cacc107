#include "base/error.hpp"

#include <cerrno>
#include <cstring>

namespace preflight {
namespace {

// Private-use characters no text has: start, end, name, value (see catalogue.cpp).
constexpr std::string_view kMarkers[] = {"\xEE\x80\x83", "\xEE\x80\x84", "\xEE\x80\x85", "\xEE\x80\x86"};

}  // namespace

std::string without_phrase_markers(std::string_view text) {
    // Replaced, not erased: erasing could join the bytes around a marker into a new one.
    std::string out(text);
    for (const std::string_view m : kMarkers) {
        for (auto at = out.find(m); at != std::string::npos; at = out.find(m, at)) {
            out.replace(at, m.size(), "\xEF\xBF\xBD");  // U+FFFD
        }
    }
    return out;
}

std::string phrase(std::string_view id, const MessageArgs& args, const MessageArgs& phrases) {
    std::string out(kMarkers[0]);
    out += without_phrase_markers(id);
    for (const auto& [name, value] : args) {
        out.append(kMarkers[2]).append(without_phrase_markers(name)).append(kMarkers[3]);
        out += without_phrase_markers(value);
    }
    for (const auto& [name, value] : phrases) {
        out.append(kMarkers[2]).append(without_phrase_markers(name)).append(kMarkers[3]);
        out += value;  // made by phrase(): the catalogue reads it as a phrase only when it is one, whole
    }
    out += kMarkers[1];
    return out;
}

std::string errno_phrase(int error) {
    switch (error) {
        case ENOENT:
            return phrase("errno.ENOENT");
        case EACCES:
        case EPERM:
            return phrase("errno.EACCES");
        case ENOSPC:
        case EDQUOT:
            return phrase("errno.ENOSPC");
        case EROFS:
            return phrase("errno.EROFS");
        case EISDIR:
            return phrase("errno.EISDIR");
        case ENOTDIR:
            return phrase("errno.ENOTDIR");
        case EIO:
            return phrase("errno.EIO");
        case ELOOP:
            return phrase("errno.ELOOP");
        case ENAMETOOLONG:
            return phrase("errno.ENAMETOOLONG");
        case EMFILE:
        case ENFILE:
            return phrase("errno.EMFILE");
        case EADDRINUSE:
            return phrase("errno.EADDRINUSE");
        case EADDRNOTAVAIL:
            return phrase("errno.EADDRNOTAVAIL");
        default: {
            const char* name = ::strerrorname_np(error);
            return phrase("errno.other", {{"name", name != nullptr ? name : std::to_string(error)}});
        }
    }
}

}  // namespace preflight
