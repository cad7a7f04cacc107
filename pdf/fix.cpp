// `preflight fix`: see pdf/fix.hpp for what it does to each page.
#include "pdf/fix.hpp"
#include "base/error.hpp"

#include "base/isolate.hpp"
#include "pdf/detail.hpp"
#include "pdf/page_tree.hpp"
#include "pdf/podofo_io.hpp"
#include "pdf/podofo_source.hpp"
#include "pdf/serialize.hpp"

#include <podofo/podofo.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <new>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

namespace preflight::pdf {
namespace {

using PoDoFo::PdfArray;
using PoDoFo::PdfDictionary;
using PoDoFo::PdfError;
using PoDoFo::PdfMemDocument;
using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfReference;

constexpr double kPtPerMm = 72.0 / 25.4;
constexpr double kA4W = 210 * kPtPerMm;
constexpr double kA4H = 297 * kPtPerMm;
// Placed pages: the print service's strip plus 2 mm on the left, 10 mm elsewhere,
// 10 mm between the two pages of a two-up page.
constexpr double kStripExtraMm = 2;
constexpr double kMarginMm = 10;
constexpr double kGapMm = 10;

// [a b c d e f]; a point is a row vector: p' = p x M (as in the PDF specification).
struct Matrix {
    double a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;
    [[nodiscard]] Matrix operator*(const Matrix& m) const {
        return {a * m.a + b * m.c, a * m.b + b * m.d,       c * m.a + d * m.c,
                c * m.b + d * m.d, e * m.a + f * m.c + m.e, e * m.b + f * m.d + m.f};
    }
    [[nodiscard]] std::array<double, 2> apply(double x, double y) const {
        return {x * a + y * c + e, x * b + y * d + f};
    }
};

// From a page's user space to its displayed coordinates (origin at the lower left
// of the page as shown): CropBox `c`, /Rotate `r` (clockwise).
Matrix displayed(const Box& c, int r) {
    switch (r) {
        case 90:
            return {0, -1, 1, 0, -c.lly, c.urx};
        case 180:
            return {-1, 0, 0, -1, c.urx, c.ury};
        case 270:
            return {0, 1, -1, 0, c.ury, -c.llx};
        default:
            return {1, 0, 0, 1, -c.llx, -c.lly};
    }
}

struct SourcePage {
    PdfReference ref;
    PdfObject* dict = nullptr;
    // Inherited attributes as found (the page's own, else the nearest ancestor's),
    // copied: placing a page replaces its own, and the tree's nodes change too.
    std::optional<PdfObject> resources, media, crop, rotate;
    Box box;  // effective: CropBox clipped to the MediaBox
    int rot = 0;
    double w = 0, h = 0;  // displayed size, points
};

enum class Action : std::uint8_t { keep, turn, place };

class Fixer {
public:
    Fixer(PdfMemDocument& doc, const FixOptions& options) : doc_(doc), options_(options) {}

