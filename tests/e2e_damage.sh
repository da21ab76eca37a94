#!/bin/sh
# e2e_damage: a damaged index is reported, never a crash (issue 15). Builds a
# small index (a few hundred documents of zh-docs, Simplified and
# Traditional, cut short, enough text for a zstd dictionary, and corpus/'s
# notices with their table records), then for each of N seeds copies it,
# flips K random bits of data.mdb past LMDB's two meta pages, and runs
# searches (a word, a phrase, a prefix, NEAR, a field, --json with
# snippets, --sort, --facet), a --batch of 300 of them (long enough to
# check the whole index and trust it), --check, an incremental batch and
# --check again. Every run must exit 0 or 1 (the flip hit nothing it read; --check:
# 1 = not sound, with its first problem) or 2 with an "index damaged"
# message; a signal (exit status >= 128), a timeout or a sanitizer report
# is a failure. N is GW_DAMAGE_SEEDS, else 200 (40 under the sanitizers,
# which are slower: build-san). Prints the tally of exit statuses.
set -u -f
NAME=e2e_damage
cd "$(dirname "$0")/.." || exit 2
. tests/lib_e2e.sh
ZH=../shared/corpus/zh-docs.jsonl.xz
[ -r "$ZH" ] || ZH=/work/shared/corpus/zh-docs.jsonl.xz

case "$B" in
*san*) SEEDS=${GW_DAMAGE_SEEDS:-40} ;;
*) SEEDS=${GW_DAMAGE_SEEDS:-200} ;;
esac

if ! command -v python3 >/dev/null 2>&1 || ! command -v xz >/dev/null 2>&1 || [ ! -r "$ZH" ]; then
	printf 'SKIP %s: damaged indexes (python3, xz or %s absent)\n' "$NAME" "$ZH"
	exit 0
fi

# Every 5th document of at least 2500 bytes, its body cut to 3500 bytes:
# 400 of them, 1.2 MB, enough for a dictionary (GW_ZDICT_MIN).
begin "a small index of zh-docs and corpus/ (with a dictionary) is sound"
xz -dc "$ZH" | python3 -c '
import json, sys
n = 0
for i, line in enumerate(sys.stdin):
    if i % 5:
        continue
    o = json.loads(line)
    b = o["body"].encode()[:3500].decode("utf-8", "ignore")
    if len(b.encode()) < 2500:
        continue
    o["body"] = b
    print(json.dumps(o, ensure_ascii=False))
    n += 1
    if n == 400:
        break
' >"$T/docs.jsonl"
xz -dc "$ZH" | awk 'NR % 9 == 4' | head -n 60 >"$T/more.jsonl"
run "$IDX" -q -i "$T/idx" "$T/docs.jsonl" corpus/
check_exit 0
run "$IDX" -i "$T/idx" --check
check_exit 0
run mdb_dump -p -s meta "$T/idx"
check_contains out zdict
end_check

begin "$SEEDS damaged copies: search, --check and a batch exit 0, 1 or 2 (damage named), never crash"
python3 - "$IDX" "$SRCH" "$T" "$SEEDS" >"$T/tally" 2>&1 <<'EOF'
import os, random, shutil, sys
sys.path.insert(0, 'tests')
from damage_runs import Runs
idx, srch, tmp, seeds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
src, work, more = tmp + '/idx', tmp + '/w', tmp + '/more.jsonl'
queries = [['江苏'], ['"众创空间"'], ['serv*'], ['通知', 'NEAR/5', '科技'], ['title:伺服器'],
           ['--json', '--fields', 'title,body', 'apache', '伺服器'], ['--sort', 'date', '众创'],
           ['--facet', '省份', '空间'], ['--count', 'the']]
batch_in = ('\n'.join(' '.join(q) for q in queries if not q[0].startswith('-')) + '\n').encode() * 60
runs = Runs()
for seed in range(1, seeds + 1):
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(src, work)
    r = random.Random(seed)
    path = work + '/data.mdb'
    size = os.path.getsize(path)
    flips = []
    with open(path, 'r+b') as f:
        for _ in range(1 + seed % 8):
            off = r.randrange(2 * 4096, size)  # past the two meta pages
            f.seek(off)
            b = f.read(1)[0]
            f.seek(off)
            f.write(bytes([b ^ (1 << r.randrange(8))]))
            flips.append(off)
    label = 'seed %d (flips at %s)' % (seed, flips)
    for q in queries:
        runs.run(label, 'search', [srch, '-i', work, '-n', '20'] + q)
    # Enough searches in one process for --batch to check the whole index
    # and, if it holds together, read it unguarded (gw_search_trust).
    runs.run(label, 'qbatch', [srch, '-i', work, '--batch', '-n', '20'], stdin=batch_in)
    runs.run(label, 'check', [idx, '-i', work, '--check'])
    runs.run(label, 'batch', [idx, '-q', '-i', work, more])
    runs.run(label, 'check', [idx, '-i', work, '--check'])
