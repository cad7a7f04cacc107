// The offline sources: the organisation's own JSON export ([registry] file) and the
// built-in training recipients ([registry] builtin). docs/registry.md has the format.
#pragma once

#include "registry/source.hpp"

#include <filesystem>
#include <memory>

namespace preflight::registry {

// The training environment's recipients (the runbook): Digdir 987464291 (DPO) and
// Testperson 29129319060 (DPI, routed to print).
std::unique_ptr<Source> make_builtin_source();

// The organisation's export (docs/registry.md). Throws UsageError naming the file,
// line and column when it is not valid JSON or not of that shape.
std::unique_ptr<Source> load_file_source(const std::filesystem::path& file);

}  // namespace preflight::registry
