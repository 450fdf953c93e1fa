#!/usr/bin/python3
"""Writes am-0.25/silences (a silences snapshot written by Debian's
prometheus-alertmanager 0.25 on SIGTERM) and am-0.25/expected.json (its
GET /api/v2/silences answer just before), for check_silence_store.c.

Run: /usr/bin/python3 tests/data/silences/record-am-snapshot.py
"""
import json, os, shutil, signal, socket, subprocess, tempfile, time, urllib.request

SILENCES = [
    {"matchers": [{"name": "alertname", "value": "Disk", "isRegex": False}],
     "startsAt": "2026-01-01T00:00:00Z", "endsAt": "2031-01-01T00:00:00Z",
     "createdBy": "ops", "comment": "maintenance"},
    {"matchers": [{"name": "job", "value": "api", "isRegex": False, "isEqual": False},
                  {"name": "instance", "value": "10\\.0\\..*", "isRegex": True}],
     "startsAt": "2026-01-01T00:00:00Z", "endsAt": "2031-06-01T12:30:00.250+02:00",
     "createdBy": "sre@example.org", "comment": "h\u00e9llo \"quoted\" <tag>"},
    {"matchers": [{"name": "severity", "value": "info|debug", "isRegex": True, "isEqual": False},
                  {"name": "team", "value": "db", "isRegex": False}],
     "startsAt": "2030-01-01T00:00:00Z", "endsAt": "2030-02-01T00:00:00Z",
     "createdBy": "me", "comment": "pending one"},
    {"matchers": [{"name": "alertname", "value": "Expired", "isRegex": False}],
     "startsAt": "2026-01-01T00:00:00Z", "endsAt": "2031-01-01T00:00:00Z",
     "createdBy": "me", "comment": "expired by DELETE"},
]

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def req(url, method, body=None):
    r = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                               method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(r, timeout=10) as resp:
        return resp.read().decode()

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "am-0.25")
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        cfg = os.path.join(d, "am.yml")
        open(cfg, "w").write("route:\n  receiver: 'null'\nreceivers:\n- name: 'null'\n")
        port = free_port()
        p = subprocess.Popen(["prometheus-alertmanager", "--config.file", cfg, "--storage.path", d,
                              "--web.listen-address", "127.0.0.1:%d" % port, "--cluster.listen-address="],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = "http://127.0.0.1:%d/api/v2" % port
        try:
            for _ in range(100):
                try:
                    req(base + "/status", "GET"); break
                except OSError:
                    time.sleep(0.1)
            ids = [json.loads(req(base + "/silences", "POST", s))["silenceID"] for s in SILENCES]
            req(base + "/silence/" + ids[3], "DELETE")
            expected = req(base + "/silences", "GET")
        finally:
            p.send_signal(signal.SIGTERM); p.wait(10)
        shutil.copy(os.path.join(d, "silences"), os.path.join(out, "silences"))
        open(os.path.join(out, "expected.json"), "w").write(expected)
    print("wrote", out)

main()
