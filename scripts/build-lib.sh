#!/usr/bin/env bash
# Builds the package's dist/ (npm run build:lib; npm pack runs it through prepack): JavaScript and
# .d.ts files from src/ with tsc (tsconfig.build.json), and the files the engines read beside their
# modules at run time (the CPU engine's noise.wasm). The command line does not need it: the bin runs
# the TypeScript through tsx.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
npx --no-install tsc -p tsconfig.build.json
cp src/engine/cpu/noise.wasm dist/engine/cpu/
