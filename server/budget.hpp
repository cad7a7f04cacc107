// The gate's memory budget: one count of the bytes that clients can make the gate
// hold in memory (request bodies read into memory, the JSON parsed from them, the
// checking and the answers built from them, explanations, the message state kept in
// memory). A request takes its share before it builds anything, growing it as it
// goes; when the budget is spent, the request is answered 503 with Retry-After (or
// 413 when it could never fit), and nothing it would have built is built. Bodies
// streamed to temporary files are on disk, not in the budget.
#pragma once

#include <atomic>
#include <cstdint>

namespace preflight::server {

class MemoryBudget {
public:
    explicit MemoryBudget(std::uint64_t capacity) : capacity_(capacity) {}
    // Takes `bytes` if they fit under the capacity; false (taking nothing) if not.
    bool try_take(std::uint64_t bytes);
    void give_back(std::uint64_t bytes);
    [[nodiscard]] std::uint64_t capacity() const { return capacity_; }
    [[nodiscard]] std::uint64_t in_use() const { return used_.load(); }
    [[nodiscard]] std::uint64_t peak() const { return peak_.load(); }

private:
    std::uint64_t capacity_;
    std::atomic<std::uint64_t> used_{0};
    std::atomic<std::uint64_t> peak_{0};
};

// One request's share of the budget, given back when it ends.
class Reservation {
public:
    explicit Reservation(MemoryBudget& budget) : budget_(budget) {}
    ~Reservation() { budget_.give_back(held_); }
    Reservation(const Reservation&) = delete;
    Reservation& operator=(const Reservation&) = delete;
    Reservation(Reservation&&) = delete;
    Reservation& operator=(Reservation&&) = delete;

    // Takes `bytes` more; false when the budget has not got them. `never_fits` is
    // then whether this request alone (what it holds plus `bytes`) is over the whole
    // budget, so that waiting would not help.
    bool grow(std::uint64_t bytes);
    [[nodiscard]] bool never_fits(std::uint64_t bytes) const { return held_ + bytes > budget_.capacity(); }
    [[nodiscard]] std::uint64_t held() const { return held_; }

private:
    MemoryBudget& budget_;
    std::uint64_t held_ = 0;
};

}  // namespace preflight::server
