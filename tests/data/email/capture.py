#!/usr/bin/python3
"""Records the e-mails the real Alertmanager 0.25 sends, as reference data
for alertd's tests.

    /usr/bin/python3 tests/data/email/capture.py

Starts an SMTP server on 127.0.0.1 (Debian's python3-aiosmtpd, no TLS, no
AUTH) and /usr/bin/prometheus-alertmanager (free ports) with capture.yml,
pushes the alerts of alerts1.json, then alerts2.json (which resolves the
first group), waits for the messages, stops Alertmanager and writes:

  am-0.25/<receiver>_<group>_<status>.eml    the message as the server
                                             received it (DATA, after
                                             dot-unstuffing), byte for byte
  am-0.25/<receiver>_<group>_<status>.json   the envelope: EHLO name,
                                             MAIL FROM and its parameters,
                                             RCPT TO

What differs from run to run: the Date header (local time), Message-Id
(time, a random number, the host name) and the multipart boundary (30
random bytes in hex).  Header order also changes from run to run:
Alertmanager writes the configured headers (Subject, To, From and the
user's) in Go's randomised map order.  Tests normalise these.
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

from aiosmtpd.controller import Controller

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "am-0.25")

messages = []
lock = threading.Lock()


class Handler:
    async def handle_DATA(self, server, session, envelope):
        with lock:
            messages.append({
                "ehlo": session.host_name,
                "mail_from": envelope.mail_from,
                "mail_options": envelope.mail_options,
                "rcpt_tos": envelope.rcpt_tos,
                "data": envelope.original_content,
            })
        return "250 2.0.0 queued"


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
            if len(messages) >= n:
                return
        time.sleep(0.05)
    sys.exit("capture: expected %d messages, got %d" % (n, len(messages)))


def push(web, name):
    with open(os.path.join(HERE, name), "rb") as f:
        req = urllib.request.Request(
            "http://127.0.0.1:%d/prefix/api/v2/alerts" % web, data=f.read(),
            headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()


def name_of(m):
    data = m["data"]
    to = [line for line in data.split(b"\r\n\r\n")[0].split(b"\r\n")
          if line.startswith(b"To:")][0]
    recv = "custom" if b"team@example.org" in to else "default"
    group = "DiskFull" if b"Disk" in data.split(b"\r\n\r\n")[0] else "Test"
    status = "resolved" if b"RESOLVED" in data.split(b"\r\n\r\n")[0] \
        else "firing"
    return "%s_%s_%s" % (recv, group, status)


def main():
    smtp_port = free_port()
    smtpd = Controller(Handler(), hostname="127.0.0.1", port=smtp_port)
    smtpd.start()
    web = free_port()
    work = tempfile.mkdtemp(prefix="alertd-capture-")
    with open(os.path.join(HERE, "capture.yml")) as f:
        cfg = f.read().replace("SMTPPORT", str(smtp_port))
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
        wait_for(4, 10)     # two groups, two receivers
        push(web, "alerts2.json")
        wait_for(6, 10)     # the first group resolved, both receivers
        time.sleep(0.5)
    finally:
        am.send_signal(signal.SIGTERM)
        am.wait(10)
        smtpd.stop()
    os.makedirs(OUT, exist_ok=True)
    for m in messages:
        base = name_of(m)
        with open(os.path.join(OUT, base + ".eml"), "wb") as f:
            f.write(m["data"])
        env = dict(m)
        del env["data"]
        with open(os.path.join(OUT, base + ".json"), "w") as f:
            json.dump(env, f, indent=1, sort_keys=True)
            f.write("\n")
    print("capture: %d messages" % len(messages))
    os.system("rm -rf " + work)


if __name__ == "__main__":
    main()
