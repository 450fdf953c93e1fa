"""Inhibition end to end: notifications muted while a firing source
alert shares the `equal` labels, released when it resolves, and the
status of GET /api/v2/alerts (inhibitedBy, state) compared with the real
Alertmanager 0.25 fed the same config and alerts.
"""

import datetime
import time

CONFIG = """route:
  receiver: web
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
inhibit_rules:
- source_match:
    alertname: JobDown
  target_match_re:
    alertname: Instance.*
  equal: [job, zone]
- source_matchers: [severity="critical"]
  target_matchers: [severity=~"warning|info"]
  equal: [cluster]
receivers:
- name: web
  webhook_configs:
  - url: '{webhook}'
"""


def rfc3339(t):
    return datetime.datetime.fromtimestamp(
        t, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def a(name, start=None, end=None, **labels):
    x = {'labels': dict(alertname=name, **labels)}
    if start is not None:
        x['startsAt'] = rfc3339(start)
    if end is not None:
        x['endsAt'] = rfc3339(end)
    return x


def sent(webhook):
    out = []
    with webhook.cond:
        for r in webhook.requests:
            out.append(sorted((x['labels']['alertname'],
                               x['labels'].get('zone', ''), x['status'])
                              for x in r['json']['alerts']))
    return out


def test_target_muted_while_source_fires(alertd, webhook):
    d = alertd(CONFIG)
    t0 = time.time()
    d.post_alerts([a('JobDown', job='j', zone='aa')])
    time.sleep(0.2)
    d.post_alerts([a('InstanceDown', job='j', zone='aa'),
                   a('InstanceDown', job='j', zone='ab')])
    webhook.wait_for(2, timeout=5)
    time.sleep(0.3)
    got = sent(webhook)
    assert [('JobDown', 'aa', 'firing')] in got
    assert [('InstanceDown', 'ab', 'firing')] in got
    # The source resolves: the target is notified at the next tick.
    d.post_alerts([a('JobDown', start=t0, end=time.time(), job='j',
                     zone='aa')])
    deadline = time.time() + 4
    while time.time() < deadline:
        if [('InstanceDown', 'aa', 'firing'),
                ('InstanceDown', 'ab', 'firing')] in sent(webhook):
            break
        time.sleep(0.1)
    assert [('InstanceDown', 'aa', 'firing'),
            ('InstanceDown', 'ab', 'firing')] in sent(webhook), sent(webhook)


def test_both_resolving_together(alertd, webhook):
    # TestAlwaysInhibiting's shape: both alerts in one group.  (In two
    # groups, the target's group, never notified, would send nothing.)
    d = alertd(CONFIG.replace('group_by: [alertname]', 'group_by: []'))
    t0 = time.time()
    d.post_alerts([a('InstanceDown', job='j', zone='aa'),
                   a('JobDown', job='j', zone='aa')])
    webhook.wait_for(1, timeout=5)
    time.sleep(0.5)
    end = time.time()
    d.post_alerts([a('InstanceDown', start=t0, end=end, job='j', zone='aa'),
                   a('JobDown', start=t0, end=end, job='j', zone='aa')])
    webhook.wait_for(2, timeout=5)
    time.sleep(1.5)
    got = sent(webhook)
    assert got == [[('JobDown', 'aa', 'firing')],
                   [('InstanceDown', 'aa', 'resolved'),
                    ('JobDown', 'aa', 'resolved')]], got


# Each inhibited alert has exactly one possible source (Alertmanager
# reports an arbitrary one when there are several).
STATUS_ALERTS = [
    a('JobDown', job='j', zone='aa'),
    a('InstanceDown', job='j', zone='aa'),   # by JobDown
    a('InstanceDown', job='j', zone='ab'),
    a('InstanceDown', zone='aa'),            # job "" != "j"
    a('Disk', severity='critical', cluster='c1'),
    a('Disk', severity='warning', cluster='c1'),   # by Disk critical
    a('Disk', severity='info'),              # by Net critical: no cluster
    a('Net', severity='info'),               # on either side
    a('Net', severity='critical'),
    a('Both', severity='critical', cluster='c2', other='x'),
]


def status_of(d, **q):
    return {x['fingerprint']: (x['status']['state'],
                               x['status']['inhibitedBy'],
                               x['status']['silencedBy'])
            for x in d.alerts(**q)}


def test_status_matches_alertmanager(alertd, alertmanager):
    ours = alertd(CONFIG)
    theirs = alertmanager(CONFIG)
    for d in (ours, theirs):
        r = d.post_alerts(STATUS_ALERTS)
        assert r.status == 200
    time.sleep(0.3)
    for q in ({}, {'inhibited': 'false'}, {'active': 'false'}):
        assert status_of(ours, **q) == status_of(theirs, **q), q
    # Some alerts really are inhibited, with one source each.
    inhibited = [v for v in status_of(ours).values() if v[1]]
    assert len(inhibited) == 4
    assert all(len(v[1]) == 1 and v[0] == 'suppressed' for v in inhibited)
