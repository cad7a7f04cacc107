#include "docx/doctext.hpp"

#include "base/error.hpp"
#include "base/text.hpp"

#include <zip.h>
#include <pugixml.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace preflight::doctext {
namespace {

void put_utf8(std::string& out, char32_t c) { text::append_utf8(out, c); }

// Length of the valid UTF-8 prefix of s.
std::size_t valid_utf8_prefix(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
        if (len == 0 || c > 0xF4 || i + len > s.size()) {
            return i;
        }
        for (std::size_t k = 1; k < len; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
                return i;
            }
        }
        const auto c1 = static_cast<unsigned char>(s[i + 1]);
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) ||
            (c == 0xF4 && c1 >= 0x90)) {
            return i;
        }
        i += len;
    }
    return i;
}

std::string from_utf16(std::string_view bytes, bool big_endian) {
    std::string out;
    out.reserve(bytes.size());
    auto unit = [&](std::size_t i) -> char32_t {
        const auto a = static_cast<unsigned char>(bytes[i]);
        const auto b = static_cast<unsigned char>(bytes[i + 1]);
        return big_endian ? static_cast<char32_t>((a << 8) | b) : static_cast<char32_t>((b << 8) | a);
    };
    for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
        char32_t c = unit(i);
        if (c >= 0xD800 && c <= 0xDBFF && i + 3 < bytes.size()) {
            const char32_t low = unit(i + 2);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
                i += 2;
            }
        }
        put_utf8(out, c);
    }
    return out;
}

std::string from_windows_1252(std::string_view bytes) {
    static constexpr std::array<char16_t, 32> high = {0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
                                                      0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 8);
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        put_utf8(out, c >= 0x80 && c < 0xA0 ? high[c - 0x80] : c);
    }
    return out;
}

// Plain text in whatever encoding it most likely has, as UTF-8. `cut`: the file
// went on past these bytes (a UTF-8 sequence may be cut at the end).
std::string plain_to_utf8(std::string_view bytes, bool cut) {
    if (bytes.starts_with("\xef\xbb\xbf")) {
        bytes.remove_prefix(3);
    } else if (bytes.starts_with("\xff\xfe")) {
        return from_utf16(bytes.substr(2), false);
    } else if (bytes.starts_with("\xfe\xff")) {
        return from_utf16(bytes.substr(2), true);
    }
    const std::size_t valid = valid_utf8_prefix(bytes);
    if (valid == bytes.size() || (cut && bytes.size() - valid < 4 && valid > 0)) {
        return std::string(bytes.substr(0, valid));
    }
    return from_windows_1252(bytes);
}

std::optional<DocumentText> plain_text(const std::filesystem::path& file, const Limits& limits) {
    DocumentText out;
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        out.error = phrase("docx.open");
        return out;
    }
    std::string bytes(limits.max_plain_bytes + 1, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad()) {
        out.error = phrase("docx.read");
    }
    if (bytes.size() > limits.max_plain_bytes) {
        bytes.resize(limits.max_plain_bytes);
        out.truncated = true;
    }
    out.text = plain_to_utf8(bytes, out.truncated);
    if (out.text.size() > limits.max_text_bytes) {
        // Cut at the cap, but not inside a UTF-8 sequence.
        out.text.resize(valid_utf8_prefix(std::string_view(out.text).substr(0, limits.max_text_bytes)));
        out.truncated = true;
    }
    return out;
}

// --- DOCX ---------------------------------------------------------------------

// Why libzip failed, as a phrase (catalogue "zip.*"), from its error code.
std::string zip_reason(int code) {
    switch (code) {
        case ZIP_ER_NOZIP:
            return phrase("zip.not-zip");
        case ZIP_ER_INCONS:
        case ZIP_ER_EOF:
            return phrase("zip.inconsistent");
        case ZIP_ER_CRC:
            return phrase("zip.crc");
        case ZIP_ER_COMPNOTSUPP:
            return phrase("zip.compression");
        case ZIP_ER_ENCRNOTSUPP:
        case ZIP_ER_NOPASSWD:
        case ZIP_ER_WRONGPASSWD:
            return phrase("zip.encrypted");
        case ZIP_ER_MEMORY:
            return phrase("zip.memory");
        case ZIP_ER_OPEN:
        case ZIP_ER_READ:
        case ZIP_ER_SEEK:
            return phrase("zip.read");
        default:
            return phrase("zip.other", {{"code", std::to_string(code)}});
    }
}

