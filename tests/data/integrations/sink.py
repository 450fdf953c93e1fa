"""A recording HTTP sink for the PagerDuty, OpsGenie, VictorOps, Pushover
and WeChat captures (capture_a.py) and tests (tests/integration/
test_integrations_a.py).

It listens on 127.0.0.1 (a free port) and keeps every request byte for
byte: the request line and headers as sent, and the body.  It is also an
HTTP proxy for HTTPS targets: a CONNECT is accepted and the tunnel is
answered with TLS (tests/data/tls/server.pem, so clients must skip
verification) by the same request loop.  That is how the requests to the
URLs Alertmanager hard-codes (PagerDuty's v1 events API, Pushover's API)
are recorded: the integration's http_config points proxy_url here.

Answers come from a responder (method, path, host) -> (status, body);
the default one plays each service's happy path.
"""

import json
import os
import socket
import ssl
import threading
import time

TLS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       '..', 'tls')


def default_responder(method, path, host):
    """The happy answer of each service."""
    if '/gettoken' in path:
        return 200, b'{"errcode":0,"errmsg":"ok","access_token":' \
            b'"wc-token-1","expires_in":7200}'
    if '/message/send' in path:
        return 200, b'{"errcode":0,"errmsg":"ok"}'
    if host.startswith('events.pagerduty.com') or '/pd' in path:
        return 202, b'{"status":"success","message":"Event processed"}'
    if '/og' in path:
        return 202, b'{"result":"Request will be processed","took":0.1}'
    if host.startswith('api.pushover.net'):
        return 200, b'{"status":1,"request":"r"}'
    return 200, b'{}'


class Request:
    def __init__(self, head, body, tunnel):
        self.head = head            # bytes: request line + headers
        self.body = body
        self.tunnel = tunnel        # "host:port" of the CONNECT, or None
        self.t = time.monotonic()
        line = head.split(b'\r\n', 1)[0].decode()
        self.method, self.target, _ = line.split(' ', 2)
        self.headers = {}
        for h in head.split(b'\r\n')[1:]:
            k, v = h.decode().split(':', 1)
            self.headers[k.strip().lower()] = v.strip()

    @property
    def path(self):
        return self.target

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return '<%s %s%s>' % (self.method, self.tunnel or '', self.target)


class Sink:
    def __init__(self, responder=default_responder):
        self.responder = responder
        self.requests = []
        self.cond = threading.Condition()
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.load_cert_chain(os.path.join(TLS_DIR, 'server.pem'),
                                 os.path.join(TLS_DIR, 'server-key.pem'))
        self.srv = socket.socket()
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind(('127.0.0.1', 0))
        self.srv.listen(64)
        self.port = self.srv.getsockname()[1]
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.srv.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,),
                             daemon=True).start()

    @staticmethod
    def _read_head(c, data):
        while b'\r\n\r\n' not in data:
            chunk = c.recv(65536)
            if not chunk:
                return None, data
            data += chunk
        head, rest = data.split(b'\r\n\r\n', 1)
        return head, rest

    def _serve(self, c, tunnel=None):
        data = b''
        try:
            while True:
                head, data = self._read_head(c, data)
                if head is None:
                    return
                req_line = head.split(b'\r\n', 1)[0]
                if req_line.startswith(b'CONNECT ') and tunnel is None:
                    target = req_line.split(b' ')[1].decode()
                    c.sendall(b'HTTP/1.1 200 Connection established'
                              b'\r\n\r\n')
                    c = self.tls.wrap_socket(c, server_side=True)
                    self._serve(c, target)
                    return
                cl = 0
                for line in head.split(b'\r\n')[1:]:
                    k, v = line.split(b':', 1)
                    if k.strip().lower() == b'content-length':
                        cl = int(v)
                while len(data) < cl:
                    chunk = c.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                body, data = data[:cl], data[cl:]
                req = Request(head, body, tunnel)
                status, reply = self.responder(
                    req.method, req.target,
                    tunnel or req.headers.get('host', ''))
                c.sendall(b'HTTP/1.1 %d X\r\nContent-Type: '
                          b'application/json\r\nContent-Length: %d\r\n\r\n'
                          % (status, len(reply)) + reply)
                req.status = status
                with self.cond:
                    self.requests.append(req)
                    self.cond.notify_all()
        except (OSError, ssl.SSLError, ValueError):
            return
        finally:
            c.close()

    def url(self, path=''):
        return 'http://127.0.0.1:%d%s' % (self.port, path)

    def wait_for(self, n, timeout=15.0, match=None):
        """Waits for n requests (those for which match(req) is true);
        returns them."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                got = [r for r in self.requests if match is None or match(r)]
                if len(got) >= n:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError('%d of %d requests: %r' % (
                        len(got), n, self.requests))
                self.cond.wait(left)

    def count(self, match=None):
        with self.cond:
            return len([r for r in self.requests
                        if match is None or match(r)])

    def close(self):
        self.closed = True
        try:
            self.srv.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.srv.close()
