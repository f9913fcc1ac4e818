#!/usr/bin/env bash
# `npm run demo`: the whole product on one machine. Sets up what is missing, starts a Temporal dev server and three
# local clusters (ksit-control, cluster-1, cluster-2, as in the KSIT quickstart), stores the workload clusters'
# kubeconfigs as Secrets in the control cluster, installs the CRDs there, starts a worker and the controller, applies
# the sample targets and Integrations with kubectl (as the KSIT quickstart did), and waits until they are Ready.
# A second run reuses what runs. `deploy/local/demo.sh down` removes it all.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo=$(pwd)
KSIT_HOME=${KSIT_HOME:-$repo/.ksit}
export KSIT_HOME
log() { echo "[demo] $*" >&2; }

if [ "${1:-}" = down ]; then
  for p in worker controller; do
    [ -f "$KSIT_HOME/$p.pid" ] && kill "$(cat "$KSIT_HOME/$p.pid")" 2>/dev/null || true
    rm -f "$KSIT_HOME/$p.pid"
  done
  exec deploy/local/env.sh down
fi

bin=$(deploy/local/tools.sh node temporal helm kwok etcd kube)
export PATH="$bin:$PATH"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm ci` trips on npm 11 lock files that leave out other platforms' optional packages (@swc/core-*);
  # `npm install` with the committed lock file installs the same pinned versions.
  npm install --no-audit --no-fund
fi
npm run --silent build
deploy/local/env.sh up --names ksit-control,cluster-1,cluster-2
# The worker, the controller and the CLI talk to this environment's Temporal, on whatever port it was given.
export TEMPORAL_ADDRESS=127.0.0.1:${KSIT_TEMPORAL_PORT:-7233}
ui=http://127.0.0.1:${KSIT_TEMPORAL_UI_PORT:-8233}

control=$KSIT_HOME/kubeconfigs/ksit-control.yaml
kubectl --kubeconfig "$control" create namespace ksit-system --dry-run=client -o yaml | kubectl --kubeconfig "$control" apply -f - >/dev/null
for c in cluster-1 cluster-2; do
  kubectl --kubeconfig "$control" -n ksit-system create secret generic "$c-kubeconfig" \
    --from-file=kubeconfig="$KSIT_HOME/kubeconfigs/$c.yaml" --dry-run=client -o yaml |
    kubectl --kubeconfig "$control" apply -f - >/dev/null
  # ksit reads only Secrets marked as kubeconfigs (SECURITY.md).
  kubectl --kubeconfig "$control" -n ksit-system label secret "$c-kubeconfig" ksit.io/kubeconfig=true --overwrite >/dev/null
done
log "kubeconfig Secrets for cluster-1 and cluster-2 stored in ksit-control/ksit-system"

pid=$(cat "$KSIT_HOME/worker.pid" 2>/dev/null || true)
if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
  mkdir -p "$KSIT_HOME/logs"
  KSIT_CONTROL_KUBECONFIG=$control KSIT_HELM_BINARY=$bin/helm KSIT_HELM_HOME=$KSIT_HOME/helm KSIT_HTTP_HOST=127.0.0.1 \
    nohup node dist/workers/main.js >>"$KSIT_HOME/logs/worker.log" 2>&1 &
  echo $! >"$KSIT_HOME/worker.pid"
  log "worker started (pid $!, log $KSIT_HOME/logs/worker.log)"
else
  log "worker already running (pid $pid)"
fi

# The Kubernetes front door: the CRDs (generated from the same schemas as `ksit validate`), and the controller
# that turns the objects into workflows and writes their status back.
kubectl --kubeconfig "$control" apply --server-side --force-conflicts -f deploy/crds >/dev/null
kubectl --kubeconfig "$control" wait --for=condition=Established --timeout=60s \
  crd/integrations.ksit.io crd/integrationtargets.ksit.io >/dev/null
pid=$(cat "$KSIT_HOME/controller.pid" 2>/dev/null || true)
if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
  KSIT_CONTROL_KUBECONFIG=$control KSIT_CONTROLLER_HTTP_HOST=127.0.0.1 \
    nohup node dist/controller/main.js >>"$KSIT_HOME/logs/controller.log" 2>&1 &
  echo $! >"$KSIT_HOME/controller.pid"
  log "controller started (pid $!, log $KSIT_HOME/logs/controller.log)"
else
  log "controller already running (pid $pid)"
fi

ksit() { node dist/client/cli.js "$@"; }
kc() { kubectl --kubeconfig "$control" "$@"; }
kc apply -f config/demo/targets.yaml -f config/demo/integrations.yaml

log "waiting for both Integrations to be Ready on both clusters (installs + 1m grace period)..."
if ! kc wait --for=condition=Ready --timeout=600s -n ksit-system integration/argocd integration/prometheus; then
  kc get integrations -n ksit-system -o wide
  log "not Ready after 10 minutes"
  exit 1
fi
echo
echo "\$ kubectl get integrations,integrationtargets -n ksit-system -o wide"
kc get integrations,integrationtargets -n ksit-system -o wide
echo
echo "\$ ksit get integrations -o wide"
ksit get integrations -o wide
cat <<EOT

ksit is running. Temporal Web UI: $ui (filter: KsitKind = 'integration')
Next:
  alias ksit="\$PWD/bin/ksit"     # or npx ksit: the CLI, on a supported Node
  export KUBECONFIG=$control                                                        # the control cluster
  kubectl get integrations -n ksit-system -w                                        # status as kubectl sees it
  kubectl patch integration/argocd -n ksit-system --type merge -p '{"spec":{"suspend":true}}'   # pause, the Kubernetes way
  ksit describe integration argocd                                                  # components, transitions, UI link
  ksit get integrations --watch                                                     # every change as it happens
  deploy/local/fault.sh cluster-1 argocd deployment/argocd-repo-server crashloop   # watch it go Degraded
  deploy/local/fault.sh cluster-1 argocd deployment/argocd-repo-server clear       # and come back
  deploy/local/demo.sh down                                                        # remove everything
EOT
