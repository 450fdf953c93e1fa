#!/usr/bin/python3
"""Webhook notifications per second of a whole daemon (alertd or the real
Alertmanager), end to end: dispatcher, pipeline, notification log, HTTP.

    notify_burst.py NOTIFY_BENCH BINARY [N] [WAIT]

NOTIFY_BENCH is contrib/bench/notify_bench.c built (its `sink` mode is a
fast epoll HTTP sink); BINARY the daemon (build/alertd or
/usr/bin/prometheus-alertmanager).  N alerts (default 20000), each its own
group (group_by: [instance]), are pushed with group_wait 1h; then the
config is changed to group_wait 1s and reloaded with SIGHUP.  The rebuilt
groups hold alerts older than group_wait, so every group flushes at once:
a burst of N notifications.  Prints the sink's count and the time from
its first to its last request, the connections it accepted, and the
daemon's CPU time during the burst.  Everything on 127.0.0.1, free ports,
temporary directory; both processes are stopped at the end.
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
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def cpu(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def main():
    bench, binary = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
    wait = float(sys.argv[4]) if len(sys.argv) > 4 else 15
    work = tempfile.mkdtemp(prefix="notify-burst-")
    sink = subprocess.Popen([bench, "sink"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    port = int(sink.stdout.readline())
    web = free_port()
    cfg = os.path.join(work, "am.yml")
    text = """route:
  receiver: r
  group_by: [instance]
  group_wait: 1h
  group_interval: 1h
  repeat_interval: 1h
receivers:
- name: r
  webhook_configs:
  - url: http://127.0.0.1:%d/hook
""" % port
    with open(cfg, "w") as f:
        f.write(text)
    d = subprocess.Popen([binary, "--config.file=" + cfg,
                          "--storage.path=" + os.path.join(work, "data"),
                          "--web.listen-address=127.0.0.1:%d" % web,
                          "--cluster.listen-address="],
                         stdout=subprocess.DEVNULL,
                         stderr=open(os.path.join(work, "log"), "w"))
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", web)
                c.request("GET", "/-/ready")
                c.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        c = http.client.HTTPConnection("127.0.0.1", web)
        for b in range(0, n, 500):
            alerts = [{"labels": {
                "alertname": "HighCPU", "instance": "host-%d:9100" % i,
                "job": "node", "severity": "warning", "team": "infra",
                "cluster": "eu-1", "env": "prod", "region": "eu-west"},
                "annotations": {"summary": "CPU usage above 90% for 5m",
                                "runbook": "https://runbooks.example/cpu"}}
                for i in range(b, min(n, b + 500))]
            c.request("POST", "/api/v2/alerts", json.dumps(alerts),
                      {"Content-Type": "application/json"})
            c.getresponse().read()
        time.sleep(2)
        with open(cfg, "w") as f:
            f.write(text.replace("group_wait: 1h", "group_wait: 1s"))
        c0 = cpu(d.pid)
        d.send_signal(signal.SIGHUP)
        time.sleep(wait)
        c1 = cpu(d.pid)
    finally:
        d.send_signal(signal.SIGTERM)
        d.wait()
        sink.stdin.close()
        out = json.loads(sink.stdout.read())
        sink.wait()
        shutil.rmtree(work)
    out["daemon_cpu_s"] = round(c1 - c0, 2)
    out["per_s"] = round(out["requests"] / out["seconds"]) \
        if out["seconds"] else 0
    print(json.dumps(out))


if __name__ == "__main__":
    main()
