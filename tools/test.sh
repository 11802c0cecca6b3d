#!/bin/bash
# README command 2: install what is needed, build, and run every test
# headless (Xvfb for the window tests); then the engine and CLI tests again
# in build-asan/ under AddressSanitizer + UndefinedBehaviorSanitizer with
# LeakSanitizer, and every fuzz target briefly over its corpus in
# build-fuzz/ (clang). Ends with "N passed, M failed, K skipped" over all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
bash tools/build.sh build

status=0
passed=0
failed=0
skipped=0

# Adds a test-summary.py line ("N passed, M failed, K skipped") to the totals
# and prints the failures above it.
tally() {
  local out last
  out=$(python3 tools/test-summary.py "$1") || status=1
  last=$(tail -n 1 <<<"$out")
  head -n -1 <<<"$out" | sed "s|^FAILED |FAILED ($2) |"
  read -r p _ f _ s _ <<<"$last"
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + s))
}

xvfb-run -a -s "-screen 0 1920x1200x24" \
  meson test -C build --no-rebuild --print-errorlogs "$@" || status=$?
tally build/meson-logs/testlog.json build

# The sanitizer run: only what the engine and CLI suites need is built.
# allocator_may_return_null: a model too large for memory must be a message
# (tests/engine/test-faults.c), as it is without the sanitizer.
if [ ! -f build-asan/build.ninja ]; then
  meson setup build-asan -Db_sanitize=address,undefined >/dev/null
fi
mapfile -t asan_targets < <(python3 - build-asan engine cli <<'EOF'
import json, os, subprocess, sys
build, suites = sys.argv[1], sys.argv[2:]
intro = lambda what: json.loads(subprocess.check_output(['meson', 'introspect', build, what]))
targets = {t['id']: t['filename'] for t in intro('--targets')}
for test in intro('--tests'):
    if any(f'layerlab:{s}' in test['suite'] for s in suites):
        for dep in test['depends']:
            for f in targets.get(dep, []):
                print(os.path.relpath(f, build))
EOF
)
ninja -C build-asan "${asan_targets[@]}" >/dev/null || ninja -C build-asan "${asan_targets[@]}"
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
LSAN_OPTIONS=suppressions=$PWD/tools/lsan.supp:print_suppressions=0 \
G_SLICE=always-malloc \
  meson test -C build-asan --no-rebuild --print-errorlogs --suite engine --suite cli \
  --timeout-multiplier 3 || status=$?
tally build-asan/meson-logs/testlog.json asan

# Fuzz targets: 20 s each from the committed corpus (new inputs go to a
# scratch folder, so the corpus only grows on purpose). One case per target.
if command -v clang >/dev/null; then
  if [ ! -f build-fuzz/build.ninja ]; then
    CC=clang meson setup build-fuzz -Dfuzzing=true >/dev/null
  fi
  fuzzers=()
  for dir in fuzz/corpus/*/; do
    fuzzers+=("fuzz/fuzz-$(basename "$dir")")
  done
  ninja -C build-fuzz "${fuzzers[@]}" >/dev/null || ninja -C build-fuzz "${fuzzers[@]}"
  scratch=$(mktemp -d)
  for target in "${fuzzers[@]}"; do
    name=$(basename "$target")
    mkdir -p "$scratch/$name"
    if (cd "$scratch" && "$OLDPWD/build-fuzz/$target" -max_total_time=20 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$scratch/$name-" \
      "$scratch/$name" "$OLDPWD/fuzz/corpus/${name#fuzz-}") >"$scratch/$name.log" 2>&1; then
      passed=$((passed + 1))
      echo "$name: $(grep -o 'Done [0-9]* runs' "$scratch/$name.log")"
    else
      failed=$((failed + 1))
      status=1
      tail -n 40 "$scratch/$name.log"
      echo "FAILED (fuzz) $name: the input is in $scratch/$name-*"
    fi
  done
  [ "$status" -ne 0 ] || rm -rf "$scratch"
else
  skipped=$((skipped + 1))
  echo "fuzz: skipped, clang is not installed (apt-get install clang libclang-rt-14-dev libomp-dev)"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || status=1
exit $status
