"""webdriver: a small W3C WebDriver client, Python standard library only.

Speaks the W3C WebDriver protocol (https://www.w3.org/TR/webdriver2/) as
JSON over HTTP to a running driver (Debian's chromedriver, from the package
chromium-driver), for tests/browser_page.py. Only what the tests use:
sessions, navigation, elements found by CSS selector, typing, key presses,
script execution, alerts, window size and screenshots.

Errors the driver reports are raised as WebDriverError(error, message),
where error is the protocol's code ("no such element", "no such alert",
"stale element reference", ...).
"""
import base64
import json
import time
import urllib.error
import urllib.request

# The key of an element reference in the protocol's JSON.
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"

# Code points the protocol reserves for keys that type no character.
KEYS = {
    "Tab": "\ue004",
    "Enter": "\ue007",
    "Escape": "\ue00c",
    "ArrowUp": "\ue013",
    "ArrowDown": "\ue015",
    "Backspace": "\ue003",
}


class WebDriverError(Exception):
    def __init__(self, error, message):
        super().__init__(f"{error}: {message}")
        self.error = error
        self.message = message


def _request(method, url, body, timeout):
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            payload = json.load(resp)
    except urllib.error.HTTPError as e:
        try:
            payload = json.load(e)
        except ValueError:
            raise WebDriverError("http error", f"{method} {url}: HTTP {e.code}") from None
    value = payload.get("value") if isinstance(payload, dict) else None
    if isinstance(value, dict) and "error" in value:
        raise WebDriverError(value["error"], value.get("message", "").split("\n")[0])
    return value


class Element:
    def __init__(self, session, ref):
        self.session = session
        self.ref = ref

    def _cmd(self, method, path, body=None):
        return self.session.cmd(method, f"/element/{self.ref}{path}", body)

    def click(self):
        self._cmd("POST", "/click", {})

    def type(self, text):
        """Types TEXT into the element, key by key (special keys: KEYS)."""
        self._cmd("POST", "/value", {"text": text})

    def clear(self):
        self._cmd("POST", "/clear", {})

    @property
    def text(self):
        return self._cmd("GET", "/text")

    def prop(self, name):
        return self._cmd("GET", f"/property/{name}")

    def attr(self, name):
        return self._cmd("GET", f"/attribute/{name}")

    def displayed(self):
        return self._cmd("GET", "/displayed")

    def find(self, css):
        return Element(self.session, self._cmd("POST", "/element",
                                               {"using": "css selector", "value": css})[ELEMENT])

    def find_all(self, css):
        found = self._cmd("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(self.session, e[ELEMENT]) for e in found]


class Session:
    """A browser session: created by the constructor, ended by quit()."""

    def __init__(self, driver_url, capabilities, timeout=60):
        self.base = driver_url.rstrip("/")
        self.timeout = timeout
        value = _request("POST", self.base + "/session",
                         {"capabilities": {"alwaysMatch": capabilities}}, timeout)
        self.id = value["sessionId"]

    def cmd(self, method, path, body=None):
        if method == "POST" and body is None:
            body = {}
        return _request(method, f"{self.base}/session/{self.id}{path}", body, self.timeout)

    def quit(self):
        try:
            _request("DELETE", f"{self.base}/session/{self.id}", None, 20)
        except (WebDriverError, OSError):
            pass

    def get(self, url):
        self.cmd("POST", "/url", {"url": url})

    @property
    def url(self):
        return self.cmd("GET", "/url")

    def back(self):
        self.cmd("POST", "/back")

    def execute(self, script, *args):
        """Runs SCRIPT (a function body; arguments in `arguments`) in the
        page; returns its result."""
        args = [{ELEMENT: a.ref} if isinstance(a, Element) else a for a in args]
        return self.cmd("POST", "/execute/sync", {"script": script, "args": args})

    def find(self, css):
        return Element(self, self.cmd("POST", "/element",
                                      {"using": "css selector", "value": css})[ELEMENT])

    def find_all(self, css):
        found = self.cmd("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(self, e[ELEMENT]) for e in found]

    def active(self):
        return Element(self, self.cmd("GET", "/element/active")[ELEMENT])

    def press(self, *keys):
        """Presses and releases KEYS (names in KEYS, or characters) on
        whatever element has the focus."""
        actions = []
        for k in keys:
            v = KEYS.get(k, k)
            actions += [{"type": "keyDown", "value": v}, {"type": "keyUp", "value": v}]
        self.cmd("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard",
                                                   "actions": actions}]})
        self.cmd("DELETE", "/actions")

    def alert_text(self):
        """The text of an open alert, or None if none is open."""
        try:
            return self.cmd("GET", "/alert/text")
        except WebDriverError as e:
            if e.error == "no such alert":
                return None
            raise

    def set_window(self, width, height):
        self.cmd("POST", "/window/rect", {"width": width, "height": height})

    def screenshot(self):
        """A PNG of the viewport, as bytes."""
        return base64.b64decode(self.cmd("GET", "/screenshot"))

    def browser_log(self):
        """Chromium's console messages since the last call (chromedriver's
        extension of the protocol; needs goog:loggingPrefs)."""
        return self.cmd("POST", "/se/log", {"type": "browser"})


def wait(what, fn, timeout=15.0, interval=0.05):
    """Polls FN until it returns something true, and returns that; after
    TIMEOUT seconds raises TimeoutError naming WHAT and FN's last result. A
    stale or missing element counts as "not yet"."""
    end = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = fn()
            if last:
                return last
        except WebDriverError as e:
            if e.error not in ("stale element reference", "no such element"):
                raise
            last = e
        if time.monotonic() > end:
            raise TimeoutError(f"{what}: not so after {timeout:g} s (last: {last!r})")
        time.sleep(interval)
