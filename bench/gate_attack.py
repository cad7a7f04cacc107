#!/usr/bin/env python3
"""Attacks on the gate (`preflight serve --upstream`): memory, stalled headers, trickled uploads.

Run by bench/gate_attack.sh (see bench/README.md, "Attacks on the gate"); python3 stdlib only.

Each scenario runs against a fresh gate process in front of a fake integrasjonspunkt (a
ThreadingHTTPServer in this script), all on 127.0.0.1:

  memory   24 clients released together, each on its own connection: 16 POST
           /api/messages/out with a JSON SBD of just under 4 MiB and 8 POST /v1/explain
           with just under 4 MiB of log lines. Two SBD shapes, one sub-scenario each:
           (a) one huge string, (b) an extra ignored field holding ~2 million small
           numbers. The gate's VmRSS is sampled every 50 ms, its VmHWM read at the end;
           /healthz is probed every 200 ms meanwhile.
  stalled  300 connections that each send half a request head and then nothing; then 20
           /healthz probes on fresh connections and one real create; which stalled
           connections the gate closes, and when.
  trickle  40 clients start an upload (PUT /api/messages/out/{id} of a message each
           created first, or POST /v1/check) with Content-Length 1 MiB and then send 1
           byte every 2 s; at 5, 35 and 85 s a well-behaved client checks a letter,
           uploads a document and asks /healthz; when the gate drops the tricklers.

Every network wait has a timeout; the gate is stopped (SIGTERM, SIGKILL after 70 s) and the
fake upstream shut down in `finally`. The results go to a markdown file, as a section
named by --label (a section of that name is replaced, others kept), and to stdout.
Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import ctypes
import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.dont_write_bytecode = True  # no bench/__pycache__ from importing gate_bench
from gate_bench import children_of, part_head, proc_status_kib  # noqa: E402

# The gate's fixed limit for an SBD, a manifest and an explained log (GateSettings::
# max_json_bytes, docs/gate.md "[serve]"): a Content-Length above it is 413, equal is read.
MAX_JSON = 4 * 1024 * 1024
BODY_TARGET = MAX_JSON - 1024  # "just under 4 MiB"

SBD_DIGITAL = ROOT / "fixtures/gate/dpi-digital.sbd.json"
EXPLAIN_LOG = ROOT / "fixtures/explain/elements-log.txt"
SMALL_PDF = ROOT / "fixtures/example/vedtak.pdf"
REGISTRY = ROOT / "fixtures/e2e/registry.json"

STOP_GRACE_S = 70.0


def log(msg: str) -> None:
    print(f"gate_attack: {msg}", file=sys.stderr, flush=True)


def now() -> float:
    return time.monotonic()


def counts(values) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[str(v)] = out.get(str(v), 0) + 1
    return dict(sorted(out.items()))


def fmt_counts(c: dict[str, int]) -> str:
    """{'200': 10, '503': 14} -> '200×10, 503×14'; 'None' is a connection that got no answer."""
    if not c:
        return "none"
    return ", ".join(f"{'no answer' if k == 'None' else k}×{v}" for k, v in c.items())


def mb(kib: float | None) -> str:
    return "n/a" if kib is None else f"{kib * 1024 / 1e6:.0f} MB"


def secs(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None else f"{x:.{digits}f} s"


def msec(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 1000:.0f} ms"


def mem_available_kib() -> int | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


# ---------------------------------------------------------------- the fake integrasjonspunkt

class FakeUpstream:
    """Answers like the integrasjonspunkt, just enough for the gate's checked routes:

    POST /api/messages/out        200, the SBD it got back (its instanceIdentifier in it)
    PUT  /api/messages/out/{id}   200, empty
    POST /api/messages/out/{id}   200, empty
    GET  /api/statuses/{id}       200, {"content":[]}
    anything else                 200, {}   (GET /api/capabilities/{id} included)

    and counts the requests and body bytes per route."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.routes: dict[str, list[int]] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 120  # per socket operation: a stuck gate cannot hold a thread forever

            def log_message(self, *args) -> None:  # quiet
                pass

            def _body(self) -> bytes:
                if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                    parts = []
                    while True:
                        size = int(self.rfile.readline(1 << 16).split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline(1 << 16) not in (b"\r\n", b"\n", b""):
                                pass
                            return b"".join(parts)
                        parts.append(self.rfile.read(size))
                        self.rfile.readline(1 << 16)
                n = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(n) if n > 0 else b""

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _serve(self) -> None:
                body = self._body()
                path = self.path.split("?", 1)[0]
                method = self.command
                out = "/api/messages/out"
                if method == "POST" and path == out:
                    route, status, answer = "create", 200, body
                elif method == "PUT" and path.startswith(out + "/"):
                    route, status, answer = "upload", 200, b""
                elif method == "POST" and path.startswith(out + "/"):
                    route, status, answer = "send", 200, b""
                elif method == "GET" and path.startswith("/api/statuses/"):
                    route, status, answer = "statuses", 200, b'{"content":[]}'
                elif path.startswith("/api/capabilities/"):
                    route, status, answer = "capabilities", 200, b"{}"
                else:
                    route, status, answer = "other", 200, b"{}"
                outer.count(route, len(body))
                self._answer(status, answer)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2},
                                       name="fake-upstream", daemon=True)

    def count(self, route: str, n: int) -> None:
        with self.lock:
            c = self.routes.setdefault(route, [0, 0])
            c[0] += 1
            c[1] += n

    def snapshot(self) -> dict[str, list[int]]:
        with self.lock:
            return {k: list(v) for k, v in self.routes.items()}

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def upstream_delta(before: dict, after: dict) -> dict[str, list[int]]:
    out = {}
    for k, (n, b) in after.items():
        n0, b0 = before.get(k, [0, 0])
        if n - n0:
            out[k] = [n - n0, b - b0]
    return out


def fmt_upstream(d: dict[str, list[int]]) -> str:
    if not d:
        return "nothing"
    return ", ".join(f"{k} {n}×, {b / 1e6:.1f} MB" if b >= 100_000 else f"{k} {n}× ({b:,} bytes)"
                     for k, (n, b) in sorted(d.items()))


# ---------------------------------------------------------------- the gate process

