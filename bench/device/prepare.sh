#!/usr/bin/env bash
# Packs the benchmark for a machine with a GPU but no Node.js and no registry (the `device` tool's
# lent machines): one xz archive, bench/device/build/latentspike-device.tar.xz (~30 MiB, limit
# 60 MiB), holding
#   app/        the `latentspike` command bundled by esbuild (ESM, code-split so the browser
#               backend's puppeteer/vite imports stay in a chunk that is never loaded there; the
#               studies' DuckDB, a native module imported on first use, is left out), and
#               the CPU engine's worker threads, kernelWorker.js and trialWorker.js
#   bin/node    this machine's Node runtime (x86-64 Linux, glibc)
#   lib/        the Vulkan loader, libvulkan.so.1
#   node_modules/webgpu/  Dawn's dawn.node with the package's index.js
#   shaders/    the WGSL kernels (read through LATENTSPIKE_SHADER_DIR)
#   app/*.wasm  the CPU engine's WebAssembly noise fill, read beside the module (new URL(…,
#               import.meta.url))
# and bench/device/run.sh unpacks and runs it. Needs: npm ci (esbuild comes with tsx), xz, and the
# Vulkan loader here (apt-get install libvulkan1). Usage: bash bench/device/prepare.sh
# LATENTSPIKE_XZ_LEVEL (default 9) trades the archive's size for packing time (1: seconds instead of
# minutes on a busy machine, a larger archive; still checked against the limit).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=bench/device/build
PACK="$BUILD/pack"
ARCHIVE="$BUILD/latentspike-device.tar.xz"
LIMIT_MIB=60

rm -rf "$BUILD"
mkdir -p "$PACK/bin" "$PACK/lib" "$PACK/shaders" "$PACK/node_modules/webgpu/dist/linux-x64"

[ "$(uname -m)" = x86_64 ] || { echo "prepare.sh: the lent machines are x86-64; this is $(uname -m)" >&2; exit 1; }

echo "bundling src/cli (bench/device/entry.ts) and the CPU engine's worker with esbuild" >&2
# kernelWorker.js and trialWorker.js land beside the chunk that starts the CPU engine's worker
# threads, which looks for them there (src/engine/cpu/workerEntry.ts); from source they run the .ts
# through tsx instead.
npx --no-install esbuild latentspike=bench/device/entry.ts kernelWorker=src/engine/cpu/kernelWorker.ts \
  trialWorker=src/engine/cpu/trialWorker.ts \
  --bundle --platform=node --format=esm --target=node20 \
  --splitting --outdir="$PACK/app" --chunk-names=chunk-[hash] \
  --external:webgpu --external:puppeteer --external:vite --external:@duckdb/* --log-level=warning \
  --banner:js="import { createRequire as __latentspikeRequire } from 'node:module'; const require = __latentspikeRequire(import.meta.url);"

cp shaders/*.wgsl "$PACK/shaders/"
# Files the engines read beside their own module: carried as they are.
find src -name '*.wasm' -exec cp {} "$PACK/app/" \;
cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$PACK/node_modules/webgpu/"
cp node_modules/webgpu/dist/linux-x64/dawn.node "$PACK/node_modules/webgpu/dist/linux-x64/"
cp "$(command -v node)" "$PACK/bin/node"
VULKAN="$(ldconfig -p | awk '/libvulkan\.so\.1 .*x86-64/ {print $NF; exit}')"
[ -n "$VULKAN" ] || { echo "prepare.sh: no libvulkan.so.1 here (apt-get install libvulkan1)" >&2; exit 1; }
cp -L "$VULKAN" "$PACK/lib/libvulkan.so.1"
{
  echo "packed $(date -u +%FT%TZ) from $(git rev-parse --short HEAD)$(git diff --quiet -- src bench shaders || echo ' (with uncommitted changes)')"
  echo "node $(node --version); webgpu $(node -p "require('./node_modules/webgpu/package.json').version")"
  echo "libvulkan.so.1 from $VULKAN"
} >"$PACK/VERSION"

LEVEL="${LATENTSPIKE_XZ_LEVEL:-9}"
echo "compressing (xz -$LEVEL)" >&2
tar -C "$PACK" -cf - . | xz "-$LEVEL" -T0 >"$ARCHIVE"
rm -rf "$PACK"
BYTES=$(stat -c %s "$ARCHIVE")
MIB=$(( (BYTES + 1048575) / 1048576 ))
echo "wrote $ARCHIVE: $MIB MiB ($BYTES bytes)" >&2
if [ "$MIB" -gt "$LIMIT_MIB" ]; then
  echo "prepare.sh: $ARCHIVE is over $LIMIT_MIB MiB" >&2
  exit 1
fi
