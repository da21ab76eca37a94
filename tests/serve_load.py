#!/usr/bin/env python3
"""serve_load: the clients of tests/e2e_serve_load.sh (standard library only).

  serve_load.py probe PORT SRC SECONDS PATH
      one request a connection, from address SRC, every 0.1 s for SECONDS;
      prints "requests N non200 M max_ms X p50_ms Y" (a failed connection
      counts as non-200, status 0)
  serve_load.py idle PORT N PER_ADDR SECONDS PROBE_SRC PID
      opens N keep-alive connections from 127.0.0.10, .11, ... (PER_ADDR
      each), sends GET /health on each and reads the answer, then lets them
      idle; meanwhile probes from PROBE_SRC as above for SECONDS and reads
      VmRSS of process PID; prints "opened N answered N still_open N
      requests N non200 M max_ms X rss_before_kb A rss_during_kb B"
  serve_load.py per-client PORT SRC LIMIT OTHER_SRC
      opens LIMIT connections from SRC (each answers a request), then one
      more; prints "kept N extra STATUS other STATUS" (STATUS: the HTTP
      status, or "closed" if the server closed the connection unanswered)
  serve_load.py idle-close PORT SRC
      one request, then waits; prints "closed_after S" (seconds until the
      server closed the idle connection; "never" after 30 s)
  serve_load.py limits PORT
      prints "uri STATUS headers STATUS body STATUS after STATUS" for a
      9,000-byte target, 40 kB of headers, a 70 kB body, then GET /health
"""
import os
import resource
import socket
import sys
import time

HOST = "127.0.0.1"


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def connect(port, src, timeout=5.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((src, 0))
    s.connect((HOST, port))
    return s


def read_response(s):
    """The status of one HTTP/1.1 response read from s (body by
    Content-Length), or "closed" if the server closed first."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            return "closed"
        if not chunk:
            return "closed"
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    return status


def request(s, path, headers=b"", body=None, method=b"GET"):
    msg = method + b" " + path + b" HTTP/1.1\r\nHost: x\r\n" + headers
    if body is not None:
        msg += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
    msg += b"\r\n"
    s.sendall(msg + (body or b""))
    return read_response(s)


def one(port, src, path):
    t0 = time.monotonic()
    try:
        s = connect(port, src)
        try:
            st = request(s, path.encode())
        finally:
            s.close()
    except OSError:
        st = 0
    return st, (time.monotonic() - t0) * 1e3


def probe_loop(port, src, seconds, path, during=None):
    lat, bad = [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        st, ms = one(port, src, path)
        lat.append(ms)
        if st != 200:
            bad += 1
        if during:
            during()
        time.sleep(0.1)
    lat.sort()
    return len(lat), bad, lat[-1] if lat else 0.0, lat[len(lat) // 2] if lat else 0.0


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cmd_probe(port, src, seconds, path):
    n, bad, mx, p50 = probe_loop(int(port), src, float(seconds), path)
    print("requests %d non200 %d max_ms %.1f p50_ms %.1f" % (n, bad, mx, p50))


def cmd_idle(port, n, per_addr, seconds, probe_src, pid):
    port, n, per_addr, pid = int(port), int(n), int(per_addr), int(pid)
    raise_nofile()
    before = rss_kb(pid)
    socks, answered = [], 0
    for i in range(n):
        src = "127.0.0.%d" % (10 + i // per_addr)
        try:
            s = connect(port, src)
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            socks.append(s)
        except OSError:
            pass
    for s in socks:
        try:
            if read_response(s) == 200:
                answered += 1
        except OSError:
            pass
    peak = [rss_kb(pid)]
    reqs, bad, mx, p50 = probe_loop(port, probe_src, float(seconds), "/search?q=%E9%80%9A%E7%9F%A5",
                                    lambda: peak.append(rss_kb(pid)))
    # Still open: a peek that would block (nothing to read, no EOF).
    still = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(1, socket.MSG_PEEK) == b"":
                continue
        except BlockingIOError:
            still += 1
        except OSError:
            pass
    for s in socks:
        s.close()
    print("opened %d answered %d still_open %d requests %d non200 %d max_ms %.1f p50_ms %.1f "
          "rss_before_kb %d rss_during_kb %d" % (len(socks), answered, still, reqs, bad, mx, p50,
                                                 before, max(peak)))


def cmd_per_client(port, src, limit, other_src):
    port, limit = int(port), int(limit)
    kept = []
    for _ in range(limit):
        s = connect(port, src)
        if request(s, b"/health") == 200:
            kept.append(s)
    try:
        extra_sock = connect(port, src)
        extra = request(extra_sock, b"/health")
        extra_sock.close()
    except OSError:
        extra = "closed"
    other, _ = one(port, other_src, "/health")
    for s in kept:
        s.close()
    print("kept %d extra %s other %s" % (len(kept), extra, other))


def cmd_idle_close(port, src):
    s = connect(int(port), src, timeout=30)
    request(s, b"/health")
    t0 = time.monotonic()
    try:
        got = s.recv(1)
    except socket.timeout:
        got = None
    except OSError:
        got = b""
    s.close()
    print("closed_after %s" % ("never" if got is None or got else "%.1f" % (time.monotonic() - t0)))


def cmd_limits(port):
    port = int(port)
    out = []
    s = connect(port, "127.0.0.1")
    out.append(("uri", request(s, b"/search?q=" + b"a" * (9000 - len(b"/search?q=")))))
    s.close()
    s = connect(port, "127.0.0.1")
    hdrs = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"y" * 990) for i in range(40))
    out.append(("headers", request(s, b"/health", headers=hdrs)))
    s.close()
    s = connect(port, "127.0.0.1")
    out.append(("body", request(s, b"/search", body=b'{"q":"' + b"z" * 70000 + b'"}', method=b"POST")))
    s.close()
    out.append(("after", one(port, "127.0.0.1", "/health")[0]))
    print(" ".join("%s %s" % kv for kv in out))


def main():
    cmds = {"probe": cmd_probe, "idle": cmd_idle, "per-client": cmd_per_client,
            "idle-close": cmd_idle_close, "limits": cmd_limits}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.stderr.write(__doc__)
        return 2
    cmds[sys.argv[1]](*sys.argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
