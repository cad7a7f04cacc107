#!/usr/bin/env bash
# Benchmark: `preflight scan` over 1,000 generated templates, one job against all cores. See bench/README.md.
# Usage: bench/scan.sh [--binary PATH] [--runs N] [--jobs N] [--out DIR] [--results FILE] [--timeout S]
# Exit: 0 PASS, 1 MISS (speedup below 1.7 on 2+ cores, or the outputs differ), 2 a run failed or no binary.
set -euo pipefail

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$bench_dir/.." && pwd)
runs=3
jobs=$(nproc)
binary="$root/build/bin/preflight"
out="$bench_dir/out"
results="$bench_dir/scan-results.md"
timeout=600

usage() { sed -n '2,4s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=${2:?--binary needs a path}; shift 2 ;;
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --results) results=${2:?--results needs a file}; shift 2 ;;
    --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "scan.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
for n in "$runs" "$jobs" "$timeout"; do
  case "$n" in ''|*[!0-9]*|0) echo "scan.sh: --runs, --jobs and --timeout take a positive integer" >&2; exit 2 ;; esac
done
command -v python3 >/dev/null || { echo "scan.sh: python3 not found (scripts/install-deps.sh)" >&2; exit 2; }
if [ ! -x "$binary" ]; then
  echo "scan.sh: no preflight binary at $binary (scripts/build.sh, or --binary PATH)" >&2
  exit 2
fi

# Absolute paths for the options, then run from the repository root so that the
# report names the tree relative to it (bench/out/templates).
binary=$(realpath "$binary")
results=$(realpath -m "$results")
out=$(realpath -m "$out")
cd "$root"
templates=$(python3 "$bench_dir/make_templates.py" --out "$out")
case "$templates" in "$root"/*) templates=${templates#"$root"/} ;; esac
exec python3 "$bench_dir/scan_measure.py" --binary "$binary" --dir "$templates" --runs "$runs" \
  --jobs "$jobs" --results "$results" --timeout "$timeout"
