#!/bin/sh
# Installs the npm packages listed in npm-packages.txt into a scratch folder (never the repo's
# node_modules), without running their install scripts.
#   sh scripts/corpus/install-npm-packages.sh [DEST]   (default build/corpus-sources/npm)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-build/corpus-sources/npm}
mkdir -p "$dest"
python3 - "$here/npm-packages.txt" "$dest/package.json" <<'PY'
import json, sys
deps = {}
for line in open(sys.argv[1]):
    line = line.split('#')[0].strip()
    if not line:
        continue
    at = line.rfind('@')
    name, version = (line[:at], line[at + 1:]) if at > 0 else (line, 'latest')
    deps[name] = version
json.dump({'name': 'diffcoder-corpus-sources', 'private': True, 'dependencies': deps}, open(sys.argv[2], 'w'), indent=1)
PY
cd "$dest"
npm install --ignore-scripts --no-audit --no-fund --legacy-peer-deps --omit=optional --loglevel=error
