// pdf::analyze(): the facts preflight needs from one PDF, read in this process.
//
// Design (see shared/notes/podofo-0.9.8.md for the measurements behind it):
// - The file is memory-mapped; the header and the last %%EOF are found on the raw
//   bytes first, so junk, BOMs and truncated files are answered without PoDoFo.
// - PoDoFo reads the mapping through MemoryDevice, a PdfInputDevice subclass that
//   serves GetChar/Look/Read/Seek straight from memory (zero copy, no istream).
// - PdfParser is used directly (load on demand), not PdfMemDocument: that skips
//   PdfMemDocument's PdfPagesTree (whose cache is sized by the untrusted /Count)
//   and its rewrite of the Info dictionary, and keeps the trailer and PdfEncrypt
//   reachable when the password is wrong.
// - Pages come from our own O(n) walk of the page tree (never GetPage(i), which is
//   quadratic), with cycle detection, a depth limit and our own inheritance and
//   normalisation of MediaBox, CropBox and Rotate.
// - Fast path (pdf/xref.hpp): for unencrypted files whose cross-reference data
//   (tables, xref streams with PNG predictors, /Prev chains) we can read
//   completely ourselves, PoDoFo is not called at all: objects are located by
//   our own xref and read with pdf/lexer.hpp, and only the object streams that
//   hold a page-tree (or font) object are inflated, with size caps. Anything
//   unusual (encryption, /XRefStm, other filters, a missing or misplaced
//   object, any damage or unreadable page found) discards that answer and the
//   PoDoFo path below runs instead, so the result is never worse than PoDoFo's.
// - PoDoFo path: PoDoFo locates every object (xref tables and streams, object
//   streams, decryption). Objects that sit in the file itself are then read from
//   the mapped bytes by pdf/lexer.hpp (a few thousand instructions a page instead
//   of PoDoFo's ~140,000); anything that reader does not understand, and every
//   object from an object stream, goes through PoDoFo's PdfObject as usual.
//   PoDoFo decodes every object stream at load time, which cannot be avoided
//   through its API (it dominates object-stream files: hence the fast path).
#include "base/error.hpp"
#include "pdf/detail.hpp"
#include "pdf/inflate_budget.hpp"
#include "pdf/lexer.hpp"
#include "pdf/page_tree.hpp"
#include "pdf/pdf_info.hpp"
#include "pdf/podofo_io.hpp"
#include "pdf/raw.hpp"
#include "pdf/xref.hpp"

#include <podofo/podofo.h>

#include <openssl/provider.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace preflight::pdf {
namespace {

using podofo::error_name;
using podofo::is_encryption_error;
using podofo::MemoryDevice;
using PoDoFo::PdfArray;
using PoDoFo::PdfError;
using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfVecObjects;

// Once per process: silence PoDoFo and make OpenSSL 3 offer RC4/MD5 (legacy
// provider) besides the default algorithms, which PoDoFo's RC4 and AES-128
// decryption needs. Loading "legacy" turns off the implicit default provider,
// hence loading "default" explicitly too.
void init_once_impl() {
    static std::once_flag flag;
    std::call_once(flag, [] {
        PdfError::EnableLogging(false);
        PdfError::EnableDebug(false);
        // Kept until exit. Unloaded by an atexit handler that runs before OpenSSL's
        // own cleanup (registered earlier, by the first load): providers still
        // loaded then leave OpenSSL's global state (random generator, method
        // tables) half freed, which LeakSanitizer reports at every exit.
        static OSSL_PROVIDER* legacy = nullptr;
        static OSSL_PROVIDER* fallback = nullptr;
        legacy = OSSL_PROVIDER_load(nullptr, "legacy");
        fallback = OSSL_PROVIDER_load(nullptr, "default");
        std::atexit([] {
            for (OSSL_PROVIDER* p : {legacy, fallback}) {
                if (p != nullptr) {
                    OSSL_PROVIDER_unload(p);
                }
            }
        });
    });
}

// The dictionary keys and name values we look at, as PoDoFo names (built once:
// a PdfName holds a std::string) and as plain text for the raw reader.
enum class K : std::uint8_t {
    Type,
    Pages,
    Page,
    Kids,
    Count,
    MediaBox,
    CropBox,
    Rotate,
    Resources,
    Font,
    Subtype,
    BaseFont,
    Type0,
    Type3,
    DescendantFonts,
    FontDescriptor,
    FontFile,
    FontFile2,
    FontFile3,
    Root,
    Version,
    Encrypt,
    Names,
    JavaScript,
    EmbeddedFiles,
    OpenAction,
    S,
    AA,
    AcroForm,
    XFA,
    count_
};
constexpr std::array<std::string_view, static_cast<std::size_t>(K::count_)> key_text = {
    "Type",          "Pages",      "Page",      "Kids",     "Count",    "MediaBox", "CropBox",         "Rotate",
    "Resources",     "Font",       "Subtype",   "BaseFont", "Type0",    "Type3",    "DescendantFonts", "FontDescriptor",
    "FontFile",      "FontFile2",  "FontFile3", "Root",     "Version",  "Encrypt",  "Names",           "JavaScript",
    "EmbeddedFiles", "OpenAction", "S",         "AA",       "AcroForm", "XFA"};

const PdfName& pdf_name(K k) {
    static const std::vector<PdfName> names = [] {
        std::vector<PdfName> v;
        v.reserve(key_text.size());
        for (const std::string_view t : key_text) {
            v.emplace_back(std::string(t));
        }
        return v;
    }();
    return names[static_cast<std::size_t>(k)];
}
std::string_view text(K k) { return key_text[static_cast<std::size_t>(k)]; }

// How bad a damage is, to keep the worst one when several apply.
int rank(Damage d) {
    switch (d) {
        case Damage::none:
            return 0;
        case Damage::bad_pages:
            return 1;
        case Damage::leading_bytes:
            return 2;
        case Damage::page_tree:
            return 3;
        case Damage::load_failed:
            return 4;
        case Damage::no_eof:
            return 5;
        case Damage::not_pdf:
            return 6;
        case Damage::internal:
            return 7;
        case Damage::crashed:
            return 8;
        case Damage::time_limit:
            return 9;
        case Damage::cpu_limit:
            return 10;
        case Damage::memory_limit:
            return 11;
    }
    return 0;
}

void set_damage(Info& info, Damage d, std::string detail) {
    if (rank(d) > rank(info.damage)) {
        info.damage = d;
        info.damage_detail = std::move(detail);
    }
}

// A PDF name as printable ASCII: other bytes (and '#') written as #xx, like PDF does.
std::string printable_name(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (const char ch : raw) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7f || c == '#') {
            std::array<char, 4> buf{};
            std::snprintf(buf.data(), buf.size(), "#%02X", c);
            out += buf.data();
        } else {
            out += ch;
        }
    }
    return out;
}

