#!/usr/bin/env bash
# Everything a fresh Debian machine needs to run DiffCoder's CLI and its tests, offline but for the
# npm registry and Debian's packages. Idempotent: a second run only checks.
#   bash scripts/setup.sh            CLI + unit/engine tests (Debian Python stack for the reference model)
#   bash scripts/setup.sh --e2e      also code-server, Node 24 and Chromium for the real-VS-Code tests
set -euo pipefail
cd "$(dirname "$0")/.."

want_e2e=0
for a in "$@"; do [ "$a" = "--e2e" ] && want_e2e=1; done

apt_packages=(python3 python3-torch python3-numpy python3-onnx libopenblas0-openmp libjemalloc2)
[ "$want_e2e" = 1 ] && apt_packages+=(chromium libkrb5-dev pkg-config build-essential)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# onnxruntime-node's install script downloads GPU libraries from outside the npm registry; its CPU
# (and WebGPU/DirectML) binaries are already in the package, so skip it.
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent

if [ "$want_e2e" = 1 ]; then
  bash scripts/e2e/setup.sh
fi
echo "setup: ready"
