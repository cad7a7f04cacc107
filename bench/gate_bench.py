#!/usr/bin/env python3
"""Helpers of bench/gate.sh, the load test of `preflight serve` (stdlib only).

  body      write the three-document multipart/form-data body that wrk POSTs
  request   one GET, or a POST of a body file; prints the HTTP status (000: no answer)
  snapshot  print a process's CPU times and memory (from /proc) as JSON
  startup   CPU time of `BINARY --version` (a bare process start), median of N runs, in ms
  upload    N clients POST one large document each, at once, while the gate's
            memory is sampled; prints JSON
  report    turn what gate.sh collected into bench/gate-results.md

`upload`: N client threads, released together by a barrier, each POST one body (a
manifest naming one document, and the document streamed from disk in 1 MiB pieces,
so this script holds none of it in memory) on its own connection. Meanwhile a
sampler reads, every --interval seconds:

  - /proc/GATE/status: VmRSS and VmHWM of the gate process,
  - the gate's child processes (from /proc/GATE/task/*/children): VmRSS and VmHWM
    of each (the sandboxed PDF analysers, started by exec); a child that has not
    called exec yet shares the gate's memory and is skipped,
  - the bytes in the gate's temporary directory (--temp-dir), if given.

After the last answer it reads the gate's VmHWM once more. A child that starts and
ends between two samples is not seen: the child numbers are a lower bound.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOUNDARY = "preflightbench3docs7f3a"

# The three-document post: fixtures/example/ok-post.json and a second attachment.
THREE_DOCS = [
    ("vedtak.pdf", ROOT / "fixtures/example/vedtak.pdf"),
    ("vedlegg/klageskjema.pdf", ROOT / "fixtures/example/vedlegg/klageskjema.pdf"),
    ("vedlegg/vedlegg-2.pdf", ROOT / "fixtures/pdf/text_no_fnr.pdf"),
]

RECIPIENT = {"name": "Kari Nordmann", "id": "29129319060", "method": "general", "verified": True,
             "address": {"lines": ["Gateveien 1"], "postcode": "5020", "city": "BERGEN", "country": "NO"}}


def part_head(boundary: str, name: str, filename: str, content_type: str) -> bytes:
    return (f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n").encode()


# ---------------------------------------------------------------- body

def cmd_body(args: argparse.Namespace) -> int:
    manifest = json.loads((ROOT / "fixtures/example/ok-post.json").read_text(encoding="utf-8"))
    manifest["documents"].append({"file": THREE_DOCS[2][0], "name": "Vedlegg 2", "role": "attachment"})
    body = part_head(BOUNDARY, "manifest", "post.json", "application/json")
    body += json.dumps(manifest, ensure_ascii=False).encode() + b"\r\n"
    for filename, path in THREE_DOCS:
        body += part_head(BOUNDARY, "document", filename, "application/pdf") + path.read_bytes() + b"\r\n"
    body += f"--{BOUNDARY}--\r\n".encode()
    args.output.write_bytes(body)
    print(BOUNDARY)
    return 0


def cmd_request(args: argparse.Namespace) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=args.timeout)
    try:
        if args.body:
            conn.request("POST", args.path, body=args.body.read_bytes(),
                         headers={"Content-Type": f"multipart/form-data; boundary={args.boundary}"})
        else:
            conn.request("GET", args.path)
        res = conn.getresponse()
        data = res.read()
    except OSError as e:
        print("000")
        if args.out:
            args.out.write_text(f"{type(e).__name__}: {e}\n")
        return 0
    finally:
        conn.close()
    if args.out:
        args.out.write_bytes(data)
    print(res.status)
    return 0


# ---------------------------------------------------------------- /proc

def proc_status_kib(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM (KiB) of a process; {} if it is gone."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith((b"VmRSS:", b"VmHWM:")):
                    key, value = line.split(b":", 1)
                    out[key.decode()] = int(value.split()[0])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return {}
    return out


def proc_cpu_s(pid: int) -> dict[str, float]:
    """utime, stime and the reaped children's cutime, cstime in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    # fields[0] is the state (field 3 of proc(5)); utime is field 14
    utime, stime, cutime, cstime = (int(x) / tick for x in fields[11:15])
    return {"utime": utime, "stime": stime, "cutime": cutime, "cstime": cstime}


def read_cmdline(pid: int) -> bytes | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None


