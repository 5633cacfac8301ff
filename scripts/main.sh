#!/usr/bin/env bash
# The main job: fig5 (3 E + 3 I approximate a zigzag) end to end on the best backend available —
# metrics table on stdout; result.json, metrics.json and SVG plots in out/fig5/.
# Extra arguments go to `latentspike run` (e.g. --seeds 5, --backend cpu).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
if ! bash scripts/install-system-deps.sh; then
  echo "main: WebGPU software adapters unavailable (see above); the CPU engine will be used" >&2
fi
ensure_node_modules
exec node bin/latentspike.js run fig5 --backend auto --out out/fig5 "$@"