    FixResult run() {
        FixResult r;
        PdfObject* catalog = doc_.GetCatalog();
        PdfObject* root = catalog != nullptr ? resolve(catalog->GetDictionary().GetKey(PdfName("Pages"))) : nullptr;
        // A root that is a page itself never gets here: PdfMemDocument refuses to load it.
        PdfObject* root_ref = catalog != nullptr ? catalog->GetDictionary().GetKey(PdfName("Pages")) : nullptr;
        if (root == nullptr || !root->IsDictionary() || root_ref == nullptr || !root_ref->IsReference()) {
            r.error = phrase("fix.error.no-page-tree");
            return r;
        }
        const PodofoSource<PdfObject> source(doc_.GetObjects());
        page_tree::Walk walk(source);
        walk.run(root_ref, *this);
        r.pages_in = static_cast<int>(pages_.size());
        if (pages_.empty()) {
            r.error = phrase("fix.error.no-pages");
            return r;
        }
        for (SourcePage& p : pages_) {
            if (!measure(p)) {
                r.error = phrase("fix.error.no-mediabox", {{"page", std::to_string(&p - pages_.data() + 1)}});
                return r;
            }
        }
        std::vector<Action> actions;
        for (const SourcePage& p : pages_) {
            actions.push_back(classify(p));
        }
        std::vector<PdfReference> kids;
        for (std::size_t i = 0; i < pages_.size(); ++i) {
            SourcePage& p = pages_[i];
            // --two-up: two landscape pages in a row that are not kept (slides,
            // landscape A4) share a page.
            const bool pair = options_.two_up && i + 1 < pages_.size() && landscape(p) && landscape(pages_[i + 1]) &&
                              actions[i] != Action::keep && actions[i + 1] != Action::keep;
            const Action action = pair ? Action::place : actions[i];
            if (action != Action::place) {
                make_explicit(p);
                if (action == Action::turn) {
                    p.dict->GetDictionary().AddKey(PdfName("Rotate"),
                                                   PdfObject(static_cast<PoDoFo::pdf_int64>((p.rot + 90) % 360)));
                    ++r.turned;
                } else {
                    ++r.kept;
                }
                kids.push_back(p.ref);
                continue;
            }
            if (pair) {
                place({&p, &pages_[i + 1]}, r);
                ++r.two_up;
                r.placed += 2;
                ++i;
            } else {
                place({&p}, r);
                ++r.placed;
            }
            kids.push_back(p.ref);
        }
        flatten(root, kids);
        set_parents(root_ref->GetReference(), kids);
        r.pages_out = static_cast<int>(kids.size());
        cap_version(catalog);
        r.ok = true;
        return r;
    }

private:
    PdfObject* resolve(PdfObject* o) const {
        for (int i = 0; o != nullptr && o->IsReference() && i < 32; ++i) {
            o = doc_.GetObjects().GetObject(o->GetReference());
        }
        return o != nullptr && o->IsReference() ? nullptr : o;
    }
    const PdfObject* resolve(const PdfObject* o) const { return resolve(const_cast<PdfObject*>(o)); }

    static const PdfObject* ptr(const std::optional<PdfObject>& o) { return o ? &*o : nullptr; }

    static std::optional<double> number(const PdfObject* o) { return podofo::number_of(o); }

