#!/usr/bin/env bash
# ksit's real local environment: a Temporal dev server, N KWOK clusters made of real etcd / kube-apiserver /
# kube-controller-manager / kube-scheduler processes, and a loopback Helm chart repository.
#
#   env.sh up [--clusters N | --names a,b,c]   start what is missing, reuse what runs (default: cluster-1,cluster-2)
#      [--temporal dev|postgres]               the Temporal dev server (default), or the Temporal server on
#                                              PostgreSQL (temporal-postgres.sh; also KSIT_TEMPORAL=postgres)
#   env.sh down                                stop everything, delete the clusters and all state
#   env.sh status                              what runs, where, and the memory (RSS) of each cluster
#   env.sh stop-apiserver CLUSTER              kill one cluster's kube-apiserver (an outage for ksit to notice)
#   env.sh start-apiserver CLUSTER             bring it back
#   env.sh stop-temporal                       kill the Temporal server (its SQLite file / PostgreSQL stay)
#   env.sh start-temporal                      start it again on the same file and ports
#   env.sh restart-temporal                    both: a crash and a restart of the Temporal server
#
# Everything lives under ${KSIT_HOME:-<repo>/.ksit}: processes' pid files, data, logs, kubeconfigs, env.json.
# Nothing listens beyond 127.0.0.1. Ports: KSIT_TEMPORAL_PORT (7233), KSIT_TEMPORAL_UI_PORT (8233),
# KSIT_CHART_REPO_PORT (8879); cluster ports are picked free by kwokctl.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

KSIT_HOME=${KSIT_HOME:-$repo/.ksit}
TEMPORAL_PORT=${KSIT_TEMPORAL_PORT:-7233}
TEMPORAL_UI_PORT=${KSIT_TEMPORAL_UI_PORT:-8233}
CHART_REPO_PORT=${KSIT_CHART_REPO_PORT:-8879}
NODES_PER_CLUSTER=${KSIT_NODES_PER_CLUSTER:-3}
DEFAULT_CLUSTERS=cluster-1,cluster-2
# kwokctl keeps every cluster under its workdir; pointing it inside KSIT_HOME keeps ~/.kwok untouched.
export KWOK_WORKDIR=$KSIT_HOME/kwok
# Processes of one KWOK cluster, by the names of their pid files (kwokctl's <workdir>/clusters/NAME/pids/); the
# same list as CLUSTER_COMPONENTS in environment.ts, which reports on them.
CLUSTER_COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok-controller)

log() { echo "[env] $*" >&2; }
die() {
  echo "[env] error: $*" >&2
  exit 1
}

usage() {
  sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
}

# ---------------------------------------------------------------------------------------------------------------
# Small helpers

# Puts the pinned tools (built or found by tools.sh) first on PATH. The time-skipping test server is not needed here.
use_tools() {
  local extra=
  [ "$(temporal_mode)" = postgres ] && extra=temporal-server
  BIN=$("$here/tools.sh" node temporal helm kwok etcd kube $extra)
  export PATH=$BIN:$PATH KSIT_BIN_DIR=$BIN
}

# environment.ts (run from source by the pinned Node) writes env.json, prints the status and the summary, and lists
# the search attributes: one description of the environment for this script, the tests and the benchmarks.
environment_ts() {
  [ -d "$repo/node_modules/yaml" ] || die "node_modules is missing: run 'npm install' in $repo first"
  KSIT_HOME=$KSIT_HOME KSIT_TEMPORAL_PORT=$TEMPORAL_PORT KSIT_TEMPORAL_UI_PORT=$TEMPORAL_UI_PORT \
    KSIT_CHART_REPO_PORT=$CHART_REPO_PORT node "$here/environment.ts" "$@" 9>&-
}

# A killed process stays a zombie until whoever adopted it reaps it (seconds, under some init processes): not alive.
pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
pid_from() { [ -f "$1" ] && cat "$1" 2>/dev/null || true; }

