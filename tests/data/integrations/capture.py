#!/usr/bin/python3
"""Records what the real Alertmanager sends to the Telegram, Discord, Webex,
SNS (and, with a patched build, MS Teams) APIs, as reference data for
alertd's tests.

    /usr/bin/python3 tests/data/integrations/capture.py
    /usr/bin/python3 tests/data/integrations/capture.py \\
        --am /tmp/am-msteams --config capture-msteams.yml --tag am-0.25+msteams

Starts the Alertmanager binary (default /usr/bin/prometheus-alertmanager,
Debian's 0.25.0) on 127.0.0.1 (free ports) with the config (SINKPORT
replaced by a raw HTTP sink's port), pushes alerts1.json (two groups:
"Disk<Full>" with two firing alerts and one resolved, "Long" with a
300-rune job label and a 9,600-byte annotation), waits, pushes
alerts2.json (resolves the first group), waits, stops Alertmanager and
writes, for each request,

  <integration>/<tag>/<segment>_<group>_<phase>.head   request line and
                                                       headers (the sink's
                                                       port: SINKPORT)
  <integration>/<tag>/<segment>_<group>_<phase>.body   the body, raw

and <integration>/<tag>/sinkport, the sink's port in this run (the Host
that the SNS signatures cover), where <segment> is the first path segment of the request (one per
configured entry: tg-html, discord2, sns-fifo, ...), <group> Disk or Long,
<phase> firing (first push) or resolved (second push).  The sink answers
as the real APIs do where Alertmanager reads the answer: Telegram's
{"ok":true,"result":{...}}, SNS's PublishResponse XML; 200 and an empty
body elsewhere.  Times in the alerts are fixed, so the bodies are the same
on every run; only the SNS X-Amz-Date and signature change.
"""
import argparse
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

TELEGRAM_OK = (b'{"ok":true,"result":{"message_id":7,"from":{"id":123456,'
               b'"is_bot":true,"first_name":"am"},"chat":{"id":42,'
               b'"type":"private"},"date":1700000000,"text":"x"}}')
SNS_OK = (b'<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
          b'<PublishResult><MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b'
          b'</MessageId></PublishResult><ResponseMetadata><RequestId>'
          b'f187a3c1-376f-11df-8963-01868b7c937a</RequestId>'
          b'</ResponseMetadata></PublishResponse>')

INTEGRATION = (('tg-', 'telegram'), ('discord', 'discord'),
               ('webex', 'webex'), ('sns-', 'sns'), ('teams', 'msteams'))

requests = []
phase = ['firing']
lock = threading.Lock()


def answer(path):
    if path.startswith(b'/tg-'):
        return b'application/json', TELEGRAM_OK
    if path.startswith(b'/sns-'):
        return b'text/xml', SNS_OK
    return None, b''


def handle(c):
    data = b''
    while True:
        while b'\r\n\r\n' not in data:
            chunk = c.recv(65536)
            if not chunk:
                c.close()
                return
            data += chunk
        head, rest = data.split(b'\r\n\r\n', 1)
        cl = 0
        for line in head.split(b'\r\n')[1:]:
            k, v = line.split(b':', 1)
            if k.strip().lower() == b'content-length':
                cl = int(v)
        while len(rest) < cl:
            rest += c.recv(65536)
        body, data = rest[:cl], rest[cl:]
        with lock:
            requests.append((phase[0], head, body))
        ctype, reply = answer(head.split(b' ')[1])
        out = b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n' % len(reply)
        if ctype is not None:
            out += b'Content-Type: ' + ctype + b'\r\n'
        c.sendall(out + b'\r\n' + reply)


def sink():
    srv = socket.socket()
    srv.bind(('127.0.0.1', 0))
    srv.listen(64)

    def loop():
        while True:
            c, _ = srv.accept()
            threading.Thread(target=handle, args=(c,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return srv.getsockname()[1]


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def settle(quiet=3.0, timeout=30):
    """Waits until no request arrived for `quiet` seconds."""
    end = time.time() + timeout
    last = -1
    since = time.time()
    while time.time() < end:
        with lock:
            n = len(requests)
        if n != last:
            last, since = n, time.time()
        elif n > 0 and time.time() - since >= quiet:
            return
        time.sleep(0.1)
    sys.exit('capture: requests still arriving after %ds' % timeout)


def push(web, name):
    with open(os.path.join(HERE, name), 'rb') as f:
        req = urllib.request.Request(
            'http://127.0.0.1:%d/api/v2/alerts' % web, data=f.read(),
            headers={'Content-Type': 'application/json'})
    urllib.request.urlopen(req).read()


def name_of(ph, head, body):
    path = head.split(b' ')[1].decode()
    seg = path.strip('/').split('/')[0].split('?')[0]
    integ = next(i for p, i in INTEGRATION if seg.startswith(p))
    # the Long group's name, or its text in JSON, form or HTML encoding
    marks = (b'Long', b'ab\\u003c', b'ab%3C', b'ab&lt;', b'ab<&>')
    group = 'Long' if any(m in body for m in marks) else 'Disk'
    return integ, '%s_%s_%s' % (seg, group, ph)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--am', default='/usr/bin/prometheus-alertmanager')
    ap.add_argument('--config', default='capture.yml')
    ap.add_argument('--tag', default='am-0.25')
    args = ap.parse_args()
    port = sink()
    web = free_port()
    work = tempfile.mkdtemp(prefix='alertd-capture-')
    with open(os.path.join(HERE, args.config)) as f:
        cfg = f.read().replace('SINKPORT', str(port))
    cfg = cfg.replace('HEREDIR', HERE)
    with open(os.path.join(work, 'am.yml'), 'w') as f:
        f.write(cfg)
    am = subprocess.Popen(
        [args.am, '--config.file=' + os.path.join(work, 'am.yml'),
         '--storage.path=' + os.path.join(work, 'data'),
         '--web.listen-address=127.0.0.1:%d' % web,
         '--web.external-url=http://am.example:9093/',
         '--cluster.listen-address=', '--log.level=debug'],
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(work, 'am.log'), 'w'))
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(
                    'http://127.0.0.1:%d/-/ready' % web).read()
                break
            except Exception:
                time.sleep(0.1)
        push(web, 'alerts1.json')
        time.sleep(1.5)
        settle()
        with lock:
            phase[0] = 'resolved'
        push(web, 'alerts2.json')
        time.sleep(1.5)
        settle()
    finally:
        am.send_signal(signal.SIGTERM)
        am.wait(10)
    seen = {}
    for ph, head, body in requests:
        integ, base = name_of(ph, head, body)
        if base in seen:
            sys.exit('capture: %s sent twice (a retry?); see %s' %
                     (base, os.path.join(work, 'am.log')))
        seen[base] = True
        out = os.path.join(HERE, integ, args.tag)
        os.makedirs(out, exist_ok=True)
        head = head.replace(b'127.0.0.1:%d' % port, b'127.0.0.1:SINKPORT')
        with open(os.path.join(out, base + '.head'), 'wb') as f:
            f.write(head + b'\r\n\r\n')
        with open(os.path.join(out, base + '.body'), 'wb') as f:
            f.write(body)
        # the port the SigV4 signatures of this run cover (Host)
        with open(os.path.join(out, 'sinkport'), 'w') as f:
            f.write('%d\n' % port)
    shutil.rmtree(work)
    print('capture: %d requests' % len(requests))


if __name__ == '__main__':
    main()
