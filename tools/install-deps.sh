#!/bin/bash
# Installs every Debian package Layerlab needs (tools/packages.txt) and the
# zh_CN.UTF-8 locale. Quick when nothing is missing: it asks dpkg first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mapfile -t wanted < <(grep -vE '^\s*(#|$)' "$here/packages.txt")

missing=()
for p in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]}; run this as root (or with sudo)" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Chinese translation needs its locale; Debian only generates what it is asked for.
if ! locale -a 2>/dev/null | grep -qix 'zh_CN.utf8'; then
  if [ "$(id -u)" -eq 0 ]; then
    localedef -i zh_CN -f UTF-8 zh_CN.UTF-8
  else
    echo "install-deps: the zh_CN.UTF-8 locale is missing; run this as root to add it" >&2
  fi
fi