def children_of(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return kids
    for t in tasks:
        try:
            with open(f"/proc/{pid}/task/{t}/children") as f:
                kids.extend(int(x) for x in f.read().split())
        except (FileNotFoundError, ProcessLookupError):
            pass
    return kids


def cmd_snapshot(args: argparse.Namespace) -> int:
    out: dict = proc_status_kib(args.pid)
    if not out:
        print(f"gate_bench.py: no process {args.pid}", file=sys.stderr)
        return 2
    out.update(proc_cpu_s(args.pid))
    # The isolation server's helper forks and reaps the analysers: their CPU shows in
    # the helper's cutime/cstime, not in the gate's, until the helper exits.
    helpers = 0.0
    for kid in children_of(args.pid):
        try:
            c = proc_cpu_s(kid)
        except (FileNotFoundError, ProcessLookupError):
            continue
        helpers += c["utime"] + c["stime"] + c["cutime"] + c["cstime"]
    out["helpers_cpu"] = helpers
    out["threads"] = len(os.listdir(f"/proc/{args.pid}/task"))
    print(json.dumps(out))
    return 0


def cmd_startup(args: argparse.Namespace) -> int:
    cpu = []
    for _ in range(args.runs):
        pid = os.posix_spawn(str(args.binary), [str(args.binary), "--version"], os.environ,
                             file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
        _, status, ru = os.wait4(pid, 0)
        if status != 0:
            print(f"gate_bench.py: {args.binary} --version failed ({status})", file=sys.stderr)
            return 2
        cpu.append(ru.ru_utime + ru.ru_stime)
    cpu.sort()
    print(f"{cpu[len(cpu) // 2] * 1000:.1f}")
    return 0


# ---------------------------------------------------------------- upload

def dir_bytes(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except FileNotFoundError:
                pass
    return total


class Sampler(threading.Thread):
    def __init__(self, pid: int, interval: float, temp_dir: Path | None):
        super().__init__(daemon=True)
        self.pid, self.interval, self.temp_dir = pid, interval, temp_dir
        self.stop = threading.Event()
        self.rows: list[dict] = []
        self.children_seen: dict[int, int] = {}  # pid -> largest VmHWM seen (KiB)
        self.gate_cmdline = read_cmdline(pid)
        self.t0 = time.monotonic()

    def run(self) -> None:
        while True:
            t = time.monotonic() - self.t0
            gate = proc_status_kib(self.pid)
            kids = children_of(self.pid)
            kid_rss = 0
            kid_hwm_max = 0
            alive = 0
            for k in kids:
                # posix_spawn's child shares the gate's memory until it calls exec: its
                # /proc status then shows the gate's numbers. Only exec'd children count.
                if read_cmdline(k) in (None, self.gate_cmdline):
                    continue
                st = proc_status_kib(k)
                if not st:
                    continue
                alive += 1
                kid_rss += st.get("VmRSS", 0)
                hwm = st.get("VmHWM", 0)
                kid_hwm_max = max(kid_hwm_max, hwm)
                self.children_seen[k] = max(self.children_seen.get(k, 0), hwm)
            self.rows.append({
                "t_s": round(t, 3),
                "gate_rss_kib": gate.get("VmRSS", 0),
                "gate_hwm_kib": gate.get("VmHWM", 0),
                "children": alive,
                "children_rss_kib": kid_rss,
                "child_hwm_max_kib": kid_hwm_max,
                "temp_bytes": dir_bytes(self.temp_dir) if self.temp_dir else 0,
            })
            if self.stop.wait(self.interval):
                return


def upload(port: int, path: Path, manifest: bytes, barrier: threading.Barrier, timeout: float,
           result: dict) -> None:
    boundary = "preflightbench%08x" % (threading.get_ident() & 0xFFFFFFFF)
    head = (part_head(boundary, "manifest", "post.json", "application/json") + manifest + b"\r\n"
            + part_head(boundary, "document", path.name, "application/pdf"))
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + path.stat().st_size + len(tail)
    result["bytes"] = length
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        barrier.wait()
        started = time.monotonic()
        conn.putrequest("POST", "/v1/check")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(length))
        conn.endheaders()
        try:
            conn.send(head)
            with open(path, "rb") as f:
                while chunk := f.read(1 << 20):
                    conn.send(chunk)
            conn.send(tail)
        except OSError as e:
            # The gate may answer early (503 busy, 413) and close: its answer can
            # still be read.
            result["send_error"] = f"{type(e).__name__}: {e}"
        sent = time.monotonic()
        res = conn.getresponse()
        body = res.read()
        done = time.monotonic()
        result.update(status=res.status, upload_s=sent - started, total_s=done - started)
        if res.status == 200:
            try:
                result["verdict"] = json.loads(body).get("verdict")
            except ValueError:
                result["verdict"] = "unparsable"
        else:
            result["body"] = body[:300].decode("utf-8", "replace")
    except Exception as e:  # noqa: BLE001 - any failure is a result to report
        result.update(status=None, error=f"{type(e).__name__}: {e}")
    finally:
        conn.close()


def cmd_upload(args: argparse.Namespace) -> int:
    manifest = json.dumps({
        "journalpost": {"id": "2024/01234-7", "title": "Vedtak med stort dokument", "process": "vedtak",
                        "accessCode": None},
        "documents": [{"file": args.file.name, "name": "Vedtak med stort dokument", "role": "main"}],
        "recipients": [RECIPIENT],
    }).encode()

    before = proc_status_kib(args.pid)
    if not before:
        print(f"gate_bench.py: no process {args.pid}", file=sys.stderr)
        return 2
    sampler = Sampler(args.pid, args.interval, args.temp_dir)
    barrier = threading.Barrier(args.clients)
    results: list[dict] = [{} for _ in range(args.clients)]
    threads = [threading.Thread(target=upload, args=(args.port, args.file, manifest, barrier, args.timeout,
                                                     results[i]))
               for i in range(args.clients)]
    sampler.start()
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    time.sleep(args.interval)  # one more sample after the last answer
    sampler.stop.set()
    sampler.join()
    after = proc_status_kib(args.pid)

    rows = sampler.rows
    if args.samples:
        with open(args.samples, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(rows)
    statuses: dict[str, int] = {}
    verdicts: dict[str, int] = {}
    for r in results:
        statuses[str(r.get("status"))] = statuses.get(str(r.get("status")), 0) + 1
        if "verdict" in r:
            verdicts[r["verdict"]] = verdicts.get(r["verdict"], 0) + 1
    totals = sorted(r["total_s"] for r in results if "total_s" in r)
    out = {
        "clients": args.clients,
        "file": str(args.file),
        "file_bytes": args.file.stat().st_size,
        "request_bytes": results[0].get("bytes"),
        "interval_s": args.interval,
        "wall_s": round(wall, 3),
        "statuses": statuses,
        "verdicts": verdicts,
        "all_200": statuses.get("200", 0) == args.clients,
        "answer_s_min": round(totals[0], 3) if totals else None,
        "answer_s_max": round(totals[-1], 3) if totals else None,
        "upload_s_max": round(max((r["upload_s"] for r in results if "upload_s" in r), default=0), 3),
        "gate_rss_before_kib": before.get("VmRSS"),
        "gate_hwm_before_kib": before.get("VmHWM"),
        "gate_rss_sampled_max_kib": max(r["gate_rss_kib"] for r in rows),
        "gate_hwm_after_kib": after.get("VmHWM"),
        "gate_rss_after_kib": after.get("VmRSS"),
        "samples": len(rows),
        "children_seen": len(sampler.children_seen),
        "children_max_at_once": max(r["children"] for r in rows),
        "child_hwm_max_kib": max(sampler.children_seen.values(), default=0),
        "gate_plus_children_rss_max_kib": max(r["gate_rss_kib"] + r["children_rss_kib"] for r in rows),
        "temp_bytes_max": max(r["temp_bytes"] for r in rows),
        "temp_bytes_after": rows[-1]["temp_bytes"],
        "failures": [r for r in results if r.get("status") != 200],
    }
    print(json.dumps(out, indent=1))
    return 0 if out["all_200"] else 1


# ---------------------------------------------------------------- report

def mb(kib: float) -> str:
    """KiB as MB (10^6 bytes), one decimal."""
    return f"{kib * 1024 / 1e6:.1f} MB"


def ms(us: float) -> str:
    return f"{us / 1000:.0f} ms"


def parse_wrk(text: str) -> dict:
    out: dict = {}
    for line in text.splitlines():
        if line.startswith("GATE_BENCH "):
            for tok in line.split()[1:]:
                k, v = tok.split("=", 1)
                out[k] = float(v)
        elif line.startswith("GATE_BENCH_FIRST_NON2XX "):
            out["first_non2xx"] = line.split(" ", 1)[1]
    return out


def cmd_report(args: argparse.Namespace) -> int:
    d: Path = args.dir
    meta = dict(kv.split("=", 1) for kv in args.meta)
    wrk_text = (d / "wrk.txt").read_text()
    w = parse_wrk(wrk_text)
    if "responses" not in w:
        print("gate_bench.py report: no GATE_BENCH line in wrk's output", file=sys.stderr)
        return 2
    cpu0 = json.loads((d / "wrk-before.json").read_text())
    cpu1 = json.loads((d / "wrk-after.json").read_text())
    up = json.loads((d / "upload.json").read_text())
    goal_kib = args.goal_mb * 1e6 / 1024

    cpu_gate = (cpu1["utime"] + cpu1["stime"]) - (cpu0["utime"] + cpu0["stime"])
    cpu_kids = ((cpu1["cutime"] + cpu1["cstime"] + cpu1.get("helpers_cpu", 0.0))
                - (cpu0["cutime"] + cpu0["cstime"] + cpu0.get("helpers_cpu", 0.0)))
    # the server may finish a few requests that wrk stopped waiting for; CPU per
    # request is per request wrk counted, so it is slightly high
    n = max(1.0, w["requests"])
    socket_errors = int(w["err_connect"] + w["err_read"] + w["err_write"] + w["err_timeout"])
    wrk_ok = w["non2xx"] == 0 and w["responses"] > 0 and socket_errors == 0
    peak_kib = max(up["gate_hwm_after_kib"] or 0, up["gate_rss_sampled_max_kib"])
    mem_ok = peak_kib < goal_kib
    rps_ok = w["rps"] >= args.goal_rps
    p99_ok = w["p99_us"] < args.goal_p99_ms * 1000

    lines = [
        "# preflight gate load test",
        "",
        f"Written by `bench/gate.sh` (see bench/README.md, \"The gate under load\").",
        "",
        f"- date: {meta['date']}",
        f"- machine: {meta['uname']}, `nproc` = {meta['nproc']}, {meta['mem']}; 1-min load average "
        f"{meta['load_start']} at the start, {meta['load_after_wrk']} after wrk, {meta['load_end']} at the end "
        "(other work shares the 2 cores: wall times and requests/s depend on it)",
        f"- preflight: `{meta['binary']}` ({meta['version']}, build type {meta['build_type']})",
        f"- wrk: {meta['wrk_version']}",
        f"- gate: `preflight serve --listen 127.0.0.1:0 --config GATE.ini`, GATE.ini = "
        f"`{meta['ini']}` (workers: default, one per core; analysers forked by the isolation server's helper)",
        "",
        "## 1. Throughput: `POST /v1/check` with a three-document post",
        "",
        f"Body ({meta['body_bytes']} bytes, prebuilt by `bench/gate_bench.py body`): the manifest "
        "`fixtures/example/ok-post.json` with a third document added, and `fixtures/example/vedtak.pdf`, "
        "`fixtures/example/vedlegg/klageskjema.pdf`, `fixtures/pdf/text_no_fnr.pdf` (as "
        "`vedlegg/vedlegg-2.pdf`); verdict `pass` (one DP504 info: the recipient goes to print). "
        "Each request starts one analyser process, which reads the three documents in turn.",
        "",
        f"Command (after one warm-up request): `{meta['wrk_cmd']}`",
        "",
        "| requests/s | p50 | p90 | p99 | max | requests | non-2xx | socket errors | "
        "gate CPU per request (own + analysers) | gate VmHWM after |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {w['rps']:.1f} | {ms(w['p50_us'])} | {ms(w['p90_us'])} | {ms(w['p99_us'])} | {ms(w['max_us'])} | "
        f"{int(w['requests'])} in {w['seconds']:.1f} s | {int(w['non2xx'])} | {socket_errors} | "
        f"{cpu_gate / n * 1000:.1f} ms + {cpu_kids / n * 1000:.1f} ms | {mb(cpu1['VmHWM'])} |",
        "",
    ]
    if "first_non2xx" in w:
        lines += [f"First non-2xx answer: `{w['first_non2xx']}`", ""]
    lines += [
        f"Per request the helper and its analyser took {cpu_kids / n * 1000:.1f} ms CPU, most of it "
        "the kernel's fork, page faults and exit of the one process per request (a bare "
        f"`preflight --version`, exec and dynamic loading included, takes {meta.get('startup_ms', '?')} ms).",
        "",
        "Latency: wrk's own histogram (`--latency`), from writing the request to reading the whole "
        "answer. Non-2xx: counted by the script's `response` hook (wrk's own \"Non-2xx\" line agrees "
        "only for statuses ≥ 400). Socket errors: connect + read + write + timeout. CPU: the gate's "
        "utime + stime and its reaped children's cutime + cstime, and the same of its living children "
        "(the isolation server's helper, which reaps the analysers) (`/proc/PID/stat`) over the wrk run, "
        "divided by the requests wrk counted.",
        "",
        f"## 2. Memory: {up['clients']} clients upload a 50 MB document at once",
        "",
        f"Document: `bench/out/{Path(up['file']).name}` ({up['file_bytes']:,} bytes, from "
        "`bench/make_pdfs.py`: 5 A4 pages of uncompressed random-pixel images), one per request "
        f"({up['request_bytes']:,} bytes with the manifest). A fresh gate with `max-uploads = "
        f"{meta['max_uploads']}`. Command: `{meta['upload_cmd']}`",
        "",
        "| | |",
        "|---|---:|",
        f"| answers | {', '.join(f'{v} × {k}' for k, v in sorted(up['statuses'].items()))} "
        f"(verdicts: {', '.join(f'{v} × {k}' for k, v in sorted(up['verdicts'].items())) or 'none'}) |",
        f"| wall time, all {up['clients']} | {up['wall_s']:.1f} s (last body sent after "
        f"{up['upload_s_max']:.1f} s; answers after {up['answer_s_min']:.1f}–{up['answer_s_max']:.1f} s) |",
        f"| gate VmRSS before | {mb(up['gate_rss_before_kib'])} |",
        f"| **gate peak resident: VmHWM after the run** | **{mb(up['gate_hwm_after_kib'])}** |",
        f"| gate VmRSS, largest of {up['samples']} samples (every {up['interval_s'] * 1000:.0f} ms) | "
        f"{mb(up['gate_rss_sampled_max_kib'])} |",
        f"| gate VmRSS after | {mb(up['gate_rss_after_kib'])} |",
        f"| largest analyser child VmHWM seen | {mb(up['child_hwm_max_kib'])} ({up['children_seen']} of "
        f"{up['clients']} children caught by a sample, at most {up['children_max_at_once']} at once) |",
        f"| one analyser of the same document alone: GNU time's %M (`preflight __isolate-child pdf.analyze "
        f"1073741824 20 FILE_BYTES FILE 0`, the job the gate runs per PDF) | "
        f"{mb(int(meta['analyser_alone_kib'])) if meta.get('analyser_alone_kib') else 'n/a'} |",
        f"| gate + children VmRSS, largest sum in one sample | {mb(up['gate_plus_children_rss_max_kib'])} |",
        f"| request bodies in the gate's temp-dir, largest (after the last answer) | "
        f"{up['temp_bytes_max'] / 1e6:.0f} MB ({up['temp_bytes_after']:,} bytes) |",
        "",
    ]
    if up["failures"]:
        lines += ["Failed requests:", ""] + [f"- `{json.dumps(f)}`" for f in up["failures"]] + [""]
    lines += [
        "VmHWM is the kernel's high-water mark of the gate's resident set since it started (it was "
        "started just for this run). The kernel updates it lazily, so a sampled VmRSS can be a little "
        "above it; the goal takes the larger of the two. Child numbers are a lower bound: an analyser "
        "that starts and ends between two samples is not seen, and a child that has not called exec "
        "yet (it shares the gate's memory) is skipped.",
        "",
        "The request bodies are not in the gate's memory but in files in its temp-dir (`[serve] "
        f"temp-dir`, default `$TMPDIR` or `/tmp`; here a `{meta.get('temp_fs', '?')}` file system). Where that directory "
        "is a tmpfs, those bytes (up to max-uploads × body size) take RAM too, outside the gate's "
        "resident set.",
        "",
        "## Goals",
        "",
        "| goal | measured | result |",
        "|---|---|---|",
        f"| every `/v1/check` answer is 200 | wrk: {int(w['non2xx'])} non-2xx of {int(w['responses'])}, "
        f"{socket_errors} socket errors; uploads: {up['statuses'].get('200', 0)} of {up['clients']} × 200 | "
        f"**{'PASS' if wrk_ok and up['all_200'] else 'MISS'}** |",
        f"| gate resident < {args.goal_mb:g} MB while {up['clients']} clients upload 50 MB | "
        f"{mb(peak_kib)} | **{'PASS' if mem_ok else 'MISS'}** |",
        f"| at least {args.goal_rps:g} three-document checks a second (absolute: 2 cores, wrk on the same cores) | "
        f"{w['rps']:.1f} | **{'PASS' if rps_ok else 'MISS'}** |",
        f"| p99 under {args.goal_p99_ms:g} ms at {meta.get('connections', '?')} connections | "
        f"{ms(w['p99_us'])} | **{'PASS' if p99_ok else 'MISS'}** |",
        "",
        "## Gate memory during the uploads (largest sample per 0.5 s)",
        "",
        "| t | gate VmRSS | children | children VmRSS | temp-dir |",
        "|---:|---:|---:|---:|---:|",
    ]
    with open(d / "samples.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    buckets: dict[int, dict] = {}
    for r in rows:
        b = int(float(r["t_s"]) / 0.5)
        cur = buckets.setdefault(b, {"rss": 0, "kids": 0, "kids_rss": 0, "temp": 0})
        cur["rss"] = max(cur["rss"], int(r["gate_rss_kib"]))
        cur["kids"] = max(cur["kids"], int(r["children"]))
        cur["kids_rss"] = max(cur["kids_rss"], int(r["children_rss_kib"]))
        cur["temp"] = max(cur["temp"], int(r["temp_bytes"]))
    for b in sorted(buckets):
        c = buckets[b]
        lines.append(f"| {b * 0.5:.1f} s | {mb(c['rss'])} | {c['kids']} | {mb(c['kids_rss'])} | "
                     f"{c['temp'] / 1e6:.0f} MB |")
    lines.append("")
    args.results.write_text("\n".join(lines))

    print(f"gate.sh: wrk: {w['rps']:.1f} req/s, p50 {ms(w['p50_us'])}, p99 {ms(w['p99_us'])}, "
          f"{int(w['non2xx'])} non-2xx, {socket_errors} socket errors")
    print(f"gate.sh: uploads: {up['statuses']}, gate VmHWM {mb(up['gate_hwm_after_kib'])} "
          f"(sampled VmRSS max {mb(up['gate_rss_sampled_max_kib'])}), largest child seen "
          f"{mb(up['child_hwm_max_kib'])}")
    print(f"gate.sh: wrote {args.results}")
    return 0 if wrk_ok and up["all_200"] and mem_ok and rps_ok and p99_ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("body", help="write the three-document body; prints the boundary")
    p.add_argument("output", type=Path)

    p = sub.add_parser("request", help="one request to the gate on 127.0.0.1; prints the status")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--path", default="/healthz")
    p.add_argument("--body", type=Path, help="POST this file (multipart/form-data)")
    p.add_argument("--boundary", default=BOUNDARY)
    p.add_argument("--out", type=Path, help="write the answer's body here")
    p.add_argument("--timeout", type=float, default=60.0)

    p = sub.add_parser("snapshot", help="CPU times and memory of a process, as JSON")
    p.add_argument("--pid", type=int, required=True)

    p = sub.add_parser("startup", help="CPU ms of a bare `BINARY --version`, median")
    p.add_argument("--binary", type=Path, required=True)
    p.add_argument("--runs", type=int, default=21)

    p = sub.add_parser("upload", help="concurrent large uploads while sampling the gate's memory")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True, help="the gate process")
    p.add_argument("--file", type=Path, required=True, help="the document every client uploads")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--interval", type=float, default=0.1, help="sampling period in seconds (default 0.1)")
    p.add_argument("--timeout", type=float, default=120.0, help="per socket operation, seconds")
    p.add_argument("--temp-dir", type=Path, help="the gate's temp-dir, to sample its size")
    p.add_argument("--samples", type=Path, help="write the samples here as CSV")

    p = sub.add_parser("report", help="write the results file from what gate.sh collected")
    p.add_argument("--dir", type=Path, required=True, help="gate.sh's work directory")
    p.add_argument("--results", type=Path, required=True)
    p.add_argument("--goal-mb", type=float, default=200)
    p.add_argument("--goal-rps", type=float, default=500)
    p.add_argument("--goal-p99-ms", type=float, default=30)
    p.add_argument("--meta", action="append", default=[], help="KEY=VALUE for the report's header")

    args = ap.parse_args()
    return {"body": cmd_body, "request": cmd_request, "snapshot": cmd_snapshot, "startup": cmd_startup, "upload": cmd_upload, "report": cmd_report}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
