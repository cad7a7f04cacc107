#!/usr/bin/env bash
# Builds the Debian package: a Release build with prefix /usr in build-deb/ (no
# tests), then CPack's DEB generator. Prints the package's control fields, its file
# list and size. The package: build-deb/preflight_VERSION_ARCH.deb.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ]; then
  bash scripts/install-deps.sh >/dev/null
fi
cmake -S . -B build-deb -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DPREFLIGHT_TESTS=OFF >/dev/null
cmake --build build-deb -j"$(nproc)"
rm -f build-deb/preflight_*.deb
(cd build-deb && cpack -G DEB >/dev/null)
deb=$(ls build-deb/preflight_*.deb)
echo "deb.sh: $deb, $(du -k "$deb" | cut -f1) KiB"
dpkg-deb --field "$deb" Package Version Architecture Depends Installed-Size
dpkg-deb --contents "$deb" | awk '{print $1, $3, $6}'
