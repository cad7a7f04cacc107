// Internal to registry/: the JSON shapes of the real APIs (KRR v2, Enhetsregisteret,
// the integrasjonspunkt's capabilities), read by the online sources and by the
// registry file alike, and the small helpers every source builds its answers with.
#pragma once

#include "registry/http.hpp"
#include "validator/records.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <stdexcept>
#include <string>

namespace preflight::registry::shapes {

// A value of the wrong shape: where (a JSON pointer below the parsed value) and what was expected.
class ShapeError : public std::invalid_argument {
public:
    ShapeError(std::string pointer, std::string expected)
        : std::invalid_argument(pointer + ": expected " + expected),
          pointer_(std::move(pointer)),
          expected_(std::move(expected)) {}
    [[nodiscard]] const std::string& pointer() const { return pointer_; }
    [[nodiscard]] const std::string& expected() const { return expected_; }

private:
    std::string pointer_;
    std::string expected_;
};

// `j` itself, when it is an object; else a ShapeError at `pointer`.
const nlohmann::json& object_at(const nlohmann::json& j, const std::string& pointer);
// An optional string member; empty when absent or null.
std::string text_member(const nlohmann::json& j, const char* key, const std::string& pointer);

// The records at `p` (a JSON pointer, for the errors).
Person person_at(const nlohmann::json& entry, const std::string& p);
Organisation organisation_at(const nlohmann::json& body, const std::string& today, const std::string& p);
Capabilities capabilities_at(const nlohmann::json& body, const std::string& p);

template <typename T>
Answer<T> failed(const std::string& source, const std::string& detail) {
    Answer<T> a;
    a.outcome = Outcome::failed;
    a.source = source;
    a.detail = detail;
    return a;
}

template <typename T>
Answer<T> with(Outcome outcome, const std::string& source, std::optional<T> value = std::nullopt) {
    Answer<T> a;
    a.outcome = outcome;
    a.source = source;
    a.value = std::move(value);
    return a;
}

// Why a request failed, in words without URLs (they can hold a fødselsnummer).
std::string describe(const HttpError& e);

// `url` without trailing slashes.
std::string trim_slash(std::string url);

}  // namespace preflight::registry::shapes
