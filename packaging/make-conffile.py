#!/usr/bin/env python3
"""Writes /etc/preflight/preflight.ini for the Debian package: every section and key
of `preflight checks --dump-config`, each key commented out at its default, so the
file matches the binary it ships with (tests/packaging_test.py checks that).
Usage: make-conffile.py PREFLIGHT_BINARY OUT
"""
import os
import subprocess
import sys

HEADER = """\
# /etc/preflight/preflight.ini: configuration of preflight (`preflight serve` reads
# it through the systemd unit; `preflight check --config` and the other commands
# take it too). Every key is listed at its default, commented out: remove the '#'
# and change the value to set it. One section per check (its slug) and for the
# gate, the registries and the PDF sandbox; docs: /usr/share/doc/preflight/.
# `preflight checks --dump-config` prints the same defaults.
# Keep it root:preflight, mode 0640, when it names secrets.

"""


def main() -> int:
    binary, out = sys.argv[1], sys.argv[2]
    dump = subprocess.run([binary, "checks", "--dump-config"], capture_output=True, text=True, check=True).stdout
    lines = [HEADER]
    for line in dump.splitlines():
        if line.strip() and not line.startswith("[") and not line.startswith("#") and not line.startswith(";"):
            lines.append("#" + line + "\n")
        else:
            lines.append(line + "\n")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.writelines(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
