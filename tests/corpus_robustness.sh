#!/usr/bin/env bash
# Runs `preflight check --channel print` (and `preflight fix`) over every file of the shared corpus of
# malformed PDFs (scripts/corpus-report.py). Each run must end with exit 0 or 1 and a
# report within its time limit: never 2, 3, a signal or a hang. Prints how many
# passed, warned and blocked, findings by code and the slowest files.
# Usage: corpus_robustness.sh PREFLIGHT_BINARY CORPUS_DIR   (exit 77: corpus absent)
set -u
bin=$1
corpus=$2
limit=${CORPUS_FILE_TIMEOUT:-60}
# CPU seconds a file may take (scripts/corpus-report.py --max-seconds; CMake sets it).
if [ ! -d "$corpus" ]; then
  echo "corpus_robustness: no corpus at $corpus: skipped"
  exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# One `preflight check --channel print` per file, by scripts/corpus-report.py: counts
# by verdict and code, the slowest files, and every run that ended otherwise.
python3 "$here/../scripts/corpus-report.py" --binary "$bin" --jobs 2 --timeout "$limit" \
  --max-seconds "${CORPUS_MAX_SECONDS:-1}" --all-files "$corpus"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "corpus_robustness: FAILED: runs that did not end with exit 0 or 1 and a report (above)"
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

# `preflight fix` on every PDF of the corpus (scripts/corpus-fix.py): exit 0 or 1
# with a JSON answer, the input unchanged, a copy exactly when fixed, no fixed copy
# that blocks print or fails `qpdf --check`, no temporary file left.
if ! python3 "$here/../scripts/corpus-fix.py" --binary "$bin" --jobs 2 --timeout "$limit" "$corpus"; then
  echo "corpus_robustness: FAILED: preflight fix over the corpus (PROBLEM lines above)"
  exit 1
fi
echo "corpus_robustness: fix: every file answered, no input changed"
