#!/bin/sh
# pg_test_cluster.sh start|stop DIR
#
# The throwaway PostgreSQL 15 cluster that the suites run on both engines
# share: CTest starts it once before them (fixture pg_cluster) and stops it
# after. It listens only on a Unix socket in DIR, trusts user postgres and
# trades durability for speed (fsync off). As root (CI) the tools run as the
# postgres OS user, since initdb and pg_ctl refuse root.
set -eu
cmd=$1
dir=$2
bin=/usr/lib/postgresql/15/bin

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
  as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 --locale=C \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }
  cat >>"$dir/data/postgresql.conf" <<CONF
# shop-queue tests: a throwaway cluster, fast and private
listen_addresses = ''
unix_socket_directories = '$dir'
port = 5432
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
shared_buffers = 64MB
CONF
  as_pg "$bin/pg_ctl" start -w -t 60 -D "$dir/data" -l "$dir/server.log" >/dev/null ||
    { cat "$dir/server.log"; exit 1; }
  echo "PostgreSQL test cluster running in $dir"
  ;;
stop)
  if [ -d "$dir/data" ]; then
    as_pg "$bin/pg_ctl" stop -w -t 60 -D "$dir/data" -m fast >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
