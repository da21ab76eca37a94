#!/usr/bin/env python3
"""Ranking quality over several query sets (issue 19: two-word queries).

Usage: rank_eval.py INDEX QDIR... [--search PROG] [--arg ARG]... [--tune DIR,DIR]

Each QDIR holds known.tsv, latin.tsv and mixed.tsv as made by
../shared/bench/peers/make_queries.py CORPUS QDIR SEED (one seed a folder).
Runs ../shared/bench/eval.py on each with gongwen-search --batch and prints,
per folder and as the mean, mixed.tsv's R@10, MRR, full recall and
exactness, known.tsv's MRR (form orig) with full recall and exactness over
both forms, and latin.tsv's R@10. With --tune, the folders named there
(the seeds a change was tuned on) and the others (held out) get means of
their own. --arg passes one more argument to gongwen-search (repeatable:
--arg=--focus --arg=2).

Example:
  xz -dc ../shared/corpus/zh-docs.jsonl.xz > /tmp/rk/corpus.jsonl
  for s in 7 11 23 42 99; do
      /usr/bin/python3 ../shared/bench/peers/make_queries.py /tmp/rk/corpus.jsonl /tmp/rk/q$s $s
  done
  build/gongwen-index -q -i /tmp/rk/idx /tmp/rk/corpus.jsonl
  python3 tests/rank_eval.py /tmp/rk/idx /tmp/rk/q{7,11,23,42,99} --tune /tmp/rk/q7,/tmp/rk/q11
"""
import argparse, json, os, shlex, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
EVAL = os.path.join(HERE, "..", "..", "shared", "bench", "eval.py")


def run_eval(tsv, cmd, forms):
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as js:
        args = [sys.executable, EVAL, tsv, "--cmd", cmd, "--json", js.name, "--quiet", "--warmup", "0"]
        if forms:
            args += ["--forms", forms]
        subprocess.run(args, check=True)
        return json.loads(js.read().splitlines()[-1])["forms"]


def measure(idx, qdir, search, extra):
    cmd = " ".join(shlex.quote(a) for a in [search, "-i", idx] + extra + ["--batch", "-n", "{k}"])
    cmd += ' --timings "$BENCH_LAT_FILE"'
    mixed = run_eval(os.path.join(qdir, "mixed.tsv"), cmd, None)["orig"]["all"]
    known = run_eval(os.path.join(qdir, "known.tsv"), cmd, None)
    latin = run_eval(os.path.join(qdir, "latin.tsv"), cmd, None)["orig"]["all"]
    return {
        "mixed R@10": mixed["R@10"], "mixed MRR": mixed["MRR"],
        "mixed fullR": mixed["fullR"], "mixed exact": mixed["exact"],
        "known MRR(orig)": known["orig"]["all"]["MRR"],
        "known fullR": min(f["all"]["fullR"] for f in known.values()),
        "known exact": min(f["all"]["exact"] for f in known.values()),
        "latin R@10": latin["R@10"],
        "mixed p50 ms": mixed.get("p50_ms", float("nan")),
        "mixed p99 ms": mixed.get("p99_ms", float("nan")),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("index")
    ap.add_argument("qdirs", nargs="+")
    ap.add_argument("--search", default=os.path.join(HERE, "..", "build", "gongwen-search"))
    ap.add_argument("--arg", action="append", default=[])
    ap.add_argument("--tune", default="", help="comma list of the QDIRs tuned on")
    a = ap.parse_args()
    tune = {os.path.normpath(d) for d in a.tune.split(",") if d}
    rows = [(os.path.normpath(d), measure(a.index, d, a.search, a.arg)) for d in a.qdirs]
    cols = list(rows[0][1])
    print("set\t" + "\t".join(cols))

    def line(name, ms):
        if ms:
            print(name + "\t" + "\t".join(f"{sum(m[c] for m in ms) / len(ms):.3f}" for c in cols))

    for d, m in rows:
        print(os.path.basename(d) + ("*" if d in tune else "") + "\t" + "\t".join(f"{m[c]:.3f}" for c in cols))
    if tune:
        line("mean tuned", [m for d, m in rows if d in tune])
        line("mean held out", [m for d, m in rows if d not in tune])
    line("mean all", [m for d, m in rows])


if __name__ == "__main__":
    main()
