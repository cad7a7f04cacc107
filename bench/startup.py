#!/usr/bin/env python3
"""The CLI's own start: CPU time of `preflight --version` and of a small check, and the
number of shared libraries the process maps. Called by bench/startup.sh (see
bench/README.md, "Start-up").

Per command: one warm-up run (not counted; fills the page cache), then N runs, each
spawned with posix_spawn() and reaped with os.wait4(): CPU is that rusage's user +
system time (the process and the children it reaped, e.g. the analysing child of a
check), wall is time.perf_counter() around spawn .. wait4. The median of the N runs is
reported. The libraries are counted from one more run under LD_DEBUG=files: the
objects the dynamic loader maps into the first process (the program itself and the
vDSO not counted), including any loaded later with dlopen.

Goal: `preflight --version` at most 5 ms of CPU (median, absolute: it depends on the
machine; measured on the 2-core CI machine of bench/README.md).

Exit status: 0 the goal PASS; 1 MISS; 2 a run failed (unexpected exit code) or the
binary is missing.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION_GOAL_MS = 5.0
LINK_MAP = re.compile(r"^\s*(\d+):\s+file=(\S+) \[0\];\s+generating link map")


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(cpu seconds, wall seconds, exit code) of one run, output discarded."""
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env,
                             file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0),
                                           (os.POSIX_SPAWN_DUP2, devnull, 1),
                                           (os.POSIX_SPAWN_DUP2, devnull, 2)])
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
    finally:
        os.close(devnull)
    return usage.ru_utime + usage.ru_stime, wall, os.waitstatus_to_exitcode(status)


def libraries(argv: list[str], env: dict[str, str]) -> list[str]:
    """The shared objects the loader maps into the first process of `argv`."""
    traced = dict(env, LD_DEBUG="files")
    out = subprocess.run(argv, env=traced, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True, errors="replace", check=False).stderr
    first_pid = None
    names: list[str] = []
    for line in out.splitlines():
        m = LINK_MAP.match(line)
        if not m:
            continue
        if first_pid is None:
            first_pid = m.group(1)
        if m.group(1) == first_pid and m.group(2) not in names:
            names.append(m.group(2))
    return names


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=str(ROOT / "build" / "bin" / "preflight"))
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--list", action="store_true", help="print the libraries mapped by --version")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        print(f"startup.py: no binary at {binary}", file=sys.stderr)
        return 2
    env = {k: v for k, v in os.environ.items() if not k.startswith("LD_")}
    env["NO_COLOR"] = "1"
    example = ROOT / "fixtures" / "example" / "post.json"
    commands = [  # (label, argv, expected exit code)
        ("preflight --version", [binary, "--version"], 0),
        ("preflight check --manifest fixtures/example/post.json",
         [binary, "check", "--lang", "en", "--manifest", str(example)], 1),
    ]
    print(f"binary: {binary}")
    print(f"runs: {args.runs} per command (after one warm-up), median\n")
    print("| command | CPU ms (user+sys) | wall ms | libraries mapped |")
    print("|---|---:|---:|---:|")
    version_cpu = None
    failed = False
    for label, argv, expected in commands:
        run_once(argv, env)
        cpus, walls = [], []
        for _ in range(args.runs):
            cpu, wall, code = run_once(argv, env)
            if code != expected:
                print(f"startup.py: {label}: exit {code}, expected {expected}", file=sys.stderr)
                failed = True
            cpus.append(cpu * 1000)
            walls.append(wall * 1000)
        libs = libraries(argv, env)
        cpu_ms = statistics.median(cpus)
        if version_cpu is None:
            version_cpu = cpu_ms
            version_libs = libs
        print(f"| `{label}` | {cpu_ms:.1f} | {statistics.median(walls):.1f} | {len(libs)} |")
    if args.list:
        print("\nmapped by --version: " + " ".join(version_libs))
    ok = version_cpu is not None and version_cpu <= VERSION_GOAL_MS
    print(f"\ngoal: `preflight --version` <= {VERSION_GOAL_MS:.0f} ms CPU (median, absolute): "
          f"{version_cpu:.1f} ms {'PASS' if ok else 'MISS'}")
    if failed:
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
