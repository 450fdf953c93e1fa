#!/usr/bin/python3
"""Records what the real Alertmanager 0.25 sends to webhooks, and the
notification log it leaves on disk, as reference data for alertd's tests.

    /usr/bin/python3 tests/data/webhook/capture.py

Starts /usr/bin/prometheus-alertmanager on 127.0.0.1 (free ports) with
capture.yml, a raw HTTP sink that keeps every request byte for byte, pushes
the alerts of alerts1.json (then alerts2.json, which resolves the first
group), waits for the notifications, stops Alertmanager with SIGTERM (which
writes its nflog snapshot), and writes:

  tests/data/webhook/am-0.25/<path>_<alertname>_<status>.body   request body
  tests/data/webhook/am-0.25/<path>_<alertname>_<status>.head   request line
                                                                and headers
  tests/data/nflog/am-0.25/nflog          Alertmanager's nflog snapshot
  tests/data/nflog/am-0.25/expected.txt   the snapshot decoded by
                                          Alertmanager's own nflogpb code
                                          (tests/data/nflog/dump.go)

All alert times are explicit, so the bodies are reproducible except for
nothing: re-running gives identical bodies (the nflog timestamps differ).
"""
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
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
OUT_W = os.path.join(HERE, "am-0.25")
OUT_N = os.path.join(ROOT, "tests", "data", "nflog", "am-0.25")

requests = []
lock = threading.Lock()


def handle(c):
    data = b""
    while True:
        while b"\r\n\r\n" not in data:
            chunk = c.recv(65536)
            if not chunk:
                c.close()
                return
            data += chunk
        head, rest = data.split(b"\r\n\r\n", 1)
        cl = 0
        for line in head.split(b"\r\n")[1:]:
            k, v = line.split(b":", 1)
            if k.strip().lower() == b"content-length":
                cl = int(v)
        while len(rest) < cl:
            rest += c.recv(65536)
        body, data = rest[:cl], rest[cl:]
        with lock:
            requests.append((head, body))
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")


def sink():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)

    def loop():
        while True:
            c, _ = srv.accept()
            threading.Thread(target=handle, args=(c,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return srv.getsockname()[1]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_for(n, timeout):
    end = time.time() + timeout
    while time.time() < end:
        with lock:
            if len(requests) >= n:
                return
        time.sleep(0.05)
    sys.exit("capture: expected %d requests, got %d" % (n, len(requests)))


def push(web, name):
    with open(os.path.join(HERE, name), "rb") as f:
        req = urllib.request.Request(
            "http://127.0.0.1:%d/prefix/api/v2/alerts" % web, data=f.read(),
            headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()


def main():
    port = sink()
    web = free_port()
    work = tempfile.mkdtemp(prefix="alertd-capture-")
    with open(os.path.join(HERE, "capture.yml")) as f:
        cfg = f.read().replace("SINKPORT", str(port))
    with open(os.path.join(work, "am.yml"), "w") as f:
        f.write(cfg)
    am = subprocess.Popen(
        ["/usr/bin/prometheus-alertmanager",
         "--config.file=" + os.path.join(work, "am.yml"),
         "--storage.path=" + os.path.join(work, "data"),
         "--web.listen-address=127.0.0.1:%d" % web,
         "--web.external-url=http://am.example:9093/prefix",
         "--cluster.listen-address="],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "am.log"), "w"))
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(
                    "http://127.0.0.1:%d/prefix/-/ready" % web).read()
                break
            except Exception:
                time.sleep(0.1)
        push(web, "alerts1.json")
        wait_for(4, 10)     # two groups x two webhooks
        push(web, "alerts2.json")
        wait_for(6, 10)     # the first group resolved, to both webhooks
        time.sleep(0.5)
    finally:
        am.send_signal(signal.SIGTERM)
        am.wait(10)
    os.makedirs(OUT_W, exist_ok=True)
    os.makedirs(OUT_N, exist_ok=True)
    for head, body in requests:
        msg = json.loads(body)
        path = head.split(b" ")[1].decode().strip("/").split("?")[0]
        alertname = msg["groupLabels"]["alertname"].strip("<>").replace("<", "")
        base = "%s_%s_%s" % (path, alertname.replace(">", ""), msg["status"])
        # the sink port changes from run to run
        head = head.replace(b"127.0.0.1:%d" % port, b"127.0.0.1:SINKPORT")
        with open(os.path.join(OUT_W, base + ".head"), "wb") as f:
            f.write(head + b"\r\n\r\n")
        with open(os.path.join(OUT_W, base + ".body"), "wb") as f:
            f.write(body)
    shutil.copy(os.path.join(work, "data", "nflog"), os.path.join(OUT_N, "nflog"))
    env = dict(os.environ, GO111MODULE="off", GOPATH="/usr/share/gocode",
               GOCACHE=os.path.join(work, "gocache"))
    out = subprocess.check_output(
        ["go", "run", os.path.join(ROOT, "tests", "data", "nflog", "dump.go"),
         os.path.join(OUT_N, "nflog")], env=env)
    with open(os.path.join(OUT_N, "expected.txt"), "wb") as f:
        f.write(out)
    shutil.rmtree(work)
    print("capture: %d requests, nflog of %d entries" %
          (len(requests), out.count(b"\n")))


if __name__ == "__main__":
    main()
