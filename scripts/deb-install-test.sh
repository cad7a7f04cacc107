#!/usr/bin/env bash
# The Debian package on a clean Debian 12: builds it (scripts/deb.sh), makes a
# minimal Debian 12 root with debootstrap from Debian's mirror (cached in
# /var/tmp/preflight-deb/base, copied fresh for every run), installs the package
# there with apt (which fetches its Depends), and checks in that root:
#   - `preflight --version`, the manual pages, the bash completion, the unit, the
#     conffile (registered as one, root:preflight 0640, every key of --dump-config
#     at its default), the system user;
#   - Depends names exactly the packages of the libraries the binary links;
#   - `preflight check --manifest` on the bundled example (exit 1: it blocks) and on
#     the clean example (exit 0);
#   - `preflight serve` started in the root answers /healthz and GET / on 127.0.0.1;
#   - `systemd-analyze verify` of the installed unit;
#   - reinstalling keeps a changed conffile and its mode, and works with it deleted;
#   - purging leaves no binary, unit, conffile or override behind.
# Needs root (debootstrap, chroot). Exit 0 pass, 1 fail.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "deb-install-test.sh: run as root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
bash scripts/deb.sh
deb=$(ls build-deb/preflight_*.deb)
cache=/var/tmp/preflight-deb/base
if [ ! -f "$cache/.complete" ]; then
  rm -rf "$cache"
  mkdir -p "$(dirname "$cache")"
  debootstrap --variant=minbase bookworm "$cache" http://deb.debian.org/debian >/dev/null
  touch "$cache/.complete"
fi
root=$(mktemp -d /var/tmp/preflight-deb/root-XXXX)
out=$(mktemp -d)
cleanup() {
  [ -n "${serve_pid:-}" ] && kill "$serve_pid" 2>/dev/null || true
  umount -l "$root/proc" 2>/dev/null || true
  if ! mountpoint -q "$root/proc"; then
    rm -rf --one-file-system "$root"
  fi
  rm -rf "$out"
}
trap cleanup EXIT
cp -a "$cache/." "$root/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

cp "$deb" "$root/tmp/"
in_root apt-get update -qq >/dev/null
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$deb")" \
  > $out/apt.txt 2>&1 || { cat $out/apt.txt; bad "apt-get install"; exit 1; }
ok "installed with apt: $(grep -c '^Setting up' $out/apt.txt) packages set up"

version=$(in_root preflight --version)
[[ "$version" =~ ^preflight\ [0-9.]+\ \(.+\)$ ]] && ok "$version" || bad "--version: $version"
for page in preflight preflight-check preflight-scan preflight-serve preflight-explain preflight-lookup preflight-checks preflight-fix; do
  [ -f "$root/usr/share/man/man1/$page.1.gz" ] || bad "no manual page $page(1)"
  [ -f "$root/usr/share/man/nb/man1/$page.1.gz" ] || bad "no bokmål manual page $page(1)"
done
ok "manual pages: $(ls "$root/usr/share/man/man1" | grep -c '^preflight') in /usr/share/man/man1, $(ls "$root/usr/share/man/nb/man1" | grep -c '^preflight') in /usr/share/man/nb/man1"
[ -f "$root/usr/share/bash-completion/completions/preflight" ] && ok "bash completion" || bad "no bash completion"
[ -f "$root/usr/lib/systemd/system/preflight-serve.service" ] && ok "systemd unit" || bad "no systemd unit"
conffiles=$(in_root dpkg-query -W -f='${Conffiles}' preflight)
[[ "$conffiles" == *"/etc/preflight/preflight.ini"* ]] && ok "conffile registered: $conffiles" || bad "conffiles: $conffiles"
perm=$(stat -c '%U:%G %a' "$root/etc/preflight/preflight.ini" 2>/dev/null || true)
owner=$(in_root stat -c '%U:%G %a' /etc/preflight/preflight.ini)
[ "$owner" = "root:preflight 640" ] && ok "conffile root:preflight 0640" || bad "conffile owner: $owner ($perm)"
in_root getent passwd preflight >/dev/null && ok "system user preflight" || bad "no user preflight"
state=$(in_root stat -c '%U:%G %a' /var/lib/preflight 2>/dev/null || true)
[ "$state" = "preflight:preflight 700" ] && ok "state directory /var/lib/preflight preflight:preflight 0700" ||
  bad "state directory: $state"
