// PoDoFo over memory, shared by pdf/analyze.cpp and pdf/text.cpp. Internal to
// pdf/; the public interface is pdf_info.hpp and text.hpp.
#pragma once

#include "base/deadline.hpp"

#include <podofo/podofo.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ios>
#include <optional>
#include <string>
#include <string_view>

namespace preflight::pdf::podofo {

// Thrown by preflight's own code (the page walk, the content pass) when the budget
// has run out, where no PoDoFo frame is in between.
struct OutOfTime {};

// Thrown through PoDoFo (by MemoryDevice and inflate()) when the budget has run out:
// a PdfError, so that PoDoFo cleans up as after any error (its filters abort the
// process if they are destroyed mid-decode by any other exception). PoDoFo's lenient
// parsing may swallow it and go on; every later read then throws at once, and the
// caller tells the budget from damage by Deadline::ran_out().
[[noreturn]] inline void throw_out_of_time() {
    throw PoDoFo::PdfError(PoDoFo::ePdfError_Unknown, __FILE__, __LINE__, "time budget");
}

// A PdfInputDevice over memory that PoDoFo calls through its virtual interface.
// Semantics follow the std::istream the base class would otherwise use: reading
// at the end sets eof; a seek outside [0, size] fails and is sticky until Clear().
// With a deadline, every read asks it now and then (every 4,096th character, every
// 16th block) and throws (throw_out_of_time()) once it has run out: PoDoFo reads
// everything through here, so no parse outlasts its budget by much.
class MemoryDevice final : public PoDoFo::PdfInputDevice {
public:
    MemoryDevice(const char* data, std::size_t size, const Deadline* deadline = nullptr)
        : data_(data), size_(static_cast<std::streamoff>(size)), deadline_(deadline) {}

    void Close() override {}
    [[nodiscard]] std::streamoff Tell() const override { return failed_ ? -1 : pos_; }

    [[nodiscard]] int GetChar() const override {
        check(4096);
        if (failed_ || pos_ >= size_) {
            eof_ = true;
            return EOF;
        }
        return static_cast<unsigned char>(data_[pos_++]);
    }

    [[nodiscard]] int Look() const override {
        check(4096);
        if (failed_ || pos_ >= size_) {
            eof_ = true;
            return EOF;
        }
        return static_cast<unsigned char>(data_[pos_]);
    }

    void Seek(std::streamoff off, std::ios_base::seekdir dir) override {
        if (failed_) {
            return;
        }
        eof_ = false;
        std::streamoff base = 0;
        if (dir == std::ios_base::cur) {
            base = pos_;
        } else if (dir == std::ios_base::end) {
            base = size_;
        }
        const std::streamoff target = base + off;
        if (target < 0 || target > size_) {
            failed_ = true;
            return;
        }
        pos_ = target;
    }

    std::streamoff Read(char* buffer, std::streamsize len) override {
        check(16);
        if (failed_ || len <= 0) {
            return 0;
        }
        const std::streamoff n = std::min<std::streamoff>(len, size_ - pos_);
        if (n < len) {
            eof_ = true;
        }
        if (n > 0) {
            std::memcpy(buffer, data_ + pos_, static_cast<std::size_t>(n));
            pos_ += n;
        }
        return n;
    }

    [[nodiscard]] bool Eof() const override { return eof_ || failed_; }
    [[nodiscard]] bool Bad() const override { return false; }
    void Clear(std::ios_base::iostate state) const override {
        eof_ = (state & std::ios_base::eofbit) != 0;
        failed_ = (state & (std::ios_base::failbit | std::ios_base::badbit)) != 0;
    }

private:
    void check(std::uint32_t every) const {
        if (deadline_ != nullptr && deadline_->expired_every(every)) {
            throw_out_of_time();
        }
    }

    const char* data_;
    std::streamoff size_;
    const Deadline* deadline_;
    mutable std::streamoff pos_ = 0;
    mutable bool eof_ = false;
    mutable bool failed_ = false;
};

// The value of a number object (integer or real), or nullopt for anything else.
inline std::optional<double> number_of(const PoDoFo::PdfObject* o) {
    if (o == nullptr) {
        return std::nullopt;
    }
    if (o->IsNumber()) {
        return static_cast<double>(o->GetNumber());
    }
    if (o->IsReal()) {
        return o->GetReal();
    }
    return std::nullopt;
}

// "NoEOFToken" for ePdfError_NoEOFToken.
inline std::string error_name(const PoDoFo::PdfError& e) {
    const char* name = PoDoFo::PdfError::ErrorName(e.GetError());
    std::string_view s = name != nullptr ? name : "UnknownError";
    if (s.starts_with("ePdfError_")) {
        s.remove_prefix(10);
    }
    return std::string(s);
}

// Errors that mean "we could not decrypt", not "the file is broken".
inline bool is_encryption_error(PoDoFo::EPdfError code) {
    return code == PoDoFo::ePdfError_InvalidPassword || code == PoDoFo::ePdfError_InvalidEncryptionDict ||
           code == PoDoFo::ePdfError_UnsupportedFilter || code == PoDoFo::ePdfError_InvalidKey;
}

}  // namespace preflight::pdf::podofo
