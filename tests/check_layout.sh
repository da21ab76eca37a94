#!/bin/sh
# check_layout: the dependency rule of lib/README.md holds.
#  1. every #include "folder/x.h" in lib/FOLDER goes to FOLDER itself or to
#     a folder its row of the table in lib/README.md names;
#  2. lib/ includes no program's header (indexer/, search/);
#  3. no two modules of lib/ call each other in a loop: the graph of
#     "object A uses a symbol object B defines" (nm) has no cycle.
# The table is read from lib/README.md, so the document and the check
# cannot drift apart.
set -u
: "${GW_BUILD:=build}"
python3 - "$GW_BUILD" <<'EOF'
import glob, os, re, subprocess, sys

build = sys.argv[1]
fails = []

def report(ok, name, why=""):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + why))

# The table: | `folder/` | job | may include |
allowed = {}
for line in open("lib/README.md", encoding="utf-8"):
    m = re.match(r"\|\s*`([a-z]+)/`\s*\|[^|]*\|\s*([^|]*)\|", line)
    if m:
        deps = m.group(2).strip()
        allowed[m.group(1)] = None if deps == "every folder" else set(deps.split()) - {"—"}
report(len(allowed) >= 8, "check_layout: lib/README.md's table names the folders",
       "found %d rows" % len(allowed))
folders = sorted(d for d in os.listdir("lib") if os.path.isdir(os.path.join("lib", d)))
missing = [d for d in folders if d not in allowed]
report(not missing, "check_layout: every folder of lib/ has a row", "no row for %s" % missing)

bad = []
for path in sorted(glob.glob("lib/*/*.[ch]")):
    folder = path.split("/")[1]
    ok = allowed.get(folder)
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
        if not m:
            continue
        inc = m.group(1)
        target = inc.split("/")[0] if "/" in inc else None
        if target is None:
            if inc != "gongwen.h" and not inc.startswith("gw_t2s"):
                bad.append("%s:%d: \"%s\" not included by its folder" % (path, n, inc))
            continue
        if target not in allowed:
            bad.append("%s:%d: includes \"%s\" from outside lib/" % (path, n, inc))
        elif ok is not None and target != folder and target not in ok:
            bad.append("%s:%d: %s/ includes %s/ (\"%s\")" % (path, n, folder, target, inc))
report(not bad, "check_layout: includes go one way (lib/README.md)", "; ".join(bad[:10]))

objs = sorted(glob.glob(os.path.join(build, "lib", "*", "*.o")))
report(len(objs) >= 30, "check_layout: lib objects built in %s" % build, "found %d" % len(objs))
defs, uses = {}, {}
for o in objs:
    mod = os.path.relpath(o, os.path.join(build, "lib"))[:-2]
    out = subprocess.run(["nm", o], capture_output=True, text=True, check=True).stdout
    d, u = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            u.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDRBC":
            d.add(parts[2])
    uses[mod] = u
    for s in d:
        defs[s] = mod
graph = {m: {defs[s] for s in u if s in defs and defs[s] != m} for m, u in uses.items()}

# Tarjan's strongly connected components: a component of more than one
# module is a call loop.
index, low, stack, on, loops, counter = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); on.add(v)
    for w in graph[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            loops.append(sorted(comp))
sys.setrecursionlimit(10000)
for v in sorted(graph):
    if v not in index:
        visit(v)
report(not loops, "check_layout: no call loops between lib modules",
       "; ".join(" <-> ".join(c) for c in loops))
EOF
