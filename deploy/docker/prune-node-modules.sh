#!/bin/sh
# Shrinks a production node_modules for the worker image (run in the image's build stage, and by a unit test):
# keeps only this machine's prebuilt Temporal core (the package ships five platforms', ~28 MB each), drops the
# Rust sources it ships, and files Node never loads at run time (type declarations, source maps, TypeScript).
# Usage: prune-node-modules.sh NODE_MODULES_DIR
set -eu
dir=${1:?usage: prune-node-modules.sh NODE_MODULES_DIR}
case "$(uname -m)" in
x86_64 | amd64) keep=x86_64-unknown-linux-gnu ;;
aarch64 | arm64) keep=aarch64-unknown-linux-gnu ;;
*) echo "prune-node-modules: no prebuilt Temporal core for $(uname -m)" >&2 && exit 1 ;;
esac
bridge=$dir/@temporalio/core-bridge
[ -f "$bridge/releases/$keep/index.node" ] || { echo "prune-node-modules: $bridge/releases/$keep/index.node missing" >&2 && exit 1; }
find "$bridge/releases" -mindepth 1 -maxdepth 1 ! -name "$keep" -exec rm -rf {} +
rm -rf "$bridge/sdk-core" "$bridge/src" "$bridge/bridge-macros" "$bridge/Cargo.toml" "$bridge/Cargo.lock"
find "$dir" -type f \( -name '*.map' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.tsbuildinfo' \) -delete
