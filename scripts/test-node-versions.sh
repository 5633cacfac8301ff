#!/usr/bin/env bash
# The Node versions README promises, each in a fresh copy of this checkout (tracked and untracked
# files, no node_modules) with the machine's npm running on that Node:
#   1. `npm ci` must print no warning (an engine range that excludes this Node, an install script
#      that package.json's allowScripts does not cover);
#   2. smoke checks of what depends on the Node version: fig4 simulated on WebGPU (Dawn's native
#      binary, on a software adapter) gives the CPU engine's f32 spikes exactly, and puppeteer
#      starts Debian's chromium (both need scripts/install-system-deps.sh's packages);
#   3. the unit and cli test tiers (the cli tier also loads DuckDB's native binary and starts a
#      real redis-server).
# --install-only stops after step 1.
# Usage: scripts/test-node-versions.sh [--install-only] MAJOR... (default: 22 24). The machine's own
# Node serves its major version; any other comes from the npm registry's `node` package.
# `.ci/run` runs the whole suite on the machine's Node 20 and this for 20 (--install-only), 22, 24.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

install_only=false
if [ "${1:-}" = "--install-only" ]; then
  install_only=true
  shift
fi
versions=("$@")
[ "${#versions[@]}" -gt 0 ] || versions=(22 24)

scratch=$(mktemp -d "${TMPDIR:-/tmp}/latentspike-node-versions.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

say() { echo "test-node-versions: $*" >&2; }

# The folder holding the `node` binary of major version $1.
node_bin_dir() {
  if [ "$(node -p 'process.versions.node.split(".")[0]')" = "$1" ]; then
    dirname "$(command -v node)"
  else
    # The package's preinstall copies its platform's binary in; it is the only script allowed.
    (cd "$scratch" && npm exec --yes --allow-scripts=node --package="node@$1" -- \
      node -p 'require("node:path").dirname(process.execPath)')
  fi
}

# Spike trains of two result files (latentspike/result@1) equal, population by population.
same_spikes() {
  node -e '
    const [a, b] = process.argv.slice(1).map((f) => JSON.parse(require("node:fs").readFileSync(f, "utf8")));
    const same = JSON.stringify([a.spikeCounts, a.spikes]) === JSON.stringify([b.spikeCounts, b.spikes]);
    const total = Object.values(a.spikeCounts).flat().reduce((s, n) => s + n, 0);
    console.log(`${process.argv[1]} vs ${process.argv[2]}: ${total} spikes, ${same ? "identical" : "DIFFERENT"}`);
    process.exit(same && total > 0 ? 0 : 1);
  ' "$1" "$2"
}

check_version() {
  local major=$1 bin work
  bin=$(node_bin_dir "$major")
  work="$scratch/node$major"
  mkdir -p "$work"
  git ls-files -z --cached --others --exclude-standard |
    tar --null --ignore-failed-read -cf - -T - 2>/dev/null | tar -xf - -C "$work"
  cd "$work"
  export PATH="$bin:$PATH"
  say "Node $(node --version) ($bin), npm $(npm --version), in $work"

  npm ci --no-audit --no-fund 2>&1 | tee npm-ci.log
  if grep -Eiq '^npm (warn|error)' npm-ci.log; then
    say "FAIL: npm ci on Node $(node --version) warned (above)"
    exit 1
  fi
  local passed='npm ci without warnings'
  if [ "$install_only" = false ]; then
    smoke
    npm run test:unit
    npm run test:cli
    passed+=', smoke checks, unit and cli tiers'
  fi
  say "Node $(node --version): passed ($passed)"
  cd "$ROOT"
  rm -rf "$work"
}

# Run in the copy, with the Node under test on PATH.
smoke() {
  node bin/latentspike.js preset fig4 --emit fig4.json
  node bin/latentspike.js simulate fig4.json --backend webgpu --out fig4-webgpu.json
  node bin/latentspike.js simulate fig4.json --backend cpu --precision f32 --out fig4-cpu.json
  same_spikes fig4-webgpu.json fig4-cpu.json
  node --input-type=module -e '
    import puppeteer from "puppeteer";
    const browser = await puppeteer.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
    console.log(`puppeteer started ${await browser.version()}`);
    await browser.close();
  '
}

for major in "${versions[@]}"; do
  # A subshell each, so one version's PATH does not reach the next.
  (check_version "$major")
done
