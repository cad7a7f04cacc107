#include "pdf/raw.hpp"

#include "pdf/lexer.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>

namespace preflight::pdf::raw {

MappedFile::MappedFile(const std::filesystem::path& file) {
    // O_NONBLOCK: opening a FIFO must not block; it is refused below anyway.
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        error_ = std::string("cannot open: ") + std::strerror(errno);
        return;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        error_ = std::string("cannot stat: ") + std::strerror(errno);
    } else if (!S_ISREG(st.st_mode)) {
        error_ = "not a regular file";
    } else if (st.st_size > 0) {
        size_ = static_cast<std::size_t>(st.st_size);
        void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            error_ = std::string("cannot map: ") + std::strerror(errno);
            size_ = 0;
        } else {
            data_ = static_cast<const char*>(p);
            mapped_ = true;
            // The parser seeks around; sequential read-ahead is still the better guess.
            ::madvise(p, size_, MADV_WILLNEED);
        }
    }
    ::close(fd);
}

MappedFile::~MappedFile() {
    if (mapped_) {
        ::munmap(const_cast<char*>(data_), size_);
    }
}

std::optional<std::size_t> find_header(std::string_view file) {
    const std::string_view window = file.substr(0, header_search_window);
    const auto pos = window.find("%PDF-");
    if (pos == std::string_view::npos) {
        return std::nullopt;
    }
    return pos;
}

std::string header_version(std::string_view from_header) {
    if (!from_header.starts_with("%PDF-")) {
        return {};
    }
    std::string_view rest = from_header.substr(5, 16);
    std::size_t i = 0;
    auto digits = [&] {
        const std::size_t start = i;
        while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9' && i - start < 3) {
            ++i;
        }
        return i > start;
    };
    if (!digits() || i >= rest.size() || rest[i] != '.') {
        return {};
    }
    ++i;
    if (!digits()) {
        return {};
    }
    return std::string(rest.substr(0, i));
}

std::optional<std::size_t> find_last_eof_end(std::string_view file) {
    // Look for "%EOF" preceded by '%': memrchr for '%' jumps over everything else.
    const char* const begin = file.data();
    std::size_t len = file.size();
    while (len >= 5) {
        const void* hit = ::memrchr(begin, '%', len - 3);  // the second '%' of "%%EOF"
        if (hit == nullptr) {
            return std::nullopt;
        }
        const char* p = static_cast<const char*>(hit);
        const std::size_t at = static_cast<std::size_t>(p - begin);
        if (at >= 1 && p[-1] == '%' && std::memcmp(p + 1, "EOF", 3) == 0) {
            std::size_t end = at + 4;
            if (end < file.size() && file[end] == '\r') {
                ++end;
            }
            if (end < file.size() && file[end] == '\n') {
                ++end;
            }
            return end;
        }
        len = at;
    }
    return std::nullopt;
}

