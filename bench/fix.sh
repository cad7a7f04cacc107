#!/usr/bin/env bash
# Time and peak memory of `preflight fix` on the 2,000-page benchmark file (every
# page kept: portrait A4) and on the same file with every MediaBox turned into a
# 16:9 slide (every page placed on A4 as a form XObject), once each way and with
# --two-up. Needs bench/out/text-2000.pdf (bench/make_pdfs.py) and GNU time.
# Usage: bench/fix.sh [--binary PATH] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=build/bin/preflight
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: bench/fix.sh [--binary PATH] [--runs N]" >&2; exit 2 ;;
  esac
done
python3 bench/make_pdfs.py >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Same byte length, so the cross-reference offsets stay right.
python3 - "$work/slides-2000.pdf" <<'PY'
import sys
data = open("bench/out/text-2000.pdf", "rb").read()
assert data.count(b"595.276 841.890") == 2000
open(sys.argv[1], "wb").write(data.replace(b"595.276 841.890", b"960.000 540.000"))
PY
echo "| input | options | wall s (median of $runs) | peak RSS MB | pages in → out | exit |"
echo "|---|---|---:|---:|---|---|"
for input in bench/out/text-2000.pdf "$work/slides-2000.pdf"; do
  for opts in "" "--two-up"; do
    walls=()
    for _ in $(seq "$runs"); do
      rm -f "$work/out.pdf"
      /usr/bin/time -f "%e %M" -o "$work/time" "$binary" fix $opts --format json "$input" -o "$work/out.pdf" \
        >"$work/report.json" && status=0 || status=$?
      read -r wall rss <"$work/time"
      walls+=("$wall")
    done
    median=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
    pages=$(python3 -c "import json,sys; p=json.load(open(sys.argv[1]))['pages']; print(p['in'], '→', p['out'])" "$work/report.json")
    echo "| $(basename "$input") | ${opts:-none} | $median | $(( rss / 1024 )) | $pages | $status |"
  done
done
