"""Webhook notifications end to end: the payload, retries after 5xx, no
retry after 4xx, max_alerts, send_resolved.

The same tests run against the real Alertmanager 0.25 with
ALERTD_TEST_TARGET=alertmanager, which is how they were checked to assert
Alertmanager's behaviour; by default they run against build/alertd.
Timing windows are generous (a loaded machine) but each test also asserts
what must NOT arrive.
"""

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

TARGET = os.environ.get('ALERTD_TEST_TARGET', 'alertd')


@pytest.fixture
def daemon(request):
    """The daemon under test: alertd, or Alertmanager for reference."""
    return request.getfixturevalue(
        'alertmanager' if TARGET == 'alertmanager' else 'alertd')


class ScriptedSink:
    """A webhook endpoint answering with scripted statuses.

    statuses: statuses for the first requests, then `default`.  A request
    is recorded once its answer has been written and flushed, so a test
    that sees it knows the daemon could have read a complete answer.
    """

    def __init__(self, statuses=(), default=200):
        self.statuses = list(statuses)
        self.default = default
        self.requests = []
        self.cond = threading.Condition()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def do_POST(self):
                n = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(n)
                with sink.cond:
                    status = (sink.statuses.pop(0) if sink.statuses
                              else sink.default)
                reply = b'scripted %d' % status
                self.send_response(status)
                self.send_header('Content-Length', str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
                self.wfile.flush()
                with sink.cond:
                    sink.requests.append({
                        'path': self.path, 'status': status,
                        'headers': {k.lower(): v for k, v in
                                    self.headers.items()},
                        'body': body, 'json': json.loads(body),
                        't': time.monotonic()})
                    sink.cond.notify_all()

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 512    # many connections at once

        self.server = Server(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d/' % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()

    def wait_for(self, n, timeout=10.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.requests) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError('%d of %d webhook requests: %r' % (
                        len(self.requests), n,
                        [r['path'] for r in self.requests]))
                self.cond.wait(left)
            return list(self.requests)

    def count(self):
        with self.cond:
            return len(self.requests)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sink():
    s = ScriptedSink()
    yield s
    s.close()


def config(url, group_wait='1s', group_interval='2s',
           repeat_interval='1h', extra=''):
    return """route:
  receiver: hook
  group_by: [alertname]
  group_wait: %s
  group_interval: %s
  repeat_interval: %s
receivers:
- name: hook
  webhook_configs:
  - url: '%s'
%s""" % (group_wait, group_interval, repeat_interval, url, extra)


def alert(name, **labels):
    return {'labels': dict({'alertname': name}, **labels),
            'annotations': {'summary': 'about ' + name}}


def test_payload(daemon, sink):
    ad = daemon(config(sink.url + 'hook'))
    t0 = time.monotonic()
    assert ad.post_alerts([alert('Pay', instance='a'),
                           alert('Pay', instance='b')]).status == 200
    req = sink.wait_for(1)[0]
    # group_wait 1s, then the request
    assert 0.8 <= req['t'] - t0 <= 3.0
    assert req['path'] == '/hook'
    assert req['headers']['content-type'] == 'application/json'
    assert req['headers']['user-agent'] == 'Alertmanager/0.25.0'
    msg = req['json']
    assert list(msg) == ['receiver', 'status', 'alerts', 'groupLabels',
                         'commonLabels', 'commonAnnotations', 'externalURL',
                         'version', 'groupKey', 'truncatedAlerts']
    assert msg['receiver'] == 'hook'
    assert msg['status'] == 'firing'
    assert msg['version'] == '4'
    assert msg['groupKey'] == '{}:{alertname="Pay"}'
    assert msg['groupLabels'] == {'alertname': 'Pay'}
    assert msg['commonLabels'] == {'alertname': 'Pay'}
    assert msg['commonAnnotations'] == {'summary': 'about Pay'}
    assert msg['truncatedAlerts'] == 0
    assert [a['labels']['instance'] for a in msg['alerts']] == ['a', 'b']
    for a in msg['alerts']:
        assert list(a) == ['status', 'labels', 'annotations', 'startsAt',
                           'endsAt', 'generatorURL', 'fingerprint']
        assert a['status'] == 'firing'
        assert a['endsAt'] == '0001-01-01T00:00:00Z'
        assert len(a['fingerprint']) == 16
    assert req['body'].endswith(b'}\n')
    # nothing else: repeat_interval is 1h
    time.sleep(2.5)
    assert sink.count() == 1


def test_common_annotations_missing_reads_as_empty(daemon, sink):
    # Go's template.Data: a name missing from an alert reads as "", so
    # the first alert's empty annotation stays common.
    ad = daemon(config(sink.url + 'hook'))
    first = alert('Pay', instance='a')
    first['annotations']['e'] = ''
    first['annotations']['d'] = 'only a'
    assert ad.post_alerts([first, alert('Pay', instance='b')]).status == 200
    msg = sink.wait_for(1)[0]['json']
    assert [a['labels']['instance'] for a in msg['alerts']] == ['a', 'b']
    assert msg['commonAnnotations'] == {'e': '', 'summary': 'about Pay'}
    assert msg['alerts'][0]['annotations'] == {'d': 'only a', 'e': '',
                                               'summary': 'about Pay'}


def test_retries_after_5xx(daemon):
    sink = ScriptedSink(statuses=[500, 503])
    try:
        ad = daemon(config(sink.url, group_interval='10s'))
        ad.post_alerts([alert('Retry')])
        reqs = sink.wait_for(3, timeout=10)
        assert [r['status'] for r in reqs] == [500, 503, 200]
        # Alertmanager's backoff: 0.5s +-50%, then 0.75s +-50%
        gaps = [b['t'] - a['t'] for a, b in zip(reqs, reqs[1:])]
        assert 0.2 <= gaps[0] <= 1.5, gaps
        assert 0.3 <= gaps[1] <= 2.0, gaps
        assert reqs[0]['body'] == reqs[2]['body']
        # delivered: nothing more until the group changes
        time.sleep(2)
        assert sink.count() == 3
    finally:
        sink.close()


def test_no_retry_after_4xx(daemon):
    sink = ScriptedSink(statuses=[400])
    try:
        ad = daemon(config(sink.url, group_interval='4s'))
        ad.post_alerts([alert('Client')])
        first = sink.wait_for(1)[0]
        assert first['status'] == 400
        # not retried within the flush ...
        time.sleep(2.5)
        assert sink.count() == 1
        # ... but, as nothing was recorded, sent again at the next
        # group_interval tick (4s after the first flush)
        second = sink.wait_for(2, timeout=6)[1]
        assert second['status'] == 200
        assert 3.0 <= second['t'] - first['t'] <= 5.5
        time.sleep(1)
        assert sink.count() == 2
    finally:
        sink.close()


def test_max_alerts(daemon, sink):
    ad = daemon(config(sink.url + 'all', extra="""  - url: '%smax'
    max_alerts: 2
""" % sink.url))
    ad.post_alerts([alert('Max', instance=i) for i in 'abc'])
    reqs = {r['path']: r['json'] for r in sink.wait_for(2)}
    assert len(reqs['/all']['alerts']) == 3
    assert reqs['/all']['truncatedAlerts'] == 0
    assert [a['labels']['instance'] for a in reqs['/max']['alerts']] == \
        ['a', 'b']
    assert reqs['/max']['truncatedAlerts'] == 1
    time.sleep(2.5)
    assert sink.count() == 2


def test_send_resolved(daemon, sink):
    ad = daemon(config(sink.url + 'yes', extra="""  - url: '%sno'
    send_resolved: false
""" % sink.url))
    ad.post_alerts([alert('Res')])
    assert sorted(r['path'] for r in sink.wait_for(2)) == ['/no', '/yes']
    now = time.time()
    ended = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now - 1))
    started = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now - 60))
    a = alert('Res')
    a['startsAt'], a['endsAt'] = started, ended
    ad.post_alerts([a])
    third = sink.wait_for(3, timeout=6)[2]
    assert third['path'] == '/yes'
    assert third['json']['status'] == 'resolved'
    assert third['json']['alerts'][0]['endsAt'] == ended
    # the send_resolved: false webhook hears nothing about it
    time.sleep(3)
    assert sink.count() == 3