namespace {

constexpr std::size_t trailer_window = 4096;

std::optional<std::size_t> startxref_offset(std::string_view tail) {
    const auto pos = tail.rfind("startxref");
    if (pos == std::string_view::npos) {
        return std::nullopt;
    }
    std::size_t i = pos + 9;
    while (i < tail.size() && (tail[i] == ' ' || tail[i] == '\r' || tail[i] == '\n' || tail[i] == '\t')) {
        ++i;
    }
    std::size_t value = 0;
    const auto [ptr, ec] = std::from_chars(tail.data() + i, tail.data() + tail.size(), value);
    if (ec != std::errc() || ptr == tail.data() + i) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

bool trailer_mentions_encrypt(std::string_view file) {
    const auto eof = find_last_eof_end(file);
    const std::size_t end = eof ? *eof : file.size();
    const std::size_t start = end > trailer_window ? end - trailer_window : 0;
    const std::string_view tail = file.substr(start, end - start);
    if (tail.find("/Encrypt") != std::string_view::npos) {
        return true;
    }
    if (const auto xref = startxref_offset(tail); xref && *xref < file.size()) {
        const std::string_view dict = file.substr(*xref, trailer_window);
        // An xref stream's dictionary comes before its data.
        const auto data = dict.find("stream");
        if (dict.substr(0, data).find("/Encrypt") != std::string_view::npos) {
            return true;
        }
    }
    return false;
}

namespace {

// The value of `key` in a dict read by the lexer (kind invalid if absent).
lex::Value dict_get(const lex::Value& dict, std::string_view key) {
    lex::Value out;
    lex::for_each_entry(dict, [&](std::string_view name, const lex::Value& v) {
        if (lex::name_equals(name, key)) {
            out = v;  // the last of duplicate keys wins, as in PoDoFo
        }
        return true;
    });
    return out;
}

// The dictionary after "N G obj" at `pos` (white space allowed before).
bool read_object_dict(std::string_view pdf, std::size_t pos, lex::Value& dict) {
    lex::Value num;
    lex::Value gen;
    if (!lex::read_value(pdf, pos, num) || num.kind != lex::Kind::integer || !lex::read_value(pdf, pos, gen) ||
        gen.kind != lex::Kind::integer) {
        return false;
    }
    lex::skip_space(pdf, pos);
    if (pdf.substr(pos, 3) != "obj") {
        return false;
    }
    pos += 3;
    return lex::read_value(pdf, pos, dict) && dict.kind == lex::Kind::dict;
}

// Where the last "N G obj" for a reference starts, at a token boundary.
std::optional<std::size_t> find_object(std::string_view pdf, const lex::Value& ref) {
    const std::string needle = std::to_string(ref.integer) + " " + std::to_string(ref.generation) + " obj";
    std::size_t end = pdf.size();
    while (end > 0) {
        const auto at = pdf.rfind(needle, end - 1);
        if (at == std::string_view::npos) {
            return std::nullopt;
        }
        if (at == 0 || !(pdf[at - 1] >= '0' && pdf[at - 1] <= '9')) {
            return at;
        }
        end = at;
    }
    return std::nullopt;
}

// "/V 5" in raw text, for dictionaries the lexer cannot read (PoDoFo is more lenient).
bool mentions_v5(std::string_view text) {
    for (std::size_t at = text.find("/V"); at != std::string_view::npos; at = text.find("/V", at + 2)) {
        std::size_t i = at + 2;
        if (i < text.size() && text[i] != ' ' && text[i] != '\n' && text[i] != '\r' && text[i] != '\t') {
            continue;
        }
        lex::skip_space(text, i);
        if (i < text.size() && text[i] == '5' &&
            (i + 1 == text.size() || !(text[i + 1] >= '0' && text[i + 1] <= '9'))) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::string encryption_crash_risk(std::string_view pdf) {
    const auto eof = find_last_eof_end(pdf);
    const std::size_t end = eof ? *eof : pdf.size();
    const std::size_t start = end > trailer_window ? end - trailer_window : 0;
    const auto xref = startxref_offset(pdf.substr(start, end - start));
    if (!xref || *xref >= pdf.size()) {
        return {};
    }
    lex::Value trailer;
    std::size_t pos = *xref;
    lex::skip_space(pdf, pos);
    if (pdf.substr(pos, 4) == "xref") {
        const auto t = pdf.find("trailer", pos);
        if (t == std::string_view::npos) {
            return {};
        }
        pos = t + 7;
        if (!lex::read_value(pdf, pos, trailer) || trailer.kind != lex::Kind::dict) {
            return {};
        }
    } else if (!read_object_dict(pdf, pos, trailer)) {  // an xref stream
        return {};
    }
    lex::Value encrypt = dict_get(trailer, "Encrypt");
    if (encrypt.kind != lex::Kind::ref && encrypt.kind != lex::Kind::dict) {
        return {};
    }

    const lex::Value id = dict_get(trailer, "ID");
    if (id.kind == lex::Kind::array) {
        bool empty = true;
        lex::for_each_element(id, [&](const lex::Value&) { return empty = false; });
        if (empty) {
            return "empty /ID array";
        }
    }

    std::string_view text = encrypt.text;  // the dictionary as written
    if (encrypt.kind == lex::Kind::ref) {
        const auto at = find_object(pdf, encrypt);
        if (!at) {
            return {};
        }
        const auto end_obj = pdf.find("endobj", *at);
        text = pdf.substr(*at, end_obj == std::string_view::npos ? 4096 : end_obj - *at);
        if (!read_object_dict(pdf, *at, encrypt)) {
            // Unreadable for the lexer, maybe not for PoDoFo: look at the words.
            if (mentions_v5(text)) {
                for (const char* key : {"/OE", "/UE", "/Perms"}) {
                    if (text.find(key) == std::string_view::npos) {
                        return std::string("AES-256 encryption dictionary without ") + key;
                    }
                }
            }
            return {};
        }
    }
    const lex::Value filter = dict_get(encrypt, "Filter");
    const lex::Value v = dict_get(encrypt, "V");
    if (filter.kind == lex::Kind::name && lex::name_equals(filter.text, "Standard") && v.kind == lex::Kind::integer &&
        v.integer == 5) {
        for (const char* key : {"OE", "UE", "Perms"}) {
            const lex::Value value = dict_get(encrypt, key);
            if (value.kind == lex::Kind::invalid || value.kind == lex::Kind::null) {
                return std::string("AES-256 encryption dictionary without /") + key;
            }
        }
    }
    return {};
}

int compare_versions(std::string_view a, std::string_view b) {
    auto parse = [](std::string_view v, int& major, int& minor) {
        const auto dot = v.find('.');
        if (dot == std::string_view::npos) {
            return false;
        }
        const auto r1 = std::from_chars(v.data(), v.data() + dot, major);
        const auto r2 = std::from_chars(v.data() + dot + 1, v.data() + v.size(), minor);
        return r1.ec == std::errc() && r1.ptr == v.data() + dot && r2.ec == std::errc() &&
               r2.ptr == v.data() + v.size();
    };
    int am = 0;
    int an = 0;
    int bm = 0;
    int bn = 0;
    const bool aok = parse(a, am, an);
    const bool bok = parse(b, bm, bn);
    if (aok != bok) {
        return aok ? 1 : -1;
    }
    if (!aok) {
        return 0;
    }
    if (am != bm) {
        return am < bm ? -1 : 1;
    }
    if (an != bn) {
        return an < bn ? -1 : 1;
    }
    return 0;
}

}  // namespace preflight::pdf::raw
