#!/usr/bin/env bash
# with-node.sh [NODE-OPTIONS] SCRIPT [ARGS...]: runs `node ... SCRIPT ARGS...` on a Node that ksit supports,
# whatever `node` is first on PATH. That one is used when it is new enough (NODE_MINIMUM in versions.env);
# otherwise the pinned NODE_VERSION, found in the cache or fetched by tools.sh. Every npm script that runs Node
# goes through here, and so does `npx ksit` (bin/ksit). From a fresh clone it also installs the dependencies and
# builds dist/ when they are missing, saying so on stderr. The process becomes node (exec): signals reach it.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

say() { echo "[ksit] $*" >&2; }

# new_enough: the node on PATH is at least NODE_MINIMUM (any Node, however old, can answer this).
new_enough() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [h, w] = process.argv.slice(1).map((v) => v.split(".").map(Number));
      const i = w.findIndex((n, k) => (h[k] || 0) !== n);
      process.exit(i < 0 || (h[i] || 0) > w[i] ? 0 : 1)' "$(node -p process.versions.node)" "$NODE_MINIMUM" 2>/dev/null
}

if ! new_enough; then
  bin=$("$here/tools.sh" node) || {
    say "cannot get Node.js $NODE_VERSION (needed: $NODE_MINIMUM or newer; deploy/local/tools.sh node failed, see above)"
    exit 1
  }
  export PATH="$bin:$PATH"
fi

if [ ! -d "$repo/node_modules" ]; then
  say "installing dependencies (npm install), first run only"
  (cd "$repo" && npm install --no-audit --no-fund) >&2
fi
# The script is the first argument that is not a Node option; build dist/ when it is missing there. npm runs
# scripts from the repository, so relative paths are relative to it.
for arg in "$@"; do
  case $arg in
  -*) continue ;;
  dist/* | "$repo"/dist/*)
    if [ ! -f "$arg" ]; then
      say "${arg#"$repo"/} is not built yet: npm run build"
      (cd "$repo" && npm run --silent build) >&2
    fi
    ;;
  esac
  break
done
exec node "$@"
