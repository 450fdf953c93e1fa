"""alertd and the real Alertmanager 0.25, started side by side and given
the same alerts, return the same alerts: same fingerprints, same order,
same JSON (mutedBy, a 0.28 field, removed; times near now normalized)."""

import datetime
import random
import time

import conftest

from am_cases import normalize_alerts

CONFIG = """route:
  receiver: web
  routes:
  - matchers: ['sev="page"']
    receiver: pager
receivers:
- name: web
- name: pager
"""

ALPHABET = ['a', 'Z', '_', '0', ' ', '"', '\\', '\n', '\u00e9', '\u4e16',
            '\U0001f600', '<', '&', '=', ',', '{', '\u2028', '\t']


def name(rng):
    first = rng.choice('abcXYZ_')
    return first + ''.join(rng.choice('abcxyz_019AZ')
                           for _ in range(rng.randint(0, 12)))


def value(rng):
    return ''.join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 10)))


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc) \
        .strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'


def random_alerts(seed, n):
    rng = random.Random(seed)
    now = time.time()
    out = []
    for i in range(n):
        labels = {'alertname': 'sbs%d' % i}
        for _ in range(rng.randint(0, 8)):
            labels[name(rng)] = value(rng)
        if rng.random() < 0.3:
            labels['sev'] = 'page'
        a = {'labels': labels,
             'annotations': {name(rng): value(rng)
                             for _ in range(rng.randint(0, 3))}}
        if rng.random() < 0.5:
            a['startsAt'] = iso(now - rng.randint(0, 10 ** 6))
        if rng.random() < 0.5:
            a['endsAt'] = iso(now + rng.randint(1, 10 ** 6))
        if rng.random() < 0.3:
            a['generatorURL'] = 'http://prom:9090/graph?g0.expr=%d' % i
        out.append(a)
    return out


def both(alertd, alertmanager):
    return alertd(CONFIG), alertmanager(CONFIG)


def test_same_alerts_same_answers(alertd, alertmanager):
    ad, am = both(alertd, alertmanager)
    batch = random_alerts(1234, 120)
    for i in range(0, len(batch), 30):
        for d in (ad, am):
            r = d.post_alerts(batch[i:i + 30])
            assert r.status == 200, (d, r)
    now = time.time()
    got = normalize_alerts(ad.get('/api/v2/alerts').body, now)
    want = normalize_alerts(am.get('/api/v2/alerts').body, now)
    assert len(want) == len(batch)
    assert [a['fingerprint'] for a in got] == [a['fingerprint']
                                               for a in want]
    assert got == want


def test_same_merges(alertd, alertmanager):
    ad, am = both(alertd, alertmanager)
    now = time.time()
    seq = [
        [{'labels': {'alertname': 'm'}, 'startsAt': iso(now - 30),
          'endsAt': iso(now + 600), 'annotations': {'v': '1'}}],
        [{'labels': {'alertname': 'm'}, 'startsAt': iso(now - 90),
          'annotations': {'v': '2'}}],
        [{'labels': {'alertname': 'm'}, 'startsAt': iso(now - 10),
          'endsAt': iso(now + 900)}],
        [{'labels': {'alertname': 'n'}, 'endsAt': iso(now + 60)}],
        [{'labels': {'alertname': 'n'}, 'startsAt': iso(now - 5),
          'endsAt': iso(now + 30)}],
    ]
    for batch in seq:
        for d in (ad, am):
            assert d.post_alerts(batch).status == 200
    now = time.time()
    got = normalize_alerts(ad.get('/api/v2/alerts').body, now)
    want = normalize_alerts(am.get('/api/v2/alerts').body, now)
    assert got == want and len(got) == 2


def test_same_validation_answers(alertd, alertmanager):
    """At most one invalid name per alert: Go validates a label set in
    map order, which is random, so with two Alertmanager names either."""
    ad, am = both(alertd, alertmanager)
    rng = random.Random(99)
    for _ in range(60):
        batch = []
        for _ in range(rng.randint(1, 4)):
            labels = {rng.choice(['a', 'ok_1', 'Z']):
                      rng.choice(['', 'v', '\u00e9'])
                      for _ in range(rng.randint(0, 3))}
            if rng.random() < 0.4:
                labels[rng.choice(['b-c', '', '0x', 'a.b'])] = \
                    rng.choice(['', 'v'])
            a = {'labels': labels}
            if rng.random() < 0.3:
                a['endsAt'] = '2001-01-01T00:00:00Z'
            batch.append(a)
        r1, r2 = ad.post_alerts(batch), am.post_alerts(batch)
        assert (r1.status, r1.body) == (r2.status, r2.body), batch


def test_same_status_config(alertd, alertmanager):
    """config.original is config_dump_yaml (config/): Config.String()."""
    ad, am = both(alertd, alertmanager)
    assert ad.status()['config'] == am.status()['config']
    assert ad.get('/api/v2/receivers').body == \
        am.get('/api/v2/receivers').body