    std::optional<Box> box(const PdfObject* value) const {
        const PdfObject* a = resolve(value);
        if (a == nullptr || !a->IsArray() || a->GetArray().size() != 4) {
            return std::nullopt;
        }
        std::array<double, 4> v{};
        for (std::size_t i = 0; i < 4; ++i) {
            const std::optional<double> n = number(resolve(&a->GetArray()[i]));
            if (!n || !std::isfinite(*n)) {
                return std::nullopt;
            }
            v[i] = *n;
        }
        return Box{std::min(v[0], v[2]), std::min(v[1], v[3]), std::max(v[0], v[2]), std::max(v[1], v[3])};
    }

public:
    // What the page-tree walk (pdf/page_tree.hpp) tells: each page with what it
    // inherits, copied (placing a page replaces its own, and the tree's nodes
    // change too). A broken part of the tree has no pages, as in the analysis.
    void root(PdfObject* /*root*/) {}
    void problem(const std::string& /*why*/) {}
    void page(PdfObject* entry, PdfObject* kid, const page_tree::NodeKeys<PdfObject*>& /*keys*/,
              const page_tree::Inherited<PdfObject*>& in) {
        if (entry->IsDictionary()) {
            // A page written straight into /Kids (not allowed, but read as a
            // page): made an object of its own, so that it can be referred to.
            kid = doc_.GetObjects().CreateObject(*entry);
            *entry = PdfObject(kid->Reference());
        }
        if (!entry->IsReference()) {
            return;
        }
        if (!page_refs_.insert(entry->GetReference()).second) {
            // The same page object listed again: a page of its own in the
            // analysis, so a copy of it here (it is changed page by page).
            kid = doc_.GetObjects().CreateObject(*kid);
            *entry = PdfObject(kid->Reference());
        }
        SourcePage p;
        p.ref = entry->GetReference();
        p.dict = kid;
        const auto keep = [](const PdfObject* v) { return v != nullptr ? std::optional<PdfObject>(*v) : std::nullopt; };
        p.resources = keep(in.resources);
        p.media = keep(in.media);
        p.crop = keep(in.crop);
        p.rotate = keep(in.rotate);
        pages_.push_back(std::move(p));
    }

private:
    bool measure(SourcePage& p) const {
        const std::optional<Box> media = box(ptr(p.media));
        if (!media || media->width() <= 0 || media->height() <= 0) {
            return false;
        }
        p.box = *media;
        if (const std::optional<Box> crop = box(ptr(p.crop))) {
            const Box c{std::max(crop->llx, media->llx), std::max(crop->lly, media->lly),
                        std::min(crop->urx, media->urx), std::min(crop->ury, media->ury)};
            if (c.width() > 0 && c.height() > 0) {
                p.box = c;
            }
        }
        p.rot = 0;
        if (const std::optional<double> r = number(resolve(ptr(p.rotate)));
            r && std::isfinite(*r) && std::fabs(*r) < 1e15 && *r == std::floor(*r)) {
            auto n = static_cast<long long>(*r);
            if (n % 90 == 0) {
                n %= 360;
                p.rot = static_cast<int>(n < 0 ? n + 360 : n);
            }
        }
        p.w = p.rot % 180 == 0 ? p.box.width() : p.box.height();
        p.h = p.rot % 180 == 0 ? p.box.height() : p.box.width();
        return true;
    }

    [[nodiscard]] bool near(double pt, double mm) const {
        return std::fabs(pt / kPtPerMm - mm) <= options_.tolerance_mm;
    }
    [[nodiscard]] Action classify(const SourcePage& p) const {
        if (near(p.w, 210) && near(p.h, 297)) {
            return Action::keep;
        }
        if (near(p.w, 297) && near(p.h, 210)) {
            return Action::turn;
        }
        return Action::place;
    }
    static bool landscape(const SourcePage& p) { return p.w > p.h; }

    // A kept or turned page carries its inherited attributes itself: the tree is
    // flattened afterwards.
    void make_explicit(SourcePage& p) const {
        PdfDictionary& d = p.dict->GetDictionary();
        const std::array<std::pair<const char*, const PdfObject*>, 4> inherited{{{"Resources", ptr(p.resources)},
                                                                                 {"MediaBox", ptr(p.media)},
                                                                                 {"CropBox", ptr(p.crop)},
                                                                                 {"Rotate", ptr(p.rotate)}}};
        for (const auto& [name, value] : inherited) {
            if (value != nullptr && !d.HasKey(PdfName(name))) {
                d.AddKey(PdfName(name), *value);
            }
        }
    }

