"""Shared harness for the alertctl tests (test_cli*.py).

Starts the servers the tests run against -- the real Alertmanager 0.25
(Debian's prometheus-alertmanager) and, when build/alertd serves the API,
alertd -- on free loopback ports with tests/data/cli/alertmanager.yml,
seeds them through the API, and runs amtool and build/alertctl with an
isolated environment (HOME in a temporary directory, TZ=UTC, no
ALERTCTL_* variables).

ALERTCTL_TEST_SERVERS=alertmanager,alertd overrides the detection.
This module has no tests of its own.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.environ.get("ALERTD_BUILD", os.path.join(ROOT, "build"))
ALERTCTL = os.path.join(BUILD, "alertctl")
ALERTD = os.path.join(BUILD, "alertd")
AMTOOL = shutil.which("amtool") or "/usr/bin/amtool"
ALERTMANAGER = (shutil.which("prometheus-alertmanager") or
                "/usr/bin/prometheus-alertmanager")
DATA = os.path.join(ROOT, "tests", "data", "cli")
CONFIG = os.path.join(DATA, "alertmanager.yml")

UUID_RE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIME_RES = [
    re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"),
    re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [A-Z+-][A-Z0-9]+"),
]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http(method, url, body=None, timeout=5):
    """Returns (status, decoded JSON or text)."""
    data = None
    headers = {"Accept": "application/json"}
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method,
                                 headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        raw = e.read()
        status = e.code
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode(errors="replace")


class Server:
    """One Alertmanager-compatible server on a free loopback port."""

    def __init__(self, kind, config=CONFIG, extra_args=(), cluster=""):
        self.kind = kind
        self.dir = tempfile.mkdtemp(prefix="alertctl-test-")
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        binary = ALERTMANAGER if kind == "alertmanager" else ALERTD
        args = [binary, "--config.file=" + config,
                "--storage.path=" + self.dir,
                "--web.listen-address=127.0.0.1:%d" % self.port,
                "--cluster.listen-address=" + cluster] + list(extra_args)
        self.log = open(os.path.join(self.dir, "server.log"), "wb")
        self.proc = subprocess.Popen(args, stdout=self.log,
                                     stderr=subprocess.STDOUT)

    def wait(self, seconds=10):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                status, _ = http("GET", self.url + "/api/v2/status",
                                 timeout=1)
                if status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def api(self, method, path, body=None):
        return http(method, self.url + "/api/v2" + path, body)


def detect_servers():
    env = os.environ.get("ALERTCTL_TEST_SERVERS")
    if env:
        return [s for s in env.split(",") if s]
    servers = ["alertmanager"]
    if os.access(ALERTD, os.X_OK):
        s = Server("alertd")
        try:
            if s.wait(5):
                servers.append("alertd")
        finally:
            s.stop()
    return servers


SERVERS = detect_servers()


def tool_env(home, extra=None):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ALERTCTL_")}
    env.update({"HOME": home, "TZ": "UTC", "LC_ALL": "C.UTF-8"})
    env.pop("XDG_CONFIG_HOME", None)
    if extra:
        env.update(extra)
    return env


def run(binary, args, home, stdin=None, env=None, timeout=30):
    p = subprocess.run([binary] + list(args), input=stdin,
                       capture_output=True, env=tool_env(home, env),
                       timeout=timeout)
    return (p.returncode, p.stdout.decode(errors="replace"),
            p.stderr.decode(errors="replace"))


def norm_ids(s):
    return UUID_RE.sub("<ID>", s)


def norm_times(s):
    for r in TIME_RES:
        s = r.sub("<TIME>", s)
    return s


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def seed(server):
    """The state every read-only comparison runs on."""
    far = "2099-01-01T00:00:00Z"
    alerts = [
        {"labels": {"alertname": "A", "severity": "critical",
                    "cluster": "c1", "team": "db"},
         "annotations": {"summary": "Disk full on db1",
                         "runbook": "https://wiki/db?a=1&b=<2>"},
         "generatorURL": "http://prom:9090/graph?g0.expr=up&x=<y>",
         "startsAt": "2020-01-01T00:00:00Z", "endsAt": far},
        {"labels": {"alertname": "B", "severity": "warning",
                    "cluster": "c1"},
         "annotations": {"summary": "na\u00efve caf\u00e9 \u2713 <b>&"},
         "startsAt": "2020-01-01T00:00:00.250Z", "endsAt": far},
        {"labels": {"alertname": "C", "service": "api", "env": "prod"},
         "annotations": {"summary": "API slow", "description": "p99\thigh"},
         "startsAt": "2020-01-01T00:00:01.5Z", "endsAt": far},
        {"labels": {"alertname": "Silenced", "instance": "x:9100"},
         "annotations": {"summary": "should be silenced"},
         "startsAt": "2020-02-01T00:00:00Z", "endsAt": far},
        {"labels": {"alertname": "Quoted",
                    "path": "C:\\tmp \"x\"", "z": "last"},
         "startsAt": "2019-12-31T23:59:59Z", "endsAt": far},
        {"labels": {"alertname": "NoAnnotations", "service": "web"},
         "startsAt": "2020-03-01T00:00:00+02:00", "endsAt": far},
    ]
    for i in range(20):
        alerts.append({"labels": {"alertname": "Burst",
                                  "instance": "i%02d" % i},
                       "annotations": {"summary": "burst %d" % i},
                       "startsAt": "2021-06-01T12:00:00Z", "endsAt": far})
    status, body = server.api("POST", "/alerts", alerts)
    assert status == 200, body
    now = time.time()

    def silence(matchers, by, comment, ends, starts=None):
        s = {"matchers": matchers, "createdBy": by, "comment": comment,
             "startsAt": rfc3339(starts if starts else now - 60),
             "endsAt": rfc3339(ends)}
        status, body = server.api("POST", "/silences", s)
        assert status == 200, body
        return body["silenceID"]

    m = lambda n, v, eq=True, rx=False: {"name": n, "value": v,
                                         "isEqual": eq, "isRegex": rx}
    silence([m("alertname", "Silenced")], "alice", "maintenance",
            now + 7200)
    silence([m("service", "api|web", rx=True), m("env", "dev", eq=False)],
            "bob", "caf\u00e9 <deploy> & more", now + 1800)
    silence([m("alertname", "Quoted"),
             m("path", "a\"b\\\\c\nd", eq=False, rx=True)], "bob",
            "quoted", now + 10800)
    silence([m("alertname", "Future")], "dave", "pending",
            now + 18000, starts=now + 3600)
    old = silence([m("alertname", "Old")], "carol", "expired one",
                  now + 600)
    status, _ = server.api("DELETE", "/silence/" + old)
    assert status == 200
    # Many silences (pdqsort's path, not insertion sort).  Their endsAt
    # differ: the server returns equal ones in random order (Go map
    # iteration, unstable sort), so amtool's own output would vary.
    for i in range(15):
        silence([m("alertname", "Tie"), m("n", str(i))], "erin",
                "tie %d" % i, now + 14400 + (i * 7919) % 15)
    # Let the dispatcher mark silenced and inhibited alerts.
    deadline = time.time() + 10
    while time.time() < deadline:
        _, got = server.api("GET", "/alerts")
        states = {a["labels"]["alertname"]: a["status"]["state"]
                  for a in got}
        if states.get("Silenced") == "suppressed" and \
                states.get("B") == "suppressed":
            break
        time.sleep(0.1)
