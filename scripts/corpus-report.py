#!/usr/bin/env python3
"""Corpus report: `preflight check --channel print --format json` over every PDF of a folder.

Prints how many files passed, warned and blocked, the findings by check code (files
and findings), the slowest files (wall time, and CPU time of the run and of the
analysing children it reaped), and every file whose run ended other than with exit 0
or 1 (exit 2 or 3, a signal, a timeout, or output that is not the report), or took
more than --max-seconds of CPU time (default 1: every file answered in under a second;
CPU time, so that other work on the machine does not count; 0: no limit).

usage: scripts/corpus-report.py [--binary PATH] [--jobs N] [--timeout S] [--slowest N]
                                [--max-seconds S] [--all-files] [--json FILE] FOLDER

Exit: 0 every run ended with exit 0 or 1 and a report, in time; 1 some did not; 2 usage error.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import subprocess
import sys
import threading
import time


def files_in(folder, all_files):
    found = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            if all_files or name.lower().endswith(".pdf"):
                found.append(os.path.join(root, name))
    return found


class Run:
    """A finished child: its exit code (negative: signal), output and CPU seconds."""

    def __init__(self, returncode, stdout, stderr, cpu):
        self.returncode, self.stdout, self.stderr, self.cpu = returncode, stdout, stderr, cpu


def run_timed(argv, timeout):
    """Runs argv like subprocess.run, but reaps it with wait4() for its CPU time (its own
    and that of the children it reaped: the analysing processes). Raises
    subprocess.TimeoutExpired when it had to be killed after `timeout` seconds."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    fired = threading.Event()

    def kill():
        fired.set()
        proc.kill()

    timer = threading.Timer(timeout, kill)
    timer.start()
    err = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()))
    reader.start()
    out = proc.stdout.read()
    reader.join()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    proc.stdout.close()
    proc.stderr.close()
    if fired.is_set():
        raise subprocess.TimeoutExpired(argv, timeout)
    return Run(proc.returncode, out, err[0] if err else b"", usage.ru_utime + usage.ru_stime)


def check(binary, path, timeout):
    start = time.monotonic()
    row = {"file": path, "exit": None, "seconds": 0.0, "cpu": 0.0, "verdict": None, "codes": [], "problem": None}
    try:
        proc = run_timed([binary, "check", "--channel", "print", "--format", "json", path], timeout)
    except subprocess.TimeoutExpired:
        row["seconds"] = time.monotonic() - start
        row["problem"] = f"timeout after {timeout} s"
        return row
    row["seconds"] = time.monotonic() - start
    row["cpu"] = proc.cpu
    row["exit"] = proc.returncode
    if proc.returncode < 0:
        row["problem"] = f"killed by signal {-proc.returncode}"
    elif proc.returncode not in (0, 1):
        row["problem"] = f"exit {proc.returncode}: {proc.stderr.decode('utf-8', 'replace').strip()[:200]}"
    else:
        try:
            report = json.loads(proc.stdout)
            row["verdict"] = report["verdict"]
            row["codes"] = [f["code"] for f in report["findings"]]
        except (ValueError, KeyError, TypeError) as e:
            row["problem"] = f"exit {proc.returncode} but no report ({e})"
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder")
    ap.add_argument("--binary", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "bin",
                                                     "preflight"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per file (default 60)")
    ap.add_argument("--slowest", type=int, default=5)
    ap.add_argument("--max-seconds", type=float, default=1.0,
                    help="CPU seconds a file may take, run and analysing children (default 1; 0: no limit)")
    ap.add_argument("--all-files", action="store_true", help="every file, not only *.pdf")
    ap.add_argument("--json", help="also write every row and the totals as JSON to this file")
    args = ap.parse_args()
    if not os.path.isdir(args.folder):
        print(f"corpus-report: {args.folder}: not a folder", file=sys.stderr)
        return 2
    if not os.access(args.binary, os.X_OK):
        print(f"corpus-report: no binary at {args.binary} (build first, or --binary)", file=sys.stderr)
        return 2
    if args.jobs < 1:
        print("corpus-report: --jobs takes a positive integer", file=sys.stderr)
        return 2

    paths = files_in(args.folder, args.all_files)
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(lambda p: check(args.binary, p, args.timeout), paths))
    wall = time.monotonic() - started

    verdicts = collections.Counter(r["verdict"] for r in rows if r["verdict"])
    files_by_code = collections.Counter(c for r in rows for c in set(r["codes"]))
    findings_by_code = collections.Counter(c for r in rows for c in r["codes"])
    if args.max_seconds > 0:
        for r in rows:
            if not r["problem"] and r["cpu"] > args.max_seconds:
                r["problem"] = f"{r['cpu']:.2f} s of CPU time, more than {args.max_seconds:g} s"
    bad = [r for r in rows if r["problem"]]
    rel = lambda p: os.path.relpath(p, args.folder)  # noqa: E731

    print(f"corpus-report: {len(rows)} files in {args.folder}, {wall:.1f} s with {args.jobs} jobs")
    print(f"verdicts: {verdicts['pass']} pass, {verdicts['warn']} warn, {verdicts['block']} block, "
          f"{len(bad)} ended otherwise")
    print("findings by code (files, findings):")
    for code in sorted(files_by_code):
        print(f"  {code}  {files_by_code[code]:5d} files  {findings_by_code[code]:6d} findings")
    print(f"slowest {min(args.slowest, len(rows))} (wall, CPU):")
    for r in sorted(rows, key=lambda r: -r["seconds"])[:args.slowest]:
        print(f"  {r['seconds']:7.2f} s  {r['cpu']:6.2f} s CPU  {r['verdict'] or '-':5}  {rel(r['file'])}")
    if rows:
        top = max(rows, key=lambda r: r["cpu"] if r["cpu"] == r["cpu"] else 0)
        print(f"most CPU: {top['cpu']:.3f} s  {rel(top['file'])}")
    if bad:
        print("ended other than with exit 0 or 1 and a report, or too slow:")
        for r in bad:
            print(f"  {rel(r['file'])}: {r['problem']}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"folder": args.folder, "files": len(rows), "seconds": round(wall, 3),
                       "verdicts": dict(verdicts), "files_by_code": dict(files_by_code),
                       "findings_by_code": dict(findings_by_code),
                       "rows": [dict(r, file=rel(r["file"])) for r in rows]}, out, indent=1)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