    // The page's content as one form XObject: its content stream itself when it is
    // a single stream used by no other page (turned into the form in place), else a
    // new stream with the parts' decoded data.
    PdfReference form_of(SourcePage& p) {
        PdfObject* contents = p.dict->GetDictionary().GetKey(PdfName("Contents"));
        PdfObject* single = contents != nullptr && contents->IsReference() ? resolve(contents) : nullptr;
        PdfObject* form = nullptr;
        if (single != nullptr && single->IsDictionary() && single->HasStream() &&
            content_users_[contents->GetReference()] == 1) {
            form = single;
        } else {
            form = doc_.GetObjects().CreateObject();
            std::string data;
            const PdfObject* parts = resolve(contents);
            auto add = [&](const PdfObject* part) {
                const PdfObject* s = resolve(part);
                if (s == nullptr || !s->HasStream()) {
                    return;
                }
                char* buffer = nullptr;
                PoDoFo::pdf_long len = 0;
                s->GetStream()->GetFilteredCopy(&buffer, &len);
                if (buffer != nullptr) {
                    data.append(buffer, static_cast<std::size_t>(std::max<PoDoFo::pdf_long>(len, 0)));
                    PoDoFo::podofo_free(buffer);
                }
                data += '\n';
            };
            if (parts != nullptr && parts->IsArray()) {
                for (const PdfObject& part : parts->GetArray()) {
                    add(&part);
                }
            } else if (parts != nullptr) {
                add(parts);
            }
            if (data.empty()) {
                data = "\n";  // a page without content: PoDoFo will not set an empty stream
            }
            form->GetStream()->Set(data.data(), static_cast<PoDoFo::pdf_long>(data.size()));
        }
        PdfDictionary& d = form->GetDictionary();
        d.AddKey(PdfName("Type"), PdfName("XObject"));
        d.AddKey(PdfName("Subtype"), PdfName("Form"));
        PdfArray bbox;
        for (const double v : {p.box.llx, p.box.lly, p.box.urx, p.box.ury}) {
            bbox.push_back(PdfObject(v));
        }
        d.AddKey(PdfName("BBox"), bbox);
        d.AddKey(PdfName("Matrix"), matrix_array(Matrix{}));
        if (p.resources) {
            d.AddKey(PdfName("Resources"), *p.resources);
        } else {
            d.AddKey(PdfName("Resources"), PdfDictionary());
        }
        // A page's transparency group goes with its content.
        if (const PdfObject* group = p.dict->GetDictionary().GetKey(PdfName("Group"))) {
            d.AddKey(PdfName("Group"), *group);
        }
        return form->Reference();
    }

    static PdfArray matrix_array(const Matrix& m) {
        PdfArray a;
        for (const double v : {m.a, m.b, m.c, m.d, m.e, m.f}) {
            a.push_back(PdfObject(std::fabs(v) < 1e-9 ? 0.0 : v));
        }
        return a;
    }

    // Draws `sources` (one page, or two landscape pages one above the other) on
    // the first one's page object, now portrait A4.
    void place(const std::vector<SourcePage*>& sources, FixResult& r) {
        if (content_users_.empty()) {
            count_content_users();
        }
        const double left = (options_.strip_mm + kStripExtraMm) * kPtPerMm;
        const double margin = kMarginMm * kPtPerMm;
        const double area_w = kA4W - left - margin;
        const double slots = static_cast<double>(sources.size());
        const double slot_h = (kA4H - 2 * margin - (slots - 1) * kGapMm * kPtPerMm) / slots;
        std::string content = "q\n";
        PdfDictionary xobjects;
        SourcePage& first = *sources.front();
        PdfArray annots;
        for (std::size_t i = 0; i < sources.size(); ++i) {
            SourcePage& p = *sources[i];
            const double slot_top = kA4H - margin - static_cast<double>(i) * (slot_h + kGapMm * kPtPerMm);
            // Scale to fit (never enlarged); a quarter turn when it fits larger.
            const double straight = std::min({area_w / p.w, slot_h / p.h, 1.0});
            const double turned = std::min({area_w / p.h, slot_h / p.w, 1.0});
            const bool turn = sources.size() == 1 && turned > straight * 1.0001;
            const double s = turn ? turned : straight;
            const double w = (turn ? p.h : p.w) * s;
            const double h = (turn ? p.w : p.h) * s;
            Matrix m = displayed(p.box, p.rot);
            if (turn) {
                m = m * Matrix{0, -1, 1, 0, 0, p.w};  // a quarter clockwise, as /Rotate 90 shows it
                ++r.rotated;
            }
            m = m * Matrix{s, 0, 0, s, left + (area_w - w) / 2, slot_top - slot_h + (slot_h - h) / 2};
            const PdfReference form = form_of(p);
            const std::string name = "PreflightPage" + std::to_string(i + 1);
            xobjects.AddKey(PdfName(name), PdfObject(form));
            content += "q " + number_text(m.a) + ' ' + number_text(m.b) + ' ' + number_text(m.c) + ' ' +
                       number_text(m.d) + ' ' + number_text(m.e) + ' ' + number_text(m.f) + " cm /" + name + " Do Q\n";
            move_annotations(p, first, m, annots, r);
        }
        content += "Q\n";
        PdfObject* stream = doc_.GetObjects().CreateObject();
        stream->GetStream()->Set(content.data(), static_cast<PoDoFo::pdf_long>(content.size()));
        PdfDictionary& d = first.dict->GetDictionary();
        PdfArray a4;
        for (const double v : {0.0, 0.0, kA4W, kA4H}) {
            a4.push_back(PdfObject(v));
        }
        d.AddKey(PdfName("MediaBox"), a4);
        d.AddKey(PdfName("CropBox"), a4);
        for (const char* name : {"BleedBox", "TrimBox", "ArtBox", "Group", "UserUnit"}) {
            d.RemoveKey(PdfName(name));
        }
        d.AddKey(PdfName("Rotate"), PdfObject(static_cast<PoDoFo::pdf_int64>(0)));
        PdfDictionary resources;
        resources.AddKey(PdfName("XObject"), xobjects);
        d.AddKey(PdfName("Resources"), resources);
        d.AddKey(PdfName("Contents"), stream->Reference());
        if (annots.empty()) {
            d.RemoveKey(PdfName("Annots"));
        } else {
            d.AddKey(PdfName("Annots"), annots);
        }
    }

