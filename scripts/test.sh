#!/usr/bin/env bash
# Sets everything up and runs every test: unit, check, CLI and PDF-layer tests, and
# the robustness run over ../shared/corpus (skipped when the corpus is absent).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh -DPREFLIGHT_TESTS=ON
ctest --test-dir build --output-on-failure -j"$(nproc)"
