// Where a page's visible content is drawn (DP307, PageText::content): the box
// around every glyph (advance x descent..ascent), image (unit square), shading
// (the clip) and painted path (stroke widened by half the line width), each
// clipped to the page box, to clipping paths and to form /BBoxes (taken as their
// bounding boxes), in the page's displayed coordinates. Not counted: white fills
// and strokes (paper colour), invisible text (Tr 3, 7), annotation appearances.
//
// The content pass (pdf/content.cpp) runs the content streams and tells this
// class what is drawn; text extraction (TextWriter, pdf/text.cpp) is told about the
// same glyphs, separately. Internal to pdf/.
#pragma once

#include "pdf/content_state.hpp"
#include "pdf/objects.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace preflight::pdf::content {

class ContentBoxes {
public:
    explicit ContentBoxes(const Objects& objects) : o_(objects) {}

    // A new page, with the MediaBox, CropBox and /Rotate it inherits (values as
    // found); its content box goes to `out`. False, and nothing is measured on it,
    // when there is no usable MediaBox.
    bool begin_page(const PdfObject* media, const PdfObject* crop, const PdfObject* rotate, std::optional<Box>& out);
    // The page's effective box: CropBox clipped to the MediaBox (where content
    // can show before any clip), default user space.
    [[nodiscard]] const Box& page_box() const { return page_box_; }
    // What is drawn from here on is not measured (annotation appearances are
    // placed by their /Rect, not where their streams draw).
    void stop() { recording_ = false; }

    // Path construction, painting and clipping, colours, line width, text
    // rendering mode and shadings (`resources`: where `cs` finds colour spaces).
    void draw(std::string_view op, const std::vector<Operand>& ops, const PdfObject* resources, PaintState& gs);
    // An image (XObject or inline): the unit square.
    void image(const PaintState& gs) { mark(transform(Box{0, 0, 1, 1}, gs.ctm), gs); }

    // BT and ET: glyphs shown in a clipping mode (Tr 4-7) between them clip what
    // follows ET.
    void begin_text();
    void end_text(PaintState& gs);
    // Whether the box of glyphs shown in `gs` is wanted by text().
    [[nodiscard]] bool measures_text(const PaintState& gs) const;
    // Glyphs were shown in `gs`; `glyphs` is their box in default user space when
    // any of them had one.
    void text(const std::optional<Box>& glyphs, const PaintState& gs);

private:
    [[nodiscard]] static bool visible_text(const PaintState& gs);
    [[nodiscard]] static bool clipping_text(const PaintState& gs) { return gs.render >= 4 && gs.render <= 7; }
    static bool white(const std::vector<Operand>& ops, std::string_view op, Ink ink);
    [[nodiscard]] Ink ink(const std::vector<Operand>& ops, const PdfObject* resources) const;
    void add_path_point(const Matrix& ctm, double x, double y);
    void paint(PaintState& gs, bool fill, bool stroke);
    void mark(const Box& b, const PaintState& gs);

    const Objects& o_;
    std::optional<Box>* out_ = nullptr;
    Box page_box_;
    int page_rotate_ = 0;
    bool recording_ = false;
    std::optional<Box> path_;       // the current path's box, default user space
    bool clip_pending_ = false;     // W or W*: the path ends as a clip too
    std::optional<Box> text_clip_;  // glyphs shown with Tr 4-7 since BT
    bool text_clips_ = false;       // text shown in a clip mode (ET then clips: to nothing if no glyph had a box)
};

}  // namespace preflight::pdf::content
