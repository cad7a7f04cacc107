// The text of the glyphs the content pass shows (pdf/content.cpp), with the
// separators between them decided by where each glyph starts. Internal to pdf/.
//
// Positions are tracked in user space (CTM, text matrix, glyph widths from
// /Widths, /W and /DW, or the standard-14 metrics). A TJ adjustment below -200
// thousandths gives a space; T*, ' and " a newline. After Td, TD, Tm, BT, ET and a
// form XObject the next text decides by where it starts: more than half an em off
// the previous baseline gives a newline; on the same baseline a gap of more than
// 0.15 em (or a jump back of more than half an em) gives a space, and otherwise
// nothing, so glyph-by-glyph positioned text stays one word. When the font's
// widths are unknown (no /Widths, not standard 14) a BT/ET boundary gives a
// newline and a move on the same baseline gives nothing.
#pragma once

#include "pdf/content_state.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace preflight::pdf::content {

class TextWriter {
public:
    // Throws Stop once all pages' text together would pass `max_bytes`.
    explicit TextWriter(std::size_t max_bytes) : max_bytes_(max_bytes) {}

    // A new page (1-based `number`): its text goes to `out`.
    void begin_page(std::string& out, int number);

    // What the content stream says of where the next glyph goes.
    void moved() { pending_.check = true; }                         // Td, TD, Tm
    void new_line() { pending_.newline = true; }                    // T*, ', "; around an annotation
    void boundary() { pending_.check = pending_.boundary = true; }  // BT, ET, around a form XObject
    void gap() { pending_.space = true; }                           // a TJ adjustment below -200

    // A glyph whose origin is trm's (text space to user space), with its text.
    void glyph(const Matrix& trm, bool widths_known, std::string_view text) {
        separate(trm, widths_known, text);
        append(text);
    }
    // A string was shown: `end` (text matrix x CTM) is where it ended, `size` its
    // font size; the next glyph's separator is decided from there.
    void shown(const Matrix& end, double size, bool widths_known);
    // Text on lines of its own (a form field's value); the next text starts a line.
    void lines(const std::vector<std::string>& texts);

private:
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

    void separate(const Matrix& trm, bool widths_known, std::string_view next);
    void append(std::string_view s);

    std::size_t max_bytes_;
    std::size_t total_ = 0;
    std::string* text_ = nullptr;
    int page_ = 0;
    Cursor cursor_;
    Pending pending_;
};

}  // namespace preflight::pdf::content
