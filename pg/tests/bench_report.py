#!/usr/bin/env python3
"""bench_report: the tables of pg/tests/bench_pg.sh from the files it left in OUT."""
import sys

out = sys.argv[1]
times = {}
for line in open(out + "/times"):
    k, v = line.split()
    times[k] = float(v)


def evals(name, qs):
    """{(form, split): {column: value}} of one eval.py output."""
    res, head = {}, None
    try:
        lines = open("%s/eval-%s-%s.txt" % (out, name, qs), encoding="utf-8").read().splitlines()
    except OSError:
        return res
    for line in lines:
        f = line.split("\t")
        if f[0] == "form":
            head = f
        elif head and len(f) == len(head):
            res[(f[0], f[1])] = dict(zip(head, f))
    return res


def get(name, qs, form, col):
    return evals(name, qs).get((form, "all"), {}).get(col, "-")


engines = [("gongwen-search", "gongwen-search (LMDB)", "gongwen_index", "gongwen_index_mb"),
           ("pg-gongwen", "PostgreSQL + gongwen (GIN)", None, "gongwen_mb"),
           ("pg-trgm", "PostgreSQL + pg_trgm, folded text", None, "trgm_gin_mb"),
           ("pg-trgm-raw", "PostgreSQL + pg_trgm, text as written", None, "trgm_raw_gin_mb")]
build = {"gongwen-search": times.get("gongwen_index"),
         "pg-gongwen": times.get("gongwen_tsv", 0) + times.get("gongwen_gin", 0),
         "pg-trgm": times.get("trgm_text", 0) + times.get("trgm_gin", 0),
         "pg-trgm-raw": times.get("trgm_text", 0) + times.get("trgm_raw_gin", 0)}
print("| engine | build s | index MB | known fullR | exact | other-script fullR | exact "
      "| R@10 | latin fullR | exact | mixed fullR | exact | known p50 ms | p99 ms | mixed p50 ms | p99 ms |")
print("|---|" + "---|" * 15)
for name, label, _, mb in engines:
    print("| %s | %.2f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        label, build[name] or 0, times.get(mb, "-"),
        get(name, "known", "orig", "fullR"), get(name, "known", "orig", "exact"),
        get(name, "known", "other", "fullR"), get(name, "known", "other", "exact"),
        get(name, "known", "orig", "R@10"),
        get(name, "latin", "orig", "fullR"), get(name, "latin", "orig", "exact"),
        get(name, "mixed", "orig", "fullR"), get(name, "mixed", "orig", "exact"),
        get(name, "known", "orig", "p50_ms"), get(name, "known", "orig", "p99_ms"),
        get(name, "mixed", "orig", "p50_ms"), get(name, "mixed", "orig", "p99_ms")))
print()
print("Build: gongwen-index on the JSON Lines file; PostgreSQL: load by gongwen_parse %.2f s (not counted), "
      "then the tsvectors (%.2f s) and the GIN index (%.2f s); pg_trgm: the text columns (%.2f s) and "
      "each GIN index (%.2f s folded, %.2f s raw). Parts: %d rows (titles and 2,000-character "
      "pieces of bodies)." % (times.get("load", 0), times.get("gongwen_tsv", 0), times.get("gongwen_gin", 0),
                              times.get("trgm_text", 0), times.get("trgm_gin", 0), times.get("trgm_raw_gin", 0),
                              times.get("parts_rows", 0)))
print()


def sets(path):
    return [frozenset(l.rstrip("\n").split("\t")) - {""} for l in open(path, encoding="utf-8")]


a = sets(out + "/sets-gongwen-search.txt")
for other, label in (("sets-pg-gongwen.txt", "PostgreSQL + gongwen, one cluster"),
                     ("sets-pg-split.txt", "PostgreSQL + gongwen, two clusters (postgres_fdw)")):
    try:
        b = sets(out + "/" + other)
    except OSError:
        continue
    diff = sum(1 for x, y in zip(a, b) if x != y) + abs(len(a) - len(b))
    print("Known-item queries in both scripts (%d): %s gives other documents than gongwen-search for %d "
          "(%d documents found in all)." % (len(a), label, diff, sum(len(y) for y in b)))
print()
if "split_local" in times:
    print("Two clusters: parts split by hash of id, %d rows on the first cluster, %d on the second "
          "(a postgres_fdw partition); known-item queries: fullR %s, exact %s, other-script fullR %s, "
          "p50 %s ms, p99 %s ms (one cluster: p50 %s ms, p99 %s ms)." % (
              times["split_local"], times["split_remote"],
              get("pg-split", "known", "orig", "fullR"), get("pg-split", "known", "orig", "exact"),
              get("pg-split", "known", "other", "fullR"),
              get("pg-split", "known", "orig", "p50_ms"), get("pg-split", "known", "orig", "p99_ms"),
              get("pg-gongwen", "known", "orig", "p50_ms"), get("pg-gongwen", "known", "orig", "p99_ms")))
