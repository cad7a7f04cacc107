// Byte-level helpers that run before (or instead of) PoDoFo: the memory map,
// the %PDF- header, the last %%EOF, and a raw look for /Encrypt in the trailer.
// Internal to pdf/; the public interface is pdf_info.hpp.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace preflight::pdf::raw {

// A read-only private memory map of a whole regular file. Empty files and
// files that cannot be opened give an object with ok() false and an error.
class MappedFile {
public:
    explicit MappedFile(const std::filesystem::path& file);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    [[nodiscard]] bool ok() const { return error_.empty(); }
    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] std::string_view bytes() const { return {data_, size_}; }

private:
    const char* data_ = nullptr;
    std::size_t size_ = 0;
    bool mapped_ = false;
    std::string error_;
};

// How far to look for "%PDF-" when it is not at byte 0 (junk, a BOM, a mail header).
inline constexpr std::size_t header_search_window = 1024;

// Offset of "%PDF-" within the first header_search_window bytes, if any.
std::optional<std::size_t> find_header(std::string_view file);

// "1.7", "2.0" from "%PDF-1.7" at the start of `from_header`; empty if malformed.
std::string header_version(std::string_view from_header);

// Offset just past the last "%%EOF" and the end-of-line that follows it
// (CR, LF or CRLF), or nullopt when there is no %%EOF at all. Searches
// backwards with memrchr, so a file without one costs one pass over memory.
std::optional<std::size_t> find_last_eof_end(std::string_view file);

// True if "/Encrypt" appears in the trailer area: the last 4 KiB before the
// final %%EOF, or the first 4 KiB at the startxref offset (an xref stream's
// dictionary). A fallback for files PoDoFo cannot load at all.
bool trailer_mentions_encrypt(std::string_view file);

// Known ways the trailer or the encryption dictionary crash PoDoFo 0.9.8 with a
// null dereference (found by mutation fuzzing; PdfEncrypt::CreatePdfEncrypt and
// PdfParser::GetDocumentId do not check keys): an AES-256 (/V 5) dictionary
// without /OE, /UE or /Perms, and an empty /ID array in an encrypted file.
// Returns why, or an empty string if none was found (or the trailer could not be
// located from the bytes, in which case PoDoFo decides).
std::string encryption_crash_risk(std::string_view pdf);

// "1.4" < "1.10" < "2.0": compares dotted version numbers numerically.
// Unparsable strings compare as lower than anything parsable.
int compare_versions(std::string_view a, std::string_view b);

}  // namespace preflight::pdf::raw