class Zip {
public:
    explicit Zip(const std::filesystem::path& file) {
        int code = 0;
        zip_ = zip_open(file.c_str(), ZIP_RDONLY, &code);
        if (zip_ == nullptr) {
            error_ = zip_reason(code);
        }
    }
    ~Zip() {
        if (zip_ != nullptr) {
            zip_discard(zip_);
        }
    }
    Zip(const Zip&) = delete;
    Zip& operator=(const Zip&) = delete;

    [[nodiscard]] zip_t* get() const { return zip_; }
    [[nodiscard]] const std::string& error() const { return error_; }

private:
    zip_t* zip_ = nullptr;
    std::string error_;
};

// Reads entry `index` into `out` until it ends or `budget` bytes are read
// (`capped` then). False with `error` set when libzip reports a problem (a
// corrupt or encrypted entry); `out` holds what was read before it.
bool read_entry(zip_t* zip, zip_uint64_t index, std::size_t budget, std::string& out, bool& capped,
                std::string& error) {
    zip_file_t* f = zip_fopen_index(zip, index, 0);
    if (f == nullptr) {
        error = zip_reason(zip_error_code_zip(zip_get_error(zip)));
        return false;
    }
    std::array<char, 1 << 16> buf{};
    bool ok = true;
    for (;;) {
        const std::size_t room = budget - out.size();
        const zip_int64_t n = zip_fread(f, buf.data(), std::min<std::size_t>(buf.size(), room + 1));
        if (n < 0) {
            error = zip_reason(zip_error_code_zip(zip_file_get_error(f)));
            ok = false;
            break;
        }
        if (n == 0) {
            break;
        }
        const auto got = static_cast<std::size_t>(n);
        if (got > room) {
            out.append(buf.data(), room);
            capped = true;
            break;
        }
        out.append(buf.data(), got);
    }
    zip_fclose(f);
    return ok;
}

std::string_view local_name(const char* name) {
    const std::string_view n(name);
    const std::size_t colon = n.find(':');
    return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

// Appends the text of a WordprocessingML part; false when the text cap is hit.
class TextWriter {
public:
    TextWriter(std::string& out, std::size_t cap) : out_(out), cap_(cap) {}

    bool walk(const pugi::xml_node& root) {
        pugi::xml_node n = root.first_child();
        while (n) {
            if (!begin(n)) {
                return false;
            }
            if (n.first_child()) {
                n = n.first_child();
                continue;
            }
            // Leave n and every ancestor that has no next sibling.
            while (n && n != root) {
                if (!end(n)) {
                    return false;
                }
                if (n.next_sibling()) {
                    n = n.next_sibling();
                    break;
                }
                n = n.parent();
            }
            if (n == root) {
                break;
            }
        }
        return true;
    }

private:
    static bool is_text_element(const pugi::xml_node& e) {
        if (e.type() != pugi::node_element) {
            return false;
        }
        const std::string_view name = local_name(e.name());
        return name == "t" || name == "delText";
    }

    bool begin(const pugi::xml_node& n) {
        if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) {
            return is_text_element(n.parent()) ? append(n.value()) : true;
        }
        if (n.type() != pugi::node_element) {
            return true;
        }
        const std::string_view name = local_name(n.name());
        if (name == "tab") {
            return append("\t");
        }
        if (name == "br" || name == "cr") {
            return append("\n");
        }
        if (name == "noBreakHyphen") {
            return append("\xe2\x80\x91");  // U+2011
        }
        return true;
    }

    bool end(const pugi::xml_node& n) {
        if (n.type() == pugi::node_element && local_name(n.name()) == "p") {
            return newline();
        }
        return true;
    }

    bool newline() {
        if (!out_.empty() && out_.back() != '\n') {
            return append("\n");
        }
        return true;
    }

    bool append(std::string_view s) {
        if (out_.size() + s.size() > cap_) {
            return false;
        }
        out_.append(s);
        return true;
    }

    std::string& out_;
    std::size_t cap_;
};

