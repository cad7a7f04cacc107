#!/usr/bin/env bash
# Sets everything up and runs every test: unit, check, CLI and PDF-layer tests, and
# the robustness run over ../shared/corpus (skipped when the corpus is absent).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh -DPREFLIGHT_TESTS=ON
# The corpus run first, verbose, so its pass/warn/block counts show; then the rest.
ctest --test-dir build -R '^corpus_robustness$' --output-on-failure -V | grep -E '^[0-9]+: |tests passed|tests failed'
ctest --test-dir build -E '^corpus_robustness$' --output-on-failure -j"$(nproc)"
