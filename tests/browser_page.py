"""browser_page: the checks of tests/e2e_browser.sh, in Chromium.

    python3 tests/browser_page.py SERVER_URL DRIVER_URL PROFILE_DIR SCREENSHOT.png

Drives gongwen-serve's search page (SERVER_URL, serving an index of
corpus/ and the hostile document e2e_browser.sh adds) through chromedriver
(DRIVER_URL) in headless Chromium with a fresh profile in PROFILE_DIR, and
prints one line per check, as tests/run.sh counts them:
"PASS e2e_browser: what" or "FAIL e2e_browser: what" and why. Each check
starts from a URL of its own, so one failing does not hide the others.
Waits poll with a time limit (webdriver.wait); nothing sleeps a fixed time.
Exit status 1 if a check failed.
"""
import os
import struct
import sys
import traceback
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webdriver import KEYS, Session, WebDriverError, wait  # noqa: E402

NAME = "e2e_browser"
# Chromium on a closed network: these flags keep it from stalling on
# first-run dialogs, sync, component updates and QUIC probes.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1200,900",
]
SIMPLIFIED = "众创空间"
TRADITIONAL = "眾創空間"
TC_NOTICE = "corpus/notice-2020-73.txt"
HOSTILE = "<script>alert(1)</script>"

failed = 0


class CheckFailed(Exception):
    pass


def ensure(cond, expected, got):
    if not cond:
        raise CheckFailed(f"    expected: {expected}\n    got: {got}")


def check(what):
    """Runs the decorated function as the check WHAT, printing its line."""
    def run(fn):
        global failed
        try:
            fn()
            print(f"PASS {NAME}: {what}", flush=True)
        except CheckFailed as e:
            failed += 1
            print(f"FAIL {NAME}: {what}\n{e}", flush=True)
        except (WebDriverError, TimeoutError, OSError) as e:
            failed += 1
            print(f"FAIL {NAME}: {what}\n    error: {e}", flush=True)
        except Exception:  # a bug in the check itself: still one FAIL line
            failed += 1
            print(f"FAIL {NAME}: {what}\n    error: {traceback.format_exc()}", flush=True)
        return fn
    return run


def main():
    base, driver_url, profile, shot, key_base = sys.argv[1:6]
    caps = {
        "browserName": "chrome",
        "unhandledPromptBehavior": "ignore",
        "goog:chromeOptions": {"args": CHROMIUM_FLAGS + ["--user-data-dir=" + profile]},
        "goog:loggingPrefs": {"browser": "ALL"},
    }
    binary = os.environ.get("GW_CHROMIUM")
    if binary:
        caps["goog:chromeOptions"]["binary"] = binary
    try:
        s = Session(driver_url, caps)
    except (WebDriverError, OSError) as e:
        print(f"FAIL {NAME}: chromium starts through chromedriver\n    error: {e}")
        return 1
    try:
        run_checks(s, base, shot)
        check_key(s, key_base)
    finally:
        s.quit()
    return 1 if failed else 0


# --- helpers on the page ------------------------------------------------------

def query_of(s):
    """The query part of the page's URL, decoded: {name: [values]}."""
    return urllib.parse.parse_qs(urllib.parse.urlsplit(s.url).query)


def total(s):
    t = s.find("#summary").attr("data-total")
    return int(t) if t is not None else None


def wait_results(s, q):
    """Waits until the results of query Q are shown; returns the total."""
    def ready():
        if s.execute("return document.getElementById('results-view').hidden"
                     " || document.getElementById('results-view').getAttribute('aria-busy')"
                     " === 'true'"):
            return None
        if q not in query_of(s).get("q", []):
            return None
        return s.execute("const e = document.getElementById('summary');"
                         " return e.textContent && e.dataset.total !== undefined"
                         " ? Number(e.dataset.total) + 1 : 0")
    return wait(f"results of {q!r}", ready) - 1


def load(s, base, **params):
    """Opens the page at BASE with the URL parameters PARAMS."""
    qs = urllib.parse.urlencode(params, doseq=True)
    s.get(base + "/" + ("?" + qs if qs else ""))


def hit_ids(s):
    return s.execute("return Array.from(document.querySelectorAll('#hits a.hit-link'),"
                     " a => a.dataset.id)")


def doc_open(s):
    return s.execute("return !document.getElementById('doc-view').hidden"
                     " && document.getElementById('doc-title').textContent !== '…'")


def results_shown(s):
    return s.execute("return !document.getElementById('results-view').hidden"
                     " && document.getElementById('doc-view').hidden")


# --- the checks -----------------------------------------------------------------

