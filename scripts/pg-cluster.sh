#!/bin/sh
# pg-cluster.sh start|stop DIR [durable]
#
# A throwaway PostgreSQL 15 cluster in DIR, listening only on a Unix socket
# there, trusting user postgres: URI postgresql:///postgres?host=DIR&user=postgres.
# The suites that run on both engines share one (CTest starts it before them,
# fixture pg_cluster, and stops it after); it trades durability for speed
# (fsync off) unless "durable" is given, as queue-bench does to measure what
# a chain gets (fsync and synchronous_commit on). As root (CI) the tools run
# as the postgres OS user, since initdb and pg_ctl refuse root.
set -eu
cmd=$1
dir=$2
mode=${3:-fast}
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
# shop-queue: a throwaway cluster, private to this machine
listen_addresses = ''
unix_socket_directories = '$dir'
port = 5432
max_connections = 300
shared_buffers = 64MB
CONF
  if [ "$mode" != durable ]; then
    printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' \
      >>"$dir/data/postgresql.conf"
  fi
  as_pg "$bin/pg_ctl" start -w -t 60 -D "$dir/data" -l "$dir/server.log" >/dev/null ||
    { cat "$dir/server.log"; exit 1; }
  echo "PostgreSQL cluster ($mode) running in $dir: postgresql:///postgres?host=$dir&user=postgres"
  ;;
stop)
  if [ -d "$dir/data" ]; then
    as_pg "$bin/pg_ctl" stop -w -t 60 -D "$dir/data" -m fast >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR [durable]" >&2
  exit 2
  ;;
esac
