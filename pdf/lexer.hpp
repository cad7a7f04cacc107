// A small, allocation-free reader of PDF values straight from the mapped file.
//
// Used by analyze() as a fast path for the objects of the page tree: PoDoFo's
// lazy parse of a page dictionary deep-copies every nested dictionary and costs
// ~140,000 instructions a page; reading only the keys we need from the bytes
// costs a few thousand. PoDoFo still finds the objects (xref, object streams,
// encryption); whenever this reader meets anything it does not understand, the
// caller falls back to PoDoFo's own parse of that object.
//
// Strings are skipped, never decoded, so encrypted files read the same: the
// values we need (names, numbers, arrays, dictionaries, references) are never
// encrypted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace preflight::pdf::lex {

enum class Kind : std::uint8_t { invalid, null, boolean, integer, real, name, string, array, dict, ref };

struct Value {
    Kind kind = Kind::invalid;
    // name: the raw name after '/', #xx escapes not decoded;
    // array and dict: the whole value, "[" ... "]" or "<<" ... ">>";
    // everything else: the token(s) as written.
    std::string_view text;
    long long integer = 0;         // integer; boolean (0/1); ref: object number
    double real = 0;               // real and integer values as double
    std::uint32_t generation = 0;  // ref
};

// Nesting deeper than this is reported as a syntax error (the caller falls back).
inline constexpr int max_depth = 64;

// Reads the value starting at `pos` (after optional white space and comments)
// and moves `pos` past it. False on a syntax error; `pos` is then unspecified.
// Nested arrays and dictionaries are checked completely, so the iterations
// below cannot fail on a value read by read_value.
bool read_value(std::string_view s, std::size_t& pos, Value& out, int depth = 0);

// Calls f(std::string_view raw_name, const Value& value) for each entry of a dict
// Value; f returns false to stop early. False if `dict` is not a dict.
template <typename F>
bool for_each_entry(const Value& dict, F&& f);

// Calls f(const Value& element) for each element of an array Value; f returns
// false to stop early. False if `array` is not an array.
template <typename F>
bool for_each_element(const Value& array, F&& f);

// Like read_value, but when the value is a dictionary, also calls
// f(std::string_view raw_name, const Value& value) for each of its entries while
// reading it: one pass instead of read_value + for_each_entry. f may be called
// for entries of a dictionary that turns out malformed (the result is then false).
template <typename F>
bool read_value_visiting(std::string_view s, std::size_t& pos, Value& out, F&& f);

// Compares a raw name (as in Value::text) with a plain name, decoding #xx.
bool name_equals(std::string_view raw_name, std::string_view plain);

// The name with #xx escapes decoded.
std::string decode_name(std::string_view raw_name);

void skip_space(std::string_view s, std::size_t& pos);

// The value of a hexadecimal digit, -1 for any other character.
int hex_value(char ch);

// --- implementation of the templates ---------------------------------------

template <typename F>
bool for_each_entry(const Value& dict, F&& f) {
    if (dict.kind != Kind::dict) {
        return false;
    }
    const std::string_view inner = dict.text.substr(2, dict.text.size() - 4);
    std::size_t pos = 0;
    for (;;) {
        skip_space(inner, pos);
        if (pos >= inner.size()) {
            return true;
        }
        Value key;
        Value value;
        if (!read_value(inner, pos, key, 1) || key.kind != Kind::name || !read_value(inner, pos, value, 1)) {
            return true;  // cannot happen for a Value from read_value
        }
        if (!f(key.text, value)) {
            return true;
        }
    }
}

template <typename F>
bool read_value_visiting(std::string_view s, std::size_t& pos, Value& out, F&& f) {
    skip_space(s, pos);
    if (pos + 1 >= s.size() || s[pos] != '<' || s[pos + 1] != '<') {
        return read_value(s, pos, out);
    }
    const std::size_t start = pos;
    pos += 2;
    for (;;) {
        skip_space(s, pos);
        if (pos + 1 < s.size() && s[pos] == '>' && s[pos + 1] == '>') {
            pos += 2;
            break;
        }
        Value key;
        Value value;
        if (!read_value(s, pos, key, 1) || key.kind != Kind::name || !read_value(s, pos, value, 1)) {
            return false;
        }
        f(key.text, value);
    }
    out = Value{};
    out.kind = Kind::dict;
    out.text = s.substr(start, pos - start);
    return true;
}

template <typename F>
bool for_each_element(const Value& array, F&& f) {
    if (array.kind != Kind::array) {
        return false;
    }
    const std::string_view inner = array.text.substr(1, array.text.size() - 2);
    std::size_t pos = 0;
    for (;;) {
        skip_space(inner, pos);
        if (pos >= inner.size()) {
            return true;
        }
        Value value;
        if (!read_value(inner, pos, value, 1)) {
            return true;
        }
        if (!f(value)) {
            return true;
        }
    }
}

}  // namespace preflight::pdf::lex