sys.exit(runs.report('%d damaged copies' % seeds))
EOF
rc=$?
cmd="python3 (flip bytes, run the programs) x $SEEDS"
[ "$rc" -eq 0 ] || fails "no crash, no sanitizer report, 'index damaged' with every exit 2" "$(show "$T/tally")"
end_check
sed -n 1p "$T/tally" | sed "s/^/    $NAME: /"

# Node flags: LMDB believes a leaf node's flags. F_DUPDATA (0x04) in a table
# without duplicates sent liblmdb 0.9.24 through a null sub-cursor (6 of
# 1,000 single-bit copies above crashed a search before the guard of
# lib/store/gw_verify.c): here it is set on purpose, in one node of one
# leaf, or of every leaf, of each table in turn (the pages found by walking
# the trees from the newest meta page, as LMDB does), and other flag values;
# and a branch node's flags (its child's page number) too.
begin "node flags of every table's leaves and branches: no crash, damage named"
python3 - "$IDX" "$SRCH" "$T" >"$T/tally2" 2>&1 <<'EOF'
import collections, random, shutil, struct, sys
sys.path.insert(0, 'tests')
from damage_runs import Runs
idx, srch, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
src, work, more = tmp + '/idx', tmp + '/w', tmp + '/more.jsonl'
PS = 4096
data = open(src + '/data.mdb', 'rb').read()

def rec(off):  # an MDB_db: flags, depth, root
    return struct.unpack_from('<HH', data, off + 4) + struct.unpack_from('<Q', data, off + 40)

pages = collections.defaultdict(lambda: {'leaf': [], 'branch': []})
def walk(name, pg, depth, level=1):
    p = pg * PS
    lower, = struct.unpack_from('<H', data, p + 12)
    ptrs = struct.unpack_from('<%dH' % ((lower - 16) // 2), data, p + 16)
    pages[name]['leaf' if level == depth else 'branch'].append(pg)
    for o in ptrs:
        lo, hi, fl, ks = struct.unpack_from('<HHHH', data, p + o)
        if level < depth:
            walk(name, lo | hi << 16 | fl << 32, depth, level + 1)
        elif name == '(main)':
            f, d, root = rec(p + o + 8 + ks)
            if root != 2**64 - 1:
                walk(data[p + o + 8:p + o + 8 + ks].decode(), root, d)
meta = max(range(2), key=lambda i: struct.unpack_from('<Q', data, i * PS + 16 + 128)[0])
f, d, root = rec(meta * PS + 16 + 24 + 48)
walk('(main)', root, d)

queries = [['江苏'], ['"众创空间"'], ['serv*'], ['--json', '--fields', 'title,body', 'apache', '伺服器'],
           ['--sort', 'date', '众创'], ['--facet', '省份', '空间']]
cases = []
for name in sorted(pages):
    for kind in ('leaf', 'branch'):
        if pages[name][kind]:
            for how in ('one', 'all'):
                for dup in (True, False):
                    cases.append((name, kind, how, dup))
runs = Runs()
for n, (name, kind, how, dup) in enumerate(cases):
    r = random.Random(n)
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(src, work)
    with open(work + '/data.mdb', 'r+b') as f:
        for pg in pages[name][kind] if how == 'all' else [r.choice(pages[name][kind])]:
            lower, = struct.unpack_from('<H', data, pg * PS + 12)
            i = r.randrange((lower - 16) // 2)
            o, = struct.unpack_from('<H', data, pg * PS + 16 + 2 * i)
            old, = struct.unpack_from('<H', data, pg * PS + o + 4)
            f.seek(pg * PS + o + 4)
            f.write(struct.pack('<H', old | 0x04 if dup else old ^ r.randrange(1, 65536)))

    def expect(what, rc, err):
        if what == 'check' and rc == 0:
            return '--check calls the index sound'
        if (what == 'search' and how == 'all' and kind == 'leaf' and
                name in ('post', 'small', 'meta', 'fields', '(main)') and rc != 2):
            return 'a search that reads leaves of %s did not report the damage' % name
        return None
    label = '%s %s %s %s' % (name, kind, how, 'F_DUPDATA' if dup else 'flags')
    for q in queries:
        runs.run(label, 'search', [srch, '-i', work, '-n', '20'] + q, expect)
    runs.run(label, 'check', [idx, '-i', work, '--check'], expect)
    runs.run(label, 'batch', [idx, '-q', '-i', work, more], expect)
sys.exit(runs.report('%d copies with node flags set' % len(cases)))
EOF
rc=$?
cmd="python3 (set node flags, run the programs)"
[ "$rc" -eq 0 ] || fails "no crash, damage named, --check never calls it sound" "$(show "$T/tally2")"
end_check
sed -n 1p "$T/tally2" | sed "s/^/    $NAME: /"

[ "$nfail" -eq 0 ]
