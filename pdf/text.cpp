// pdf::extract_text(): the text of every page, decoded to UTF-8.
//
// What PoDoFo 0.9.8 does here and what we do ourselves (from probes on the
// fixtures and from PoDoFo's source; docs/design.md has the summary):
// - PoDoFo: loading (PdfParser over pdf/podofo_io.hpp's MemoryDevice, decryption),
//   objects, stream filters (PdfStream::GetFilteredCopy into a capped
//   PdfOutputStream), the content-stream tokenizer (PdfContentsTokenizer, fed from
//   memory without the copy its buffer constructor makes), the named simple
//   encodings (WinAnsi, MacRoman, Standard, MacExpert, Symbol, ZapfDingbats), the
//   glyph-name list (PdfDifferenceEncoding::NameToUnicodeID) and the standard-14
//   widths (PdfFontMetrics::UnicodeCharWidth of PdfFontFactory::CreateBase14Font).
// - Ourselves: /ToUnicode CMaps and embedded encoding CMaps, and the choice of
//   encoding per font. PoDoFo's PdfEncoding::ParseToUnicode keeps one UTF-16 unit
//   per code (a ligature "fi" or a surrogate pair becomes U+FFFF), treats every
//   string as 2-byte codes once a ToUnicode map is loaded, ignores the
//   codespace ranges and the ToUnicode of simple fonts (a TrueType font without
//   /Encoding gets its ToUnicode as the encoding), and
//   PdfFontFactory::CreateFont returns no font at all for a Type0 font whose
//   CIDFont has no /FontDescriptor or a Type1/TrueType font without one (other
//   than the standard 14); PdfDifferenceEncoding takes /StandardEncoding as a
//   base to mean WinAnsi. GetCharCode and NameToUnicodeID return byte-swapped
//   values on little-endian machines; PdfFontMetrics::CharWidth and GetGlyphId
//   of the standard-14 metrics are wrong above 0x7F (UnicodeCharWidth is right).
//
// Decoding: simple fonts (Type1, MMType1, TrueType, Type3) map each byte through
// /Encoding (a name, or a dictionary with /BaseEncoding and /Differences; without
// one: Symbol/ZapfDingbats for those fonts, WinAnsi for TrueType, Standard
// otherwise), then /ToUnicode overrides. Type0 fonts split strings into codes by
// the encoding CMap's codespace (Identity-H/V: 2 bytes) and map codes through
// /ToUnicode; without one, codes of the predefined UCS2/UTF16 CMaps are taken as
// UTF-16 and anything else becomes U+FFFD. Unknown codes become U+FFFD, never
// nothing, so that they separate digits rather than join them.
//
// Separators: positions are tracked in user space (CTM, text matrix, glyph
// widths from /Widths, /W and /DW, or the standard-14 metrics). A TJ adjustment
// below -200 thousandths gives a space; T*, ' and " a newline. After Td, TD, Tm,
// BT, ET and a form XObject the next text decides by where it starts: more than
// half an em off the previous baseline gives a newline; on the same baseline a
// gap of more than 0.15 em (or a jump back of more than half an em) gives a
// space, and otherwise nothing, so glyph-by-glyph positioned text stays one word.
// When the font's widths are unknown (no /Widths, not standard 14) a BT/ET
// boundary gives a newline and a move on the same baseline gives nothing.
//
// Streams: PoDoFo reads exactly /Length bytes; when the bytes up to "endstream"
// are more than that (a /Length too short: PoDoFo would drop the rest without an
// error), or PoDoFo cannot decode the stream, those bytes go through PoDoFo's
// filters instead (unencrypted files only). An object PoDoFo cannot parse at all
// (a stream without /Length) stays unreadable: a page error.
//
// Not supported (the text is then missing or U+FFFD, never an error): Type0 fonts
// with predefined CJK CMaps and no /ToUnicode, fonts whose only Unicode
// information is inside the embedded font program (symbolic TrueType with
// custom cmaps, Type1 built-in encodings, glyph names such as "g17" in
// /Differences), vertical writing (advances are taken as horizontal), /ActualText,
// text in patterns, Type3 glyph procedures and annotation appearances other than
// the normal (/N) one; strings that start with the bytes FF FE (PoDoFo swaps their
// bytes and drops the two, unrecoverably).
#include "pdf/text.hpp"

#include "base/text.hpp"
#include "pdf/detail.hpp"
#include "pdf/page_tree.hpp"
#include "pdf/podofo_io.hpp"
#include "pdf/podofo_source.hpp"
#include "pdf/raw.hpp"

#include <podofo/podofo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace preflight::pdf {

bool TextExtraction::complete() const {
    return error.empty() && !truncated &&
           std::all_of(pages.begin(), pages.end(), [](const PageText& p) { return p.error.empty(); });
}

namespace {

using PoDoFo::PdfArray;
using PoDoFo::PdfError;
using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfVariant;
using PoDoFo::PdfVecObjects;

constexpr char32_t replacement = 0xFFFD;
constexpr std::string_view replacement_utf8 = "\xef\xbf\xbd";

// --- Unicode ---------------------------------------------------------------

void put_utf8(std::string& out, char32_t c) { text::append_utf8(out, c); }

// UTF-16 code units to UTF-8; unpaired surrogates and U+0000 become U+FFFD.
std::string utf16_to_utf8(const std::u16string& units) {
    std::string out;
    for (std::size_t i = 0; i < units.size(); ++i) {
        char32_t c = units[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < units.size() && units[i + 1] >= 0xDC00 && units[i + 1] <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (units[i + 1] - 0xDC00);
            ++i;
        }
        put_utf8(out, c == 0 ? replacement : c);
    }
    return out;
}

// PoDoFo returns pdf_utf16be values, byte-swapped on little-endian hosts.
char32_t from_podofo_be(PoDoFo::pdf_utf16be v) {
    const auto bytes = reinterpret_cast<const unsigned char*>(&v);
    return static_cast<char32_t>((bytes[0] << 8) | bytes[1]);
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }

std::optional<std::u16string> hex_units(std::string_view hex) {
    if (hex.empty() || hex.size() % 4 != 0 || !std::all_of(hex.begin(), hex.end(), is_hex)) {
        return std::nullopt;
    }
    std::u16string out;
    for (std::size_t i = 0; i < hex.size(); i += 4) {
        out += static_cast<char16_t>(std::stoul(std::string(hex.substr(i, 4)), nullptr, 16));
    }
    return out;
}

// A glyph name as Unicode (Adobe's rules: components split at '_', suffixes
// after '.' dropped, uniXXXX[XXXX...] and uXXXX[XX] read, then the glyph list).
std::u16string glyph_name_to_unicode(std::string_view name) {
    if (const auto dot = name.find('.'); dot != std::string_view::npos) {
        name = name.substr(0, dot);
    }
    std::u16string out;
    std::size_t start = 0;
    while (start <= name.size()) {
        const std::size_t end = std::min(name.find('_', start), name.size());
        const std::string_view part = name.substr(start, end - start);
        if (part.size() >= 7 && part.starts_with("uni")) {
            if (const auto units = hex_units(part.substr(3))) {
                out += *units;
            }
        } else if (part.size() >= 5 && part.size() <= 7 && part[0] == 'u' &&
                   std::all_of(part.begin() + 1, part.end(), is_hex)) {
            const auto cp = static_cast<char32_t>(std::stoul(std::string(part.substr(1)), nullptr, 16));
            if (cp >= 0x10000 && cp <= 0x10FFFF) {
                out += static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10));
                out += static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF));
            } else if (cp < 0xD800 || (cp > 0xDFFF && cp < 0x10000)) {
                out += static_cast<char16_t>(cp);
            }
        } else if (!part.empty()) {
            const char32_t c =
                from_podofo_be(PoDoFo::PdfDifferenceEncoding::NameToUnicodeID(PdfName(std::string(part))));
            if (c != 0) {
                out += static_cast<char16_t>(c);
            }
        }
        start = end + 1;
    }
    return out;
}

// --- CMaps (ToUnicode and embedded encodings) --------------------------------

// A CMap token: hex or literal string (bytes), name, number or keyword, [ or ].
struct CMapToken {
    enum Kind : std::uint8_t { end, bytes, name, word, open, close } kind = end;
    std::string text;
};

class CMapLexer {
public:
    explicit CMapLexer(std::string_view s) : s_(s) {}

