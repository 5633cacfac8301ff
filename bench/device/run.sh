#!/usr/bin/env bash
# The one prepared GPU run (docs/gpu-runs.md), from the archive that prepare.sh packed
# (bench/device/build/latentspike-device.tar.xz), on a machine with no Node.js and no registry:
# unpacks it, points the packed Node at the packed Vulkan loader, Dawn and shaders, finds an NVIDIA
# Vulkan driver when one is installed, and runs, each part stopped (SIGINT) at its share of the
# budget:
#   1 tune     `latentspike tune` on the card (its cache in $OUT/tuning.json; every later part uses it)
#   2 bench    `latentspike bench --backend webgpu` at N = 10⁶, 10⁷, 10⁸ (sizes past the card's
#              memory or the row budget are skipped, and said so)
#   3 small    the small-network kernel: fig5 with many trials (µs per step amortised over the
#              batch) and figS2's 2 × 11 noise levels × 1000 trials (seconds)
#   4 grid     `latentspike bench --grid` with the time that is left
# into $OUT (the device tool's result folder; ./out/device-run when OUT is unset). summary.md is
# written before the first part and rewritten after each, so a run cut off anywhere still answers.
# What comes back (7 files, within the tool's 8): summary.md, run.log, tuning.json, grid.json,
# grid.csv, grid.md, plots.tar.gz.
#
#   bash bench/device/run.sh                      # the whole run
#   bash bench/device/run.sh --grid [FLAGS]       # only the grid (FLAGS replace its defaults)
#   bash bench/device/run.sh --bench [FLAGS]      # only `bench --backend webgpu FLAGS` ($OUT/bench.txt)
#
# Environment (defaults for the card; the rehearsal, bench/device/rehearse.sh, makes them small):
#   LATENTSPIKE_DEVICE_SECONDS   budget of the whole run, unpacking included (default 500)
#   LATENTSPIKE_TUNE_FLAGS       `tune`'s flags (default --sizes 1e6,1e7 --steps 21 --repetitions 2)
#   LATENTSPIKE_BENCH_SIZES      sizes of the bench (default 1e6,1e7,1e8)
#   LATENTSPIKE_BENCH_FLAGS      more `bench` flags (default: --dense-sizes 4096,16384 --steps 101 --repetitions 3)
#   LATENTSPIKE_FIG5_TRIALS      fig5's trials (default 1000)
#   LATENTSPIKE_FIGS2_TRIALS     figS2's trials per noise level (default 1000: the paper's)
#   LATENTSPIKE_GRID_FLAGS       the grid's flags (default below)
#   LATENTSPIKE_WEBGPU_PATH      forces an adapter path (vulkan when an NVIDIA driver manifest is found)
#   LATENTSPIKE_ARCHIVE          another archive; LATENTSPIKE_RESUME, a grid.json to continue from
set -uo pipefail
START=$(date +%s)
HERE="$(cd "$(dirname "$0")" && pwd)"
ARCHIVE="${LATENTSPIKE_ARCHIVE:-$HERE/build/latentspike-device.tar.xz}"
OUT="${OUT:-$PWD/out/device-run}"
BUDGET="${LATENTSPIKE_DEVICE_SECONDS:-500}"
MODE=all
case "${1:-}" in
  --grid) MODE=grid; shift ;;
  --bench) MODE=bench; shift ;;
  "") ;;
  *) echo "run.sh: unknown option $1 (give --grid or --bench, or nothing for the whole run)" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
LOG="$OUT/run.log"
[ "$MODE" = bench ] && LOG="$OUT/bench.log"
: >"$LOG"
say() { echo "$*" | tee -a "$LOG" >&2; }

[ -f "$ARCHIVE" ] || { say "run.sh: no $ARCHIVE (run bash bench/device/prepare.sh here, then carry bench/device/build)"; exit 2; }
U="$(mktemp -d /tmp/latentspike-device.XXXXXX)"
trap 'rm -rf "$U"' EXIT
if command -v xz >/dev/null; then
  xz -dc "$ARCHIVE" | tar -C "$U" -xf - || { say "run.sh: unpacking failed"; exit 1; }
else # no xz: Python's lzma
  python3 -c 'import lzma, sys, tarfile; tarfile.open(fileobj=lzma.open(sys.argv[1])).extractall(sys.argv[2])' "$ARCHIVE" "$U" ||
    { say "run.sh: unpacking failed (no xz, and python3 lzma failed)"; exit 1; }
fi
say "unpacked to $U: $(head -1 "$U/VERSION")"
NODE="$U/bin/node"
"$NODE" --version >/dev/null 2>>"$LOG" || { say "run.sh: the packed node does not start here (it needs glibc ≥ 2.28, Dawn ≥ 2.34 and GLIBCXX_3.4.30; see $LOG)"; exit 1; }

