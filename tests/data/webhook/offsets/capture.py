#!/usr/bin/python3
"""Records the webhook body the real Alertmanager 0.25 sends for alerts
posted with UTC offsets (alerts.json): am-0.25.body, byte for byte.

    /usr/bin/python3 tests/data/webhook/offsets/capture.py

Starts /usr/bin/prometheus-alertmanager (TZ=UTC, free ports on
127.0.0.1) with capture.yml, posts alerts.json, keeps the first webhook
request body, stops Alertmanager.
"""
import http.server
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
bodies = []


class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers['Content-Length'])
        bodies.append(self.rfile.read(n))
        self.send_response(200)
        self.send_header('Content-Length', '0')
        self.end_headers()

    def log_message(self, *a):
        pass


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def main():
    sink = http.server.HTTPServer(('127.0.0.1', 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    work = tempfile.mkdtemp()
    with open(os.path.join(HERE, 'capture.yml')) as f:
        cfg = f.read().replace('SINKPORT', str(sink.server_address[1]))
    with open(os.path.join(work, 'am.yml'), 'w') as f:
        f.write(cfg)
    port = free_port()
    am = subprocess.Popen(
        ['/usr/bin/prometheus-alertmanager',
         '--config.file=' + os.path.join(work, 'am.yml'),
         '--storage.path=' + os.path.join(work, 'data'),
         '--web.listen-address=127.0.0.1:%d' % port,
         '--web.external-url=http://am.example:9093',
         '--cluster.listen-address='],
        env=dict(os.environ, TZ='UTC'), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        url = 'http://127.0.0.1:%d/api/v2/alerts' % port
        with open(os.path.join(HERE, 'alerts.json'), 'rb') as f:
            data = f.read()
        for _ in range(100):
            try:
                req = urllib.request.Request(
                    url, data=data,
                    headers={'Content-Type': 'application/json'})
                urllib.request.urlopen(req).read()
                break
            except OSError:
                time.sleep(0.1)
        for _ in range(100):
            if bodies:
                break
            time.sleep(0.1)
        with open(os.path.join(HERE, 'am-0.25.body'), 'wb') as f:
            f.write(bodies[0])
    finally:
        am.terminate()
        am.wait()
        shutil.rmtree(work)


main()