// The parts of a DOCX we read, in reading order: (name, index).
std::vector<std::pair<std::string, zip_uint64_t>> word_parts(zip_t* zip) {
    std::vector<std::pair<std::string, zip_uint64_t>> headers;
    std::vector<std::pair<std::string, zip_uint64_t>> footers;
    std::vector<std::pair<std::string, zip_uint64_t>> parts;
    std::vector<std::pair<std::string, zip_uint64_t>> notes;
    const zip_int64_t n = zip_get_num_entries(zip, 0);
    for (zip_int64_t i = 0; i < n && i < 100'000; ++i) {
        const char* raw = zip_get_name(zip, static_cast<zip_uint64_t>(i), 0);
        if (raw == nullptr) {
            continue;
        }
        const std::string name(raw);
        const auto index = static_cast<zip_uint64_t>(i);
        if (name == "word/document.xml") {
            parts.emplace_back(name, index);
        } else if (!name.starts_with("word/") || !name.ends_with(".xml") || name.find('/', 5) != std::string::npos) {
            continue;
        } else if (name.starts_with("word/header")) {
            headers.emplace_back(name, index);
        } else if (name.starts_with("word/footer")) {
            footers.emplace_back(name, index);
        } else if (name == "word/footnotes.xml" || name == "word/endnotes.xml" || name == "word/comments.xml") {
            notes.emplace_back(name, index);
        }
    }
    if (parts.empty()) {
        return parts;
    }
    // header2 before header10; footnotes, endnotes, comments in that order.
    auto natural = [](const auto& a, const auto& b) {
        return a.first.size() != b.first.size() ? a.first.size() < b.first.size() : a.first < b.first;
    };
    std::sort(headers.begin(), headers.end(), natural);
    std::sort(footers.begin(), footers.end(), natural);
    auto rank = [](const std::string& name) {
        return name == "word/footnotes.xml" ? 0 : name == "word/endnotes.xml" ? 1 : 2;
    };
    std::sort(notes.begin(), notes.end(), [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
    for (auto* group : {&headers, &footers, &notes}) {
        parts.insert(parts.end(), group->begin(), group->end());
    }
    return parts;
}

// The first errors of a document's parts, one after the other (three at most).
void add_error(DocumentText& out, const std::string& why) {
    if (out.error.empty()) {
        out.error = why;
    } else if (const auto joined = out.error.find("docx.errors");
               joined == std::string::npos || out.error.find("docx.errors", joined + 1) == std::string::npos) {
        out.error = phrase("docx.errors", {}, {{"first", out.error}, {"next", why}});
    }
}

// Cuts `xml` before its (max + 1)-th element so that pugixml's DOM stays bounded.
bool cap_elements(std::string& xml, std::size_t max) {
    std::size_t count = 0;
    for (std::size_t at = xml.find('<'); at != std::string::npos; at = xml.find('<', at + 1)) {
        if (at + 1 < xml.size() && xml[at + 1] != '/' && xml[at + 1] != '?' && xml[at + 1] != '!' && ++count > max) {
            xml.resize(at);
            return true;
        }
    }
    return false;
}

std::optional<DocumentText> docx_text(const std::filesystem::path& file, bool must_be_docx, const Limits& limits) {
    DocumentText out;
    const Zip zip(file);
    if (zip.get() == nullptr) {
        if (!must_be_docx) {
            return std::nullopt;
        }
        out.error = zip.error();
        return out;
    }
    const auto parts = word_parts(zip.get());
    if (parts.empty()) {
        if (!must_be_docx) {
            return std::nullopt;  // some other zip
        }
        out.error = phrase("docx.no-document");
        return out;
    }
    std::size_t read_total = 0;
    for (const auto& [name, index] : parts) {
        if (read_total >= limits.max_zip_bytes) {
            out.truncated = true;
            break;
        }
        std::string xml;
        bool capped = false;
        std::string error;
        if (!read_entry(zip.get(), index, limits.max_zip_bytes - read_total, xml, capped, error)) {
            add_error(out, phrase("docx.part", {{"part", name}}, {{"reason", error}}));
        }
        read_total += xml.size();
        if (capped) {
            out.truncated = true;
        }
        if (cap_elements(xml, limits.max_xml_elements)) {
            capped = true;
            out.truncated = true;
        }
        if (xml.empty()) {
            continue;
        }
        pugi::xml_document doc;
        const pugi::xml_parse_result parsed = doc.load_buffer_inplace(
            xml.data(), xml.size(), pugi::parse_default | pugi::parse_ws_pcdata_single, pugi::encoding_auto);
        if (!parsed && !capped) {
            // A cut part ends in the middle of an element: expected, not an error.
            add_error(out, phrase("docx.xml", {{"part", name}, {"offset", std::to_string(parsed.offset)}}));
        }
        if (!out.text.empty() && out.text.back() != '\n') {
            out.text += '\n';
        }
        TextWriter writer(out.text, limits.max_text_bytes);
        if (!writer.walk(doc)) {
            out.truncated = true;
            break;
        }
    }
    while (!out.text.empty() && out.text.back() == '\n') {
        out.text.pop_back();
    }
    return out;
}

bool is_zip(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::array<char, 4> magic{};
    in.read(magic.data(), magic.size());
    return in.gcount() == 4 && std::string_view(magic.data(), 4) == std::string_view("PK\x03\x04", 4);
}

}  // namespace

Kind kind_of(std::string_view mime_type) {
    if (mime_type == "text/plain") {
        return Kind::plain_text;
    }
    if (mime_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document" ||
        mime_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.template" ||
        mime_type == "application/vnd.ms-word.document.macroEnabled.12" ||
        mime_type == "application/vnd.ms-word.template.macroEnabled.12") {
        return Kind::docx;
    }
    if (mime_type == "application/zip" || mime_type == "application/x-zip-compressed" ||
        mime_type == "application/octet-stream") {
        return Kind::zip_maybe_docx;
    }
    return Kind::none;
}

std::optional<DocumentText> document_text(const std::filesystem::path& file, std::string_view mime_type,
                                          const Limits& limits) {
    try {
        switch (kind_of(mime_type)) {
            case Kind::plain_text:
                return plain_text(file, limits);
            case Kind::docx:
                return docx_text(file, true, limits);
            case Kind::zip_maybe_docx:
                if (!is_zip(file)) {
                    return std::nullopt;
                }
                return docx_text(file, false, limits);
            case Kind::none:
                return std::nullopt;
        }
    } catch (const std::bad_alloc&) {
        return DocumentText{{}, true, phrase("zip.memory")};
    } catch (const std::exception& e) {
        return DocumentText{{}, true, phrase("docx.internal", {{"detail", e.what()}})};
    }
    return std::nullopt;
}

namespace {

// Every section's page setup; with `must_be_docx`, a file that is no zip holding
// word/document.xml is a layout with `error` set instead of nullopt.
std::optional<DocxLayout> layout_of(const std::filesystem::path& file, bool must_be_docx, const Limits& limits) {
    DocxLayout out;
    const Zip zip(file);
    if (zip.get() == nullptr) {
        if (!must_be_docx) {
            return std::nullopt;
        }
        out.error = zip.error();
        return out;
    }
    const zip_int64_t entries = zip_get_num_entries(zip.get(), 0);
    if (entries < 0 || static_cast<std::uint64_t>(entries) > limits.max_zip_entries) {
        // Checked before any name lookup: libzip builds its name index on the first one.
        out.error = phrase("docx.too-many-entries",
                           {{"count", std::to_string(entries)}, {"limit", std::to_string(limits.max_zip_entries)}});
        return out;
    }
    const zip_int64_t index = zip_name_locate(zip.get(), "word/document.xml", 0);
    if (index < 0) {
        if (!must_be_docx) {
            return std::nullopt;
        }
        out.error = phrase("docx.no-document");
        return out;
    }
    // A part that says it inflates past the cap is not inflated at all (a zip bomb
    // costs nothing); one that lies about its size is cut by read_entry.
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip.get(), static_cast<zip_uint64_t>(index), 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) != 0 &&
        st.size > limits.max_zip_bytes) {
        out.truncated = true;
        out.error = phrase("docx.too-large", {{"part", "word/document.xml"},
                                              {"size", std::to_string(st.size)},
                                              {"limit", std::to_string(limits.max_zip_bytes)}});
        return out;
    }
    std::string xml;
    bool capped = false;
    std::string error;
    if (!read_entry(zip.get(), static_cast<zip_uint64_t>(index), limits.max_zip_bytes, xml, capped, error)) {
        out.error = phrase("docx.part", {{"part", "word/document.xml"}}, {{"reason", error}});
    }
    if (cap_elements(xml, limits.max_xml_elements)) {
        capped = true;
    }
    out.truncated = capped;
    pugi::xml_document doc;
    const pugi::xml_parse_result parsed =
        doc.load_buffer_inplace(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_auto);
    if (!parsed && !capped && out.error.empty()) {
        out.error = phrase("docx.xml", {{"part", "word/document.xml"}, {"offset", std::to_string(parsed.offset)}});
    }
    // Every w:sectPr in document order, iteratively (no recursion on hostile nesting).
    // Tracked changes keep the section's former setup in w:sectPrChange: not a section.
    std::vector<pugi::xml_node> stack{doc};
    while (!stack.empty()) {
        const pugi::xml_node node = stack.back();
        stack.pop_back();
        if (node.type() == pugi::node_element && local_name(node.name()) == "sectPrChange") {
            continue;
        }
        if (node.type() == pugi::node_element && local_name(node.name()) == "sectPr") {
            PageSetup setup;
            setup.section = static_cast<int>(out.sections.size()) + 1;
            for (const pugi::xml_node child : node.children()) {
                if (child.type() != pugi::node_element || local_name(child.name()) != "pgSz") {
                    continue;
                }
                for (const pugi::xml_attribute a : child.attributes()) {
                    const std::string_view name = local_name(a.name());
                    if (name == "w") {
                        setup.width_twips = a.as_llong(-1);
                    } else if (name == "h") {
                        setup.height_twips = a.as_llong(-1);
                    } else if (name == "orient") {
                        setup.orient = a.value();
                    }
                }
                setup.has_size = setup.width_twips > 0 && setup.height_twips > 0;
            }
            out.sections.push_back(std::move(setup));
            continue;  // a sectPr holds no other sectPr
        }
        std::vector<pugi::xml_node> children;
        for (const pugi::xml_node child : node.children()) {
            children.push_back(child);
        }
        stack.insert(stack.end(), children.rbegin(), children.rend());
    }
    return out;
}

}  // namespace