// A PDF value, either read by the raw lexer (raw.kind != invalid) or a PoDoFo
// object (po != nullptr). Neither: a missing value.
struct Node {
    const PdfObject* po = nullptr;
    lex::Value raw;
    [[nodiscard]] bool missing() const { return po == nullptr && raw.kind == lex::Kind::invalid; }
};

struct Ref {
    std::uint32_t number = 0;
    std::uint16_t generation = 0;
    [[nodiscard]] std::uint64_t key() const { return (static_cast<std::uint64_t>(number) << 16) | generation; }
    [[nodiscard]] std::string text() const { return std::to_string(number) + " " + std::to_string(generation) + " R"; }
};

class Analyzer {
public:
    // The page-tree walk (pdf/page_tree.hpp) reads through this class: Node,
    // resolve(), resolve_node() and the tests below are its object source.
    using Node = pdf::Node;
    using NodeKeys = page_tree::NodeKeys<Node>;
    using Inherited = page_tree::Inherited<Node>;

    // Objects come from PoDoFo's `objects`, or, when `fast` is set, from our own
    // xref reader (which throws xref::Fallback where it cannot answer reliably).
    // With a deadline, the walk stops (podofo::OutOfTime) once it has run out.
    Analyzer(const PdfVecObjects* objects, xref::Document* fast, std::string_view pdf, bool raw_reader, Info& info,
             const Deadline* deadline = nullptr)
        : objects_(objects), fast_(fast), pdf_(pdf), raw_reader_(raw_reader), info_(info), deadline_(deadline) {}

    void run(const Node& trailer) {
        const Node catalog = resolve(get(trailer, K::Root));
        if (!is_dict(catalog)) {
            set_damage(info_, Damage::page_tree, "no document catalog (/Root)");
            return;
        }
        if (const Node v = resolve(get(catalog, K::Version)); is_name(v)) {
            const std::string cat = name_of(v);
            if (raw::compare_versions(cat, info_.version) > 0) {
                info_.version = cat;
            }
        }
        record_active_content(catalog);
        page_tree::Walk<Analyzer> walk(*this);
        if (walk.run(get(catalog, K::Pages), *this)) {
            finish_pages();
        }
    }

private:
    // Scripts, attached files and XFA forms, as the document catalogue declares them.
    void record_active_content(const Node& catalog) {
        const auto set = [&](Active a) { info_.active_content |= static_cast<std::uint8_t>(a); };
        if (const Node names = resolve(get(catalog, K::Names)); is_dict(names)) {
            if (present(get(names, K::JavaScript))) {
                set(Active::javascript);
            }
            if (present(get(names, K::EmbeddedFiles))) {
                set(Active::embedded_files);
            }
        }
        if (const Node open = resolve(get(catalog, K::OpenAction));
            is_dict(open) && is_name(resolve(get(open, K::S)), K::JavaScript)) {
            set(Active::javascript);
        }
        if (present(get(catalog, K::AA))) {
            set(Active::javascript);  // actions on open, close, save or print
        }
        if (const Node form = resolve(get(catalog, K::AcroForm)); is_dict(form) && present(get(form, K::XFA))) {
            set(Active::xfa_form);
        }
    }