export LD_LIBRARY_PATH="$U/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  [ -d "$d" ] && export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$d"
done
export LATENTSPIKE_SHADER_DIR="$U/shaders"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$U/xdg}"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
# The tuning cache of this run: `tune` writes it, every later part reads it, $OUT keeps a copy.
export XDG_CACHE_HOME="$U/cache"
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
CARD="$(command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)"
say "card: ${CARD:-no nvidia-smi}"
say "Vulkan driver manifest: ${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-none set}}; adapter path: ${LATENTSPIKE_WEBGPU_PATH:-automatic}"

DEADLINE=$((START + BUDGET))
left() { echo $((DEADLINE - $(date +%s))); }
W="$U/work"
mkdir -p "$W"

# part NAME SECONDS ARGS…: `latentspike ARGS…` stopped with SIGINT after SECONDS (at most what is
# left); both streams to $W/NAME.txt (progress lines included, so a part cut off still shows what
# it finished) and to the log; its exit status to $W/NAME.status.
part() {
  local name="$1" seconds="$2"
  shift 2
  # A part that ignores SIGINT is killed 20 s later (timeout -k): keep that grace within the budget.
  local most=$(($(left) - 25))
  [ "$seconds" -gt "$most" ] && seconds="$most"
  if [ "$seconds" -lt 5 ]; then
    say "== $name: skipped, no time left"
    echo "skipped: no time left" >"$W/$name.status"
    return
  fi
  say "== $name: latentspike $* (stopped after ${seconds} s)"
  local t0
  t0=$(date +%s.%N)
  timeout -s INT -k 20 "$seconds" "$NODE" "$U/app/latentspike.js" "$@" 2>&1 | tee "$W/$name.txt" | tee -a "$LOG" >&2
  local status=${PIPESTATUS[0]}
  local took
  took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  case $status in
    0) echo "finished in $took s" ;;
    124 | 130) echo "stopped at its budget of $seconds s (exit $status); what finished is below" ;;
    137) echo "killed: it did not stop within 20 s of its budget of $seconds s; what finished is below" ;;
    *) echo "failed (exit $status) after $took s; see run.log" ;;
  esac >"$W/$name.status"
  say "== $name: $(cat "$W/$name.status")"
}

# summary.md from what the parts left so far (each section says if its part has not run).
section() { # section NAME TITLE: the part's status and stdout
  echo "## $2"
  echo
  if [ -f "$W/$1.status" ]; then
    echo "$(cat "$W/$1.status")."
    if [ -s "$W/$1.txt" ]; then
      echo
      echo '```'
      cat "$W/$1.txt"
      echo '```'
    fi
  else
    echo "not run yet (the run was cut off before this part)."
  fi
  echo
}
summary() {
  {
    echo "# latentspike GPU run"
    echo
    echo "- packed: $(head -1 "$U/VERSION")"
    echo "- card (nvidia-smi: name, driver, memory): ${CARD:-no nvidia-smi here}"
    local adapter
    adapter="$(cat "$W"/bench.txt "$W"/tune.txt 2>/dev/null | grep -m1 '^adapter:' | sed 's/^adapter: //')"
    echo "- adapter: ${adapter:-not known yet}"
    echo "- budget: $BUDGET s (LATENTSPIKE_DEVICE_SECONDS); $(( $(date +%s) - START )) s used when this was written"
    echo
    echo "Tuned choices (tune), neuron-updates/s at each N and the low-rank step against the probe"
    echo "(bench: low-rank and probe rows, ratios), the small-network kernel (fig5, figS2), then the grid."
    echo
    section tune "Tuning (latentspike tune; the cache is tuning.json)"
    section bench "Bench: neuron-updates/s at each N, low-rank step / probe"
    echo "### Per-kernel times"
    echo
    if grep -qi 'per-kernel' "$W/bench.txt" 2>/dev/null; then
      grep -i -A40 'per-kernel' "$W/bench.txt" | sed 's/^/    /'
    else
      echo "per-kernel times: not available (this bench has no timestamp-query timing; issue 14 item 4)."
    fi
    echo
    echo "## Small-network kernel"
    echo
    if [ -f "$W/fig5.status" ]; then
      echo "- fig5, $FIG5_TRIALS trials batched: $(cat "$W/fig5.status"); $(cat "$W/fig5.rate" 2>/dev/null || echo 'no timing')"
    else
      echo "- fig5: not run yet"
    fi
    if [ -f "$W/figS2.status" ]; then
      echo "- figS2, 2 × 11 × $FIGS2_TRIALS trials: $(cat "$W/figS2.status"); $(cat "$W/figS2.rate" 2>/dev/null || echo 'no timing')"
    else
      echo "- figS2: not run yet"
    fi
    echo
    echo "## Grid"
    echo
    if [ -f "$W/grid.status" ]; then
      echo "$(cat "$W/grid.status")."
      [ -f "$W/grid/grid.md" ] && { echo; cat "$W/grid/grid.md"; }
    else
      echo "not run yet."
    fi
  } >"$OUT/summary.md.tmp" && mv "$OUT/summary.md.tmp" "$OUT/summary.md"
}