    static std::string number_text(double v) {
        if (std::fabs(v) < 1e-9) {
            return "0";
        }
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6f", v);
        std::string s(buf);
        while (!s.empty() && s.back() == '0') {
            s.pop_back();
        }
        if (!s.empty() && s.back() == '.') {
            s.pop_back();
        }
        return s;
    }

    // The annotations of `from` onto `to`'s /Annots, their rectangles (and a
    // link's /QuadPoints) taken through `m`, as the content is.
    void move_annotations(const SourcePage& from, const SourcePage& to, const Matrix& m, PdfArray& out, FixResult& r) {
        PdfObject* annots = resolve(from.dict->GetDictionary().GetKey(PdfName("Annots")));
        if (annots == nullptr || !annots->IsArray()) {
            return;
        }
        for (PdfObject& entry : annots->GetArray()) {
            PdfObject* annot = resolve(&entry);
            if (annot == nullptr || !annot->IsDictionary()) {
                continue;
            }
            out.push_back(entry);
            if (!moved_.insert(annot).second) {
                continue;  // listed on another placed page too: mapped once
            }
            ++r.annotations;
            PdfDictionary& d = annot->GetDictionary();
            if (const std::optional<Box> rect = box(d.GetKey(PdfName("Rect")))) {
                double llx = 1e300, lly = 1e300, urx = -1e300, ury = -1e300;
                for (const auto& [x, y] : {std::pair{rect->llx, rect->lly},
                                           {rect->urx, rect->lly},
                                           {rect->llx, rect->ury},
                                           {rect->urx, rect->ury}}) {
                    const auto [px, py] = m.apply(x, y);
                    llx = std::min(llx, px);
                    lly = std::min(lly, py);
                    urx = std::max(urx, px);
                    ury = std::max(ury, py);
                }
                PdfArray a;
                for (const double v : {llx, lly, urx, ury}) {
                    a.push_back(PdfObject(v));
                }
                d.AddKey(PdfName("Rect"), a);
            }
            if (const PdfObject* quads = resolve(d.GetKey(PdfName("QuadPoints")));
                quads != nullptr && quads->IsArray() && quads->GetArray().size() % 2 == 0) {
                PdfArray q;
                const PdfArray& src = quads->GetArray();
                for (std::size_t i = 0; i + 1 < src.size(); i += 2) {
                    const auto [px, py] =
                        m.apply(number(resolve(&src[i])).value_or(0), number(resolve(&src[i + 1])).value_or(0));
                    q.push_back(PdfObject(px));
                    q.push_back(PdfObject(py));
                }
                d.AddKey(PdfName("QuadPoints"), q);
            }
            if (d.HasKey(PdfName("P"))) {
                d.AddKey(PdfName("P"), PdfObject(to.ref));
            }
        }
    }

