// See pdf/fonts.hpp.
#include "pdf/fonts.hpp"

#include "base/text.hpp"
#include "pdf/detail.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace preflight::pdf::content {
namespace {

using PoDoFo::PdfArray;
using PoDoFo::PdfError;

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

using detail::is_standard14;

// Advance width (in em) of a Unicode character in a standard-14 font, from
// PoDoFo's built-in metrics; nullopt if PoDoFo has none for it. The fonts are
// made once per process in a scratch object list and never freed. PoDoFo looks
// a character up by a linear search of the font's ~300 glyphs: each answer is
// kept (detail::warm_standard14() fills the table in the fork server's helper,
// for every child it forks).
std::optional<double> standard14_width(const std::string& font, char32_t c) {
    struct Font14 {
        PoDoFo::PdfFont* font = nullptr;
        std::unordered_map<char32_t, double> widths;  // 0: PoDoFo has none
    };
    struct Base14 {
        PdfVecObjects scratch;
        std::map<std::string, Font14, std::less<>> fonts;
    };
    static std::mutex mutex;
    static auto* const base14 = new Base14;  // never destroyed: the sandbox child _exits
    if (!is_standard14(font) || c > 0xFFFF) {
        return std::nullopt;
    }
    const std::lock_guard lock(mutex);
    Font14& f = base14->fonts[font];
    if (const auto known = f.widths.find(c); known != f.widths.end()) {
        return known->second > 0 ? std::optional<double>(known->second) : std::nullopt;
    }
    if (f.font == nullptr) {
        f.font = PoDoFo::PdfFontFactory::CreateBase14Font(font.c_str(), PoDoFo::ePdfFont_Normal,
                                                          PoDoFo::PdfEncodingFactory::GlobalWinAnsiEncodingInstance(),
                                                          &base14->scratch);
        if (f.font == nullptr) {
            return std::nullopt;
        }
    }
    const PoDoFo::PdfFontMetrics* m = f.font->GetFontMetrics();
    const double size = m->GetFontSize();
    const double w = m->UnicodeCharWidth(static_cast<unsigned short>(c));
    const double em = size > 0 && w > 0 ? w / size : 0;
    if (f.widths.size() < 1024) {  // what a letter's text reaches; not a hostile file's every code point
        f.widths.emplace(c, em);
    }
    return em > 0 ? std::optional<double>(em) : std::nullopt;
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

}  // namespace

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

std::shared_ptr<const CMap> CMaps::get(const PdfObject* stream) {
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

Font::Font() {
    // No usable font (Tf names nothing, or the dictionary is broken): bytes are
    // read as WinAnsi, widths unknown.
    init_simple_table(PoDoFo::PdfEncodingFactory::GlobalWinAnsiEncodingInstance());
    simple_width_.fill(0.5);
    finish_simple();
}

Font::Font(const Objects& o, const PdfObject* dict, CMaps& cmaps) {
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

void Font::init_simple_table(const PoDoFo::PdfEncoding* base) {
    for (int i = 0; i < 256; ++i) {
        char32_t c = 0;
        try {
            c = base != nullptr ? from_podofo_be(base->GetCharCode(i)) : 0;
        } catch (const PdfError&) {
            c = 0;
        }
        unicode_[static_cast<std::size_t>(i)] = c == 0 ? std::u16string() : std::u16string(1, static_cast<char16_t>(c));
    }
}

void Font::init_simple(const Objects& o, const PdfObject* dict, const std::string& subtype,
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

void Font::finish_simple() {
    for (std::size_t c = 0; c < 256; ++c) {
        simple_text_[c] = unicode_[c].empty() ? std::string(replacement_utf8) : utf16_to_utf8(unicode_[c]);
        simple_blank_[c] = c == 32 || simple_text_[c] == " ";
    }
}

void Font::init_composite(const Objects& o, const PdfObject* dict, CMaps& cmaps) {
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

const std::string& Font::composite_text(std::uint32_t code, std::size_t len) const {
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

double Font::cid_width(std::uint32_t cid) const {
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

void Font::vertical_metrics(const Objects& o, const PdfObject* dict) {
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

Glyph Font::composite_glyph(std::string_view bytes, std::size_t& pos) const {
    std::size_t len = encoding_ ? encoding_->code_length(bytes, pos, 2) : 2;
    len = std::min(len, bytes.size() - pos);
    const std::uint32_t code = code_value(bytes.substr(pos, len));
    pos += len;
    const std::string& text = composite_text(code, len);
    std::uint32_t cid = code;
    if (encoding_) {
        cid = encoding_->cid(code, len).value_or(code);
    }
    return Glyph{text, cid_width(cid), len == 1 && code == 32};
}

}  // namespace preflight::pdf::content

namespace preflight::pdf::detail {

void warm_standard14() {
    static constexpr std::array<std::string_view, 14> names = {
        "Times-Roman", "Times-Bold",     "Times-Italic",      "Times-BoldItalic",
        "Helvetica",   "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique",
        "Courier",     "Courier-Bold",   "Courier-Oblique",   "Courier-BoldOblique",
        "Symbol",      "ZapfDingbats"};
    // What WinAnsiEncoding and Latin letters reach: printable ASCII, Latin-1 and
    // Latin Extended-A, and WinAnsi's punctuation above them.
    static constexpr std::array<char32_t, 27> winansi_extra = {
        0x0192, 0x02C6, 0x02DC, 0x2013, 0x2014, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E, 0x2020, 0x2021, 0x2022,
        0x2026, 0x2030, 0x2039, 0x203A, 0x20AC, 0x2122, 0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017D, 0x017E};
    for (const std::string_view name : names) {
        const std::string font(name);
        for (char32_t c = 0x20; c < 0x180; ++c) {
            (void)content::standard14_width(font, c);
        }
        for (const char32_t c : winansi_extra) {
            (void)content::standard14_width(font, c);
        }
    }
}

}  // namespace preflight::pdf::detail
