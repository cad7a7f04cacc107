// Inside the isolation module (base/isolate.cpp, base/isolate_server.cpp): a child of
// fork mode started without waiting for it, so that the fork server's helper can
// fork each request's child itself and watch many at once (no manager process per
// request). Not for other callers: run_job() and run_batch() are the interface.
#pragma once

#include "base/isolate.hpp"

#include <string>

namespace preflight::isolate::detail {

// pid < 0: not started (error says why).
struct ForkedChild {
    int pid = -1;
    int read_fd = -1;           // its answer pipe's read end, O_CLOEXEC | O_NONBLOCK
    void* flag_page = nullptr;  // the allocation flag it shares with the caller
    std::string error;
};

// Forks the child of fork mode (run_forked()'s: fds, signals, limits, `body`).
ForkedChild start_forked(const Body& body, const Limits& limits, const RunOptions& options);

// The Outcome of a reaped child from how it ended (the one mapping, ended_of());
// releases its flag page.
Outcome outcome_of(ForkedChild& child, std::string answer, bool timed_out, bool too_large, int wait_status,
                   double cpu_seconds, const Limits& limits);

// Closes every descriptor from `first` on: close_range() (Linux 5.9+), else one by one
// up to the descriptor limit, so that a child never keeps another caller's pipe on an
// older kernel. Async-signal-safe: a forked child calls it.
void close_descriptors_from(int first);

}  // namespace preflight::isolate::detail
