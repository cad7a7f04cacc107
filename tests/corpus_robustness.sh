#!/usr/bin/env bash
# Runs `preflight check --channel print` over every file of the shared corpus of
# malformed PDFs. Each run must end with exit 0 or 1 within its time limit: never 2,
# 3, a signal or a hang. Prints how many passed, warned and blocked.
# Usage: corpus_robustness.sh PREFLIGHT_BINARY CORPUS_DIR   (exit 77: corpus absent)
set -u
bin=$1
corpus=$2
limit=${CORPUS_FILE_TIMEOUT:-60}
if [ ! -d "$corpus" ]; then
  echo "corpus_robustness: no corpus at $corpus: skipped"
  exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export bin limit out
find "$corpus" -type f -print0 | sort -z | xargs -0 -P 2 -I{} bash -c '
  f="$1"
  key=$(printf "%s" "$f" | md5sum | cut -c1-16)
  start=$(date +%s.%N)
  timeout -s KILL "$limit" "$bin" check --channel print --format json "$f" >"$out/$key.json" 2>"$out/$key.err"
  rc=$?
  end=$(date +%s.%N)
  verdict=$(grep -o "\"verdict\": \"[a-z]*\"" "$out/$key.json" | head -1 | cut -d\" -f4)
  printf "%s\t%s\t%s\t%s\n" "$rc" "${verdict:-none}" "$(awk -v a="$start" -v b="$end" "BEGIN{print b-a}")" "$f" >"$out/$key.row"
' _ {}
cat "$out"/*.row >"$out/all.tsv"
total=$(wc -l <"$out/all.tsv")
bad=$(awk -F'\t' '$1 != 0 && $1 != 1' "$out/all.tsv")
pass=$(awk -F'\t' '$2 == "pass"' "$out/all.tsv" | wc -l)
warn=$(awk -F'\t' '$2 == "warn"' "$out/all.tsv" | wc -l)
block=$(awk -F'\t' '$2 == "block"' "$out/all.tsv" | wc -l)
slowest=$(sort -t$'\t' -k3 -g -r "$out/all.tsv" | head -3 | awk -F'\t' '{printf "  %.2f s  %s\n", $3, $4}')
echo "corpus_robustness: $total files: $pass pass, $warn warn, $block block"
codes=$(cat "$out"/*.json 2>/dev/null | grep -o '"code": "DP[0-9]*"' | cut -d'"' -f4 | sort | uniq -c | awk '{printf "%s %s, ", $2, $1}')
echo "corpus_robustness: findings by code: ${codes%, }"
echo "corpus_robustness: slowest:"
echo "$slowest"
if [ -n "$bad" ]; then
  echo "corpus_robustness: FAILED: runs that did not end with exit 0 or 1 (exit, verdict, seconds, file):"
  echo "$bad"
  exit 1
fi
echo "corpus_robustness: every file ended with exit 0 or 1"

# The whole corpus as one `preflight scan` (worker processes, two jobs): exit 0 or
# 1 in time, and every .pdf/.docx/.dotx in the report, each once.
expected=$(cd "$corpus" && find . -type f \( -iname '*.pdf' -o -iname '*.docx' -o -iname '*.dotx' \) \
  ! -name '.*' ! -name '~$*' ! -path './*/.*' | wc -l)
start=$(date +%s.%N)
timeout -s KILL 600 "$bin" scan --jobs 2 --format json "$corpus" >"$out/scan.json" 2>"$out/scan.err"
rc=$?
end=$(date +%s.%N)
listed=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); f=[d["file"] for d in r["documents"]]; print(len(set(f)) if len(set(f)) == len(f) else -1)' "$out/scan.json" 2>/dev/null || echo -1)
echo "corpus_robustness: scan: exit $rc, $listed of $expected files in the report, $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}') s"
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] || [ "$listed" -ne "$expected" ]; then
  echo "corpus_robustness: FAILED: preflight scan of the corpus"
  head -c 2000 "$out/scan.err"
  exit 1
fi
