"""POST and GET /api/v2/alerts against build/alertd: defaults, merges,
resolution, filters, receivers, limits, GC, and bad input that must
neither crash alertd nor change what it stores."""

import datetime
import socket
import time

from harness import request


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc) \
        .strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'


def parse(s):
    return datetime.datetime.fromisoformat(
        s.replace('Z', '+00:00')).timestamp()


def names(alerts, key='alertname'):
    return sorted(a['labels'][key] for a in alerts)


def test_defaults(alertd):
    ad = alertd()
    t0 = time.time()
    r = ad.post_alerts([{'labels': {'alertname': 'a', 'gone': ''},
                         'annotations': {'s': 'x'}}])
    assert (r.status, r.body) == (200, b'')
    [a] = ad.alerts()
    assert a['labels'] == {'alertname': 'a'}        # empty value dropped
    assert a['annotations'] == {'s': 'x'}
    assert a['receivers'] == [{'name': 'web'}]
    assert a['status'] == {'inhibitedBy': [], 'mutedBy': [],
                           'silencedBy': [], 'state': 'active'}
    assert a['fingerprint'] == 'd258efc389808447'    # {alertname="a"}
    start, end = parse(a['startsAt']), parse(a['endsAt'])
    assert abs(start - t0) < 2 and a['startsAt'] == a['updatedAt']
    assert abs(end - start - 300) < 0.01             # resolve_timeout 5m


def test_ends_only_and_zero_time(alertd):
    ad = alertd()
    end = iso(time.time() + 3600)
    ad.post_alerts([{'labels': {'alertname': 'e'}, 'endsAt': end},
                    {'labels': {'alertname': 'z'},
                     'startsAt': '0001-01-01T00:00:00.000Z',
                     'endsAt': '0001-01-01T00:00:00Z'}])
    e, z = sorted(ad.alerts(), key=lambda a: a['labels']['alertname'])
    assert e['startsAt'] == e['endsAt'] == end
    assert abs(parse(z['endsAt']) - parse(z['startsAt']) - 300) < 0.01


def test_merge_keeps_earliest_start_and_latest_annotations(alertd):
    ad = alertd()
    now = time.time()
    base = {'labels': {'alertname': 'm'}, 'endsAt': iso(now + 3600)}
    ad.post_alerts([dict(base, startsAt=iso(now - 10),
                         annotations={'v': '1'})])
    ad.post_alerts([dict(base, startsAt=iso(now - 60),
                         annotations={'v': '2'})])
    ad.post_alerts([dict(base, startsAt=iso(now - 5),
                         annotations={'v': '3'})])
    [a] = ad.alerts()
    assert a['startsAt'] == iso(now - 60)
    assert a['annotations'] == {'v': '3'}


def test_resolve_and_refire(alertd):
    ad = alertd()
    now = time.time()
    ad.post_alerts([{'labels': {'alertname': 'r'}, 'startsAt': iso(now - 60),
                     'endsAt': iso(now + 3600)}])
    assert len(ad.alerts()) == 1
    ad.post_alerts([{'labels': {'alertname': 'r'}, 'startsAt': iso(now - 60),
                     'endsAt': iso(now - 1)}])
    assert ad.alerts() == []                         # resolved: hidden
    # A re-fire after the resolve does not overlap: a new alert.
    ad.post_alerts([{'labels': {'alertname': 'r'}, 'startsAt': iso(now),
                     'endsAt': iso(now + 3600)}])
    [a] = ad.alerts()
    assert a['startsAt'] == iso(now)


def test_resolve_timeout(alertd):
    ad = alertd('global:\n  resolve_timeout: 1s\n'
                'route:\n  receiver: web\nreceivers:\n- name: web\n')
    ad.post_alerts([{'labels': {'alertname': 't'}}])
    assert len(ad.alerts()) == 1
    time.sleep(1.3)
    assert ad.alerts() == []


ROUTES = """route:
  receiver: web
  group_by: [alertname]
  routes:
  - matchers: ['team="ops"']
    receiver: ops
    continue: true
  - matchers: ['team=~"ops|db"']
    receiver: db
receivers:
- name: web
- name: ops
- name: db
"""


