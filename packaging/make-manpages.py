#!/usr/bin/env python3
"""Writes the manual pages preflight(1) and preflight-COMMAND(1) for every command, in
English (OUTDIR/man1) and bokmål (OUTDIR/nb/man1), from the command line's own
definitions (`preflight __describe --lang en|nb`, app/cli.cpp and the catalogue): the
pages, `preflight COMMAND --help` and the parser are made from the same table, so
they cannot disagree.

Usage: make-manpages.py PREFLIGHT_BINARY OUTDIR [VERSION]
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def esc(s: str) -> str:
    """Text for a roff line: backslashes and hyphens escaped, no leading dot or quote."""
    s = s.replace("\\", "\\e").replace("-", "\\-")
    # Letters outside ASCII (æ, ø, å, «, –) as groff's named Unicode escapes.
    s = "".join(c if ord(c) < 128 else f"\\[u{ord(c):04X}]" for c in s)
    return "\\&" + s if s.startswith((".", "'")) else s


def page(d: dict, name: str, title: str, version: str, synopsis: list[str], description: list[str],
         options: list[dict], see_also: list[str]) -> str:
    h = d["headings"]
    th = esc(name.upper())
    out = [f'.TH {th} 1 "" "preflight {esc(version)}" "preflight"', ".nh", ".ad l",
           f".SH {esc(h['name'])}", f"{esc(name)} \\- {esc(title)}", f".SH {esc(h['synopsis'])}"]
    for i, s in enumerate(synopsis):
        if i:
            out.append(".br")
        out.append(f".B {esc(s)}")
    out.append(f".SH {esc(h['description'])}")
    for i, text in enumerate(description):
        if i:
            out.append(".PP")
        out.append(esc(text))
    if options:
        out.append(f".SH {esc(h['options'])}")
        for o in options:
            out += [".TP", f".B {esc(o['flags'])}", esc(o["help"])]
    out += [f".SH {esc(h['exit'])}", esc(d["exit"]), f".SH {esc(h['see-also'])}", esc(", ".join(see_also))]
    return "\n".join(out) + "\n"


def write(d: dict, outdir: Path, version: str) -> int:
    outdir.mkdir(parents=True, exist_ok=True)
    commands = d["commands"]
    pages = [f"preflight-{c['name']}" for c in commands]
    title = d["title"].split(" – ", 1)[-1]
    top_desc = [d["about"]] + [f"preflight {c['name']}: {c['summary']}" for c in commands]
    (outdir / "preflight.1").write_text(page(
        d, "preflight", title, version, [s for c in commands for s in c["usage"][:1]], top_desc, d["global"],
        [f"{p}(1)" for p in pages]), encoding="utf-8")
    for c in commands:
        (outdir / f"preflight-{c['name']}.1").write_text(page(
            d, f"preflight-{c['name']}", c["summary"], version, c["usage"], [c["about"]], c["options"],
            ["preflight(1)"] + [f"{p}(1)" for p in pages if p != f"preflight-{c['name']}"]), encoding="utf-8")
    return len(commands) + 1


def main() -> int:
    binary, outdir = sys.argv[1], Path(sys.argv[2])
    version = sys.argv[3] if len(sys.argv) > 3 else ""
    total = 0
    for lang, sub in (("en", Path("man1")), ("nb", Path("nb") / "man1")):
        described = subprocess.run([binary, "__describe", "--lang", lang], capture_output=True, text=True,
                                   check=True).stdout
        total += write(json.loads(described), outdir / sub, version)
    print(f"make-manpages.py: {total} pages in {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
