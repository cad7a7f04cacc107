#!/usr/bin/env python3
"""Time `preflight scan --format json DIR` with one job and with N jobs; write a markdown report.

Called by bench/scan.sh (see bench/README.md):
  - one warm-up run with N jobs (not counted; also fills the page cache),
  - R rounds, each running `--jobs 1` and `--jobs N`, the order alternating per round,
  - wall time with time.perf_counter() around the spawn .. wait, CPU time (user +
    system of preflight and the children it reaped) from getrusage(RUSAGE_CHILDREN),
  - every run's stdout must be byte-identical to the first one's (the order of a scan
    is sorted by path, whatever --jobs).

Exit status: 0 PASS; 1 MISS (speedup below the goal on 2+ cores, or outputs that
differ); 2 a run failed (an exit status other than 0 or 1, a signal, a timeout) or
the binary is missing.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SPEEDUP_GOAL = 1.7
EXTENSIONS = (".pdf", ".docx", ".dotx")


@dataclass
class Run:
    jobs: int
    wall: float
    cpu: float
    status: int | None  # exit code, -signal, None for a timeout
    digest: str
    output: bytes
    stderr: bytes


def count_files(root: Path) -> int:
    """What scan is to find: .pdf/.docx/.dotx in any case, directories starting with '.' skipped."""
    n = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        n += sum(1 for f in filenames if f.lower().endswith(EXTENSIONS))
    return n


def run_once(binary: str, directory: str, jobs: int, timeout: float) -> Run:
    cmd = [binary, "scan", "--jobs", str(jobs), "--format", "json", directory]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
        try:
            status: int | None = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            status = None
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.seek(0)
        err.seek(0)
        output, stderr = out.read(), err.read()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(jobs, wall, cpu, status, hashlib.sha256(output).hexdigest(), output, stderr)


def failed(run: Run) -> str | None:
    if run.status is None:
        return "timed out"
    if run.status < 0:
        return f"killed by signal {-run.status}"
    if run.status not in (0, 1):
        return f"exit status {run.status}"
    return None


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def summarise(output: bytes) -> tuple[int | None, str]:
    """Documents in the JSON report and a one-line summary of verdict and finding codes."""
    try:
        report = json.loads(output)
        codes: dict[str, int] = {}
        for f in report.get("findings", []):
            key = f"{f.get('code')} {f.get('severity')}"
            codes[key] = codes.get(key, 0) + 1
        docs = report.get("documents")
        text = f"verdict {report.get('verdict')}; findings: " + \
            (", ".join(f"{k} × {v}" for k, v in sorted(codes.items())) or "none")
        return (len(docs) if isinstance(docs, list) else None), text
    except (ValueError, AttributeError, TypeError) as e:
        return None, f"the output is not the expected JSON report ({e})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--dir", required=True, help="the template tree to scan")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--results", type=Path, required=True)
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()

    if not (os.path.isfile(args.binary) and os.access(args.binary, os.X_OK)):
        print(f"scan_measure.py: no executable at {args.binary}", file=sys.stderr)
        return 2
    cores = len(os.sched_getaffinity(0))
    files = count_files(Path(args.dir))
    series = [1, args.jobs] if args.jobs != 1 else [1]
    load_start = loadavg()

    def run(jobs: int) -> Run:
        r = run_once(args.binary, args.dir, jobs, args.timeout)
        why = failed(r)
        if why:
            print(f"scan.sh: `preflight scan --jobs {jobs}` failed: {why}", file=sys.stderr)
            sys.stderr.write(r.stderr[-4000:].decode(errors="replace"))
            sys.exit(2)
        return r

    what = " and ".join(f"--jobs {j}" for j in series)
    print(f"scan.sh: {files} files in {args.dir}; rounds: {args.runs} of {what} ({cores} cores), "
          "after one warm-up run", file=sys.stderr, flush=True)
    first = run(args.jobs)
    runs: list[Run] = []
    for r in range(args.runs):
        for jobs in (series if r % 2 == 0 else series[::-1]):
            runs.append(run(jobs))
            print(f"  round {r + 1}: --jobs {jobs}: {runs[-1].wall:.2f} s", file=sys.stderr, flush=True)
    load_end = loadavg()

    identical = all(x.digest == first.digest for x in runs)
    statuses = sorted({x.status for x in [first, *runs]})
    documents, findings = summarise(first.output)

    rows = []
    medians = {}
    for jobs in series:
        mine = [x for x in runs if x.jobs == jobs]
        med = statistics.median(x.wall for x in mine)
        medians[jobs] = med
        rows.append((jobs, med, min(x.wall for x in mine), files / med if med > 0 else float("inf"),
                     statistics.median(x.cpu for x in mine)))
    speedup = medians[1] / medians[args.jobs] if medians[args.jobs] > 0 else float("inf")

    judged = cores >= 2 and args.jobs >= 2
    goals = []
    if judged:
        goals.append((f"speedup ≥ {SPEEDUP_GOAL} with --jobs {args.jobs} on {cores} cores",
                      "PASS" if speedup >= SPEEDUP_GOAL else "MISS", f"{speedup:.2f}"))
    else:
        goals.append((f"speedup ≥ {SPEEDUP_GOAL}", "not judged", f"{speedup:.2f} ({cores} core(s), --jobs {args.jobs})"))
    goals.append(("every output byte-identical (stable order)", "PASS" if identical else "MISS",
                  "yes" if identical else "no"))

    lines = [
        "# `preflight scan`: one job against all cores",
        "",
        f"Generated by `bench/scan.sh` on {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %z')}.",
        "",
        f"- Machine: {cores} cores, {cpu_model()}; `{' '.join(platform.uname()[i] for i in (0, 2, 4))}`",
        f"- Load average (1 min): {load_start} at the start, {load_end} at the end",
        f"- Tree: {files} files (`bench/make_templates.py`: half Word, half PDF)",
        f"- Command: `preflight scan --jobs J --format json {args.dir}`; one warm-up run with "
        f"`--jobs {args.jobs}`, then rounds: {args.runs} of {what}" + (", the order alternating" if len(series) > 1 else ""),
        f"- Exit status: {', '.join(str(s) for s in statuses)}; report: {documents if documents is not None else '?'} "
        f"documents, {findings}",
        "",
        "| jobs | median wall s | min wall s | files/s | CPU s (median) | speedup |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for jobs, med, low, rate, cpu in rows:
        lines.append(f"| {jobs} | {med:.2f} | {low:.2f} | {rate:.0f} | {cpu:.2f} | "
                     f"{medians[1] / med if med > 0 else float('inf'):.2f} |")
    lines += ["", "| goal | result | measured |", "|---|---|---|"]
    lines += [f"| {g} | {res} | {m} |" for g, res, m in goals]
    report = "\n".join(lines) + "\n"

    print(report)
    for g, res, m in goals:
        if res == "MISS":
            print(f"MISS: {g}: {m}")
    if documents is not None and documents != files:
        print(f"note: the report lists {documents} documents, the tree has {files} files", file=sys.stderr)
    if not identical:
        keep = Path(args.dir).resolve().parent  # the cache directory, not the repository
        other = next(x for x in runs if x.digest != first.digest)
        (keep / f"scan-warmup-jobs{first.jobs}.json").write_bytes(first.output)
        (keep / f"scan-differs-jobs{other.jobs}.json").write_bytes(other.output)
        print(f"the outputs differ: {keep}/scan-warmup-jobs{first.jobs}.json and "
              f"{keep}/scan-differs-jobs{other.jobs}.json", file=sys.stderr)
    args.results.write_text(report)
    return 1 if any(res == "MISS" for _, res, _ in goals) else 0


if __name__ == "__main__":
    sys.exit(main())
