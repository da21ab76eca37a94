#!/bin/sh
# e2e_damage: a damaged index is reported, never a crash (issue 15). Builds a
# small index (a few hundred documents of zh-docs, Simplified and
# Traditional, cut short, enough text for a zstd dictionary, and corpus/'s
# notices with their table records), then for each of N seeds copies it,
# flips K random bits of data.mdb past LMDB's two meta pages, and runs
# searches (a word, a phrase, a prefix, NEAR, a field, --json with
# snippets, --sort, --facet), --check, an incremental batch and --check
# again. Every run must exit 0 or 1 (the flip hit nothing it read; --check:
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
import collections, os, random, shutil, subprocess, sys
idx, srch, tmp, seeds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
src, work, more = tmp + '/idx', tmp + '/w', tmp + '/more.jsonl'
queries = [['江苏'], ['"众创空间"'], ['serv*'], ['通知', 'NEAR/5', '科技'], ['title:伺服器'],
           ['--json', '--fields', 'title,body', 'apache', '伺服器'], ['--sort', 'date', '众创'],
           ['--facet', '省份', '空间'], ['--count', 'the']]
tally = collections.Counter()
bad = []
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
    runs = [('search', [srch, '-i', work, '-n', '20'] + q) for q in queries]
    runs += [('check', [idx, '-i', work, '--check']), ('batch', [idx, '-q', '-i', work, more]),
             ('check', [idx, '-i', work, '--check'])]
    for what, cmd in runs:
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, timeout=60)
            rc, err = p.returncode, p.stderr.decode('utf-8', 'replace')
        except subprocess.TimeoutExpired:
            rc, err = 'timeout', ''
        tally[(what, rc)] += 1
        why = None
        if rc not in (0, 1, 2):
            why = 'exit status %s' % (rc if rc == 'timeout' else rc if rc >= 0 else 128 - rc)
        elif 'Sanitizer' in err or 'runtime error:' in err:
            why = 'sanitizer report'
        elif rc == 2 and 'index damaged' not in err:
            why = 'exit 2 without "index damaged"'
        if why:
            bad.append('seed %d (flips at %s): %s: %s\n          %s' %
                       (seed, flips, ' '.join(cmd[3:]), why, err.strip()[-400:].replace('\n', '\n          ')))
two = sum(v for (w, rc), v in tally.items() if rc == 2)
print('runs %d: exit 2 (damage reported) %d, exit 0/1 %d; %s' %
      (sum(tally.values()), two, sum(v for (w, rc), v in tally.items() if rc in (0, 1)),
       ', '.join('%s %s: %d' % (w, rc, v) for (w, rc), v in sorted(tally.items(), key=str))))
for b in bad[:10]:
    print(b)
sys.exit(1 if bad else 0)
EOF
rc=$?
cmd="python3 (flip bytes, run the programs) x $SEEDS"
[ "$rc" -eq 0 ] || fails "no crash, no sanitizer report, 'index damaged' with every exit 2" "$(show "$T/tally")"
end_check
sed -n 1p "$T/tally" | sed "s/^/    $NAME: /"

[ "$nfail" -eq 0 ]