grep -q '^StateDirectory=preflight$' "$root/usr/lib/systemd/system/preflight-serve.service" &&
  ok "the unit has StateDirectory=preflight" || bad "no StateDirectory= in the unit"
in_root preflight checks --dump-config > "$out/dump.ini" || bad "checks --dump-config"
in_root preflight checks --config /etc/preflight/preflight.ini --dump-config > "$out/loaded.ini" ||
  bad "checks --config /etc/preflight/preflight.ini"
if [ -s "$out/dump.ini" ] && cmp -s "$out/dump.ini" "$out/loaded.ini" &&
   cmp -s <(sed -n 's/^#\([a-z][a-z0-9-]* = \)/\1/p' "$root/etc/preflight/preflight.ini") \
          <(grep ' = ' "$out/dump.ini"); then
  ok "the conffile reads, and lists every key of --dump-config at its default"
else
  bad "the conffile and --dump-config differ"
fi

# Depends: the packages that hold the libraries the binary links, and the one of
# libcurl.so.4, which it loads at the first registry request (registry/http.cpp), exactly.
needed="$(objdump -p "$root/usr/bin/preflight" | awk '/NEEDED/ {print $2}') libcurl.so.4"
linked=$(for lib in $needed; do in_root dpkg -S "*/$lib" 2>/dev/null | head -1 | cut -d: -f1; done | sort -u)
depends=$(dpkg-deb --field "$deb" Depends | tr ',' '\n' | sed 's/(.*//; s/ //g' | sort -u)
if [ "$linked" = "$depends" ]; then
  ok "Depends is exactly the packages of the linked libraries and libcurl: $(echo $depends)"
else
  bad "Depends ($(echo $depends)) is not the packages of the linked libraries and libcurl ($(echo $linked))"
fi
objdump -p "$root/usr/bin/preflight" | grep -q 'NEEDED.*libcurl' && bad "the binary links libcurl" ||
  ok "libcurl is not linked (loaded at the first registry request)"
# The loaded libcurl works: a registry on a closed port is "connection refused", not
# "libcurl cannot be loaded".
closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf '[enhetsregisteret]\nurl = http://127.0.0.1:%s\n' "$closed" > "$root/tmp/closed.ini"
set +e
in_root preflight lookup --lang en --config /tmp/closed.ini 974760673 > $out/lookup.txt 2>&1
set -e
grep -q 'connection refused' $out/lookup.txt && ok "lookup loads libcurl: $(grep -m1 'connection refused' $out/lookup.txt)" ||
  { cat $out/lookup.txt; bad "lookup with libcurl"; }

index=$root/usr/share/doc/preflight/docs/checks/index.md
rows=$(grep -c '^| DP' "$index" 2>/dev/null || true)
checks=$(in_root preflight checks --format json | grep -c '"code"')
[ "$rows" = "$checks" ] && ok "the index of the checks is installed: $rows rows, one per check" ||
  bad "the index of the checks ($index): ${rows:-no} rows for $checks checks"
nb_pages=$(ls "$root/usr/share/doc/preflight/docs/checks/nb/"*.md 2>/dev/null | wc -l)
[ "$nb_pages" = "$checks" ] && ok "the bokmål check pages are installed: $nb_pages pages, one per check" ||
  bad "the bokmål check pages (docs/checks/nb/): $nb_pages pages for $checks checks"

example=/usr/share/doc/preflight/examples
set +e
in_root preflight check --lang en --manifest "$example/post.json" > $out/check.txt
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q DP301 $out/check.txt && ok "check --manifest post.json: exit 1, DP301" ||
  { cat $out/check.txt; bad "check post.json: exit $rc"; }