def _die_with_parent() -> None:
    """In the gate's child before exec: SIGKILL it if this script dies (PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)
    except Exception:  # noqa: BLE001 - best effort; the finally blocks stop it otherwise
        pass


class Gate:
    def __init__(self, binary: Path, work: Path, upstream_port: int, name: str, ini: Path) -> None:
        self.log_path = work / f"gate-{name}.log"
        self.name = name
        self.port: int | None = None
        self.stop_s: float | None = None
        self.returncode: int | None = None
        self._log = open(self.log_path, "wb")
        self.cmd = [str(binary), "serve", "--listen", "127.0.0.1:0", "--upstream",
                    f"http://127.0.0.1:{upstream_port}", "--config", str(ini)]
        log(f"[{name}] starting the gate: {' '.join(self.cmd)}")
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self._log, preexec_fn=_die_with_parent, cwd=str(work))
        self.pid = self.proc.pid

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def wait_up(self, timeout: float = 10.0) -> None:
        deadline = now() + timeout
        while now() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the gate exited (status {self.proc.returncode}) before listening; "
                                   f"its stderr:\n{self.log_text()[-3000:]}")
            m = re.search(r"preflight serve: listening on port (\d+)", self.log_text())
            if m:
                self.port = int(m.group(1))
                break
            time.sleep(0.05)
        if self.port is None:
            raise RuntimeError(f"no 'listening on port' line within {timeout:.0f} s; stderr:\n{self.log_text()[-3000:]}")
        while now() < deadline:
            if http_get(self.port, "/healthz", 1.0).get("status") == 200:
                log(f"[{self.name}] gate pid {self.pid} listening on 127.0.0.1:{self.port}")
                return
            time.sleep(0.1)
        raise RuntimeError(f"/healthz did not answer 200 within {timeout:.0f} s; stderr:\n{self.log_text()[-3000:]}")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            t = now()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                log(f"[{self.name}] the gate did not stop within {STOP_GRACE_S:.0f} s of SIGTERM: SIGKILL")
                self.proc.kill()
                self.proc.wait()
            self.stop_s = now() - t
        self.returncode = self.proc.returncode
        self._log.close()

    def exit_text(self) -> str:
        rc = self.returncode
        if rc is None:
            return "running"
        if rc < 0:
            try:
                return f"killed by {signal.Signals(-rc).name}"
            except ValueError:
                return f"killed by signal {-rc}"
        return f"exit {rc}"


# ---------------------------------------------------------------- HTTP helpers

def http_get(port: int, path: str, timeout: float) -> dict:
    return raw_request(port, "GET", path, b"", {}, timeout)


def raw_request(port: int, method: str, path: str, body: bytes, headers: dict, timeout: float) -> dict:
    """A request on a fresh connection, read on a raw socket so that an answer the gate writes just
    before it resets the connection (its 503 over max-connections) still counts: status (None:
    no status line came), seconds to the whole answer or the connection's end, Retry-After,
    and "error" when the connection broke (also after a status line) or timed out."""
    t = now()
    deadline = t + timeout
    data = b""
    out: dict = {}
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            try:
                head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                for k, v in {**headers, **({"Content-Length": str(len(body))} if body else {})}.items():
                    head += f"{k}: {v}\r\n"
                s.sendall(head.encode() + b"\r\n" + body)
            except OSError as e:  # refused at once: its answer may still be there to read
                out["error"] = f"send: {type(e).__name__}: {e}"
            while True:
                head_end = data.find(b"\r\n\r\n")
                if head_end >= 0:
                    m = re.search(rb"\r\ncontent-length:\s*(\d+)", data[:head_end].lower())
                    if m and len(data) - head_end - 4 >= int(m.group(1)):
                        break
                left = deadline - now()
                if left <= 0:
                    raise TimeoutError("timed out")
                s.settimeout(left)
                chunk = s.recv(65536)
                if not chunk:
                    if head_end < 0:
                        out["error"] = "EOF before a whole answer head"
                    break
                data += chunk
    except OSError as e:
        out["error"] = f"{type(e).__name__}: {e}"
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    out["status"] = int(m.group(1)) if m else None
    out["seconds"] = now() - t
    ra = re.search(rb"\r\nretry-after:\s*([^\r]*)", data.lower())
    out["retry_after"] = ra.group(1).decode() if ra else None
    return out


def http_request(port: int, method: str, path: str, body: bytes, headers: dict, timeout: float,
                 conn: http.client.HTTPConnection | None = None) -> dict:
    """One request; the status (None: no answer), seconds, Retry-After, the answer's start."""
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    t = now()
    out: dict = {}
    try:
        try:
            conn.request(method, path, body=body, headers=headers)
        except OSError as e:
            # The gate may answer early (413, 503) and close while the body is sent: its
            # answer can still be read.
            out["send_error"] = f"{type(e).__name__}: {e}"
        res = conn.getresponse()
        data = res.read()
        out.update(status=res.status, seconds=now() - t, retry_after=res.getheader("Retry-After"),
                   answer=data[:300].decode("utf-8", "replace"), answer_bytes=len(data))
    except (OSError, http.client.HTTPException) as e:
        out.update(status=None, seconds=now() - t, error=f"{type(e).__name__}: {e}")
    finally:
        conn.close()
    return out


class HealthProber(threading.Thread):
    """GET /healthz on a fresh connection every `interval` s (timeout 2 s) until stopped."""

    def __init__(self, port: int, interval: float = 0.2, timeout: float = 2.0) -> None:
        super().__init__(name="healthz-prober", daemon=True)
        self.port, self.interval, self.timeout = port, interval, timeout
        self.stop_event = threading.Event()
        self.results: list[dict] = []

    def run(self) -> None:
        while not self.stop_event.is_set():
            t = now()
            self.results.append(http_get(self.port, "/healthz", self.timeout))
            self.stop_event.wait(max(0.0, self.interval - (now() - t)))

    def summary(self) -> dict:
        r = self.results
        answered = [x for x in r if x["status"] is not None]
        return {"probes": len(r), "ok": sum(1 for x in r if x["status"] == 200), "answered": len(answered),
                "failed": len(r) - len(answered), "statuses": counts(x["status"] for x in r),
                "max_s": max((x["seconds"] for x in r), default=None),
                "max_answered_s": max((x["seconds"] for x in answered), default=None)}


def fmt_health(h: dict) -> str:
    return (f"{h['ok']} of {h['probes']} answered 200 ({fmt_counts(h['statuses'])}); "
            f"slowest {msec(h['max_s'])}")


# ---------------------------------------------------------------- memory sampling

def descendants(pid: int) -> list[int]:
    out, todo = [], children_of(pid)
    while todo and len(out) < 1000:
        k = todo.pop()
        out.append(k)
        todo.extend(children_of(k))
    return out