def test_filters_and_receivers(alertd):
    ad = alertd(ROUTES)
    ad.post_alerts([
        {'labels': {'alertname': 'a', 'team': 'ops', 'sev': 'page'}},
        {'labels': {'alertname': 'b', 'team': 'db', 'sev': 'warn'}},
        {'labels': {'alertname': 'c', 'sev': 'page'}},
    ])
    got = {a['labels']['alertname']: [r['name'] for r in a['receivers']]
           for a in ad.alerts()}
    # ops matches the first route (continue) and the second.
    assert got == {'a': ['ops', 'db'], 'b': ['db'], 'c': ['web']}
    assert names(ad.alerts(filter='sev="page"')) == ['a', 'c']
    assert names(ad.alerts(filter=['sev="page"', 'team="ops"'])) == ['a']
    assert names(ad.alerts(filter='team!="ops"')) == ['b', 'c']
    assert names(ad.alerts(filter='team=~"o.*|d.*"')) == ['a', 'b']
    assert names(ad.alerts(filter='team!~"o.*"')) == ['b', 'c']
    assert names(ad.alerts(filter='team=""')) == ['c']
    assert names(ad.alerts(receiver='db')) == ['a', 'b']
    assert names(ad.alerts(receiver='d')) == []      # anchored
    assert names(ad.alerts(receiver='we.|op.')) == ['a', 'c']
    assert ad.alerts(active='false') == []
    assert names(ad.alerts(silenced='false', inhibited='false',
                           unprocessed='false')) == ['a', 'b', 'c']
    r = ad.get('/api/v2/alerts?filter=nope')
    assert (r.status, r.text) == (400, '"bad matcher format: nope"\n')


def test_partly_invalid_batch(alertd):
    ad = alertd()
    r = ad.post_alerts([{'labels': {'alertname': 'ok1'}},
                        {'labels': {'bad-name': 'x'}},
                        {'labels': {'alertname': 'ok2'}},
                        {'labels': {}}])
    assert r.status == 400
    assert r.json() == ('invalid label set: invalid name "bad-name"; '
                        'at least one label pair required')
    assert names(ad.alerts()) == ['ok1', 'ok2']


def test_limits(alertd):
    ad = alertd(args=['--web.max-body-size=2KiB',
                      '--api.max-alerts-per-request=3',
                      '--api.max-labels-per-alert=4',
                      '--api.max-label-size=20',
                      '--api.max-annotation-size=30'])
    big = [{'labels': {'alertname': 'x' * 3000}}]
    r = ad.post_alerts(big)
    assert r.status == 413 and 'web.max-body-size' in r.json()['message']
    r = ad.post_alerts([{'labels': {'alertname': str(i)}}
                        for i in range(4)])
    assert r.status == 413 and r.json()['code'] == 413
    r = ad.post_alerts([
        {'labels': {'alertname': 'many', 'a': '1', 'b': '2', 'c': '3',
                    'd': '4'}},
        {'labels': {'alertname': 'y' * 21}},
        {'labels': {'alertname': 'ann'}, 'annotations': {'s': 'z' * 31}},
    ])
    assert r.status == 400
    msgs = r.json().split('; ')
    assert len(msgs) == 3
    assert msgs[0].startswith('too many labels: 5, the limit is 4')
    assert msgs[1].startswith('label "alertname" is longer than 20')
    assert msgs[2].startswith('annotation "s" is longer than 30')
    assert ad.alerts() == []
    # Exactly at the limits is fine.
    r = ad.post_alerts([{'labels': {'alertname': 'y' * 20},
                         'annotations': {'s': 'z' * 30}}])
    assert r.status == 200 and len(ad.alerts()) == 1


def raw_send(port, data, read=True, timeout=5):
    s = socket.create_connection(('127.0.0.1', port), timeout=timeout)
    s.sendall(data)
    out = b''
    if read:
        s.shutdown(socket.SHUT_WR)
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except socket.timeout:
            pass
    s.close()
    return out


def test_chunked_body_over_the_cap(alertd):
    ad = alertd(args=['--web.max-body-size=1KiB'])
    chunk = b'[' + b' ' * 2000 + b']'
    req = (b'POST /api/v2/alerts HTTP/1.1\r\nHost: x\r\n'
           b'Content-Type: application/json\r\n'
           b'Transfer-Encoding: chunked\r\n\r\n'
           + b'%x\r\n' % len(chunk) + chunk + b'\r\n0\r\n\r\n')
    out = raw_send(ad.port, req)
    assert out.startswith(b'HTTP/1.1 413'), out[:100]


