#!/usr/bin/env bash
# Installs what the code-server e2e suite needs, outside the project's node_modules:
#   - Debian chromium (headless browser) and the headers code-server's native modules build against
#   - Node 24 (code-server's engine) from the npm registry's `node` package
#   - code-server itself, built under Node 24, into a cache folder
# Idempotent: each step is skipped when its result is already there. Prints the cache folder last.
set -euo pipefail

CODE_SERVER_VERSION="${DIFFCODER_CODE_SERVER_VERSION:-4.139.1}"
NODE_MAJOR=24
CACHE="${DIFFCODER_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/diffcoder-e2e}"
mkdir -p "$CACHE"
log() { echo "[e2e-setup] $*" >&2; }

# 1. Debian packages (as root; sudo when not root).
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
dpkg -s pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
dpkg -s build-essential >/dev/null 2>&1 || need_apt+=(build-essential)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  log "apt-get install ${need_apt[*]}"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >&2
fi

# 2. Node 24 (ships bin/node and include/node/*.h for node-gyp).
NODE_DIR="$CACHE/node$NODE_MAJOR"
find_node_home() { find "$NODE_DIR/node_modules" -maxdepth 4 -type d -name 'node-linux-*' 2>/dev/null | head -1; }
NODE_HOME="$(find_node_home || true)"
if [ -z "$NODE_HOME" ] || [ ! -x "$NODE_HOME/bin/node" ]; then
  log "installing node@$NODE_MAJOR into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && [ -f package.json ] || echo '{"private":true}' > package.json)
  npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error "node@$NODE_MAJOR" >&2
  NODE_HOME="$(find_node_home)"
fi
[ -n "$NODE_HOME" ] && [ -x "$NODE_HOME/bin/node" ] || { log "no Node $NODE_MAJOR binary under $NODE_DIR"; exit 1; }

# 3. code-server under Node 24.
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
CS_BIN="$CS_DIR/node_modules/code-server/out/node/entry.js"
if [ ! -f "$CS_BIN" ] || [ ! -f "$CS_DIR/.complete" ]; then
  log "installing code-server@$CODE_SERVER_VERSION into $CS_DIR (a couple of minutes)"
  mkdir -p "$CS_DIR"
  (cd "$CS_DIR" && [ -f package.json ] || echo '{"private":true}' > package.json)
  # npm must run under Node 24 (code-server's postinstall reads npm's user agent).
  PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME" \
    "$NODE_HOME/bin/node" "$(npm root -g)/npm/bin/npm-cli.js" install --prefix "$CS_DIR" --no-audit --no-fund --loglevel=error \
    "code-server@$CODE_SERVER_VERSION" >&2
  touch "$CS_DIR/.complete"
fi

# A launcher that runs code-server on Node 24.
cat > "$CACHE/code-server" <<LAUNCH
#!/bin/sh
exec "$NODE_HOME/bin/node" "$CS_BIN" "\$@"
LAUNCH
chmod +x "$CACHE/code-server"
log "ready: $CACHE/code-server (node $("$NODE_HOME/bin/node" -v)), chromium $(/usr/bin/chromium --version 2>/dev/null | head -1)"
echo "$CACHE"
