#!/usr/bin/env python3
"""Count test cases in a meson testlog.json: a TAP test contributes one
result per case it reported ("ok"/"not ok"/"# SKIP" lines in its stdout);
any other test counts as one case.  A TAP test that failed without reporting
a failing case (a crash, a sanitizer abort) counts one extra failure.
Prints "passed failed skipped"."""
import json, re, sys

passed = failed = skipped = 0
try:
    lines = open(sys.argv[1]).read().splitlines()
except OSError:
    print("0 1 0")
    sys.exit(0)
for line in lines:
    if not line.strip():
        continue
    t = json.loads(line)
    result = t.get("result", "")
    out = t.get("stdout", "") or ""
    cases = [l for l in out.splitlines() if re.match(r"^(not )?ok\b", l)]
    if t.get("protocol") == "tap" or cases:
        p = f = s = 0
        for l in cases:
            if re.search(r"#\s*skip", l, re.I):
                s += 1
            elif l.startswith("not ok"):
                f += 1
            else:
                p += 1
        if result not in ("OK", "SKIP", "EXPECTEDFAIL") and f == 0:
            f += 1
        passed += p; failed += f; skipped += s
    else:
        if result == "OK":
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
print(passed, failed, skipped)
