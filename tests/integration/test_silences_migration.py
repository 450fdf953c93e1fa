"""Switching from Alertmanager keeps the silences.

Debian's prometheus-alertmanager 0.25 runs with a temporary
--storage.path; silences are created through its API (active, pending,
expired, updated in place, replaced by a new ID, and a few dozen more);
SIGTERM makes it write its `silences` snapshot.  alertd started on that
directory must answer GET /api/v2/silences exactly as Alertmanager
restarted on (a copy of) the same snapshot does, and as the running
Alertmanager did before it stopped (up to the UTC offsets, which the
snapshot does not keep).  The import happens once: alertd's own files
take over afterwards.
"""

import datetime
import json
import os
import random
import shutil
import signal

import conftest
from harness import Alertd, Alertmanager

API = '/api/v2'


def iso_in(seconds):
    t = datetime.datetime.now(datetime.timezone.utc) + \
        datetime.timedelta(seconds=seconds)
    return t.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'


def m(name, value, regex=False, equal=True):
    return {'name': name, 'value': value, 'isRegex': regex,
            'isEqual': equal}


def post(d, matchers, starts, ends, comment='c', by='me', sid=None):
    body = {'matchers': matchers, 'startsAt': starts, 'endsAt': ends,
            'createdBy': by, 'comment': comment}
    if sid is not None:
        body['id'] = sid
    r = d.request('POST', API + '/silences', body)
    assert r.status == 200, r
    return r.json()['silenceID']


def populate(am):
    """Returns {name: id} of the silences it made."""
    ids = {}
    ids['active'] = post(am, [m('alertname', 'A'), m('job', 'x|y', True),
                              m('env', 'dev', False, False),
                              m('dc', 'e.*', True, False)],
                         '2020-01-01T00:00:00Z', iso_in(7200), 'active')
    ids['pending'] = post(am, [m('alertname', 'P')],
                          '2098-01-01T02:00:00+02:00',
                          '2099-01-01T00:00:00.123456789-05:30',
                          '<pending> & "quoted" \u00e9\u4e16\U0001f600',
                          'z\u00e9 \\ "x"')
    ids['expired'] = post(am, [m('alertname', 'E')], '2020-01-01T00:00:00Z',
                          iso_in(3600), 'to expire')
    r = am.request('DELETE', API + '/silence/' + ids['expired'])
    assert r.status == 200
    ids['updated'] = post(am, [m('alertname', 'U')], '2097-01-01T00:00:00Z',
                          '2097-02-01T00:00:00Z', 'before')
    assert post(am, [m('alertname', 'U')], '2097-01-01T00:00:00Z',
                '2097-03-01T00:00:00Z', 'after',
                sid=ids['updated']) == ids['updated']
    ids['replaced'] = post(am, [m('alertname', 'R')],
                           '2020-01-01T00:00:00Z', iso_in(5000), 'old')
    ids['replacement'] = post(am, [m('alertname', 'R2')],
                              '2020-01-01T00:00:00Z', iso_in(5000), 'new',
                              sid=ids['replaced'])
    assert ids['replacement'] != ids['replaced']
    rng = random.Random(7)
    for i in range(40):
        ms = [m('n', str(i))]
        for _ in range(rng.randint(0, 3)):
            ms.append(m(rng.choice(['a', 'b_c', 'Z9']),
                        rng.choice(['', 'v', '.+', 'a|b', '\u00e9']),
                        rng.random() < 0.5, rng.random() < 0.7))
        pending = rng.random() < 0.3
        post(am, ms, iso_in(86400 + i) if pending else iso_in(-10),
             iso_in(2 * 86400 + rng.randint(0, 10 ** 6)),
             'bulk %d %s' % (i, 'x' * rng.randint(0, 50)),
             rng.choice(['ann', 'bob']))
    return ids


def instants(silences):
    """The list with every time as an instant (offsets dropped)."""
    def t(s):
        return datetime.datetime.fromisoformat(s.replace('Z', '+00:00')) \
            .astimezone(datetime.timezone.utc).isoformat()
    return [dict(s, startsAt=t(s['startsAt']), endsAt=t(s['endsAt']),
                 updatedAt=t(s['updatedAt'])) for s in silences]


