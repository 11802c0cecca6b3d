#!/usr/bin/env python3
"""Counts test cases in meson's testlog.json: every TAP line of a g_test
executable is one case; a test without TAP output counts once, and so does a
test that failed without a failing case (a crash, a timeout). Prints the
failures, then the plain line 'N passed, M failed, K skipped'."""
import json
import re
import sys

passed = failed = skipped = 0
failures = []
with open(sys.argv[1], encoding="utf-8") as log:
    for line in log:
        test = json.loads(line)
        result = test.get("result")
        cases = case_failures = 0
        for out in (test.get("stdout") or "").splitlines():
            m = re.match(r"(not ok|ok)\b\s*\d*\s*(?:-\s*)?(.*)", out)
            if not m:
                continue
            cases += 1
            if "# SKIP" in out:
                skipped += 1
            elif m.group(1) == "ok":
                passed += 1
            else:
                case_failures += 1
                failures.append(f"{test['name']}: {m.group(2)}")
        failed += case_failures
        if cases == 0 and result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif cases == 0 and result == "SKIP":
            skipped += 1
        elif result not in ("OK", "EXPECTEDFAIL", "SKIP") and case_failures == 0:
            failed += 1
            failures.append(f"{test['name']}: {result}")
for f in failures:
    print(f"FAILED {f}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
