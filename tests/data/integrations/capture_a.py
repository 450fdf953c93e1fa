#!/usr/bin/python3
"""Records what the real Alertmanager 0.25 sends to PagerDuty, OpsGenie,
VictorOps, Pushover and WeChat, as reference data for alertd's tests.

    /usr/bin/python3 tests/data/integrations/capture_a.py

Starts /usr/bin/prometheus-alertmanager on 127.0.0.1 (free ports) with
capture-a.yml pointed at a recording sink (sink.py: plain HTTP for the
configurable URLs, an HTTPS-intercepting proxy for the URLs Alertmanager
hard-codes: PagerDuty's v1 events API and Pushover's API), pushes
alerts-a1.json (three alerts per integration, one of them resolved), waits
for every request, pushes alerts-a2.json (resolves the rest), waits again,
stops Alertmanager and writes, per request:

  <integration>/am-0.25/<case>_<phase>.head   request line and headers (the
                                      sink's port replaced by SINKPORT)
  <integration>/am-0.25/<case>_<phase>.body   the body, byte for byte

<case> names the configuration (capture-a.yml, in order: default, custom,
...) and, for notifications of several requests, the request (OpsGenie's
create/message/description, WeChat's gettoken/send); <phase> is firing
or resolved.  Every time and value in the payloads is fixed by the
alerts and the config: re-running gives identical files.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import shutil
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sink as sinkmod  # noqa: E402

EXTERNAL_URL = 'http://am.example:9093/prefix'
# requests per phase (see the README)
N_FIRING = 18
N_RESOLVED = 12


def classify(req):
    """(integration, case) of a recorded request."""
    path = req.target
    if req.tunnel is not None and req.tunnel.startswith('events.pagerduty'):
        key = req.json()['service_key']
        return 'pagerduty', 'v1' if key == 'sk-v1' else 'v1custom'
    if req.tunnel is not None and req.tunnel.startswith('api.pushover'):
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
        return 'pushover', q['token'][0].replace('po-token-', '')
    parts = urllib.parse.urlsplit(path).path.strip('/').split('/')
    integ = {'pd': 'pagerduty', 'og': 'opsgenie', 'vo': 'victorops',
             'wc': 'wechat'}[parts[0]]
    case = parts[1]
    if integ == 'opsgenie':
        step = parts[-1]
        case += '-' + {'alerts': 'create', 'close': 'close'}.get(step, step)
    elif integ == 'wechat':
        case += '-' + ('gettoken' if parts[-1] == 'gettoken' else 'send')
    return integ, case


def free_port():
    import socket
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def push(web, name):
    with open(os.path.join(HERE, name), 'rb') as f:
        req = urllib.request.Request(
            'http://127.0.0.1:%d/api/v2/alerts' % web, data=f.read(),
            headers={'Content-Type': 'application/json'})
    urllib.request.urlopen(req).read()


def save(sink, reqs, phase, out):
    seen = set()
    for r in reqs:
        integ, case = classify(r)
        base = '%s_%s' % (case, phase)
        assert (integ, base) not in seen, (integ, base)
        seen.add((integ, base))
        d = os.path.join(out, integ, 'am-0.25')
        os.makedirs(d, exist_ok=True)
        head = r.head.replace(b'127.0.0.1:%d' % sink.port,
                              b'127.0.0.1:SINKPORT')
        with open(os.path.join(d, base + '.head'), 'wb') as f:
            f.write(head + b'\r\n\r\n')
        with open(os.path.join(d, base + '.body'), 'wb') as f:
            f.write(r.body)


def main():
    sink = sinkmod.Sink()
    web = free_port()
    work = tempfile.mkdtemp(prefix='alertd-capture-')
    with open(os.path.join(HERE, 'capture-a.yml')) as f:
        cfg = f.read().replace('SINKPORT', str(sink.port))
    with open(os.path.join(work, 'am.yml'), 'w') as f:
        f.write(cfg)
    am = subprocess.Popen(
        ['/usr/bin/prometheus-alertmanager',
         '--config.file=' + os.path.join(work, 'am.yml'),
         '--storage.path=' + os.path.join(work, 'data'),
         '--web.listen-address=127.0.0.1:%d' % web,
         '--web.external-url=' + EXTERNAL_URL,
         '--web.route-prefix=/',
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
        push(web, 'alerts-a1.json')
        firing = sink.wait_for(N_FIRING, timeout=20)
        time.sleep(1)
        assert sink.count() == N_FIRING, sink.requests
        push(web, 'alerts-a2.json')
        resolved = sink.wait_for(N_FIRING + N_RESOLVED,
                                 timeout=20)[N_FIRING:]
        time.sleep(3)
        assert sink.count() == N_FIRING + N_RESOLVED, sink.requests
    finally:
        am.send_signal(signal.SIGTERM)
        am.wait(10)
        shutil.copy(os.path.join(work, 'am.log'), '/tmp/alertd-capture-am.log')
    for integ in ('pagerduty', 'opsgenie', 'victorops', 'pushover',
                  'wechat'):
        shutil.rmtree(os.path.join(HERE, integ, 'am-0.25'),
                      ignore_errors=True)
    out = HERE
    save(sink, firing, 'firing', out)
    save(sink, resolved, 'resolved', out)
    sink.close()
    shutil.rmtree(work)
    print('capture: %d + %d requests' % (len(firing), len(resolved)))


if __name__ == '__main__':
    main()
