#!/usr/bin/env bash
# Attacks on the gate (`preflight serve --upstream`). See bench/README.md, "Attacks on the gate".
# Usage: bench/gate_attack.sh [--binary PATH] [--results FILE] [--label TITLE] [--only memory|stalled|trickle]... [-- MORE]
# Exit: 0 every scenario ran (whatever it measured), 2 the gate did not come up or a scenario failed, 130 interrupted.
#
# A fake integrasjonspunkt and, per scenario, a fresh `BINARY serve --listen 127.0.0.1:0` in front of it
# (all in bench/gate_attack.py, python3 stdlib): memory (24 clients with 4 MiB JSON bodies at once), stalled
# (300 half request heads), trickle (40 uploads at 1 byte / 2 s). About 2.5 minutes for all three
# (memory ~30 s, stalled ≤ 50 s, trickle ≤ 95 s).
# Writes a section named --label (default: the binary's --version line) to --results (default
# bench/attack-results.md, other sections kept) and to stdout. MORE goes to gate_attack.py as is
# (e.g. -- --creates 8 --stalled-seconds 40; see python3 bench/gate_attack.py --help).
set -euo pipefail

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$bench_dir/.." && pwd)
binary="$root/build/bin/preflight"
results="$bench_dir/attack-results.md"
args=()
command_line="bench/gate_attack.sh${*:+ $*}"

usage() { sed -n '2,3s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=${2:?--binary needs a path}; shift 2 ;;
    --results) results=${2:?--results needs a file}; shift 2 ;;
    --label) args+=(--label "${2:?--label needs a title}"); shift 2 ;;
    --only)
      IFS=, read -r -a names <<<"${2:?--only needs memory, stalled or trickle}"
      for n in "${names[@]}"; do
        case "$n" in memory|stalled|trickle) args+=(--only "$n") ;; *) echo "gate_attack.sh: --only takes memory, stalled or trickle" >&2; exit 2 ;; esac
      done
      shift 2 ;;
    --) shift; args+=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    *) echo "gate_attack.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[ -x "$binary" ] || { echo "gate_attack.sh: no preflight binary at $binary (build it, or --binary PATH)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "gate_attack.sh: python3 not found" >&2; exit 2; }

# The Python script stops the gate and its fake upstream in `finally` (on SIGTERM too), and
# the gate dies with it (PR_SET_PDEATHSIG) if it is killed outright. Run it in the background
# so that a signal reaches it at once.
py_pid=""
forward() {
  if [ -n "$py_pid" ]; then
    kill -TERM "$py_pid" 2>/dev/null || true
    wait "$py_pid" 2>/dev/null || true
  fi
  exit 130
}
trap forward INT TERM

python3 "$bench_dir/gate_attack.py" --binary "$binary" --results "$results" \
  --command "$command_line" "${args[@]}" &
py_pid=$!
rc=0
wait "$py_pid" || rc=$?
py_pid=""
exit "$rc"
