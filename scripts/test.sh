#!/usr/bin/env bash
# Sets everything up and runs every test: unit, check, CLI and PDF-layer tests, and
# the robustness run over ../shared/corpus (skipped when the corpus is absent); then
# the same tests again in the sanitizer build (scripts/sanitize.sh: ASan + UBSan) and
# a short run of every fuzz target (scripts/fuzz.sh: libFuzzer, 20 s each), and, as
# root, the Debian package installed on a clean Debian 12 root (scripts/deb-install-test.sh).
# PREFLIGHT_QUICK=1 skips clang-tidy and the last three (the normal build's tests only).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
bash scripts/build.sh -DPREFLIGHT_TESTS=ON
# Every C++ file as clang-format writes it (.clang-format); clang-tidy is scripts/lint.sh.
bash scripts/lint.sh --format-only
# The corpus run first, verbose, so its pass/warn/block counts show; then the rest.
ctest --test-dir build -R '^corpus_robustness$' --output-on-failure -V | grep -E '^[0-9]+: |tests passed|tests failed'
ctest --test-dir build -E '^corpus_robustness$' --output-on-failure -j"$(nproc)"
echo "test.sh: normal build and tests in $((SECONDS - start)) s"
if [ "${PREFLIGHT_QUICK:-0}" = 1 ]; then
  exit 0
fi
# clang-tidy over every unit of every layer (.clang-tidy): about 7.5 minutes on 2 cores.
step=$SECONDS
bash scripts/lint.sh
echo "test.sh: clang-format and clang-tidy in $((SECONDS - step)) s"
step=$SECONDS
bash scripts/sanitize.sh
echo "test.sh: sanitizer build and tests in $((SECONDS - step)) s"
step=$SECONDS
bash scripts/fuzz.sh --seconds "${PREFLIGHT_FUZZ_SECONDS:-20}"
echo "test.sh: fuzz build and runs in $((SECONDS - step)) s"
# The Debian package installed on a clean Debian 12 root (debootstrap, chroot: root only).
if [ "$(id -u)" -eq 0 ]; then
  step=$SECONDS
  bash scripts/deb-install-test.sh
  echo "test.sh: Debian package and clean install in $((SECONDS - step)) s"
else
  echo "test.sh: not root: skipped scripts/deb-install-test.sh (the package on a clean Debian 12 root)"
fi
echo "test.sh: all in $((SECONDS - start)) s"
