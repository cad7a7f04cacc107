#!/usr/bin/env bash
# Benchmark: `preflight explain --log` over generated logs of 10,000 and 100,000 lines.
# Usage: bench/explain.sh [--binary PATH] [--runs N] [--results FILE]
# Exit: 0 PASS (10,000 lines in under 0.5 s), 1 MISS, 2 a run failed or no binary.
set -euo pipefail

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$bench_dir/.." && pwd)
binary="$root/build/bin/preflight"
runs=5
results="$bench_dir/explain-results.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=${2:?--binary needs a path}; shift 2 ;;
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --results) results=${2:?--results needs a file}; shift 2 ;;
    -h|--help) sed -n '2,4s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "explain.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -x "$binary" ] || { echo "explain.sh: no binary at $binary (build first)" >&2; exit 2; }
case "$runs" in ''|*[!0-9]*|0) echo "explain.sh: --runs takes a positive integer" >&2; exit 2 ;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Every 20th message is one of the example log's failures; the rest are ordinary lines.
python3 - "$root/fixtures/explain/elements-log.txt" "$work" <<'PY'
import sys
src, out = sys.argv[1], sys.argv[2]
failures = [l for l in open(src, encoding="utf-8").read().splitlines()
            if ("feilet" in l or "Forsendelsesstatus" in l or "signatureJob" in l) and not l.rstrip().endswith("{")]
for n in (10000, 100000):
    with open(f"{out}/log-{n}.txt", "w", encoding="utf-8") as f:
        for i in range(n):
            if i % 20 == 0:
                f.write(failures[(i // 20) % len(failures)] + "\n")
            else:
                f.write(f"{i % 28 + 1:02}.07.2024 10:{i % 60:02} Journalpost 2024/{i:05}-1 oppdatert av saksbehandler\n")
PY

measure() {  # prints the median wall time in seconds of $runs runs
  local file=$1 times=()
  for _ in $(seq "$runs"); do
    local start end rc=0
    start=$(date +%s.%N)
    "$binary" explain --format json --log "$file" > "$work/out.json" || rc=$?
    end=$(date +%s.%N)
    [ "$rc" -le 1 ] || { echo "explain.sh: run failed with exit $rc" >&2; exit 2; }
    times+=("$(echo "$end - $start" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'
}

t10=$(measure "$work/log-10000.txt")
t100=$(measure "$work/log-100000.txt")
explained=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["explanations"]))' "$work/out.json")
verdict=PASS
awk -v t="$t10" 'BEGIN {exit !(t < 0.5)}' || verdict=MISS
{
  echo "# preflight explain: log size against time"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, median of $runs runs, \`--format json --log FILE\`."
  echo
  echo "| lines | seconds |"
  echo "|---|---|"
  echo "| 10,000 | $t10 |"
  echo "| 100,000 | $t100 |"
  echo
  echo "The 100,000-line log had $explained messages explained (every 20th line). Goal: 10,000 lines in under 0.5 s: $verdict."
} > "$results"
cat "$results"
[ "$verdict" = PASS ]
