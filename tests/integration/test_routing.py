"""Routing and grouping end to end: alertd with a webhook sink.

Grouping, continue, group_by ['...'], group_wait / group_interval /
repeat_interval windows, an old alert flushed at once, resolved
notifications, reload without duplicates, and GET /api/v2/alerts/groups
and the receivers of GET /api/v2/alerts compared with the real
Alertmanager 0.25 fed the same config and alerts.
"""

import datetime
import json
import time

import pytest

BASE = """global:
  resolve_timeout: 5m
route:
  receiver: web
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
%s
receivers:
- name: web
  webhook_configs:
  - url: '{webhook}web'
- name: ops
  webhook_configs:
  - url: '{webhook}ops'
- name: db
  webhook_configs:
  - url: '{webhook}db'
- name: all
  webhook_configs:
  - url: '{webhook}all'
"""

ZERO = '0001-01-01T00:00:00Z'


def rfc3339(t):
    return datetime.datetime.fromtimestamp(
        t, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def alert(name, start=None, end=None, **labels):
    a = {'labels': dict(alertname=name, **labels)}
    if start is not None:
        a['startsAt'] = rfc3339(start)
    if end is not None:
        a['endsAt'] = rfc3339(end)
    return a


def posted(d, alerts):
    r = d.post_alerts(alerts)
    assert r.status == 200, r


def notes(webhook, path=None):
    """The payloads received so far (for path), with arrival times."""
    with webhook.cond:
        reqs = list(webhook.requests)
    return [(r['t'], r['json']) for r in reqs
            if path is None or r['path'] == '/' + path]


def names(payload):
    return [a['labels']['alertname'] + ':' + a['labels'].get('instance', '')
            for a in payload['alerts']]


def test_grouping_and_payload(alertd, webhook):
    d = alertd(BASE % '')
    t0 = time.time()
    posted(d, [alert('a', instance='i2'), alert('a', instance='i1'),
               alert('b', instance='i1'), alert('a', instance='i3')])
    reqs = webhook.wait_for(2, timeout=5)
    time.sleep(0.5)
    assert len(notes(webhook)) == 2
    by = {r['json']['groupKey']: r for r in reqs}
    assert set(by) == {'{}:{alertname="a"}', '{}:{alertname="b"}'}
    a = by['{}:{alertname="a"}']
    assert a['path'] == '/web'
    assert 0.8 <= a['t'] - t0 <= 1.6
    p = a['json']
    assert p['receiver'] == 'web'
    assert p['status'] == 'firing'
    assert p['groupLabels'] == {'alertname': 'a'}
    assert p['commonLabels'] == {'alertname': 'a'}
    assert p['version'] == '4'
    assert p['truncatedAlerts'] == 0
    # Sorted as types.AlertSlice: by instance here.
    assert names(p) == ['a:i1', 'a:i2', 'a:i3']
    for x in p['alerts']:
        assert x['status'] == 'firing'
        assert x['endsAt'] == ZERO


def test_continue_routes(alertd, webhook):
    tree = """  routes:
  - matchers: ['team="ops"']
    receiver: ops
    continue: true
  - matchers: ['team=~"ops|db"']
    receiver: db
  - matchers: ['team="ops"']
    receiver: all"""
    d = alertd(BASE % tree)
    posted(d, [alert('x', team='ops'), alert('y', team='db'),
               alert('z', team='web')])
    reqs = webhook.wait_for(4, timeout=5)
    time.sleep(0.5)
    assert len(webhook.requests) == 4
    got = sorted((r['path'], r['json']['groupKey']) for r in reqs)
    assert got == [
        ('/db', '{}/{team=~"ops|db"}:{alertname="x"}'),
        ('/db', '{}/{team=~"ops|db"}:{alertname="y"}'),
        ('/ops', '{}/{team="ops"}:{alertname="x"}'),
        ('/web', '{}:{alertname="z"}'),
    ]


def test_group_by_all(alertd, webhook):
    tree = """  routes:
  - matchers: ['kind="all"']
    receiver: all
    group_by: ['...']"""
    d = alertd(BASE % tree)
    posted(d, [alert('a', kind='all', instance='1'),
               alert('a', kind='all', instance='2'),
               alert('a', kind='all', instance='2', x='y')])
    reqs = webhook.wait_for(3, timeout=5)
    time.sleep(0.5)
    assert len(webhook.requests) == 3
    keys = sorted(r['json']['groupKey'] for r in reqs)
    assert keys == sorted([
        '{}/{kind="all"}:{alertname="a", instance="1", kind="all"}',
        '{}/{kind="all"}:{alertname="a", instance="2", kind="all"}',
        '{}/{kind="all"}:{alertname="a", instance="2", kind="all", x="y"}',
    ])
    for r in reqs:
        assert len(r['json']['alerts']) == 1
        assert r['json']['groupLabels'] == r['json']['alerts'][0]['labels']


def test_wait_interval_repeat_windows(alertd, webhook):
    cfg = (BASE % '').replace('repeat_interval: 1h', 'repeat_interval: 5s')
    d = alertd(cfg)
    t0 = time.time()
    posted(d, [alert('w', instance='1')])
    # group_wait: the first notification 1 s after the group appeared.
    webhook.wait_for(1, timeout=5)
    time.sleep(1.0)
    posted(d, [alert('w', instance='2')])   # t0+1.x: batched until t0+3
    webhook.wait_for(2, timeout=5)
    # Unchanged group: nothing at t0+5 or t0+7; repeat_interval (5 s
    # after t0+3) is acted on at the tick at t0+9.
    webhook.wait_for(3, timeout=10)
    ts = [t - t0 for t, _ in notes(webhook)]
    ps = [p for _, p in notes(webhook)]
    assert 0.8 <= ts[0] <= 1.6, ts
    assert names(ps[0]) == ['w:1']
    assert 2.8 <= ts[1] <= 3.6, ts
    assert names(ps[1]) == ['w:1', 'w:2']
    assert 8.8 <= ts[2] <= 9.6, ts
    assert names(ps[2]) == ['w:1', 'w:2']


def test_old_alert_flushes_at_once(alertd, webhook):
    cfg = (BASE % '').replace('group_wait: 1s', 'group_wait: 30s')
    d = alertd(cfg)
    t0 = time.time()
    posted(d, [alert('old', start=t0 - 3600)])
    webhook.wait_for(1, timeout=3)
    assert webhook.requests[0]['t'] - t0 < 0.8


def test_resolved_notification(alertd, webhook):
    d = alertd(BASE % '')
    t0 = time.time()
    posted(d, [alert('r', start=t0, end=t0 + 2.5, instance='1'),
               alert('r', start=t0, instance='2')])
    webhook.wait_for(2, timeout=6)
    time.sleep(0.3)
    ps = [p for _, p in notes(webhook)]
    assert ps[0]['status'] == 'firing'
    # At the tick at t0+3 instance 1 has resolved (2.5): resolved sent
    # with its exact endsAt, the other still firing with a zero endsAt.
    assert ps[1]['status'] == 'firing'
    got = {a['labels']['instance']: a for a in ps[1]['alerts']}
    assert got['1']['status'] == 'resolved'
    assert got['1']['endsAt'] != ZERO
    assert got['2']['endsAt'] == ZERO
    # Resolved alerts leave the group after a successful notification.
    posted(d, [alert('r', start=t0, end=time.time(), instance='2')])
    webhook.wait_for(3, timeout=6)
    last = notes(webhook)[2][1]
    assert last['status'] == 'resolved'
    assert [a['labels']['instance'] for a in last['alerts']] == ['2']


def test_reload_sends_no_duplicate(alertd, webhook):
    # TestReload's shape: one group for everything.
    cfg = (BASE % '').replace('group_interval: 2s', 'group_interval: 4s')
    cfg = cfg.replace('group_by: [alertname]', 'group_by: []')
    d = alertd(cfg)
    t0 = time.time()
    posted(d, [alert('test1')])
    webhook.wait_for(1, timeout=5)
    time.sleep(0.5)
    d.sighup()
    time.sleep(0.5)
    r = d.reload()
    assert r.status == 200, r
    t_reload = time.time()
    time.sleep(0.3)
    posted(d, [alert('test2')])
    posted(d, [alert('test1')])
    # The rebuilt group flushes test1 at once (older than group_wait),
    # the notification log suppresses it; test2 waits for the next tick
    # (4 s after the reload) and goes out with test1.
    webhook.wait_for(2, timeout=8)
    time.sleep(0.5)
    ps = notes(webhook)
    assert len(ps) == 2, [names(p) for _, p in ps]
    assert 3.5 <= ps[1][0] - t_reload <= 4.8, ps[1][0] - t_reload
    assert [a['labels']['alertname'] for a in ps[1][1]['alerts']] == \
        ['test1', 'test2']
    assert t0 < ps[0][0]


GROUPS_CONFIG = """route:
  receiver: default
  group_by: [alertname]
  group_wait: 1h
  routes:
    - matchers: [team="db"]
      receiver: db
      continue: true
    - matchers: [severity="critical"]
      receiver: pager
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname]
receivers:
  - name: default
  - name: db
  - name: pager
  - name: 'r<&>'
"""

GROUPS_ALERTS = [
    {'labels': {'alertname': 'A', 'team': 'db', 'severity': 'critical',
                'instance': 'i1'},
     'annotations': {'summary': 's <b>&'}, 'generatorURL': 'http://x/y'},
    {'labels': {'alertname': 'A', 'team': 'db', 'severity': 'warning',
                'instance': 'i2'}},
    {'labels': {'alertname': 'B', 'severity': 'critical'}},
    {'labels': {'alertname': 'C', 'job': 'j', 'g': 'x&y<'}},
]

GROUPS_QUERIES = [
    '', '?inhibited=false', '?active=false', '?receiver=db',
    '?receiver=d.*&filter=instance%3D~%22i.%22', '?filter=alertname%3D%22B%22',
    '?receiver=(', '?filter=foo', '?silenced=false&receiver=pager',
]


def normalized(body):
    """A groups reply without the times (they differ between daemons) and
    without status.mutedBy, which alertd adds as Alertmanager 0.28 does."""
    doc = json.loads(body)
    if isinstance(doc, list):
        for g in doc:
            for a in g['alerts']:
                for k in ('startsAt', 'endsAt', 'updatedAt'):
                    assert a.pop(k)
                a['status'].pop('mutedBy', None)
    return doc


def status(a):
    return {k: a['status'][k] for k in ('state', 'silencedBy',
                                         'inhibitedBy')}


def test_groups_api_matches_alertmanager(alertd, alertmanager):
    ours = alertd(GROUPS_CONFIG)
    theirs = alertmanager(GROUPS_CONFIG)
    for d in (ours, theirs):
        posted(d, GROUPS_ALERTS)
    time.sleep(0.3)
    for q in GROUPS_QUERIES:
        a = ours.get('/api/v2/alerts/groups' + q)
        b = theirs.get('/api/v2/alerts/groups' + q)
        assert a.status == b.status, q
        assert a.headers.get('content-type') == \
            b.headers.get('content-type'), q
        if a.status == 200:
            assert normalized(a.body) == normalized(b.body), q
            # Byte level: same escaping, key order and final newline.
            assert len(a.body.replace(b'"mutedBy":[],', b'')) == \
                len(b.body), q
        else:
            assert a.body == b.body, q


def test_receivers_in_alerts_api_match_alertmanager(alertd, alertmanager):
    ours = alertd(GROUPS_CONFIG)
    theirs = alertmanager(GROUPS_CONFIG)
    for d in (ours, theirs):
        posted(d, GROUPS_ALERTS)
    time.sleep(0.3)
    for q in ({}, {'receiver': 'db'}, {'receiver': 'pager|default'}):
        a = {x['fingerprint']: (x['receivers'], status(x))
             for x in ours.alerts(**q)}
        b = {x['fingerprint']: (x['receivers'], status(x))
             for x in theirs.alerts(**q)}
        assert a == b, q
