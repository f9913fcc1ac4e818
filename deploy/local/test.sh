#!/usr/bin/env bash
# The project's test command (`npm test`): finds or builds the pinned tools, installs dependencies, builds, and
# runs the tiers: unit, workflow (time-skipping server), end-to-end (real local Temporal + clusters) and faults.
# Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bin=$(deploy/local/tools.sh)
export PATH="$bin:$PATH" KSIT_BIN_DIR="$bin"
echo "[test] node $(node --version), tools in $bin" >&2
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm ci` trips on npm 11 lock files that leave out other platforms' optional packages (@swc/core-*);
  # `npm install` with the committed lock file installs the same pinned versions.
  npm install --no-audit --no-fund
fi
npm run --silent build
npx --no-install eslint .
jest() { node --experimental-vm-modules node_modules/jest/bin/jest.js "$@"; }
if [ $# -gt 0 ]; then
  jest --maxWorkers=2 "$@"
  exit
fi
# Each tier in its own jest run, so that nothing a tier leaves behind in a jest worker can touch another tier.
jest --maxWorkers=2 --selectProjects unit
jest --maxWorkers=2 --selectProjects workflow
# End-to-end tests share the local clusters and stop their API servers on purpose: one at a time.
jest --runInBand --selectProjects e2e
# Fault injection on the same environment (RELIABILITY.md): ten worker kills mid-install, a Temporal restart, a
# two-minute API server outage, planted secrets vs the worker log. The 30-minute soak (`npm run soak`) is not here.
jest --runInBand --selectProjects faults