    // --- values --------------------------------------------------------------

    static bool ref_of(const Node& n, Ref& out) {
        if (n.po != nullptr) {
            if (!n.po->IsReference()) {
                return false;
            }
            const auto& r = n.po->GetReference();
            out = Ref{r.ObjectNumber(), r.GenerationNumber()};
            return true;
        }
        if (n.raw.kind != lex::Kind::ref) {
            return false;
        }
        out = Ref{static_cast<std::uint32_t>(n.raw.integer), static_cast<std::uint16_t>(n.raw.generation)};
        return true;
    }

    static void note_key(NodeKeys& k, std::string_view raw_name, const lex::Value& v) {
        std::string decoded;  // names with #xx escapes ("/T#79pe") are rare but legal
        std::string_view name = raw_name;
        if (raw_name.find('#') != std::string_view::npos) {
            decoded = lex::decode_name(raw_name);
            name = decoded;
        }
        Node* slot = nullptr;
        if (name == "Type") {
            slot = &k.type;
        } else if (name == "Kids") {
            slot = &k.kids;
        } else if (name == "MediaBox") {
            slot = &k.media;
        } else if (name == "CropBox") {
            slot = &k.crop;
        } else if (name == "Rotate") {
            slot = &k.rotate;
        } else if (name == "Resources") {
            slot = &k.resources;
        }
        if (slot != nullptr) {
            slot->raw = v;
        }
    }

    static NodeKeys node_keys(const Node& dict) {
        NodeKeys k;
        if (dict.po != nullptr) {
            const auto& d = dict.po->GetDictionary();
            auto at = [&](K key) { return Node{d.GetKey(pdf_name(key)), {}}; };
            return NodeKeys{at(K::Type), at(K::Kids), at(K::MediaBox), at(K::CropBox), at(K::Rotate), at(K::Resources)};
        }
        lex::for_each_entry(dict.raw, [&](std::string_view name, const lex::Value& v) {
            note_key(k, name, v);
            return true;
        });
        return k;
    }

    // The object behind a reference: read from the file bytes when it sits in
    // the file (PdfParserObject) and the raw reader understands it, else PoDoFo's.
    // With `keys`, a raw dictionary's node keys are collected in the same pass
    // (*keys_done tells whether that happened).
    Node load(const Ref& r, NodeKeys* keys = nullptr, bool* keys_done = nullptr) const {
        if (fast_ != nullptr) {
            Node n;
            n.raw = fast_->object(r.number, r.generation);
            if (keys != nullptr && n.raw.kind == lex::Kind::dict) {
                NodeKeys k;
                lex::for_each_entry(n.raw, [&](std::string_view name, const lex::Value& v) {
                    note_key(k, name, v);
                    return true;
                });
                *keys = k;
                *keys_done = true;
            }
            return n;
        }
        const PdfObject* o = objects_->GetObject(PoDoFo::PdfReference(r.number, r.generation));
        if (o == nullptr) {
            return {};
        }
        if (raw_reader_) {
            if (const auto* p = dynamic_cast<const PoDoFo::PdfParserObject*>(o)) {
                const auto offset = p->GetOffset();
                if (offset >= 0 && static_cast<std::uint64_t>(offset) < pdf_.size()) {
                    std::size_t pos = static_cast<std::size_t>(offset);
                    Node n;
                    if (keys == nullptr) {
                        if (lex::read_value(pdf_, pos, n.raw) && properly_ended(n.raw, pos)) {
                            return n;
                        }
                    } else {
                        NodeKeys k;
                        if (lex::read_value_visiting(
                                pdf_, pos, n.raw,
                                [&](std::string_view name, const lex::Value& v) { note_key(k, name, v); }) &&
                            properly_ended(n.raw, pos)) {
                            if (n.raw.kind == lex::Kind::dict) {
                                *keys = k;
                                *keys_done = true;
                            }
                            return n;
                        }
                    }
                }
            }
        }
        return Node{o, {}};
    }

