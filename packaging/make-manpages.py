#!/usr/bin/env python3
"""Writes the manual pages preflight(1) and preflight-COMMAND(1) for every command,
from the binary's own `--help` (so they are in step with it by construction) and
a paragraph per command below. Every command in the usage gets a page; a command
without a paragraph here is an error (a new command needs its text).

Usage: make-manpages.py PREFLIGHT_BINARY OUTDIR [VERSION]
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ABOUT = {
    "check": "Checks the documents of a letter before it is sent: loose files for a channel, or a "
             "journal post (its manifest: documents and recipients). Each finding has a code, a "
             "severity, a message and a remedy.",
    "scan": "CI mode: checks every template (PDF, DOCX, DOTX) under the folders given, in parallel, "
            "and reports them together; JUnit, SARIF and GitHub formats for pipelines.",
    "explain": "Explains a message from the archive system's log (or a whole exported log, or an "
               "export of the integrasjonspunkt's statuses): what happened, whether preflight could "
               "have stopped it, what the records manager does and what to tell the case handler.",
    "lookup": "Shows what the registries (KRR, Enhetsregisteret, the integrasjonspunkt, a registry "
              "file) say about a fødselsnummer, D-nummer or organisasjonsnummer, and the route a "
              "letter to it would take.",
    "checks": "Lists every check with its code, slug, default severity and summary; with "
              "--dump-config, every option of every section as INI, at its default.",
    "fix": "Writes a print-ready copy of a PDF: portrait A4 pages kept, landscape A4 turned, any "
           "other page scaled onto portrait A4 with the print service's left strip free (text "
           "stays text, links and metadata stay); never the input. With --manifest, proposes "
           "document names within the length limit.",
    "serve": "The gate: an HTTP service with the check API (POST /v1/check), POST /v1/explain, a "
             "web page for records managers (GET /), /healthz and /metrics; with --upstream a "
             "validating reverse proxy in front of the integrasjonspunkt. Installed as the "
             "systemd unit preflight-serve.service.",
}

EXIT = ("0 nothing blocks; 1 at least one finding blocks (or warns, with --fail-on warn); "
        "2 usage error, invalid manifest or configuration; 3 internal error.")


def esc(s: str) -> str:
    """Text for a roff line: backslashes and hyphens escaped, no leading dot or quote."""
    s = s.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + s if s.startswith((".", "'")) else s


def parse_help(text: str) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """(usage entries: command, synopsis, description), (options: flags, description)."""
    usage, options = [], []
    section = None
    for line in text.splitlines():
        if line.startswith("usage:"):
            section = "usage"
            continue
        if line.startswith("options:"):
            section = "options"
            continue
        if line.startswith("exit codes:"):
            section = None
            continue
        if section == "usage" and line.startswith("  preflight "):
            m = re.match(r"  (preflight \S+.*?)(?:\s{2,}(\S.*))?$", line)
            synopsis, desc = m.group(1).strip(), (m.group(2) or "").strip()
            usage.append([synopsis.split()[1], synopsis, desc])
        elif section == "usage" and line.startswith(" " * 20) and usage:
            usage[-1][2] = (usage[-1][2] + " " + line.strip()).strip()
        elif section == "options" and re.match(r"  -", line):
            m = re.match(r"  (\S.*?)(?:\s{2,}(\S.*))?$", line)
            options.append([m.group(1).strip(), (m.group(2) or "").strip()])
        elif section == "options" and line.startswith(" " * 10) and options:
            options[-1][1] = (options[-1][1] + " " + line.strip()).strip()
    return [tuple(u) for u in usage], [tuple(o) for o in options]


def page(name: str, title: str, version: str, synopsis: list[str], description: list[str],
         options: list[tuple[str, str]], see_also: list[str]) -> str:
    th = esc(name.upper())
    out = [f'.TH {th} 1 "" "preflight {esc(version)}" "User Commands"',
           ".SH NAME", f"{esc(name)} \\- {esc(title)}", ".SH SYNOPSIS"]
    for i, s in enumerate(synopsis):
        if i:
            out.append(".br")
        out.append(f".B {esc(s)}")
    out.append(".SH DESCRIPTION")
    for i, d in enumerate(description):
        if i:
            out.append(".PP")
        out.append(esc(d))
    if options:
        out.append(".SH OPTIONS")
        for flags, desc in options:
            out += [".TP", f".B {esc(flags)}", esc(desc)]
    out += [".SH EXIT STATUS", esc(EXIT), ".SH SEE ALSO", esc(", ".join(see_also))]
    out += [".PP", esc("/usr/share/doc/preflight/ holds the full documentation, one page per check.")]
    return "\n".join(out) + "\n"


def main() -> int:
    binary, outdir = sys.argv[1], Path(sys.argv[2])
    version = sys.argv[3] if len(sys.argv) > 3 else ""
    help_text = subprocess.run([binary, "--help"], capture_output=True, text=True, check=True).stdout
    usage, options = parse_help(help_text)
    outdir.mkdir(parents=True, exist_ok=True)
    commands = list(dict.fromkeys(u[0] for u in usage))
    missing = [c for c in commands if c not in ABOUT]
    if missing:
        sys.exit(f"make-manpages.py: no text for the command(s) {missing}: add them to ABOUT")
    common = [o for o in options if not re.match(r"[a-z]+:", o[1]) and "--version" not in o[0]]
    pages = [f"preflight-{c}" for c in commands]
    (outdir / "preflight.1").write_text(page(
        "preflight", "checks a letter before it is sent as digital post", version,
        [u[1] for u in usage],
        ["preflight checks each journal post of Norwegian public-sector digital post before it "
         "leaves the archive system, and blocks or warns, saying what is wrong and what to do."]
        + [f"{u[1]}: {u[2]}" for u in usage],
        options, [f"{p}(1)" for p in pages]), encoding="utf-8")
    for c in commands:
        own = [o for o in options if o[1].startswith(c + ":")]
        (outdir / f"preflight-{c}.1").write_text(page(
            f"preflight-{c}", next(u[2] for u in usage if u[0] == c).split(" (docs/")[0], version,
            [u[1] for u in usage if u[0] == c], [ABOUT[c]] + [f"{u[1]}: {u[2]}" for u in usage if u[0] == c],
            own + common, ["preflight(1)"] + [f"{p}(1)" for p in pages if p != f"preflight-{c}"]),
            encoding="utf-8")
    print(f"make-manpages.py: {len(commands) + 1} pages in {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
