# Sourced by main.sh and test.sh: makes a fresh Debian machine with Node ready.
#   - system packages for the WebGPU software adapters (scripts/install-system-deps.sh; needs root,
#     otherwise it prints the exact apt-get line and the caller decides what to do)
#   - node_modules from package-lock.json (npm ci) when missing or older than the lock file
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The Node versions every locked dependency accepts, development tools included (vite, rolldown and
# eslint's parser need 20.19, 22.13 or 24); the library alone runs from 20.6 (package.json engines).
NODE_VERSIONS='20.19+, 22.13+ or 24+'

require_node() {
  if ! command -v node >/dev/null 2>&1; then
    echo "latentspike needs Node.js $NODE_VERSIONS (not found on PATH)" >&2
    exit 1
  fi
  local ok
  ok=$(node -p 'const [a, b] = process.versions.node.split(".").map(Number); (a === 20 && b >= 19) || (a === 22 && b >= 13) || a >= 24')
  if [ "$ok" != true ]; then
    echo "latentspike needs Node.js $NODE_VERSIONS (found $(node --version))" >&2
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
