#!/usr/bin/env bash
# Load test of the gate (`preflight serve`). See bench/README.md, "The gate under load".
# Usage: bench/gate.sh [--binary PATH] [--duration 30s] [--threads 2] [--connections 8] [--clients 20] [--out DIR] [--results FILE]
# Exit: 0 every goal PASS, 1 a goal MISS, 2 the gate did not come up, a tool is missing or a step failed.
#
# 1. wrk POSTs a prebuilt three-document multipart body to /v1/check (--latency: p50/p99;
#    bench/gate_check.lua counts non-2xx answers).
# 2. A fresh gate; --clients clients POST bench/out/images-50mb.pdf (52 MB) each, at once,
#    while bench/gate_bench.py samples the gate's VmRSS (and its children's) every 100 ms;
#    the gate's VmHWM is read after the run. Goal: under 200 MB resident.
# Everything temporary goes to one mktemp directory, removed at exit with the gate stopped.
set -euo pipefail

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$bench_dir/.." && pwd)
binary="$root/build/bin/preflight"
duration=30s
threads=2
connections=8
clients=20
out="$bench_dir/out"
results="$bench_dir/gate-results.md"
goal_mb=200

usage() { sed -n '2,4s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=${2:?--binary needs a path}; shift 2 ;;
    --duration) duration=${2:?--duration needs a wrk duration, e.g. 30s}; shift 2 ;;
    --threads) threads=${2:?--threads needs a number}; shift 2 ;;
    --connections) connections=${2:?--connections needs a number}; shift 2 ;;
    --clients) clients=${2:?--clients needs a number}; shift 2 ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --results) results=${2:?--results needs a file}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "gate.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
for n in "$threads" "$connections" "$clients"; do
  case "$n" in ''|*[!0-9]*|0) echo "gate.sh: --threads, --connections and --clients take a positive integer" >&2; exit 2 ;; esac
done
[ -x "$binary" ] || { echo "gate.sh: no preflight binary at $binary (build it, or --binary PATH)" >&2; exit 2; }
for tool in wrk python3 qpdf; do
  command -v "$tool" >/dev/null || { echo "gate.sh: $tool not found (scripts/install-deps.sh)" >&2; exit 2; }
done
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
results=$(cd "$(dirname "$results")" && pwd)/$(basename "$results")

work=$(mktemp -d "${TMPDIR:-/tmp}/preflight-gate-bench.XXXXXX")
gate_pid=""
job_pid=""  # wrk or the upload client, run in the background so that a signal is seen at once

# Runs a command in the background with stdout to $1 and waits for it; returns its status.
run_job() {
  local out=$1
  shift
  "$@" >"$out" &
  job_pid=$!
  local rc=0
  wait "$job_pid" || rc=$?
  job_pid=""
  return "$rc"
}

