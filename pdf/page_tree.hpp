// The one walk of a PDF's page tree, in page order: used by the analysis
// (pdf/analyze.cpp), text extraction and the content pass (pdf/text.cpp) and fix
// (pdf/fix.cpp), so that all of them find the same pages in the same order and
// number them alike. Internal to pdf/.
//
// The walk reads objects through an object source (the PageTreeSource concept
// below). Two sources implement it: the analysis's own (pdf/analyze.cpp: our xref
// reader and lexer, with PoDoFo behind them) and PodofoSource (pdf/podofo_source.hpp,
// PoDoFo's objects, which text extraction and fix read through). Fix writes
// through PoDoFo; the walk only reads.
//
// The rules (the analysis's, which the others followed with differences until
// issue 24; docs/design.md lists them):
// - The catalogue's /Pages may be a page itself: it is then the only page (readers
//   show it).
// - A node is an inner node when its /Type is /Pages, a page when it is /Page, and
//   otherwise an inner node exactly when it has /Kids.
// - An inner /Pages node is entered once: a second visit is a cycle (or a DAG that
//   could multiply the pages exponentially), reported and skipped. A page listed
//   twice is two pages, as poppler, pdfium and qpdf show it.
// - Deeper than max_depth levels, a /Kids entry that is missing, null or not a
//   dictionary, or an inner node without a /Kids array: reported, no page.
// - Resources, MediaBox, CropBox and Rotate are inherited: a node's own value
//   (unresolved) when it has the key with a value other than null (PDF 2.0, 7.3.9:
//   null is absent), else its parent's.
// - An object that PoDoFo cannot read ends that entry (reported), not the walk.
#pragma once

#include "pdf/podofo_io.hpp"

#include <podofo/podofo.h>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace preflight::pdf::page_tree {

// Balanced trees of real documents stay far below (a fan-out of 2 reaches 2^64
// pages at depth 64).
constexpr std::size_t max_depth = 256;

// The keys of a page-tree node, as values (references not followed).
template <class Node>
struct NodeKeys {
    Node type, kids, media, crop, rotate, resources;
};

// What a page inherits (see the rules above).
template <class Node>
struct Inherited {
    Node media, crop, rotate, resources;
};

// What the walk reads objects through. A Node is a value: a reference, a direct
// object, or missing.
template <class S>
concept PageTreeSource = requires(const S& s, const typename S::Node& n, typename S::Node& out,
                                  NodeKeys<typename S::Node>& keys, std::size_t& next) {
    { s.resolve(n) } -> std::same_as<typename S::Node>;             // references followed; missing when absent
    { s.resolve_node(n, keys) } -> std::same_as<typename S::Node>;  // ... and, for a dictionary, its node keys
    { s.missing(n) } -> std::same_as<bool>;
    { s.is_dict(n) } -> std::same_as<bool>;
    { s.is_array(n) } -> std::same_as<bool>;
    { s.is_null(n) } -> std::same_as<bool>;
    { s.is_name(n, std::string_view{}) } -> std::same_as<bool>;
    { s.ref_key(n) } -> std::same_as<std::optional<std::uint64_t>>;  // a reference's identity
    { s.ref_text(n) } -> std::same_as<std::string>;                  // "12 0 R"
    { s.first_kid(n) } -> std::same_as<std::size_t>;                 // where next_kid starts in an array
    { s.next_kid(n, next, out) } -> std::same_as<bool>;              // the element at `next`, advancing it
};

// What the walk tells: root(dict) once before any page, page() for each page in
// order (`entry` is the value that led to it: the /Kids element, or the
// catalogue's /Pages), problem() for each part of the tree it had to leave out.
template <class V, class Node>
concept PageTreeVisitor = requires(V& v, const Node& n, const NodeKeys<Node>& k, const Inherited<Node>& in,
                                   std::string why) {
    v.root(n);
    v.page(n, n, k, in);
    v.problem(std::move(why));
};

template <PageTreeSource S>
class Walk {
public:
    using Node = typename S::Node;
    using Keys = NodeKeys<Node>;

