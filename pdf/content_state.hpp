// What the parts of the content pass share (pdf/content.cpp runs the content
// streams, TextWriter (pdf/text.cpp) makes text of the glyphs, pdf/content_box.cpp
// measures where content is drawn): matrices and boxes, the part of the graphics
// state that decides whether and where something shows, and operators with their
// numeric operands. Internal to pdf/.
#pragma once

#include "pdf/content_lexer.hpp"
#include "pdf/pdf_info.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace preflight::pdf::content {

// [a b c d e f]; a point is a row vector: p' = p × M.
struct Matrix {
    double a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;
    [[nodiscard]] Matrix operator*(const Matrix& m) const {
        return {a * m.a + b * m.c, a * m.b + b * m.d,       c * m.a + d * m.c,
                c * m.b + d * m.d, e * m.a + f * m.c + m.e, e * m.b + f * m.d + m.f};
    }
    static Matrix translate(double x, double y) { return {1, 0, 0, 1, x, y}; }
};

inline bool finite(const Matrix& m) {
    return std::isfinite(m.a) && std::isfinite(m.b) && std::isfinite(m.c) && std::isfinite(m.d) && std::isfinite(m.e) &&
           std::isfinite(m.f);
}

// The box around `b` (in the space `m` maps from) in the space it maps to.
inline Box transform(const Box& b, const Matrix& m) {
    Box out{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
            -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
    for (const auto& [x, y] : {std::pair{b.llx, b.lly}, {b.urx, b.lly}, {b.llx, b.ury}, {b.urx, b.ury}}) {
        const double dx = x * m.a + y * m.c + m.e;
        const double dy = x * m.b + y * m.d + m.f;
        out = Box{std::min(out.llx, dx), std::min(out.lly, dy), std::max(out.urx, dx), std::max(out.ury, dy)};
    }
    return out;
}

inline Box intersect(const Box& a, const Box& b) {
    return Box{std::max(a.llx, b.llx), std::max(a.lly, b.lly), std::min(a.urx, b.urx), std::min(a.ury, b.ury)};
}

inline constexpr Box kNothing{1, 1, 0, 0};  // a clip that lets nothing through

// How colour values of the current colour space relate to paper white:
// process (DeviceGray/RGB/CMYK and ICC-based or calibrated equivalents: 1, 1 1 1
// or 0 0 0 0 is white), tint (Separation, DeviceN: all tints 0 is no ink) or
// other (Indexed, Pattern, Lab: never taken as white).
enum class Ink : std::uint8_t { process, tint, other };

// The graphics state that decides whether and where content shows.
struct PaintState {
    Matrix ctm;
    // Where content can show (default user space; the page box, narrowed by
    // clipping paths and form /BBoxes, each taken as its bounding box).
    Box clip;
    double line_width = 1;
    int render = 0;                                          // text rendering mode (Tr): 3 and 7 draw nothing, 4-7 clip
    bool fill_white = false, stroke_white = false;           // white on paper is not content
    Ink fill_ink = Ink::process, stroke_ink = Ink::process;  // what the colour space's values mean
};

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

// The operand `from_end` places before the operator (1: the last), if a number.
inline std::optional<double> num(const std::vector<Operand>& ops, std::size_t from_end) {
    if (ops.size() < from_end) {
        return std::nullopt;
    }
    const Operand& v = ops[ops.size() - from_end];
    if (v.is_number()) {
        return v.number;
    }
    return std::nullopt;
}

}  // namespace preflight::pdf::content