stop_gate() {
  [ -n "$gate_pid" ] || return 0
  if kill -0 "$gate_pid" 2>/dev/null; then
    kill -TERM "$gate_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$gate_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$gate_pid" 2>/dev/null; then
      echo "gate.sh: the gate (pid $gate_pid) did not stop within 5 s of SIGTERM; killing it" >&2
      kill -KILL "$gate_pid" 2>/dev/null || true
    fi
  fi
  local rc=0
  wait "$gate_pid" 2>/dev/null || rc=$?
  [ "$rc" = 0 ] || echo "gate.sh: warning: the gate (pid $gate_pid) exited with status $rc" >&2
  gate_pid=""
}
cleanup() {
  if [ -n "$job_pid" ]; then
    kill -TERM "$job_pid" 2>/dev/null || true
    wait "$job_pid" 2>/dev/null || true
  fi
  stop_gate
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

show_log() { if [ -s "$1" ]; then sed 's/^/  /' "$1" >&2; else echo "  (nothing)" >&2; fi; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# The gate's config: the end-to-end fixtures' local registry (no network), no access
# log, room for every upload at once, request bodies under $work.
mkdir -p "$work/gate-tmp"
max_uploads=$(( clients > 32 ? clients * 2 : 64 ))
cat >"$work/gate.ini" <<EOF
[registry]
file = $root/fixtures/e2e/registry.json

[serve]
access-log = false
max-uploads = $max_uploads
temp-dir = $work/gate-tmp
EOF

# Starts the gate on a free port; sets gate_pid and port, or exits 2 with its log.
start_gate() {
  local log="$work/gate-$1.log"
  "$binary" serve --listen 127.0.0.1:0 --config "$work/gate.ini" 2>"$log" &
  gate_pid=$!
  port=""
  for _ in $(seq 100); do
    port=$(sed -n 's/^preflight serve: listening on port \([0-9][0-9]*\)$/\1/p' "$log")
    [ -n "$port" ] && break
    if ! kill -0 "$gate_pid" 2>/dev/null; then
      wait "$gate_pid" 2>/dev/null && rc=0 || rc=$?
      gate_pid=""
      echo "gate.sh: the gate exited (status $rc) before listening; its stderr:" >&2
      show_log "$log"
      exit 2
    fi
    sleep 0.1
  done
  if [ -z "$port" ] || [ "$(python3 "$bench_dir/gate_bench.py" request --port "$port" --timeout 5)" != 200 ]; then
    echo "gate.sh: the gate did not come up within 10 s (no 'listening on port' line, or /healthz not 200); its stderr:" >&2
    show_log "$log"
    exit 2
  fi
}

load_start=$(load1)

# ---- 1. wrk: three-document post
boundary=$(python3 "$bench_dir/gate_bench.py" body "$work/body")
start_gate wrk
url="http://127.0.0.1:$port/v1/check"
code=$(python3 "$bench_dir/gate_bench.py" request --port "$port" --path /v1/check --body "$work/body" \
  --boundary "$boundary" --out "$work/warmup.json")
if [ "$code" != 200 ]; then
  echo "gate.sh: warm-up request answered '$code', not 200:" >&2
  head -c 2000 "$work/warmup.json" >&2 || true
  exit 2
fi
python3 "$bench_dir/gate_bench.py" snapshot --pid "$gate_pid" >"$work/wrk-before.json"
wrk_args=(-t"$threads" -c"$connections" -d"$duration" --latency -s "$bench_dir/gate_check.lua" "$url" -- "$work/body" "$boundary")
echo "gate.sh: wrk ${wrk_args[*]}" >&2
run_job "$work/wrk.txt" wrk "${wrk_args[@]}" 2>&1 || { echo "gate.sh: wrk failed:" >&2; cat "$work/wrk.txt" >&2; exit 2; }
cat "$work/wrk.txt" >&2
python3 "$bench_dir/gate_bench.py" snapshot --pid "$gate_pid" >"$work/wrk-after.json"
stop_gate
load_after_wrk=$(load1)

# ---- 2. concurrent 50 MB uploads, a fresh gate
python3 "$bench_dir/make_pdfs.py" --out "$out" >/dev/null
big="$out/images-50mb.pdf"
start_gate upload
echo "gate.sh: $clients clients upload $big at once" >&2
upload_rc=0
run_job "$work/upload.json" python3 "$bench_dir/gate_bench.py" upload --port "$port" --pid "$gate_pid" \
  --file "$big" --clients "$clients" --temp-dir "$work/gate-tmp" --samples "$work/samples.csv" || upload_rc=$?
if [ "$upload_rc" -gt 1 ] || [ ! -s "$work/upload.json" ]; then
  echo "gate.sh: the upload run failed (status $upload_rc)" >&2
  exit 2
fi
if ! kill -0 "$gate_pid" 2>/dev/null; then
  echo "gate.sh: the gate died during the uploads; its stderr:" >&2
  show_log "$work/gate-upload.log"
  exit 2
fi
stop_gate
load_end=$(load1)

# One analyser of the same document alone, under GNU time: the exact peak of what the gate
# runs per PDF (`preflight __isolate-child pdf.analyze MEMORY CPU FILE_BYTES FILE SCAN`, the
# job of pdf/sandbox.cpp in exec mode, with the [pdf] defaults), which the 100 ms samples can
# miss. Empty if that internal command changed.
alone_kib=""
if [ -x /usr/bin/time ]; then
  alone_kib=$( { /usr/bin/time -f '%M' "$binary" __isolate-child pdf.analyze 1073741824 20 "$(stat -c %s "$big")" "$big" 0 3>/dev/null >/dev/null; } 2>&1 | tail -n1 ) || alone_kib=""
  case "$alone_kib" in ''|*[!0-9]*) alone_kib="" ;; esac
fi

# ---- report
startup_ms=$(python3 "$bench_dir/gate_bench.py" startup --binary "$binary") || startup_ms="?"
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$(dirname "$(dirname "$binary")")/CMakeCache.txt" 2>/dev/null || true)
rel_binary=${binary#"$root"/}
report_rc=0
python3 "$bench_dir/gate_bench.py" report --dir "$work" --results "$results" --goal-mb "$goal_mb" \
  --meta "date=$(date -u '+%Y-%m-%d %H:%M:%S +0000')" \
  --meta "uname=$(uname -sr)" \
  --meta "nproc=$(nproc)" \
  --meta "mem=$(awk '/^MemTotal/ {printf "%.1f GB RAM", $2 * 1024 / 1e9}' /proc/meminfo)" \
  --meta "load_start=$load_start" --meta "load_after_wrk=$load_after_wrk" --meta "load_end=$load_end" \
  --meta "binary=$rel_binary" \
  --meta "version=$("$binary" --version 2>&1 | head -n1)" \
  --meta "build_type=${build_type:-unknown}" \
  --meta "wrk_version=$(wrk --version 2>&1 | head -n1 | sed 's/ Copyright.*//')" \
  --meta "ini=[registry] file = fixtures/e2e/registry.json; [serve] access-log = false, max-uploads = $max_uploads, temp-dir = (mktemp dir)" \
  --meta "max_uploads=$max_uploads" \
  --meta "connections=$connections" \
  --meta "startup_ms=$startup_ms" \
  --meta "temp_fs=$(stat -f -c %T "$work")" \
  --meta "analyser_alone_kib=$alone_kib" \
  --meta "body_bytes=$(stat -c %s "$work/body")" \
  --meta "wrk_cmd=wrk -t$threads -c$connections -d$duration --latency -s bench/gate_check.lua http://127.0.0.1:PORT/v1/check -- BODY $boundary" \
  --meta "upload_cmd=python3 bench/gate_bench.py upload --port PORT --pid GATE_PID --file bench/out/images-50mb.pdf --clients $clients --temp-dir GATE_TMP --samples SAMPLES.csv" \
  || report_rc=$?
exit "$report_rc"
