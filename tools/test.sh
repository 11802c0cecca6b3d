#!/bin/bash
# README command 2: install what is needed, build, and run every test
# headless (Xvfb for the window tests). Ends with "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
bash tools/build.sh build

status=0
xvfb-run -a -s "-screen 0 1920x1200x24" \
  meson test -C build --no-rebuild --print-errorlogs "$@" || status=$?
python3 tools/test-summary.py build/meson-logs/testlog.json || status=1
exit $status
