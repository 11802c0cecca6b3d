#!/bin/bash
# README command 1: install what is needed, build, and start Layerlab on its
# built-in demo (the seed CNN on Fashion-MNIST). Arguments, when given, go
# to layerlab instead of the demo's.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
bash tools/build.sh build
if [ $# -eq 0 ]; then
  set -- --template seed-cnn --data fashion-mnist
fi
exec meson devenv -C build layerlab "$@"
