#!/usr/bin/python3
"""HTTPS sink for check_notify_tls.c.

    https_sink.py DIR [require-client-cert] [max-tls12]

Prints its port, then one line per request: "sni=<name> host=<Host>
client=<CN or ->".  Serves until stdin closes.
"""
import os
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

d = sys.argv[1]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(os.path.join(d, 'server.pem'),
                    os.path.join(d, 'server-key.pem'))
if 'require-client-cert' in sys.argv:
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(os.path.join(d, 'ca.pem'))
if 'max-tls12' in sys.argv:
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
sni = {}


def on_sni(sock, name, c):
    sni[id(sock)] = name


ctx.sni_callback = on_sni


class H(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length') or 0))
        cert = self.connection.getpeercert()
        cn = '-'
        if cert:
            cn = dict(x[0] for x in cert['subject']).get('commonName', '-')
        print('sni=%s host=%s client=%s' % (
            sni.get(id(self.connection)), self.headers.get('Host'), cn),
            flush=True)
        self.send_response(200)
        self.send_header('Content-Length', '0')
        self.end_headers()

    def log_message(self, *a):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass                # refused handshakes are part of the tests


srv = Server(('127.0.0.1', 0), H)
# the handshake runs in the connection's thread, not in accept()
srv.socket = ctx.wrap_socket(srv.socket, server_side=True,
                             do_handshake_on_connect=False)
print(srv.server_address[1], flush=True)
threading.Thread(target=srv.serve_forever, daemon=True).start()
sys.stdin.read()