def check_key(s, key_base):
    @check("a server with --api-key: the page asks for the key once, then searches with it")
    def _():
        load(s, key_base, q=SIMPLIFIED)
        wait("the key form", lambda: s.execute("return !document.getElementById('key-form').hidden"))
        ensure(s.execute("return document.activeElement.id") == "key", "the key field focused",
               s.execute("return document.activeElement.id"))
        s.find("#key").type("e2e-key" + KEYS["Enter"])
        n = wait_results(s, SIMPLIFIED)
        ensure(n > 10, f"more than 10 hits for {SIMPLIFIED} with the key", n)
        ensure(s.execute("return document.getElementById('key-form').hidden"), "the form hidden", False)


def run_checks(s, base, shot):
    state = {}

    @check(f"typing {SIMPLIFIED} finds {TC_NOTICE} with <mark>{TRADITIONAL}</mark> in its snippet")
    def _():
        load(s, base)
        q = wait("the search box", lambda: s.find("#q"))
        ensure(s.execute("return document.activeElement.id") == "q",
               "the search box focused on load", s.execute("return document.activeElement.id"))
        q.type(SIMPLIFIED)
        n = wait_results(s, SIMPLIFIED)
        ensure(n > 10, f"more than 10 hits for {SIMPLIFIED}", n)
        ids = hit_ids(s)
        ensure(TC_NOTICE in ids, f"{TC_NOTICE} among the first hits", ids)
        marks = s.execute("const a = document.querySelector('#hits a.hit-link[data-id=\"'"
                          " + arguments[0] + '\"]');"
                          " return Array.from(a.closest('li').querySelectorAll('.snippet mark'),"
                          " m => m.textContent)", TC_NOTICE)
        ensure(TRADITIONAL in marks, f"<mark>{TRADITIONAL}</mark> in the snippet", marks)
        summary = s.find("#summary").text
        ensure(f"{n} " in summary and "ms" in summary, f"'{n} ... ms' in the summary", summary)
        state["total"] = n

    @check("a facet value narrows the results, shows a chip and goes with its chip")
    def _():
        load(s, base, q=SIMPLIFIED)
        n0 = wait_results(s, SIMPLIFIED)
        button = wait("a kind facet value",
                      lambda: s.find_all(".facet button[data-field='kind']"))[0]
        value = button.attr("data-value")
        button.click()
        want = f"kind:{value}"
        wait(f"filter={want} in the URL", lambda: want in query_of(s).get("filter", []))
        n1 = wait_results(s, SIMPLIFIED)
        ensure(0 < n1 < n0, f"fewer hits than {n0}, and some", n1)
        chips = [c.text for c in s.find_all("#chips button")]
        ensure(any(value in c for c in chips), f"a chip for {want}", chips)
        s.find("#chips button").click()
        wait("the filter gone from the URL", lambda: "filter" not in query_of(s))
        n2 = wait_results(s, SIMPLIFIED)
        ensure(n2 == n0, f"{n0} hits again", n2)

    @check("a year facet sets after= and before= to that year")
    def _():
        load(s, base, q=SIMPLIFIED)
        n0 = wait_results(s, SIMPLIFIED)
        button = wait("a year facet value",
                      lambda: s.find_all(".facet button[data-field='year']"))[0]
        year = button.attr("data-value")
        button.click()
        wait(f"after={year}&before={year} in the URL",
             lambda: query_of(s).get("after") == [year] and query_of(s).get("before") == [year])
        n1 = wait_results(s, SIMPLIFIED)
        ensure(0 < n1 < n0, f"fewer hits than {n0}, and some", n1)
        ensure(s.find("#after").prop("value") == year, f"{year} in the date box",
               s.find("#after").prop("value"))

    @check("records bring facets of their table's columns (省份)")
    def _():
        load(s, base, q=SIMPLIFIED, type="record")
        wait_results(s, SIMPLIFIED)
        fields = wait("a facet of the column 省份",
                      lambda: "省份" in (f := [b.attr("data-field") for b in
                                              s.find_all(".facet button[data-field]")]) and f)
        ensure("省份" in fields, "a 省份 facet", sorted(set(fields)))
        ensure(not set(fields) & {"notice_number", "序號"}, "no facet of notice_number or 序號",
               sorted(set(fields)))

    @check("a notice opens with its fields; Escape returns to the same results")
    def _():
        load(s, base, q=SIMPLIFIED)
        n0 = wait_results(s, SIMPLIFIED)
        s.find(f"#hits a.hit-link[data-id='{TC_NOTICE}']").click()
        wait("the document view", lambda: doc_open(s))
        ensure(query_of(s).get("doc") == [TC_NOTICE], f"doc={TC_NOTICE} in the URL", s.url)
        fields = s.execute("return Array.from(document.querySelectorAll('#doc-fields dd'),"
                           " d => d.textContent)")
        ensure("國科發區〔2020〕73號" in fields, "the notice number among the fields", fields)
        ensure(any(TRADITIONAL in f and len(f) > 500 for f in fields),
               "the full body among the fields", [f[:40] for f in fields])
        s.press("Escape")
        wait("the results again", lambda: results_shown(s))
        ensure("doc" not in query_of(s), "no doc= in the URL", s.url)
        ensure(wait_results(s, SIMPLIFIED) == n0, f"{n0} hits", total(s))

    @check("a record opens with its cells and its notice; Back returns to the results")
    def _():
        load(s, base, q=SIMPLIFIED, type="record")
        wait_results(s, SIMPLIFIED)
        rec = [i for i in hit_ids(s) if i.startswith(TC_NOTICE + "#")]
        ensure(rec, f"a record of {TC_NOTICE}", hit_ids(s))
        s.find(f"#hits a.hit-link[data-id='{rec[0]}']").click()
        wait("the document view", lambda: doc_open(s))
        names = s.execute("return Array.from(document.querySelectorAll('#doc-fields dt'),"
                          " d => d.textContent)")
        ensure("省份" in names, "the cell 省份 among the fields", names)
        wait("its notice", lambda: s.find("#doc-notice").displayed())
        link = s.find("#doc-notice-link")
        ensure(link.attr("data-id") == TC_NOTICE, f"a link to {TC_NOTICE}", link.attr("data-id"))
        ensure("眾創空間" in link.text, "the notice's title", link.text)
        s.find("#back").click()
        wait("the results again", lambda: results_shown(s))
        ensure(query_of(s).get("type") == ["record"], "type=record still in the URL", s.url)
        # And the browser's own Back does the same.
        s.find(f"#hits a.hit-link[data-id='{rec[0]}']").click()
        wait("the document view", lambda: doc_open(s))
        s.back()
        wait("the results after the browser's Back", lambda: results_shown(s))

    @check("the URL restores the whole state on load (q, type, dates, filter, offset, doc)")
    def _():
        load(s, base, q=SIMPLIFIED, type="record", offset="10")
        n = wait_results(s, SIMPLIFIED)
        ensure(n > 10, "more than 10 records", n)
        info = s.find("#page-info").text
        ensure(info.startswith("11–"), "page 11– in the pager", info)
        ensure(s.find("input[name='type'][value='record']").prop("checked"),
               "the type 记录 checked", False)
        ensure(s.find("#q").prop("value") == SIMPLIFIED, "the query in the box",
               s.find("#q").prop("value"))
        s.find("#prev").click()
        wait("offset gone from the URL", lambda: "offset" not in query_of(s))
        load(s, base, q=SIMPLIFIED, after="2020", before="2020-12-31", filter="省份:江蘇",
             doc=TC_NOTICE)
        wait("the document view", lambda: doc_open(s))
        chips = [c.text for c in s.find_all("#chips button")]
        ensure(len(chips) == 3, "3 chips (省份, from, to)", chips)
        s.press("Escape")
        wait("the results", lambda: results_shown(s))
        n2 = wait_results(s, SIMPLIFIED)
        ensure(0 < n2 < n, f"fewer than {n} hits with the filters", n2)

    @check("keyboard: / focuses the box, arrows move through hits, Enter opens, Escape closes")
    def _():
        load(s, base)
        wait("the page", lambda: s.find("#q"))
        s.execute("document.activeElement.blur()")
        s.press("/")
        ensure(s.execute("return document.activeElement.id") == "q", "the box focused by /",
               s.execute("return document.activeElement.outerHTML.slice(0, 80)"))
        s.active().type(SIMPLIFIED)
        wait_results(s, SIMPLIFIED)
        ids = hit_ids(s)
        s.press("ArrowDown", "ArrowDown")
        focused = s.execute("return document.activeElement.dataset.id")
        ensure(focused == ids[1], f"the 2nd hit ({ids[1]}) focused", focused)
        ensure(s.execute("return getComputedStyle(document.activeElement).outlineStyle")
               != "none", "a visible focus outline", "outline-style: none")
        s.press("Enter")
        wait("the document view", lambda: doc_open(s))
        s.press("Escape")
        wait("the results again", lambda: results_shown(s))
        focused = s.execute("return document.activeElement.dataset.id")
        ensure(focused == ids[1], f"the focus back on {ids[1]}", focused)

    @check(f"the query {HOSTILE} shows as text: no alert, no script element")
    def _():
        load(s, base)
        wait("the page", lambda: s.find("#q"))
        scripts = s.execute("return document.scripts.length")
        s.find("#q").type(HOSTILE)
        shown = wait("the query shown back", lambda: HOSTILE in s.execute(
            "return document.getElementById('summary').textContent"
            " + document.getElementById('error').textContent"))
        ensure(shown, "the query in the summary or the error", shown)
        ensure(s.alert_text() is None, "no alert", s.alert_text())
        ensure(s.execute("return document.scripts.length") == scripts,
               f"{scripts} script element(s)", s.execute("return document.scripts.length"))

    @check("a document holding markup shows it as text, highlighted with <mark> only")
    def _():
        load(s, base, q="粗体")
        wait_results(s, "粗体")
        hit = s.find("#hits li")
        html = s.execute("return arguments[0].innerHTML", hit)
        ensure("<img" not in html and "<b>" not in html and "<script" not in html,
               "no img, b or script element in the hit", html[:300])
        text = hit.text
        ensure("<img src=x onerror=alert(2)>" in text and "<b>" in text,
               "the markup as text", text[:300])
        marks = [m.text for m in hit.find_all("mark")]
        ensure("粗体" in marks, "<mark>粗体</mark>", marks)
        ensure(s.alert_text() is None, "no alert", s.alert_text())

    @check("a bad query's error shows inline under the box, its column marked")
    def _():
        load(s, base)
        wait("the page", lambda: s.find("#q"))
        s.find("#q").type("众创 (空间")
        err = wait("the error", lambda: s.execute(
            "const e = document.getElementById('error'); return !e.hidden && e.textContent"))
        ensure("(" in err, "a message about the '('", err)
        marked = s.execute("const m = document.querySelector('#error .at mark');"
                           " return m && m.textContent")
        ensure(marked == "(", "the '(' at the error's column marked", marked)
        ensure(not s.find_all("#hits li"), "no hits shown", len(s.find_all("#hits li")))

    @check("390 px wide: one column, no horizontal scroll (results and document)")
    def _():
        s.set_window(390, 844)
        try:
            load(s, base, q=SIMPLIFIED, filter="省份:江蘇")
            wait_results(s, SIMPLIFIED)
            wide = s.execute("return [document.documentElement.scrollWidth,"
                             " document.documentElement.clientWidth]")
            ensure(wide[0] <= wide[1], "scrollWidth <= clientWidth", wide)
            cols = s.execute("return getComputedStyle(document.querySelector('.layout'))"
                             ".gridTemplateColumns.split(' ').length")
            ensure(cols == 1, "one grid column", cols)
            s.find("#hits a.hit-link").click()
            wait("the document view", lambda: doc_open(s))
            wide = s.execute("return [document.documentElement.scrollWidth,"
                             " document.documentElement.clientWidth]")
            ensure(wide[0] <= wide[1], "scrollWidth <= clientWidth in the document", wide)
        finally:
            s.set_window(1200, 900)

    @check(f"a screenshot of the results (1200x900) in {shot}")
    def _():
        # The window holds more than the page: grow it until the page
        # itself (the viewport) is 1200x900.
        s.set_window(1200, 900)
        inner = s.execute("return [window.innerWidth, window.innerHeight]")
        s.set_window(1200 + 1200 - inner[0], 900 + 900 - inner[1])
        load(s, base, q=SIMPLIFIED)
        wait_results(s, SIMPLIFIED)
        wait("the facets", lambda: s.find_all(".facet button[data-field='省份']"))
        s.execute("document.activeElement.blur()")
        png = s.screenshot()
        ensure(png[:8] == b"\x89PNG\r\n\x1a\n", "a PNG", png[:8])
        width, height = struct.unpack(">II", png[16:24])
        ensure(1150 <= width <= 1250 and 850 <= height <= 950, "about 1200x900", (width, height))
        with open(shot, "wb") as f:
            f.write(png)

    @check("the page logged no errors (CSP violations, exceptions)")
    def _():
        try:
            log = s.browser_log()
        except WebDriverError as e:
            raise CheckFailed(f"    expected: chromedriver's browser log\n    got: {e}")
        # The bad query's 400 is logged by Chromium too; anything else is not
        # expected.
        bad = [e.get("message", "") for e in log if e.get("level") == "SEVERE"
               and "status of 400" not in e.get("message", "")]
        ensure(not bad, "no SEVERE console messages", bad[:5])


if __name__ == "__main__":
    sys.exit(main())