    void count_content_users() {
        for (const SourcePage& p : pages_) {
            const PdfObject* c = p.dict->GetDictionary().GetKey(PdfName("Contents"));
            if (c != nullptr && c->IsReference()) {
                ++content_users_[c->GetReference()];
            }
        }
    }

    // One /Pages node with every page, in order.
    static void flatten(PdfObject* root, const std::vector<PdfReference>& kids_refs) {
        PdfArray kids;
        for (const PdfReference& ref : kids_refs) {
            kids.push_back(PdfObject(ref));
        }
        PdfDictionary& d = root->GetDictionary();
        d.AddKey(PdfName("Kids"), kids);
        d.AddKey(PdfName("Count"), PdfObject(static_cast<PoDoFo::pdf_int64>(kids_refs.size())));
    }

    void set_parents(const PdfReference& root_ref, const std::vector<PdfReference>& kids) {
        for (const PdfReference& ref : kids) {
            if (PdfObject* page = doc_.GetObjects().GetObject(ref)) {
                page->GetDictionary().AddKey(PdfName("Parent"), PdfObject(root_ref));
            }
        }
    }

    // Print takes PDF 1.7 at most (DP304): nothing written here needs more.
    void cap_version(PdfObject* catalog) {
        if (doc_.GetPdfVersion() > PoDoFo::ePdfVersion_1_7) {
            doc_.SetPdfVersion(PoDoFo::ePdfVersion_1_7);
        }
        const PdfObject* v = catalog->GetDictionary().GetKey(PdfName("Version"));
        if (v != nullptr && v->IsName() && v->GetName().GetName() > "1.7") {
            catalog->GetDictionary().RemoveKey(PdfName("Version"));
        }
    }

