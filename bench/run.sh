#!/usr/bin/env bash
# Benchmark: preflight vs pdfinfo on large generated PDFs. See bench/README.md.
# Usage: bench/run.sh [--runs N] [--binary PATH] [--out DIR] [--results FILE] [--mem-runs M] [--timeout S]
# Exit: 0 all goals PASS, 1 some goal MISS, 2 a run failed or the binary is missing.
set -euo pipefail

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$bench_dir/.." && pwd)
runs=7
binary="$root/build/bin/preflight"
out="$bench_dir/out"
results="$bench_dir/results.md"
timeout=120
mem_runs=3

usage() { sed -n '2,4s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --binary) binary=${2:?--binary needs a path}; shift 2 ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --results) results=${2:?--results needs a file}; shift 2 ;;
    --mem-runs) mem_runs=${2:?--mem-runs needs a number}; shift 2 ;;
    --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
for n in "$runs" "$mem_runs"; do
  case "$n" in ''|*[!0-9]*|0) echo "run.sh: --runs and --mem-runs take a positive integer" >&2; exit 2 ;; esac
done

for tool in python3 qpdf pdfinfo /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool not found (scripts/install-deps.sh)" >&2; exit 2; }
done

python3 "$bench_dir/make_pdfs.py" --out "$out" >/dev/null
set +e
python3 "$bench_dir/measure.py" --runs "$runs" --binary "$binary" --pdfs "$out" \
  --results "$results" --mem-runs "$mem_runs" --timeout "$timeout"
rc=$?
set -e
# Every file answered in under a second (CPU time of the check and its analysing
# child): the slowest files of the fixtures and of the shared corpus, appended to the
# results; a file over a second is a MISS.
if [ -x "$binary" ]; then
  slow=$(mktemp)
  trap 'rm -f "$slow"' EXIT
  echo >"$slow"
  echo "## Slowest files (\`scripts/corpus-report.py --jobs 1 --max-seconds 1\`: CPU of the check and its child)" >>"$slow"
  for folder in "$root/fixtures/pdf" "$root/../shared/corpus"; do
    [ -d "$folder" ] || continue
    set +e
    report=$(python3 "$root/scripts/corpus-report.py" --binary "$binary" --jobs 1 --slowest 3 --max-seconds 1 \
      --all-files "$folder")
    status=$?
    set -e
    {
      echo
      echo "\`$(basename "$folder")\`:"
      echo '```'
      printf '%s\n' "$report" | sed -n '/^corpus-report:/p;/^slowest/,$p'
      echo '```'
    } >>"$slow"
    if [ "$status" -ne 0 ]; then
      echo "**MISS**: a file of $(basename "$folder") took more than a second, or did not end with a report" >>"$slow"
      [ "$rc" -eq 0 ] && rc=1
    fi
  done
  cat "$slow"
  cat "$slow" >>"$results"
fi
exit "$rc"