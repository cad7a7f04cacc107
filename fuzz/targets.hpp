// The fuzz targets' bodies (docs/hardening.md): each takes one input and must never
// crash, hang, leak or break an invariant, whatever the bytes. libFuzzer calls them
// through fuzz/entry.cpp (build-fuzz/, clang); tests/fuzz_regression_test.cpp runs
// every saved input of fuzz/regressions/<target>/ through them in the normal and the
// sanitizer build, so a crash once found stays fixed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace preflight::fuzz {

using TargetFn = void (*)(const std::uint8_t* data, std::size_t size);

struct Target {
    std::string_view name;
    TargetFn run;
    std::string_view about;
};

// Every target, by name (the libFuzzer binary fuzz_<name> runs one).
std::span<const Target> targets();
// nullptr when no target has that name.
const Target* find_target(std::string_view name);

// Process-wide set-up the targets need (PoDoFo logging off, OpenSSL providers).
void initialise();

}  // namespace preflight::fuzz
