// PoDoFo over memory, shared by pdf/analyze.cpp and pdf/text.cpp. Internal to
// pdf/; the public interface is pdf_info.hpp and text.hpp.
#pragma once

#include <podofo/podofo.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ios>
#include <optional>
#include <string>
#include <string_view>

namespace preflight::pdf::podofo {

// A PdfInputDevice over memory that PoDoFo calls through its virtual interface.
// Semantics follow the std::istream the base class would otherwise use: reading
// at the end sets eof; a seek outside [0, size] fails and is sticky until Clear().
class MemoryDevice final : public PoDoFo::PdfInputDevice {
public:
    MemoryDevice(const char* data, std::size_t size) : data_(data), size_(static_cast<std::streamoff>(size)) {}

    void Close() override {}
    [[nodiscard]] std::streamoff Tell() const override { return failed_ ? -1 : pos_; }

    [[nodiscard]] int GetChar() const override {
        if (failed_ || pos_ >= size_) {
            eof_ = true;
            return EOF;
        }
        return static_cast<unsigned char>(data_[pos_++]);
    }

    [[nodiscard]] int Look() const override {
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
    const char* data_;
    std::streamoff size_;
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
