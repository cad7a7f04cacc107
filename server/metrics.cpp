#include "server/metrics.hpp"

#include "server/tempfiles.hpp"

#include <fmt/format.h>

namespace preflight::server {

void Metrics::request(std::string_view route, int status, double seconds) {
    const std::lock_guard lock(mutex_);
    ++requests_[{std::string(route), status}];
    auto& h = latency_[std::string(route)];
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) {
            ++h.counts[i];
        }
    }
    ++h.count;
    h.sum += seconds;
}

void Metrics::verdict(std::string_view verdict) {
    const std::lock_guard lock(mutex_);
    ++verdicts_[std::string(verdict)];
}

void Metrics::finding(std::string_view code, std::string_view severity) {
    const std::lock_guard lock(mutex_);
    ++findings_[{std::string(code), std::string(severity)}];
}

void Metrics::upstream_error(std::string_view kind) {
    const std::lock_guard lock(mutex_);
    ++upstream_errors_[std::string(kind)];
}

void Metrics::rejected(std::string_view reason) {
    const std::lock_guard lock(mutex_);
    ++rejected_[std::string(reason)];
}

void Metrics::connection_opened() {
    const std::lock_guard lock(mutex_);
    ++connections_;
}

void Metrics::connection_closed() {
    const std::lock_guard lock(mutex_);
    --connections_;
}

void Metrics::set_memory(std::uint64_t in_use, std::uint64_t peak, std::uint64_t capacity) {
    const std::lock_guard lock(mutex_);
    memory_in_use_ = in_use;
    memory_peak_ = peak;
    memory_capacity_ = capacity;
}

void Metrics::set_tracked_messages(std::size_t n) {
    const std::lock_guard lock(mutex_);
    tracked_ = n;
}

std::string Metrics::render() const {
    const std::lock_guard lock(mutex_);
    std::string out;
    out += "# HELP preflight_requests_total Requests answered, by route and HTTP status.\n";
    out += "# TYPE preflight_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
        out += fmt::format("preflight_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", std::get<0>(key),
                           std::get<1>(key), n);
    }
    out += "# HELP preflight_request_duration_seconds Time from the request's first byte to the answer.\n";
    out += "# TYPE preflight_request_duration_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
        for (std::size_t i = 0; i < kBuckets.size(); ++i) {
            out += fmt::format("preflight_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route,
                               kBuckets[i], h.counts[i]);
        }
        out +=
            fmt::format("preflight_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route, h.count);
        out += fmt::format("preflight_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route, h.sum);
        out += fmt::format("preflight_request_duration_seconds_count{{route=\"{}\"}} {}\n", route, h.count);
    }
    out += "# HELP preflight_verdicts_total Verdicts given, by verdict.\n";
    out += "# TYPE preflight_verdicts_total counter\n";
    for (const auto& [v, n] : verdicts_) {
        out += fmt::format("preflight_verdicts_total{{verdict=\"{}\"}} {}\n", v, n);
    }
    out += "# HELP preflight_findings_total Findings in verdicts, by check code and severity.\n";
    out += "# TYPE preflight_findings_total counter\n";
    for (const auto& [key, n] : findings_) {
        out += fmt::format("preflight_findings_total{{code=\"{}\",severity=\"{}\"}} {}\n", std::get<0>(key),
                           std::get<1>(key), n);
    }
    out += "# HELP preflight_upstream_errors_total Failed exchanges with the integrasjonspunkt, by kind.\n";
    out += "# TYPE preflight_upstream_errors_total counter\n";
    for (const auto& [k, n] : upstream_errors_) {
        out += fmt::format("preflight_upstream_errors_total{{kind=\"{}\"}} {}\n", k, n);
    }
    out += "# HELP preflight_rejected_total Requests refused before checking, by reason.\n";
    out += "# TYPE preflight_rejected_total counter\n";
    for (const auto& [k, n] : rejected_) {
        out += fmt::format("preflight_rejected_total{{reason=\"{}\"}} {}\n", k, n);
    }
    out += "# HELP preflight_connections Open client connections.\n# TYPE preflight_connections gauge\n";
    out += fmt::format("preflight_connections {}\n", connections_);
    out += "# HELP preflight_tracked_messages Messages the proxy keeps state for.\n";
    out += "# TYPE preflight_tracked_messages gauge\n";
    out += fmt::format("preflight_tracked_messages {}\n", tracked_);
    out +=
        "# HELP preflight_memory_budget_bytes What requests hold of the memory budget: now, at the peak, "
        "and the budget.\n# TYPE preflight_memory_budget_bytes gauge\n";
    out += fmt::format("preflight_memory_budget_bytes{{of=\"in-use\"}} {}\n", memory_in_use_);
    out += fmt::format("preflight_memory_budget_bytes{{of=\"peak\"}} {}\n", memory_peak_);
    out += fmt::format("preflight_memory_budget_bytes{{of=\"capacity\"}} {}\n", memory_capacity_);
    out += "# HELP preflight_temp_files Temporary body files that exist now.\n# TYPE preflight_temp_files gauge\n";
    out += fmt::format("preflight_temp_files {}\n", live_temp_files());
    return out;
}

}  // namespace preflight::server