    CMapToken next() {
        for (;;) {
            while (pos_ < s_.size() && is_space(s_[pos_])) {
                ++pos_;
            }
            if (pos_ >= s_.size()) {
                return {};
            }
            if (s_[pos_] != '%') {
                break;
            }
            while (pos_ < s_.size() && s_[pos_] != '\n' && s_[pos_] != '\r') {
                ++pos_;
            }
        }
        const char c = s_[pos_];
        if (c == '[' || c == ']') {
            ++pos_;
            return {c == '[' ? CMapToken::open : CMapToken::close, {}};
        }
        if (c == '<' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '<') {
            pos_ += 2;
            return {CMapToken::word, "<<"};
        }
        if (c == '>' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '>') {
            pos_ += 2;
            return {CMapToken::word, ">>"};
        }
        if (c == '<') {
            return hex();
        }
        if (c == '(') {
            return literal();
        }
        if (c == '/') {
            ++pos_;
            return {CMapToken::name, regular()};
        }
        if (is_delimiter(c)) {
            ++pos_;
            return {CMapToken::word, std::string(1, c)};
        }
        return {CMapToken::word, regular()};
    }

private:
    static bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0'; }
    static bool is_delimiter(char c) {
        return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' ||
               c == '/' || c == '%';
    }
    std::string regular() {
        const std::size_t from = pos_;
        while (pos_ < s_.size() && !is_space(s_[pos_]) && !is_delimiter(s_[pos_])) {
            ++pos_;
        }
        return std::string(s_.substr(from, pos_ - from));
    }
    CMapToken hex() {
        ++pos_;
        std::string digits;
        while (pos_ < s_.size() && s_[pos_] != '>') {
            if (is_hex(s_[pos_])) {
                digits += s_[pos_];
            }
            ++pos_;
        }
        ++pos_;
        if (digits.size() % 2 != 0) {
            digits += '0';
        }
        CMapToken t{CMapToken::bytes, {}};
        for (std::size_t i = 0; i < digits.size(); i += 2) {
            t.text += static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16));
        }
        return t;
    }
    CMapToken literal() {
        ++pos_;
        CMapToken t{CMapToken::bytes, {}};
        int depth = 1;
        while (pos_ < s_.size()) {
            char c = s_[pos_++];
            if (c == '\\' && pos_ < s_.size()) {
                c = s_[pos_++];
                if (c >= '0' && c <= '7') {
                    int v = c - '0';
                    for (int k = 0; k < 2 && pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '7'; ++k) {
                        v = v * 8 + (s_[pos_++] - '0');
                    }
                    c = static_cast<char>(v);
                } else if (c == 'n') {
                    c = '\n';
                } else if (c == 'r') {
                    c = '\r';
                } else if (c == 't') {
                    c = '\t';
                } else if (c == 'b') {
                    c = '\b';
                } else if (c == 'f') {
                    c = '\f';
                }
            } else if (c == '(') {
                ++depth;
            } else if (c == ')' && --depth == 0) {
                break;
            }
            t.text += c;
        }
        return t;
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

// Codes are up to 4 bytes; a key combines the length and the value.
std::uint64_t code_key(std::uint32_t code, std::size_t len) { return (std::uint64_t{len} << 32) | code; }

std::uint32_t code_value(std::string_view bytes) {
    std::uint32_t v = 0;
    for (const char c : bytes) {
        v = (v << 8) | static_cast<unsigned char>(c);
    }
    return v;
}

class CMap {
public:
    // Entries kept at most (a hostile CMap cannot take the memory).
    static constexpr std::size_t max_entries = 1 << 18;

    void parse(std::string_view data) {
        CMapLexer lex(data);
        std::vector<CMapToken> args;
        for (CMapToken t = lex.next(); t.kind != CMapToken::end; t = lex.next()) {
            if (t.kind != CMapToken::word) {
                continue;
            }
            if (t.text == "begincodespacerange") {
                block(lex, "endcodespacerange", 2, [&](std::vector<CMapToken>& a) {
                    if (a[0].kind == CMapToken::bytes && a[1].kind == CMapToken::bytes && !a[0].text.empty() &&
                        a[0].text.size() <= 4 && a[0].text.size() == a[1].text.size()) {
                        codespace_.push_back(Space{a[0].text.size(), code_value(a[0].text), code_value(a[1].text)});
                    }
                });
            } else if (t.text == "beginbfchar") {
                block(lex, "endbfchar", 2, [&](std::vector<CMapToken>& a) {
                    if (!is_code(a[0])) {
                        return;
                    }
                    std::optional<std::u16string> dst = destination(a[1]);
                    if (dst && chars_.size() < max_entries) {
                        chars_[code_key(code_value(a[0].text), a[0].text.size())] = *dst;
                    }
                });
            } else if (t.text == "beginbfrange") {
                bfrange(lex);
            } else if (t.text == "begincidchar") {
                block(lex, "endcidchar", 2, [&](std::vector<CMapToken>& a) {
                    if (is_code(a[0]) && a[1].kind == CMapToken::word && cids_.size() < max_entries) {
                        cids_[code_key(code_value(a[0].text), a[0].text.size())] = number(a[1].text);
                    }
                });
            } else if (t.text == "begincidrange") {
                block(lex, "endcidrange", 3, [&](std::vector<CMapToken>& a) {
                    if (is_code(a[0]) && is_code(a[1]) && a[0].text.size() == a[1].text.size() &&
                        a[2].kind == CMapToken::word && cid_ranges_.size() < max_entries) {
                        cid_ranges_.push_back(CidRange{a[0].text.size(), code_value(a[0].text), code_value(a[1].text),
                                                       number(a[2].text)});
                    }
                });
            }
        }
    }

    [[nodiscard]] bool has_codespace() const { return !codespace_.empty(); }

    // Length of the code that starts at s[pos] according to the codespace ranges:
    // the shortest length whose range holds the bytes; else the shortest length
    // declared (or `fallback` without any).
    [[nodiscard]] std::size_t code_length(std::string_view s, std::size_t pos, std::size_t fallback) const {
        std::size_t shortest = 0;
        for (std::size_t len = 1; len <= 4 && pos + len <= s.size(); ++len) {
            const std::uint32_t v = code_value(s.substr(pos, len));
            for (const Space& r : codespace_) {
                if (r.len == len && v >= r.lo && v <= r.hi) {
                    return len;
                }
            }
        }
        for (const Space& r : codespace_) {
            shortest = shortest == 0 ? r.len : std::min(shortest, r.len);
        }
        return shortest != 0 ? shortest : fallback;
    }

    // The Unicode text of a code (UTF-16 units), if the CMap maps it.
    [[nodiscard]] std::optional<std::u16string> unicode(std::uint32_t code, std::size_t len) const {
        if (const auto it = chars_.find(code_key(code, len)); it != chars_.end()) {
            return it->second;
        }
        for (const BfRange& r : ranges_) {
            if (r.len != len || code < r.lo || code > r.hi) {
                continue;
            }
            const std::uint32_t offset = code - r.lo;
            if (!r.array.empty()) {
                if (offset < r.array.size()) {
                    return r.array[offset];
                }
                continue;
            }
            std::u16string dst = r.base;
            dst.back() = static_cast<char16_t>(dst.back() + offset);
            return dst;
        }
        return std::nullopt;
    }

    [[nodiscard]] std::optional<std::uint32_t> cid(std::uint32_t code, std::size_t len) const {
        if (const auto it = cids_.find(code_key(code, len)); it != cids_.end()) {
            return it->second;
        }
        for (const CidRange& r : cid_ranges_) {
            if (r.len == len && code >= r.lo && code <= r.hi) {
                return r.first + (code - r.lo);
            }
        }
        return std::nullopt;
    }

private:
    struct Space {
        std::size_t len;
        std::uint32_t lo, hi;
    };
    struct BfRange {
        std::size_t len;
        std::uint32_t lo, hi;
        std::u16string base;                // incremented in its last unit
        std::vector<std::u16string> array;  // or one destination per code
    };
    struct CidRange {
        std::size_t len;
        std::uint32_t lo, hi, first;
    };

    static bool is_code(const CMapToken& t) {
        return t.kind == CMapToken::bytes && !t.text.empty() && t.text.size() <= 4;
    }
    static std::uint32_t number(const std::string& s) {
        char* end = nullptr;
        const unsigned long v = std::strtoul(s.c_str(), &end, 10);
        return static_cast<std::uint32_t>(std::min<unsigned long>(v, UINT32_MAX));
    }
    // A bfchar/bfrange destination: UTF-16BE bytes, or a glyph name.
    static std::optional<std::u16string> destination(const CMapToken& t) {
        if (t.kind == CMapToken::name) {
            std::u16string u = glyph_name_to_unicode(t.text);
            return u.empty() ? std::nullopt : std::optional(u);
        }
        if (t.kind != CMapToken::bytes || t.text.empty()) {
            return std::nullopt;
        }
        std::u16string u;
        for (std::size_t i = 0; i + 1 < t.text.size(); i += 2) {
            u += static_cast<char16_t>((static_cast<unsigned char>(t.text[i]) << 8) |
                                       static_cast<unsigned char>(t.text[i + 1]));
        }
        if (t.text.size() % 2 != 0) {
            u += static_cast<char16_t>(static_cast<unsigned char>(t.text.back()));  // one byte: a 1-byte value
        }
        return u;
    }

    // Reads groups of n operands until `end_word`; f(group) for each full group.
    template <typename F>
    static void block(CMapLexer& lex, std::string_view end_word, std::size_t n, F&& f) {
        std::vector<CMapToken> group;
        for (CMapToken t = lex.next(); t.kind != CMapToken::end; t = lex.next()) {
            if (t.kind == CMapToken::word && t.text == end_word) {
                return;
            }
            group.push_back(std::move(t));
            if (group.size() == n) {
                f(group);
                group.clear();
            }
        }
    }

    void bfrange(CMapLexer& lex) {
        for (;;) {
            CMapToken lo = lex.next();
            if (lo.kind == CMapToken::end || (lo.kind == CMapToken::word && lo.text == "endbfrange")) {
                return;
            }
            CMapToken hi = lex.next();
            CMapToken dst = lex.next();
            std::vector<std::u16string> array;
            if (dst.kind == CMapToken::open) {
                for (CMapToken e = lex.next(); e.kind != CMapToken::end && e.kind != CMapToken::close; e = lex.next()) {
                    array.push_back(destination(e).value_or(std::u16string(1, u'\uFFFD')));
                }
            }
            if (!is_code(lo) || !is_code(hi) || lo.text.size() != hi.text.size() || ranges_.size() >= max_entries) {
                continue;
            }
            BfRange r{lo.text.size(), code_value(lo.text), code_value(hi.text), {}, std::move(array)};
            if (r.hi < r.lo) {
                continue;
            }
            if (r.array.empty()) {
                const std::optional<std::u16string> base = destination(dst);
                if (!base || base->empty()) {
                    continue;
                }
                r.base = *base;
            }
            ranges_.push_back(std::move(r));
        }
    }

    std::vector<Space> codespace_;
    std::unordered_map<std::uint64_t, std::u16string> chars_;
    std::vector<BfRange> ranges_;
    std::unordered_map<std::uint64_t, std::uint32_t> cids_;
    std::vector<CidRange> cid_ranges_;
};

// --- Objects ---------------------------------------------------------------

// Thrown to stop the whole extraction (a document-wide limit was reached).
struct Stop {
    std::string why;
};

// A PdfOutputStream that keeps at most `cap` bytes and then throws.
class CappedOutput final : public PoDoFo::PdfOutputStream {
public:
    CappedOutput(std::string& out, std::size_t cap) : out_(out), cap_(cap) {}
    PoDoFo::pdf_long Write(const char* buffer, PoDoFo::pdf_long len) override {
        const auto n = static_cast<std::size_t>(std::max<PoDoFo::pdf_long>(len, 0));
        if (out_.size() + n > cap_) {
            out_.append(buffer, cap_ - out_.size());
            exceeded_ = true;
            throw PdfError(PoDoFo::ePdfError_ValueOutOfRange, __FILE__, __LINE__, "stream cap");
        }
        out_.append(buffer, n);
        return len;
    }
    void Close() override {}
    [[nodiscard]] bool exceeded() const { return exceeded_; }

private:
    std::string& out_;
    std::size_t cap_;
    bool exceeded_ = false;
};

class Objects {
public:
    // `pdf`: the bytes PoDoFo parsed (for streams it cannot read); `encrypted`:
    // those bytes are not the plain data.
    Objects(const PdfVecObjects& objects, std::string_view pdf, bool encrypted)
        : objects_(objects), pdf_(pdf), encrypted_(encrypted) {}

    // The same objects as the page-tree walk reads them.
    [[nodiscard]] PodofoSource<const PdfObject> source() const { return PodofoSource<const PdfObject>(objects_); }

    // Follows references (a few hops); nullptr for a missing object or null.
    const PdfObject* resolve(const PdfObject* o) const {
        for (int hops = 0; o != nullptr && hops < 8; ++hops) {
            if (!o->IsReference()) {
                return o->IsNull() ? nullptr : o;
            }
            o = objects_.GetObject(o->GetReference());
        }
        return nullptr;
    }
    // dict[key], resolved; nullptr when absent, or when `dict` is not a dictionary.
    const PdfObject* get(const PdfObject* dict, const PdfName& key) const {
        if (dict == nullptr || !dict->IsDictionary()) {
            return nullptr;
        }
        return resolve(dict->GetDictionary().GetKey(key));
    }
    const PdfObject* get_dict(const PdfObject* dict, const PdfName& key) const {
        const PdfObject* v = get(dict, key);
        return v != nullptr && v->IsDictionary() ? v : nullptr;
    }
    static std::optional<double> number(const PdfObject* o) { return podofo::number_of(o); }
    std::optional<double> get_number(const PdfObject* dict, const PdfName& key) const { return number(get(dict, key)); }
    std::string get_name(const PdfObject* dict, const PdfName& key) const {
        const PdfObject* v = get(dict, key);
        return v != nullptr && v->IsName() ? v->GetName().GetName() : std::string();
    }

    // The decoded data of a stream object, at most `cap` bytes; `capped` tells
    // whether there was more. Throws PdfError for unreadable streams.
    //
    // PoDoFo reads exactly /Length bytes. When /Length is too short it silently
    // drops the rest (text lost without an error); when it is missing or points
    // past the data, the stream is unreadable. Readers take the bytes up to
    // "endstream" instead, and so do we for unencrypted objects that sit in the
    // file: when they are more than PoDoFo read, or PoDoFo could not decode.
    std::string decode(const PdfObject* stream, std::size_t cap, bool& capped) const {
        std::string out;
        capped = false;
        if (stream == nullptr || !stream->HasStream()) {
            return out;
        }
        std::string_view raw;
        const bool have_raw = !encrypted_ && raw_stream(stream, raw);
        bool use_raw = false;
        if (have_raw) {
            const PoDoFo::pdf_long used = stream->GetStream()->GetLength();
            use_raw = used >= 0 && raw.size() > static_cast<std::size_t>(used) + 2;
        }
        CappedOutput sink(out, cap);
        try {
            if (use_raw) {
                decode_raw(stream, raw, sink);
            } else {
                stream->GetStream()->GetFilteredCopy(&sink);
            }
        } catch (const PdfError&) {
            if (sink.exceeded()) {
                capped = true;
                return out;
            }
            if (use_raw || !have_raw) {
                throw;
            }
            out.clear();
            CappedOutput again(out, cap);
            try {
                decode_raw(stream, raw, again);
            } catch (const PdfError&) {
                if (!again.exceeded()) {
                    throw;
                }
                capped = true;
            }
        }
        return out;
    }

private:
    // The bytes between "stream" and "endstream" of an object parsed from the file.
    bool raw_stream(const PdfObject* o, std::string_view& raw) const {
        const auto* parsed = dynamic_cast<const PoDoFo::PdfParserObject*>(o);
        if (parsed == nullptr || parsed->GetOffset() < 0 ||
            static_cast<std::uint64_t>(parsed->GetOffset()) >= pdf_.size()) {
            return false;
        }
        const auto offset = static_cast<std::size_t>(parsed->GetOffset());
        std::size_t start = pdf_.find("stream", offset);
        const std::size_t endobj = pdf_.find("endobj", offset);
        if (start == std::string_view::npos || (endobj != std::string_view::npos && endobj < start)) {
            return false;
        }
        start += 6;
        if (start < pdf_.size() && pdf_[start] == '\r') {
            ++start;
        }
        if (start < pdf_.size() && pdf_[start] == '\n') {
            ++start;
        }
        std::size_t end = pdf_.find("endstream", start);
        if (end == std::string_view::npos) {
            return false;
        }
        if (end > start && pdf_[end - 1] == '\n') {
            --end;
        }
        if (end > start && pdf_[end - 1] == '\r') {
            --end;
        }
        raw = pdf_.substr(start, end - start);
        return true;
    }

    // `raw` through the stream's /Filter chain (PoDoFo's filters) into `sink`.
    static void decode_raw(const PdfObject* stream, std::string_view raw, PoDoFo::PdfOutputStream& sink) {
        const PoDoFo::TVecFilters filters = PoDoFo::PdfFilterFactory::CreateFilterList(stream);
        if (filters.empty()) {
            sink.Write(raw.data(), static_cast<PoDoFo::pdf_long>(raw.size()));
            return;
        }
        const std::unique_ptr<PoDoFo::PdfOutputStream> decoder(
            PoDoFo::PdfFilterFactory::CreateDecodeStream(filters, &sink, &stream->GetDictionary()));
        decoder->Write(raw.data(), static_cast<PoDoFo::pdf_long>(raw.size()));
        decoder->Close();
    }

    const PdfVecObjects& objects_;
    std::string_view pdf_;
    bool encrypted_;
};

// The constant keys used here, built once each (a PdfName holds a std::string).
// Names that come from the file are never put here.
const PdfName& key(std::string_view k) {
    static std::mutex mutex;
    static std::map<std::string, PdfName, std::less<>> names;
    const std::lock_guard lock(mutex);
    auto it = names.find(k);
    if (it == names.end()) {
        it = names.emplace(std::string(k), PdfName(std::string(k))).first;
    }
    return it->second;
}

// --- Fonts -----------------------------------------------------------------

// Parsed CMaps by stream object: fonts often share one ToUnicode. At most
// `budget` bytes of CMap data are parsed per document (a hostile file could
// otherwise make every font parse a large CMap); past it a CMap is empty.
class CMaps {
public:
    CMaps(const Objects& o, std::size_t stream_cap, std::size_t budget)
        : o_(o), stream_cap_(stream_cap), budget_(budget) {}

    std::shared_ptr<const CMap> get(const PdfObject* stream) {
        if (const auto it = cache_.find(stream); it != cache_.end()) {
            return it->second;
        }
        auto cmap = std::make_shared<CMap>();
        bool capped = false;
        const std::string data = o_.decode(stream, std::min(stream_cap_, budget_ - used_), capped);
        used_ += data.size();
        cmap->parse(data);
        cache_.emplace(stream, cmap);
        return cmap;
    }

private:
    const Objects& o_;
    std::size_t stream_cap_;
    std::size_t budget_;
    std::size_t used_ = 0;
    std::unordered_map<const PdfObject*, std::shared_ptr<const CMap>> cache_;
};

using detail::is_standard14;

// Advance width (in em) of a Unicode character in a standard-14 font, from
// PoDoFo's built-in metrics; nullopt if PoDoFo has none for it. The fonts are
// made once per process in a scratch object list and never freed.
std::optional<double> standard14_width(const std::string& font, char32_t c) {
    struct Base14 {
        PdfVecObjects scratch;
        std::map<std::string, PoDoFo::PdfFont*> fonts;
    };
    static std::mutex mutex;
    static auto* const base14 = new Base14;  // never destroyed: the sandbox child _exits
    if (!is_standard14(font) || c > 0xFFFF) {
        return std::nullopt;
    }
    const std::lock_guard lock(mutex);
    PoDoFo::PdfFont*& f = base14->fonts[font];
    if (f == nullptr) {
        f = PoDoFo::PdfFontFactory::CreateBase14Font(font.c_str(), PoDoFo::ePdfFont_Normal,
                                                     PoDoFo::PdfEncodingFactory::GlobalWinAnsiEncodingInstance(),
                                                     &base14->scratch);
        if (f == nullptr) {
            return std::nullopt;
        }
    }
    const PoDoFo::PdfFontMetrics* m = f->GetFontMetrics();
    const double size = m->GetFontSize();
    const double w = m->UnicodeCharWidth(static_cast<unsigned short>(c));
    if (size <= 0 || w <= 0) {
        return std::nullopt;
    }
    return w / size;
}

const PoDoFo::PdfEncoding* named_encoding(std::string_view name) {
    using F = PoDoFo::PdfEncodingFactory;
    if (name == "WinAnsiEncoding") {
        return F::GlobalWinAnsiEncodingInstance();
    }
    if (name == "MacRomanEncoding") {
        return F::GlobalMacRomanEncodingInstance();
    }
    if (name == "StandardEncoding") {
        return F::GlobalStandardEncodingInstance();
    }
    if (name == "MacExpertEncoding") {
        return F::GlobalMacExpertEncodingInstance();
    }
    if (name == "SymbolEncoding") {
        return F::GlobalSymbolEncodingInstance();
    }
    if (name == "ZapfDingbatsEncoding") {
        return F::GlobalZapfDingbatsEncodingInstance();
    }
    if (name == "PDFDocEncoding") {
        return F::GlobalPdfDocEncodingInstance();
    }
    return nullptr;
}

// One glyph of a decoded string.
struct Glyph {
    std::string_view text;    // UTF-8
    double width = 0;         // advance in text space units per unit of font size
    bool word_space = false;  // the single-byte code 32 (Tw applies)
};

class Font {
public:
    Font() {
        // No usable font (Tf names nothing, or the dictionary is broken): bytes are
        // read as WinAnsi, widths unknown.
        init_simple_table(PoDoFo::PdfEncodingFactory::GlobalWinAnsiEncodingInstance());
        simple_width_.fill(0.5);
        finish_simple();
    }

    Font(const Objects& o, const PdfObject* dict, CMaps& cmaps) {
        const std::string subtype = o.get_name(dict, key("Subtype"));
        const std::string base_font(detail::strip_subset_prefix(o.get_name(dict, key("BaseFont"))));
        if (const PdfObject* tu = o.get(dict, key("ToUnicode")); tu != nullptr && tu->HasStream()) {
            to_unicode_ = cmaps.get(tu);
        }
        if (subtype == "Type0") {
            init_composite(o, dict, cmaps);
        } else {
            init_simple(o, dict, subtype, base_font);
        }
        if (subtype != "Type3") {
            vertical_metrics(o, dict);
        }
    }

    [[nodiscard]] bool widths_known() const { return widths_known_; }
    // How far glyphs reach above and below the baseline, per unit of font size
    // (the descriptor's /Ascent and /Descent; 0.8 and -0.2 when absent or absurd).
    [[nodiscard]] double ascent() const { return ascent_; }
    [[nodiscard]] double descent() const { return descent_; }

    // f(const Glyph&) for each code of `bytes`.
    template <typename F>
    void decode(std::string_view bytes, F&& f) const {
        if (!composite_) {
            for (const char ch : bytes) {
                const auto c = static_cast<unsigned char>(ch);
                f(Glyph{simple_text_[c], simple_width_[c], c == 32});
            }
            return;
        }
        std::size_t pos = 0;
        while (pos < bytes.size()) {
            std::size_t len = encoding_ ? encoding_->code_length(bytes, pos, 2) : 2;
            len = std::min(len, bytes.size() - pos);
            const std::uint32_t code = code_value(bytes.substr(pos, len));
            pos += len;
            const std::string& text = composite_text(code, len);
            std::uint32_t cid = code;
            if (encoding_) {
                cid = encoding_->cid(code, len).value_or(code);
            }
            f(Glyph{text, cid_width(cid), len == 1 && code == 32});
        }
    }

private:
    void init_simple_table(const PoDoFo::PdfEncoding* base) {
        for (int i = 0; i < 256; ++i) {
            char32_t c = 0;
            try {
                c = base != nullptr ? from_podofo_be(base->GetCharCode(i)) : 0;
            } catch (const PdfError&) {
                c = 0;
            }
            unicode_[static_cast<std::size_t>(i)] =
                c == 0 ? std::u16string() : std::u16string(1, static_cast<char16_t>(c));
        }
    }

    void init_simple(const Objects& o, const PdfObject* dict, const std::string& subtype,
                     const std::string& base_font) {
        const PdfObject* enc = o.get(dict, key("Encoding"));
        const PoDoFo::PdfEncoding* base = nullptr;
        const PdfObject* differences = nullptr;
        if (enc != nullptr && enc->IsName()) {
            base = named_encoding(enc->GetName().GetName());
        } else if (enc != nullptr && enc->IsDictionary()) {
            base = named_encoding(o.get_name(enc, key("BaseEncoding")));
            differences = o.get(enc, key("Differences"));
        }
        if (base == nullptr) {
            if (base_font == "Symbol") {
                base = PoDoFo::PdfEncodingFactory::GlobalSymbolEncodingInstance();
            } else if (base_font == "ZapfDingbats") {
                base = PoDoFo::PdfEncodingFactory::GlobalZapfDingbatsEncodingInstance();
            } else if (subtype == "TrueType") {
                base = PoDoFo::PdfEncodingFactory::GlobalWinAnsiEncodingInstance();
            } else {
                base = PoDoFo::PdfEncodingFactory::GlobalStandardEncodingInstance();
            }
        }
        init_simple_table(base);
        if (differences != nullptr && differences->IsArray()) {
            long code = -1;
            for (const PdfObject& e : differences->GetArray()) {
                const PdfObject* v = o.resolve(&e);
                if (v == nullptr) {
                    continue;
                }
                if (v->IsNumber()) {
                    code = static_cast<long>(v->GetNumber());
                } else if (v->IsName()) {
                    if (code >= 0 && code < 256) {
                        unicode_[static_cast<std::size_t>(code)] = glyph_name_to_unicode(v->GetName().GetName());
                    }
                    ++code;
                }
            }
        }
        if (to_unicode_) {
            for (std::uint32_t c = 0; c < 256; ++c) {
                std::optional<std::u16string> u = to_unicode_->unicode(c, 1);
                if (!u) {
                    u = to_unicode_->unicode(c, 2);  // some producers write 1-byte codes as <00xx>
                }
                if (u && !u->empty()) {
                    unicode_[c] = *u;
                }
            }
        }
        // Widths: /FirstChar + /Widths, /MissingWidth for the rest; Type3 glyph
        // space is scaled by /FontMatrix.
        double scale = 0.001;
        if (subtype == "Type3") {
            if (const PdfObject* m = o.get(dict, key("FontMatrix"));
                m != nullptr && m->IsArray() && !m->GetArray().empty()) {
                scale = Objects::number(o.resolve(&m->GetArray()[0])).value_or(0.001);
            }
        }
        const PdfObject* widths = o.get(dict, key("Widths"));
        const PdfObject* descriptor = o.get_dict(dict, key("FontDescriptor"));
        const double missing = o.get_number(descriptor, key("MissingWidth")).value_or(0) * scale;
        simple_width_.fill(missing);
        if (widths != nullptr && widths->IsArray()) {
            widths_known_ = true;
            const long first = static_cast<long>(o.get_number(dict, key("FirstChar")).value_or(0));
            long code = first;
            for (const PdfObject& e : widths->GetArray()) {
                if (code >= 0 && code < 256) {
                    simple_width_[static_cast<std::size_t>(code)] = Objects::number(o.resolve(&e)).value_or(0) * scale;
                }
                ++code;
            }
        } else if (is_standard14(base_font)) {
            widths_known_ = true;
            for (std::size_t c = 0; c < 256; ++c) {
                const std::u16string& u = unicode_[c];
                simple_width_[c] = (u.size() == 1 ? standard14_width(base_font, u[0]) : std::nullopt).value_or(0.5);
            }
        } else {
            simple_width_.fill(0.5);  // a guess: widths_known_ stays false
        }
        finish_simple();
    }

    void finish_simple() {
        for (std::size_t c = 0; c < 256; ++c) {
            simple_text_[c] = unicode_[c].empty() ? std::string(replacement_utf8) : utf16_to_utf8(unicode_[c]);
        }
    }

    void init_composite(const Objects& o, const PdfObject* dict, CMaps& cmaps) {
        composite_ = true;
        widths_known_ = true;  // /DW defaults to 1000
        const PdfObject* enc = o.get(dict, key("Encoding"));
        if (enc != nullptr && enc->IsName()) {
            const std::string& name = enc->GetName().GetName();
            code_is_utf16_ = name.find("UCS2") != std::string::npos || name.find("UTF16") != std::string::npos;
        } else if (enc != nullptr && enc->HasStream()) {
            if (std::shared_ptr<const CMap> cmap = cmaps.get(enc); cmap->has_codespace()) {
                encoding_ = std::move(cmap);
            }
        }
        const PdfObject* descendants = o.get(dict, key("DescendantFonts"));
        const PdfObject* cid_font = nullptr;
        if (descendants != nullptr && descendants->IsArray() && !descendants->GetArray().empty()) {
            cid_font = o.resolve(&descendants->GetArray()[0]);
        }
        if (cid_font == nullptr || !cid_font->IsDictionary()) {
            return;
        }
        default_width_ = o.get_number(cid_font, key("DW")).value_or(1000) * 0.001;
        const PdfObject* w = o.get(cid_font, key("W"));
        if (w == nullptr || !w->IsArray()) {
            return;
        }
        // [c [w1 w2 ...]  c_first c_last w ...]
        const PdfArray& a = w->GetArray();
        for (std::size_t i = 0; i < a.size();) {
            const std::optional<double> first = Objects::number(o.resolve(&a[i]));
            if (!first || i + 1 >= a.size()) {
                break;
            }
            const PdfObject* next = o.resolve(&a[i + 1]);
            if (next != nullptr && next->IsArray()) {
                auto cid = static_cast<std::uint32_t>(std::max(0.0, *first));
                for (const PdfObject& e : next->GetArray()) {
                    if (cid_widths_.size() >= CMap::max_entries) {
                        break;
                    }
                    cid_widths_[cid++] = Objects::number(o.resolve(&e)).value_or(1000) * 0.001;
                }
                i += 2;
            } else {
                if (i + 2 >= a.size()) {
                    break;
                }
                const std::optional<double> last = Objects::number(next);
                const std::optional<double> width = Objects::number(o.resolve(&a[i + 2]));
                if (last && width && cid_ranges_.size() < CMap::max_entries) {
                    cid_ranges_.push_back(WidthRange{static_cast<std::uint32_t>(std::max(0.0, *first)),
                                                     static_cast<std::uint32_t>(std::max(0.0, *last)), *width * 0.001});
                }
                i += 3;
            }
        }
    }

    const std::string& composite_text(std::uint32_t code, std::size_t len) const {
        const std::uint64_t k = code_key(code, len);
        if (const auto it = text_cache_.find(k); it != text_cache_.end()) {
            return it->second;
        }
        std::string text;
        std::optional<std::u16string> u = to_unicode_ ? to_unicode_->unicode(code, len) : std::nullopt;
        if (u && !u->empty()) {
            text = utf16_to_utf8(*u);
        } else if (code_is_utf16_ && len == 2) {
            text = utf16_to_utf8(std::u16string(1, static_cast<char16_t>(code)));
        } else {
            text = std::string(replacement_utf8);
        }
        if (text_cache_.size() > 65536) {
            text_cache_.clear();
        }
        return text_cache_.emplace(k, std::move(text)).first->second;
    }

    [[nodiscard]] double cid_width(std::uint32_t cid) const {
        if (const auto it = cid_widths_.find(cid); it != cid_widths_.end()) {
            return it->second;
        }
        for (const WidthRange& r : cid_ranges_) {
            if (cid >= r.first && cid <= r.last) {
                return r.width;
            }
        }
        return default_width_;
    }

    struct WidthRange {
        std::uint32_t first, last;
        double width;
    };

    void vertical_metrics(const Objects& o, const PdfObject* dict) {
        const PdfObject* font = dict;
        if (const PdfObject* d = o.get(dict, key("DescendantFonts"));
            d != nullptr && d->IsArray() && !d->GetArray().empty()) {
            font = o.resolve(&d->GetArray()[0]);
        }
        const PdfObject* descriptor =
            font != nullptr && font->IsDictionary() ? o.get_dict(font, key("FontDescriptor")) : nullptr;
        const double ascent = o.get_number(descriptor, key("Ascent")).value_or(800) * 0.001;
        const double descent = o.get_number(descriptor, key("Descent")).value_or(-200) * 0.001;
        if (ascent > 0 && ascent <= 2 && descent <= 0 && descent >= -1) {
            ascent_ = ascent;
            descent_ = descent;
        }
    }

    bool composite_ = false;
    bool widths_known_ = false;
    double ascent_ = 0.8;
    double descent_ = -0.2;
    std::shared_ptr<const CMap> to_unicode_;
    // simple fonts
    std::array<std::u16string, 256> unicode_;
    std::array<std::string, 256> simple_text_;
    std::array<double, 256> simple_width_{};
    // composite fonts
    std::shared_ptr<const CMap> encoding_;  // nullptr: 2-byte codes, CID = code
    bool code_is_utf16_ = false;
    double default_width_ = 1.0;
    std::unordered_map<std::uint32_t, double> cid_widths_;
    std::vector<WidthRange> cid_ranges_;
    mutable std::unordered_map<std::uint64_t, std::string> text_cache_;
};

// --- Geometry --------------------------------------------------------------

// [a b c d e f]; a point is a row vector: p' = p × M.
struct Matrix {
    double a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;
    [[nodiscard]] Matrix operator*(const Matrix& m) const {
        return {a * m.a + b * m.c, a * m.b + b * m.d,       c * m.a + d * m.c,
                c * m.b + d * m.d, e * m.a + f * m.c + m.e, e * m.b + f * m.d + m.f};
    }
    static Matrix translate(double x, double y) { return {1, 0, 0, 1, x, y}; }
};

bool finite(const Matrix& m) {
    return std::isfinite(m.a) && std::isfinite(m.b) && std::isfinite(m.c) && std::isfinite(m.d) && std::isfinite(m.e) &&
           std::isfinite(m.f);
}

std::optional<Matrix> matrix_from(const Objects& o, const PdfObject* array) {
    if (array == nullptr || !array->IsArray() || array->GetArray().size() != 6) {
        return std::nullopt;
    }
    std::array<double, 6> v{};
    for (std::size_t i = 0; i < 6; ++i) {
        const std::optional<double> n = Objects::number(o.resolve(&array->GetArray()[i]));
        if (!n) {
            return std::nullopt;
        }
        v[i] = *n;
    }
    return Matrix{v[0], v[1], v[2], v[3], v[4], v[5]};
}

// --- The content interpreter -------------------------------------------------

// PdfContentsTokenizer reading straight from memory: its buffer constructor
// copies the data into a std::istringstream (~3x slower per byte).
class MemoryTokenizer final : public PoDoFo::PdfContentsTokenizer {
public:
    MemoryTokenizer(const char* data, std::size_t size) : PdfContentsTokenizer("", 0) {
        m_device = PoDoFo::PdfRefCountedInputDevice(new podofo::MemoryDevice(data, size));
    }
};

std::string mib(std::size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// An operator as one integer (its up to 4 bytes), compared faster than the
// string; anything longer maps to a value no operator of up to 4 bytes has.
constexpr std::uint32_t op_key(std::string_view op) {
    if (op.size() > 4) {
        return 0xFFFFFFFFU;
    }
    std::uint32_t k = 0;
    for (const char c : op) {
        k = (k << 8) | static_cast<unsigned char>(c);
    }
    return k;
}

class Extractor {
public:
    Extractor(const Objects& objects, const TextLimits& limits, TextExtraction& out)
        : o_(objects), limits_(limits), out_(out), cmaps_(o_, limits.max_stream_bytes, max_cmap_bytes) {}

    void run(const PdfObject* trailer) {
        const PdfObject* catalog = o_.get_dict(trailer, key("Root"));
        const PdfObject* root = catalog != nullptr ? catalog->GetDictionary().GetKey(key("Pages")) : nullptr;
        const PodofoSource<const PdfObject> source = o_.source();
        page_tree::Walk walk(source);
        if (!walk.run(root, *this)) {
            out_.error = "no page tree";
        }
    }

    // What the page-tree walk (pdf/page_tree.hpp) tells. Where the analysis
    // reports a broken tree, the text is read from the pages that were found.
    using Inherited = page_tree::Inherited<const PdfObject*>;
    void root(const PdfObject* /*root*/) {}
    void page(const PdfObject* /*entry*/, const PdfObject* dict, const page_tree::NodeKeys<const PdfObject*>& /*keys*/,
              const Inherited& in) {
        page(dict, in);
    }
    void problem(const std::string& /*why*/) {}

private:
    // How colour values of the current colour space relate to paper white:
    // process (DeviceGray/RGB/CMYK and ICC-based or calibrated equivalents: 1, 1 1 1
    // or 0 0 0 0 is white), tint (Separation, DeviceN: all tints 0 is no ink) or
    // other (Indexed, Pattern, Lab: never taken as white).
    enum class Ink : std::uint8_t { process, tint, other };

    struct GState {
        Matrix ctm;
        const Font* font = nullptr;
        double size = 0, char_space = 0, word_space = 0, scale = 1, leading = 0, rise = 0;
        // Where content can show (default user space; the page box, narrowed by
        // clipping paths and form /BBoxes, each taken as its bounding box).
        Box clip;
        double line_width = 1;
        int render = 0;                                 // text rendering mode (Tr): 3 and 7 draw nothing, 4-7 clip
        bool fill_white = false, stroke_white = false;  // white on paper is not content
        Ink fill_ink = Ink::process, stroke_ink = Ink::process;  // what the colour space's values mean
    };
    struct Cursor {
        bool have = false;
        double x = 0, y = 0;          // end of the last glyph shown, user space
        double dir_x = 1, dir_y = 0;  // baseline direction there
        double em = 0;                // font size in user space there
        bool widths_known = false;
    };
    struct Pending {
        bool newline = false;
        bool space = false;
        bool check = false;     // decide by the next text's position
        bool boundary = false;  // ... after BT/ET or a form: a newline when widths are unknown
    };

    // --- one page ---

    void page(const PdfObject* page_dict, const Inherited& in) {
        const PdfObject* resources = o_.resolve(in.resources);
        if (resources != nullptr && !resources->IsDictionary()) {
            resources = nullptr;
        }
        out_.pages.push_back(PageText{static_cast<int>(out_.pages.size()) + 1, {}, {}, {}});
        text_ = &out_.pages.back().text;
        cursor_ = {};
        pending_ = {};
        path_.reset();
        clip_pending_ = false;
        recording_ = page_box(in);
        if (!recording_) {
            note("no usable MediaBox: where content is drawn is unknown");
        }
        if (fonts_.size() > max_fonts / 4) {
            fonts_.clear();  // no interpreter is running: no GState points into it
        }
        try {
            std::string content;
            if (const PdfObject* contents = o_.get(page_dict, key("Contents"))) {
                if (contents->IsArray()) {
                    for (const PdfObject& part : contents->GetArray()) {
                        append_stream(content, o_.resolve(&part));
                    }
                } else {
                    append_stream(content, contents);
                }
            }
            GState start;
            start.clip = page_box_;
            run(content, resources, start, 0);
            recording_ = false;  // annotation appearances are placed by /Rect: not measured
            annotations(page_dict, resources);
        } catch (const PdfError& e) {
            note("content: " + podofo::error_name(e));
        }
        if (!capped_.empty()) {
            note(capped_);
            capped_.clear();
        }
    }

    // A page's content streams are one stream: concatenated with a space between
    // them (an operator may follow its operands in the next stream).
    void append_stream(std::string& content, const PdfObject* stream) {
        if (stream == nullptr || !stream->HasStream()) {
            return;
        }
        bool capped = false;
        std::string data;
        try {
            data = o_.decode(stream, limits_.max_stream_bytes, capped);
        } catch (const PdfError& e) {
            note("a content stream could not be decoded: " + podofo::error_name(e));
            return;
        }
        if (capped) {
            capped_ = "a content stream is larger than " + mib(limits_.max_stream_bytes) + ": read up to there";
        }
        content += data;
        content += '\n';
    }

    void note(const std::string& why) {
        std::string& error = out_.pages.back().error;
        if (error.empty()) {
            error = why;
        } else if (error.find(why) == std::string::npos && error.size() < 512) {
            error += "; " + why;
        }
    }

    // Annotations that are shown (not Hidden, not NoView): the value of text and
    // choice fields (their appearance may be stale under NeedAppearances, or draw
    // a comb field one digit per box, which would read as separate digits), else
    // the normal appearance stream, else the /Contents of a FreeText annotation.
    void annotations(const PdfObject* page_dict, const PdfObject* resources) {
        const PdfObject* annots = o_.get(page_dict, key("Annots"));
        if (annots == nullptr || !annots->IsArray()) {
            return;
        }
        for (const PdfObject& a : annots->GetArray()) {
            try {
                const PdfObject* annot = o_.resolve(&a);
                if (annot == nullptr || !annot->IsDictionary()) {
                    continue;
                }
                const auto flags = static_cast<long long>(o_.get_number(annot, key("F")).value_or(0));
                if ((flags & (2 | 32)) != 0) {
                    continue;
                }
                const std::string subtype = o_.get_name(annot, key("Subtype"));
                if (subtype == "Widget") {
                    const PdfObject* type = field(annot, key("FT"));
                    const std::string ft = type != nullptr && type->IsName() ? type->GetName().GetName() : "";
                    if ((ft == "Tx" || ft == "Ch") && field_text(field(annot, key("V")))) {
                        continue;
                    }
                }
                const PdfObject* normal = o_.get(o_.get_dict(annot, key("AP")), key("N"));
                if (normal != nullptr && !normal->HasStream() && normal->IsDictionary()) {
                    const std::string state = o_.get_name(annot, key("AS"));
                    normal = state.empty() ? nullptr : o_.get(normal, PdfName(state));
                }
                if (normal != nullptr && normal->HasStream()) {
                    pending_.newline = true;
                    form(normal, GState{}, resources, 1);
                    pending_.newline = true;
                } else if (subtype == "FreeText") {
                    field_text(o_.get(annot, key("Contents")));
                }
            } catch (const PdfError& e) {
                note("annotation: " + podofo::error_name(e));
            }
        }
    }

    // A form field attribute: on the widget or inherited from its /Parent fields.
    const PdfObject* field(const PdfObject* annot, const PdfName& name) const {
        const PdfObject* node = annot;
        for (int depth = 0; node != nullptr && depth < 32; ++depth) {
            if (const PdfObject* v = o_.get(node, name)) {
                return v;
            }
            node = o_.get_dict(node, key("Parent"));
        }
        return nullptr;
    }

    // A text string (or an array of them, for multiple choices) as lines of its
    // own. False if there is no text string.
    bool field_text(const PdfObject* v) {
        std::vector<const PdfObject*> strings;
        if (v != nullptr && (v->IsString() || v->IsHexString())) {
            strings.push_back(v);
        } else if (v != nullptr && v->IsArray()) {
            for (const PdfObject& e : v->GetArray()) {
                if (const PdfObject* r = o_.resolve(&e); r != nullptr && (r->IsString() || r->IsHexString())) {
                    strings.push_back(r);
                }
            }
        }
        if (strings.empty()) {
            return false;
        }
        for (const PdfObject* s : strings) {
            std::string text = s->GetString().GetStringUtf8();  // PDFDocEncoding or UTF-16BE
            std::replace(text.begin(), text.end(), '\r', '\n');
            if (text.empty()) {
                continue;
            }
            pending_ = {};
            if (!text_->empty() && text_->back() != '\n') {
                append("\n");
            }
            append(text);
        }
        pending_ = Pending{};
        pending_.newline = true;
        cursor_.have = false;
        return true;
    }

    // --- content streams ---

    void run(std::string_view content, const PdfObject* resources, const GState& start, int depth) {
        work_ += content.size();
        if (work_ > limits_.max_content_bytes) {
            throw Stop{"content limit of " + mib(limits_.max_content_bytes) + " reached on page " +
                       std::to_string(out_.pages.size())};
        }
        std::vector<GState> stack;
        GState gs = start;
        // The resources `cs` looks colour spaces up in, for this stream (restored for
        // the caller of a form even when a limit ends the run).
        class Restore {
        public:
            explicit Restore(const PdfObject*& slot) : slot_(slot), value_(slot) {}
            Restore(const Restore&) = delete;
            Restore& operator=(const Restore&) = delete;
            ~Restore() { slot_ = value_; }

        private:
            const PdfObject*& slot_;
            const PdfObject* value_;
        } restore(resources_);
        resources_ = resources;
        Matrix tm;
        Matrix tlm;
        std::vector<PdfVariant> operands;
        MemoryTokenizer tokenizer(content.data(), content.size());
        PoDoFo::EPdfContentsType type{};
        const char* keyword = nullptr;
        PdfVariant value;
        while (tokenizer.ReadNext(type, keyword, value)) {
            if (type == PoDoFo::ePdfContentsType_Variant) {
                if (operands.size() >= 64) {
                    // No operator takes more than 6 operands: keep the last few.
                    operands.erase(operands.begin(), operands.end() - 8);
                }
                operands.push_back(value);
                continue;
            }
            if (type != PoDoFo::ePdfContentsType_Keyword || keyword == nullptr) {
                if (type == PoDoFo::ePdfContentsType_ImageData) {
                    mark_unit_square(gs);  // an inline image fills the unit square
                }
                operands.clear();
                continue;
            }
            const std::string_view op(keyword);
            execute(op, operands, resources, depth, stack, gs, tm, tlm);
            operands.clear();
        }
    }

    static std::optional<double> num(const std::vector<PdfVariant>& ops, std::size_t from_end) {
        if (ops.size() < from_end) {
            return std::nullopt;
        }
        const PdfVariant& v = ops[ops.size() - from_end];
        if (v.IsNumber()) {
            return static_cast<double>(v.GetNumber());
        }
        if (v.IsReal()) {
            return v.GetReal();
        }
        return std::nullopt;
    }

    // The bytes of a string operand as written in the file. PoDoFo strips a leading
    // FE FF and marks the string as Unicode: put the two bytes back.
    static std::string string_bytes(const PoDoFo::PdfString& s) {
        std::string out;
        if (!s.IsValid()) {
            return out;
        }
        if (s.IsUnicode()) {
            out = "\xfe\xff";
        }
        out.append(s.GetString(), static_cast<std::size_t>(std::max<PoDoFo::pdf_long>(s.GetLength(), 0)));
        return out;
    }

    void execute(std::string_view op, const std::vector<PdfVariant>& ops, const PdfObject* resources, int depth,
                 std::vector<GState>& stack, GState& gs, Matrix& tm, Matrix& tlm) {
        const std::uint32_t k = op_key(op);
        auto td = [&](double tx, double ty) {
            tlm = Matrix::translate(tx, ty) * tlm;
            tm = tlm;
            pending_.check = true;
        };
        auto next_line = [&] {
            td(0, -gs.leading);
            pending_.newline = true;
        };
        if (k == op_key("q")) {
            if (stack.size() < 256) {
                stack.push_back(gs);
            }
        } else if (k == op_key("Q")) {
            if (!stack.empty()) {
                gs = stack.back();
                stack.pop_back();
            }
        } else if (k == op_key("cm")) {
            if (ops.size() >= 6) {
                const Matrix m{num(ops, 6).value_or(1), num(ops, 5).value_or(0), num(ops, 4).value_or(0),
                               num(ops, 3).value_or(1), num(ops, 2).value_or(0), num(ops, 1).value_or(0)};
                if (finite(m)) {
                    gs.ctm = m * gs.ctm;
                }
            }
        } else if (k == op_key("BT")) {
            tm = tlm = Matrix{};
            text_clip_.reset();
            text_clips_ = false;
            pending_.check = pending_.boundary = true;
        } else if (k == op_key("ET")) {
            if (text_clips_) {
                // Tr 4-7: the glyphs shown since BT clip what follows (their boxes).
                gs.clip = text_clip_ ? intersect(gs.clip, *text_clip_) : kNothing;
                text_clips_ = false;
            }
            pending_.check = pending_.boundary = true;
        } else if (k == op_key("Tf")) {
            if (ops.size() >= 2 && ops[ops.size() - 2].IsName()) {
                gs.font = font(resources, ops[ops.size() - 2].GetName());
                gs.size = num(ops, 1).value_or(0);
            }
        } else if (k == op_key("Tc")) {
            gs.char_space = num(ops, 1).value_or(0);
        } else if (k == op_key("Tw")) {
            gs.word_space = num(ops, 1).value_or(0);
        } else if (k == op_key("Tz")) {
            gs.scale = num(ops, 1).value_or(100) / 100;
        } else if (k == op_key("TL")) {
            gs.leading = num(ops, 1).value_or(0);
        } else if (k == op_key("Ts")) {
            gs.rise = num(ops, 1).value_or(0);
        } else if (k == op_key("Td") || k == op_key("TD")) {
            const double tx = num(ops, 2).value_or(0);
            const double ty = num(ops, 1).value_or(0);
            if (k == op_key("TD")) {
                gs.leading = -ty;
            }
            td(tx, ty);
        } else if (k == op_key("Tm")) {
            if (ops.size() >= 6) {
                const Matrix m{num(ops, 6).value_or(1), num(ops, 5).value_or(0), num(ops, 4).value_or(0),
                               num(ops, 3).value_or(1), num(ops, 2).value_or(0), num(ops, 1).value_or(0)};
                if (finite(m)) {
                    tm = tlm = m;
                }
            }
            pending_.check = true;
        } else if (k == op_key("T*")) {
            next_line();
        } else if (k == op_key("Tj")) {
            if (!ops.empty() && (ops.back().IsString() || ops.back().IsHexString())) {
                show(string_bytes(ops.back().GetString()), gs, tm);
            }
        } else if (k == op_key("'")) {
            next_line();
            if (!ops.empty() && (ops.back().IsString() || ops.back().IsHexString())) {
                show(string_bytes(ops.back().GetString()), gs, tm);
            }
        } else if (k == op_key("\"")) {
            gs.word_space = num(ops, 3).value_or(gs.word_space);
            gs.char_space = num(ops, 2).value_or(gs.char_space);
            next_line();
            if (!ops.empty() && (ops.back().IsString() || ops.back().IsHexString())) {
                show(string_bytes(ops.back().GetString()), gs, tm);
            }
        } else if (k == op_key("TJ")) {
            if (!ops.empty() && ops.back().IsArray()) {
                for (const PdfObject& e : ops.back().GetArray()) {
                    if (e.IsString() || e.IsHexString()) {
                        show(string_bytes(e.GetString()), gs, tm);
                    } else if (e.IsNumber() || e.IsReal()) {
                        const double n = e.IsNumber() ? static_cast<double>(e.GetNumber()) : e.GetReal();
                        if (std::isfinite(n)) {
                            tm = Matrix::translate(-n / 1000 * gs.size * gs.scale, 0) * tm;
                            if (n < -200) {
                                pending_.space = true;
                            }
                        }
                    }
                }
            }
        } else if (k == op_key("Do")) {
            if (!ops.empty() && ops.back().IsName()) {
                const PdfObject* xobjects = o_.get_dict(resources, key("XObject"));
                const PdfObject* x = o_.get(xobjects, ops.back().GetName());
                // The subtype first: HasStream() makes PoDoFo read the stream, and
                // an image's data (megabytes) is never needed here.
                const std::string subtype = x != nullptr && x->IsDictionary() ? o_.get_name(x, key("Subtype")) : "";
                if (subtype == "Form" && x->HasStream()) {
                    pending_.check = pending_.boundary = true;
                    form(x, gs, resources, depth + 1);
                    pending_.check = pending_.boundary = true;
                } else if (subtype == "Image") {
                    mark_unit_square(gs);
                }
            }
        } else {
            draw(op, ops, gs);
        }
    }

    // --- where content is drawn (DP307) ---

    // Path construction, painting, clipping, colours, line width and text
    // rendering mode: what decides whether and where something shows.
    void draw(std::string_view op, const std::vector<PdfVariant>& ops, GState& gs) {
        const std::uint32_t k = op_key(op);
        auto point = [&](std::size_t x_from_end, std::size_t y_from_end) {
            const std::optional<double> x = num(ops, x_from_end);
            const std::optional<double> y = num(ops, y_from_end);
            if (x && y) {
                add_path_point(gs.ctm, *x, *y);
            }
        };
        if (k == op_key("m") || k == op_key("l")) {
            point(2, 1);
        } else if (k == op_key("c")) {
            point(6, 5);
            point(4, 3);
            point(2, 1);
        } else if (k == op_key("v") || k == op_key("y")) {
            point(4, 3);
            point(2, 1);
        } else if (k == op_key("re")) {
            const std::optional<double> x = num(ops, 4), y = num(ops, 3), w = num(ops, 2), h = num(ops, 1);
            if (x && y && w && h) {
                add_path_point(gs.ctm, *x, *y);
                add_path_point(gs.ctm, *x + *w, *y + *h);
                add_path_point(gs.ctm, *x + *w, *y);
                add_path_point(gs.ctm, *x, *y + *h);
            }
        } else if (k == op_key("S") || k == op_key("s")) {
            paint(gs, false, true);
        } else if (k == op_key("f") || k == op_key("F") || k == op_key("f*")) {
            paint(gs, true, false);
        } else if (k == op_key("B") || k == op_key("B*") || k == op_key("b") || k == op_key("b*")) {
            paint(gs, true, true);
        } else if (k == op_key("n")) {
            paint(gs, false, false);
        } else if (k == op_key("W") || k == op_key("W*")) {
            clip_pending_ = true;
        } else if (k == op_key("w")) {
            gs.line_width = std::fabs(num(ops, 1).value_or(1));
        } else if (k == op_key("Tr")) {
            gs.render = static_cast<int>(num(ops, 1).value_or(0));
        } else if (k == op_key("g") || k == op_key("rg") || k == op_key("k")) {
            gs.fill_ink = Ink::process;
            gs.fill_white = white(ops, op, Ink::process);
        } else if (k == op_key("G") || k == op_key("RG") || k == op_key("K")) {
            gs.stroke_ink = Ink::process;
            gs.stroke_white = white(ops, op, Ink::process);
        } else if (k == op_key("sc") || k == op_key("scn")) {
            gs.fill_white = white(ops, op, gs.fill_ink);
        } else if (k == op_key("SC") || k == op_key("SCN")) {
            gs.stroke_white = white(ops, op, gs.stroke_ink);
        } else if (k == op_key("cs")) {
            gs.fill_ink = ink(ops);
            gs.fill_white = false;  // a new colour space starts black (or at full tint)
        } else if (k == op_key("CS")) {
            gs.stroke_ink = ink(ops);
            gs.stroke_white = false;
        } else if (k == op_key("sh")) {
            mark(gs.clip, gs);  // a shading fills the clipping region
        }
    }

    // The colour operands make white paper colour: gray 1, RGB 1 1 1, CMYK 0 0 0 0
    // in a process colour space, all tints 0 in a Separation or DeviceN space.
    static bool white(const std::vector<PdfVariant>& ops, std::string_view op, Ink ink) {
        std::vector<double> v;
        for (const PdfVariant& o : ops) {
            if (o.IsName()) {
                return false;  // a pattern
            }
            if (o.IsNumber() || o.IsReal()) {
                v.push_back(o.IsNumber() ? static_cast<double>(o.GetNumber()) : o.GetReal());
            }
        }
        if (v.empty() || ink == Ink::other) {
            return false;
        }
        if (ink == Ink::tint) {
            return std::all_of(v.begin(), v.end(), [](double c) { return c <= 0.001; });
        }
        if (v.size() == 2 || v.size() > 4) {
            return false;
        }
        const bool cmyk = op == "k" || op == "K" || v.size() == 4;
        return std::all_of(v.begin(), v.end(), [&](double c) { return cmyk ? c <= 0.001 : c >= 0.999; });
    }

    // The kind of colour space `cs`/`CS` selects (in the current resources): a
    // device, calibrated or ICC-based space is process colour, Separation and
    // DeviceN are tints, anything else (Indexed, Pattern, Lab) is other.
    Ink ink(const std::vector<PdfVariant>& ops) const {
        if (ops.empty() || !ops.back().IsName()) {
            return Ink::other;
        }
        const std::string& name = ops.back().GetName().GetName();
        if (name == "DeviceGray" || name == "DeviceRGB" || name == "DeviceCMYK") {
            return Ink::process;
        }
        const PdfObject* space = o_.get(o_.get_dict(resources_, key("ColorSpace")), ops.back().GetName());
        const PdfObject* family = space != nullptr && space->IsArray() && !space->GetArray().empty()
                                      ? o_.resolve(&space->GetArray()[0])
                                      : space;
        const std::string f = family != nullptr && family->IsName() ? family->GetName().GetName() : "";
        if (f == "ICCBased" || f == "CalGray" || f == "CalRGB" || f == "DeviceGray" || f == "DeviceRGB" ||
            f == "DeviceCMYK") {
            return Ink::process;
        }
        if (f == "Separation" || f == "DeviceN") {
            return Ink::tint;
        }
        return Ink::other;
    }

    void add_path_point(const Matrix& ctm, double x, double y) {
        const double dx = x * ctm.a + y * ctm.c + ctm.e;
        const double dy = x * ctm.b + y * ctm.d + ctm.f;
        if (!std::isfinite(dx) || !std::isfinite(dy)) {
            return;
        }
        if (!path_) {
            path_ = Box{dx, dy, dx, dy};
        } else {
            path_->llx = std::min(path_->llx, dx);
            path_->lly = std::min(path_->lly, dy);
            path_->urx = std::max(path_->urx, dx);
            path_->ury = std::max(path_->ury, dy);
        }
    }

    // Ends the current path: paints what is not white, then applies a pending clip.
    void paint(GState& gs, bool fill, bool stroke) {
        if (path_) {
            Box b = *path_;
            const bool stroke_shows = stroke && !gs.stroke_white;
            if (stroke_shows) {
                const double half = gs.line_width / 2 * std::sqrt(std::fabs(gs.ctm.a * gs.ctm.d - gs.ctm.b * gs.ctm.c));
                if (std::isfinite(half)) {
                    b = Box{b.llx - half, b.lly - half, b.urx + half, b.ury + half};
                }
            }
            if (stroke_shows || (fill && !gs.fill_white)) {
                mark(b, gs);
            }
            if (clip_pending_) {
                // A clipping path without area lets nothing through.
                gs.clip = path_->width() > 0 && path_->height() > 0 ? intersect(gs.clip, *path_) : kNothing;
            }
        } else if (clip_pending_) {
            gs.clip = kNothing;  // W n without a path
        }
        clip_pending_ = false;
        path_.reset();
    }

    void mark_unit_square(const GState& gs) { mark(transform(Box{0, 0, 1, 1}, gs.ctm), gs); }

    // The box around `b` (in the space `m` maps from) in default user space.
    static Box transform(const Box& b, const Matrix& m) {
        Box out{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
                -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
        for (const auto& [x, y] : {std::pair{b.llx, b.lly}, {b.urx, b.lly}, {b.llx, b.ury}, {b.urx, b.ury}}) {
            const double dx = x * m.a + y * m.c + m.e;
            const double dy = x * m.b + y * m.d + m.f;
            out = Box{std::min(out.llx, dx), std::min(out.lly, dy), std::max(out.urx, dx), std::max(out.ury, dy)};
        }
        return out;
    }

    static Box intersect(const Box& a, const Box& b) {
        return Box{std::max(a.llx, b.llx), std::max(a.lly, b.lly), std::min(a.urx, b.urx), std::min(a.ury, b.ury)};
    }

    // Content drawn over `b` (default user space): what of it lies inside the
    // clip, in the page's displayed coordinates (origin at the lower left of the
    // page as shown, after /Rotate), joins the page's content box.
    void mark(const Box& b, const GState& gs) {
        if (!recording_) {
            return;
        }
        const Box c = intersect(b, gs.clip);
        if (!(c.llx <= c.urx && c.lly <= c.ury)) {
            return;  // outside the clip or not finite
        }
        const Box& p = page_box_;
        Box d;
        switch (page_rotate_) {
            case 90:
                d = Box{c.lly - p.lly, p.urx - c.urx, c.ury - p.lly, p.urx - c.llx};
                break;
            case 180:
                d = Box{p.urx - c.urx, p.ury - c.ury, p.urx - c.llx, p.ury - c.lly};
                break;
            case 270:
                d = Box{p.ury - c.ury, c.llx - p.llx, p.ury - c.lly, c.urx - p.llx};
                break;
            default:
                d = Box{c.llx - p.llx, c.lly - p.lly, c.urx - p.llx, c.ury - p.lly};
                break;
        }
        std::optional<Box>& content = out_.pages.back().content;
        if (!content) {
            content = d;
        } else {
            content = Box{std::min(content->llx, d.llx), std::min(content->lly, d.lly), std::max(content->urx, d.urx),
                          std::max(content->ury, d.ury)};
        }
    }

    // The page's effective box (CropBox clipped to the MediaBox, values inherited
    // down the page tree; a CropBox wholly outside is ignored) and /Rotate, as
    // pdf/analyze.cpp reads them. False when there is no usable MediaBox.
    bool page_box(const Inherited& in) {
        const auto box = [&](const PdfObject* a) -> std::optional<Box> {
            if (a == nullptr || !a->IsArray() || a->GetArray().size() != 4) {
                return std::nullopt;
            }
            std::array<double, 4> v{};
            for (std::size_t i = 0; i < 4; ++i) {
                const std::optional<double> n = Objects::number(o_.resolve(&a->GetArray()[i]));
                if (!n || !std::isfinite(*n)) {
                    return std::nullopt;
                }
                v[i] = *n;
            }
            return Box{std::min(v[0], v[2]), std::min(v[1], v[3]), std::max(v[0], v[2]), std::max(v[1], v[3])};
        };
        const std::optional<Box> media = box(o_.resolve(in.media));
        if (!media || media->width() <= 0 || media->height() <= 0) {
            return false;
        }
        page_box_ = *media;
        if (const std::optional<Box> crop = box(o_.resolve(in.crop))) {
            const Box clipped = intersect(*crop, *media);
            if (clipped.width() > 0 && clipped.height() > 0) {
                page_box_ = clipped;
            }
        }
        page_rotate_ = 0;
        if (const std::optional<double> r = Objects::number(o_.resolve(in.rotate));
            r && std::isfinite(*r) && std::fabs(*r) < 1e15 && *r == std::floor(*r)) {
            auto n = static_cast<long long>(*r);
            if (n % 90 == 0) {
                n %= 360;
                page_rotate_ = static_cast<int>(n < 0 ? n + 360 : n);
            }
        }
        return true;
    }

    // A form XObject (or an appearance stream): its /Matrix, its own /Resources
    // (else the caller's), a depth limit, and no form inside itself.
    void form(const PdfObject* x, const GState& caller, const PdfObject* resources, int depth) {
        const Matrix& ctm = caller.ctm;
        if (depth > limits_.max_form_depth) {
            note("form XObjects nested deeper than " + std::to_string(limits_.max_form_depth) + " levels skipped");
            return;
        }
        if (std::find(forms_.begin(), forms_.end(), x) != forms_.end()) {
            return;  // a form that draws itself
        }
        const std::shared_ptr<const std::string> data = form_data(x);
        Matrix m = matrix_from(o_, o_.get(x, key("Matrix"))).value_or(Matrix{}) * ctm;
        if (!finite(m)) {
            m = ctm;
        }
        const PdfObject* own = o_.get_dict(x, key("Resources"));
        GState start = caller;
        start.ctm = m;
        if (const PdfObject* bbox = o_.get(x, key("BBox"));
            bbox != nullptr && bbox->IsArray() && bbox->GetArray().size() == 4) {
            std::array<double, 4> v{};
            bool ok = true;
            for (std::size_t i = 0; i < 4 && ok; ++i) {
                const std::optional<double> n = Objects::number(o_.resolve(&bbox->GetArray()[i]));
                ok = n && std::isfinite(*n);
                v[i] = n.value_or(0);
            }
            if (ok) {
                const Box b{std::min(v[0], v[2]), std::min(v[1], v[3]), std::max(v[0], v[2]), std::max(v[1], v[3])};
                start.clip = intersect(start.clip, transform(b, m));
            }
        }
        forms_.push_back(x);
        try {
            run(*data, own != nullptr ? own : resources, start, depth);
        } catch (const PdfError& e) {
            note("form XObject: " + podofo::error_name(e));
        }
        forms_.pop_back();
    }

    // Decoded form streams, kept while the cache is below the stream cap: a form
    // drawn on every page (a letterhead) is decoded once.
    std::shared_ptr<const std::string> form_data(const PdfObject* x) {
        if (const auto it = form_cache_.find(x); it != form_cache_.end()) {
            return it->second;
        }
        bool capped = false;
        auto data = std::make_shared<const std::string>(o_.decode(x, limits_.max_stream_bytes, capped));
        if (capped) {
            capped_ = "a form XObject is larger than " + mib(limits_.max_stream_bytes) + ": read up to there";
        }
        if (form_cache_bytes_ + data->size() <= limits_.max_stream_bytes) {
            form_cache_bytes_ += data->size();
            form_cache_.emplace(x, data);
        }
        return data;
    }

    const Font* font(const PdfObject* resources, const PdfName& name) {
        const PdfObject* dict = o_.get(o_.get_dict(resources, key("Font")), name);
        if (dict == nullptr || !dict->IsDictionary()) {
            return &fallback_font_;
        }
        const auto known = fonts_.find(dict);
        if (known != fonts_.end()) {
            return known->second.get();
        }
        if (fonts_.size() >= max_fonts) {
            note("more than " + std::to_string(max_fonts) + " fonts: the rest read as WinAnsi");
            return &fallback_font_;
        }
        auto& slot = fonts_[dict];
        if (!slot) {
            try {
                slot = std::make_unique<Font>(o_, dict, cmaps_);
            } catch (const PdfError& e) {
                note("font /" + name.GetName() + ": " + podofo::error_name(e));
                slot = std::make_unique<Font>();
            }
        }
        return slot.get();
    }

    // --- output ---

    // The glyphs of one string: their text (unless only content boxes are wanted)
    // and where they are drawn. Within a string the text matrix only moves along
    // its x axis, so the glyphs' boxes together are one box in text space, from
    // the leftmost to the rightmost glyph edge (spaces left out), taken through
    // the matrix at the string's start once.
    void show(const std::string& bytes, const GState& gs, Matrix& tm) {
        const Font& f = gs.font != nullptr ? *gs.font : fallback_font_;
        // Modes 0, 2, 4, 6 fill the glyphs, 1, 2, 5, 6 stroke them, 3 and 7 do neither;
        // 4-7 also add them to the clip. White ink on paper shows nothing.
        const int mode = gs.render;
        const bool fills = mode == 0 || mode == 2 || mode == 4 || mode == 6;
        const bool strokes = mode == 1 || mode == 2 || mode == 5 || mode == 6;
        const bool clips = mode >= 4 && mode <= 7;
        const bool visible = (fills && !gs.fill_white) || (strokes && !gs.stroke_white);
        const bool measure = (recording_ && visible) || clips;
        const Matrix start = tm * gs.ctm;
        double x = 0;  // text space, from the string's start
        double lo = std::numeric_limits<double>::infinity();
        double hi = -lo;
        bool any = false;
        f.decode(bytes, [&](const Glyph& g) {
            any = true;
            if (measure && !g.word_space && !(g.text.size() == 1 && g.text[0] == ' ')) {
                // Its advance (half an em when the font gives none).
                const double w = (g.width > 0 && f.widths_known() ? g.width : 0.5) * gs.size * gs.scale;
                lo = std::min(lo, x + std::min(0.0, w));
                hi = std::max(hi, x + std::max(0.0, w));
            }
            if (limits_.collect_text) {
                separate(Matrix::translate(x, 0) * start, f.widths_known(), g.text);
                append(g.text);
            }
            const double advance = (g.width * gs.size + gs.char_space + (g.word_space ? gs.word_space : 0)) * gs.scale;
            if (std::isfinite(advance)) {
                x += advance;
            }
        });
        if (!any) {
            return;
        }
        tm = Matrix::translate(x, 0) * tm;
        if (lo <= hi) {
            const Box glyphs =
                transform(Box{lo, gs.rise + f.descent() * gs.size, hi, gs.rise + f.ascent() * gs.size}, start);
            if (recording_ && visible) {
                mark(glyphs, gs);
            }
            if (clips) {
                text_clip_ = text_clip_
                                 ? Box{std::min(text_clip_->llx, glyphs.llx), std::min(text_clip_->lly, glyphs.lly),
                                       std::max(text_clip_->urx, glyphs.urx), std::max(text_clip_->ury, glyphs.ury)}
                                 : glyphs;
            }
        }
        if (clips) {
            text_clips_ = true;
        }
        const Matrix end = tm * gs.ctm;
        const double len = std::hypot(end.a, end.b);
        cursor_.have = true;
        cursor_.x = end.e;
        cursor_.y = end.f;
        cursor_.dir_x = len > 0 ? end.a / len : 1;
        cursor_.dir_y = len > 0 ? end.b / len : 0;
        cursor_.em = std::fabs(gs.size) * std::sqrt(std::fabs(end.a * end.d - end.b * end.c));
        cursor_.widths_known = f.widths_known();
    }

    // Decides the separator before a glyph (`next`) that starts at trm's origin.
    void separate(const Matrix& trm, bool widths_known, std::string_view next) {
        char sep = 0;
        if (pending_.newline) {
            sep = '\n';
        } else if (pending_.check && cursor_.have) {
            const double dx = trm.e - cursor_.x;
            const double dy = trm.f - cursor_.y;
            const double along = dx * cursor_.dir_x + dy * cursor_.dir_y;
            const double across = -dx * cursor_.dir_y + dy * cursor_.dir_x;
            const double em = cursor_.em > 0 ? cursor_.em : 1;
            if (!std::isfinite(along) || !std::isfinite(across) || std::fabs(across) > 0.5 * em) {
                sep = '\n';
            } else if (!widths_known || !cursor_.widths_known) {
                sep = pending_.boundary ? '\n' : 0;
            } else if (along > 0.15 * em || along < -0.5 * em) {
                sep = ' ';
            }
        }
        if (sep == 0 && pending_.space) {
            sep = ' ';
        }
        if (sep == ' ' && next.starts_with(' ')) {
            sep = 0;  // the text brings its own space
        }
        pending_ = {};
        if (sep == 0 || text_->empty()) {
            return;
        }
        if (sep == '\n') {
            while (!text_->empty() && text_->back() == ' ') {
                text_->pop_back();
            }
            if (!text_->empty() && text_->back() != '\n') {
                append("\n");
            }
        } else if (text_->back() != ' ' && text_->back() != '\n') {
            append(" ");
        }
    }

    void append(std::string_view s) {
        total_ += s.size();
        if (total_ > limits_.max_text_bytes) {
            throw Stop{"text limit of " + mib(limits_.max_text_bytes) + " reached on page " +
                       std::to_string(out_.pages.size())};
        }
        text_->append(s);
    }

    Objects o_;
    const TextLimits& limits_;
    TextExtraction& out_;
    std::string* text_ = nullptr;
    Box page_box_;
    int page_rotate_ = 0;
    bool recording_ = false;
    std::optional<Box> path_;       // the current path's box, default user space
    std::optional<Box> text_clip_;  // glyphs shown with Tr 4-7 since BT
    bool text_clips_ = false;       // text shown in a clip mode (ET then clips: to nothing if no glyph had a box)
    const PdfObject* resources_ = nullptr;      // of the stream being run
    static constexpr Box kNothing{1, 1, 0, 0};  // a clip that lets nothing through
    bool clip_pending_ = false;                 // W or W*: the path ends as a clip too
    Cursor cursor_;
    Pending pending_;
    std::string capped_;
    std::size_t total_ = 0;
    std::size_t work_ = 0;
    std::vector<const PdfObject*> forms_;
    std::unordered_map<const PdfObject*, std::shared_ptr<const std::string>> form_cache_;
    std::size_t form_cache_bytes_ = 0;
    // A decoded font takes ~20 KB: at most this many per page (the cache is
    // emptied between pages once it holds more than a quarter of it).
    static constexpr std::size_t max_fonts = 4096;
    static constexpr std::size_t max_cmap_bytes = std::size_t{16} << 20;  // per document
    std::unordered_map<const PdfObject*, std::unique_ptr<Font>> fonts_;
    CMaps cmaps_;
    Font fallback_font_;
};

void extract(std::string_view pdf, const TextLimits& limits, TextExtraction& out) {
    if (const std::string risk = raw::encryption_crash_risk(pdf); !risk.empty()) {
        out.error = "InvalidEncryptionDict: " + risk;  // PoDoFo would crash on it
        return;
    }
    PdfVecObjects objects;        // must outlive the parser and everything read through it
    objects.SetAutoDelete(true);  // PoDoFo 0.9.8 defaults to false: every parsed object leaked
    PoDoFo::PdfParser parser(&objects);
    parser.SetStrictParsing(false);
    const PoDoFo::PdfRefCountedInputDevice device(new podofo::MemoryDevice(pdf.data(), pdf.size()));
    try {
        parser.ParseFile(device, true);
    } catch (const PdfError& e) {
        if ((parser.GetEncrypted() || raw::trailer_mentions_encrypt(pdf)) &&
            podofo::is_encryption_error(e.GetError())) {
            out.needs_password = true;
            out.error = "encrypted: needs a password";
        } else {
            out.error = podofo::error_name(e);
        }
        return;
    }
    const Objects access(objects, pdf, parser.GetEncrypted());
    Extractor extractor(access, limits, out);
    try {
        extractor.run(parser.GetTrailer());
    } catch (const Stop& stop) {
        out.truncated = true;
        out.truncated_why = stop.why;
    } catch (const PdfError& e) {
        out.truncated = true;  // outside any page: the page tree itself
        out.truncated_why = "page tree: " + podofo::error_name(e);
    }
}

}  // namespace

TextExtraction extract_text(const std::filesystem::path& file, const TextLimits& limits) {
    TextExtraction out;
    try {
        detail::initialise();
        const raw::MappedFile map(file);
        if (!map.ok()) {
            out.error = map.error();
            return out;
        }
        const std::string_view bytes = map.bytes();
        const auto header = raw::find_header(bytes);
        if (!header) {
            out.error = "no %PDF- header";
            return out;
        }
        const std::string_view pdf = bytes.substr(*header);
        const auto eof = raw::find_last_eof_end(pdf);
        if (!eof) {
            out.error = "NoEOFToken";
            return out;
        }
        extract(pdf.substr(0, *eof), limits, out);
    } catch (const PdfError& e) {
        out.truncated = true;
        out.truncated_why = podofo::error_name(e);
    } catch (const std::bad_alloc&) {
        out.truncated = true;
        out.truncated_why = "out of memory";
    } catch (const std::exception& e) {
        out.truncated = true;
        out.truncated_why = e.what();
    }
    return out;
}

}  // namespace preflight::pdf