    // What PoDoFo demands after an object's value: "endobj", or "stream" after a
    // dictionary. Anything else makes PoDoFo reject the object, so the raw reader
    // must not accept it either (the caller then lets PoDoFo report the error).
    bool properly_ended(const lex::Value& v, std::size_t pos) const {
        lex::skip_space(pdf_, pos);
        const std::string_view rest = pdf_.substr(pos, 6);
        return rest == "endobj" || (v.kind == lex::Kind::dict && rest == "stream");
    }

public:
    // resolve() for page-tree nodes, with their keys (one pass for raw objects).
    Node resolve_node(Node n, NodeKeys& keys) const {
        for (int hops = 0; hops < 8; ++hops) {
            Ref r;
            if (!ref_of(n, r)) {
                if (is_dict(n)) {
                    keys = node_keys(n);
                }
                return n;
            }
            bool done = false;
            n = load(r, &keys, &done);
            if (done) {
                return n;
            }
        }
        return {};
    }

    // Follows references (a few levels: "5 0 obj 6 0 R endobj" chains).
    Node resolve(Node n) const {
        for (int hops = 0; hops < 8; ++hops) {
            Ref r;
            if (!ref_of(n, r)) {
                return n;
            }
            n = load(r);
        }
        return {};
    }

    static bool is_dict(const Node& n) {
        return n.po != nullptr ? n.po->IsDictionary() : n.raw.kind == lex::Kind::dict;
    }
    static bool is_array(const Node& n) { return n.po != nullptr ? n.po->IsArray() : n.raw.kind == lex::Kind::array; }
    static bool is_null(const Node& n) { return n.po != nullptr ? n.po->IsNull() : n.raw.kind == lex::Kind::null; }

private:
    static bool is_name(const Node& n) { return n.po != nullptr ? n.po->IsName() : n.raw.kind == lex::Kind::name; }
    static bool is_name(const Node& n, K k) {
        if (n.po != nullptr) {
            return n.po->IsName() && n.po->GetName() == pdf_name(k);
        }
        return n.raw.kind == lex::Kind::name && lex::name_equals(n.raw.text, text(k));
    }
    static std::string name_of(const Node& n) {
        return n.po != nullptr ? n.po->GetName().GetName() : lex::decode_name(n.raw.text);
    }
    static bool number(const Node& n, double& out, bool& integral) {
        if (n.po != nullptr) {
            if (n.po->IsNumber()) {
                out = static_cast<double>(n.po->GetNumber());
                integral = true;
                return true;
            }
            if (n.po->IsReal()) {
                out = n.po->GetReal();
                integral = false;
                return true;
            }
            return false;
        }
        if (n.raw.kind == lex::Kind::integer || n.raw.kind == lex::Kind::real) {
            out = n.raw.real;
            integral = n.raw.kind == lex::Kind::integer;
            return true;
        }
        return false;
    }
    // Identity of a value for "looked at once" caches: its reference if it is one
    // (so shared objects are recognised before they are loaded), else where it is.
    static std::uint64_t identity(const Node& n) {
        if (Ref r; ref_of(n, r)) {
            return (std::uint64_t{1} << 63) | r.key();
        }
        const void* p = n.po != nullptr ? static_cast<const void*>(n.po) : static_cast<const void*>(n.raw.text.data());
        return reinterpret_cast<std::uintptr_t>(p);
    }

    // Value of `key` in a dict (missing if absent or not a dict).
    static Node get(const Node& dict, K key) {
        Node out;
        if (dict.po != nullptr) {
            if (dict.po->IsDictionary()) {
                if (const PdfObject* v = dict.po->GetDictionary().GetKey(pdf_name(key))) {
                    out.po = v;
                }
            }
            return out;
        }
        lex::for_each_entry(dict.raw, [&](std::string_view name, const lex::Value& v) {
            if (lex::name_equals(name, text(key))) {
                out.raw = v;  // no early exit: the last of duplicate keys wins, as in PoDoFo
            }
            return true;
        });
        return out;
    }

    // f(std::string_view decoded_or_raw_name, bool raw, const Node& value) for each entry.
    template <typename F>
    static void entries(const Node& dict, F&& f) {
        if (dict.po != nullptr) {
            for (const auto& [name, value] : dict.po->GetDictionary().GetKeys()) {
                f(std::string_view(name.GetName()), false, Node{value, {}});
            }
            return;
        }
        lex::for_each_entry(dict.raw, [&](std::string_view name, const lex::Value& v) {
            f(name, true, Node{nullptr, v});
            return true;
        });
    }

    // f(const Node&) for each element; f returns false to stop.
    template <typename F>
    static void elements(const Node& array, F&& f) {
        if (array.po != nullptr) {
            for (const PdfObject& e : array.po->GetArray()) {
                if (!f(Node{&e, {}})) {
                    return;
                }
            }
            return;
        }
        lex::for_each_element(array.raw, [&](const lex::Value& v) { return f(Node{nullptr, v}); });
    }

    // --- the page tree (pdf/page_tree.hpp walks it) ----------------------------

