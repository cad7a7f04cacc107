#!/usr/bin/env python3
"""The package's generated files, from the built binary: the manual pages in English
and bokmål (every command of the definitions has one, its options are those of
`preflight COMMAND --help`, groff renders them without a warning), the
conffile (it loads, and uncommented it is exactly `--dump-config`), the bash
completion (commands and options from --help), and `--version`.
Usage: packaging_test.py PREFLIGHT_BINARY
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def main() -> int:
    binary = sys.argv[1]
    tmp = Path(tempfile.mkdtemp(prefix="preflight-packaging-"))
    try:
        subprocess.run([sys.executable, REPO / "packaging/make-manpages.py", binary, tmp / "man", "0"], check=True,
                       capture_output=True)
        for lang, folder in (("en", tmp / "man" / "man1"), ("nb", tmp / "man" / "nb" / "man1")):
            described = json.loads(subprocess.run([binary, "__describe", "--lang", lang], capture_output=True,
                                                  text=True, check=True).stdout)
            commands = [c["name"] for c in described["commands"]]
            pages = sorted(p.name for p in folder.iterdir())
            check(pages == sorted(["preflight.1"] + [f"preflight-{c}.1" for c in commands]),
                  f"{lang}: a manual page for preflight and each command ({', '.join(commands)})")
            for page in pages:
                r = subprocess.run(["groff", "-man", "-ww", "-z", folder / page], capture_output=True, text=True)
                check(r.returncode == 0 and not r.stderr, f"{lang}: groff renders {page} without a warning {r.stderr[:200]}")
            rendered = {p: subprocess.run(["groff", "-man", "-Tutf8", "-P-c", folder / p], capture_output=True,
                                          text=True).stdout.replace("\u2010", "-") for p in pages}
            rendered = {p: re.sub(r".\x08", "", t) for p, t in rendered.items()}
            for c in described["commands"]:
                # The page, `preflight COMMAND --help` and the parser come from one table:
                # the same options in each.
                help_text = subprocess.run([binary, c["name"], "--help", "--lang", lang], capture_output=True,
                                           text=True, check=True).stdout
                in_help = set(re.findall(r"^  (?:-[a-z], )?(--[a-z][a-z-]*)", help_text, re.M))
                in_table = {re.search(r"--[a-z][a-z-]*", o["flags"]).group(0) for o in c["options"]}
                check(in_help == in_table, f"{lang}: preflight {c['name']} --help lists the table's options "
                      f"(only in help: {sorted(in_help - in_table)}, only in table: {sorted(in_table - in_help)})")
                page = rendered[f"preflight-{c['name']}.1"]
                check(all(o in page for o in in_table), f"{lang}: preflight-{c['name']}(1) has every option")
                check(" ".join(c["summary"].split()) in " ".join(page.split()),
                      f"{lang}: preflight-{c['name']}(1) has its summary")
                # A command accepts exactly its options: one it does not take is exit 2, naming it.
                other = next(o["flags"] for d in described["commands"] for o in d["options"]
                             if re.search(r"--[a-z][a-z-]*", o["flags"]).group(0) not in in_table)
                name = re.search(r"--[a-z][a-z-]*", other).group(0)
                if c["name"] == "serve":
                    continue  # serve warns about the options it used to ignore (cli_options_test covers it)
                r = subprocess.run([binary, c["name"], name] + (["x"] if " " in other else []) + ["--lang", lang],
                                   capture_output=True, text=True, timeout=60)
                check(r.returncode == 2 and name in r.stderr and "--help" in r.stderr,
                      f"{lang}: preflight {c['name']} {name} is a usage error naming it: {r.stderr.strip()[:160]}")
            if lang == "en":
                # docs/cli.md's table says which command takes which option.
                table = {}
                for row in re.findall(r"^\| `([^`]+)` \|(.*)\|$", (REPO / "docs/cli.md").read_text(), re.M):
                    cells = [c.strip() for c in row[1].split("|")]
                    table[re.search(r"--[a-z][a-z-]*", row[0]).group(0)] = {
                        name for name, cell in zip(["check", "scan", "explain", "lookup", "checks", "fix", "serve"],
                                                   cells) if cell}
                defined = {}
                for c in described["commands"]:
                    for o in c["options"]:
                        defined.setdefault(re.search(r"--[a-z][a-z-]*", o["flags"]).group(0), set()).add(c["name"])
                check(table == defined, "docs/cli.md's table is the definitions' "
                      f"(differ: {sorted(k for k in set(table) | set(defined) if table.get(k) != defined.get(k))})")
            top = rendered["preflight.1"]
            check(all(c in top for c in commands), f"{lang}: preflight(1) names every command")

        conf = tmp / "preflight.ini"
        subprocess.run([sys.executable, REPO / "packaging/make-conffile.py", binary, conf], check=True)
        dump = subprocess.run([binary, "checks", "--dump-config"], capture_output=True, text=True, check=True).stdout
        loaded = subprocess.run([binary, "checks", "--config", conf, "--dump-config"], capture_output=True, text=True)
        check(loaded.returncode == 0 and loaded.stdout == dump, "the conffile loads and changes no default")
        keys = [line[1:] for line in conf.read_text().splitlines() if re.match(r"#[a-z][a-z0-9-]* = ", line)]
        check(keys == [line for line in dump.splitlines() if " = " in line],
              f"the conffile lists every key of --dump-config, commented, at its default ({len(keys)} keys)")

        version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
        check(re.fullmatch(r"preflight \d+\.\d+\.\d+ \(.+\)", version) is not None, f"--version: {version}")

        completion = Path("/usr/share/bash-completion/bash_completion")
        if completion.is_file() and shutil.which("bash"):
            bindir = tmp / "bin"
            bindir.mkdir()
            (bindir / "preflight").symlink_to(os.path.abspath(binary))
            script = (f"source {completion}; source {REPO}/packaging/preflight.bash-completion; "
                      "COMP_WORDS=(preflight ch); COMP_CWORD=1; COMP_LINE='preflight ch'; COMP_POINT=12; _preflight;"
                      " echo ${COMPREPLY[@]}; COMP_WORDS=(preflight fix --tw); COMP_CWORD=2; "
                      "COMP_LINE='preflight fix --tw'; COMP_POINT=18; _preflight; echo ${COMPREPLY[@]}")
            out = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                                 env={**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}"}).stdout.splitlines()
            check(len(out) == 2 and out[0].split() == ["check", "checks"] and out[1].split() == ["--two-up"],
                  f"bash completion: 'ch' -> {out[0] if out else ''}, '--tw' -> {out[1] if len(out) > 1 else ''}")
        else:
            print("skip bash completion (no /usr/share/bash-completion/bash_completion)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("packaging_test: " + ("FAILED" if failures else "all passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
