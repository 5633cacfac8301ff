#!/usr/bin/env bash
# Runs the benchmark grid from the archive that prepare.sh packed (bench/device/build/
# latentspike-device.tar.xz) on a machine with no Node.js and no registry: unpacks it, points the
# packed Node at the packed Vulkan loader, Dawn and shaders, finds an NVIDIA Vulkan driver when one
# is installed, and runs `latentspike bench --grid` into $OUT (the device tool's result folder;
# ./out/device-grid when OUT is unset). What comes back: grid.json, grid.csv, grid.md, plots.tar.gz
# (the SVGs) and run.log — five files, within the tool's eight.
#
#   bash bench/device/run.sh                 # the default device grid (below)
#   bash bench/device/run.sh --sizes 100 --ranks 2 --repetitions 1   # any `bench --grid` flags instead
#   bash bench/device/run.sh --bench --sizes 1e6,1e7 --per-invocation 4
#       # `latentspike bench --backend webgpu` with these flags instead of the grid: its table in
#       # $OUT/bench.txt, its log in $OUT/bench.log (e.g. stepAll's vector path at 4 neurons per
#       # invocation against the GPU default of 1: run it with and without --per-invocation)
#
# Environment: LATENTSPIKE_DEVICE_SECONDS (default 420): the grid is stopped with SIGINT after this
# long, keeping every finished point (then exit 124); LATENTSPIKE_WEBGPU_PATH forces an adapter path
# (vulkan when an NVIDIA driver manifest is found, else automatic); LATENTSPIKE_ARCHIVE, another
# archive; LATENTSPIKE_RESUME, a grid.json from an earlier run to continue from.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ARCHIVE="${LATENTSPIKE_ARCHIVE:-$HERE/build/latentspike-device.tar.xz}"
OUT="${OUT:-$PWD/out/device-grid}"
SECONDS_BUDGET="${LATENTSPIKE_DEVICE_SECONDS:-420}"
mkdir -p "$OUT"
# --bench keeps its own log, so one device call can run the grid and then the bench into one $OUT.
LOG="$OUT/run.log"
[ "${1:-}" = "--bench" ] && LOG="$OUT/bench.log"
: >"$LOG"
say() { echo "$*" | tee -a "$LOG" >&2; }

[ -f "$ARCHIVE" ] || { say "run.sh: no $ARCHIVE (run bash bench/device/prepare.sh here, then carry bench/device/build)"; exit 2; }
U="$(mktemp -d /tmp/latentspike-device.XXXXXX)"
if command -v xz >/dev/null; then
  xz -dc "$ARCHIVE" | tar -C "$U" -xf - || { say "run.sh: unpacking failed"; exit 1; }
else # no xz: Python's lzma
  python3 -c 'import lzma, sys, tarfile; tarfile.open(fileobj=lzma.open(sys.argv[1])).extractall(sys.argv[2])' "$ARCHIVE" "$U" ||
    { say "run.sh: unpacking failed (no xz, and python3 lzma failed)"; exit 1; }
fi
say "unpacked to $U: $(head -1 "$U/VERSION")"
"$U/bin/node" --version >/dev/null 2>>"$LOG" || { say "run.sh: the packed node does not start here (it needs glibc ≥ 2.28, Dawn ≥ 2.34 and GLIBCXX_3.4.30; see $LOG)"; exit 1; }

export LD_LIBRARY_PATH="$U/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  [ -d "$d" ] && export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$d"
done
export LATENTSPIKE_SHADER_DIR="$U/shaders"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$U/xdg}"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
    /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then
      export VK_DRIVER_FILES="$icd"
      export LATENTSPIKE_WEBGPU_PATH="${LATENTSPIKE_WEBGPU_PATH:-vulkan}"
      break
    fi
  done
fi
command -v nvidia-smi >/dev/null && nvidia-smi -L 2>&1 | tee -a "$LOG" >&2
say "Vulkan driver manifest: ${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-none set}}; adapter path: ${LATENTSPIKE_WEBGPU_PATH:-automatic}"

if [ "${1:-}" = "--bench" ]; then
  shift
  set -- bench --backend webgpu "$@"
  TABLE="$OUT/bench.txt"
else
  # Default device grid: WebGPU only (the CPU engine is measured on the development machine), every
  # rank and rule, N = 10² … 10⁷ (one-per-step and sequential to 10⁵), baselines to 16 384.
  if [ "$#" -eq 0 ]; then
    set -- --backends webgpu --max-n 1e7 --serial-max-n 1e5 --dense-max-n 16384 --repetitions 5 --steps 101 \
      --max-point-seconds 40
  fi
  WORK="$U/grid"
  mkdir -p "$WORK"
  [ -n "${LATENTSPIKE_RESUME:-}" ] && [ -f "$LATENTSPIKE_RESUME" ] && cp "$LATENTSPIKE_RESUME" "$WORK/grid.json"
  set -- bench --grid --out "$WORK" "$@"
  TABLE=/dev/null # the grid writes its own files
fi
say "latentspike $* (stopped after ${SECONDS_BUDGET} s)"
timeout -s INT -k 60 "$SECONDS_BUDGET" "$U/bin/node" "$U/app/latentspike.js" "$@" \
  > >(tee "$TABLE" | tee -a "$LOG") 2> >(tee -a "$LOG" >&2)
STATUS=$?
wait
if [ -n "${WORK:-}" ]; then
  for f in grid.json grid.csv grid.md; do [ -f "$WORK/$f" ] && cp "$WORK/$f" "$OUT/"; done
  ls "$WORK"/*.svg >/dev/null 2>&1 && tar -C "$WORK" -czf "$OUT/plots.tar.gz" $(cd "$WORK" && ls *.svg)
  [ "$STATUS" -eq 124 ] && say "stopped after ${SECONDS_BUDGET} s (LATENTSPIKE_DEVICE_SECONDS): finished points are kept"
fi
say "exit $STATUS; results in $OUT: $(cd "$OUT" && ls | tr '\n' ' ')"
rm -rf "$U"
exit "$STATUS"