    // A key whose value is null counts as absent (PDF 2.0, 7.3.9).
    static bool present(const Node& n) { return !n.missing() && !is_null(n); }

public:
    static bool missing(const Node& n) { return n.missing(); }
    static bool is_name(const Node& n, std::string_view name) {
        if (n.po != nullptr) {
            return n.po->IsName() && n.po->GetName().GetName() == name;
        }
        return n.raw.kind == lex::Kind::name && lex::name_equals(n.raw.text, name);
    }
    static std::optional<std::uint64_t> ref_key(const Node& n) {
        Ref r;
        return ref_of(n, r) ? std::optional<std::uint64_t>(r.key()) : std::nullopt;
    }
    static std::string ref_text(const Node& n) {
        Ref r;
        ref_of(n, r);
        return r.text();
    }
    static std::size_t first_kid(const Node& kids) { return kids.po != nullptr ? 0U : 1U; }
    static bool next_kid(const Node& kids, std::size_t& next, Node& out) {
        if (kids.po != nullptr) {
            const PdfArray& a = kids.po->GetArray();
            if (next >= a.size()) {
                return false;
            }
            out = Node{&a[next++], {}};
            return true;
        }
        const std::string_view t = kids.raw.text;
        std::size_t pos = next;
        lex::skip_space(t, pos);
        if (pos >= t.size() || t[pos] == ']') {
            return false;
        }
        out = Node{};
        if (!lex::read_value(t, pos, out.raw, 1)) {
            return false;  // cannot happen: checked when read
        }
        next = pos;
        return true;
    }

    // What the walk tells.
    void root(const Node& root) {
        double count = 0;
        bool integral = false;
        if (number(resolve(get(root, K::Count)), count, integral)) {
            info_.declared_page_count = static_cast<int>(std::clamp(std::trunc(count), -1e9, 1e9));
        }
    }
    void page(const Node& /*entry*/, const Node& /*dict*/, const NodeKeys& /*keys*/, const Inherited& eff) {
        if (deadline_ != nullptr && deadline_->expired_every(16)) {
            throw podofo::OutOfTime{};
        }
        add_page(eff);
    }
    void problem(std::string why) { set_damage(info_, Damage::page_tree, std::move(why)); }

private:
    // Reads a rectangle: an array of exactly four numbers; the array and its
    // elements may be indirect. Empty string on success, else why not.
    std::string read_box(const Node& value, const char* name, Box& out) const {
        const Node box = resolve(value);
        if (!is_array(box)) {
            return std::string(name) + " is not an array";
        }
        std::array<double, 4> v{};
        std::size_t n = 0;
        std::string error;
        elements(box, [&](const Node& e) {
            if (n < 4 && error.empty()) {
                double d = 0;
                bool integral = false;
                if (!number(resolve(e), d, integral)) {
                    error = std::string(name) + " element " + std::to_string(n + 1) + " is not a number";
                } else if (!std::isfinite(d)) {
                    error = std::string(name) + " element " + std::to_string(n + 1) + " is not finite";
                } else {
                    v[n] = d;
                }
            }
            ++n;
            return true;
        });
        if (n != 4) {
            return std::string(name) + " has " + std::to_string(n) + " elements, expected 4";
        }
        if (!error.empty()) {
            return error;
        }
        out = Box{std::min(v[0], v[2]), std::min(v[1], v[3]), std::max(v[0], v[2]), std::max(v[1], v[3])};
        return {};
    }

    // /Rotate normalised to 0, 90, 180, 270. Integers and integral reals are taken
    // modulo 360 (450 -> 90, -90 -> 270, 90.0 -> 90); anything that is not a
    // multiple of 90 (45, 12.5) or not a number counts as 0, as in pdf.js.
    int read_rotate(const Node& value) const {
        double d = 0;
        bool integral = false;
        if (value.missing() || !number(resolve(value), d, integral)) {
            return 0;
        }
        if (!std::isfinite(d) || std::fabs(d) > 1e15 || d != std::floor(d)) {
            return 0;
        }
        auto n = static_cast<long long>(d);
        if (n % 90 != 0) {
            return 0;
        }
        n %= 360;
        return static_cast<int>(n < 0 ? n + 360 : n);
    }

