#!/usr/bin/env bash
# Rehearses the one prepared GPU run (bench/device/run.sh) here, on SwiftShader, as the lent machine
# would run it: from the packed archive, under `env -i` (no Node.js of this machine, no npm), with
# the same parts in the same order but small sizes and a short budget; then checks that summary.md
# came back with every section, and the tuning cache beside it. Packs the archive first when there
# is none (bash bench/device/prepare.sh, ~2 min). Usage: bash bench/device/rehearse.sh [OUT_DIR]
# (default: a fresh temporary folder); LATENTSPIKE_DEVICE_SECONDS (default 500, as on the card) is
# its budget.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f bench/device/build/latentspike-device.tar.xz ] || bash bench/device/prepare.sh
OUT="${1:-$(mktemp -d /tmp/latentspike-rehearsal.XXXXXX)}"
mkdir -p "$OUT"
set +e
env -i PATH=/usr/bin:/bin OUT="$OUT" LATENTSPIKE_WEBGPU_PATH=swiftshader \
  LATENTSPIKE_DEVICE_SECONDS="${LATENTSPIKE_DEVICE_SECONDS:-500}" \
  LATENTSPIKE_TUNE_FLAGS='--sizes 1000 --steps 11 --trials 2 --repetitions 1' \
  LATENTSPIKE_BENCH_SIZES=1000,10000 \
  LATENTSPIKE_BENCH_FLAGS='--dense-sizes 256 --steps 21 --repetitions 1 --max-row-seconds 20' \
  LATENTSPIKE_FIG5_TRIALS=8 LATENTSPIKE_FIGS2_TRIALS=2 \
  LATENTSPIKE_GRID_FLAGS='--backends webgpu --sizes 100,1000 --ranks 2 --rules all,one-per-step --synapses exponential,delta --repetitions 1 --steps 21' \
  bash bench/device/run.sh
STATUS=$?
set -e
echo "rehearse.sh: run.sh exited $STATUS; $OUT holds: $(ls "$OUT" | tr '\n' ' ')" >&2
missing=()
[ -s "$OUT/summary.md" ] || missing+=("summary.md")
[ -s "$OUT/tuning.json" ] || missing+=("tuning.json")
for heading in '^## Tuning' '^## Bench' '^per-kernel times|^### Per-kernel' '^## Small-network kernel' '^- fig5, ' \
  '^- figS2, ' '^## Grid' 'tuning: tuned for this adapter'; do
  grep -Eq "$heading" "$OUT/summary.md" 2>/dev/null || missing+=("summary.md: $heading")
done
if [ "${#missing[@]}" -gt 0 ]; then
  printf 'rehearse.sh: missing %s\n' "${missing[@]}" >&2
  exit 1
fi
echo "rehearse.sh: summary.md has every section ($OUT/summary.md)" >&2
exit "$STATUS"