class RssSampler(threading.Thread):
    """The gate's VmRSS/VmHWM every `interval` s from /proc/PID/status; its descendants (the
    PDF analysers' fork-server helper, forked at start, and what it forks) separately, as a
    sum of their VmRSS (pages they share copy-on-write with the gate count in both); notes
    when the gate is gone (a zombie has no Vm lines). A guard kills the gate (SIGKILL) when
    the machine's MemAvailable falls under `guard_kib`."""

    def __init__(self, gate: Gate, interval: float, guard_kib: int) -> None:
        super().__init__(name="rss-sampler", daemon=True)
        self.gate, self.interval, self.guard_kib = gate, interval, guard_kib
        self.stop_event = threading.Event()
        self.rows: list[tuple[float, int, int, int, int]] = []  # t, rss, hwm, children, children rss
        self.gone_at: float | None = None
        self.guard_fired_at: float | None = None
        self.mem_available_min: int | None = None
        self.child_hwm_max = 0
        self.t0 = now()

    def run(self) -> None:
        pid = self.gate.pid
        while True:
            t = now() - self.t0
            st = proc_status_kib(pid)
            if "VmRSS" not in st:
                self.gone_at = t
                return
            kids_rss = n_kids = 0
            for k in descendants(pid):
                ks = proc_status_kib(k)
                if "VmRSS" in ks:
                    n_kids += 1
                    kids_rss += ks["VmRSS"]
                    self.child_hwm_max = max(self.child_hwm_max, ks.get("VmHWM", 0))
            self.rows.append((t, st["VmRSS"], st.get("VmHWM", 0), n_kids, kids_rss))
            avail = mem_available_kib()
            if avail is not None:
                self.mem_available_min = avail if self.mem_available_min is None else min(self.mem_available_min, avail)
                if avail < self.guard_kib and self.guard_fired_at is None:
                    self.guard_fired_at = t
                    log(f"MemAvailable {avail // 1024} MiB < guard {self.guard_kib // 1024} MiB: "
                        f"killing the gate (pid {pid})")
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            if self.stop_event.wait(self.interval):
                return

    def peak(self, hwm_after: int | None) -> dict:
        rows = self.rows
        return {
            "samples": len(rows),
            "rss_before_kib": rows[0][1] if rows else None,
            "rss_after_kib": rows[-1][1] if rows and self.gone_at is None else None,
            "rss_sampled_max_kib": max((r[1] for r in rows), default=None),
            "hwm_sampled_max_kib": max((r[2] for r in rows), default=None),
            "hwm_after_kib": hwm_after,
            "children_max": max((r[3] for r in rows), default=0),
            "children_rss_max_kib": max((r[4] for r in rows), default=0),
            "child_hwm_max_kib": self.child_hwm_max,
            "gone_at_s": self.gone_at,
            "guard_fired_at_s": self.guard_fired_at,
            "mem_available_min_kib": self.mem_available_min,
        }


# ---------------------------------------------------------------- request bodies

def sbd_small(message_id: str | None = None) -> dict:
    sbd = json.loads(SBD_DIGITAL.read_text(encoding="utf-8"))
    ident = sbd["standardBusinessDocumentHeader"]["documentIdentification"]
    ident["instanceIdentifier"] = message_id or str(uuid.uuid4())
    sbd["standardBusinessDocumentHeader"]["businessScope"]["scope"][0]["instanceIdentifier"] = str(uuid.uuid4())
    return sbd


def sbd_bytes(sbd: dict) -> bytes:
    return json.dumps(sbd, ensure_ascii=False, separators=(",", ":")).encode()


