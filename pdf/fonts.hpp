// Fonts as the content pass decodes them: a string's bytes to glyphs, each with
// its text (UTF-8) and advance. Internal to pdf/ (pdf/content.cpp uses it).
//
// What PoDoFo 0.9.8 does here and what we do ourselves (from probes on the
// fixtures and from PoDoFo's source; docs/design.md has the summary):
// - PoDoFo: loading (PdfParser over pdf/podofo_io.hpp's MemoryDevice, decryption),
//   objects, stream filters (PdfStream::GetFilteredCopy into a capped
//   PdfOutputStream), the named simple encodings (WinAnsi, MacRoman, Standard,
//   MacExpert, Symbol, ZapfDingbats), the glyph-name list
//   (PdfDifferenceEncoding::NameToUnicodeID) and the standard-14 widths
//   (PdfFontMetrics::UnicodeCharWidth of PdfFontFactory::CreateBase14Font).
// - Ourselves: the content-stream tokenizer (pdf/content_lexer.hpp), /ToUnicode
//   CMaps and embedded encoding CMaps, and the choice of encoding per font.
//   PoDoFo's PdfEncoding::ParseToUnicode keeps one UTF-16 unit
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
// Not supported (the text is then missing or U+FFFD, never an error): Type0 fonts
// with predefined CJK CMaps and no /ToUnicode, fonts whose only Unicode
// information is inside the embedded font program (symbolic TrueType with
// custom cmaps, Type1 built-in encodings, glyph names such as "g17" in
// /Differences), vertical writing (advances are taken as horizontal), /ActualText,
// text in patterns, Type3 glyph procedures and annotation appearances other than
// the normal (/N) one; strings that start with the bytes FF FE (PoDoFo swaps their
// bytes and drops the two, unrecoverably).
#pragma once

#include "pdf/objects.hpp"

#include <podofo/podofo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace preflight::pdf::content {

class CMap;  // pdf/fonts.cpp

// Parsed CMaps by stream object: fonts often share one ToUnicode. At most
// `budget` bytes of CMap data are parsed per document (a hostile file could
// otherwise make every font parse a large CMap); past it a CMap is empty.
class CMaps {
public:
    CMaps(const Objects& o, std::size_t stream_cap, std::size_t budget)
        : o_(o), stream_cap_(stream_cap), budget_(budget) {}

    // The parsed CMap of `stream`.
    std::shared_ptr<const CMap> get(const PdfObject* stream);

private:
    const Objects& o_;
    std::size_t stream_cap_;
    std::size_t budget_;
    std::size_t used_ = 0;
    std::unordered_map<const PdfObject*, std::shared_ptr<const CMap>> cache_;
};

// One glyph of a decoded string.
struct Glyph {
    std::string_view text;    // UTF-8
    double width = 0;         // advance in text space units per unit of font size
    bool word_space = false;  // the single-byte code 32 (Tw applies)
};

class Font {
public:
    Font();

    Font(const Objects& o, const PdfObject* dict, CMaps& cmaps);

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
            f(composite_glyph(bytes, pos));
        }
    }

    // Where a simple font's string reaches, measured in one tight loop (no text, no
    // callback per glyph): what show() sums glyph by glyph when only the content
    // boxes are wanted. In text space from the string's start: `advance` is where
    // the next string starts; [lo, hi] spans the glyphs other than spaces (lo > hi:
    // none). False for a composite font (use decode()).
    struct Run {
        double advance = 0;
        double lo = std::numeric_limits<double>::infinity();
        double hi = -std::numeric_limits<double>::infinity();
    };
    [[nodiscard]] bool measure_simple(std::string_view bytes, double size, double char_space, double word_space,
                                      double scale, Run& run) const {
        if (composite_) {
            return false;
        }
        double x = 0;
        double lo = run.lo;
        double hi = run.hi;
        for (const char ch : bytes) {
            const auto c = static_cast<unsigned char>(ch);
            const double width = simple_width_[c];
            if (!simple_blank_[c]) {
                const double w = (width > 0 && widths_known_ ? width : 0.5) * size * scale;
                lo = std::min(lo, x + std::min(0.0, w));
                hi = std::max(hi, x + std::max(0.0, w));
            }
            const double advance = (width * size + char_space + (c == 32 ? word_space : 0)) * scale;
            if (std::isfinite(advance)) {
                x += advance;
            }
        }
        run.advance = x;
        run.lo = lo;
        run.hi = hi;
        return true;
    }

private:
    // The glyph of the code at `pos` of a composite font's string; `pos` moves past it.
    [[nodiscard]] Glyph composite_glyph(std::string_view bytes, std::size_t& pos) const;
    void init_simple_table(const PoDoFo::PdfEncoding* base);

    void init_simple(const Objects& o, const PdfObject* dict, const std::string& subtype, const std::string& base_font);

    void finish_simple();

    void init_composite(const Objects& o, const PdfObject* dict, CMaps& cmaps);

    const std::string& composite_text(std::uint32_t code, std::size_t len) const;

    [[nodiscard]] double cid_width(std::uint32_t cid) const;

    struct WidthRange {
        std::uint32_t first, last;
        double width;
    };

    void vertical_metrics(const Objects& o, const PdfObject* dict);

    bool composite_ = false;
    bool widths_known_ = false;
    double ascent_ = 0.8;
    double descent_ = -0.2;
    std::shared_ptr<const CMap> to_unicode_;
    // simple fonts
    std::array<std::u16string, 256> unicode_;
    std::array<std::string, 256> simple_text_;
    std::array<double, 256> simple_width_{};
    std::array<bool, 256> simple_blank_{};  // code 32, or a code whose text is a space
    // composite fonts
    std::shared_ptr<const CMap> encoding_;  // nullptr: 2-byte codes, CID = code
    bool code_is_utf16_ = false;
    double default_width_ = 1.0;
    std::unordered_map<std::uint32_t, double> cid_widths_;
    std::vector<WidthRange> cid_ranges_;
    mutable std::unordered_map<std::uint64_t, std::string> text_cache_;
};

}  // namespace preflight::pdf::content
