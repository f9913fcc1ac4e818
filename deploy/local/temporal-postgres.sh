# shellcheck shell=bash
# The production-shaped Temporal of the local environment (`env.sh up --temporal postgres`), sourced by env.sh:
# the Temporal server built from its Go module (go.temporal.io/server, the version the pinned CLI embeds), all four
# services in one process as a small production deployment would run them, on PostgreSQL (the machine's, or
# Debian's package installed on request), with TEMPORAL_PG_SHARDS history shards, its schema set up and upgraded
# by Temporal's own temporal-sql-tool. The dev server (one SQLite file, one history shard) stays the default.
#
# Ports: the frontend keeps KSIT_TEMPORAL_PORT. PostgreSQL, the other services' gRPC and membership ports and the
# server's Prometheus endpoint take ten ports from KSIT_TEMPORAL_AUX_PORT_BASE (default 20000 + 10 x the last
# three digits of the frontend port: 23050 for 7305), so that environments with different frontend ports differ.

TEMPORAL_PG_SHARDS=${KSIT_TEMPORAL_SHARDS:-4}
TEMPORAL_AUX_BASE=${KSIT_TEMPORAL_AUX_PORT_BASE:-$((20000 + (TEMPORAL_PORT % 1000) * 10))}
PG_PORT=$TEMPORAL_AUX_BASE
PG_USER=temporal
# Loopback only, on a database made for this environment: the password keeps out nobody but other local users.
PG_PASSWORD=temporal

pg_dir() { echo "$(temporal_dir)/postgres"; }
pg_bin_dir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/postgres" ] && echo "$d" && return; done
  return 1
}

# PostgreSQL refuses to run as root: as root, its processes run as the postgres user (made by Debian's package).
# setpriv execs the command (no process in between), so the pid file holds postgres itself.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  else
    "$@"
  fi
}
pg_prefix() { [ "$(id -u)" = 0 ] && echo "setpriv --reuid=postgres --regid=postgres --init-groups --"; }

ensure_postgres_installed() {
  pg_bin_dir >/dev/null && return
  log "postgres: not installed; installing Debian's package (apt-get install postgresql)"
  command -v apt-get >/dev/null || die "PostgreSQL is not installed and there is no apt-get; install PostgreSQL >= 12"
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >&2
  pg_bin_dir >/dev/null || die "apt-get installed postgresql, but no /usr/lib/postgresql/*/bin/postgres was found"
}

pg_ready() { "$(pg_bin_dir)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }

ensure_postgres() {
  local dir bin
  ensure_postgres_installed
  bin=$(pg_bin_dir)
  dir=$(pg_dir)
  if pg_ready; then
    log "postgres: reusing 127.0.0.1:$PG_PORT"
    return
  fi
  port_in_use "$PG_PORT" && die "port $PG_PORT is taken by another process (set KSIT_TEMPORAL_AUX_PORT_BASE)"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    log "postgres: initdb in $dir/data"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    # The password travels in a file readable by the postgres user only, never on a command line.
    install -m 600 /dev/null "$dir/pwfile"
    echo "$PG_PASSWORD" >"$dir/pwfile"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir/pwfile"
    as_pg "$bin/initdb" -D "$dir/data" -U "$PG_USER" --pwfile="$dir/pwfile" -A scram-sha-256 -E UTF8 \
      --no-locale >"$dir/initdb.log" 2>&1 || die "initdb failed (log: $dir/initdb.log)"
    rm -f "$dir/pwfile"
  fi
  log "postgres: starting on 127.0.0.1:$PG_PORT ($("$bin/postgres" --version))"
  # Enough connections for the server's pools (history, matching, frontend, visibility) with room to spare.
  # shellcheck disable=SC2046 # the prefix is words on purpose
  start_daemon "$(temporal_dir)/postgres.pid" "$dir/postgres.log" \
    $(pg_prefix) "$bin/postgres" -D "$dir/data" -h 127.0.0.1 -p "$PG_PORT" -k "$dir" -c max_connections=200 \
    -c shared_buffers=128MB -c fsync=on -c synchronous_commit=on
  wait_for 60 "PostgreSQL" pg_ready || {
    tail -n 20 "$dir/postgres.log" >&2
    die "PostgreSQL did not start (log: $dir/postgres.log)"
  }
}

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep 127.0.0.1 -p "$PG_PORT" -u "$PG_USER" --pw "$PG_PASSWORD" "$@"
}

