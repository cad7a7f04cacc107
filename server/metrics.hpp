// The gate's counters, rendered in the Prometheus text format (GET /metrics).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace preflight::server {

class Metrics {
public:
    // One finished request: its route label (check, explain, page, proxy-create,
    // proxy-upload, proxy-send, proxy-multipart, passthrough, refused, healthz,
    // metrics, other), status and time.
    void request(std::string_view route, int status, double seconds);
    void verdict(std::string_view verdict);                          // pass, warn, block
    void finding(std::string_view code, std::string_view severity);  // every finding of a verdict
    void upstream_error(std::string_view kind);                      // connect, timeout, io
    void rejected(std::string_view reason);                          // busy, too-large, header-too-large, ...
    void connection_opened();
    void connection_closed();
    void set_tracked_messages(std::size_t n);
    // The requests' memory budget: in use now, its peak, its capacity (bytes).
    void set_memory(std::uint64_t in_use, std::uint64_t peak, std::uint64_t capacity);
    [[nodiscard]] std::string render() const;

    static constexpr std::array<double, 12> kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

private:
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size()> counts{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, int>, std::uint64_t> requests_;
    std::map<std::string, Histogram> latency_;
    std::map<std::string, std::uint64_t> verdicts_;
    std::map<std::tuple<std::string, std::string>, std::uint64_t> findings_;
    std::map<std::string, std::uint64_t> upstream_errors_;
    std::map<std::string, std::uint64_t> rejected_;
    std::int64_t connections_ = 0;
    std::size_t tracked_ = 0;
    std::uint64_t memory_in_use_ = 0;
    std::uint64_t memory_peak_ = 0;
    std::uint64_t memory_capacity_ = 0;
};

}  // namespace preflight::server
