// A time budget for work that must end with an answer in time: the PDF analysis
// asks it between steps and, when it has run out, stops and answers with what it
// knows (pdf/pdf_info.hpp, AnalyzeOptions::budget_milliseconds). Unlike the
// child's wall clock (base/isolate.hpp), which kills and leaves nothing, a budget
// keeps what was read.
//
// The clock is a plain function so that tests can inject one and step through
// time deterministically: no test measures real time.
#pragma once

#include <chrono>
#include <cstdint>

namespace preflight {

class Deadline {
public:
    using Clock = std::chrono::steady_clock;
    using Now = Clock::time_point (*)();

    // Never runs out.
    Deadline() = default;

    // Runs out `budget` after now() (the steady clock unless a test gives another).
    static Deadline after(std::chrono::milliseconds budget, Now now = &Clock::now) {
        Deadline d;
        d.now_ = now;
        d.end_ = now() + budget;
        d.budget_ = budget;
        return d;
    }

    // A budget of 0 or less: none.
    static Deadline after_milliseconds(std::int64_t budget, Now now = &Clock::now) {
        return budget > 0 ? after(std::chrono::milliseconds(budget), now) : Deadline{};
    }

    [[nodiscard]] bool limited() const { return now_ != nullptr; }
    [[nodiscard]] std::chrono::milliseconds budget() const { return budget_; }

    // Asks the clock: true once the budget has run out (and from then on).
    [[nodiscard]] bool expired() const {
        if (now_ == nullptr) {
            return false;
        }
        if (!expired_ && now_() >= end_) {
            expired_ = true;
        }
        return expired_;
    }

    // True once a call of expired() or expired_every() has found the budget run out
    // (without asking the clock): whoever stopped on it has cut something short.
    [[nodiscard]] bool ran_out() const { return expired_; }

    // For hot loops: asks the clock only every `every`-th call (a power of two).
    [[nodiscard]] bool expired_every(std::uint32_t every) const {
        if (now_ == nullptr) {
            return false;
        }
        return (++calls_ & (every - 1)) == 0 ? expired() : expired_;
    }

private:
    Now now_ = nullptr;
    Clock::time_point end_{};
    std::chrono::milliseconds budget_{0};
    mutable bool expired_ = false;
    mutable std::uint32_t calls_ = 0;
};

}  // namespace preflight
