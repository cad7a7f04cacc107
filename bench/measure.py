#!/usr/bin/env python3
"""Time preflight against pdfinfo on the generated PDFs; print and write a markdown report.

Called by bench/run.sh (see bench/README.md). Per file:
  - one warm-up run of each tool (not counted; also fills the page cache),
  - N timed rounds, each running both tools, the order alternating per round,
  - M memory runs of each tool under `/usr/bin/time -f %M` (not timed),
  - one extra `preflight ... --format json` run to read the findings (not timed).
Wall time is measured around posix_spawn() .. wait4() with time.perf_counter();
CPU time (user + system, children included) comes from the same wait4().
Peak memory is GNU time's %M: ru_maxrss of the waited-for command, the largest
peak RSS of the process itself or of any descendant it has waited for, i.e.
preflight's analysing child is covered. It is a maximum, not a sum. It is not
read from this script's own wait4(): a child spawned from Python starts with
Python's RSS as its ru_maxrss floor (exec records the old mm's high-water mark).

Exit status: 0 every goal PASS; 1 some goal MISS; 2 a run failed (preflight
exit 2/3/signal/timeout), or the binary is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

FILES = [  # (file name, what it is)
    ("text-2000.pdf", "2,000 A4 text pages, flat page tree"),
    ("objstm-10000.pdf", "10,000 pages, object streams + xref stream"),
    ("images-50mb.pdf", "5 pages, 5 x 10 MB uncompressed images"),
    ("images-50mb-truncated.pdf", "images-50mb.pdf cut in half, no %%EOF"),
]
RATIO_GOAL = 0.5  # page geometry (DP307 off) against pdfinfo -box
CONTENT_RATIO_GOAL = 3.0  # the whole default check (DP307's content pass on) against pdfinfo -box
CONTENT_FILES = ("text-2000.pdf", "objstm-10000.pdf")  # also timed with DP307's content pass
TRUNCATED_SECONDS = 2.0
RSS_GOAL_KB = 100_000_000 // 1024  # 100 MB (10^8 bytes) in KiB, ru_maxrss's unit
GNU_TIME = "/usr/bin/time"


@dataclass
class Run:
    wall: float  # seconds
    status: int  # exit code, or -signal, or None for a timeout
    maxrss_kb: int | None  # from GNU time's %M; None for runs without it
    timed_out: bool = False
    cpu: float = 0.0  # user + system seconds of the process and its reaped children


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)  # timed runs
    mem_runs: list[Run] = field(default_factory=list)  # runs under GNU time

    @property
    def walls(self) -> list[float]:
        return [r.wall for r in self.runs]

    def median(self) -> float:
        return statistics.median(self.walls)

    def min(self) -> float:
        return min(self.walls)

    def cpu_median(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    def max(self) -> float:
        return max(self.walls)

    def peak_kb(self) -> int:
        return max((r.maxrss_kb or 0) for r in self.mem_runs)

    def statuses(self) -> list[str]:
        return sorted({status_text(r) for r in self.runs + self.mem_runs})


def status_text(r: Run) -> str:
    if r.timed_out:
        return "timeout"
    if r.status < 0:
        return signal.Signals(-r.status).name
    return str(r.status)


def run_once(argv: list[str], timeout: float, stdout_path: str | None = None,
             rss_file: str | None = None) -> Run:
    """Spawn argv in its own process group, wait, and measure. stdout goes to
    stdout_path (or /dev/null), stderr to /dev/null. With rss_file, run it under
    GNU time, which writes %M (and the exit status) there."""
    if rss_file:
        argv = [GNU_TIME, "-f", "%x %M", "-o", rss_file, *argv]
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, stdout_path or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
    ]
    timed_out = threading.Event()
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions, setpgroup=0)

    def kill() -> None:
        timed_out.set()
        try:
            os.killpg(pid, signal.SIGKILL)  # the group of the process started here
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    _, wstatus, rusage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    timer.cancel()
    if timed_out.is_set():
        try:  # an orphaned grandchild of the killed process may still be in the group
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    status = os.waitstatus_to_exitcode(wstatus)
    maxrss = None
    if rss_file:
        # Last line "EXIT KB"; before it GNU time may write "Command terminated by signal N".
        lines = [ln for ln in open(rss_file, errors="replace").read().splitlines() if ln.strip()]
        fields = lines[-1].split() if lines else []
        if len(fields) == 2 and fields[1].isdigit():
            maxrss = int(fields[1])
        signalled = [ln for ln in lines if ln.startswith("Command terminated by signal")]
        if signalled and not timed_out.is_set():
            status = -int(signalled[0].split()[-1])
        elif fields and fields[0].lstrip("-").isdigit() and status >= 0:
            status = int(fields[0])
    return Run(wall, status, maxrss, timed_out.is_set(), rusage.ru_utime + rusage.ru_stime)


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def fmt_mb(kb: int) -> str:
    return f"{kb * 1024 / 1e6:,.1f} MB"


def tool_version(argv: list[str]) -> str:
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        out = (p.stdout + p.stderr).strip().splitlines()
        return out[0] if out else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--binary", type=Path, required=True)
    ap.add_argument("--pdfs", type=Path, required=True, help="directory made by make_pdfs.py")
    ap.add_argument("--results", type=Path, help="write the markdown report here too")
    ap.add_argument("--mem-runs", type=int, default=3, help="runs under GNU time per tool and file")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per run before SIGKILL")
    args = ap.parse_args()
    if args.runs < 1 or args.mem_runs < 1:
        ap.error("--runs and --mem-runs must be at least 1")
    if not os.access(GNU_TIME, os.X_OK):
        print(f"measure.py: {GNU_TIME} not found (apt-get install time)", file=sys.stderr)
        return 2

    binary = args.binary.resolve()
    have_binary = binary.is_file() and os.access(binary, os.X_OK)
    if not have_binary:
        print(f"measure.py: {binary} not found or not executable: measuring pdfinfo only", file=sys.stderr)

    tmpdir = tempfile.mkdtemp(prefix="preflight-bench-")
    # The page-geometry comparison: DP307 off, since it reads every content
    # stream, which pdfinfo -box does not (that pass is compared with pdftotext).
    geometry_ini = os.path.join(tmpdir, "geometry.ini")
    with open(geometry_ini, "w") as f:
        f.write("[print-margin]\nenabled = false\n")

    def pre_argv(f: Path, json_fmt: bool = False) -> list[str]:
        extra = ["--format", "json"] if json_fmt else []
        return [str(binary), "check", "--channel", "print", "--config", geometry_ini, *extra, str(f)]

    def content_argv(f: Path) -> list[str]:
        return [str(binary), "check", "--channel", "print", str(f)]

    def text_argv(f: Path) -> list[str]:
        return ["pdftotext", str(f), "/dev/null"]

    def ref_argv(f: Path) -> list[str]:
        return ["pdfinfo", "-f", "1", "-l", "99999", "-box", str(f)]

    load_before = os.getloadavg()
    results = {}
    failures: list[str] = []
    for name, _ in FILES:
        path = args.pdfs / name
        print(f"measure.py: {name} ...", file=sys.stderr, flush=True)
        r = {"bytes": path.stat().st_size}
        # pdfinfo's answer (untimed): page count.
        ref_out = os.path.join(tmpdir, "pdfinfo.txt")
        ref_check = run_once(ref_argv(path), args.timeout, ref_out)
        r["pdfinfo_pages"] = sum(1 for line in open(ref_out, errors="replace") if line.startswith("Page ")
                                 and " size:" in line)
        r["pdfinfo_status"] = status_text(ref_check)
        pre, ref = Series(), Series()
        if have_binary:
            json_out = os.path.join(tmpdir, "preflight.json")
            check = run_once(pre_argv(path, json_fmt=True), args.timeout, json_out)
            text = open(json_out, errors="replace").read()
            r["json_status"] = status_text(check)
            r["json_wall"] = check.wall
            r["dp303"] = "DP303" in text
            try:
                report = json.loads(text)
                r["findings"] = sorted({f"{f.get('code', '?')} ({f.get('severity', '?')})"
                                        for f in report.get("findings", [])})
                r["pages"] = [d.get("pages") for d in report.get("documents", [])]
            except (ValueError, AttributeError):
                r["findings"] = ["(no JSON)"]
                r["pages"] = []
            run_once(pre_argv(path), args.timeout)  # warm-up
        run_once(ref_argv(path), args.timeout)  # warm-up
        for i in range(args.runs):
            order = [(ref, ref_argv)] + ([(pre, pre_argv)] if have_binary else [])
            if i % 2 == 0:
                order.reverse()
            for series, argv in order:
                series.runs.append(run_once(argv(path), args.timeout))
        rss_file = os.path.join(tmpdir, "time.txt")
        for _ in range(args.mem_runs):
            for series, argv in [(ref, ref_argv)] + ([(pre, pre_argv)] if have_binary else []):
                series.mem_runs.append(run_once(argv(path), args.timeout, rss_file=rss_file))
        r["pre"], r["ref"] = pre, ref
        if have_binary and name in CONTENT_FILES:
            # The content pass (DP307 on, the default) against pdftotext: both
            # interpret every page's content streams.
            # pdfinfo -box again in the same rounds: the goal's ratio is of paired runs.
            content, text, box = Series(), Series(), Series()
            run_once(content_argv(path), args.timeout)  # warm-up
            run_once(text_argv(path), args.timeout)
            for i in range(args.runs):
                order = [(text, text_argv), (box, ref_argv), (content, content_argv)]
                if i % 2 == 0:
                    order.reverse()
                for series, argv in order:
                    series.runs.append(run_once(argv(path), args.timeout))
            for _ in range(args.mem_runs):
                content.mem_runs.append(run_once(content_argv(path), args.timeout, rss_file=rss_file))
            r["content"], r["text"], r["box"] = content, text, box
            bad = [s for s in content.statuses() if s not in ("0", "1")]
            if bad:
                failures.append(f"{name} (content pass): preflight ended with {', '.join(sorted(set(bad)))}")
        if have_binary:
            bad = [s for s in pre.statuses() + [r["json_status"]] if s not in ("0", "1")]
            if bad:
                failures.append(f"{name}: preflight ended with {', '.join(sorted(set(bad)))}")
        results[name] = r

    # ---- report ----
    lines = []
    lines.append("# preflight benchmark results\n")
    lines.append(f"- date: {time.strftime('%Y-%m-%d %H:%M:%S %z')}")
    lines.append(f"- machine: {platform.node() or '?'}, {os.cpu_count()} CPUs, Linux {platform.release()}; "
                 f"1-min load average {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after "
                 "(other work on the machine skews wall times)")
    pre_version = tool_version([str(binary), "--version"]) if have_binary else "binary not found"
    lines.append(f"- preflight: `{binary}` ({pre_version})")
    lines.append(f"- pdfinfo: {tool_version(['pdfinfo', '-v'])}")
    lines.append(f"- runs: {args.runs} timed rounds per file after one warm-up run of each tool; "
                 f"wall time median (min); CPU time (user + system) median; peak RSS = max of GNU time's %M over {args.mem_runs} "
                 "further runs (largest peak of the process or any child it reaped; see bench/README.md)")
    lines.append("- commands: `preflight check --channel print --config geometry.ini FILE` (DP307 off: "
                 "`[print-margin] enabled = false`) vs `pdfinfo -f 1 -l 99999 -box FILE`; below, the whole "
                 "default check: `preflight check --channel print FILE` (DP307's content pass on) vs the same "
                 "pdfinfo in the same rounds, and `pdftotext FILE /dev/null`\n")
    lines.append("| file | size | pages pdfinfo / preflight | preflight median (min) | pdfinfo median (min) "
                 "| ratio median (min) | CPU preflight / pdfinfo (ratio) | preflight peak RSS | pdfinfo peak RSS | preflight exit | pdfinfo exit "
                 "| preflight findings |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|")
    for name, what in FILES:
        r = results[name]
        ref: Series = r["ref"]
        pre: Series = r["pre"]
        ref_cell = f"{fmt_s(ref.median())} ({fmt_s(ref.min())})"
        if pre.runs:
            pre_cell = f"{fmt_s(pre.median())} ({fmt_s(pre.min())})"
            ratio_cell = f"{pre.median() / ref.median():.2f} ({pre.min() / ref.min():.2f})"
            cpu_cell = (f"{fmt_s(pre.cpu_median())} / {fmt_s(ref.cpu_median())} "
                        f"({pre.cpu_median() / max(ref.cpu_median(), 1e-6):.2f})")
            pre_rss = fmt_mb(pre.peak_kb())
            pre_exit = ", ".join(pre.statuses())
            findings = ", ".join(r["findings"]) or "none"
            pages = " / ".join([f"{r['pdfinfo_pages']:,}"] + [f"{p:,}" if isinstance(p, int) else "?"
                                                              for p in r["pages"] or [None]])
        else:
            pre_cell = ratio_cell = pre_rss = pre_exit = findings = "—"
            cpu_cell = f"— / {fmt_s(ref.cpu_median())}"
            pages = f"{r['pdfinfo_pages']:,} / —"
        lines.append(f"| `{name}` ({what}) | {r['bytes'] / 1e6:,.1f} MB | {pages} | {pre_cell} "
                     f"| {ref_cell} | {ratio_cell} | {cpu_cell} | {pre_rss} | {fmt_mb(ref.peak_kb())} | {pre_exit} "
                     f"| {', '.join(ref.statuses())} | {findings} |")

    lines.append("\n| file (whole default check, content pass on) | preflight median (min) "
                 "| pdfinfo -box median (min), same rounds | ratio to pdfinfo | CPU preflight / pdfinfo "
                 "| pdftotext median (min) | ratio to pdftotext | preflight peak RSS | preflight exit |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for name in CONTENT_FILES:
        r = results[name]
        if "content" in r:
            c, t, b = r["content"], r["text"], r["box"]
            lines.append(f"| `{name}` | {fmt_s(c.median())} ({fmt_s(c.min())}) | {fmt_s(b.median())} "
                         f"({fmt_s(b.min())}) | {c.median() / b.median():.2f} "
                         f"| {fmt_s(c.cpu_median())} / {fmt_s(b.cpu_median())} | {fmt_s(t.median())} "
                         f"({fmt_s(t.min())}) | {c.median() / t.median():.2f} | {fmt_mb(c.peak_kb())} "
                         f"| {', '.join(c.statuses())} |")

    goals = []

    def goal(text: str, measured: str, ok: bool | None) -> None:
        goals.append((text, measured, "n/a" if ok is None else ("PASS" if ok else "MISS")))

    for name in ("text-2000.pdf", "objstm-10000.pdf"):
        r = results[name]
        if r["pre"].runs:
            ratio = r["pre"].median() / r["ref"].median()
            goal(f"`{name}`: median ratio preflight/pdfinfo ≤ {RATIO_GOAL}", f"{ratio:.2f}",
                 ratio <= RATIO_GOAL and set(r["pre"].statuses()) <= {"0", "1"})
        else:
            goal(f"`{name}`: median ratio preflight/pdfinfo ≤ {RATIO_GOAL}", "no binary", None)
    for name in CONTENT_FILES:
        r = results[name]
        if "content" in r:
            ratio = r["content"].median() / r["box"].median()
            goal(f"`{name}` whole default check: median ratio preflight/pdfinfo ≤ {CONTENT_RATIO_GOAL:g}",
                 f"{ratio:.2f}", ratio <= CONTENT_RATIO_GOAL)
    r = results["images-50mb-truncated.pdf"]
    if r["pre"].runs:
        slowest = max(r["pre"].max(), r["json_wall"])
        exits = sorted(set(r["pre"].statuses()) | {r["json_status"]})
        ok = slowest < TRUNCATED_SECONDS and exits == ["1"] and r["dp303"]
        goal(f"`images-50mb-truncated.pdf`: every run < {TRUNCATED_SECONDS:g} s, exit 1, DP303 in JSON",
             f"slowest {fmt_s(slowest)}, exit {', '.join(exits)}, DP303 {'present' if r['dp303'] else 'absent'}", ok)
    else:
        goal(f"`images-50mb-truncated.pdf`: every run < {TRUNCATED_SECONDS:g} s, exit 1, DP303 in JSON",
             "no binary", None)
    r = results["images-50mb.pdf"]
    if r["pre"].runs:
        goal("`images-50mb.pdf`: preflight peak RSS < 100 MB", fmt_mb(r["pre"].peak_kb()),
             r["pre"].peak_kb() < RSS_GOAL_KB)
    else:
        goal("`images-50mb.pdf`: preflight peak RSS < 100 MB", "no binary", None)

    lines.append("\n| goal | measured | result |")
    lines.append("|---|---|---|")
    lines += [f"| {g} | {m} | **{res}** |" for g, m, res in goals]
    if failures:
        lines.append("\nErrors (preflight must exit 0 or 1 on every file):")
        lines += [f"- {f}" for f in failures]
    shutil.rmtree(tmpdir, ignore_errors=True)
    report = "\n".join(lines) + "\n"
    print(report)
    if args.results:
        args.results.write_text(report)
        print(f"measure.py: wrote {args.results}", file=sys.stderr)

    if failures or not have_binary:
        return 2
    return 0 if all(res == "PASS" for _, _, res in goals) else 1


if __name__ == "__main__":
    sys.exit(main())
