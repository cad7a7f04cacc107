// Waiting in tests: for a condition, never for a length of time. A test that
// needs something to have happened (a request to reach the upstream, a process
// to have exited, a slot to be taken) polls for exactly that, up to a bound that
// only a broken build reaches: a loaded CI machine or a sanitizer build is slow,
// never wrong, and must not fail the test.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string_view>
#include <thread>

namespace preflight::testing {

// The bound of every wait: far beyond what the slowest build (ASan on a loaded
// machine) takes, so that reaching it means the condition will never hold.
inline constexpr std::chrono::milliseconds kWaitBound{std::chrono::seconds(120)};

// Polls `pred` until it holds or `bound` has passed. A failure names `what` and
// the bound: ASSERT_TRUE(wait_until("the helper has exited", [&] { ... }));
template <typename Pred>
[[nodiscard]] ::testing::AssertionResult wait_until(std::string_view what, Pred pred,
                                                    std::chrono::milliseconds bound = kWaitBound) {
    const auto start = std::chrono::steady_clock::now();
    auto pause = std::chrono::milliseconds(1);
    for (;;) {
        if (pred()) {
            return ::testing::AssertionSuccess();
        }
        if (std::chrono::steady_clock::now() - start >= bound) {
            break;
        }
        // A short poll: the condition is met within a few milliseconds of happening,
        // and a long wait costs the CPU nothing.
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(20));
    }
    if (pred()) {  // once more after the bound: it may have held meanwhile
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "not so within "
                                         << std::chrono::duration_cast<std::chrono::seconds>(bound).count()
                                         << " s: " << what;
}

}  // namespace preflight::testing
