#!/usr/bin/env python3
"""scripts/checks-index.py: the index it writes has one row per check, linking the
check's page, and --check fails on a check without a page and on a page without a check.

    tests/checks_index_test.py PREFLIGHT SOURCE_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    preflight, source = sys.argv[1], sys.argv[2]
    script = os.path.join(source, "scripts", "checks-index.py")
    pages = os.path.join(source, "docs", "checks")
    checks = json.loads(subprocess.run([preflight, "checks", "--format", "json", "--lang", "en"], check=True,
                                       capture_output=True, text=True).stdout)["checks"]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "index.md")
        r = subprocess.run([sys.executable, script, "--preflight", preflight, "--out", out, "--pages", pages,
                            "--check"], capture_output=True, text=True)
        if r.returncode != 0:
            failures.append(f"the tree's pages and checks disagree:\n{r.stderr}")
        with open(out, encoding="utf-8") as f:
            rows = [line for line in f if line.startswith("| DP")]
        by_code = {row.split("|")[1].strip(): row for row in rows}
        if len(rows) != len(checks):
            failures.append(f"{len(rows)} rows for {len(checks)} checks")
        for c in checks:
            row = by_code.get(c["code"])
            if row is None:
                failures.append(f"{c['code']}: no row")
            elif f"| {c['slug']} |" not in row or f"]({c['slug']}.md)" not in row or c["summary"] not in row:
                failures.append(f"{c['code']}: row without its slug, page or summary: {row}")

        # A page missing and a page of no check: both named, exit 1.
        copy = os.path.join(tmp, "pages")
        shutil.copytree(pages, copy)
        os.remove(os.path.join(copy, checks[0]["slug"] + ".md"))
        with open(os.path.join(copy, "retired-check.md"), "w", encoding="utf-8") as f:
            f.write("# DP999 retired-check\n")
        r = subprocess.run([sys.executable, script, "--preflight", preflight, "--pages", copy, "--check"],
                           capture_output=True, text=True)
        if r.returncode != 1 or checks[0]["slug"] + ".md: missing" not in r.stderr or \
                "retired-check.md: no check" not in r.stderr:
            failures.append(f"--check on a broken folder: exit {r.returncode}, {r.stderr!r}")
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print(f"ok: {len(checks)} checks indexed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
