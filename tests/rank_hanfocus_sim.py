#!/usr/bin/env python3
"""What a focus factor over Han characters would do to two-word queries.

Usage: rank_hanfocus_sim.py INDEX CORPUS.jsonl QDIR... [--powers 1,1.5,3]
                            [--search PROG]

For each query of QDIR/mixed.tsv, takes gongwen-search's top 1000 with
--explain, divides each hit's score by its focus factor and multiplies it
by (2 A_H / (A_H + H))^G instead, H the document's Han characters (title
and body, from the corpus) and A_H their mean over the corpus, for each
power G; prints R@10 / MRR per folder and the mean, with today's ranking
first. A document past the top 1000 stays missed, so the figures are a
lower bound of what the change would give. The index has no count of Han
characters per document (the lens entries hold lengths in tokens, a Latin
word one token); this measures whether adding one is worth it.
"""
import argparse, json, os, re, subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
HAN = re.compile("[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\U00020000-\U0002FFFF]")
HIT = re.compile(r"^\d+\. (\S+)  \(")
SCORE = re.compile(r"\| score ([\d.eE+-]+)")
FOCUS = re.compile(r"\|\s+focus \(.*\)\^[\d.]+ = ([\d.eE+-]+)")


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        return [dict(zip(head, l.rstrip("\n").split("\t"))) for l in f if l.strip()]


def explain(search, index, query):
    """[(id, score, focus factor)] of the top 1000, best first."""
    out = subprocess.run([search, "-i", index, "-n", "1000", "--explain", "--color=never", "--"] + query.split(" "),
                         capture_output=True, text=True).stdout
    hits = []
    for line in out.split("\n"):
        m = HIT.match(line)
        if m:
            hits.append([m.group(1), 0.0, 1.0])
        elif hits and (m := SCORE.search(line)):
            hits[-1][1] = float(m.group(1))
        elif hits and (m := FOCUS.search(line)):
            hits[-1][2] = float(m.group(1))
    return hits


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("index")
    ap.add_argument("corpus")
    ap.add_argument("qdirs", nargs="+")
    ap.add_argument("--powers", default="1,1.5,3")
    ap.add_argument("--search", default=os.path.join(HERE, "..", "build", "gongwen-search"))
    a = ap.parse_args()
    han = {}
    for line in open(a.corpus, encoding="utf-8"):
        d = json.loads(line)
        han.setdefault(d["id"], len(HAN.findall(d["title"] + d["body"])))
    avg = sum(han.values()) / len(han)
    modes = [None] + [float(g) for g in a.powers.split(",")]
    names = ["today"] + [f"G={g:g}" for g in modes[1:]]
    sums = [[0.0, 0.0] for _ in modes]
    print("set\t" + "\t".join(names))
    for qdir in a.qdirs:
        rows = read_tsv(os.path.join(qdir, "mixed.tsv"))
        res = [explain(a.search, a.index, r["query"]) for r in rows]
        cells = []
        for j, g in enumerate(modes):
            r10 = mrr = 0.0
            for r, hits in zip(rows, res):
                def score(h):
                    return h[1] if g is None else h[1] / h[2] * (2 * avg / (avg + han.get(h[0], 0))) ** g
                top = [h[0] for h in sorted(hits, key=lambda h: -score(h))[:10]]
                if r["src_id"] in top:
                    r10 += 1
                    mrr += 1 / (top.index(r["src_id"]) + 1)
            r10, mrr = r10 / len(rows), mrr / len(rows)
            sums[j][0] += r10
            sums[j][1] += mrr
            cells.append(f"{r10:.2f} / {mrr:.3f}")
        print(os.path.basename(os.path.normpath(qdir)) + "\t" + "\t".join(cells))
    n = len(a.qdirs)
    print("mean\t" + "\t".join(f"{s[0] / n:.3f} / {s[1] / n:.3f}" for s in sums))


if __name__ == "__main__":
    main()
