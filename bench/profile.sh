#!/usr/bin/env bash
# Profile preflight on the benchmark PDFs: instructions per function (callgrind)
# and system calls (strace -c -f). Results go to bench/profile/ (gitignored).
# Usage: bench/profile.sh [--binary PATH] [--out DIR] [FILE.pdf...] [-- EXTRA PREFLIGHT ARGS]
# Default files: text-2000.pdf and objstm-10000.pdf from bench/out/ (generated if needed).
# Build with symbols for readable names: cmake -DCMAKE_BUILD_TYPE=RelWithDebInfo.
set -euo pipefail

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$bench_dir/.." && pwd)
binary="$root/build/bin/preflight"
pdfs="$bench_dir/out"
dest="$bench_dir/profile"
files=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=${2:?}; shift 2 ;;
    --out) pdfs=${2:?}; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,6s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) files+=("$1"); shift ;;
  esac
done
for tool in valgrind callgrind_annotate strace; do
  command -v "$tool" >/dev/null || { echo "profile.sh: $tool not found (apt-get install valgrind strace)" >&2; exit 2; }
done
[ -x "$binary" ] || { echo "profile.sh: $binary not found" >&2; exit 2; }
if [ "${#files[@]}" -eq 0 ]; then
  python3 "$bench_dir/make_pdfs.py" --out "$pdfs" >/dev/null
  files=("$pdfs/text-2000.pdf" "$pdfs/objstm-10000.pdf")
fi
mkdir -p "$dest"

for f in "${files[@]}"; do
  name=$(basename "$f" .pdf)
  rm -f "$dest/callgrind.$name".*
  cmd=("$binary" check --channel print "${extra[@]}" "$f")
  echo "profile.sh: callgrind ${cmd[*]}" >&2
  # Each process (fork()ed or exec()ed) writes its own file (%p = pid).
  # status 1 (something blocks) is a normal answer.
  valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$dest/callgrind.$name.%p" "${cmd[@]}" \
    >/dev/null 2>"$dest/valgrind.$name.log" || true
  summary="$dest/$name.callgrind.txt"
  : >"$summary"
  for out in "$dest/callgrind.$name".*; do
    grep -q '^events:' "$out" 2>/dev/null || continue  # a process that died before writing
    {
      echo "==== $out: self cost (exclusive), top 30"
      callgrind_annotate --threshold=100 "$out" | sed -n '/PROGRAM TOTALS/,$p' | sed -n '1,34p'
      echo "==== $out: inclusive cost, top 40"
      callgrind_annotate --inclusive=yes --threshold=100 "$out" | sed -n '/file:function/,$p' | sed -n '3,42p'
    } >>"$summary"
  done
  echo "profile.sh: strace -c -f ${cmd[*]}" >&2
  strace -c -f -o "$dest/$name.strace.txt" "${cmd[@]}" >/dev/null 2>&1 || true
  echo "profile.sh: wrote $summary and $dest/$name.strace.txt" >&2
done
