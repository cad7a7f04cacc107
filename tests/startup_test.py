#!/usr/bin/env python3
"""The CLI's start maps only what it needs (bench/startup.sh measures the time):
  - the binary has no NEEDED entry for libcurl (registry/http.cpp loads it at the
    first registry request);
  - `preflight --version` and `preflight checks` map no libcurl (LD_DEBUG=files);
  - `preflight --version` maps at most MAX_LIBRARIES shared objects besides the
    sanitizers' runtimes (31 in December 2026; 55 when libcurl was linked): a new
    library in the start of every command is a decision, see bench/startup.sh;
  - a registry request does load it: `preflight lookup` against a closed port on
    127.0.0.1 answers "connection refused", not "libcurl cannot be loaded";
  - without a loadable libcurl (/dev/null bound over libcurl.so.4 in a private mount
    namespace: needs root, else skipped) the registry's answer says so, and the
    command goes on.
Usage: startup_test.py PREFLIGHT_BINARY
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

MAX_LIBRARIES = 32
SANITIZER_RUNTIMES = ("libasan.", "libubsan.", "liblsan.", "libtsan.", "libclang_rt.")
LINK_MAP = re.compile(r"^\s*(\d+):\s+file=(\S+) \[0\];\s+generating link map", re.M)
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def mapped(argv, env):
    """(exit code, the shared objects the loader maps into the first process, stdout)."""
    traced = dict(env, LD_DEBUG="files")
    r = subprocess.run(argv, env=traced, capture_output=True, text=True, errors="replace", check=False)
    found = LINK_MAP.findall(r.stderr)
    first = found[0][0] if found else None
    names = [name for pid, name in found if pid == first and not name.startswith(SANITIZER_RUNTIMES)]
    return r.returncode, names, r.stdout


def main() -> int:
    binary = sys.argv[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LD_")}
    env["NO_COLOR"] = "1"

    dynamic = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)
    check(needed and not any("curl" in n for n in needed), f"no NEEDED libcurl ({len(needed)} NEEDED entries)")

    code, libs, _ = mapped([binary, "--version"], env)
    check(code == 0, f"--version exits 0 ({code})")
    check(libs and not any("libcurl" in lib for lib in libs), "--version maps no libcurl")
    check(0 < len(libs) <= MAX_LIBRARIES, f"--version maps {len(libs)} libraries, at most {MAX_LIBRARIES}: "
          + " ".join(libs))

    code, libs, _ = mapped([binary, "checks", "--format", "json"], env)
    check(code == 0 and not any("libcurl" in lib for lib in libs), f"checks maps no libcurl (exit {code})")

    # A registry request loads libcurl and gets through it to the socket.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the test runs: nothing listens
    with tempfile.TemporaryDirectory(prefix="preflight-startup-") as tmp:
        config = Path(tmp) / "closed.ini"
        config.write_text(f"[registry]\nbuiltin = false\n\n[enhetsregisteret]\nurl = http://127.0.0.1:{port}\n")
        code, libs, out = mapped([binary, "lookup", "--lang", "en", "--config", str(config), "974760673"], env)
        check(any("libcurl" in lib for lib in libs), "lookup loads libcurl")
        check("connection refused" in out and "cannot be loaded" not in out,
              f"lookup reaches the socket through libcurl (exit {code}): {out.strip()}")

        # libcurl.so.4 unreadable in a private mount namespace of this one command.
        library = next((line.split(" => ")[1].strip() for line in subprocess.run(
            ["ldconfig", "-p"], capture_output=True, text=True, check=False).stdout.splitlines()
            if line.strip().startswith("libcurl.so.4 ") and " => " in line), None)
        hide = ["unshare", "-m", "--propagation", "private", "sh", "-c",
                'mount --bind /dev/null "$1" || exit 97; shift; exec "$@"', "sh", str(library)]
        if library is None or os.geteuid() != 0:
            print("skip without libcurl: not root, or no libcurl.so.4 in ldconfig's cache")
        else:
            r = subprocess.run(hide + [binary, "lookup", "--lang", "en", "--config", str(config), "974760673"],
                               env=env, capture_output=True, text=True, check=False)
            if r.returncode == 97 or "unshare:" in r.stderr:
                print(f"skip without libcurl: no private mount namespace here ({r.stderr.strip()})")
            else:
                check(r.returncode == 0 and "libcurl cannot be loaded (install the package libcurl4)" in r.stdout,
                      f"without libcurl, lookup says so (exit {r.returncode}): {r.stdout.strip()} {r.stderr.strip()}")

    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
