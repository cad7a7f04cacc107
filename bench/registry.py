#!/usr/bin/env python3
"""One `preflight check --manifest` with 50 recipients against a fake KRR on
127.0.0.1 that answers every request after 50 ms (build/bin/fake_registry).

Batching should make the lookup one round trip, not fifty: the run is timed with
[krr] batch-size = 1000 (the default) and, for contrast, batch-size = 1; and with
an integrasjonspunkt capabilities source too, which is asked one identifier at a
time (eight at once).

    python3 bench/registry.py [--runs N] [--recipients N] [--delay-ms N] [--results FILE]

Needs build/bin/preflight and build/bin/fake_registry (built with the tests).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def valid_person(id11):
    w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2]
    w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    d = [int(c) for c in id11]
    s1 = sum(a * b for a, b in zip(w1, d)) + d[9]
    s2 = sum(a * b for a, b in zip(w2, d)) + d[10]
    return s1 % 11 == 0 and s2 % 11 == 0


def synthetic_ids(n):  # Tenor test persons: 1 January 1985, month + 80
    out = []
    i = 0
    while len(out) < n:
        cand = "018185%05d" % i
        if valid_person(cand):
            out.append(cand)
        i += 1
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--recipients", type=int, default=50)
    ap.add_argument("--delay-ms", type=int, default=50)
    ap.add_argument("--results", default=os.path.join(ROOT, "bench", "registry-results.md"))
    args = ap.parse_args()

    preflight = os.path.join(ROOT, "build", "bin", "preflight")
    fake = os.path.join(ROOT, "build", "bin", "fake_registry")
    for b in (preflight, fake):
        if not os.access(b, os.X_OK):
            print(f"registry.py: {b} is missing; build first (scripts/build.sh)", file=sys.stderr)
            return 2

    work = tempfile.mkdtemp(prefix="preflight-bench-registry-")
    try:
        ids = synthetic_ids(args.recipients)
        caps_of = [{"identifier": i, "capabilities": [
            {"process": "urn:no:difi:profile:digitalpost:vedtak:ver1.0", "serviceIdentifier": "DPI",
             "documentTypes": [{"type": "digital"}]}]} for i in ids]
        data = {"capabilities": caps_of, "persons": [{"personidentifikator": i, "status": "AKTIV", "reservasjon": "NEI",
                             "varslingsstatus": "KAN_VARSLES",
                             "kontaktinformasjon": {"epostadresse": "x@example.no"},
                             "digital_post": {"postkasseadresse": "x#1", "postkasseleverandoeradresse": "984661185"},
                             "sertifikat": "MIIB-test"}
                            for i in ids]}
        with open(os.path.join(work, "data.json"), "w") as f:
            json.dump(data, f)
        shutil.copy(os.path.join(ROOT, "fixtures", "example", "vedtak.pdf"), work)
        manifest = {"journalpost": {"id": "2026/1-1", "title": "Vedtak", "process": "vedtak"},
                    "documents": [{"file": "vedtak.pdf", "name": "Vedtak", "role": "main"}],
                    "recipients": [{"name": "P%d" % n, "id": i, "method": "general", "verified": True}
                                   for n, i in enumerate(ids)]}
        with open(os.path.join(work, "post.json"), "w") as f:
            json.dump(manifest, f)

        server = subprocess.Popen([fake, os.path.join(work, "data.json"), "--delay-ms", str(args.delay_ms)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        port = int(server.stdout.readline().split()[1])

        def requests():
            server.stdin.write("count\n")
            server.stdin.flush()
            return int(server.stdout.readline().split()[1])

        rows = []
        for batch, caps in ((1000, False), (1, False), (1000, True)):
            cfg = os.path.join(work, f"batch{batch}-{caps}.ini")
            with open(cfg, "w") as f:
                f.write(f"[registry]\nbuiltin = false\n[krr]\nurl = http://127.0.0.1:{port}\nbatch-size = {batch}\n")
                if caps:
                    f.write(f"[capabilities]\nurl = http://127.0.0.1:{port}\n")
            times = []
            before = requests()
            for _ in range(args.runs):
                t0 = time.perf_counter()
                r = subprocess.run([preflight, "check", "--manifest", os.path.join(work, "post.json"),
                                    "--config", cfg, "--format", "json"], capture_output=True, text=True)
                times.append(time.perf_counter() - t0)
                report = json.loads(r.stdout)
                routes = {x["route"] for x in report["recipients"]}
                if r.returncode != 0 or routes != {"dpi-digital"}:
                    print(f"registry.py: unexpected result (exit {r.returncode}, routes {routes})", file=sys.stderr)
                    return 2
            per_run = (requests() - before) / args.runs
            rows.append((batch, caps, statistics.median(times), min(times), per_run))
        server.stdin.close()
        server.wait(timeout=10)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    lines = [
        "# Registry lookups: one check with %d recipients" % args.recipients,
        "",
        "`python3 bench/registry.py` (fake KRR on 127.0.0.1 answering after %d ms; %d runs each; "
        "%d cores)." % (args.delay_ms, args.runs, os.cpu_count()),
        "",
        "| [krr] batch-size | capabilities source | requests per check | median wall time | fastest |",
        "|---|---|---|---|---|",
    ]
    for batch, caps, med, best, per_run in rows:
        lines.append(f"| {batch} | {'yes (8 at a time)' if caps else 'no'} | {per_run:g} | {med * 1000:.0f} ms "
                     f"| {best * 1000:.0f} ms |")
    lines.append("")
    text = "\n".join(lines)
    print(text)
    with open(args.results, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
