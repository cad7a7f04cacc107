// Batches: several named jobs of one caller (one letter's documents) in one
// limited child, instead of one child each (base/isolate.hpp has the modes, the
// limits and the mapping of how a child ended; a batch is the named job
// "isolate.batch" and so runs in every mode: the fork server, exec and fork).
//
// Limits stay those of one job, per item:
// - CPU: before each item the child moves its soft RLIMIT_CPU to the CPU time it
//   has used (rounded up) + Limits::cpu_seconds: SIGXCPU at the item's own budget.
//   The hard limit is (cpu_seconds + 1) × items + 1 (only reached by a child that
//   ignores SIGXCPU).
// - Memory: before each item the soft RLIMIT_AS becomes the address space the
//   child has then + the item's extra_bytes (its mapped input) + Limits::memory_bytes;
//   the hard limit is the sum over the items (it never needs more).
// - Wall clock: Limits::wall_milliseconds per item: the parent restarts the clock
//   each time an item's end mark arrives. A caller that waits from outside (the
//   fork server's) waits at most items × wall + its margin.
// - The answer: at most RunOptions::max_answer_bytes per item (the child is killed
//   past items × that; an item's answer longer than the cap is too_large).
//
// The child writes each item's answer, then an end mark (item_end: bytes no job's
// answer holds, which are text without NUL bytes), straight into the pipe: a
// child that dies keeps the items it finished and the part of the answer of the
// item it was on. That item gets the child's ending (a limit, a signal, an exit
// status, with what it wrote of its answer, as if it had run alone); the items
// after it run in a fresh child of the same caller. So an item that kills the
// child costs one more child, and every other item is still answered. A child
// serves one run_batch() call, never another caller's items.
#pragma once

#include "base/isolate.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace preflight::isolate {

struct BatchItem {
    std::string job;                // a registered job's name
    std::vector<std::string> args;  // its arguments, as run_job() takes them
    std::uint64_t extra_bytes = 0;  // its input (mapped or read) on top of Limits::memory_bytes
};

// The items in order, in one child (plus one more after each item that ended its
// child), under `limits` per item (above). One Outcome per item, as run_job()
// would give it: exited with its answer, or how the child ended while on it. An
// unknown job is not_started at once, without a child.
std::vector<Outcome> run_batch(const std::vector<BatchItem>& items, const Limits& limits,
                               const RunOptions& options = {});

// In a job's run: how many items of its batch come after it (0: none, or not in a
// batch). A job that would leave its memory to the child's exit frees it when more follow.
std::size_t items_after_this();

// Children this process has started (fork, exec, or asked of the fork server), one
// per run_job() and per child of a run_batch(): for tests and /metrics.
std::uint64_t children_started();

// The end mark written after each item's answer.
inline constexpr char item_end_bytes[] = "\0\x1eisolate:item-end\x1e\0";
inline constexpr std::string_view item_end{item_end_bytes, sizeof item_end_bytes - 1};

namespace detail {
// run_forked() whose wall clock restarts whenever an item_end arrives (items > 0).
Outcome run_forked_items(const Body& body, const Limits& limits, const RunOptions& options, std::size_t items);
// read_until_eof() whose deadline moves to now + renew each time an item_end
// arrives (renew > 0).
ReadResult read_items(int fd, std::chrono::steady_clock::time_point deadline, std::size_t max_bytes,
                      std::chrono::milliseconds renew);
// The batch child's limits for its next item (above).
void limit_item(const Limits& limits, std::uint64_t extra_bytes);
void count_child();
}  // namespace detail

}  // namespace preflight::isolate