std::optional<DocxLayout> docx_layout(const std::filesystem::path& file, const Limits& limits) {
    try {
        return layout_of(file, false, limits);
    } catch (const std::bad_alloc&) {
        return DocxLayout{{}, true, phrase("zip.memory")};
    }
}

std::optional<DocxLayout> docx_layout(const std::filesystem::path& file, std::string_view mime_type,
                                      const Limits& limits) {
    try {
        switch (kind_of(mime_type)) {
            case Kind::docx:
                return layout_of(file, true, limits);
            case Kind::zip_maybe_docx:
                return is_zip(file) ? layout_of(file, false, limits) : std::nullopt;
            case Kind::plain_text:
            case Kind::none:
                return std::nullopt;
        }
    } catch (const std::bad_alloc&) {
        return DocxLayout{{}, true, phrase("zip.memory")};
    } catch (const std::exception& e) {
        return DocxLayout{{}, false, phrase("docx.internal", {{"detail", e.what()}})};
    }
    return std::nullopt;
}

std::optional<std::string> ooxml_type(const std::filesystem::path& file, const Limits& limits) {
    // The main part's content type -> the file's MIME type.
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kMain{{
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.template"},
        {"application/vnd.ms-word.document.macroEnabled.main+xml", "application/vnd.ms-word.document.macroEnabled.12"},
        {"application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
         "application/vnd.ms-word.template.macroEnabled.12"},
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
         "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    }};
    constexpr std::size_t kMaxContentTypesBytes = std::size_t{1} << 20;
    const Zip zip(file);
    if (zip.get() == nullptr) {
        return std::nullopt;
    }
    const zip_int64_t entries = zip_get_num_entries(zip.get(), 0);
    if (entries < 0 || static_cast<std::uint64_t>(entries) > limits.max_zip_entries) {
        return std::nullopt;  // before any name lookup, as layout_of()
    }
    const zip_int64_t index = zip_name_locate(zip.get(), "[Content_Types].xml", 0);
    if (index < 0) {
        return std::nullopt;
    }
    std::string xml;
    bool capped = false;
    std::string error;
    if (!read_entry(zip.get(), static_cast<zip_uint64_t>(index), kMaxContentTypesBytes, xml, capped, error) || capped) {
        return std::nullopt;
    }
    pugi::xml_document doc;
    if (!doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8)) {
        return std::nullopt;
    }
    for (const pugi::xml_node& o : doc.document_element().children()) {
        if (local_name(o.name()) != "Override") {
            continue;
        }
        const std::string_view type = o.attribute("ContentType").value();
        const auto* main = std::find_if(kMain.begin(), kMain.end(), [&](const auto& m) { return m.first == type; });
        std::string_view part = o.attribute("PartName").value();
        if (main == kMain.end() || part.empty()) {
            continue;
        }
        if (part.front() == '/') {
            part.remove_prefix(1);
        }
        if (zip_name_locate(zip.get(), std::string(part).c_str(), 0) >= 0) {
            return std::string(main->second);
        }
    }
    return std::nullopt;
}

}  // namespace preflight::doctext
