#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on 127.0.0.1 for the district server's tests and benchmark.
#   cluster.sh start            initdb + start (replacing a stale cluster of an earlier run on the
#                               same port); prints the URL of the test database
#   cluster.sh stop             stops the cluster and removes its directory (no error when none)
#   cluster.sh url              prints the URL (postgresql://postgres@127.0.0.1:PORT/weimin_test)
#   cluster.sh run VAR CMD...   runs CMD with the environment variable VAR set to the URL
# The port is 55432 unless WEIMIN_PG_PORT says otherwise; the cluster lives in
# ${WEIMIN_PG_TMP:-/tmp}/weimin-pg-PORT (data/ and server.log), owned by the postgres user, so
# WEIMIN_PG_TMP must be reachable by it. Must run as
# root: the server runs as the postgres user through runuser. Trust authentication, 127.0.0.1
# only; never use this cluster for anything but tests.
set -euo pipefail

port=${WEIMIN_PG_PORT:-55432}
base=${WEIMIN_PG_TMP:-/tmp}/weimin-pg-$port
data=$base/data
log=$base/server.log
db=weimin_test
url="postgresql://postgres@127.0.0.1:$port/$db"

die() { echo "cluster.sh: $*" >&2; exit 1; }

find_bindir() {
  local d
  for d in /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null || true)"; do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
      echo "$d"; return 0
    fi
  done
  return 1
}

as_pg() { runuser -u postgres -- "$@"; }

stop_cluster() {
  local bindir
  if [ -d "$data" ] && bindir=$(find_bindir); then
    if [ -f "$data/postmaster.pid" ]; then
      as_pg "$bindir/pg_ctl" -D "$data" -m fast -w -t 20 stop >/dev/null 2>&1 ||
        as_pg "$bindir/pg_ctl" -D "$data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
      # A server that would not stop (killed pg_ctl, hung postmaster): end it by its own pid.
      if [ -f "$data/postmaster.pid" ]; then
        local pid
        pid=$(head -n1 "$data/postmaster.pid" 2>/dev/null || true)
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
          kill -KILL "$pid" 2>/dev/null || true
          sleep 1
        fi
      fi
    fi
  fi
  rm -rf "$base"
}

port_busy() {
  # bash's /dev/tcp: true when something accepts connections on the port.
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

start_cluster() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (it runs PostgreSQL as the postgres user with runuser); CI runs as root — run the tests with sudo"
  id postgres >/dev/null 2>&1 || die "no 'postgres' user: install postgresql-15 (./scripts/setup)"
  local bindir
  bindir=$(find_bindir) || die "PostgreSQL 15 server binaries not found in /usr/lib/postgresql/15/bin: install postgresql-15 (./scripts/setup)"
  stop_cluster   # a stale cluster of a killed run on this port
  if port_busy; then
    die "port $port on 127.0.0.1 is in use by another program; set WEIMIN_PG_PORT to a free port"
  fi
  mkdir -p "$base"
  chown postgres: "$base"
  chmod 700 "$base"
  runuser -u postgres -- test -w "$base" ||
    die "the postgres user cannot write $base (a parent folder is closed to it): set WEIMIN_PG_TMP to a folder it can reach"
  if ! as_pg "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$base/initdb.log" 2>&1; then
    cat "$base/initdb.log" >&2
    die "initdb into $data failed (output above)"
  fi
  cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$base'
max_connections = 200
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
checkpoint_timeout = 30min
max_wal_size = 2GB
logging_collector = off
CONF
  cat >"$data/pg_hba.conf" <<HBA
local all all trust
host  all all 127.0.0.1/32 trust
HBA
  if ! as_pg "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 30 start >/dev/null 2>&1; then
    tail -n 30 "$log" >&2 2>/dev/null || true
    die "PostgreSQL did not start on 127.0.0.1:$port (server log above, $log)"
  fi
  if ! as_pg "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
      -c "CREATE DATABASE $db" >/dev/null 2>"$base/createdb.log"; then
    cat "$base/createdb.log" >&2
    die "could not create the database $db on 127.0.0.1:$port"
  fi
  echo "$url"
}

case "${1:-}" in
  start) start_cluster ;;
  stop) stop_cluster ;;
  url) echo "$url" ;;
  run)
    [ $# -ge 3 ] || die "usage: cluster.sh run VAR COMMAND [ARGS...]"
    var=$2; shift 2
    [ -f "$data/postmaster.pid" ] || die "no cluster running on port $port: run 'cluster.sh start' first"
    export "$var=$url"
    exec "$@" ;;
  *) echo "usage: cluster.sh start|stop|url|run VAR COMMAND..." >&2; exit 2 ;;
esac
