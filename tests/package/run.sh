#!/usr/bin/env bash
# The packages as a station or district would get them (docs/INSTALL.md): builds them
# (scripts/package) and a "previous" set one version lower, checks them with lintian, installs
# the previous set with dpkg -i and upgrades to the new one, runs the installed programs from
# their installed paths as the weimin user (the district under its unit's settings where no
# systemd runs: a read-only system but /var/lib/weimin, a private /tmp, no new privileges),
# enrols a station and syncs, renders the kiosk tour, checks file modes and owners and the units
# with systemd-analyze verify, then removes and purges. Must run as root on a machine where the
# packages may be installed (CI's). Exits non-zero on the first failure.
#   BUILD_DIR (default build-release), WORK (default /tmp/weimin-package-test)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
work=${WORK:-/tmp/weimin-package-test}
port=${WEIMIN_PACKAGE_TEST_PORT:-58443}
fail() { echo "package test: $*" >&2; exit 1; }
step() { echo "package test: $*"; }
[ "$(id -u)" -eq 0 ] || fail "run as root (it installs packages)"

cleanup() {
  if [ -n "${server_pid:-}" ]; then kill "$server_pid" 2>/dev/null || true; fi
  dpkg --purge weimin-station weimin-district weimin-common >/dev/null 2>&1 || true
}
trap cleanup EXIT
dpkg --purge weimin-station weimin-district weimin-common >/dev/null 2>&1 || true
rm -rf "$work"; mkdir -p "$work"

