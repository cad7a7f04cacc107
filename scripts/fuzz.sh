#!/usr/bin/env bash
# Builds the libFuzzer targets (clang 14, ASan + UBSan, into build-fuzz/) and runs
# each for SECONDS (default 20: the short run of .ci/run). Long runs:
#   bash scripts/fuzz.sh --seconds 3600 pdf_geometry     # one target, an hour
#   bash scripts/fuzz.sh --seconds 600                    # every target, 10 minutes each
# The corpus of each target grows in build-fuzz/corpus/TARGET across runs (seeded from
# fuzz/seeds.conf, ../shared/corpus included); crashes land in
# build-fuzz/artifacts/TARGET/. Prints the executions per target; exits 1 when any
# target crashed, leaked, timed out or broke an invariant. Turn every crash into a
# regression: copy the artifact into fuzz/regressions/TARGET/ and fix the cause
# (tests/fuzz_regression_test.cpp then runs it in every build).
#
# Limits, as the sandboxed child has them for PDFs (pdf/pdf_info.hpp Limits):
# -malloc_limit_mb=1024 (one allocation over the child's memory budget is a finding;
# for pdf_analyze it fails instead, see below), -rss_limit_mb=3072 (the budget plus
# ASan's own), -timeout=20 (its CPU seconds).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=20
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) names+=("$1"); shift ;;
  esac
done

if [ "$(id -u)" -eq 0 ]; then
  bash scripts/install-deps.sh
fi
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPREFLIGHT_FUZZ=ON -DPREFLIGHT_TESTS=OFF >/dev/null
all=$(awk '!/^#/ && NF { print $1 }' fuzz/seeds.conf)
if [ "${#names[@]}" -eq 0 ]; then
  read -r -a names <<<"$(echo $all)"
fi
cmake --build build-fuzz -j"$(nproc)" --target $(printf 'fuzz_%s ' "${names[@]}")

# Seeds: copies of the files fuzz/seeds.conf names (missing folders are skipped).
shopt -s globstar nullglob
seed_dir() {
  local target="$1" dir="build-fuzz/seeds/$1"
  rm -rf "$dir" && mkdir -p "$dir"
  local patterns
  patterns=$(awk -v t="$target" '$1 == t { $1 = ""; print }' fuzz/seeds.conf)
  local n=0
  for pattern in $patterns; do
    for f in $pattern; do
      if [ -f "$f" ]; then
        n=$((n + 1))
        cp "$f" "$dir/$n-$(basename "$f")"
      fi
    done
  done
  echo "$n"
}

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}"
failed=()
summary=()
for t in "${names[@]}"; do
  seeds=$(seed_dir "$t")
  mkdir -p "build-fuzz/corpus/$t" "build-fuzz/artifacts/$t"
  log="build-fuzz/fuzz-$t.log"
  echo "fuzz $t: $seeds seeds, $seconds s"
  # pdf_analyze runs PoDoFo, which inflates streams without a cap: in production the
  # child's 1 GiB address space makes the allocation fail (Damage::memory_limit). Here
  # ASan makes an allocation over 1 GiB fail the same way, instead of libFuzzer calling
  # it a crash. PoDoFo then loses the buffer it was growing (tests/lsan.supp); the child
  # exits after that in production, so this target runs in libFuzzer's fork mode, where
  # the memory that piles up ends a job (an "oom", counted, not a failure) instead of
  # the run. PoDoFo 0.9.8 also leaks small objects on some of its error paths (a
  # PdfMemStream of an encrypted object, found 2026-11-29), so leak detection is off
  # for this target only: preflight's own code is leak-checked by the other targets
  # and by the sanitizer build's corpus tests. Crashes and timeouts still fail it.
  # Every other target must stay under 1 GiB per allocation, in one process, and leak
  # nothing.
  malloc_limit=1024
  asan="$ASAN_OPTIONS"
  mode=()
  if [ "$t" = pdf_analyze ]; then
    malloc_limit=3072
    asan="$ASAN_OPTIONS:max_allocation_size_mb=1024:allocator_may_return_null=1:detect_leaks=0"
    mode=(-fork=1 -ignore_ooms=1 -detect_leaks=0)
  fi
  set +e
  ASAN_OPTIONS="$asan" "build-fuzz/bin/fuzz_$t" "${mode[@]}" -max_total_time="$seconds" -timeout=20 \
    -malloc_limit_mb="$malloc_limit" -rss_limit_mb=3072 -max_len=1048576 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/artifacts/$t/" "build-fuzz/corpus/$t" "build-fuzz/seeds/$t" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [ -z "$runs" ]; then  # fork mode: "#N: cov: ... exec/s R oom/timeout/crash: ..."
    runs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$log" | tail -1)
    rate=$(sed -n 's/^#[0-9]*: cov:.* exec\/s \([0-9]*\) .*/\1/p' "$log" | tail -1)
    ooms=$(sed -n 's/^#[0-9]*: .*oom\/timeout\/crash: \([0-9]*\)\/.*/\1/p' "$log" | tail -1)
    [ -n "${ooms:-}" ] && [ "$ooms" != 0 ] && rate="$rate ($ooms oom)"
  fi
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 || true)
  corpus=$(find "build-fuzz/corpus/$t" -type f | wc -l)
  line=$(printf '%-13s %10s execs %7s/s  %-10s corpus %5s  exit %s' "$t" "${runs:-?}" "${rate:-?}" "${cov:-cov: ?}" "$corpus" "$rc")
  summary+=("$line")
  if [ "$rc" -ne 0 ]; then
    failed+=("$t")
    echo "fuzz $t FAILED (exit $rc): $log" >&2
    grep -E 'ERROR|SUMMARY|invariant|Test unit written|==[0-9]+==' "$log" | head -20 >&2 || true
  fi
done
echo
echo "target          executions      rate  coverage   corpus      exit"
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]} (inputs in build-fuzz/artifacts/)" >&2
  exit 1
fi
