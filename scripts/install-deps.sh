#!/usr/bin/env bash
# Installs every Debian 12 package that preflight's build, tests and benchmarks need.
# Run as root on a fresh Debian 12 machine. Safe to run again.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libpodofo-dev libssl-dev
  libmagic-dev libmagic-mgc
  libboost-program-options-dev libboost-dev
  libfmt-dev
  libgtest-dev libgmock-dev googletest
  nlohmann-json3-dev
  libcurl4-openssl-dev
  libutf8proc-dev zlib1g-dev
  libzip-dev libpugixml-dev libsqlite3-dev
  python3 python3-yaml python3-jsonschema libxml2-utils
  poppler-utils qpdf time wrk
  clang-format clang-tidy
  clang-14 libclang-rt-14-dev llvm-14
  chromium chromium-driver
  debootstrap bash-completion curl systemd
)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run as root (apt-get needs it)" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "install-deps.sh: all ${#packages[@]} packages present"

# axe-core, the accessibility rules tests/web_e2e.py runs in Chromium: not packaged
# by Debian, so from npm (a fixed version) into .cache/web/ of the repository.
# npm comes from Debian's nodejs and npm packages unless the machine already has a
# Node.js with npm (NodeSource's nodejs conflicts with Debian's npm package).
if ! command -v npm >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends nodejs npm
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
axe_version=4.10.3
if [ ! -f "$repo/.cache/web/node_modules/axe-core/axe.min.js" ] ||
   ! grep -q "\"version\": \"$axe_version\"" "$repo/.cache/web/node_modules/axe-core/package.json"; then
  mkdir -p "$repo/.cache/web"
  npm install --no-save --no-audit --no-fund --prefix "$repo/.cache/web" "axe-core@$axe_version" >/dev/null
fi
echo "install-deps.sh: axe-core $axe_version in .cache/web"