version=$(sed -n 's/^project(weimin VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
previous=0.0.1
step "building the packages ($version) and the previous set ($previous)"
OUT="$work/new" ./scripts/package >/dev/null 2>&1 || fail "scripts/package failed: see $work/new/cpack.log"
OUT="$work/old" ./scripts/package --no-build --version "$previous" >/dev/null 2>&1 ||
  fail "scripts/package --version $previous failed: see $work/old/cpack.log"
new=("$work"/new/*.deb); old=("$work"/old/*.deb)
# A build configured for another prefix (a developer's /usr/local) is refused, not packaged with
# its /etc/default file under /usr/local/etc.
mkdir -p "$work/other-prefix"
echo 'CMAKE_INSTALL_PREFIX:PATH=/usr/local' >"$work/other-prefix/CMakeCache.txt"
if BUILD_DIR="$work/other-prefix" OUT="$work/other" ./scripts/package --no-build \
  >"$work/other-prefix.txt" 2>&1; then
  fail "scripts/package --no-build packaged a build configured for /usr/local"
fi
grep -q "packages need /usr" "$work/other-prefix.txt" || fail "the refusal does not say why"
[ ${#new[@]} -eq 3 ] || fail "expected 3 packages in $work/new, got ${#new[@]}"

step "lintian"
if ! lintian --fail-on error --suppress-tags-from-file /dev/null "${new[@]}" >"$work/lintian.txt" 2>&1; then
  cat "$work/lintian.txt" >&2; fail "lintian reports errors"
fi
grep -E '^E: ' "$work/lintian.txt" && fail "lintian reports errors"

step "installing $previous, then upgrading to $version"
dpkg -i "${old[@]}" >/dev/null
dpkg -i "${new[@]}" >/dev/null
for p in weimin-common weimin-station weimin-district; do
  v=$(dpkg-query -W -f='${Version}' "$p")
  [ "$v" = "$version-1" ] || fail "$p is at $v after the upgrade, not $version-1"
done
for f in /usr/bin/weimin /usr/bin/weimin-kiosk /usr/bin/weimin-district \
  /usr/share/weimin/catalog/wuhua.json /usr/share/man/man1/weimin.1.gz \
  /usr/share/man/man1/weimin-district.1.gz /usr/share/man/man1/weimin-kiosk.1.gz \
  /lib/systemd/system/weimin-district.service /lib/systemd/system/weimin-kiosk.service \
  /etc/default/weimin-district; do
  [ -e "$f" ] || fail "$f is not installed"
done
getent passwd weimin >/dev/null || fail "no weimin user"
[ "$(stat -c '%a %U %G' /var/lib/weimin)" = "700 weimin weimin" ] ||
  fail "/var/lib/weimin is $(stat -c '%a %U %G' /var/lib/weimin), not 700 weimin weimin"

step "systemd-analyze verify"
systemd-analyze verify /lib/systemd/system/weimin-district.service \
  /lib/systemd/system/weimin-kiosk.service || fail "systemd-analyze verify refused a unit"

as_weimin() { setpriv --reuid weimin --regid weimin --init-groups --no-new-privs -- "$@"; }
catalog=/usr/share/weimin/catalog/wuhua.json

step "the district: init, publish the catalog and serve as the unit would"
cd /
as_weimin /usr/bin/weimin-district --data /var/lib/weimin/district --district 530102 init
as_weimin /usr/bin/weimin-district --data /var/lib/weimin/district catalog publish "$catalog" >/dev/null
# The unit's sandbox by hand: only /var/lib/weimin writable, a private /tmp, no new privileges.
unshare --mount --propagation private -- sh -c '
  mount --bind /var/lib/weimin /var/lib/weimin &&
  mount -t tmpfs -o mode=1777 tmpfs /tmp &&
  mount --bind / / && mount -o remount,bind,ro / &&
  if touch /usr/.weimin-sandbox-probe 2>/dev/null; then
    rm -f /usr/.weimin-sandbox-probe; echo "the sandbox left / writable" >&2; exit 1
  fi &&
  exec setpriv --reuid weimin --regid weimin --init-groups --no-new-privs -- \
    /usr/bin/weimin-district --data /var/lib/weimin/district serve --dev --listen 127.0.0.1:'"$port" \
  >"$work/serve.log" 2>&1 &
server_pid=$!
ca=
for _ in $(seq 1 300); do
  ca=$(sed -n 's/^ca: //p' "$work/serve.log" | head -1)
  grep -q '^listening' "$work/serve.log" && [ -n "$ca" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; fail "the district's serve ended"; }
  sleep 0.1
done
grep -q '^listening' "$work/serve.log" || { cat "$work/serve.log" >&2; fail "serve never listened"; }
cp "$ca" "$work/ca.pem"

step "a station: init with the installed catalog, enrol, record a case, sync"
export WEIMIN_PIN=583920
echo "$WEIMIN_PIN" | as_weimin /usr/bin/weimin --data /var/lib/weimin/station init \
  --community 530102001001 --director D001 --director-name 测试主任 >/dev/null
token=$(as_weimin /usr/bin/weimin-district --data /var/lib/weimin/district enroll-token \
  --community 530102001001 | tail -1)
as_weimin /usr/bin/weimin --data /var/lib/weimin/station enroll --server "https://127.0.0.1:$port" \
  --token "$token" --ca "$work/ca.pem" >/dev/null
as_weimin /usr/bin/weimin --data /var/lib/weimin/station case new --source env_sanitation \
  --channel kiosk --text "小区门口垃圾桶满溢三天无人清运" >/dev/null
as_weimin /usr/bin/weimin --data /var/lib/weimin/station sync >"$work/sync.txt"
as_weimin /usr/bin/weimin-district --data /var/lib/weimin/district --json stations >"$work/stations.json"
grep -q '530102001001' "$work/stations.json" || fail "the district does not list the station"

step "the kiosk tour from the installed program"
mkdir -p "$work/tour" && chown weimin:weimin "$work/tour"
SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy as_weimin /usr/bin/weimin-kiosk --tour "$work/tour" \
  --size 1280x800 >/dev/null
[ "$(ls "$work/tour"/*.png | wc -l)" -gt 10 ] || fail "the tour rendered too few screens"

step "file modes and owners"
for d in /var/lib/weimin/district /var/lib/weimin/station; do
  [ "$(stat -c '%a %U' "$d")" = "700 weimin" ] || fail "$d is $(stat -c '%a %U' "$d")"
  for f in "$d"/*.db; do
    [ "$(stat -c '%a %U' "$f")" = "600 weimin" ] || fail "$f is $(stat -c '%a %U' "$f")"
  done
done
for f in /var/lib/weimin/district.kek /var/lib/weimin/station.kek; do
  [ "$(stat -c '%a %U' "$f")" = "600 weimin" ] || fail "$f is $(stat -c '%a %U' "$f")"
done
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=

step "remove keeps the data, purge deletes it"
dpkg --remove weimin-station weimin-district >/dev/null
[ -e /var/lib/weimin/district/district.db ] || fail "removing weimin-district deleted its store"
[ -e /var/lib/weimin/station/station.db ] || fail "removing weimin-station deleted its store"
dpkg --purge weimin-station weimin-district weimin-common >/dev/null
[ ! -e /var/lib/weimin ] || fail "/var/lib/weimin is still there after the purge: $(ls -A /var/lib/weimin)"
step "all passed"
