#!/usr/bin/env python3
"""The package's generated files, from the built binary: the manual pages (every
command of --help has one, every option of --help is in preflight(1) and a
command's own options in its page, groff renders them without a warning), the
conffile (it loads, and uncommented it is exactly `--dump-config`), the bash
completion (commands and options from --help), and `--version`.
Usage: packaging_test.py PREFLIGHT_BINARY
"""
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
        help_text = subprocess.run([binary, "--help"], capture_output=True, text=True, check=True).stdout
        commands = sorted(set(re.findall(r"^  preflight ([a-z]+)", help_text, re.M)))
        options = re.findall(r"^  (-[^ ].*?)(?:\s{2,}(.*))?$", help_text[help_text.index("options:"):], re.M)
        subprocess.run([sys.executable, REPO / "packaging/make-manpages.py", binary, tmp / "man", "0"], check=True,
                       capture_output=True)
        pages = sorted(p.name for p in (tmp / "man").iterdir())
        check(pages == sorted(["preflight.1"] + [f"preflight-{c}.1" for c in commands]),
              f"a manual page for preflight and each command ({', '.join(commands)})")
        for page in pages:
            r = subprocess.run(["groff", "-man", "-ww", "-z", tmp / "man" / page], capture_output=True, text=True)
            check(r.returncode == 0 and not r.stderr, f"groff renders {page} without a warning {r.stderr[:200]}")
        rendered = {p: subprocess.run(["groff", "-man", "-Tutf8", "-P-c", tmp / "man" / p], capture_output=True,
                                      text=True).stdout.replace("\u2010", "-") for p in pages}
        rendered = {p: re.sub(r".\x08", "", t) for p, t in rendered.items()}
        for flags, desc in options:
            names = re.findall(r"--[a-z][a-z-]*", flags)
            check(all(n in rendered["preflight.1"] for n in names), f"preflight(1) has {flags}")
            own = re.match(r"([a-z]+):", desc or "")
            if own and own.group(1) in commands:
                page = f"preflight-{own.group(1)}.1"
                check(all(n in rendered[page] for n in names), f"{page} has {flags}")

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
