#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL server on a loopback port, for tests and benchmarks.
#   .ci/postgres.sh start [PORT]   prints the DATABASE_URL to use
#   .ci/postgres.sh stop  [PORT]
set -euo pipefail
action=${1:-start}
port=${2:-54329}
data=/tmp/onprobation-pg-$port
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$action" in
  start)
    if [ ! -s "$data/PG_VERSION" ]; then
      rm -rf "$data" && mkdir -p "$data"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
      as_postgres "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_postgres "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_postgres "$bindir/pg_ctl" -D "$data" -w -l "$data/server.log" start \
        -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >/dev/null
    fi
    echo "postgres://postgres@127.0.0.1:$port/onprobation"
    ;;
  stop)
    as_postgres "$bindir/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop [PORT]" >&2; exit 2 ;;
esac