def silences(d):
    r = d.get(API + '/silences')
    assert r.status == 200, r
    return r.json()


def test_alertd_takes_over_alertmanagers_silences(alertmanager, tmp_path):
    am = alertmanager()
    ids = populate(am)
    live = silences(am)
    assert len(live) == 46
    states = {s['id']: s['status']['state'] for s in live}
    assert states[ids['active']] == 'active'
    assert states[ids['pending']] == 'pending'
    assert states[ids['expired']] == states[ids['replaced']] == 'expired'
    assert am.stop() == 0                   # SIGTERM: snapshot written
    snap = os.path.join(am.storage, 'silences')
    assert os.path.getsize(snap) > 0
    # Alertmanager itself, restarted on a copy of the snapshot.
    os.makedirs(tmp_path / 'amcopy' / 'data')
    shutil.copy(snap, tmp_path / 'amcopy' / 'data' / 'silences')
    am2 = Alertmanager(conftest.DEFAULT_CONFIG, tmp_path / 'amcopy')
    ad = Alertd(conftest.alertd_binary(), conftest.DEFAULT_CONFIG,
                am.workdir)
    # A copy cut inside its last message: the rest is imported.
    cut = Alertd(conftest.alertd_binary(), conftest.DEFAULT_CONFIG,
                 tmp_path / 'cut')
    os.makedirs(cut.storage)
    with open(snap, 'rb') as f:
        data = f.read()
    with open(os.path.join(cut.storage, 'silences'), 'wb') as f:
        f.write(data[:-3])
    try:
        cut.start()
        assert len(silences(cut)) == 45
        assert 'imported 45 silences' in cut.log()
        assert 'malformed message at offset' in cut.log()
        cut.stop()
        am2.start()
        want = silences(am2)
        am2.stop()
        ad.start()
        got = silences(ad)
        assert got == want
        assert instants(got) == instants(live)
        assert 'imported 46 silences from Alertmanager snapshot' in ad.log()
        # The updated one kept its ID and its last content.
        u = [s for s in got if s['id'] == ids['updated']]
        assert u[0]['comment'] == 'after'
        assert u[0]['endsAt'] == '2097-03-01T00:00:00.000Z'

        # Restarted: alertd's own files now, the same silences.
        assert ad.stop() == 0
        ad.start()
        assert silences(ad) == got
        # Changes made in alertd stick; the old snapshot is not read again.
        r = ad.request('DELETE', API + '/silence/' + ids['pending'])
        assert r.status == 200
        new = post(ad, [m('alertname', 'After')], '2020-01-01T00:00:00Z',
                   iso_in(3600), 'made in alertd')
        ad.stop(sig=signal.SIGKILL)
        ad.start()
        after = {s['id']: s for s in silences(ad)}
        assert len(after) == 47
        assert after[ids['pending']]['status']['state'] == 'expired'
        assert after[new]['comment'] == 'made in alertd'
        assert ad.log().count('from Alertmanager snapshot') == 1
        # Alertmanager's file was only read.
        assert os.path.getsize(snap) > 0
    finally:
        cut.stop()
        am2.stop()
        ad.stop()


def test_no_snapshot_no_import(alertd):
    ad = alertd()
    assert silences(ad) == []
    assert 'Alertmanager snapshot' not in ad.log()


def test_corrupt_snapshot_is_reported_not_fatal(alertd_bin, tmp_path):
    """A damaged Alertmanager snapshot: alertd logs it and starts."""
    d = Alertd(alertd_bin, conftest.DEFAULT_CONFIG, tmp_path / 'x')
    os.makedirs(d.storage, exist_ok=True)
    with open(os.path.join(d.storage, 'silences'), 'wb') as f:
        f.write(b'\x7f' + b'\x0a\x05garbage' * 3)
    try:
        d.start()
        assert silences(d) == []
        assert 'silences: %s: malformed message at offset 0, dropped the ' \
            'last 28 bytes' % os.path.join(d.storage, 'silences') in d.log()
    finally:
        d.stop()
