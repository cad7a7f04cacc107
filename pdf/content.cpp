// See pdf/content.hpp.
#include "pdf/content.hpp"

#include "base/error.hpp"
#include "pdf/content_box.hpp"
#include "pdf/content_lexer.hpp"
#include "pdf/content_state.hpp"
#include "pdf/fonts.hpp"
#include "pdf/page_tree.hpp"
#include "pdf/podofo_io.hpp"
#include "pdf/podofo_source.hpp"
#include "pdf/text_writer.hpp"

#include <podofo/podofo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace preflight::pdf::content {
namespace {

using PoDoFo::PdfError;

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

// Runs the content streams of every page (and of the form XObjects and the
// annotation appearances they show) and tells the text writer and the content
// boxes what is drawn.
class ContentReader {
public:
    ContentReader(const Objects& objects, const TextLimits& limits, TextExtraction& out)
        : o_(objects),
          limits_(limits),
          out_(out),
          writer_(limits.max_text_bytes),
          boxes_(o_),
          cmaps_(o_, limits.max_stream_bytes, max_cmap_bytes) {}

    void read(const PdfObject* trailer) {
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
    // What the content tells of text, beyond what decides where content shows.
    struct GState : PaintState {
        const Font* font = nullptr;
        double size = 0, char_space = 0, word_space = 0, scale = 1, leading = 0, rise = 0;
    };

    // --- one page ---

    // The budget ran out: the pages read so far stay, this one is cut short.
    [[noreturn]] void out_of_time(std::size_t page) const {
        throw Stop{phrase("pdf.budget-content", {{"milliseconds", std::to_string(limits_.deadline.budget().count())},
                                                 {"page", std::to_string(page)}})};
    }

    void page(const PdfObject* page_dict, const Inherited& in) {
        if (limits_.deadline.expired()) {
            out_of_time(out_.pages.size() + 1);
        }
        const PdfObject* resources = o_.resolve(in.resources);
        if (resources != nullptr && !resources->IsDictionary()) {
            resources = nullptr;
        }
        out_.pages.push_back(PageText{static_cast<int>(out_.pages.size()) + 1, {}, {}, {}});
        PageText& page = out_.pages.back();
        writer_.begin_page(page.text, page.page);
        if (!boxes_.begin_page(in.media, in.crop, in.rotate, page.content)) {
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
            start.clip = boxes_.page_box();
            run(content, resources, start, 0);
            boxes_.stop();  // annotation appearances are placed by /Rect: not measured
            annotations(page_dict, resources);
        } catch (const PdfError& e) {
            note("content: " + podofo::error_name(e));
        }
        if (limits_.deadline.ran_out()) {
            // Cut short by the budget inside PoDoFo (a stream being inflated): this
            // page is not measured, whatever was drawn before the cut.
            page.content.reset();
            out_of_time(static_cast<std::size_t>(page.page));
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
        if (limits_.deadline.ran_out()) {
            return;  // the budget's error, not the page's: the pass stops and says so
        }
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
                    writer_.new_line();
                    form(normal, GState{}, resources, 1);
                    writer_.new_line();
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
        std::vector<std::string> texts;
        for (const PdfObject* s : strings) {
            std::string text = s->GetString().GetStringUtf8();  // PDFDocEncoding or UTF-16BE
            std::replace(text.begin(), text.end(), '\r', '\n');
            texts.push_back(std::move(text));
        }
        writer_.lines(texts);
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
        Matrix tm;
        Matrix tlm;
        std::vector<Operand> operands;
        operands.reserve(16);
        ContentLexer lexer(content);
        Operand value;
        std::string_view keyword;
        for (;;) {
            const ContentLexer::Token token = lexer.next(value, keyword);
            if (token == ContentLexer::Token::end) {
                break;
            }
            if (limits_.deadline.expired_every(64)) {
                out_of_time(out_.pages.size());
            }
            if (token == ContentLexer::Token::operand) {
                if (operands.size() >= 64) {
                    // No operator takes more than 6 operands: keep the last few.
                    operands.erase(operands.begin(), operands.end() - 8);
                }
                operands.push_back(value);
                continue;
            }
            if (token == ContentLexer::Token::image) {
                boxes_.image(gs);  // an inline image fills the unit square
                operands.clear();
                continue;
            }
            execute(keyword, operands, resources, depth, stack, gs, tm, tlm);
            operands.clear();
        }
        // Where PoDoFo's tokenizer threw: the page (or form) ends here, noted as before.
        switch (lexer.error()) {
            case ContentLexer::Error::none:
                break;
            case ContentLexer::Error::eof:
                throw PdfError(PoDoFo::ePdfError_UnexpectedEOF, __FILE__, __LINE__);
            case ContentLexer::Error::syntax:
                throw PdfError(PoDoFo::ePdfError_InvalidDataType, __FILE__, __LINE__);
            case ContentLexer::Error::depth:
                throw PdfError(PoDoFo::ePdfError_ValueOutOfRange, __FILE__, __LINE__);
        }
    }

    // The bytes of a string operand (the last one) into bytes_; false if it is no string.
    bool string_operand(const std::vector<Operand>& ops) {
        if (ops.empty() || !ops.back().is_string()) {
            return false;
        }
        decode_string(ops.back(), bytes_);
        return true;
    }

    void execute(std::string_view op, const std::vector<Operand>& ops, const PdfObject* resources, int depth,
                 std::vector<GState>& stack, GState& gs, Matrix& tm, Matrix& tlm) {
        const std::uint32_t k = op_key(op);
        auto td = [&](double tx, double ty) {
            tlm = Matrix::translate(tx, ty) * tlm;
            tm = tlm;
            writer_.moved();
        };
        auto next_line = [&] {
            td(0, -gs.leading);
            writer_.new_line();
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
            boxes_.begin_text();
            writer_.boundary();
        } else if (k == op_key("ET")) {
            boxes_.end_text(gs);
            writer_.boundary();
        } else if (k == op_key("Tf")) {
            if (ops.size() >= 2 && ops[ops.size() - 2].is_name()) {
                gs.font = font(resources, PdfName(decode_name(ops[ops.size() - 2].text)));
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
            writer_.moved();
        } else if (k == op_key("T*")) {
            next_line();
        } else if (k == op_key("Tj")) {
            if (string_operand(ops)) {
                show(bytes_, gs, tm);
            }
        } else if (k == op_key("'")) {
            next_line();
            if (string_operand(ops)) {
                show(bytes_, gs, tm);
            }
        } else if (k == op_key("\"")) {
            gs.word_space = num(ops, 3).value_or(gs.word_space);
            gs.char_space = num(ops, 2).value_or(gs.char_space);
            next_line();
            if (string_operand(ops)) {
                show(bytes_, gs, tm);
            }
        } else if (k == op_key("TJ")) {
            if (!ops.empty() && ops.back().is_array()) {
                for_each_element(ops.back(), [&](const Operand& e) {
                    if (e.is_string()) {
                        decode_string(e, bytes_);
                        show(bytes_, gs, tm);
                    } else if (e.is_number()) {
                        const double n = e.number;
                        if (std::isfinite(n)) {
                            tm = Matrix::translate(-n / 1000 * gs.size * gs.scale, 0) * tm;
                            if (n < -200) {
                                writer_.gap();
                            }
                        }
                    }
                });
            }
        } else if (k == op_key("Do")) {
            if (!ops.empty() && ops.back().is_name()) {
                const PdfObject* xobjects = o_.get_dict(resources, key("XObject"));
                const PdfObject* x = o_.get(xobjects, PdfName(decode_name(ops.back().text)));
                // The subtype first: HasStream() makes PoDoFo read the stream, and
                // an image's data (megabytes) is never needed here.
                const std::string subtype = x != nullptr && x->IsDictionary() ? o_.get_name(x, key("Subtype")) : "";
                if (subtype == "Form" && x->HasStream()) {
                    writer_.boundary();
                    form(x, gs, resources, depth + 1);
                    writer_.boundary();
                } else if (subtype == "Image") {
                    boxes_.image(gs);
                }
            }
        } else {
            boxes_.draw(op, ops, resources, gs);
        }
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
        const bool measure = boxes_.measures_text(gs);
        const Matrix start = tm * gs.ctm;
        double x = 0;  // text space, from the string's start
        double lo = std::numeric_limits<double>::infinity();
        double hi = -lo;
        bool any = false;
        if (Font::Run run; !limits_.collect_text && !bytes.empty() &&
                           f.measure_simple(bytes, gs.size, gs.char_space, gs.word_space, gs.scale, run)) {
            // Only where it is drawn is wanted: the whole string at once.
            any = true;
            x = run.advance;
            if (measure) {
                lo = run.lo;
                hi = run.hi;
            }
        } else {
            f.decode(bytes, [&](const Glyph& g) {
                any = true;
                if (measure && !g.word_space && !(g.text.size() == 1 && g.text[0] == ' ')) {
                    // Its advance (half an em when the font gives none).
                    const double w = (g.width > 0 && f.widths_known() ? g.width : 0.5) * gs.size * gs.scale;
                    lo = std::min(lo, x + std::min(0.0, w));
                    hi = std::max(hi, x + std::max(0.0, w));
                }
                if (limits_.collect_text) {
                    writer_.glyph(Matrix::translate(x, 0) * start, f.widths_known(), g.text);
                }
                const double advance =
                    (g.width * gs.size + gs.char_space + (g.word_space ? gs.word_space : 0)) * gs.scale;
                if (std::isfinite(advance)) {
                    x += advance;
                }
            });
        }
        if (!any) {
            return;
        }
        tm = Matrix::translate(x, 0) * tm;
        std::optional<Box> glyphs;
        if (lo <= hi) {
            glyphs = transform(Box{lo, gs.rise + f.descent() * gs.size, hi, gs.rise + f.ascent() * gs.size}, start);
        }
        boxes_.text(glyphs, gs);
        writer_.shown(tm * gs.ctm, gs.size, f.widths_known());
    }

    Objects o_;
    const TextLimits& limits_;
    TextExtraction& out_;
    TextWriter writer_;
    ContentBoxes boxes_;
    std::string capped_;
    std::size_t work_ = 0;
    std::string bytes_;  // the decoded string operand being shown
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

}  // namespace

void read_pages(const Objects& objects, const PdfObject* trailer, const TextLimits& limits, TextExtraction& out) {
    ContentReader(objects, limits, out).read(trailer);
}

}  // namespace preflight::pdf::content