    PdfMemDocument& doc_;
    const FixOptions& options_;
    std::vector<SourcePage> pages_;
    std::set<PdfReference> page_refs_;
    std::map<PdfReference, int> content_users_;
    std::unordered_set<const PdfObject*> moved_;  // annotations already mapped
};

}  // namespace

FixResult fix(const std::filesystem::path& in, const std::filesystem::path& out, const FixOptions& options) {
    FixResult r;
    detail::initialise();
    std::error_code ec;
    if (std::filesystem::exists(out, ec) && std::filesystem::equivalent(in, out, ec)) {
        r.error = phrase("fix.error.same-file");
        return r;
    }
    std::ifstream file(in, std::ios::binary);
    if (!file) {
        r.error = phrase("fix.error.unreadable");
        return r;
    }
    const std::string data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    try {
        PdfMemDocument doc;
        doc.LoadFromDevice(PoDoFo::PdfRefCountedInputDevice(new podofo::MemoryDevice(data.data(), data.size())));
        if (doc.GetEncrypted()) {
            r.error = phrase("fix.error.encrypted");
            return r;
        }
        r = Fixer(doc, options).run();
        if (!r.ok) {
            return r;
        }
        // The header's version, at most 1.7 (print takes no more, DP304): PoDoFo
        // 0.9.8 knows no 2.0 and would write the file as 1.3.
        const std::size_t at = std::string_view(data).substr(0, 1024).find("%PDF-1.");
        if (std::string_view(data).substr(0, 1024).find("%PDF-2.") != std::string_view::npos) {
            doc.SetPdfVersion(PoDoFo::ePdfVersion_1_7);
        } else if (at != std::string_view::npos && at + 7 < data.size() && data[at + 7] >= '0' && data[at + 7] <= '7') {
            const auto v = static_cast<PoDoFo::EPdfVersion>(PoDoFo::ePdfVersion_1_0 + (data[at + 7] - '0'));
            doc.SetPdfVersion(std::max(doc.GetPdfVersion(), v));
        }
        doc.Write(out.c_str());
    } catch (const PdfError& e) {
        r = FixResult{};
        r.error = phrase("fix.error.podofo", {{"name", podofo::error_name(e)}});
    } catch (const std::bad_alloc&) {
        r = FixResult{};
        r.error = phrase("zip.memory");
    }
    return r;
}

namespace {

// The child's answer when fix() did not return.
std::string failed_answer(const std::string& why) {
    FixResult r;
    r.error = why;
    return to_json_text(r);
}

}  // namespace

namespace {

// The job every mode runs (isolate::run_job()): ARGS are IN, OUT, TWO_UP (0 or 1),
// TOLERANCE_MM and STRIP_MM; the answer is the FixResult as JSON.
constexpr const char* fix_job = "pdf.fix";

double number_arg(const std::string& text) {
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        throw std::invalid_argument("pdf.fix: not a number: " + text);
    }
    return value;
}

void fix_child(int out_fd, const std::vector<std::string>& args) {
    if (args.size() != 5 || (args[2] != "0" && args[2] != "1")) {
        throw std::invalid_argument("pdf.fix: expects IN OUT TWO_UP(0|1) TOLERANCE_MM STRIP_MM");
    }
    const FixOptions options{
        .two_up = args[2] == "1", .tolerance_mm = number_arg(args[3]), .strip_mm = number_arg(args[4])};
    std::string answer;
    try {
        answer = to_json_text(fix(args[0], args[1], options));
    } catch (const std::bad_alloc&) {
        answer = failed_answer(phrase("zip.memory"));
    } catch (...) {
        answer = failed_answer(phrase("fix.error.unexpected"));
    }
    isolate::write_all(out_fd, answer);
}

// Inherited by every forked child (and the server's helper): not paid per document.
void prepare_fix() { detail::initialise(); }

const isolate::JobRegistration fix_registration(fix_job, fix_child, prepare_fix);

}  // namespace

FixResult fix_sandboxed(const std::filesystem::path& in, const std::filesystem::path& out, const FixOptions& options,
                        const Limits& limits) {
    detail::initialise();
    std::error_code same_error;
    if (std::filesystem::exists(out, same_error) && std::filesystem::equivalent(in, out, same_error)) {
        FixResult r;
        r.error = phrase("fix.error.same-file");
        return r;
    }
    std::error_code size_error;
    const std::uint64_t bytes = std::filesystem::file_size(in, size_error);
    isolate::RunOptions run_options;
    run_options.extra_bytes = size_error ? 0 : 3 * bytes;  // read into memory, parsed, written again
    const isolate::Outcome child =
        isolate::run_job(fix_job,
                         {in.string(), out.string(), options.two_up ? "1" : "0",
                          fmt::format("{}", options.tolerance_mm), fmt::format("{}", options.strip_mm)},
                         limits, run_options);
    FixResult r;
    switch (child.ended) {
        case isolate::Ended::memory_limit:
            r.error = phrase("fix.error.killed", {{"seconds", std::to_string(limits.cpu_seconds)}});
            break;
        case isolate::Ended::time_limit:
        case isolate::Ended::cpu_limit:
        case isolate::Ended::signal:
        case isolate::Ended::not_started:
            r.error = isolate::describe(child, limits);
            break;
        default:
            try {
                r = fix_result_from_json_text(child.answer);
            } catch (const std::exception&) {
                r = FixResult{};
                r.error = phrase("fix.error.no-answer");
            }
    }
    if (!r.ok) {
        std::error_code ignored;
        std::filesystem::remove(out, ignored);  // nothing half-written stays behind
    }
    return r;
}

}  // namespace preflight::pdf
