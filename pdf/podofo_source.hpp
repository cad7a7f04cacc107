// PoDoFo's objects as a page_tree::PageTreeSource (pdf/page_tree.hpp): what text
// extraction (read only: Obj = const PdfObject) and fix (which changes the pages
// it is given: Obj = PdfObject) walk the page tree through. Internal to pdf/.
#pragma once

#include "pdf/page_tree.hpp"

#include <podofo/podofo.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace preflight::pdf {

template <class Obj>
class PodofoSource {
public:
    using Node = Obj*;  // nullptr: missing

    explicit PodofoSource(const PoDoFo::PdfVecObjects& objects) : objects_(objects) {}

    // Follows references (a few hops: "5 0 obj 6 0 R endobj" chains); nullptr for
    // a reference to a missing object. A null object is returned as it is.
    Node resolve(Node o) const {
        for (int hops = 0; o != nullptr && hops < 8; ++hops) {
            if (!o->IsReference()) {
                return o;
            }
            o = objects_.GetObject(o->GetReference());
        }
        return nullptr;
    }

    Node resolve_node(Node o, page_tree::NodeKeys<Node>& keys) const {
        o = resolve(o);
        if (o != nullptr && o->IsDictionary()) {
            static const PoDoFo::PdfName type("Type"), kids("Kids"), media("MediaBox"), crop("CropBox"),
                rotate("Rotate"), resources("Resources");
            auto& d = o->GetDictionary();
            keys = {d.GetKey(type), d.GetKey(kids),   d.GetKey(media),
                    d.GetKey(crop), d.GetKey(rotate), d.GetKey(resources)};
        }
        return o;
    }

    static bool missing(Node o) { return o == nullptr; }
    static bool is_dict(Node o) { return o != nullptr && o->IsDictionary(); }
    static bool is_array(Node o) { return o != nullptr && o->IsArray(); }
    static bool is_null(Node o) { return o != nullptr && o->IsNull(); }
    static bool is_name(Node o, std::string_view name) {
        return o != nullptr && o->IsName() && o->GetName().GetName() == name;
    }
    static std::optional<std::uint64_t> ref_key(Node o) {
        if (o == nullptr || !o->IsReference()) {
            return std::nullopt;
        }
        const PoDoFo::PdfReference& r = o->GetReference();
        return (static_cast<std::uint64_t>(r.ObjectNumber()) << 16) | r.GenerationNumber();
    }
    static std::string ref_text(Node o) {
        const PoDoFo::PdfReference& r = o->GetReference();
        return std::to_string(r.ObjectNumber()) + " " + std::to_string(r.GenerationNumber()) + " R";
    }
    static std::size_t first_kid(Node /*kids*/) { return 0; }
    static bool next_kid(Node kids, std::size_t& next, Node& out) {
        auto& a = kids->GetArray();
        if (next >= a.size()) {
            return false;
        }
        out = &a[next++];
        return true;
    }

private:
    const PoDoFo::PdfVecObjects& objects_;
};

}  // namespace preflight::pdf
