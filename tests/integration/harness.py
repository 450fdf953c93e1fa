"""Test harness for alertd's integration tests (and anyone adding more).

Everything runs on 127.0.0.1 with ports picked by the kernel, in temporary
directories, so tests can run while others run theirs on the same machine.
Every process started here is stopped by its owner (the fixtures in
conftest.py stop them at teardown, also when a test fails).

    Alertd(binary, config_text, workdir)   build/alertd with a config file
    Alertmanager(config_text, workdir)     the real prometheus-alertmanager
    WebhookSink()                          collects webhook notifications

Both daemons share one interface: start(), stop(), url(path), get(),
post_alerts(), alerts(), reload(), sighup(), log().  A config text may use
{webhook} (replaced by a WebhookSink's URL when one is given).
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_ports(n):
    """n distinct TCP ports free on 127.0.0.1 right now."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(('127.0.0.1', 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def free_port():
    """A TCP port free on 127.0.0.1 right now."""
    return free_ports(1)[0]


def wait_http(port, path='/-/ready', timeout=10.0, proc=None):
    """Polls GET path until it answers 200; raises on timeout or exit."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError('process exited with %d' % proc.returncode)
        try:
            c = http.client.HTTPConnection('127.0.0.1', port, timeout=1)
            c.request('GET', path)
            r = c.getresponse()
            r.read()
            c.close()
            if r.status == 200:
                return
            last = r.status
        except OSError as e:
            last = e
        time.sleep(0.02)
    raise TimeoutError('%s on port %d not ready: %r' % (path, port, last))


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers          # lower-case names
        self.body = body                # bytes

    @property
    def text(self):
        return self.body.decode('utf-8', 'replace')

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return '<Response %d %r>' % (self.status, self.body[:200])


def request(port, method, path, body=None, headers=None, timeout=10):
    """One HTTP request with http.client (no header rewriting)."""
    if isinstance(body, (list, dict)):
        body = json.dumps(body).encode()
        headers = dict({'Content-Type': 'application/json'},
                       **(headers or {}))
    elif isinstance(body, str):
        body = body.encode('utf-8', 'surrogateescape')
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=timeout)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return Response(r.status, hdrs, data)


class _Daemon:
    """What Alertd and Alertmanager share."""

    prefix = ''

    def __init__(self, config_text, workdir, args=(), webhook=None,
                 prefix=''):
        self.workdir = str(workdir)
        os.makedirs(self.workdir, exist_ok=True)
        self.config_path = os.path.join(self.workdir, 'alertmanager.yml')
        self.storage = os.path.join(self.workdir, 'data')
        self.webhook = webhook
        self.write_config(config_text)
        self.args = list(args)
        self.prefix = prefix.rstrip('/')
        self.port = None
        self.proc = None
        self.log_path = os.path.join(self.workdir, 'daemon.log')

    def write_config(self, text):
        if self.webhook is not None:
            text = text.replace('{webhook}', self.webhook.url)
        with open(self.config_path, 'w') as f:
            f.write(text)

    def command(self):
        raise NotImplementedError

    def start(self, wait=True, port=None):
        self.port = port or free_port()
        self._log = open(self.log_path, 'ab')
        self.proc = subprocess.Popen(self.command(), stdout=self._log,
                                     stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        if wait:
            wait_http(self.port, self.prefix + '/-/ready', proc=self.proc)
        return self

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Stops the process; returns its exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        self.proc = None
        self._log.close()
        return rc

    def sighup(self):
        self.proc.send_signal(signal.SIGHUP)

    def log(self):
        with open(self.log_path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')

    def url(self, path):
        return 'http://127.0.0.1:%d%s%s' % (self.port, self.prefix, path)

    def request(self, method, path, body=None, headers=None, raw_path=False):
        return request(self.port, method,
                       path if raw_path else self.prefix + path,
                       body, headers)

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def post_alerts(self, alerts, headers=None):
        return self.request('POST', '/api/v2/alerts', alerts, headers)

    def alerts(self, **params):
        """GET /api/v2/alerts; params may hold lists (repeated keys)."""
        q = urllib.parse.urlencode(params, doseq=True)
        r = self.get('/api/v2/alerts' + ('?' + q if q else ''))
        assert r.status == 200, r
        return r.json()

    def reload(self):
        return self.request('POST', '/-/reload')

    def status(self):
        r = self.get('/api/v2/status')
        assert r.status == 200, r
        return r.json()


class Alertd(_Daemon):
    """build/alertd (ALERTD_BUILD names the build directory)."""

    def __init__(self, binary, config_text, workdir, **kw):
        super().__init__(config_text, workdir, **kw)
        self.binary = binary

    def command(self):
        cmd = [self.binary, '--config.file=' + self.config_path,
               '--storage.path=' + self.storage,
               '--web.listen-address=127.0.0.1:%d' % self.port,
               '--cluster.listen-address=']
        if self.prefix:
            cmd.append('--web.route-prefix=' + self.prefix)
        return cmd + self.args


class Alertmanager(_Daemon):
    """The real Alertmanager 0.25 (Debian's prometheus-alertmanager)."""

    binary = '/usr/bin/prometheus-alertmanager'

    def command(self):
        cmd = [self.binary, '--config.file=' + self.config_path,
               '--storage.path=' + self.storage,
               '--web.listen-address=127.0.0.1:%d' % self.port,
               '--cluster.listen-address=']
        if self.prefix:
            cmd.append('--web.route-prefix=' + self.prefix)
        return cmd + self.args


class WebhookSink:
    """An HTTP server recording every POST (Alertmanager's webhook payload).

    status: the HTTP status to answer (can be changed while running).
    """

    def __init__(self):
        self.requests = []          # dicts: path, headers, body, json, t
        self.status = 200
        self.cond = threading.Condition()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(n)
                try:
                    doc = json.loads(body)
                except ValueError:
                    doc = None
                with sink.cond:
                    sink.requests.append({
                        'path': self.path, 'headers': dict(self.headers),
                        'body': body, 'json': doc, 't': time.time()})
                    sink.cond.notify_all()
                self.send_response(sink.status)
                self.send_header('Content-Length', '0')
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = 'http://127.0.0.1:%d/' % self.port
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()

    def wait_for(self, n, timeout=10.0):
        """Waits until n requests arrived; returns them all."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.requests) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError('%d of %d webhook requests'
                                       % (len(self.requests), n))
                self.cond.wait(left)
            return list(self.requests)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


WEBHOOK_CONFIG = """global:
  resolve_timeout: 5m
route:
  receiver: web
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
  - matchers: ['team="ops"']
    receiver: ops
    continue: true
  - matchers: ['team=~"ops|db"']
    receiver: db
receivers:
- name: web
  webhook_configs:
  - url: '{webhook}'
- name: ops
  webhook_configs:
  - url: '{webhook}ops'
- name: db
  webhook_configs:
  - url: '{webhook}db'
"""