    void add_page(const Inherited& eff) {
        Page page;
        page.number = static_cast<int>(info_.pages.size()) + 1;
        try {
            page.rotate = read_rotate(eff.rotate);
            // A reference to a missing object means null, which means absent.
            const Node media = resolve(eff.media);
            const Node crop_value = resolve(eff.crop);
            if (!present(media)) {
                page.error = "no MediaBox";
            } else {
                page.error = read_box(media, "MediaBox", page.media);
                if (page.error.empty() && (page.media.width() <= 0 || page.media.height() <= 0)) {
                    page.error = "MediaBox has zero area";
                }
            }
            page.crop = page.media;
            if (page.error.empty() && present(crop_value)) {
                Box crop;
                page.error = read_box(crop_value, "CropBox", crop);
                if (page.error.empty()) {
                    // Clip to the MediaBox; a CropBox wholly outside it is ignored (as pdf.js does).
                    const Box clipped{std::max(crop.llx, page.media.llx), std::max(crop.lly, page.media.lly),
                                      std::min(crop.urx, page.media.urx), std::min(crop.ury, page.media.ury)};
                    if (clipped.width() > 0 && clipped.height() > 0) {
                        page.crop = clipped;
                    }
                }
            }
        } catch (const PdfError& e) {
            page.error = "page boxes could not be read: " + error_name(e);
        }
        page.ok = page.error.empty();
        info_.pages.push_back(std::move(page));

        if (!eff.resources.missing()) {
            scan_resources(eff.resources, static_cast<int>(info_.pages.size()));
        }
    }

    // --- fonts ----------------------------------------------------------------

    // Fonts of one page's /Resources. Shared resource and font dictionaries are
    // looked at once (the first page that uses them is the one reported).
    // Limitation: fonts used only inside form XObjects (/XObject with /Subtype
    // /Form and their own /Resources), patterns or annotation appearances are not
    // visited.
    void scan_resources(const Node& value, int page) {
        try {
            if (!seen_.insert(identity(value)).second) {
                return;
            }
            const Node res = resolve(value);
            if (!is_dict(res)) {
                return;
            }
            const Node fonts_value = get(res, K::Font);
            if (fonts_value.missing() || !seen_.insert(identity(fonts_value)).second) {
                return;
            }
            const Node fonts = resolve(fonts_value);
            if (!is_dict(fonts)) {
                return;
            }
            entries(fonts, [&](std::string_view name, bool raw, const Node& font_value) {
                try {
                    if (!seen_.insert(identity(font_value)).second) {
                        return;
                    }
                    if (const Node font = resolve(font_value); is_dict(font)) {
                        check_font(font, raw ? lex::decode_name(name) : std::string(name), page);
                    }
                } catch (const PdfError&) {
                    // An unreadable font object: not ours to judge here.
                }
            });
        } catch (const PdfError&) {
            // Unreadable resources: the page boxes are still valid.
        }
    }

    bool has_font_file(const Node& descriptor) const {
        for (const K file : {K::FontFile, K::FontFile2, K::FontFile3}) {
            const Node f = get(descriptor, file);
            if (f.missing() || is_null(f)) {
                continue;
            }
            Ref r;
            if (!ref_of(f, r) ||
                (fast_ != nullptr ? fast_->exists(r.number, r.generation)
                                  : objects_->GetObject(PoDoFo::PdfReference(r.number, r.generation)) != nullptr)) {
                return true;  // present; the stream itself is never read
            }
        }
        return false;
    }

    void check_font(const Node& font, const std::string& resource_name, int page) {
        const Node subtype = resolve(get(font, K::Subtype));
        if (is_name(subtype, K::Type3)) {
            return;  // glyphs are content streams: nothing to embed
        }
        std::string name;
        if (const Node base = resolve(get(font, K::BaseFont)); is_name(base)) {
            name = printable_name(detail::strip_subset_prefix(name_of(base)));
        }
        if (detail::is_standard14(name)) {
            return;
        }
        Node described = font;
        if (is_name(subtype, K::Type0)) {
            described = Node{};
            const Node desc = resolve(get(font, K::DescendantFonts));
            if (is_array(desc)) {
                elements(desc, [&](const Node& first) {
                    described = resolve(first);
                    return false;
                });
            }
        }
        bool embedded = false;
        if (!described.missing() && is_dict(described)) {
            const Node fd = resolve(get(described, K::FontDescriptor));
            embedded = is_dict(fd) && has_font_file(fd);
        }
        if (embedded) {
            return;
        }
        if (name.empty()) {
            name = "(unnamed font /" + printable_name(resource_name) + ")";
        }
        if (reported_fonts_.insert(name).second) {
            info_.fonts_not_embedded.push_back(Font{std::move(name), page});
        }
    }

    void finish_pages() {
        // Report fonts by first page, then name: stable whatever order the
        // /Font dictionaries list them in.
        std::stable_sort(info_.fonts_not_embedded.begin(), info_.fonts_not_embedded.end(),
                         [](const Font& a, const Font& b) {
                             return a.first_page != b.first_page ? a.first_page < b.first_page : a.name < b.name;
                         });
        int bad = 0;
        const Page* first = nullptr;
        for (const Page& p : info_.pages) {
            if (!p.ok) {
                ++bad;
                if (first == nullptr) {
                    first = &p;
                }
            }
        }
        if (first != nullptr) {
            set_damage(info_, Damage::bad_pages,
                       std::to_string(bad) + " of " + std::to_string(info_.pages.size()) + " pages unreadable; page " +
                           std::to_string(first->number) + ": " + first->error);
        }
    }

