"""The real amtool 0.25 works against alertd, and prints what it prints for
the real Alertmanager holding the same alerts."""

import os
import subprocess

import conftest

from test_side_by_side import CONFIG, random_alerts

ENV = dict(os.environ, HOME='/nonexistent', TZ='UTC')


def amtool(daemon, *args):
    r = subprocess.run(['amtool', '--alertmanager.url=' + daemon.url('/')]
                       + list(args), capture_output=True, text=True,
                       timeout=30, env=ENV)
    return r.returncode, r.stdout, r.stderr


def fixed_alerts():
    """Alerts whose printed fields do not depend on the time of the run."""
    out = []
    for a in random_alerts(7, 25):
        a['startsAt'] = '2024-05-06T07:08:09.123Z'
        a['endsAt'] = '2099-01-01T00:00:00Z'
        out.append(a)
    return out


def test_alert_query_same_as_alertmanager(alertd, alertmanager):
    ad, am = alertd(CONFIG), alertmanager(CONFIG)
    alerts = fixed_alerts()
    for d in (ad, am):
        assert d.post_alerts(alerts).status == 200
    for args in (['alert', 'query'], ['alert', 'query', '-o', 'extended'],
                 ['alert', 'query', 'sbs1'],
                 ['alert', 'query', 'alertname=~"sbs(2|3).*"'],
                 ['alert', 'query', '--active', '-o', 'extended'],
                 ['alert', 'query', '-r', 'pager'],
                 ['alert']):
        got, want = amtool(ad, *args), amtool(am, *args)
        assert got[0] == 0, got
        assert got == want, args
    rc, out, _ = amtool(ad, 'alert', 'query')
    assert out.count('sbs') == 25


def test_alert_query_json(alertd):
    ad = alertd(CONFIG)
    ad.post_alerts(fixed_alerts()[:3])
    rc, out, err = amtool(ad, 'alert', 'query', '-o', 'json')
    assert rc == 0, err
    import json
    doc = json.loads(out)
    assert len(doc) == 3
    assert {a['status']['state'] for a in doc} == {'active'}


def test_alert_add(alertd):
    ad = alertd(CONFIG)
    rc, _, err = amtool(ad, 'alert', 'add', 'fromamtool', 'sev=page',
                        '--annotation=summary=hi')
    assert rc == 0, err
    [a] = ad.alerts()
    assert a['labels'] == {'alertname': 'fromamtool', 'sev': 'page'}
    assert a['receivers'] == [{'name': 'pager'}]


def test_config_show(alertd, alertmanager):
    ad, am = alertd(CONFIG), alertmanager(CONFIG)
    got, want = amtool(ad, 'config', 'show'), amtool(am, 'config', 'show')
    assert got == want and 'receiver: pager' in got[1]


def test_cluster_show(alertd, alertmanager):
    ad, am = alertd(CONFIG), alertmanager(CONFIG)
    got, want = amtool(ad, 'cluster', 'show'), amtool(am, 'cluster', 'show')
    assert got == want and got[0] == 0
    assert 'Cluster Status:  disabled' in got[1]