    explicit Walk(const S& source) : s_(source) {}

    // Walks the tree whose root is `root_value` (the catalogue's /Pages). Returns
    // false, having told the visitor, when that is not a dictionary.
    template <class V>
    requires PageTreeVisitor<V, Node>
    bool run(const Node& root_value, V& visitor) {
        Keys root_keys;
        const Node root = s_.resolve_node(root_value, root_keys);
        if (!s_.is_dict(root)) {
            visitor.problem("no page tree root (/Pages)");
            return false;
        }
        visitor.root(root);
        if (const auto key = s_.ref_key(root_value)) {
            visited_.insert(*key);
        }
        if (!is_pages_node(root_keys)) {
            visitor.page(root_value, root, root_keys, inherit(root_keys, {}));
            return true;
        }
        push(root_keys, {}, visitor);
        while (!levels_.empty()) {
            Level& level = levels_.back();
            Node kid;
            if (!s_.next_kid(level.kids, level.next, kid)) {
                levels_.pop_back();
                continue;
            }
            const Inherited<Node> inherited = level.inherited;  // push() may reallocate
            visit_kid(kid, inherited, visitor);
        }
        return true;
    }

private:
    struct Level {
        Node kids;  // a resolved array
        std::size_t next = 0;
        Inherited<Node> inherited;
    };

    bool present(const Node& n) const { return !s_.missing(n) && !s_.is_null(n); }

    Inherited<Node> inherit(const Keys& k, Inherited<Node> from) const {
        if (present(k.media)) {
            from.media = k.media;
        }
        if (present(k.crop)) {
            from.crop = k.crop;
        }
        if (present(k.rotate)) {
            from.rotate = k.rotate;
        }
        if (present(k.resources)) {
            from.resources = k.resources;
        }
        return from;
    }

    bool is_pages_node(const Keys& k) const {
        if (const Node type = s_.resolve(k.type); !s_.missing(type)) {
            if (s_.is_name(type, "Pages")) {
                return true;
            }
            if (s_.is_name(type, "Page")) {
                return false;
            }
        }
        return !s_.missing(k.kids);  // no usable /Type: a node with /Kids is an inner node
    }

    // Descends into an inner node; tells the visitor when that is not possible.
    template <class V>
    void push(const Keys& k, const Inherited<Node>& inherited, V& visitor) {
        if (levels_.size() >= max_depth) {
            visitor.problem("page tree deeper than " + std::to_string(max_depth) + " levels");
            return;
        }
        const Node kids = s_.resolve(k.kids);
        if (!s_.is_array(kids)) {
            visitor.problem("a /Pages node without a /Kids array");
            return;
        }
        levels_.push_back(Level{kids, s_.first_kid(kids), inherit(k, inherited)});
    }

    template <class V>
    void visit_kid(const Node& kid, const Inherited<Node>& inherited, V& visitor) {
        const std::optional<std::uint64_t> key = s_.ref_key(kid);
        auto where = [&] { return key ? s_.ref_text(kid) : std::string("an entry"); };
        try {
            Keys k;
            const Node node = s_.resolve_node(kid, k);
            if (s_.missing(node)) {
                visitor.problem("/Kids refers to missing object " + where());
            } else if (!s_.is_dict(node)) {
                visitor.problem(where() + " in /Kids is " + (s_.is_null(node) ? "null" : "not a dictionary"));
            } else if (!is_pages_node(k)) {
                visitor.page(kid, node, k, inherit(k, inherited));
            } else if (key && !visited_.insert(*key).second) {
                visitor.problem("page tree cycle or repeated /Pages node at " + where());
            } else {
                push(k, inherited, visitor);
            }
        } catch (const PoDoFo::PdfError& e) {
            // PoDoFo could not parse the object itself: the tree is broken here.
            visitor.problem(where() + " in /Kids could not be read: " + podofo::error_name(e));
        }
    }

    const S& s_;
    std::vector<Level> levels_;
    std::unordered_set<std::uint64_t> visited_;
};

}  // namespace preflight::pdf::page_tree
