# Sourced by main.sh and test.sh: makes a fresh Debian machine with Node 20 ready.
#   - system packages for the WebGPU software adapters (scripts/install-system-deps.sh; needs root,
#     otherwise it prints the exact apt-get line and the caller decides what to do)
#   - node_modules from package-lock.json (npm ci) when missing or older than the lock file
cd "$(dirname "${BASH_SOURCE[0]}")/.."

require_node() {
  if ! command -v node >/dev/null 2>&1; then
    echo "latentspike needs Node.js >= 20.6 (not found on PATH)" >&2
    exit 1
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    echo "latentspike needs Node.js >= 20.6 (found $(node --version))" >&2
    exit 1
  fi
}

ensure_node_modules() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "setup: installing npm dependencies (npm ci)" >&2
    npm ci --no-audit --no-fund
  fi
}

require_node