BAD_BODIES = [
    b'', b'[', b'[{', b'[{"labels":{"a":', b'{"a":1}', b'\x00\x01\x02',
    b'\xff' * 1000, b'[' * 20000, b'[{"labels":' + b'[' * 20000,
    b'[{"labels":{"a-b":"' + b'\xc3' * 5000 + b'"}}]',
    b'[{"labels":{"a":"\\ud800\\udfff\\u0000"}},{"labels":5}]',
    b'[{"labels":{"alertname":"v"},"startsAt":"' + b'9' * 1000 + b'"}]',
    b'[{"labels":{"alertname":"v"},"startsAt":"9999-12-31T23:59:59Z"}]',
    b'[{"labels":{"alertname":"v"},"generatorURL":"' + b'%' * 100 + b'"}]',
    b'[{"labels":{"alertname":"x\\u0000"}}]', b'[null]', b'[[[]]]',
    b'"' + b'a' * 100000, b'-1e99999', b'[1e999999999999]',
]


def test_bad_input_changes_nothing(alertd):
    ad = alertd()
    ad.post_alerts([{'labels': {'alertname': 'keep'}}])
    before = ad.alerts()
    for body in BAD_BODIES:
        r = ad.request('POST', '/api/v2/alerts', body,
                       {'Content-Type': 'application/json'})
        assert r.status in (400, 413, 422), (body[:40], r)
    # Truncated requests and stalled clients.
    raw_send(ad.port, b'POST /api/v2/alerts HTTP/1.1\r\nHost: x\r\n'
             b'Content-Length: 100\r\nContent-Type: application/json\r\n'
             b'\r\n[{"labels":', read=False)
    raw_send(ad.port, b'POST /api/v2/alerts HTTP/1.1\r\nHo', read=False)
    raw_send(ad.port, b'GARBAGE\r\n\r\n')
    assert ad.proc.poll() is None
    assert ad.alerts() == before
    assert ad.get('/-/healthy').status == 200


def test_stalled_client_does_not_block_others(alertd):
    ad = alertd(args=['--web.threads=1', '--web.connection-timeout=2s'])
    stalled = [socket.create_connection(('127.0.0.1', ad.port))
               for _ in range(20)]
    for s in stalled:
        s.sendall(b'POST /api/v2/alerts HTTP/1.1\r\nHost: x\r\n'
                  b'Content-Length: 1000\r\n\r\n[')
    t0 = time.monotonic()
    assert ad.get('/-/ready').status == 200
    assert time.monotonic() - t0 < 1
    # The idle timeout closes them.
    time.sleep(3)
    for s in stalled:
        s.settimeout(2)
        assert s.recv(100) == b''
        s.close()


def test_gc_forgets_resolved_alerts(alertd):
    now = time.time()
    first = {'labels': {'alertname': 'g'}, 'startsAt': iso(now - 60),
             'endsAt': iso(now + 1)}
    again = {'labels': {'alertname': 'g'}, 'startsAt': iso(now - 30),
             'endsAt': iso(now + 3600)}
    for gc, want in (('1s', iso(now - 30)), ('30m', iso(now - 60))):
        ad = alertd(args=['--alerts.gc-interval=' + gc])
        ad.post_alerts([first])
        time.sleep(2.5)                  # resolved, and collected with 1s
        ad.post_alerts([again])
        # Still stored (30m): the overlapping re-post merges.
        assert [a['startsAt'] for a in ad.alerts()] == [want], gc
        ad.stop()


def test_concurrent_posts_and_reads(alertd):
    import threading
    ad = alertd()
    errors = []

    def poster(k):
        try:
            for i in range(50):
                batch = [{'labels': {'alertname': 'c%d' % (j % 40),
                                     'w': str(k)}} for j in range(i, i + 20)]
                assert ad.post_alerts(batch).status == 200
        except Exception as e:          # noqa: BLE001 (reported below)
            errors.append(e)

    def reader():
        try:
            for _ in range(30):
                assert request(ad.port, 'GET', '/api/v2/alerts').status == 200
        except Exception as e:          # noqa: BLE001
            errors.append(e)

    ts = [threading.Thread(target=poster, args=(k,)) for k in range(4)]
    ts += [threading.Thread(target=reader) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []
    assert len(ad.alerts()) == 4 * 40
