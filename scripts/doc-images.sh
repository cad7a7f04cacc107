#!/usr/bin/env bash
# The before/after pictures of docs/fix.md and docs/checks/print-margin.md:
# fixtures/pdf/slides_demo.pdf (three 16:9 slides) before and after `preflight
# fix`, and with --two-up, rendered by pdftoppm (poppler-utils). Needs a built
# build/bin/preflight. Writes docs/images/fix-*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
build/bin/preflight fix fixtures/pdf/slides_demo.pdf -o "$work/a4.pdf" >/dev/null
build/bin/preflight fix --two-up fixtures/pdf/slides_demo.pdf -o "$work/two-up.pdf" >/dev/null
pdftoppm -png -f 1 -l 1 -scale-to 480 fixtures/pdf/slides_demo.pdf "$work/before"
pdftoppm -png -f 1 -l 1 -scale-to 480 "$work/a4.pdf" "$work/after"
pdftoppm -png -f 1 -l 1 -scale-to 480 "$work/two-up.pdf" "$work/two-up"
cp "$work"/before-1.png docs/images/fix-before.png
cp "$work"/after-1.png docs/images/fix-after.png
cp "$work"/two-up-1.png docs/images/fix-two-up.png
ls -l docs/images/fix-*.png
