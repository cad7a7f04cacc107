#include "server/budget.hpp"

namespace preflight::server {

bool MemoryBudget::try_take(std::uint64_t bytes) {
    std::uint64_t used = used_.load();
    do {
        if (bytes > capacity_ || used > capacity_ - bytes) {
            return false;
        }
    } while (!used_.compare_exchange_weak(used, used + bytes));
    std::uint64_t peak = peak_.load();
    while (used + bytes > peak && !peak_.compare_exchange_weak(peak, used + bytes)) {
    }
    return true;
}

void MemoryBudget::give_back(std::uint64_t bytes) { used_.fetch_sub(bytes); }

bool Reservation::grow(std::uint64_t bytes) {
    if (!budget_.try_take(bytes)) {
        return false;
    }
    held_ += bytes;
    return true;
}

}  // namespace preflight::server
