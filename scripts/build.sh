#!/usr/bin/env bash
# Installs the packages (when run as root), configures and builds into build/.
# The CLI lands at build/bin/preflight.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ]; then
  bash scripts/install-deps.sh
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@"
cmake --build build -j"$(nproc)"
