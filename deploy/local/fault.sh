#!/usr/bin/env bash
# Injects or clears a fault on a workload of a local KWOK cluster made by env.sh:
#
#   fault.sh CLUSTER NAMESPACE KIND/NAME crashloop|imagepull|notready|clear
#
#   KIND is deployment, statefulset or daemonset (deploy, sts, ds). Example:
#   fault.sh cluster-1 argocd deployment/argocd-repo-server crashloop
#
# A fault is the pod label ksit.io/fault=<fault>, which the KWOK stages in deploy/local/stages/pod-faults.yaml
# turn into pod status (CrashLoopBackOff, ImagePullBackOff, Running but not Ready). It is set in two places:
#   - the pod template, so that it persists: every pod a rollout creates takes the fault;
#   - the workload's current pods, so that it shows at once, like running containers that start failing. A
#     template change alone would leave a 1-replica Deployment's old pod Ready (maxUnavailable rounds down to 0),
#     and a StatefulSet never replaces an unready pod by itself.
# `clear` removes the label from both; the stages bring the pods back to Running and Ready and the rollout back
# to the original template.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
KSIT_HOME=${KSIT_HOME:-$repo/.ksit}
LABEL=ksit.io/fault

die() {
  echo "[fault] error: $*" >&2
  exit 1
}

[ $# -eq 4 ] || {
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
cluster=$1 namespace=$2 target=$3 fault=$4

case $fault in crashloop | imagepull | notready | clear) ;; *) die "unknown fault '$fault'" ;; esac
kind=${target%%/*} name=${target#*/}
[ "$kind" != "$target" ] && [ -n "$name" ] || die "expected KIND/NAME, got '$target'"
case $kind in
deployment | deployments | deploy) kind=deployment ;;
statefulset | statefulsets | sts) kind=statefulset ;;
daemonset | daemonsets | ds) kind=daemonset ;;
*) die "unsupported kind '$kind' (deployment, statefulset, daemonset)" ;;
esac

kubeconfig=$KSIT_HOME/kubeconfigs/$cluster.yaml
[ -f "$kubeconfig" ] || die "no kubeconfig for cluster '$cluster' at $kubeconfig (is the environment up?)"
# The pinned kubectl, unless one is already on PATH.
command -v kubectl >/dev/null || PATH=$("$here/tools.sh" kube):$PATH
k() { kubectl --kubeconfig "$kubeconfig" --namespace "$namespace" --request-timeout=15s "$@"; }

# The workload's pod selector as "k=v,k=v" (the charts and manifests here select with matchLabels only).
selector=$(k get "$kind/$name" -o go-template='{{range $k, $v := .spec.selector.matchLabels}}{{$k}}={{$v}},{{end}}')
selector=${selector%,}
[ -n "$selector" ] || die "$kind/$name has no matchLabels selector"

if [ "$fault" = clear ]; then
  # A JSON merge patch with null deletes the key, and is a no-op when it is already absent.
  k patch "$kind/$name" --type merge -p "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"$LABEL\":null}}}}}" >/dev/null
  k label pods -l "$selector" "$LABEL-" >/dev/null
  echo "[fault] $cluster $namespace $kind/$name: fault cleared"
else
  k patch "$kind/$name" --type merge -p "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"$LABEL\":\"$fault\"}}}}}" >/dev/null
  k label pods -l "$selector" "$LABEL=$fault" --overwrite >/dev/null
  echo "[fault] $cluster $namespace $kind/$name: $fault injected"
fi
