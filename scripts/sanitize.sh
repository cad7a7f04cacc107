#!/usr/bin/env bash
# Builds the library, the CLI and the tests with AddressSanitizer and
# UndefinedBehaviorSanitizer (GCC, -O1, libstdc++ assertions on) into build-asan/
# and runs every test there: any sanitizer report fails the test that caused it.
# .ci/run runs it after the normal build's tests (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ]; then
  bash scripts/install-deps.sh
fi
cmake -S . -B build-asan -DPREFLIGHT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1 -D_GLIBCXX_ASSERTIONS" >/dev/null
cmake --build build-asan -j"$(nproc)"
# detect_leaks: LeakSanitizer at the exit of every test process and CLI run.
# Suppressions (tests/lsan.supp) only for what the libraries below us keep.
# allocator_may_return_null: malloc() over the sandboxed child's RLIMIT_AS returns
# NULL, as glibc's does (PoDoFo then throws its out-of-memory error), instead of
# ending the child with a report.
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:strict_string_checks=1:detect_stack_use_after_return=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$PWD/tests/ubsan.supp"
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" "$@"
