// libFuzzer entry point: one binary per target, named by PREFLIGHT_FUZZ_TARGET
// (CMakeLists.txt builds fuzz_<name> for every name in fuzz/targets.cpp).
#include "fuzz/targets.hpp"

#include <cstdio>
#include <cstdlib>

namespace {
const preflight::fuzz::Target* g_target = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    g_target = preflight::fuzz::find_target(PREFLIGHT_FUZZ_TARGET);
    if (g_target == nullptr) {
        std::fprintf(stderr, "no fuzz target named %s\n", PREFLIGHT_FUZZ_TARGET);
        std::abort();
    }
    preflight::fuzz::initialise();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    g_target->run(data, size);
    return 0;
}