# wait_for SECONDS WHAT COMMAND...: polls COMMAND every half second until it succeeds.
wait_for() {
  local timeout=$1 what=$2 deadline
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || {
      log "timed out after ${timeout}s waiting for $what"
      return 1
    }
    sleep 0.5
  done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# N distinct free ports picked by the kernel from its ephemeral range (32768 and up, at random), one per line.
ephemeral_ports() {
  node -e '
    const net = require("node:net");
    const servers = Array.from({ length: Number(process.argv[1]) }, () => net.createServer().listen(0, "127.0.0.1"));
    Promise.all(servers.map((s) => new Promise((ok) => s.on("listening", ok)))).then(() => {
      for (const s of servers) console.log(s.address().port);
      for (const s of servers) s.close();
    });' "$1"
}

# stop_pid NAME PIDFILE [SIGNAL]: SIGNAL (default TERM), a grace period, then SIGKILL; removes the pid file.
stop_pid() {
  local name=$1 pidfile=$2 signal=${3:-TERM} pid i
  pid=$(pid_from "$pidfile")
  if pid_alive "$pid"; then
    log "stopping $name (pid $pid)"
    kill -s "$signal" "$pid" 2>/dev/null || true
    for i in $(seq 1 40); do
      pid_alive "$pid" || break
      sleep 0.25
    done
    pid_alive "$pid" && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# start_daemon PIDFILE LOGFILE COMMAND...: starts COMMAND in its own session (so that a test runner or a Ctrl-C
# of the caller does not take it down), detached from our stdin/stdout and from our lock (fd 9).
start_daemon() {
  local pidfile=$1 logfile=$2
  shift 2
  mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
  setsid "$@" </dev/null >>"$logfile" 2>&1 9>&- &
  echo $! >"$pidfile"
}

# kwokctl forks the cluster's processes, which would inherit our lock (fd 9, see with_lock) and hold it for as
# long as the cluster runs: every kwokctl call goes through here, with that descriptor closed.
kw() { kwokctl "$@" 9>&-; }

# ---------------------------------------------------------------------------------------------------------------
# Temporal dev server

temporal_dir() { echo "$KSIT_HOME/temporal"; }
# Which Temporal this environment runs: `up --temporal` or KSIT_TEMPORAL; otherwise what it was made with.
temporal_mode() {
  local mode=${TEMPORAL_MODE:-${KSIT_TEMPORAL:-}}
  [ -n "$mode" ] || mode=$(cat "$(temporal_dir)/mode" 2>/dev/null || echo dev)
  echo "$mode"
}
# shellcheck source=temporal-postgres.sh
source "$here/temporal-postgres.sh"
temporal_healthy() { temporal operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" 2>/dev/null | grep -q SERVING; }

ensure_temporal() {
  local dir pid args=() sa mode was
  mapfile -t SEARCH_ATTRIBUTES < <(environment_ts search-attributes)
  [ ${#SEARCH_ATTRIBUTES[@]} -gt 0 ] || die "could not list ksit's search attributes (node deploy/local/environment.ts)"
  dir=$(temporal_dir)
  mkdir -p "$dir"
  mode=$(temporal_mode)
  was=$(cat "$dir/mode" 2>/dev/null || true)
  case $mode in dev | postgres) ;; *) die "unknown --temporal $mode (dev or postgres)" ;; esac
  [ -z "$was" ] || [ "$was" = "$mode" ] ||
    die "this environment runs Temporal '$was', not '$mode'; \`env.sh down\` first to switch (it deletes all state)"
  echo "$mode" >"$dir/mode"
  pid=$(pid_from "$dir/temporal.pid")
  if pid_alive "$pid" && temporal_healthy; then
    log "temporal: reusing the $mode server on 127.0.0.1:$TEMPORAL_PORT (pid $pid)"
  elif [ "$mode" = postgres ]; then
    stop_pid temporal "$dir/temporal.pid"
    port_in_use "$TEMPORAL_PORT" && die "port $TEMPORAL_PORT is taken by another process (set KSIT_TEMPORAL_PORT)"
    start_temporal_postgres
  else
    stop_pid temporal "$dir/temporal.pid"
    port_in_use "$TEMPORAL_PORT" && die "port $TEMPORAL_PORT is taken by another process (set KSIT_TEMPORAL_PORT)"
    port_in_use "$TEMPORAL_UI_PORT" && die "port $TEMPORAL_UI_PORT is taken by another process (set KSIT_TEMPORAL_UI_PORT)"
    for sa in "${SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$sa"); done
    # The dev server turns this on so that new search attributes work at once; it costs a database read, under one
    # lock, for every row a visibility list returns (1,000 rows listed in 1.9 s instead of 0.3 s, BENCHMARKS.md).
    # ksit's are registered here, before anything uses them, and work at once without it.
    args+=(--dynamic-config-value system.forceSearchAttributesCacheRefreshOnRead=false)
    log "temporal: starting the dev server on 127.0.0.1:$TEMPORAL_PORT (UI $TEMPORAL_UI_PORT)"
    # --ip also binds the UI and the (random) HTTP / metrics ports to the loopback address.
    start_daemon "$dir/temporal.pid" "$dir/temporal.log" \
      temporal server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
      --db-filename "$dir/temporal.db" --log-format json --log-level warn "${args[@]}"
    wait_for 90 "the Temporal dev server" temporal_healthy || {
      tail -n 20 "$dir/temporal.log" >&2
      die "Temporal did not start (log: $dir/temporal.log)"
    }
  fi
  ensure_search_attributes
}

# --search-attribute only registers attributes in a fresh database; an existing one (a restart, or a newer ksit
# with more attributes) gets the missing ones here. Creating an attribute that exists is not an error either.
ensure_search_attributes() {
  local have sa name type
  have=$(temporal operator search-attribute list --address "127.0.0.1:$TEMPORAL_PORT" 2>/dev/null || true)
  for sa in "${SEARCH_ATTRIBUTES[@]}"; do
    name=${sa%%=*} type=${sa#*=}
    grep -qw "$name" <<<"$have" && continue
    log "temporal: registering search attribute $name ($type)"
    temporal operator search-attribute create --address "127.0.0.1:$TEMPORAL_PORT" --name "$name" --type "$type" \
      >/dev/null
  done
}

# ---------------------------------------------------------------------------------------------------------------
# Loopback chart repository

chart_repo_dir() { echo "$KSIT_HOME/chart-repo"; }
chart_repo_url() { echo "http://127.0.0.1:$CHART_REPO_PORT"; }
chart_repo_healthy() { curl -fsS --max-time 2 "$(chart_repo_url)/healthz" >/dev/null 2>&1; }

# A hash of everything the repository is built from, so an unchanged repo is not re-packaged on every `up`.
chart_sources_hash() {
  (
    cd "$here"
    echo "$CHART_REPO_PORT"
    find charts manifests -type f -o -type l | LC_ALL=C sort | while read -r f; do
      echo "$f"
      cat "$f"
    done
  ) | sha256sum | cut -d' ' -f1
}

build_chart_repo() {
  local dir out hash chart
  dir=$(chart_repo_dir)
  hash=$(chart_sources_hash)
  if [ -f "$dir/index.yaml" ] && [ "$(cat "$dir/.sources.sha256" 2>/dev/null)" = "$hash" ]; then
    log "chart repo: charts unchanged, keeping $dir"
    return
  fi
  log "chart repo: packaging the test charts"
  out=$(mktemp -d "$KSIT_HOME/.chart-repo.XXXX")
  mkdir -p "$out/manifests"
  for chart in "$here"/charts/*/; do
    # _shared holds the helper template the charts link to; it is no chart of its own.
    case $(basename "$chart") in _*) continue ;; esac
    # Helm warns on stderr about the linked helper; keep that in the log, not on the console.
    helm package "$chart" -d "$out" >>"$KSIT_HOME/logs/helm-package.log" 2>&1 ||
      die "helm package $chart failed (log: $KSIT_HOME/logs/helm-package.log)"
  done
  # The same argo-cd chart once more as the previous version, for version-drift and upgrade tests.
  helm package "$here/charts/argo-cd" --version 5.51.5 --app-version v2.9.2 -d "$out" \
    >>"$KSIT_HOME/logs/helm-package.log" 2>&1 || die "helm package argo-cd 5.51.5 failed"
  cp "$here"/manifests/*.yaml "$out/manifests/"
  helm repo index "$out" --url "$(chart_repo_url)"
  echo "$hash" >"$out/.sources.sha256"
  # Swap directories so that the server never serves a half-written repository for long.
  rm -rf "$dir.old"
  [ -d "$dir" ] && mv "$dir" "$dir.old"
  mv "$out" "$dir"
  rm -rf "$dir.old"
}

ensure_chart_repo() {
  local pidfile=$KSIT_HOME/chart-repo.pid pid
  build_chart_repo
  pid=$(pid_from "$pidfile")
  if pid_alive "$pid" && chart_repo_healthy; then
    log "chart repo: reusing $(chart_repo_url) (pid $pid)"
    return
  fi
  stop_pid "chart repo" "$pidfile"
  port_in_use "$CHART_REPO_PORT" && die "port $CHART_REPO_PORT is taken by another process (set KSIT_CHART_REPO_PORT)"
  log "chart repo: serving $(chart_repo_dir) on $(chart_repo_url)"
  # The server resolves the directory per request, so rebuilding it (a directory swap) needs no restart.
  start_daemon "$pidfile" "$KSIT_HOME/logs/chart-repo.log" \
    node "$here/chart-repo-server.mjs" --root "$(chart_repo_dir)" --port "$CHART_REPO_PORT" --host 127.0.0.1
  wait_for 20 "the chart repository" chart_repo_healthy || die "chart repo did not start (log: $KSIT_HOME/logs/chart-repo.log)"
}

# ---------------------------------------------------------------------------------------------------------------
# KWOK clusters

cluster_dir() { echo "$KWOK_WORKDIR/clusters/$1"; }
kubeconfig_of() { echo "$KSIT_HOME/kubeconfigs/$1.yaml"; }
existing_clusters() { [ -d "$KWOK_WORKDIR/clusters" ] && kw get clusters 2>/dev/null || true; }
cluster_exists() { existing_clusters | grep -qx "$1"; }

# A hash of the kwokctl configuration (settings and Stages) that new clusters get, to spot clusters made with an
# older one: kwokctl copies the configuration into each cluster at creation, later changes do not reach it.
config_hash() { sha256sum <"$(write_kwokctl_config)" | cut -d' ' -f1; }

# The kwokctl configuration every cluster is created from: loopback-only, local binaries, our Stage set.
# Stages given here REPLACE kwok's built-in ones, so stages/ carries the node and ordinary pod stages as well.
# $1, if given, is etcd's peer port (kwokctl has no flag for it); config_hash leaves it out.
write_kwokctl_config() {
  local file=$KWOK_WORKDIR/kwokctl.yaml f
  mkdir -p "$KWOK_WORKDIR/cache"
  {
    cat <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  runtime: binary
  bindAddress: 127.0.0.1
  kubeVersion: $KUBE_VERSION
  etcdVersion: ${ETCD_VERSION#v}
  kwokVersion: $KWOK_VERSION
  kubectlBinary: $(readlink -f "$BIN/kubectl")
  cacheDir: $KWOK_WORKDIR/cache
  quietPull: true${1:+
  etcdPeerPort: $1}
  disableKubeScheduler: false
  disableKubeControllerManager: false
# One instance of each: no leader election. With it, the scheduler and controller-manager exit once the API server
# has been away longer than the lease (stop-apiserver), and new pods would stay Pending after it comes back.
componentsPatches:
  - name: kube-scheduler
    extraArgs:
      - key: leader-elect
        value: "false"
  - name: kube-controller-manager
    extraArgs:
      - key: leader-elect
        value: "false"
EOF
    for f in "$here"/stages/*.yaml; do
      echo "---"
      cat "$f"
    done
  } >"$file"
  echo "$file"
}

apiserver_ready() { kubectl --kubeconfig "$(kubeconfig_of "$1")" get --raw /readyz --request-timeout=3s; }

# All processes alive and the API answering.
cluster_healthy() {
  local name=$1 c
  for c in "${CLUSTER_COMPONENTS[@]}"; do
    pid_alive "$(pid_from "$(cluster_dir "$name")/pids/$c.pid")" || return 1
  done
  [ -f "$(kubeconfig_of "$name")" ] && apiserver_ready "$name" >/dev/null 2>&1
}

create_cluster() {
  local name=$1 config
  log "cluster $name: creating (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok)"
  # --kubeconfig: leave ~/.kube/config alone. kwokctl adds each cluster to this one (context kwok-NAME); ksit and
  # the tests use the flattened per-cluster files that write_kubeconfig makes.
  # Every port comes from the kernel's ephemeral range. kwokctl would hand out the highest free ports below 32768,
  # so while stop-apiserver has an API server down, any environment's next cluster would take its port and it could
  # never come back (two soaks ended so).
  local ports
  mapfile -t ports < <(ephemeral_ports 6)
  config=$(write_kwokctl_config "${ports[5]}")
  kw create cluster --name "$name" --config "$config" --kubeconfig "$KWOK_WORKDIR/kubeconfig.yaml" \
    --kube-apiserver-port "${ports[0]}" --etcd-port "${ports[1]}" --kube-controller-manager-port "${ports[2]}" \
    --kube-scheduler-port "${ports[3]}" --controller-port "${ports[4]}" \
    --etcd-binary "$(readlink -f "$BIN/etcd")" \
    --kube-apiserver-binary "$(readlink -f "$BIN/kube-apiserver")" \
    --kube-controller-manager-binary "$(readlink -f "$BIN/kube-controller-manager")" \
    --kube-scheduler-binary "$(readlink -f "$BIN/kube-scheduler")" \
    --kwok-controller-binary "$(readlink -f "$BIN/kwok")" \
    --timeout 5m >>"$KSIT_HOME/logs/kwokctl-$name.log" 2>&1 || {
    tail -n 30 "$KSIT_HOME/logs/kwokctl-$name.log" >&2
    die "kwokctl create cluster $name failed (log: $KSIT_HOME/logs/kwokctl-$name.log)"
  }
  config_hash >"$(cluster_dir "$name")/ksit-config.sha256"
}

# kwokctl's kubeconfig points at certificate files; tests and ksit want one self-contained file per cluster,
# whose context is simply the cluster's name.
write_kubeconfig() {
  local name=$1 dest tmp
  dest=$(kubeconfig_of "$name")
  mkdir -p "$(dirname "$dest")"
  tmp=$(mktemp "$dest.XXXX")
  kubectl --kubeconfig "$(cluster_dir "$name")/kubeconfig.yaml" config view --flatten --minify >"$tmp"
  kubectl --kubeconfig "$tmp" config rename-context "kwok-$name" "$name" >/dev/null
  chmod 600 "$tmp"
  mv "$tmp" "$dest"
}

# Fake nodes for KWOK to play the kubelet of. Untainted, so every chart's pods schedule without tolerations.
ensure_nodes() {
  local name=$1 i
  for i in $(seq 0 $((NODES_PER_CLUSTER - 1))); do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: kwok-node-$i
    node-role.kubernetes.io/worker: ""
    topology.kubernetes.io/zone: local-$((i % 3))
status:
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  addresses:
    - {type: InternalIP, address: 10.255.0.$((i + 1))}
    - {type: Hostname, address: kwok-node-$i}
EOF
  done | kubectl --kubeconfig "$(kubeconfig_of "$name")" apply -f - >/dev/null
  wait_for 60 "$NODES_PER_CLUSTER Ready nodes in $name" nodes_ready "$name" "$NODES_PER_CLUSTER"
}

nodes_ready() {
  local n
  n=$(kubectl --kubeconfig "$(kubeconfig_of "$1")" get nodes --request-timeout=3s \
    -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True || true)
  [ "$n" -ge "$2" ]
}

# kwokctl starts only the components that are not running, with the arguments it recorded at creation (same
# ports, same certificates).
start_stopped_components() {
  local pidfile
  # kwokctl takes a pid file whose process still answers kill -0 as running; a zombie does, so forget the dead.
  for pidfile in "$(cluster_dir "$1")"/pids/*.pid; do
    [ -f "$pidfile" ] && ! pid_alive "$(pid_from "$pidfile")" && rm -f "$pidfile"
  done
  kw start cluster --name "$1" --timeout 3m >>"$KSIT_HOME/logs/kwokctl-$1.log" 2>&1 ||
    die "kwokctl start cluster $1 failed (log: $KSIT_HOME/logs/kwokctl-$1.log)"
}

# restart_cluster NAME: brings a cluster with stopped components (stop-apiserver, a reboot) back to full speed.
# Controllers that outlived an API server outage come back slowly: their watches back off (after a 30 s outage,
# new pods took 20-30 s to be created and marked Running). Restarted against a ready API server they watch at
# once; etcd kept the state. A new kwok controller has a new identity and leaves the nodes alone until the old
# one's node Leases expire (~2.5 min seen): those Leases are deleted so that it takes the nodes over at once.
restart_cluster() {
  local name=$1 c
  start_stopped_components "$name"
  wait_for 120 "the API server of $name" apiserver_ready "$name" || die "cluster $name: API server not ready"
  for c in kube-controller-manager kube-scheduler kwok-controller; do
    # KILL: they keep no state of their own, and each takes ~2 s to stop gracefully.
    stop_pid "cluster $name: $c (to restart it)" "$(cluster_dir "$name")/pids/$c.pid" KILL
  done
  kubectl --kubeconfig "$(kubeconfig_of "$name")" delete leases --namespace kube-node-lease --all >/dev/null
  start_stopped_components "$name"
}

ensure_cluster() {
  local name=$1 dir
  dir=$(cluster_dir "$name")
  if cluster_exists "$name"; then
    if [ "$(cat "$dir/ksit-config.sha256" 2>/dev/null)" != "$(config_hash)" ]; then
      log "cluster $name: WARNING its KWOK stages/settings are older than deploy/local's; 'env.sh down && env.sh up' renews it"
    fi
    if cluster_healthy "$name"; then
      log "cluster $name: reusing (apiserver $(kubectl --kubeconfig "$(kubeconfig_of "$name")" config view -o jsonpath='{.clusters[0].cluster.server}'))"
      return
    fi
    # Some component is stopped (a reboot, stop-apiserver).
    log "cluster $name: starting its stopped components"
    write_kubeconfig "$name"
    restart_cluster "$name"
  else
    create_cluster "$name"
  fi
  write_kubeconfig "$name"
  wait_for 120 "the API server of $name" apiserver_ready "$name" || die "cluster $name: API server not ready"
  ensure_nodes "$name" || die "cluster $name: nodes did not become Ready"
  log "cluster $name: ready"
}


# ---------------------------------------------------------------------------------------------------------------
# Commands

# parse_cluster_names ARGS...: sets CLUSTER_NAMES from --clusters N / --names a,b,c (default cluster-1,cluster-2).
parse_cluster_names() {
  local names=$DEFAULT_CLUSTERS i
  while [ $# -gt 0 ]; do
    case $1 in
    --clusters)
      [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--clusters wants a positive number"
      names=$(for i in $(seq 1 "$2"); do printf 'cluster-%s,' "$i"; done)
      shift 2
      ;;
    --names)
      [ -n "${2:-}" ] || die "--names wants a comma-separated list"
      names=$2
      shift 2
      ;;
    *) die "unknown option $1 (see env.sh --help)" ;;
    esac
  done
  IFS=, read -r -a CLUSTER_NAMES <<<"$names"
  [ ${#CLUSTER_NAMES[@]} -gt 0 ] || die "no cluster names given"
  for i in "${CLUSTER_NAMES[@]}"; do
    # kwokctl uses the name in paths and in the kubeconfig: keep it a DNS label.
    [[ $i =~ ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$ ]] || die "bad cluster name '$i' (lowercase letters, digits, '-')"
  done
}

cmd_up() {
  local names=() name start=$SECONDS args=()
  while [ $# -gt 0 ]; do
    case $1 in
    --temporal)
      [ -n "${2:-}" ] || die "--temporal wants dev or postgres"
      TEMPORAL_MODE=$2
      shift 2
      ;;
    --temporal=*)
      TEMPORAL_MODE=${1#--temporal=}
      shift
      ;;
    *)
      args+=("$1")
      shift
      ;;
    esac
  done
  parse_cluster_names "${args[@]}"
  names=("${CLUSTER_NAMES[@]}")
  mkdir -p "$KSIT_HOME/logs" "$KSIT_HOME/kubeconfigs"
  touch "$KSIT_HOME/.ksit-env" # marks the directory as ours, so that `down` may delete it
  use_tools
  ensure_temporal
  ensure_chart_repo
  # One at a time: kwokctl adds every cluster to the same kubeconfig file ($KWOK_WORKDIR/kubeconfig.yaml).
  for name in "${names[@]}"; do ensure_cluster "$name"; done
  log "up in $((SECONDS - start)) s"
  # env.json lists the requested clusters first, then any other cluster that still exists here; then the summary.
  environment_ts env-json "${names[@]}"
}

cmd_status() {
  [ -d "$KSIT_HOME" ] || {
    echo "no environment at $KSIT_HOME"
    return 0
  }
  use_tools
  environment_ts status
}

cmd_down() {
  local name
  [ -d "$KSIT_HOME" ] || {
    log "nothing to do: $KSIT_HOME does not exist"
    return 0
  }
  [ -f "$KSIT_HOME/.ksit-env" ] || die "$KSIT_HOME was not made by env.sh (no .ksit-env marker); not deleting it"
  use_tools
  while read -r name; do
    [ -n "$name" ] || continue
    log "cluster $name: deleting"
    kw delete cluster --name "$name" --kubeconfig "$KWOK_WORKDIR/kubeconfig.yaml" >>"$KSIT_HOME/logs/kwokctl-$name.log" 2>&1 ||
      log "cluster $name: kwokctl delete failed; its processes are killed below"
    # Whatever kwokctl could not stop (a half-created cluster) goes by its pid files.
    for pidfile in "$(cluster_dir "$name")"/pids/*.pid; do
      [ -f "$pidfile" ] && stop_pid "$name/$(basename "$pidfile" .pid)" "$pidfile"
    done
  done < <(existing_clusters)
  stop_pid "chart repo" "$KSIT_HOME/chart-repo.pid"
  stop_pid temporal "$(temporal_dir)/temporal.pid"
  stop_postgres
  rm -rf "$KSIT_HOME"
  log "removed $KSIT_HOME"
}

require_cluster() {
  [ -n "${1:-}" ] || die "which cluster? (env.sh $2 CLUSTER)"
  cluster_exists "$1" || die "no cluster named $1 under $KWOK_WORKDIR"
}

cmd_stop_apiserver() {
  use_tools
  require_cluster "${1:-}" stop-apiserver
  # KILL, like a crash: on TERM the apiserver drains its watches for longer than a test wants to wait.
  stop_pid "cluster $1: kube-apiserver" "$(cluster_dir "$1")/pids/kube-apiserver.pid" KILL
  log "cluster $1: kube-apiserver stopped (etcd, controllers and kwok keep running)"
}

cmd_start_apiserver() {
  use_tools
  require_cluster "${1:-}" start-apiserver
  if cluster_healthy "$1"; then
    log "cluster $1: kube-apiserver already running"
    return
  fi
  # While this API server was stopped, another process may have taken its port (clusters made before the port came
  # from the ephemeral range lose it to the next new cluster), and then it can never come back.
  local server port
  server=$(kubectl --kubeconfig "$(kubeconfig_of "$1")" config view -o jsonpath='{.clusters[0].cluster.server}')
  port=${server##*:}
  if ! pid_alive "$(cat "$(cluster_dir "$1")/pids/kube-apiserver.pid" 2>/dev/null)" && port_in_use "$port"; then
    die "cluster $1: its API server's port $port was taken by another process while it was stopped (another environment's cluster?); 'env.sh down && env.sh up' makes the clusters anew"
  fi
  restart_cluster "$1"
  log "cluster $1: kube-apiserver running again"
}

cmd_stop_temporal() {
  use_tools
  # KILL, like a crash: what survives is what the dev server had committed to its SQLite file.
  stop_pid temporal "$(temporal_dir)/temporal.pid" KILL
  if [ "$(temporal_mode)" = postgres ]; then
    log "temporal: stopped (PostgreSQL keeps running with its data)"
  else
    log "temporal: stopped (database kept: $(temporal_dir)/temporal.db)"
  fi
}

cmd_start_temporal() {
  use_tools
  [ -f "$(temporal_dir)/temporal.db" ] || [ -d "$(pg_dir)/data" ] ||
    die "no Temporal database under $(temporal_dir) (use env.sh up)"
  ensure_temporal
}

# Concurrent `up`s (two test runs) would race on ports and directories: one env.sh at a time per KSIT_HOME.
with_lock() {
  mkdir -p "$KSIT_HOME"
  exec 9>"$KSIT_HOME/.lock"
  flock -w 900 9 || die "another env.sh holds $KSIT_HOME/.lock"
  "$@"
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  # Set by the docs test: its cheap runs of documented commands must never start an environment.
  case $cmd in up | start-*)
    [ -z "${KSIT_NO_ENV:-}" ] || die "KSIT_NO_ENV is set: not starting anything (does this command answer --help?)"
    ;;
  esac
  case $cmd in
  up) with_lock cmd_up "$@" ;;
  down)
    # Nothing to lock (or to create a lock file in) when there is no environment.
    if [ -d "$KSIT_HOME" ]; then with_lock cmd_down; else log "nothing to do: $KSIT_HOME does not exist"; fi
    ;;
  status) cmd_status ;;
  stop-apiserver) with_lock cmd_stop_apiserver "$@" ;;
  start-apiserver) with_lock cmd_start_apiserver "$@" ;;
  stop-temporal) with_lock cmd_stop_temporal ;;
  start-temporal) with_lock cmd_start_temporal ;;
  restart-temporal) with_lock cmd_stop_temporal && with_lock cmd_start_temporal ;;
  -h | --help | help | "") usage ;;
  *) die "unknown command $cmd (see env.sh --help)" ;;
  esac
}

main "$@"
