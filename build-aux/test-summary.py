#!/usr/bin/env python3
"""Counts meson's test results (testlog.json) into one closing line: 'N passed, N failed'."""
import json
import sys

paths = [a for a in sys.argv[1:] if not a.startswith("--")]
total = "--total" in sys.argv
passed = failed = skipped = 0
for path in paths:
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                result = json.loads(line).get("result")
                if result in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif result == "SKIP":
                    skipped += 1
                else:
                    failed += 1
    except FileNotFoundError:
        failed += 1
line = f"{passed} passed, {failed} failed, {skipped} skipped"
print(f"tests: {line}" if total else line)
sys.exit(1 if failed or passed == 0 else 0)
