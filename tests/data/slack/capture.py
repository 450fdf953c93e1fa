#!/usr/bin/python3
"""Records what the real Alertmanager 0.25 sends to Slack, as reference
data for alertd's tests.

    /usr/bin/python3 tests/data/slack/capture.py

Starts /usr/bin/prometheus-alertmanager on 127.0.0.1 (free ports) with
capture.yml, whose Slack api_urls point at a raw HTTP sink on loopback that
keeps every request byte for byte and answers 200 "ok" (as Slack's incoming
webhooks do), pushes the alerts of alerts1.json, then alerts2.json (which
resolves the first group), waits for the notifications, stops Alertmanager
and writes:

  am-0.25/<path>_<alertname>_<status>.body   request body
  am-0.25/<path>_<alertname>_<status>.head   request line and headers

All alert times are explicit and the templates use no clock, so a re-run
gives identical bodies.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "am-0.25")

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
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                  b"Content-Length: 2\r\n\r\nok")


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
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(work, "am.log"), "w"))
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(
                    "http://127.0.0.1:%d/prefix/-/ready" % web).read()
                break
            except Exception:
                time.sleep(0.1)
        push(web, "alerts1.json")
        # Disk<Full>: default, custom; Long: default, custom, long
        wait_for(5, 10)
        push(web, "alerts2.json")
        wait_for(7, 10)     # Disk<Full> resolved: default, custom
        time.sleep(0.5)
    finally:
        am.send_signal(signal.SIGTERM)
        am.wait(10)
    os.makedirs(OUT, exist_ok=True)
    for head, body in requests:
        path = head.split(b" ")[1].decode().strip("/")
        msg = json.loads(body)
        att = msg["attachments"][0]
        # the default and custom templates say which group it is
        name = "Long" if "Long" in body.decode() else "DiskFull"
        status = "resolved" if ("RESOLVED" in att.get("title", "") or
                                "good" == att.get("color") or
                                "#00ff00" == att.get("color")) else "firing"
        base = "%s_%s_%s" % (path, name, status)
        head = head.replace(b"127.0.0.1:%d" % port, b"127.0.0.1:SINKPORT")
        with open(os.path.join(OUT, base + ".head"), "wb") as f:
            f.write(head + b"\r\n\r\n")
        with open(os.path.join(OUT, base + ".body"), "wb") as f:
            f.write(body)
    print("capture: %d requests" % len(requests))
    os.system("rm -rf " + work)


if __name__ == "__main__":
    main()