    const PdfVecObjects* objects_;
    xref::Document* fast_;
    std::string_view pdf_;
    bool raw_reader_;
    Info& info_;
    const Deadline* deadline_;
    std::unordered_set<std::uint64_t> seen_;
    std::unordered_set<std::string> reported_fonts_;
};

std::string describe_encryption(const PoDoFo::PdfEncrypt* enc) {
    if (enc == nullptr) {
        return {};
    }
    using E = PoDoFo::PdfEncrypt;
    switch (enc->GetEncryptAlgorithm()) {
        case E::ePdfEncryptAlgorithm_RC4V1:
            return "RC4 40-bit";
        case E::ePdfEncryptAlgorithm_RC4V2:
            return "RC4 " + std::to_string(enc->GetKeyLength()) + "-bit";
        case E::ePdfEncryptAlgorithm_AESV2:
            return "AES-128";
        case E::ePdfEncryptAlgorithm_AESV3:
        case E::ePdfEncryptAlgorithm_AESV3R6:
            return "AES-256";
    }
    return {};
}

bool trailer_has_encrypt(const PdfObject* trailer) {
    if (trailer == nullptr || !trailer->IsDictionary()) {
        return false;
    }
    const PdfObject* e = trailer->GetDictionary().GetKey(pdf_name(K::Encrypt));
    return e != nullptr && !e->IsNull();
}

void analyze_pdf(std::string_view pdf, const detail::ReadOptions& options, Info& info) {
    const podofo::InflateBudget inflate_budget(&options.deadline);
    if (const std::string risk = raw::encryption_crash_risk(pdf); !risk.empty()) {
        // PoDoFo would dereference a null pointer on this file: do not let it try.
        info.encrypted = true;
        set_damage(info, Damage::load_failed, "InvalidEncryptionDict: " + risk);
        return;
    }
    if (options.fast_xref) {
        // Our own xref reader first; PoDoFo only when it cannot answer, or when the
        // answer would be any damage at all (PoDoFo's verdict is then the one we give).
        std::string why;
        try {
            xref::Document doc;
            if (doc.open(pdf)) {
                Info fast = info;
                Analyzer analyzer(nullptr, &doc, pdf, true, fast, &options.deadline);
                analyzer.run(Node{nullptr, doc.trailer()});
                const bool pages_ok =
                    std::all_of(fast.pages.begin(), fast.pages.end(), [](const Page& pg) { return pg.ok; });
                if (fast.damage == info.damage && fast.damage_detail == info.damage_detail && pages_ok) {
                    info = std::move(fast);
                    return;
                }
                why = pages_ok ? "damage found: " + fast.damage_detail : "a page could not be read";
            } else {
                why = doc.why();
            }
        } catch (const xref::Fallback& f) {
            why = f.why;  // fall through to PoDoFo
        }
        if (options.fast_only) {
            set_damage(info, Damage::internal, "fast path: " + why);
            return;
        }
    }
    PdfVecObjects objects;  // must outlive the parser and everything read through it
    objects.SetAutoDelete(options.free_objects);
    PoDoFo::PdfParser parser(&objects);
    parser.SetStrictParsing(false);
    // PdfRefCountedInputDevice owns (deletes) the device.
    const PoDoFo::PdfRefCountedInputDevice device(new MemoryDevice(pdf.data(), pdf.size(), &options.deadline));
    try {
        parser.ParseFile(device, true);
    } catch (const PdfError& e) {
        const bool encrypted =
            parser.GetEncrypted() || trailer_has_encrypt(parser.GetTrailer()) || raw::trailer_mentions_encrypt(pdf);
        if (encrypted) {
            info.encrypted = true;
            info.encryption = describe_encryption(parser.GetEncrypt());
        }
        if (e.GetError() == PoDoFo::ePdfError_OutOfMemory) {
            set_damage(info, Damage::memory_limit, "out of memory while loading");
        } else if (encrypted && is_encryption_error(e.GetError())) {
            info.needs_password = true;
        } else {
            set_damage(info, Damage::load_failed, error_name(e));
        }
        return;
    }
    const PdfObject* trailer = parser.GetTrailer();
    info.encrypted = parser.GetEncrypted() || trailer_has_encrypt(trailer);
    info.encryption = describe_encryption(parser.GetEncrypt());

    Analyzer analyzer(&objects, nullptr, pdf, options.raw_reader, info, &options.deadline);
    try {
        analyzer.run(Node{trailer, {}});
    } catch (const PdfError& e) {
        set_damage(info, Damage::page_tree, "page tree could not be read: " + error_name(e));
    }
}

}  // namespace

