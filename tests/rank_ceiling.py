#!/usr/bin/python3
"""The best R@10 and MRR any ranking can expect on mixed.tsv query sets.

Usage: /usr/bin/python3 tests/rank_ceiling.py CORPUS.jsonl QDIR...

make_queries.py (../shared/bench/peers) draws a document d uniformly, then
two distinct words uniformly from the set W_d of the jieba words (2-4 Han
characters) of its t2s-folded body, and writes them as d spells them. So
P(query | d) = [d spells both words so] * [both are in W_d] / C(|W_d|, 2):
term frequency, proximity and the title carry no information, and the
ranking that maximizes the expected R@10 and MRR orders the ground-truth
documents by that probability. This script computes W_d as the generator
does (Debian's python3-jieba and opencc, the generator's own opencc
helper), ranks each query's ground truth that way and prints, per folder,
that ranking's R@10 and MRR: a ceiling for gongwen, which sees neither
jieba's words nor |W_d| (its focus factor uses the indexed length).
Takes about 30 s (jieba over the corpus).
"""
import json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "bench", "peers"))
import jieba  # noqa: E402
import make_queries as mq  # noqa: E402

HAN_ONLY = re.compile("^[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\U00020000-\U0002FFFF]+$")


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        return [dict(zip(head, l.rstrip("\n").split("\t"))) for l in f if l.strip()]


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    jieba.setLogLevel(60)
    docs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
    fold = mq.opencc("t2s.json", [d["title"] + "\n" + d["body"] for d in docs])
    words = []
    for d, f in zip(docs, fold):
        fb = f[len(d["title"]) + 1:]
        words.append({w for w, s, e in jieba.tokenize(fb, HMM=False) if 2 <= e - s <= 4 and HAN_ONLY.match(w)})
    by_id = {}
    for i, d in enumerate(docs):
        by_id.setdefault(d["id"], []).append(i)
    means = []
    for qdir in sys.argv[2:]:
        rows = read_tsv(os.path.join(qdir, "mixed.tsv"))
        folded = mq.opencc("t2s.json", [r["query"] for r in rows])
        r10 = mrr = 0.0
        for r, fq in zip(rows, folded):
            w1, w2 = fq.split(" ")
            lit = set(r["gt_lit_ids"].split())

            def prob(i):
                n = len(words[i])
                gate = docs[i]["id"] in lit and w1 in words[i] and w2 in words[i]
                return (gate + 1e-9) / max(1.0, n * (n - 1) / 2)
            cand = [i for g in r["gt_ids"].split() for i in by_id.get(g, [])]
            top = []
            for i in sorted(cand, key=lambda i: -prob(i)):
                if docs[i]["id"] not in top:
                    top.append(docs[i]["id"])
            top = top[:10]
            if r["src_id"] in top:
                r10 += 1
                mrr += 1 / (top.index(r["src_id"]) + 1)
        r10, mrr = r10 / len(rows), mrr / len(rows)
        means.append((r10, mrr))
        print(f"{os.path.basename(os.path.normpath(qdir))}\tceiling R@10 {r10:.3f}\tMRR {mrr:.3f}")
    print(f"mean\tceiling R@10 {sum(m[0] for m in means) / len(means):.3f}\t"
          f"MRR {sum(m[1] for m in means) / len(means):.3f}")


if __name__ == "__main__":
    main()
