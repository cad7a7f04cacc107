#!/usr/bin/env python3
"""`preflight fix` over every PDF of a corpus of malformed files.

Each run must end with exit 0 or 1 and a JSON answer; the input must be unchanged;
a copy exists exactly when the answer says fixed; a fixed copy has no blocking
finding in its own print check and passes `qpdf --check` (warnings allowed); no
temporary file is left behind. Prints the counts (fixed, refused with the codes,
failed with PoDoFo's reason) and every problem; exit 1 if there was one.

Usage: corpus-fix.py --binary build/bin/preflight [--jobs 2] [--timeout 120] CORPUS_DIR
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor


def digest(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("corpus")
    args = ap.parse_args()
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(args.corpus) for f in fs if f.lower().endswith(".pdf"))
    out = tempfile.mkdtemp(prefix="preflight-corpus-fix-")
    have_qpdf = shutil.which("qpdf") is not None

    def one(item: tuple[int, str]) -> tuple[str, str, str, float]:
        i, path = item
        dest = os.path.join(out, f"{i}.pdf")
        before = digest(path)
        start = time.monotonic()
        try:
            r = subprocess.run([args.binary, "fix", "--format", "json", path, "-o", dest],
                               capture_output=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            return path, "problem", "no answer within the timeout", args.timeout
        took = time.monotonic() - start
        if digest(path) != before:
            return path, "problem", "the input changed", took
        if r.returncode not in (0, 1):
            return path, "problem", f"exit {r.returncode}: {r.stderr[:300]!r}", took
        try:
            res = json.loads(r.stdout)
        except ValueError:
            return path, "problem", "no JSON answer", took
        if res["fixed"] != os.path.exists(dest):
            return path, "problem", f"fixed={res['fixed']} but the copy exists={os.path.exists(dest)}", took
        if not res["fixed"]:
            if "refused" in res:
                codes = sorted({f["code"] for f in res["refused"]["findings"] if f["severity"] == "block"})
                return path, "refused", " ".join(codes), took
            return path, "failed", res.get("error") or "?", took
        blocks = sorted({f["code"] for f in res["check"]["findings"] if f["severity"] == "block"})
        if blocks and r.returncode != 1:
            return path, "problem", f"the copy blocks ({blocks}) but exit {r.returncode}", took
        if have_qpdf:
            q = subprocess.run(["qpdf", "--check", dest], capture_output=True, timeout=args.timeout)
            if q.returncode == 2:
                return path, "problem", f"qpdf --check: {q.stdout[-300:]!r}", took
        return path, "fixed" if not blocks else "fixed, still blocks", " ".join(blocks), took

    counts: collections.Counter[str] = collections.Counter()
    problems = []
    slowest = []
    with ThreadPoolExecutor(args.jobs) as pool:
        for path, kind, detail, took in pool.map(one, enumerate(files)):
            slowest.append((took, path))
            if kind == "problem":
                problems.append(f"{path}: {detail}")
            else:
                counts[f"{kind}: {detail}" if detail else kind] += 1
    leftovers = [f for f in os.listdir(out) if f.startswith(".")]
    shutil.rmtree(out, ignore_errors=True)
    print(f"corpus-fix: {len(files)} PDFs")
    for key, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"  {n:4d}  {key}")
    for took, path in sorted(slowest)[-3:]:
        print(f"  slow: {took:.2f} s {path}")
    if leftovers:
        problems.append(f"temporary files left behind: {leftovers[:5]}")
    for p in problems:
        print(f"PROBLEM {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