in_root preflight check --lang en --manifest "$example/ok-post.json" > $out/check.txt &&
  ok "check --manifest ok-post.json: exit 0" || { cat $out/check.txt; bad "check ok-post.json"; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
chroot --userspec=preflight:preflight "$root" env -i PATH=/usr/bin:/bin STATE_DIRECTORY=/var/lib/preflight preflight serve --listen "127.0.0.1:$port" --config /etc/preflight/preflight.ini \
  >/dev/null 2>$out/serve.txt &
serve_pid=$!
health=""
for _ in $(seq 50); do
  health=$(curl -s --max-time 2 "http://127.0.0.1:$port/healthz" || true)
  [ -n "$health" ] && break
  sleep 0.2
done
[[ "$health" == *'"ok"'* ]] && ok "serve: /healthz $health" || { cat $out/serve.txt; bad "serve /healthz: $health"; }
page=$(curl -s --max-time 5 -o /dev/null -w '%{http_code} %{content_type}' "http://127.0.0.1:$port/")
[[ "$page" == "200 text/html"* ]] && ok "serve: GET / $page" || bad "serve GET /: $page"
kill "$serve_pid"
wait "$serve_pid" 2>/dev/null || true
serve_pid=""
# As under the unit (StateDirectory= sets $STATE_DIRECTORY): the state in its file.
store=$(in_root stat -c '%U:%G %a' /var/lib/preflight/state.sqlite 2>/dev/null || true)
grep -q 'message state in /var/lib/preflight/state.sqlite' $out/serve.txt && [ "$store" = "preflight:preflight 600" ] &&
  ok "serve keeps its state in /var/lib/preflight/state.sqlite ($store)" || { cat $out/serve.txt; bad "state file: $store"; }

# The installed unit, verified against the host's systemd (the minimal root has no
# systemd units of its own), with ExecStart pointing at the binary in the root.
unit_dir=$(mktemp -d)
sed "s|/usr/bin/preflight|$root/usr/bin/preflight|" "$root/usr/lib/systemd/system/preflight-serve.service" \
  > "$unit_dir/preflight-serve.service"
if systemd-analyze verify "$unit_dir/preflight-serve.service" > $out/unit.txt 2>&1; then
  ok "systemd-analyze verify preflight-serve.service"
else
  cat $out/unit.txt
  bad "systemd-analyze verify"
fi
rm -rf "$unit_dir"

# Reinstalling keeps an administrator's change to the conffile and to its mode, and
# works with the conffile deleted (dpkg leaves it deleted).
# (An administrator changes the mode through dpkg-statoverride, which dpkg keeps.)
echo "[serve]" >> "$root/etc/preflight/preflight.ini"
in_root dpkg-statoverride --remove /etc/preflight/preflight.ini
in_root dpkg-statoverride --update --add root root 0600 /etc/preflight/preflight.ini
in_root dpkg -i "/tmp/$(basename "$deb")" > "$out/reinstall.txt" 2>&1 || { cat "$out/reinstall.txt"; bad "reinstall"; }
[ "$(tail -1 "$root/etc/preflight/preflight.ini")" = "[serve]" ] && [ "$(in_root stat -c '%U:%G %a' /etc/preflight/preflight.ini)" = "root:root 600" ] &&
  ok "reinstall keeps the changed conffile and its mode" || bad "reinstall changed the conffile or its mode"
in_root dpkg-statoverride --remove /etc/preflight/preflight.ini >/dev/null 2>&1 || true
rm -f "$root/etc/preflight/preflight.ini"
in_root dpkg -i "/tmp/$(basename "$deb")" > "$out/reinstall.txt" 2>&1 &&
  ok "reinstall with the conffile deleted configures" || { cat "$out/reinstall.txt"; bad "reinstall without conffile"; }

in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq preflight >/dev/null 2>&1
if [ ! -e "$root/usr/bin/preflight" ] && [ ! -e "$root/usr/lib/systemd/system/preflight-serve.service" ] &&
   [ ! -e "$root/etc/preflight/preflight.ini" ] && ! in_root dpkg-statoverride --list | grep -q preflight &&
   [ ! -e "$root/var/lib/preflight" ]; then
  ok "purge removes the binary, the unit, the conffile and its override, and the state directory (the user stays, as Debian does)"
else
  bad "purge left something behind"
fi
[ "$fail" -eq 0 ] && echo "deb-install-test: all passed" || echo "deb-install-test: FAILED"
exit "$fail"