# Creates both databases on first use and brings their schema to the server's version (idempotent).
ensure_temporal_schema() {
  local db kind
  for kind in temporal visibility; do
    db=temporal
    [ $kind = visibility ] && db=temporal_visibility
    if ! sql_tool --db "$db" update-schema -s "postgresql/v12/$kind" >>"$(temporal_dir)/schema.log" 2>&1; then
      log "temporal: setting up database $db (temporal-sql-tool)"
      sql_tool --db "$db" create-database >>"$(temporal_dir)/schema.log" 2>&1 || true
      sql_tool --db "$db" setup-schema -v 0.0 >>"$(temporal_dir)/schema.log" 2>&1 ||
        die "temporal-sql-tool setup-schema failed for $db (log: $(temporal_dir)/schema.log)"
      sql_tool --db "$db" update-schema -s "postgresql/v12/$kind" >>"$(temporal_dir)/schema.log" 2>&1 ||
        die "temporal-sql-tool update-schema failed for $db (log: $(temporal_dir)/schema.log)"
    fi
  done
}

write_temporal_server_config() {
  local dir=$1 p=$TEMPORAL_AUX_BASE store
  mkdir -p "$dir/config/dynamicconfig"
  {
    cat <<EOF
# Written by deploy/local/env.sh (temporal-postgres.sh) on every start; edit that file, not this one.
log:
  stdout: true
  level: warn
  format: json
persistence:
  defaultStore: pg-default
  visibilityStore: pg-visibility
  numHistoryShards: $TEMPORAL_PG_SHARDS
  datastores:
EOF
    for store in default visibility; do
      cat <<EOF
    pg-$store:
      sql:
        pluginName: postgres12
        databaseName: $([ $store = default ] && echo temporal || echo temporal_visibility)
        connectAddr: "127.0.0.1:$PG_PORT"
        connectProtocol: tcp
        user: $PG_USER
        password: $PG_PASSWORD
        maxConns: $([ $store = default ] && echo 40 || echo 10)
        maxIdleConns: $([ $store = default ] && echo 40 || echo 10)
        maxConnLifetime: 1h
EOF
    done
    cat <<EOF
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: "127.0.0.1:$((p + 9))"
services:
  frontend:
    rpc: { grpcPort: $TEMPORAL_PORT, membershipPort: $((p + 1)), httpPort: $((p + 2)), bindOnLocalHost: true }
  history:
    rpc: { grpcPort: $((p + 3)), membershipPort: $((p + 4)), bindOnLocalHost: true }
  matching:
    rpc: { grpcPort: $((p + 5)), membershipPort: $((p + 6)), bindOnLocalHost: true }
  worker:
    rpc: { grpcPort: $((p + 7)), membershipPort: $((p + 8)), bindOnLocalHost: true }
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:$TEMPORAL_PORT"
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: "$dir/config/dynamicconfig/ksit.yaml"
  pollInterval: 60s
EOF
  } >"$dir/config/ksit.yaml"
  cp "$here/../temporal/dynamicconfig.yaml" "$dir/config/dynamicconfig/ksit.yaml"
}

start_temporal_postgres() {
  local dir
  dir=$(temporal_dir)
  ensure_postgres
  ensure_temporal_schema
  write_temporal_server_config "$dir"
  log "temporal: starting the server (go.temporal.io/server $TEMPORAL_SERVER_VERSION, PostgreSQL, $TEMPORAL_PG_SHARDS history shards) on 127.0.0.1:$TEMPORAL_PORT"
  start_daemon "$dir/temporal.pid" "$dir/temporal.log" \
    temporal-server --root "$dir" --config config --env ksit --allow-no-auth start
  wait_for 120 "the Temporal server" temporal_healthy || {
    tail -n 20 "$dir/temporal.log" >&2
    die "Temporal did not start (log: $dir/temporal.log)"
  }
  # The dev server makes the default namespace itself; a real server starts with none.
  if ! temporal operator namespace describe --address "127.0.0.1:$TEMPORAL_PORT" -n default >/dev/null 2>&1; then
    log "temporal: creating namespace default"
    temporal operator namespace create --address "127.0.0.1:$TEMPORAL_PORT" --retention 24h -n default >/dev/null
  fi
  # A new namespace reaches the frontend's cache within about 10 s; until then it is "not found" to clients.
  wait_for 60 "namespace default" temporal workflow count --address "127.0.0.1:$TEMPORAL_PORT" -n default
}

stop_postgres() {
  local dir
  dir=$(pg_dir)
  [ -f "$dir/data/postmaster.pid" ] || return 0
  log "stopping postgres"
  as_pg "$(pg_bin_dir)/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  rm -f "$(temporal_dir)/postgres.pid"
}
