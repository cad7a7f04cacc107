#!/usr/bin/env bash
# Sets everything up and runs the main job on the bundled example journal post:
# a decision letter with two attachments, one of them PowerPoint slides that the
# print service cannot take. Exit code 1 means preflight stopped the letter.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh -DPREFLIGHT_TESTS=OFF >/dev/null
echo "\$ build/bin/preflight check --manifest fixtures/example/post.json $*"
exec build/bin/preflight check --manifest fixtures/example/post.json "$@"
