#!/usr/bin/env bash
# The CLI's own start: median CPU of `preflight --version` and of a small check of the
# bundled example, and the libraries each maps (bench/startup.py; bench/README.md,
# "Start-up"). Goal: --version at most 5 ms of CPU.
#   bench/startup.sh [--runs N] [--binary PATH] [--list]
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/startup.py "$@"
