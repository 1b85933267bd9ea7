# Sourced by bench/run-figures and bench/run-scale: a PostgreSQL 15 server of a benchmark's own,
# whose data directory stays in the benchmark's cache so the stores loaded into it are reused.
#   pg_server_start BASE PORT DB   initdb BASE/data when new (fsync off, 1 GB shared buffers,
#                                  64 MB work_mem; as tests/postgres/cluster.sh, the postgres
#                                  user through runuser), start it on 127.0.0.1:PORT unless it
#                                  runs, create DB when new; sets pg_server_started=1 when it
#                                  started it and pg_server_url to the database's URL
#   pg_server_stop BASE            stops it (no error when it is not running)
# Must run as root.

pg_server_bindir() {
  local d
  for d in /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null || true)"; do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  echo "bench: PostgreSQL 15 server binaries not found: install postgresql-15 (./scripts/setup)" >&2
  return 1
}
pg_server_as_pg() { runuser -u postgres -- "$@"; }

pg_server_stop() {
  local data=$1/data
  [ -f "$data/postmaster.pid" ] || return 0
  pg_server_as_pg "$(pg_server_bindir)/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

pg_server_start() {
  local base=$1 port=$2 db=$3 data=$1/data pgbin fresh=0
  pg_server_started=0
  [ "$(id -u)" -eq 0 ] || { echo "bench: run as root to start PostgreSQL (or give --store-url / --no-postgres)" >&2; return 1; }
  pgbin=$(pg_server_bindir)
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$base"
    mkdir -p "$base"
    chown postgres: "$base"
    chmod 700 "$base"
    pg_server_as_pg "$pgbin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
      >"$base/initdb.log" 2>&1 || { cat "$base/initdb.log" >&2; return 1; }
    # Like tests/postgres/cluster.sh (no durability: a benchmark's data), with the memory of a
    # small server: 1 GB of shared buffers, 64 MB per sort or hash.
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$base'
max_connections = 50
shared_buffers = 1GB
work_mem = 64MB
maintenance_work_mem = 256MB
effective_cache_size = 4GB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
checkpoint_timeout = 30min
max_wal_size = 4GB
logging_collector = off
CONF
    printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$data/pg_hba.conf"
    fresh=1
  fi
  if [ ! -f "$data/postmaster.pid" ]; then
    pg_server_as_pg "$pgbin/pg_ctl" -D "$data" -l "$base/server.log" -w -t 60 start >/dev/null ||
      { tail -n 30 "$base/server.log" >&2; return 1; }
    pg_server_started=1
  fi
  if [ "$fresh" = 1 ]; then
    pg_server_as_pg "$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -c "CREATE DATABASE $db" >/dev/null
  fi
  pg_server_url="postgresql://postgres@127.0.0.1:$port/$db"
}
