"""serve_api: end-to-end tests of gongwen-serve's API (run by e2e_serve.sh).

Builds an index of corpus/ with the real gongwen-index, starts the real
gongwen-serve on a free loopback port, and checks over real HTTP (the
standard library's http.client): the hits are gongwen-search's (the same
JSON, compared with `gongwen-search --batch --json`), paging, POST bodies,
facets, filters, documents, stats, every error status, the API key, CORS,
the index changing under the server (a batch, then a --rebuild swap), the
access log and its reopening, and a graceful stop with requests in flight.
One line per check: "PASS e2e_serve: what" or "FAIL e2e_serve: what" with
details. Exit status 0 if every check passed.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

NAME = "e2e_serve"
B = os.environ.get("GW_BUILD", "build")
IDX, SRCH, SERVE = (os.path.join(B, p) for p in ("gongwen-index", "gongwen-search", "gongwen-serve"))
failures = 0


def report(ok, what, detail=""):
    global failures
    if ok:
        print(f"PASS {NAME}: {what}")
    else:
        failures += 1
        print(f"FAIL {NAME}: {what}")
        for line in str(detail).splitlines()[:20]:
            print(f"    {line}")
    sys.stdout.flush()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A gongwen-serve process on a free loopback port."""

    def __init__(self, index, *args, env=None):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="serve-log-", delete=False).name
        e = dict(os.environ)
        e.pop("GONGWEN_API_KEY", None)
        e.update(env or {})
        self.p = subprocess.Popen([SERVE, "-i", index, "--listen", f"127.0.0.1:{self.port}", *args],
                                  stdout=subprocess.DEVNULL, stderr=open(self.log, "wb"), env=e)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.p.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError("server did not start: " + open(self.log, encoding="utf-8", errors="replace").read())

    def request(self, method, target, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            c.request(method, target, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            c.close()

    def get_json(self, target, **kw):
        st, h, data = self.request("GET", target, **kw)
        try:
            return st, h, json.loads(data)
        except ValueError:
            return st, h, data

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(15)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        return self.p.returncode


def q(s):
    return urllib.parse.quote(s, safe="")


def batch(index, queries, *args):
    """gongwen-search --batch --json answers, one object per query."""
    out = subprocess.run([SRCH, "-i", index, "--batch", "--json", *args], input="\n".join(queries) + "\n",
                         capture_output=True, text=True, check=False).stdout
    return [json.loads(line) for line in out.splitlines()]


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    for p in (IDX, SRCH, SERVE):
        if not os.access(p, os.X_OK):
            report(False, "binaries exist", f"expected {p} (run make)")
            return 1
    tmp = tempfile.mkdtemp(prefix="gw-serve-")
    servers = []
    try:
        run_checks(tmp, servers)
    finally:
        for s in servers:
            s.stop()
            os.unlink(s.log)
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


def run_checks(tmp, servers):
    corpus = os.path.join(tmp, "corpus")
    shutil.copytree("corpus", corpus)
    index = os.path.join(tmp, "index")
    built = subprocess.run([IDX, "-q", "-i", index, corpus], check=True, capture_output=True, text=True)
    ndocs = int(built.stderr.split(" added")[0].split()[-1])
    s = Server(index, "--access-log", os.path.join(tmp, "access.log"))
    servers.append(s)

    st, h, body = s.get_json("/health")
    report(st == 200 and body == {"v": 1, "status": "ok"}, "GET /health", (st, body))

    # The hits are gongwen-search's: the same objects, the same total.
    queries = ["众创空间", "眾創空間 江蘇", "众创空间 -江苏", "title:通知", "省份:江苏", "国科发区〔2020〕73号",
               '"集成电路" OR 浙江']
    want = batch(index, queries, "-n", "5")
    bad = []
    for query, w in zip(queries, want):
        st, h, got = s.get_json("/search?limit=5&q=" + q(query))
        if st != 200 or got.get("hits") != w.get("hits") or got.get("total") != w.get("total"):
            bad.append(f"{query}: {st} total {got.get('total') if isinstance(got, dict) else got} "
                       f"want {w.get('total')}")
    report(not bad and len(want) == len(queries),
           "GET /search: the hits and totals of gongwen-search --batch --json, in both scripts", "\n".join(bad))

    st, h, got = s.get_json("/search?q=" + q("众创空间"))
    report(st == 200 and list(got)[:7] == ["v", "query", "total", "total_relation", "offset", "limit", "hits"]
           and got["total_relation"] == "eq"
           and got["limit"] == 10 and got["offset"] == 0 and isinstance(got["time_ms"], float)
           and got["facets"] == {} and h.get("content-type") == "application/json; charset=utf-8"
           and h.get("cache-control") == "no-store",
           "the response's shape: v, query, total, total_relation, offset, limit, hits, facets, time_ms",
           (st, h, got))

    # total=N: past N matches the total may be a lower bound, as
    # gongwen-search --total N says; the hits stay those of total=exact.
    st, h, exact = s.get_json("/search?total=exact&limit=3&snippet=false&q=" + q("通知 科技"))
    st2, h, low = s.get_json("/search?total=2&limit=3&snippet=false&q=" + q("通知 科技"))
    want = batch(index, ["通知 科技"], "-n", "3", "--total", "2", "--no-snippet")[0]
    st3, h, bad_total = s.get_json("/search?total=0&q=" + q("众创空间"))
    report(st == 200 and st2 == 200 and exact["total_relation"] == "eq" and exact["total"] > 3
           and low["total"] == 3 and low["total_relation"] == "gte" and low["hits"] == exact["hits"]
           and want["total"] == 3 and want["total_relation"] == "gte" and st3 == 400,
           "total=2, limit=3: at least 3 (the hits kept; gte), the hits of total=exact; total=0: 400",
           (st, st2, st3, exact.get("total"), low.get("total"), low.get("total_relation")))

    # Paging: pages of 3 are the slices of the first 12.
    st, h, all12 = s.get_json("/search?limit=12&q=" + q("众创空间"))
    pages = []
    for off in (0, 3, 6, 9):
        pages += s.get_json(f"/search?limit=3&offset={off}&q=" + q("众创空间"))[2]["hits"]
    report([x["id"] for x in pages] == [x["id"] for x in all12["hits"]] and len(pages) == 12,
           "offset and limit page through the same order", [x["id"] for x in pages])

    # POST with a JSON body answers as GET with the same parameters.
    params = {"q": "众创空间", "limit": 4, "offset": 1, "type": "record", "facet": ["省份", "year"],
              "fields": ["省份"], "filter": ["省份:江苏"]}
    st, h, post = s.request("POST", "/search", body=json.dumps(params, ensure_ascii=False).encode(),
                            headers={"Content-Type": "application/json"})
    post = json.loads(post)
    target = ("/search?q=" + q("众创空间") + "&limit=4&offset=1&type=record&facet=" + q("省份,year") +
              "&fields=" + q("省份") + "&filter=" + q("省份:江苏"))
    st2, h2, get = s.get_json(target)
    post.pop("time_ms", None)
    get.pop("time_ms", None)
    report(st == 200 and st2 == 200 and post == get and get["total"] > 0, "POST /search with a JSON body = GET",
           (st, post, st2, get))

    # Facets: the counts of gongwen-search --facet; year sums the dates.
    want_facet = {}
    out = subprocess.run([SRCH, "-i", index, "--json", "-n", "0", "--facet", "省份", "众创空间"],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        o = json.loads(line)
        if o.get("type") == "facet":
            want_facet = o["counts"]
    st, h, got = s.get_json("/search?limit=0&facet=" + q("省份,kind,year") + "&q=" + q("众创空间"))
    # Notices by their date, records by their notice's (_date).
    years = {}
    for field in ("date", "_date"):
        dates = subprocess.run([SRCH, "-i", index, "--json", "-n", "0", "--facet", field, "众创空间"],
                               capture_output=True, text=True).stdout
        for line in dates.splitlines():
            o = json.loads(line)
            if o.get("type") == "facet":
                for d, n in o["counts"].items():
                    years[d[:4]] = years.get(d[:4], 0) + n
    report(st == 200 and got["facets"].get("省份") == want_facet and want_facet
           and got["facets"].get("year") == years and "kind" in got["facets"],
           "facet=省份,kind,year: gongwen-search's counts, year the dates by year", (got, want_facet, years))
    st, h, got = s.get_json("/search?limit=0&facet=year,kind,year&q=" + q("众创空间"))
    report(st == 200 and list(got["facets"]) == ["year", "kind"], "a facet asked twice is counted once", got)

    # A filter narrows without changing scores or snippets.
    st, h, plain = s.get_json("/search?limit=100&q=" + q("众创空间"))
    st2, h2, filt = s.get_json("/search?limit=100&filter=" + q("省份:江苏") + "&q=" + q("众创空间"))
    # (Scores may differ by a common factor: under an AND the parts'
    # document frequencies are estimated, gw_search.h.)
    by_id = {x["id"]: x for x in plain["hits"]}
    order = [x["id"] for x in plain["hits"] if x["id"] in {y["id"] for y in filt["hits"]}]
    same = order == [x["id"] for x in filt["hits"]] and all(
        x["id"] in by_id and x["snippet"] == by_id[x["id"]]["snippet"] for x in filt["hits"])
    want_n = batch(index, ['众创空间 省份:"江苏"'], "-n", "0")[0]["total"]
    report(st2 == 200 and filt["total"] == want_n and 0 < want_n < plain["total"] and same,
           "filter=省份:江苏 narrows to the documents with it; order and snippets unchanged",
           (filt.get("total"), want_n, plain.get("total"), same))

    # snippet=false: the hits of --no-snippet; with fields=title they are
    # the full hits without their snippet (the short record suffices).
    want = batch(index, ["众创空间", "眾創空間 江蘇"], "-n", "10", "--no-snippet", "--fields", "title")
    full = batch(index, ["众创空间", "眾創空間 江蘇"], "-n", "10", "--fields", "title")
    bad = []
    for query, w, f in zip(["众创空间", "眾創空間 江蘇"], want, full):
        st, h, got = s.get_json("/search?snippet=false&fields=title&q=" + q(query))
        lean = [{k: v for k, v in x.items() if k not in ("snippet", "snippet_field", "matches")}
                for x in f["hits"]]
        if st != 200 or got["hits"] != w["hits"] or got["hits"] != lean or not lean:
            bad.append(f"{query}: {st} {got}")
    st, h, body = s.request("POST", "/search", body=json.dumps({"q": "众创空间", "snippet": False}).encode())
    post = json.loads(body)
    report(not bad and st == 200 and post["hits"] and "snippet" not in post["hits"][0],
           "snippet=false: the hits of gongwen-search --no-snippet, the full ones without their snippet",
           "\n".join(bad) + str((st, body[:300])))

    # Options pass through as gongwen-search's.
    for args, target in ((["--type", "notice"], "&type=notice"), (["--after", "2021"], "&after=2021"),
                         (["--before", "2020-12"], "&before=2020-12"), (["--sort", "date"], "&sort=date")):
        w = batch(index, ["众创空间"], "-n", "20", *args)[0]
        st, h, got = s.get_json("/search?limit=20&q=" + q("众创空间") + target)
        report(st == 200 and got["hits"] == w["hits"] and got["total"] == w["total"],
               f"{target[1:]} = gongwen-search {' '.join(args)}", (st, got.get("total"), w.get("total")))

    # Documents: a record comes with its notice; ids are percent-encoded.
    rid = "corpus/notice-2020-73.txt#1.6"
    rid = os.path.join(corpus, "notice-2020-73.txt") + "#1.6"
    st, h, got = s.get_json("/documents/" + q(rid))
    doc = got.get("document", {}) if isinstance(got, dict) else {}
    report(st == 200 and doc.get("id") == rid and doc.get("type") == "record"
           and doc.get("fields", {}).get("省份") == "江蘇"
           and got.get("notice", {}).get("id") == doc.get("notice") and got["notice"]["fields"].get("body"),
           "GET /documents/ID: a record, its cells, and its notice whole", (st, got))
    st, h, got = s.get_json("/documents/" + q("no such id"))
    report(st == 404 and got["error"]["code"] == "not_found", "GET /documents/ of an unknown id: 404", (st, got))
    st, h, got = s.get_json("/documents/")
    report(st == 400 and got["error"]["code"] == "bad_request", "GET /documents/ without an id: 400", (st, got))

    st, h, got = s.get_json("/stats")
    report(st == 200 and got["documents"] == ndocs > 0
           and got["notices"] + got["records"] + got["other"] == got["documents"]
           and "title" in got["fields"] and "省份" in got["fields"] and got["last_commit"].endswith("Z"),
           "GET /stats: documents, notices, records, fields, last commit", (st, got, ndocs))

    check_errors(s)
    check_page(s)
    check_auth_cors(index)
    check_changes(s, index, corpus, tmp)
    check_log(s, tmp)
    check_stop(index, servers)


def check_errors(s):
    st, h, got = s.get_json("/search?q=" + q("(众创空间"))
    report(st == 400 and got["error"]["code"] == "bad_query" and got["error"]["column"] == 1,
           "a malformed query: 400 bad_query with its column", (st, got))
    st, h, got = s.get_json("/search?q=" + q("江苏 (众创空间") + "&filter=" + q("省份:江苏"))
    report(st == 400 and got["error"].get("column") == 4, "with a filter, the column is still the query's",
           (st, got))
    for target, code, what in (("/search?limit=5000&q=a", "bad_request", "limit past 1000"),
                               ("/search?q=a&colour=red", "bad_request", "an unknown parameter"),
                               ("/search?q=a&q=b", "bad_request", "a parameter given twice"),
                               ("/search?limit=10", "bad_request", "no q"),
                               ("/search?q=a&after=2020-13", "bad_request", "a bad date"),
                               ("/search?q=a&filter=" + q('省份:"x'), "bad_request", "a filter with a quote"),
                               ("/search?q=a&filter=" + q('x OR (y:z'), "bad_request", "a filter field with a space"),
                               ("/nowhere", "not_found", "an unknown path")):
        st, h, got = s.get_json(target)
        ok = isinstance(got, dict) and got.get("error", {}).get("code") == code and got["error"].get("message")
        report(ok and st == (404 if code == "not_found" else 400), f"{what}: {st} {code} with a message",
               (st, got))
    st, h, body = s.request("DELETE", "/search")
    report(st == 405 and "POST" in h.get("allow", ""), "DELETE /search: 405 with Allow", (st, h))
    st, h, body = s.request("POST", "/search", body=b'{"q": "a",', headers={"Content-Type": "application/json"})
    report(st == 400 and b"byte" in body, "a malformed JSON body: 400 naming the byte", (st, body))
    st, h, body = s.request("POST", "/search", body=b"x" * 70000)
    report(st == 413, "a body past 64 KB: 413", (st, body[:200]))
    st, h, body = s.request("GET", "/search?q=" + "a" * 8500)
    report(st == 414, "a request target past 8 KB: 414", (st, body[:200]))
    st, h, body = s.request("GET", "/health", headers={"X-Big": "a" * 40000})
    report(st == 431, "40 KB of headers: 431", (st, body[:200]))
    st, h, got = s.get_json("/health")
    report(st == 200, "the server still answers after the refusals", (st, got))
    st, h, body = s.request("HEAD", "/health")
    report(st == 200 and body == b"", "HEAD: the status without the body", (st, body))


def check_page(s):
    st, h, body = s.request("GET", "/")
    csp = h.get("content-security-policy", "")
    report(st == 200 and h.get("content-type", "").startswith("text/html") and "script-src 'self'" in csp
           and h.get("x-content-type-options") == "nosniff" and h.get("etag"),
           "GET /: the page, with its CSP and an ETag", (st, h))
    st2, h2, body2 = s.request("GET", "/", headers={"If-None-Match": h.get("etag", "")})
    report(st2 == 304 and body2 == b"", "If-None-Match of the page's ETag: 304", (st2, h2))


def check_auth_cors(index):
    r = subprocess.run([SERVE, "-i", index, "--listen", "0.0.0.0:%d" % free_port()], capture_output=True,
                       text=True, timeout=10, env={k: v for k, v in os.environ.items() if k != "GONGWEN_API_KEY"})
    report(r.returncode == 2 and "loopback" in r.stderr, "without a key, no listening beyond loopback",
           (r.returncode, r.stderr))
    k = Server(index, env={"GONGWEN_API_KEY": "s3cret"})
    try:
        st, h, got = k.get_json("/search?q=a")
        report(st == 401 and got["error"]["code"] == "unauthorized" and h.get("www-authenticate") == "Bearer",
               "with a key: no Authorization, 401", (st, h, got))
        st, h, got = k.get_json("/search?q=a", headers={"Authorization": "Bearer s3creT"})
        report(st == 401, "with a key: a wrong key, 401", (st, got))
        st, h, got = k.get_json("/search?q=" + q("众创空间"), headers={"Authorization": "Bearer s3cret"})
        report(st == 200 and got["total"] > 0, "with a key: the right key, 200", (st, got))
        st, h, body = k.request("GET", "/")
        report(st == 200, "with a key: the page itself needs none", st)
    finally:
        k.stop()
    c = Server(index, "--cors-origin", "https://example.org")
    try:
        st, h, body = c.request("GET", "/health", headers={"Origin": "https://example.org"})
        st2, h2, body2 = c.request("OPTIONS", "/search", headers={"Origin": "https://example.org",
                                                                 "Access-Control-Request-Method": "POST"})
        report(st == 200 and h.get("access-control-allow-origin") == "https://example.org" and st2 == 204
               and "POST" in h2.get("access-control-allow-methods", ""),
               "--cors-origin: the header on answers, and preflight", (h, st2, h2))
    finally:
        c.stop()


def total(s, query):
    st, h, got = s.get_json("/search?limit=0&q=" + q(query))
    return got.get("total") if st == 200 else None


def check_changes(s, index, corpus, tmp):
    new = os.path.join(corpus, "zz-new.txt")
    with open(new, "w", encoding="utf-8") as f:
        f.write("关于鹈鹕湾试验区的通知\n鹈鹕湾试验区建设有关事项通知如下。\n")
    before = total(s, "鹈鹕湾")
    subprocess.run([IDX, "-q", "-i", index, new], check=True, capture_output=True)
    after = total(s, "鹈鹕湾")
    report(before == 0 and after == 1, "a batch committed by gongwen-index is seen by the next request",
           (before, after))
    # A rebuild swaps another directory in: the server follows it.
    os.unlink(new)
    with open(os.path.join(corpus, "zz-other.txt"), "w", encoding="utf-8") as f:
        f.write("关于鸬鹚岛的公告\n鸬鹚岛有关事项公告如下。\n")
    subprocess.run([IDX, "-q", "-i", index, "--rebuild", corpus], check=True, capture_output=True)
    deadline = time.time() + 5
    while time.time() < deadline and total(s, "鸬鹚岛") != 1:
        time.sleep(0.1)
    report(total(s, "鸬鹚岛") == 1 and total(s, "鹈鹕湾") == 0 and total(s, "众创空间") > 0,
           "a --rebuild swapped in is followed within seconds, without a restart",
           (total(s, "鸬鹚岛"), total(s, "鹈鹕湾")))


def check_log(s, tmp):
    log = os.path.join(tmp, "access.log")
    s.request("GET", "/health?probe=1")
    # The line is written when the request is done, which may be a moment
    # after the client has its answer (later still under the sanitizers).
    deadline = time.time() + 5
    while True:
        lines = open(log, encoding="utf-8").read().splitlines()
        if any("GET /health?probe=1 200" in line for line in lines) or time.time() > deadline:
            break
        time.sleep(0.05)
    report(any("GET /health?probe=1 200" in line for line in lines)
           and any("/search?q=" in line and " 400 " in line for line in lines),
           "--access-log: a line a request, target and status", "\n".join(lines[-5:]))
    os.rename(log, log + ".1")
    s.p.send_signal(signal.SIGHUP)
    deadline = time.time() + 5
    while time.time() < deadline and not os.path.exists(log):
        s.request("GET", "/health?after=hup")
        time.sleep(0.1)
    s.request("GET", "/health?after=hup2")
    deadline = time.time() + 5
    while True:
        text = open(log, encoding="utf-8").read() if os.path.exists(log) else ""
        if "after=hup2" in text or time.time() > deadline:
            break
        time.sleep(0.05)
    report("after=hup2" in text and "after=hup2" not in open(log + ".1", encoding="utf-8").read(),
           "SIGHUP reopens the access log (after logrotate moved it)", text[-300:])


def check_stop(index, servers):
    g = Server(index)
    servers.append(g)
    results = []

    def one():
        try:
            results.append(g.request("GET", "/search?limit=50&facet=" + q("省份,kind,year,date") + "&q=" +
                                     q("众创空间 OR 江苏 OR 通知 OR 的"))[0])
        except OSError as e:
            results.append(str(e))

    threads = [threading.Thread(target=one) for _ in range(16)]
    for t in threads:
        t.start()
    time.sleep(0.02)
    t0 = time.time()
    rc = g.stop()
    for t in threads:
        t.join()
    refused = [r for r in results if r != 200]
    # Requests that reached the server before SIGTERM are answered; later
    # ones are refused at connect (the listening socket is closed).
    report(rc == 0 and time.time() - t0 < 12 and all(r == 200 or "refused" in str(r) or "reset" in str(r)
                                                     for r in results) and results.count(200) > 0,
           "SIGTERM: the requests in flight finish, then exit 0", (rc, results, refused))


if __name__ == "__main__":
    sys.exit(main())