# The simulate time of a result or metrics file, per step and trial: "N µs per step·trial (S s)".
timing() { # timing FILE STEPS×TRIALS-EXPRESSION-IN-NODE
  "$NODE" -e '
    const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const seconds = f.timing?.simulateSeconds ?? f.simulateSeconds;
    const per = Number(process.argv[2]);
    if (typeof seconds !== "number") { console.log("no timing in " + process.argv[1]); process.exit(0); }
    console.log(`${seconds.toFixed(2)} s simulated` + (per > 0 ? `, ${(seconds / per * 1e6).toPrecision(4)} µs per step amortised over the trials` : ""));
  ' "$@"
}

collect_grid() {
  for f in grid.json grid.csv grid.md; do [ -f "$W/grid/$f" ] && cp "$W/grid/$f" "$OUT/"; done
  ls "$W"/grid/*.svg >/dev/null 2>&1 && tar -C "$W/grid" -czf "$OUT/plots.tar.gz" $(cd "$W/grid" && ls *.svg)
}

GRID_DEFAULT=(--backends webgpu --max-n 1e7 --serial-max-n 1e5 --dense-max-n 16384 --repetitions 5 --steps 101
  --max-point-seconds 40)
run_grid() { # run_grid SECONDS FLAGS…
  local seconds="$1"
  shift
  mkdir -p "$W/grid"
  [ -n "${LATENTSPIKE_RESUME:-}" ] && [ -f "$LATENTSPIKE_RESUME" ] && cp "$LATENTSPIKE_RESUME" "$W/grid/grid.json"
  part grid "$seconds" bench --grid --out "$W/grid" "$@"
  collect_grid
}

STATUS=0
case $MODE in
  bench)
    part bench "$(left)" bench --backend webgpu "$@"
    cp "$W/bench.txt" "$OUT/bench.txt"
    ;;
  grid)
    [ "$#" -eq 0 ] && set -- "${GRID_DEFAULT[@]}"
    run_grid "$(left)" "$@"
    ;;
  all)
    FIG5_TRIALS="${LATENTSPIKE_FIG5_TRIALS:-1000}"
    FIGS2_TRIALS="${LATENTSPIKE_FIGS2_TRIALS:-1000}"
    summary
    # Shares of the budget: tune 20 %, bench 30 %, the small-network kernel 15 %, the grid the rest.
    # shellcheck disable=SC2086 # the flags are words
    part tune $((BUDGET / 5)) tune ${LATENTSPIKE_TUNE_FLAGS:---sizes 1e6,1e7 --steps 21 --repetitions 2}
    [ -f "$XDG_CACHE_HOME/latentspike/tuning.json" ] && cp "$XDG_CACHE_HOME/latentspike/tuning.json" "$OUT/"
    summary
    # shellcheck disable=SC2086 # the flags are words
    part bench $((BUDGET * 3 / 10)) bench --backend webgpu --sizes "${LATENTSPIKE_BENCH_SIZES:-1e6,1e7,1e8}" \
      ${LATENTSPIKE_BENCH_FLAGS:---dense-sizes 4096,16384 --steps 101 --repetitions 3 --max-row-seconds 60}
    summary
    SMALL=$((BUDGET * 3 / 20))
    "$NODE" "$U/app/latentspike.js" preset fig5 --emit "$W/fig5.json" 2>>"$LOG"
    "$NODE" -e '
      const fs = require("fs"); const f = process.argv[1];
      const run = JSON.parse(fs.readFileSync(f, "utf8")); run.trials = Number(process.argv[2]);
      fs.writeFileSync(f, JSON.stringify(run)); console.log(run.steps - 1);
    ' "$W/fig5.json" "$FIG5_TRIALS" >"$W/fig5.steps"
    part fig5 $((SMALL / 3)) simulate "$W/fig5.json" --backend webgpu --force --out "$W/fig5.result.json"
    [ -f "$W/fig5.result.json" ] && timing "$W/fig5.result.json" $(($(cat "$W/fig5.steps") * FIG5_TRIALS)) >"$W/fig5.rate"
    summary
    part figS2 $((SMALL * 2 / 3)) run figS2 --backend webgpu --trials "$FIGS2_TRIALS" --out "$W/figS2"
    [ -f "$W/figS2/metrics.json" ] && timing "$W/figS2/metrics.json" 0 >"$W/figS2.rate"
    summary
    # shellcheck disable=SC2206 # the flags are words
    GRID_FLAGS=(${LATENTSPIKE_GRID_FLAGS:-${GRID_DEFAULT[*]}})
    run_grid $(($(left) - 10)) "${GRID_FLAGS[@]}"
    summary
    ;;
esac
for s in "$W"/*.status; do grep -q '^failed' "$s" && STATUS=1; done
say "exit $STATUS; results in $OUT: $(cd "$OUT" && ls | tr '\n' ' ')"
exit "$STATUS"
