#include "pdf/xref.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace preflight::pdf::xref {
namespace {

// Replaces a one-element array by its element; false when it has another length.
bool only_element(lex::Value& array) {
    int n = 0;
    lex::Value only;
    lex::for_each_element(array, [&](const lex::Value& v) {
        only = v;
        return ++n < 2;
    });
    if (n != 1) {
        return false;
    }
    array = only;
    return true;
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_regular(char c) { return !is_space(c) && std::strchr("()<>[]{}/%", c) == nullptr; }

// A keyword at pos, followed by a delimiter, white space or the end.
bool keyword_at(std::string_view s, std::size_t pos, std::string_view word) {
    if (s.substr(pos, word.size()) != word) {
        return false;
    }
    const std::size_t end = pos + word.size();
    return end >= s.size() || !is_regular(s[end]);
}

// An unsigned decimal integer (no sign), at most 19 digits.
bool read_uint(std::string_view s, std::size_t& pos, std::uint64_t& out) {
    std::size_t i = pos;
    std::uint64_t v = 0;
    int digits = 0;
    while (i < s.size() && is_digit(s[i])) {
        if (++digits > 19) {
            return false;
        }
        v = v * 10 + static_cast<std::uint64_t>(s[i] - '0');
        ++i;
    }
    if (digits == 0 || (i < s.size() && is_regular(s[i]))) {
        return false;
    }
    pos = i;
    out = v;
    return true;
}

// Value of a key in a dict Value; kind invalid if absent. Last duplicate wins.
lex::Value get(const lex::Value& dict, std::string_view key) {
    lex::Value out;
    lex::for_each_entry(dict, [&](std::string_view name, const lex::Value& v) {
        if (lex::name_equals(name, key)) {
            out = v;
        }
        return true;
    });
    return out;
}

bool get_int(const lex::Value& dict, std::string_view key, long long& out) {
    const lex::Value v = get(dict, key);
    if (v.kind != lex::Kind::integer) {
        return false;
    }
    out = v.integer;
    return true;
}

// "N G obj" at pos (after white space); pos moves past "obj".
bool object_header(std::string_view s, std::size_t& pos, std::uint32_t num, std::uint32_t gen) {
    lex::skip_space(s, pos);
    std::uint64_t n = 0;
    std::uint64_t g = 0;
    if (!read_uint(s, pos, n)) {
        return false;
    }
    lex::skip_space(s, pos);
    if (!read_uint(s, pos, g)) {
        return false;
    }
    lex::skip_space(s, pos);
    if (!keyword_at(s, pos, "obj")) {
        return false;
    }
    pos += 3;
    return n == num && g == gen;
}

// Entries of the section being read: applied once its /Size is known.
thread_local std::vector<std::pair<std::uint64_t, Entry>> pending;

}  // namespace

void Document::set_entry(std::uint64_t num, const Entry& e) {
    if (num >= entries_.size()) {
        return;  // checked against /Size by the caller
    }
    Entry& slot = entries_[num];
    if (slot.type == 0xff) {
        slot = e;  // newest section first: older ones do not override
    }
}

bool Document::open(std::string_view pdf) {
    pdf_ = pdf;
    // "startxref N %%EOF" at the end.
    const std::size_t tail = pdf.size() > 2048 ? pdf.size() - 2048 : 0;
    const std::size_t found = pdf.substr(tail).rfind("startxref");
    const std::size_t at = found == std::string_view::npos ? found : tail + found;
    if (at == std::string_view::npos) {
        why_ = "no startxref";
        return false;
    }
    std::size_t pos = at + 9;
    lex::skip_space(pdf, pos);
    std::uint64_t offset = 0;
    if (!read_uint(pdf, pos, offset) || offset >= pdf.size()) {
        why_ = "bad startxref";
        return false;
    }
    std::vector<std::size_t> seen;
    bool has_prev = true;
    std::size_t next = offset;
    for (int section = 0; has_prev; ++section) {
        if (section >= max_sections || std::find(seen.begin(), seen.end(), next) != seen.end()) {
            why_ = "too many or looping /Prev sections";
            return false;
        }
        seen.push_back(next);
        std::size_t prev = 0;
        has_prev = false;
        if (!read_section(next, prev, has_prev)) {
            return false;
        }
        next = prev;
    }
    return true;
}

bool Document::read_section(std::size_t offset, std::size_t& prev, bool& has_prev) {
    std::size_t pos = offset;
    lex::skip_space(pdf_, pos);
    lex::Value dict;
    if (keyword_at(pdf_, pos, "xref")) {
        pos += 4;
        // Sizes are known only after the trailer: collect the entries first.
        if (!read_table(pos)) {
            return false;
        }
        lex::skip_space(pdf_, pos);
        if (!keyword_at(pdf_, pos, "trailer")) {
            why_ = "no trailer after xref table";
            return false;
        }
        pos += 7;
        if (!lex::read_value(pdf_, pos, dict) || dict.kind != lex::Kind::dict) {
            why_ = "bad trailer";
            return false;
        }
        if (get(dict, "XRefStm").kind != lex::Kind::invalid) {
            why_ = "hybrid-reference file";
            return false;
        }
    } else if (!read_stream_section(pos, dict)) {
        return false;
    }
    if (get(dict, "Encrypt").kind != lex::Kind::invalid) {
        why_ = "encrypted";
        return false;
    }
    long long size = 0;
    if (!get_int(dict, "Size", size) || size < 1 || size > static_cast<long long>(max_objects)) {
        why_ = "bad /Size";
        return false;
    }
    // Every object takes bytes in the file: a /Size beyond that is a lie (and
    // would make us allocate 16 bytes per claimed object).
    if (static_cast<std::uint64_t>(size) > pdf_.size() + 1024) {
        why_ = "implausible /Size";
        return false;
    }
    if (trailer_.kind == lex::Kind::invalid) {
        trailer_ = dict;
        entries_.assign(static_cast<std::size_t>(size), Entry{});
    } else if (static_cast<std::size_t>(size) > entries_.size()) {
        why_ = "older section with a larger /Size";
        return false;
    }
    const lex::Value p = get(dict, "Prev");
    if (p.kind != lex::Kind::invalid) {
        if (p.kind != lex::Kind::integer || p.integer < 0 || static_cast<std::uint64_t>(p.integer) >= pdf_.size()) {
            why_ = "bad /Prev";
            return false;
        }
        prev = static_cast<std::size_t>(p.integer);
        has_prev = true;
    }
    // Entries of this section were parked in `pending` by read_table / read_stream_section.
    for (const auto& [num, e] : pending) {
        if (num >= entries_.size()) {
            why_ = "xref entry beyond /Size";
            return false;
        }
        if (num != 0) {
            set_entry(num, e);
        }
    }
    pending.clear();
    return true;
}

bool Document::read_table(std::size_t& pos) {
    pending.clear();
    for (;;) {
        lex::skip_space(pdf_, pos);
        if (keyword_at(pdf_, pos, "trailer")) {
            break;
        }
        std::uint64_t start = 0;
        std::uint64_t count = 0;
        if (!read_uint(pdf_, pos, start)) {
            why_ = "bad xref subsection";
            return false;
        }
        lex::skip_space(pdf_, pos);
        if (!read_uint(pdf_, pos, count) || start + count > max_objects) {
            why_ = "bad xref subsection";
            return false;
        }
        for (std::uint64_t i = 0; i < count; ++i) {
            std::uint64_t off = 0;
            std::uint64_t gen = 0;
            lex::skip_space(pdf_, pos);
            if (!read_uint(pdf_, pos, off)) {
                why_ = "bad xref entry";
                return false;
            }
            lex::skip_space(pdf_, pos);
            if (!read_uint(pdf_, pos, gen) || gen > 65535) {
                why_ = "bad xref entry";
                return false;
            }
            lex::skip_space(pdf_, pos);
            if (pos >= pdf_.size() || (pdf_[pos] != 'n' && pdf_[pos] != 'f') ||
                (pos + 1 < pdf_.size() && is_regular(pdf_[pos + 1]))) {
                why_ = "bad xref entry";
                return false;
            }
            const bool used = pdf_[pos] == 'n';
            ++pos;
            pending.emplace_back(start + i,
                                 Entry{static_cast<std::uint8_t>(used ? 1 : 0), static_cast<std::uint32_t>(gen), off});
        }
    }
    return true;
}

bool Document::read_stream_section(std::size_t pos, lex::Value& dict) {
    pending.clear();
    // The xref stream's own object number is not known: read it from the header.
    std::size_t p = pos;
    std::uint64_t num = 0;
    std::uint64_t gen = 0;
    if (!read_uint(pdf_, p, num) || num >= max_objects) {
        why_ = "startxref points at neither xref nor an object";
        return false;
    }
    lex::skip_space(pdf_, p);
    if (!read_uint(pdf_, p, gen) || gen > 65535) {
        why_ = "bad xref stream header";
        return false;
    }
    std::string_view data;
    if (!stream_at(pos, static_cast<std::uint32_t>(num), static_cast<std::uint32_t>(gen), dict, data)) {
        return false;
    }
    const lex::Value type = get(dict, "Type");
    if (type.kind != lex::Kind::name || !lex::name_equals(type.text, "XRef")) {
        why_ = "not an xref stream";
        return false;
    }
    std::array<long long, 3> w{};
    int nw = 0;
    bool bad = false;
    lex::for_each_element(get(dict, "W"), [&](const lex::Value& v) {
        if (nw >= 3 || v.kind != lex::Kind::integer || v.integer < 0 || v.integer > 8) {
            bad = true;
            return false;
        }
        w[static_cast<std::size_t>(nw++)] = v.integer;
        return true;
    });
    if (bad || nw != 3) {
        why_ = "bad /W";
        return false;
    }
    long long size = 0;
    if (!get_int(dict, "Size", size) || size < 1 || size > static_cast<long long>(max_objects)) {
        why_ = "bad /Size";
        return false;
    }
    std::vector<std::pair<std::uint64_t, std::uint64_t>> index;
    const lex::Value idx = get(dict, "Index");
    if (idx.kind == lex::Kind::invalid) {
        index.emplace_back(0, static_cast<std::uint64_t>(size));
    } else {
        std::vector<long long> nums;
        lex::for_each_element(idx, [&](const lex::Value& v) {
            if (v.kind != lex::Kind::integer || v.integer < 0 || v.integer > max_objects) {
                bad = true;
                return false;
            }
            nums.push_back(v.integer);
            return true;
        });
        if (bad || idx.kind != lex::Kind::array || nums.size() % 2 != 0) {
            why_ = "bad /Index";
            return false;
        }
        for (std::size_t i = 0; i < nums.size(); i += 2) {
            index.emplace_back(static_cast<std::uint64_t>(nums[i]), static_cast<std::uint64_t>(nums[i + 1]));
        }
    }
    buffers_.emplace_back();
    std::string& decoded = buffers_.back();
    if (!inflate(dict, data, decoded)) {
        return false;
    }
    const std::size_t row = static_cast<std::size_t>(w[0] + w[1] + w[2]);
    if (row == 0) {
        why_ = "empty /W";
        return false;
    }
    std::size_t at = 0;
    auto field = [&](long long width, std::uint64_t dflt) {
        if (width == 0) {
            return dflt;
        }
        std::uint64_t v = 0;
        for (long long i = 0; i < width; ++i) {
            v = (v << 8) | static_cast<unsigned char>(decoded[at++]);
        }
        return v;
    };
    for (const auto& [start, count] : index) {
        if (start + count > max_objects) {
            why_ = "bad /Index";
            return false;
        }
        for (std::uint64_t i = 0; i < count; ++i) {
            if (at + row > decoded.size()) {
                why_ = "xref stream shorter than /Index";
                return false;
            }
            const std::uint64_t t = field(w[0], 1);
            const std::uint64_t f2 = field(w[1], 0);
            const std::uint64_t f3 = field(w[2], 0);
            if (t > 2) {
                pending.emplace_back(start + i, Entry{0, 0, 0});  // unknown types: null per spec
                continue;
            }
            if (f3 > 0xffffffffULL) {
                why_ = "bad xref stream entry";
                return false;
            }
            pending.emplace_back(start + i, Entry{static_cast<std::uint8_t>(t), static_cast<std::uint32_t>(f3), f2});
        }
    }
    // Apply here: the caller checks /Size (the same dict) before any lookup.
    return true;
}

bool Document::stream_at(std::size_t offset, std::uint32_t num, std::uint32_t gen, lex::Value& dict,
                         std::string_view& data) {
    std::size_t pos = offset;
    if (!object_header(pdf_, pos, num, gen)) {
        why_ = "stream object not where the xref says";
        return false;
    }
    if (!lex::read_value(pdf_, pos, dict) || dict.kind != lex::Kind::dict) {
        why_ = "bad stream dictionary";
        return false;
    }
    lex::skip_space(pdf_, pos);
    if (!keyword_at(pdf_, pos, "stream")) {
        why_ = "no stream keyword";
        return false;
    }
    pos += 6;
    if (pos < pdf_.size() && pdf_[pos] == '\r') {
        ++pos;
    }
    if (pos >= pdf_.size() || pdf_[pos] != '\n') {
        why_ = "stream keyword not followed by an end of line";
        return false;
    }
    ++pos;
    const lex::Value len = get(dict, "Length");
    if (len.kind != lex::Kind::integer || len.integer < 0 ||
        static_cast<std::uint64_t>(len.integer) > pdf_.size() - pos) {
        why_ = "stream /Length not a direct, plausible integer";
        return false;
    }
    data = pdf_.substr(pos, static_cast<std::size_t>(len.integer));
    std::size_t end = pos + data.size();
    lex::skip_space(pdf_, end);
    if (!keyword_at(pdf_, end, "endstream")) {
        why_ = "no endstream after /Length bytes";
        return false;
    }
    return true;
}

bool Document::inflate(const lex::Value& dict, std::string_view data, std::string& out) {
    // /Filter: absent, /FlateDecode or [/FlateDecode]; /DecodeParms likewise.
    lex::Value filter = get(dict, "Filter");
    lex::Value parms = get(dict, "DecodeParms");
    if (filter.kind == lex::Kind::array) {
        if (!only_element(filter)) {
            why_ = "filter chain";
            return false;
        }
        if (parms.kind == lex::Kind::array && !only_element(parms)) {
            why_ = "bad /DecodeParms";
            return false;
        }
    }
    const bool flate = filter.kind == lex::Kind::name && lex::name_equals(filter.text, "FlateDecode");
    if (filter.kind != lex::Kind::invalid && !flate) {
        why_ = "filter other than Flate";
        return false;
    }
    long long predictor = 1;
    long long columns = 1;
    if (parms.kind == lex::Kind::dict) {
        long long colors = 1;
        long long bpc = 8;
        bool ok = true;
        lex::for_each_entry(parms, [&](std::string_view name, const lex::Value& v) {
            long long* slot = nullptr;
            if (lex::name_equals(name, "Predictor")) {
                slot = &predictor;
            } else if (lex::name_equals(name, "Columns")) {
                slot = &columns;
            } else if (lex::name_equals(name, "Colors")) {
                slot = &colors;
            } else if (lex::name_equals(name, "BitsPerComponent")) {
                slot = &bpc;
            } else {
                return true;
            }
            if (v.kind != lex::Kind::integer) {
                ok = false;
            } else {
                *slot = v.integer;
            }
            return true;
        });
        if (!ok || colors != 1 || bpc != 8 || columns < 1 || columns > 1000 ||
            (predictor != 1 && (predictor < 10 || predictor > 15))) {
            why_ = "unsupported /DecodeParms";
            return false;
        }
    } else if (parms.kind != lex::Kind::invalid && parms.kind != lex::Kind::null) {
        why_ = "bad /DecodeParms";
        return false;
    }
    if (!flate) {
        if (predictor != 1) {
            why_ = "predictor without Flate";
            return false;
        }
        out.assign(data);
    } else {
        z_stream z{};
        if (inflateInit(&z) != Z_OK) {
            why_ = "zlib";
            return false;
        }
        struct End {
            z_stream& z;
            explicit End(z_stream& stream) : z(stream) {}
            End(const End&) = delete;
            End& operator=(const End&) = delete;
            End(End&&) = delete;
            End& operator=(End&&) = delete;
            ~End() { inflateEnd(&z); }  // also when out.resize() throws
        } const end(z);
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
        z.avail_in = static_cast<uInt>(std::min<std::size_t>(data.size(), 0xffffffffU));
        out.clear();
        std::size_t cap = std::min(max_stream_bytes, max_total_bytes - std::min(max_total_bytes, inflated_total_));
        int rc = Z_OK;
        std::size_t have = 0;
        out.resize(std::min<std::size_t>(std::max<std::size_t>(data.size() * 4, 4096), cap + 1));
        for (;;) {
            if (have == out.size()) {
                if (out.size() > cap) {
                    break;
                }
                out.resize(std::min(out.size() * 2, cap + 1));
            }
            z.next_out = reinterpret_cast<Bytef*>(out.data() + have);
            z.avail_out = static_cast<uInt>(out.size() - have);
            rc = ::inflate(&z, Z_NO_FLUSH);
            have = out.size() - z.avail_out;
            if (rc == Z_STREAM_END) {
                break;
            }
            if (rc != Z_OK && rc != Z_BUF_ERROR) {
                break;
            }
            if (rc == Z_BUF_ERROR && z.avail_in == 0) {
                break;  // truncated input
            }
        }
        if (have > cap) {
            why_ = "inflated stream over the size cap";
            return false;
        }
        if (rc != Z_STREAM_END) {
            // PoDoFo tolerates some of these; be safe and let it decide.
            why_ = "Flate data damaged or truncated";
            return false;
        }
        out.resize(have);
    }
    inflated_total_ += out.size();
    if (predictor >= 10) {
        const std::size_t cols = static_cast<std::size_t>(columns);
        const std::size_t stride = cols + 1;
        if (out.size() % stride != 0) {
            why_ = "predicted data not a whole number of rows";
            return false;
        }
        std::string rows;
        rows.resize(out.size() / stride * cols);
        std::vector<unsigned char> prev(cols, 0);
        for (std::size_t r = 0; r * stride < out.size(); ++r) {
            const auto* in = reinterpret_cast<const unsigned char*>(out.data() + r * stride);
            auto* cur = reinterpret_cast<unsigned char*>(rows.data() + r * cols);
            const unsigned type = in[0];
            for (std::size_t i = 0; i < cols; ++i) {
                const unsigned x = in[i + 1];
                const unsigned a = i > 0 ? cur[i - 1] : 0;
                const unsigned b = prev[i];
                const unsigned c = i > 0 ? prev[i - 1] : 0;
                unsigned v = 0;
                switch (type) {
                    case 0:
                        v = x;
                        break;
                    case 1:
                        v = x + a;
                        break;
                    case 2:
                        v = x + b;
                        break;
                    case 3:
                        v = x + ((a + b) >> 1);
                        break;
                    case 4: {
                        const int p = static_cast<int>(a + b) - static_cast<int>(c);
                        const int pa = std::abs(p - static_cast<int>(a));
                        const int pb = std::abs(p - static_cast<int>(b));
                        const int pc = std::abs(p - static_cast<int>(c));
                        v = x + ((pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c));
                        break;
                    }
                    default:
                        why_ = "bad PNG row type";
                        return false;
                }
                cur[i] = static_cast<unsigned char>(v);
            }
            std::memcpy(prev.data(), cur, cols);
        }
        out = std::move(rows);
    }
    return true;
}

const std::string* Document::object_stream(std::uint32_t num) {
    if (auto it = streams_.find(num); it != streams_.end()) {
        return it->second.data;
    }
    return nullptr;
}

lex::Value Document::object(std::uint32_t num, std::uint32_t gen) {
    if (num >= entries_.size() || entries_[num].type == 0xff || entries_[num].type == 0) {
        throw Fallback{"object not in the xref or free"};
    }
    const Entry e = entries_[num];
    if (e.type == 1) {
        if (e.gen_or_index != gen || e.offset_or_stream >= pdf_.size()) {
            throw Fallback{"generation or offset"};
        }
        std::size_t pos = static_cast<std::size_t>(e.offset_or_stream);
        if (!object_header(pdf_, pos, num, gen)) {
            throw Fallback{"object not where the xref says"};
        }
        lex::Value v;
        if (!lex::read_value(pdf_, pos, v)) {
            throw Fallback{"object syntax"};
        }
        std::size_t end = pos;
        lex::skip_space(pdf_, end);
        const std::string_view rest = pdf_.substr(end, 6);
        if (!(rest == "endobj" || (v.kind == lex::Kind::dict && rest == "stream"))) {
            throw Fallback{"object not properly ended"};
        }
        return v;
    }
    // In an object stream.
    if (gen != 0 || e.offset_or_stream >= entries_.size()) {
        throw Fallback{"object stream reference"};
    }
    const auto snum = static_cast<std::uint32_t>(e.offset_or_stream);
    auto it = streams_.find(snum);
    if (it == streams_.end()) {
        const Entry& se = entries_[snum];
        if (se.type != 1 || se.offset_or_stream >= pdf_.size()) {
            throw Fallback{"object stream not in the file"};
        }
        lex::Value dict;
        std::string_view raw;
        if (!stream_at(static_cast<std::size_t>(se.offset_or_stream), snum, se.gen_or_index, dict, raw)) {
            throw Fallback{why_};
        }
        const lex::Value type = get(dict, "Type");
        long long n = 0;
        long long first = 0;
        if (type.kind != lex::Kind::name || !lex::name_equals(type.text, "ObjStm") || !get_int(dict, "N", n) ||
            !get_int(dict, "First", first) || n < 0 || n > 1'000'000 || first < 0) {
            throw Fallback{"bad object stream dictionary"};
        }
        buffers_.emplace_back();
        std::string& data = buffers_.back();
        if (!inflate(dict, raw, data)) {
            throw Fallback{why_};
        }
        if (static_cast<std::uint64_t>(first) > data.size()) {
            throw Fallback{"/First out of range"};
        }
        ObjStm s;
        s.data = &data;
        s.first = static_cast<std::size_t>(first);
        const std::string_view head(data.data(), s.first);
        std::size_t pos = 0;
        for (long long i = 0; i < n; ++i) {
            std::uint64_t on = 0;
            std::uint64_t off = 0;
            lex::skip_space(head, pos);
            if (!read_uint(head, pos, on)) {
                throw Fallback{"bad object stream header"};
            }
            lex::skip_space(head, pos);
            if (!read_uint(head, pos, off)) {
                throw Fallback{"bad object stream header"};
            }
            if (on >= max_objects || off > data.size() - s.first || (!s.index.empty() && off < s.index.back().second)) {
                throw Fallback{"object stream offsets out of range"};
            }
            s.index.emplace_back(static_cast<std::uint32_t>(on), static_cast<std::size_t>(off));
        }
        it = streams_.emplace(snum, std::move(s)).first;
    }
    const ObjStm& s = it->second;
    const std::size_t i = e.gen_or_index;
    if (i >= s.index.size() || s.index[i].first != num) {
        throw Fallback{"object not at its object stream index"};
    }
    const std::size_t begin = s.first + s.index[i].second;
    const std::size_t end = i + 1 < s.index.size() ? s.first + s.index[i + 1].second : s.data->size();
    const std::string_view slice = std::string_view(*s.data).substr(begin, end - begin);
    std::size_t pos = 0;
    lex::Value v;
    if (!lex::read_value(slice, pos, v)) {
        throw Fallback{"object syntax in object stream"};
    }
    return v;
}

bool Document::exists(std::uint32_t num, std::uint32_t gen) const {
    if (num >= entries_.size()) {
        throw Fallback{"object not in the xref"};
    }
    const Entry& e = entries_[num];
    if (e.type == 1 && e.gen_or_index == gen) {
        return true;
    }
    if (e.type == 2 && gen == 0) {
        return true;
    }
    throw Fallback{"free or mismatched object"};
}

}  // namespace preflight::pdf::xref
