// See pdf/content_box.hpp.
#include "pdf/content_box.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

namespace preflight::pdf::content {

bool ContentBoxes::begin_page(const PdfObject* media_value, const PdfObject* crop_value, const PdfObject* rotate_value,
                              std::optional<Box>& out) {
    out_ = &out;
    path_.reset();
    clip_pending_ = false;
    recording_ = false;
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
    const std::optional<Box> media = box(o_.resolve(media_value));
    if (!media || media->width() <= 0 || media->height() <= 0) {
        return false;
    }
    page_box_ = *media;
    if (const std::optional<Box> crop = box(o_.resolve(crop_value))) {
        const Box clipped = intersect(*crop, *media);
        if (clipped.width() > 0 && clipped.height() > 0) {
            page_box_ = clipped;
        }
    }
    page_rotate_ = 0;
    if (const std::optional<double> r = Objects::number(o_.resolve(rotate_value));
        r && std::isfinite(*r) && std::fabs(*r) < 1e15 && *r == std::floor(*r)) {
        auto n = static_cast<long long>(*r);
        if (n % 90 == 0) {
            n %= 360;
            page_rotate_ = static_cast<int>(n < 0 ? n + 360 : n);
        }
    }
    recording_ = true;
    return true;
}

void ContentBoxes::draw(std::string_view op, const std::vector<Operand>& ops, const PdfObject* resources,
                        PaintState& gs) {
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
        // 0-7; anything else (a huge or broken number) reads as 0, filled: drawn.
        const double mode = num(ops, 1).value_or(0);
        gs.render = std::isfinite(mode) && mode >= 0 && mode <= 7 ? static_cast<int>(mode) : 0;
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
        gs.fill_ink = ink(ops, resources);
        gs.fill_white = false;  // a new colour space starts black (or at full tint)
    } else if (k == op_key("CS")) {
        gs.stroke_ink = ink(ops, resources);
        gs.stroke_white = false;
    } else if (k == op_key("sh")) {
        mark(gs.clip, gs);  // a shading fills the clipping region
    }
}

bool ContentBoxes::white(const std::vector<Operand>& ops, std::string_view op, Ink ink) {
    std::size_t n = 0;     // the numbers among the operands
    bool no_ink = true;    // all of them <= 0.001
    bool full_ink = true;  // all of them >= 0.999
    for (const Operand& o : ops) {
        if (o.is_name()) {
            return false;  // a pattern
        }
        if (o.is_number()) {
            ++n;
            no_ink = no_ink && o.number <= 0.001;
            full_ink = full_ink && o.number >= 0.999;
        }
    }
    if (n == 0 || ink == Ink::other) {
        return false;
    }
    if (ink == Ink::tint) {
        return no_ink;
    }
    if (n == 2 || n > 4) {
        return false;
    }
    const bool cmyk = op == "k" || op == "K" || n == 4;
    return cmyk ? no_ink : full_ink;
}

Ink ContentBoxes::ink(const std::vector<Operand>& ops, const PdfObject* resources) const {
    if (ops.empty() || !ops.back().is_name()) {
        return Ink::other;
    }
    const std::string name = decode_name(ops.back().text);
    if (name == "DeviceGray" || name == "DeviceRGB" || name == "DeviceCMYK") {
        return Ink::process;
    }
    const PdfObject* space = o_.get(o_.get_dict(resources, key("ColorSpace")), PdfName(name));
    const PdfObject* family =
        space != nullptr && space->IsArray() && !space->GetArray().empty() ? o_.resolve(&space->GetArray()[0]) : space;
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

void ContentBoxes::add_path_point(const Matrix& ctm, double x, double y) {
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

void ContentBoxes::paint(PaintState& gs, bool fill, bool stroke) {
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

void ContentBoxes::mark(const Box& b, const PaintState& gs) {
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
    std::optional<Box>& content = *out_;
    if (!content) {
        content = d;
    } else {
        content = Box{std::min(content->llx, d.llx), std::min(content->lly, d.lly), std::max(content->urx, d.urx),
                      std::max(content->ury, d.ury)};
    }
}

void ContentBoxes::begin_text() {
    text_clip_.reset();
    text_clips_ = false;
}

void ContentBoxes::end_text(PaintState& gs) {
    if (text_clips_) {
        // Tr 4-7: the glyphs shown since BT clip what follows (their boxes).
        gs.clip = text_clip_ ? intersect(gs.clip, *text_clip_) : kNothing;
        text_clips_ = false;
    }
}

// Modes 0, 2, 4, 6 fill the glyphs, 1, 2, 5, 6 stroke them, 3 and 7 do neither;
// 4-7 also add them to the clip. White ink on paper shows nothing.
bool ContentBoxes::visible_text(const PaintState& gs) {
    const int mode = gs.render;
    const bool fills = mode == 0 || mode == 2 || mode == 4 || mode == 6;
    const bool strokes = mode == 1 || mode == 2 || mode == 5 || mode == 6;
    return (fills && !gs.fill_white) || (strokes && !gs.stroke_white);
}

bool ContentBoxes::measures_text(const PaintState& gs) const {
    return (recording_ && visible_text(gs)) || clipping_text(gs);
}

void ContentBoxes::text(const std::optional<Box>& glyphs, const PaintState& gs) {
    const bool clips = clipping_text(gs);
    if (glyphs) {
        if (recording_ && visible_text(gs)) {
            mark(*glyphs, gs);
        }
        if (clips) {
            text_clip_ = text_clip_
                             ? Box{std::min(text_clip_->llx, glyphs->llx), std::min(text_clip_->lly, glyphs->lly),
                                   std::max(text_clip_->urx, glyphs->urx), std::max(text_clip_->ury, glyphs->ury)}
                             : *glyphs;
        }
    }
    if (clips) {
        text_clips_ = true;
    }
}

}  // namespace preflight::pdf::content