def sbd_huge_string(target: int) -> tuple[bytes, int]:
    """(a) the DPI SBD with one string padded to `target` bytes: `digital.ikkeSensitivTittel`
    (the title a DPI letter shows before it is opened; a real field, not read by the gate; a
    huge `tittel` would stop the create with DP103 before anything is forwarded)."""
    sbd = sbd_small()
    sbd["digital"]["ikkeSensitivTittel"] = ""
    base = len(sbd_bytes(sbd))
    sbd["digital"]["ikkeSensitivTittel"] = "Vedtak om studieplass " * ((target - base) // 22 + 1)
    sbd["digital"]["ikkeSensitivTittel"] = sbd["digital"]["ikkeSensitivTittel"][:target - base]
    body = sbd_bytes(sbd)
    assert len(body) == target, (len(body), target)
    return body, target - base


def sbd_many_values(target: int) -> tuple[bytes, int]:
    """(b) the DPI SBD plus an extra top-level field the gate ignores, `ignorert`,
    holding as many 1s as fit: [1,1,1,...] (2 bytes a value)."""
    sbd = sbd_small()
    sbd["ignorert"] = []
    base = len(sbd_bytes(sbd))  # with "[]"
    n = (target - base + 1) // 2
    body = sbd_bytes(sbd)
    body = body.replace(b'"ignorert":[]', b'"ignorert":[' + b",".join([b"1"] * n) + b"]", 1)
    pad = target - len(body)
    if pad > 0:  # make it exact with spaces (valid JSON white space) before the closing brace
        body = body[:-1] + b" " * pad + b"}"
    assert len(body) == target, (len(body), target)
    return body, n


def explain_body(target: int) -> tuple[bytes, int]:
    """fixtures/explain/elements-log.txt repeated, cut at a line end, up to `target` bytes."""
    text = EXPLAIN_LOG.read_bytes()
    if not text.endswith(b"\n"):
        text += b"\n"
    body = text * (target // len(text) + 1)
    body = body[:target]
    body = body[:body.rfind(b"\n") + 1]
    return body, body.count(b"\n")


def check_body(boundary: str) -> bytes:
    """A one-document /v1/check post: manifest plus fixtures/example/vedtak.pdf."""
    manifest = json.loads((ROOT / "fixtures/example/ok-post.json").read_text(encoding="utf-8"))
    manifest["documents"] = [d for d in manifest["documents"] if d["file"] == "vedtak.pdf"]
    body = part_head(boundary, "manifest", "post.json", "application/json")
    body += json.dumps(manifest, ensure_ascii=False).encode() + b"\r\n"
    body += part_head(boundary, "document", "vedtak.pdf", "application/pdf") + SMALL_PDF.read_bytes() + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body


JSON_HEADERS = {"Content-Type": "application/json"}


def create_message(port: int, timeout: float = 15.0) -> tuple[str, dict]:
    mid = str(uuid.uuid4())
    r = raw_request(port, "POST", "/api/messages/out", sbd_bytes(sbd_small(mid)), JSON_HEADERS, timeout)
    return mid, r


def upload_headers(filename: str = "vedtak.pdf") -> dict:
    return {"Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; name="Vedtak om studieplass"; filename="{filename}"'}


# ---------------------------------------------------------------- scenario: memory

def scenario_memory(ctx: "Context", shape: str) -> dict:
    creates_n, explains_n = ctx.args.creates, ctx.args.explains
    if shape == "a":
        sbd, n = sbd_huge_string(BODY_TARGET)
        shape_text = f"the DPI SBD with one {n:,}-character string (`digital.ikkeSensitivTittel`)"
    else:
        sbd, n = sbd_many_values(BODY_TARGET)
        shape_text = f"the DPI SBD plus an ignored field `ignorert` holding {n:,} small numbers `[1,1,…]`"
    explain, lines = explain_body(BODY_TARGET)
    log(f"[memory-{shape}] {creates_n} creates of {len(sbd):,} bytes ({shape_text}), {explains_n} explains of "
        f"{len(explain):,} bytes ({lines:,} lines)")
    gate = ctx.start_gate(f"memory-{shape}")
    try:
        up0 = ctx.upstream.snapshot()
        barrier = threading.Barrier(creates_n + explains_n + 1)
        results: list[dict] = []
        threads = []
        timeout = ctx.args.client_timeout

        def client(kind: str, path: str, body: bytes, headers: dict, result: dict) -> None:
            result["kind"] = kind
            conn = http.client.HTTPConnection("127.0.0.1", gate.port, timeout=timeout)
            try:
                conn.connect()
                barrier.wait(timeout=30)
            except (OSError, threading.BrokenBarrierError) as e:
                result.update(status=None, error=f"before the start: {type(e).__name__}: {e}")
                conn.close()
                return
            result.update(http_request(gate.port, "POST", path, body, headers, timeout, conn=conn))

        for i in range(creates_n + explains_n):
            r: dict = {}
            results.append(r)
            if i < creates_n:
                # each its own message id (same length: the body stays just under the limit)
                body = re.sub(rb'"instanceIdentifier":"[0-9a-f-]{36}"',
                              b'"instanceIdentifier":"' + str(uuid.uuid4()).encode() + b'"', sbd, count=1)
                args = ("create", "/api/messages/out", body, JSON_HEADERS, r)
            else:
                args = ("explain", "/v1/explain?lang=en", explain, {"Content-Type": "text/plain; charset=utf-8"}, r)
            threads.append(threading.Thread(target=client, args=args, daemon=True))

        sampler = RssSampler(gate, ctx.args.interval, ctx.args.mem_guard_mb * 1024)
        prober = HealthProber(gate.port)
        sampler.start()
        prober.start()
        for t in threads:
            t.start()
        time.sleep(1.0)  # baseline samples, every client connected
        t0 = now()
        try:
            barrier.wait(timeout=30)
        except threading.BrokenBarrierError:
            log("[memory] the barrier broke (a client could not connect)")
        deadline = t0 + ctx.args.client_timeout * 2 + 10
        for t in threads:
            t.join(max(0.1, deadline - now()))
        wall = now() - t0
        stuck = sum(1 for t in threads if t.is_alive())
        time.sleep(1.0)  # samples after the last answer
        hwm_after = proc_status_kib(gate.pid).get("VmHWM")
        prober.stop_event.set()
        sampler.stop_event.set()
        prober.join(5)
        sampler.join(5)
        up = upstream_delta(up0, ctx.upstream.snapshot())
        alive = gate.alive()
    finally:
        gate.stop()
    peak = sampler.peak(hwm_after)
    peak_kib = max(x for x in (peak["hwm_after_kib"], peak["rss_sampled_max_kib"], peak["hwm_sampled_max_kib"], 0)
                   if x is not None)
    per_kind = {}
    for kind in ("create", "explain"):
        rs = [r for r in results if r.get("kind") == kind]
        per_kind[kind] = {
            "statuses": counts(r.get("status") for r in rs),
            "retry_after_503": sum(1 for r in rs if r.get("status") == 503 and r.get("retry_after")),
            "n503": sum(1 for r in rs if r.get("status") == 503),
            "max_s": max((r["seconds"] for r in rs if "seconds" in r), default=None),
            "errors": counts(r.get("error", "").split(":")[0] for r in rs if r.get("error")),
            "samples": [{k: r.get(k) for k in ("status", "answer", "error", "send_error") if r.get(k)}
                        for r in rs if r.get("status") != 200][:2],
        }
    out = {
        "scenario": f"memory-{shape}", "shape": shape_text, "sbd_bytes": len(sbd), "explain_bytes": len(explain),
        "explain_lines": lines, "wall_s": wall, "stuck_clients": stuck, "peak_kib": peak_kib, "peak": peak,
        "kinds": per_kind, "health": prober.summary(), "upstream": up, "gate_alive_after": alive,
        "gate_exit": gate.exit_text(), "stop_s": gate.stop_s,
        "timeline": bucket_rows(sampler.rows, 1.0, t0 - sampler.t0),
        "log_tail": "" if alive else gate.log_text()[-1500:],
    }
    log(f"[memory-{shape}] peak {mb(peak_kib)}; creates {fmt_counts(per_kind['create']['statuses'])}; explains "
        f"{fmt_counts(per_kind['explain']['statuses'])}; healthz {fmt_health(out['health'])}; upstream "
        f"{fmt_upstream(up)}; gate {'alive' if alive else 'DEAD: ' + gate.exit_text()}; {wall:.1f} s")
    return out


def bucket_rows(rows, width: float, offset: float) -> list[tuple[float, int]]:
    """Largest sampled VmRSS per `width` seconds, times relative to the clients' start."""
    b: dict[int, int] = {}
    for t, rss, *_ in rows:
        k = int((t - offset) // width)
        b[k] = max(b.get(k, 0), rss)
    return [(k * width, v) for k, v in sorted(b.items())]


# ---------------------------------------------------------------- scenario: stalled heads

class Watched:
    """A client socket the script keeps open; when the gate answered and when it closed it."""

    def __init__(self, sock: socket.socket, opened: float) -> None:
        self.sock = sock
        self.opened = opened
        self.answer = b""
        self.answered_at: float | None = None
        self.closed_at: float | None = None
        self.how: str | None = None  # "eof", "reset"
        self.sent = 0

    @property
    def status(self) -> int | None:
        m = re.match(rb"HTTP/1\.[01] (\d{3})", self.answer)
        return int(m.group(1)) if m else None

    @property
    def retry_after(self) -> bool:
        return b"\r\nretry-after:" in self.answer.lower()

    def read(self, t: float) -> None:
        """Non-blocking: take what is there; note EOF or a reset."""
        if self.closed_at is not None:
            return
        while True:
            try:
                data = self.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:
                self.closed_at, self.how = t, "reset" if isinstance(e, ConnectionResetError) else type(e).__name__
                return
            if not data:
                self.closed_at, self.how = t, "eof"
                return
            if self.answered_at is None:
                self.answered_at = t
            self.answer += data[:4096]


def watch(ws: list[Watched], t0: float, seconds: float, stop: threading.Event,
          tick=None, tick_every: float | None = None) -> None:
    """poll() the sockets until `seconds` after t0 or `stop`; tick() every tick_every s."""
    poller = select.poll()
    by_fd = {}
    for w in ws:
        if w.closed_at is None:
            poller.register(w.sock.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
            by_fd[w.sock.fileno()] = w
    next_tick = now() + (tick_every or 0)
    while not stop.is_set() and now() - t0 < seconds:
        wait_s = 0.2
        if tick is not None:
            wait_s = min(wait_s, max(0.0, next_tick - now()))
        for fd, _ in poller.poll(wait_s * 1000):
            w = by_fd.get(fd)
            if w is None:
                continue
            w.read(now() - t0)
            if w.closed_at is not None:
                poller.unregister(fd)
                del by_fd[fd]
        if tick is not None and now() >= next_tick:
            tick(now() - t0)
            for w in list(by_fd.values()):
                if w.closed_at is not None:
                    poller.unregister(w.sock.fileno())
                    del by_fd[w.sock.fileno()]
            next_tick += tick_every
        if tick is None and not by_fd:
            break


def scenario_stalled(ctx: "Context") -> dict:
    n, seconds = ctx.args.stalled, ctx.args.stalled_seconds
    partial = b"POST /api/messages/out HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le"
    gate = ctx.start_gate("stalled")
    ws: list[Watched] = []
    stop = threading.Event()
    try:
        up0 = ctx.upstream.snapshot()
        t0 = now()
        connect_failures = counts([])
        fails = []
        for _ in range(n):
            try:
                s = socket.create_connection(("127.0.0.1", gate.port), timeout=3)
                s.sendall(partial)
                s.setblocking(False)
                ws.append(Watched(s, now() - t0))
            except OSError as e:
                fails.append(type(e).__name__)
        connect_failures = counts(fails)
        opened_s = now() - t0
        log(f"[stalled] {len(ws)} connections opened with half a request head in {opened_s:.1f} s "
            f"(connect failures: {fmt_counts(connect_failures)})")
        watcher = threading.Thread(target=watch, args=(ws, t0, seconds, stop), daemon=True)
        watcher.start()
        time.sleep(1.0)

        # 20 probes on fresh connections, started 0.5 s apart, 3 s timeout each
        probes: list[dict] = [{} for _ in range(ctx.args.probes)]
        pthreads = []
        p0 = now()
        for i in range(len(probes)):
            delay = p0 + 0.5 * i - now()
            if delay > 0:
                time.sleep(delay)
            th = threading.Thread(target=lambda r: r.update(http_get(gate.port, "/healthz", 3.0), at=now() - t0),
                                  args=(probes[i],), daemon=True)
            th.start()
            pthreads.append(th)
        for th in pthreads:
            th.join(5)
        log(f"[stalled] /healthz probes: {fmt_counts(counts(p.get('status') for p in probes))}")

        upc = ctx.upstream.snapshot()
        mid, create = create_message(gate.port, timeout=5.0)
        create["at"] = now() - t0
        up_create = upstream_delta(upc, ctx.upstream.snapshot())
        log(f"[stalled] a real create: {create.get('status')} ({create.get('error', '')}); upstream got "
            f"{fmt_upstream(up_create)}")

        watcher.join(max(0.0, seconds - (now() - t0)) + 1)
        stop.set()
        watcher.join(2)
        end_s = now() - t0
        for w in ws:  # a last non-blocking look at every socket
            w.read(end_s)
        after = http_get(gate.port, "/healthz", 3.0)
        after["at"] = now() - t0
        up = upstream_delta(up0, ctx.upstream.snapshot())
    finally:
        stop.set()
        for w in ws:
            w.sock.close()
        gate.stop()

    refused = [w for w in ws if w.status is not None]
    silent_closed = [w for w in ws if w.status is None and w.closed_at is not None]
    still_open = [w for w in ws if w.closed_at is None]
    close_times = sorted(w.closed_at - w.opened for w in silent_closed)
    lat = sorted(p["seconds"] for p in probes if p.get("status") is not None)
    out = {
        "scenario": "stalled", "connections": n, "opened": len(ws), "connect_failures": connect_failures,
        "opened_s": opened_s, "observed_s": end_s,
        "refused": len(refused), "refused_statuses": counts(w.status for w in refused),
        "refused_retry_after": sum(1 for w in refused if w.retry_after),
        "refused_closed": sum(1 for w in refused if w.closed_at is not None),
        "closed_silently": len(silent_closed), "closed_how": counts(w.how for w in silent_closed),
        "close_min_s": close_times[0] if close_times else None,
        "close_median_s": statistics.median(close_times) if close_times else None,
        "close_max_s": close_times[-1] if close_times else None,
        "still_open": len(still_open),
        "probes": len(probes), "probe_statuses": counts(p.get("status") for p in probes),
        "probe_ok": sum(1 for p in probes if p.get("status") == 200),
        "probe_answered": len(lat),
        "probe_p50_s": statistics.median(lat) if lat else None, "probe_max_s": lat[-1] if lat else None,
        "probe_errors": counts(p.get("error", "").split(":")[0] for p in probes if p.get("error")),
        "probe_window_s": (min((p["at"] - p["seconds"] for p in probes if "at" in p), default=0),
                           max((p["at"] for p in probes if "at" in p), default=0)),
        "create": {k: create.get(k) for k in ("status", "seconds", "retry_after", "error", "at")},
        "create_upstream": up_create, "upstream": up, "after": after,
        "gate_exit": gate.exit_text(), "stop_s": gate.stop_s,
    }
    log(f"[stalled] {out['refused']} refused at once ({fmt_counts(out['refused_statuses'])}), "
        f"{out['closed_silently']} closed by the gate without an answer "
        f"(after {secs(out['close_min_s'])}–{secs(out['close_max_s'])}), {out['still_open']} still open at "
        f"{end_s:.0f} s; /healthz after: {after.get('status')}")
    return out


# ---------------------------------------------------------------- scenario: trickled uploads

def scenario_trickle(ctx: "Context") -> dict:
    n, seconds, route = ctx.args.tricklers, ctx.args.trickle_seconds, ctx.args.trickle_route
    length = 1024 * 1024
    gate = ctx.start_gate("trickle")
    ws: list[Watched] = []
    stop = threading.Event()
    good: list[dict] = []
    try:
        up0 = ctx.upstream.snapshot()
        heads: list[bytes] = []
        create_statuses = []
        boundary = "preflighttrickle5e1d"
        if route == "put":
            for _ in range(n):
                mid, r = create_message(gate.port)
                create_statuses.append(r.get("status"))
                hdr = upload_headers()
                heads.append((f"PUT /api/messages/out/{mid} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              f"Content-Type: {hdr['Content-Type']}\r\nContent-Disposition: {hdr['Content-Disposition']}"
                              f"\r\nContent-Length: {length}\r\n\r\n").encode())
            log(f"[trickle] {n} messages created through the gate: {fmt_counts(counts(create_statuses))}")
            body_bytes = SMALL_PDF.read_bytes()
        else:
            for _ in range(n):
                heads.append((f"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                              f"Content-Length: {length}\r\n\r\n").encode())
            body_bytes = check_body(boundary)
        t0 = now()
        for h in heads:
            try:
                s = socket.create_connection(("127.0.0.1", gate.port), timeout=3)
                s.sendall(h)
                s.setblocking(False)
                ws.append(Watched(s, now() - t0))
            except OSError as e:
                log(f"[trickle] connect failed: {type(e).__name__}: {e}")
        log(f"[trickle] {len(ws)} tricklers started ({route}); one byte each every {ctx.args.trickle_every:g} s")

        def tick(t: float) -> None:
            for w in ws:
                if w.closed_at is not None or w.sent >= length:
                    continue
                try:
                    w.sock.send(body_bytes[w.sent % len(body_bytes):][:1])
                    w.sent += 1
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError as e:
                    w.read(t)
                    if w.closed_at is None:
                        w.closed_at, w.how = t, "send: " + type(e).__name__

        tick(0.0)
        watcher = threading.Thread(target=watch, args=(ws, t0, seconds, stop, tick, ctx.args.trickle_every),
                                   daemon=True)
        watcher.start()

        def well_behaved(at: float) -> None:
            delay = t0 + at - now()
            if delay > 0:
                stop.wait(delay)
            if stop.is_set():
                return
            log(f"[trickle] t={now() - t0:.1f} s: a well-behaved client")
            b = "preflightgood0c4f"
            chk = http_request(gate.port, "POST", "/v1/check?lang=en", check_body(b),
                               {"Content-Type": f"multipart/form-data; boundary={b}"}, 30.0)
            hz = http_get(gate.port, "/healthz", 5.0)
            mid, cr = create_message(gate.port, timeout=30.0)
            upl = http_request(gate.port, "PUT", f"/api/messages/out/{mid}", SMALL_PDF.read_bytes(),
                               upload_headers(), 30.0) if cr.get("status") == 200 else {"status": "-"}
            good.append({"at": at, "check": chk, "healthz": hz, "create": cr, "upload": upl})
            log(f"[trickle]   check {chk.get('status')} in {msec(chk.get('seconds'))}, healthz {hz.get('status')} "
                f"in {msec(hz.get('seconds'))}, create {cr.get('status')}, upload {upl.get('status')}")

        for at in sorted(float(x) for x in ctx.args.good_at.split(",") if x.strip()):
            if at < seconds:
                well_behaved(at)
        watcher.join(max(0.0, seconds - (now() - t0)) + 2)
        stop.set()
        watcher.join(5)
        end_s = now() - t0
        for w in ws:
            w.read(end_s)
        up = upstream_delta(up0, ctx.upstream.snapshot())
    finally:
        stop.set()
        for w in ws:
            w.sock.close()
        gate.stop()

    answered = [w for w in ws if w.status is not None]
    held = [w for w in ws if w.status is None]
    dropped = sorted(w.closed_at for w in held if w.closed_at is not None)
    out = {
        "scenario": "trickle", "route": route, "tricklers": n, "started": len(ws), "seconds": seconds,
        "observed_s": end_s, "create_statuses": counts(create_statuses),
        "answered": len(answered), "answered_statuses": counts(w.status for w in answered),
        "answered_retry_after": sum(1 for w in answered if w.retry_after),
        "answered_at_max_s": max((w.answered_at for w in answered if w.answered_at is not None), default=None),
        "held": len(held), "dropped": len(dropped), "dropped_how": counts(w.how for w in held if w.closed_at),
        "drop_min_s": dropped[0] if dropped else None, "drop_max_s": dropped[-1] if dropped else None,
        "drop_median_s": statistics.median(dropped) if dropped else None,
        "still_open": sum(1 for w in ws if w.closed_at is None),
        "bytes_sent_max": max((w.sent for w in ws), default=0),
        "good": good, "upstream": up, "gate_exit": gate.exit_text(), "stop_s": gate.stop_s,
    }
    log(f"[trickle] answered at once: {fmt_counts(out['answered_statuses'])}; held: {len(held)}, dropped by the "
        f"gate: {len(dropped)} ({secs(out['drop_min_s'])}–{secs(out['drop_max_s'])}); still open at {end_s:.0f} s: "
        f"{out['still_open']}")
    return out


# ---------------------------------------------------------------- driver and report

class Context:
    def __init__(self, args: argparse.Namespace, work: Path, upstream: FakeUpstream) -> None:
        self.args, self.work, self.upstream = args, work, upstream
        self.ini = work / "gate.ini"
        (work / "gate-tmp").mkdir()
        self.ini.write_text(
            "# written by bench/gate_attack.py\n"
            f"[registry]\nfile = {REGISTRY}\n\n"
            f"[serve]\ntemp-dir = {work / 'gate-tmp'}\n")
        self.gates: list[Gate] = []

    def start_gate(self, name: str) -> Gate:
        g = Gate(self.args.binary, self.work, self.upstream.port, name, self.ini)
        self.gates.append(g)
        try:
            g.wait_up()
        except BaseException:
            g.stop()
            raise
        return g

    def stop_all(self) -> None:
        for g in self.gates:
            if g.proc.poll() is None:
                g.stop()


def git_line(binary: Path) -> str:
    try:
        r = subprocess.run(["git", "-C", str(binary.parent), "log", "-1", "--format=%h %s"],
                           capture_output=True, text=True, timeout=10)
        top = subprocess.run(["git", "-C", str(binary.parent), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=10)
        if r.returncode == 0:
            subject = r.stdout.strip()
            if len(subject) > 110:
                subject = subject[:107] + "…"
            return f"worktree `{top.stdout.strip()}` at `{subject}`"
    except (OSError, subprocess.SubprocessError):
        pass
    return "not in a git worktree"


def render(args: argparse.Namespace, meta: dict, res: dict) -> str:
    L: list[str] = []
    L += [f"## {args.label}", ""]
    L += [f"- date: {meta['date']}; machine: {meta['uname']}, `nproc` = {meta['nproc']}, {meta['mem']}; "
          f"1-min load average {meta['load_start']} at the start, {meta['load_end']} at the end",
          f"- binary: `{args.binary}` ({meta['version']}; {meta['git']})",
          "- gate: `preflight serve --listen 127.0.0.1:0 --upstream http://127.0.0.1:FAKE --config GATE.ini`, "
          "GATE.ini = `[registry] file = fixtures/e2e/registry.json`, `[serve] temp-dir = (mktemp dir)`; "
          "every other `[serve]` key at its default (max-connections 256, max-uploads 32, idle timeout 30 s, "
          "read timeout 60 s); a fresh gate per scenario",
          f"- command: `{meta['command']}`", ""]
    L += ["| scenario | measure | value |", "|---|---|---|"]
    for shape in ("a", "b"):
        m = res.get(f"memory-{shape}")
        if not m:
            continue
        name = f"memory ({shape})"
        pk = m["peak"]
        dead = "" if m["gate_alive_after"] else f" — **gate died: {m['gate_exit']}**"
        if pk["guard_fired_at_s"] is not None:
            dead += f" (killed by this script's memory guard at {pk['guard_fired_at_s']:.1f} s)"
        bodies = ([f"{m['sbd_bytes']:,}-byte SBD: {m['shape']}"] if args.creates else []) + \
            ([f"explain: {m['explain_bytes']:,} bytes, {m['explain_lines']:,} log lines"] if args.explains else [])
        L += [f"| {name} | bodies | {'; '.join(bodies)} |",
              f"| {name} | **gate peak resident** (max of VmHWM after, sampled VmRSS/VmHWM every "
              f"{args.interval * 1000:.0f} ms) | **{mb(m['peak_kib'])}** (VmRSS before: "
              f"{mb(pk['rss_before_kib'])}, 1 s after the last answer: {mb(pk['rss_after_kib'])}; "
              + (f"descendants (the analysers' fork-server helper): up to {pk['children_max']}, "
                 f"{mb(pk['children_rss_max_kib'])} VmRSS together"
                 if pk["children_max"] else "no child processes seen")
              + f"; machine's MemAvailable at least {mb(pk['mem_available_min_kib'])}){dead} |"]
        for kind, label in (("create", f"{args.creates} × POST /api/messages/out"),
                            ("explain", f"{args.explains} × POST /v1/explain")):
            k = m["kinds"][kind]
            if not k["statuses"]:
                continue
            ra = f"; Retry-After on {k['retry_after_503']} of {k['n503']} 503s" if k["n503"] else "; no 503"
            err = f"; errors: {fmt_counts(k['errors'])}" if k["errors"] else ""
            L.append(f"| {name} | {label} | {fmt_counts(k['statuses'])}{ra}{err}; slowest {secs(k['max_s'])} |")
        L += [f"| {name} | /healthz every 200 ms during the run | {fmt_health(m['health'])} |",
              f"| {name} | upstream received | {fmt_upstream(m['upstream'])} |",
              f"| {name} | wall time (clients released → last answer) | {secs(m['wall_s'])}"
              + (f"; {m['stuck_clients']} clients still waiting" if m["stuck_clients"] else "") + " |"]
    s = res.get("stalled")
    if s:
        L += [f"| stalled | {s['opened']} connections with half a request head | "
              f"{s['refused']} answered at once ({fmt_counts(s['refused_statuses'])}, Retry-After on "
              f"{s['refused_retry_after']}) and closed; {s['closed_silently']} closed by the gate without an answer"
              + (f" after {secs(s['close_min_s'])}–{secs(s['close_max_s'])} (median {secs(s['close_median_s'])}; "
                 f"{fmt_counts(s['closed_how'])})" if s["closed_silently"] else "")
              + f"; {s['still_open']} still open at {s['observed_s']:.0f} s |",
              f"| stalled | {s['probes']} × GET /healthz, fresh connections, 0.5 s apart, 3 s timeout "
              f"({s['probe_window_s'][0]:.0f}–{s['probe_window_s'][1]:.0f} s after the stall began) | "
              f"**{s['probe_ok']} of {s['probes']} answered 200** ({fmt_counts(s['probe_statuses'])}); "
              f"latency p50 {msec(s['probe_p50_s'])}, max {msec(s['probe_max_s'])}"
              + (f"; errors: {fmt_counts(s['probe_errors'])}" if s["probe_errors"] else "") + " |",
              f"| stalled | one real create (small valid SBD, 5 s timeout) at {s['create'].get('at', 0):.0f} s | "
              f"{s['create'].get('status') or 'no answer'}"
              + (f" ({'then ' if s['create'].get('status') else ''}{s['create']['error']})"
                 if s["create"].get("error") else "")
              + f" in {msec(s['create'].get('seconds'))}; upstream got {fmt_upstream(s['create_upstream'])} |",
              f"| stalled | GET /healthz at the end ({s['after'].get('at', 0):.0f} s) | "
              f"{s['after'].get('status') or 'no answer'} in {msec(s['after'].get('seconds'))} |"]
    t = res.get("trickle")
    if t:
        what = ("PUT /api/messages/out/{id} (a message each, created through the gate first: "
                f"{fmt_counts(t['create_statuses'])})" if t["route"] == "put" else "POST /v1/check (multipart)")
        L += [f"| trickle | {t['started']} × {what}, Content-Length 1 MiB, 1 byte every "
              f"{args.trickle_every:g} s | {t['answered']} answered at once ({fmt_counts(t['answered_statuses'])}, "
              f"Retry-After on {t['answered_retry_after']}); **{t['held']} held**: "
              f"{t['dropped']} dropped by the gate"
              + (f" at {secs(t['drop_min_s'])}–{secs(t['drop_max_s'])} (median {secs(t['drop_median_s'])}; "
                 f"{fmt_counts(t['dropped_how'])})" if t["dropped"] else "")
              + f", {t['still_open']} still open at {t['observed_s']:.0f} s ({t['bytes_sent_max']} bytes sent "
              "by the longest) |"]
        for g in t["good"]:
            c, h, cr, u = g["check"], g["healthz"], g["create"], g["upload"]
            ra = " (Retry-After " + c["retry_after"] + ")" if c.get("retry_after") else ""
            L.append(f"| trickle | well-behaved client at {g['at']:.0f} s: POST /v1/check (1 PDF); GET /healthz; "
                     f"create + PUT vedtak.pdf | check **{c.get('status') or 'no answer'}**{ra} in "
                     f"{msec(c.get('seconds'))}; healthz {h.get('status') or 'no answer'} in "
                     f"{msec(h.get('seconds'))}; create {cr.get('status') or 'no answer'}, upload "
                     f"**{u.get('status') or 'no answer'}** in {msec(u.get('seconds'))} |")
        L.append(f"| trickle | upstream received (whole scenario) | {fmt_upstream(t['upstream'])} |")
    L += ["", "Scenario durations and the gate's exit after SIGTERM:", ""]
    for key, r in res.items():
        L.append(f"- {key}: {secs(r['duration_s'], 0)} in all (gate start to stop); gate {r['gate_exit']}, "
                 f"stopped {secs(r.get('stop_s'))} after SIGTERM")
    for key in ("memory-a", "memory-b"):
        m = res.get(key)
        if m:
            L += ["", f"{key}: gate VmRSS per second (largest sample; t from the clients' release):", "",
                  " ".join(f"{tt:+.0f}s {kib * 1024 / 1e6:.0f}" for tt, kib in m["timeline"]) + " (MB)"]
            for kind, k in m["kinds"].items():
                for smp in k["samples"]:
                    L.append(f"- {kind}, not 200: `{json.dumps(smp, ensure_ascii=False)[:300]}`")
            if m["log_tail"]:
                L += ["", "The gate's stderr, last lines:", "", "```", m["log_tail"].rstrip(), "```"]
    for key, r in res.items():
        if r.get("failed"):
            L += ["", f"{key} failed: `{r['failed']}`"]
    L.append("")
    return "\n".join(L)


def write_results(path: Path, label: str, section: str) -> None:
    head = ("# Attacks on the gate\n\n"
            "Written by `bench/gate_attack.sh` (see bench/README.md, \"Attacks on the gate\"). "
            "One section per run (`--label`); a rerun with the same label replaces its section.\n\n")
    text = path.read_text(encoding="utf-8") if path.exists() else head
    if not text.startswith("# "):
        text = head + text
    pattern = re.compile(rf"^## {re.escape(label)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section.rstrip("\n") + "\n\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", type=Path, default=ROOT / "build/bin/preflight")
    ap.add_argument("--results", type=Path, default=BENCH / "attack-results.md")
    ap.add_argument("--label", help="the results section's title (a section of that name is replaced); "
                    "default: the binary's --version line")
    ap.add_argument("--only", action="append", choices=["memory", "stalled", "trickle"],
                    help="run only this scenario (repeatable); default: all three")
    ap.add_argument("--command", default="", help="the command line to name in the report")
    g = ap.add_argument_group("memory")
    g.add_argument("--creates", type=int, default=16)
    g.add_argument("--explains", type=int, default=8)
    g.add_argument("--shapes", default="a,b", help="SBD shapes to run: a (huge string), b (many values)")
    g.add_argument("--interval", type=float, default=0.05, help="RSS sampling period, s")
    g.add_argument("--client-timeout", type=float, default=60.0, help="per socket operation, s")
    g.add_argument("--mem-guard-mb", type=int, default=2048,
                   help="SIGKILL the gate when the machine's MemAvailable falls below this (MiB)")
    g = ap.add_argument_group("stalled")
    g.add_argument("--stalled", type=int, default=300)
    g.add_argument("--stalled-seconds", type=float, default=45.0, help="how long to watch the stalled connections")
    g.add_argument("--probes", type=int, default=20)
    g = ap.add_argument_group("trickle")
    g.add_argument("--tricklers", type=int, default=40)
    g.add_argument("--trickle-route", choices=["put", "check"], default="put")
    g.add_argument("--trickle-every", type=float, default=2.0)
    g.add_argument("--trickle-seconds", type=float, default=90.0)
    g.add_argument("--good-at", default="5,35,85",
                   help="when the well-behaved client comes, seconds after the tricklers start (comma list)")
    args = ap.parse_args()
    args.binary = args.binary.resolve()
    if not os.access(args.binary, os.X_OK):
        log(f"no executable preflight at {args.binary} (--binary PATH)")
        return 2
    only = args.only or ["memory", "stalled", "trickle"]
    version = subprocess.run([str(args.binary), "--version"], capture_output=True, text=True,
                             timeout=10).stdout.strip() or "?"
    args.label = args.label or version

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)

    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "uname": " ".join(os.uname()[i] for i in (0, 2)),
        "nproc": os.cpu_count(),
        "mem": f"{(mem_available_kib() or 0) * 1024 / 1e9:.1f} GB available",
        "load_start": open("/proc/loadavg").read().split()[0],
        "version": version,
        "git": git_line(args.binary),
        "command": args.command or " ".join(sys.argv),
    }
    try:
        with open("/proc/meminfo") as f:
            total = int(next(line for line in f if line.startswith("MemTotal:")).split()[1])
        meta["mem"] = f"{total * 1024 / 1e9:.1f} GB RAM ({meta['mem']} at the start), no swap" \
            if "SwapTotal:        0" in open("/proc/meminfo").read() else f"{total * 1024 / 1e9:.1f} GB RAM"
    except (OSError, StopIteration):
        pass

    work = Path(tempfile.mkdtemp(prefix="preflight-gate-attack."))
    upstream = FakeUpstream()
    upstream.start()
    ctx = Context(args, work, upstream)
    res: dict[str, dict] = {}
    rc = 0
    try:
        plan = []
        if "memory" in only:
            plan += [(f"memory-{s}", lambda s=s: scenario_memory(ctx, s)) for s in args.shapes.split(",") if s]
        if "stalled" in only:
            plan.append(("stalled", lambda: scenario_stalled(ctx)))
        if "trickle" in only:
            plan.append(("trickle", lambda: scenario_trickle(ctx)))
        for key, fn in plan:
            t = now()
            log(f"=== {key}")
            try:
                r = fn()
            except (RuntimeError, OSError) as e:
                log(f"{key} failed: {e}")
                r = {"failed": str(e)[:500], "gate_exit": "?", "stop_s": None}
                rc = 2
            r["duration_s"] = now() - t
            res[key] = r
            log(f"=== {key}: {r['duration_s']:.0f} s")
    except KeyboardInterrupt:
        log("interrupted: stopping the gate")
        rc = 130
    finally:
        ctx.stop_all()
        upstream.close()
        shutil.rmtree(work, ignore_errors=True)
    if not res or rc == 130:
        return rc or 2  # nothing, or an interrupted run: the results file is left as it was
    meta["load_end"] = open("/proc/loadavg").read().split()[0]
    section = render(args, meta, res)
    write_results(args.results, args.label, section)
    print(section)
    log(f"wrote {args.results}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
