#!/usr/bin/env bash
# The whole test suite: system packages for the software WebGPU adapters, npm ci, then
# typecheck (tsc --noEmit, strict), lint (eslint), format check (prettier) and every test (vitest).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
bash scripts/install-system-deps.sh
ensure_node_modules
exec npm test
