#!/bin/sh
# Installs the Debian packages the corpus reads source files from (debian-packages.txt). Run as root.
# Packages the archive does not have are reported and skipped, so one renamed package does not stop
# the rest.
set -eu
here=$(dirname "$0")
apt-get update -qq
known=$(mktemp)
apt-cache pkgnames | sort -u > "$known"
wanted=$(grep -v '^\s*#' "$here/debian-packages.txt" | tr -s ' \n' '\n' | grep -v '^$' | sort -u)
echo "$wanted" | comm -23 - "$known" | sed 's/^/not in the archive: /' >&2
have=$(echo "$wanted" | comm -12 - "$known")
rm -f "$known"
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $have
