// Our own cross-reference reader: the fast path of analyze() that does not call
// PoDoFo at all. PoDoFo's PdfParser parses every object stream in full at load
// (94 % of the work on a 10,000-page object-stream file); this reader parses
// the xref tables / xref streams (following /Prev, newest entry wins) and
// inflates only the object streams that hold an object we actually ask for.
//
// It is deliberately narrow: encrypted files, hybrid-reference files (/XRefStm),
// filters other than Flate, predictors other than PNG, generation mismatches,
// objects not in the xref, limits hit, anything malformed: open() or object()
// says "fallback" and the caller uses the PoDoFo path instead. So the fast path
// never answers differently from PoDoFo, only sooner.
#pragma once

#include "pdf/lexer.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace preflight::pdf::xref {

// Caps on inflated data (object streams, xref streams): reaching one falls back.
inline constexpr std::size_t max_stream_bytes = 64U << 20;  // per stream
inline constexpr std::size_t max_total_bytes = 256U << 20;  // all streams of a file
inline constexpr int max_sections = 64;                     // /Prev chain length
inline constexpr std::uint32_t max_objects = 8'000'000;     // /Size and entry numbers

// Thrown by Document::object() when the fast path cannot answer reliably.
struct Fallback {
    const char* why;
};

struct Entry {
    std::uint8_t type = 0xff;  // 0xff: not set by any section; 0 free; 1 in file; 2 in object stream
    std::uint32_t gen_or_index = 0;
    std::uint64_t offset_or_stream = 0;
};

class Document {
public:
    // Reads the cross-reference data of `pdf` (from the header to just past the
    // last %%EOF). False: use PoDoFo (why() says why).
    bool open(std::string_view pdf);
    [[nodiscard]] const char* why() const { return why_; }

    // The newest trailer dictionary (a dict Value pointing into the file).
    [[nodiscard]] const lex::Value& trailer() const { return trailer_; }

    // The value of object num/gen. Throws Fallback when it is not in the xref,
    // is free, sits elsewhere than the xref says, or cannot be read.
    lex::Value object(std::uint32_t num, std::uint32_t gen);

    // Whether num/gen is an in-use object (throws Fallback where unsure).
    bool exists(std::uint32_t num, std::uint32_t gen) const;

private:
    bool read_section(std::size_t offset, std::size_t& prev, bool& has_prev);
    bool read_table(std::size_t& pos);
    bool read_stream_section(std::size_t pos, lex::Value& dict);
    void set_entry(std::uint64_t num, const Entry& e);
    // A stream's raw bytes and dictionary: obj header at `offset`.
    bool stream_at(std::size_t offset, std::uint32_t num, std::uint32_t gen, lex::Value& dict, std::string_view& data);
    bool inflate(const lex::Value& dict, std::string_view data, std::string& out);
    const std::string* object_stream(std::uint32_t num);

    std::string_view pdf_;
    const char* why_ = "";
    lex::Value trailer_;
    std::vector<Entry> entries_;
    std::size_t inflated_total_ = 0;
    struct ObjStm {
        const std::string* data = nullptr;                         // decoded bytes (owned by buffers_)
        std::vector<std::pair<std::uint32_t, std::size_t>> index;  // (object number, offset from /First)
        std::size_t first = 0;
    };
    std::unordered_map<std::uint32_t, ObjStm> streams_;
    std::deque<std::string> buffers_;  // stable addresses: Values point into them
};

}  // namespace preflight::pdf::xref
