#!/bin/bash
# README command 1: install what is needed, build, and start Layerlab on its
# built-in demo. Extra arguments go to layerlab.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
bash tools/build.sh build
exec meson devenv -C build layerlab "$@"
