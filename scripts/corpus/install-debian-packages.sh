#!/bin/sh
# Installs the Debian packages the corpus reads source files from (debian-packages.txt). Run as root.
# Packages the archive does not have are reported and skipped, so one renamed package does not stop
# the rest.
set -eu
here=$(dirname "$0")
list=$(grep -v '^\s*#' "$here/debian-packages.txt" | tr -s ' \n' '\n' | grep -v '^$')
apt-get update -qq
have=""
for p in $list; do
  if apt-cache show --no-all-versions "$p" >/dev/null 2>&1; then have="$have $p"; else echo "not in the archive: $p" >&2; fi
done
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $have