namespace detail {

// "ABCDEF+Calibri" -> "Calibri" (a subset tag is six upper-case letters and '+').
std::string_view strip_subset_prefix(std::string_view name) {
    if (name.size() > 7 && name[6] == '+' &&
        std::all_of(name.begin(), name.begin() + 6, [](char c) { return c >= 'A' && c <= 'Z'; })) {
        name.remove_prefix(7);
    }
    return name;
}

// The standard 14 fonts every PDF reader must provide. Only the exact names count:
// aliases such as Arial, TimesNewRoman or CourierNew (and "Helvetica,Bold" style
// names) are reported when not embedded, because a print service substitutes them
// with whatever it has.
bool is_standard14(std::string_view name) {
    static constexpr std::array<std::string_view, 14> names = {
        "Times-Roman", "Times-Bold",     "Times-Italic",      "Times-BoldItalic",
        "Helvetica",   "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique",
        "Courier",     "Courier-Bold",   "Courier-Oblique",   "Courier-BoldOblique",
        "Symbol",      "ZapfDingbats"};
    return std::find(names.begin(), names.end(), name) != names.end();
}

void initialise() { init_once_impl(); }

Info analyze_with(const std::filesystem::path& file, const ReadOptions& options) {
    Info info;
    try {
        initialise();
        const raw::MappedFile map(file);
        if (!map.ok()) {
            set_damage(info, Damage::load_failed, map.error());
            return info;
        }
        const std::string_view bytes = map.bytes();
        info.bytes = bytes.size();
        if (bytes.empty()) {
            set_damage(info, Damage::not_pdf, "empty file");
            return info;
        }
        const auto header = raw::find_header(bytes);
        if (!header) {
            set_damage(info, Damage::not_pdf, "no %PDF- header");
            return info;
        }
        if (*header > 0) {
            // Analyse from the header on: producers count offsets from there.
            set_damage(info, Damage::leading_bytes, std::to_string(*header) + " bytes");
        }
        const std::string_view pdf = bytes.substr(*header);
        info.version = raw::header_version(pdf);
        const auto eof = raw::find_last_eof_end(pdf);
        if (!eof) {
            set_damage(info, Damage::no_eof, "NoEOFToken");
            info.encrypted = raw::trailer_mentions_encrypt(pdf);
            return info;
        }
        analyze_pdf(pdf.substr(0, *eof), options, info);
    } catch (const podofo::OutOfTime&) {  // options.deadline.ran_out(): below
    } catch (const PdfError& e) {
        set_damage(info, e.GetError() == PoDoFo::ePdfError_OutOfMemory ? Damage::memory_limit : Damage::load_failed,
                   error_name(e));
    } catch (const std::bad_alloc&) {
        info.pages.clear();
        info.pages.shrink_to_fit();
        set_damage(info, Damage::memory_limit, "out of memory");
    } catch (const std::exception& e) {
        set_damage(info, Damage::internal, e.what());
    } catch (...) {
        set_damage(info, Damage::internal, "unknown exception");
    }
    if (options.deadline.ran_out()) {
        // Something was cut short, whatever else it looked like then (PoDoFo's lenient
        // parse turns the budget's error into broken objects and unreadable pages).
        info.damage = Damage::time_limit;
        info.damage_detail =
            phrase("pdf.budget-structure", {{"milliseconds", std::to_string(options.deadline.budget().count())}});
    }
    return info;
}

}  // namespace detail

namespace {
std::atomic<Deadline::Now> budget_clock_hook{nullptr};

// The budget counts the analysing process's CPU time, not the wall clock: waiting for
// a core on a loaded machine (the gate's children share two) does not use it up, so
// it never blocks a good letter for the machine's sake; the wall clock has its own
// limit (wall-seconds), which kills.
Deadline::Clock::time_point process_cpu_now() {
    timespec t{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return Deadline::Clock::time_point{} + std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}
}  // namespace

namespace detail {
void set_budget_clock(Deadline::Now now) { budget_clock_hook.store(now); }
Deadline::Now budget_clock() {
    const Deadline::Now now = budget_clock_hook.load();
    return now != nullptr ? now : &process_cpu_now;
}
}  // namespace detail

Info analyze(const std::filesystem::path& file, const AnalyzeOptions& options) {
    const Deadline deadline = Deadline::after_milliseconds(options.budget_milliseconds, detail::budget_clock());
    detail::ReadOptions read;
    read.deadline = deadline;
    Info info = detail::analyze_with(file, read);
    if (options.scans_content()) {
        TextLimits limits;
        limits.deadline = deadline;
        detail::scan_content(file, info, options, limits);
    }
    return info;
}

}  // namespace preflight::pdf
