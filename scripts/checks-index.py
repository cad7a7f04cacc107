#!/usr/bin/env python3
"""Writes the index of the checks (docs/checks/index.md) from the catalogue, so that a
new check needs no row in a hand-kept table: its code, slug, severity rule and summary
come from `preflight checks --format json --lang en`, and its page link from its slug.

    scripts/checks-index.py --preflight build/bin/preflight --out build/docs/checks/index.md
    scripts/checks-index.py --preflight build/bin/preflight --pages docs/checks --check

The build writes the index (and the package installs it next to the pages); --check
(a test) fails when a check has no page in --pages or a page there belongs to no check.
"""
import argparse
import json
import os
import subprocess
import sys

# Pages in docs/checks/ that are not a check's.
NOT_CHECK_PAGES = {"README.md", "index.md"}


def cell(text):
    """A table cell: one line, and a | that does not end the cell."""
    return " ".join(text.split()).replace("|", "\\|")


def index_markdown(checks):
    lines = [
        "# Index of the checks",
        "",
        "<!-- Written by scripts/checks-index.py from `preflight checks --format json --lang en`: do not edit. -->",
        "",
        "Every check preflight has, from its catalogue: code, slug, default severity and what it finds. "
        "Each check's page says why it matters, its severity per channel, an example and its options "
        "([README.md](README.md) says how the pages are organised).",
        "",
        "| code | slug | default severity | finds | page |",
        "|---|---|---|---|---|",
    ]
    for c in checks:
        slug = c["slug"]
        lines.append(
            f"| {c['code']} | {slug} | {cell(c['severity_rule'])} | {cell(c['summary'])} | [{slug}]({slug}.md) |")
    return "\n".join(lines) + "\n"


def problems(checks, pages_dir):
    found = []
    slugs = {c["slug"] for c in checks}
    for slug in sorted(slugs):
        if not os.path.isfile(os.path.join(pages_dir, slug + ".md")):
            found.append(f"{pages_dir}/{slug}.md: missing (the check {slug} has no page)")
    for name in sorted(os.listdir(pages_dir)):
        if name.endswith(".md") and name not in NOT_CHECK_PAGES and name[:-3] not in slugs:
            found.append(f"{pages_dir}/{name}: no check has the slug {name[:-3]}")
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--preflight", required=True, help="the preflight binary")
    ap.add_argument("--out", help="where to write the index")
    ap.add_argument("--pages", help="the folder of the check pages (docs/checks)")
    ap.add_argument("--check", action="store_true", help="fail when pages and checks disagree")
    args = ap.parse_args()

    listing = subprocess.run([args.preflight, "checks", "--format", "json", "--lang", "en"], check=True,
                             capture_output=True, text=True).stdout
    checks = json.loads(listing)["checks"]
    if not checks:
        print("checks-index: preflight lists no checks", file=sys.stderr)
        return 1
    if args.out:
        text = index_markdown(checks)
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        tmp = args.out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, args.out)
    if args.check:
        if not args.pages:
            print("checks-index: --check needs --pages", file=sys.stderr)
            return 2
        found = problems(checks, args.pages)
        for p in found:
            print(p, file=sys.stderr)
        if found:
            return 1
        print(f"checks-index: {len(checks)} checks, each with its page, and no other pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
