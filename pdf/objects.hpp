// PoDoFo's objects as the content pass reads them (pdf/content.cpp, pdf/fonts.cpp):
// references followed, dictionary values by constant keys, and streams decoded
// within a cap. Internal to pdf/.
//
// Streams: PoDoFo reads exactly /Length bytes; when the bytes up to "endstream"
// are more than that (a /Length too short: PoDoFo would drop the rest without an
// error), or PoDoFo cannot decode the stream, those bytes go through PoDoFo's
// filters instead (unencrypted files only). An object PoDoFo cannot parse at all
// (a stream without /Length) stays unreadable: a page error.
#pragma once

#include "pdf/podofo_io.hpp"
#include "pdf/podofo_source.hpp"

#include <podofo/podofo.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace preflight::pdf::content {

using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfVecObjects;

// Thrown to stop the whole extraction (a document-wide limit was reached).
struct Stop {
    std::string why;
};

class Objects {
public:
    // `pdf`: the bytes PoDoFo parsed (for streams it cannot read); `encrypted`:
    // those bytes are not the plain data.
    Objects(const PdfVecObjects& objects, std::string_view pdf, bool encrypted)
        : objects_(objects), pdf_(pdf), encrypted_(encrypted) {}

    // The same objects as the page-tree walk reads them.
    [[nodiscard]] PodofoSource<const PdfObject> source() const { return PodofoSource<const PdfObject>(objects_); }

    // Follows references (a few hops); nullptr for a missing object or null.
    const PdfObject* resolve(const PdfObject* o) const {
        for (int hops = 0; o != nullptr && hops < 8; ++hops) {
            if (!o->IsReference()) {
                return o->IsNull() ? nullptr : o;
            }
            o = objects_.GetObject(o->GetReference());
        }
        return nullptr;
    }
    // dict[key], resolved; nullptr when absent, or when `dict` is not a dictionary.
    const PdfObject* get(const PdfObject* dict, const PdfName& key) const {
        if (dict == nullptr || !dict->IsDictionary()) {
            return nullptr;
        }
        return resolve(dict->GetDictionary().GetKey(key));
    }
    const PdfObject* get_dict(const PdfObject* dict, const PdfName& key) const {
        const PdfObject* v = get(dict, key);
        return v != nullptr && v->IsDictionary() ? v : nullptr;
    }
    static std::optional<double> number(const PdfObject* o) { return podofo::number_of(o); }
    std::optional<double> get_number(const PdfObject* dict, const PdfName& key) const { return number(get(dict, key)); }
    std::string get_name(const PdfObject* dict, const PdfName& key) const {
        const PdfObject* v = get(dict, key);
        return v != nullptr && v->IsName() ? v->GetName().GetName() : std::string();
    }

    // The decoded data of a stream object, at most `cap` bytes; `capped` tells
    // whether there was more. Throws PdfError for unreadable streams.
    //
    // PoDoFo reads exactly /Length bytes. When /Length is too short it silently
    // drops the rest (text lost without an error); when it is missing or points
    // past the data, the stream is unreadable. Readers take the bytes up to
    // "endstream" instead, and so do we for unencrypted objects that sit in the
    // file: when they are more than PoDoFo read, or PoDoFo could not decode.
    std::string decode(const PdfObject* stream, std::size_t cap, bool& capped) const;

private:
    // The bytes between "stream" and "endstream" of an object parsed from the file.
    bool raw_stream(const PdfObject* o, std::string_view& raw) const;
    // `raw` through the stream's /Filter chain (PoDoFo's filters) into `sink`.
    static void decode_raw(const PdfObject* stream, std::string_view raw, PoDoFo::PdfOutputStream& sink);

    const PdfVecObjects& objects_;
    std::string_view pdf_;
    bool encrypted_;
};

// The constant keys used here, built once each (a PdfName holds a std::string).
// Names that come from the file are never put here.
const PdfName& key(std::string_view k);

// "16 MiB"
inline std::string mib(std::size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

}  // namespace preflight::pdf::content
