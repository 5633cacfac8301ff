#!/usr/bin/env bash
# System packages the WebGPU software adapters need on a machine without a GPU
# (shared/spec/WEBGPU_WITHOUT_A_GPU.md):
#   libvulkan1                     the Vulkan loader Dawn dlopens (libvulkan.so.1) for SwiftShader
#   libegl1 libegl-mesa0 libgles2  Dawn's OpenGL backend on Mesa llvmpipe (Node, compatibility level)
#   chromium                       ships the SwiftShader Vulkan ICD, and is the headless browser for
#                                  the in-browser tests
#   redis-server                   the real broker the study-queue tests start on a free port
#   python3-brian                  Brian2, the peer the benchmark tier compares the engines with
# Idempotent: installs only what is missing, and refreshes the apt lists only when a package is
# unknown to them. Without root it installs nothing, says what is missing and exits 1.
set -euo pipefail

PACKAGES=(libvulkan1 libegl1 libegl-mesa0 libgles2 chromium redis-server python3-brian)

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-system-deps: all present (${PACKAGES[*]})"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-deps: missing packages: ${missing[*]}" >&2
  echo "install them as root with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

# Only refresh the lists when apt does not know a candidate for a missing package.
for pkg in "${missing[@]}"; do
  if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [^(]'; then
    apt-get update
    break
  fi
done

DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
echo "install-system-deps: installed ${missing[*]}"
