#!/usr/bin/env python3
"""Corpus report: `preflight check --channel print --format json` over every PDF of a folder.

Prints how many files passed, warned and blocked, the findings by check code (files
and findings), the slowest files, and every file whose run ended other than with
exit 0 or 1 (exit 2 or 3, a signal, a timeout, or output that is not the report).

usage: scripts/corpus-report.py [--binary PATH] [--jobs N] [--timeout S] [--slowest N]
                                [--all-files] [--json FILE] FOLDER

Exit: 0 every run ended with exit 0 or 1 and a report; 1 some did not; 2 usage error.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import subprocess
import sys
import time


def files_in(folder, all_files):
    found = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            if all_files or name.lower().endswith(".pdf"):
                found.append(os.path.join(root, name))
    return found


def check(binary, path, timeout):
    start = time.monotonic()
    row = {"file": path, "exit": None, "seconds": 0.0, "verdict": None, "codes": [], "problem": None}
    try:
        proc = subprocess.run([binary, "check", "--channel", "print", "--format", "json", path],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        row["seconds"] = time.monotonic() - start
        row["problem"] = f"timeout after {timeout} s"
        return row
    row["seconds"] = time.monotonic() - start
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
    bad = [r for r in rows if r["problem"]]
    rel = lambda p: os.path.relpath(p, args.folder)  # noqa: E731

    print(f"corpus-report: {len(rows)} files in {args.folder}, {wall:.1f} s with {args.jobs} jobs")
    print(f"verdicts: {verdicts['pass']} pass, {verdicts['warn']} warn, {verdicts['block']} block, "
          f"{len(bad)} ended otherwise")
    print("findings by code (files, findings):")
    for code in sorted(files_by_code):
        print(f"  {code}  {files_by_code[code]:5d} files  {findings_by_code[code]:6d} findings")
    print(f"slowest {min(args.slowest, len(rows))}:")
    for r in sorted(rows, key=lambda r: -r["seconds"])[:args.slowest]:
        print(f"  {r['seconds']:7.2f} s  {r['verdict'] or '-':5}  {rel(r['file'])}")
    if bad:
        print("ended other than with exit 0 or 1 and a report:")
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
