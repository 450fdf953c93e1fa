"""Time intervals end to end: mute_time_intervals and active_time_intervals
on routes decide whether a flush notifies, evaluated at the flush in the
interval's location.

Each test posts alerts to a muted (or inactive) route together with a
control route that must notify; once the control notification arrived,
the flush of the other group is due too, so after a further margin its
absence is the verdict.
"""

import datetime
import time
from zoneinfo import ZoneInfo

CONFIG = """route:
  receiver: control
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
  - matchers: [route="muted"]
    receiver: muted
    mute_time_intervals: [%(mute)s]
  - matchers: [route="active"]
    receiver: active
    active_time_intervals: [%(active)s]
  - matchers: [route="control"]
    receiver: control
receivers:
- name: control
  webhook_configs: [{url: '{webhook}control'}]
- name: muted
  webhook_configs: [{url: '{webhook}muted'}]
- name: active
  webhook_configs: [{url: '{webhook}active'}]
time_intervals:
- name: always
  time_intervals:
  - weekdays: ['sunday:saturday']
- name: never
  time_intervals:
  - years: ['1999']
- name: tokyo_now
  time_intervals:
  - times: [{start_time: '%(tstart)s', end_time: '%(tend)s'}]
    location: Asia/Tokyo
- name: tokyo_other
  time_intervals:
  - times: [{start_time: '%(ostart)s', end_time: '%(oend)s'}]
    location: Asia/Tokyo
"""


def hhmm(dt):
    return '%02d:%02d' % (dt.hour, dt.minute)


def config(mute, active):
    """Windows of one hour around now in Tokyo, and the same window 12 h
    later (never now), so a wrong location or clock shows."""
    now = datetime.datetime.now(ZoneInfo('Asia/Tokyo'))
    start = now - datetime.timedelta(minutes=30)
    other = now + datetime.timedelta(hours=12)
    if start.date() != now.date() or \
            (now + datetime.timedelta(minutes=30)).date() != now.date():
        # Near midnight a window would wrap: use the whole day instead.
        tstart, tend = '00:00', '24:00'
    else:
        tstart = hhmm(start)
        tend = hhmm(now + datetime.timedelta(minutes=30))
    ostart = hhmm(other.replace(minute=0))
    oend = hhmm(other.replace(minute=0) + datetime.timedelta(minutes=30))
    if oend == '00:00':
        oend = '24:00'
    return CONFIG % dict(mute=mute, active=active, tstart=tstart,
                         tend=tend, ostart=ostart, oend=oend)


def post(d, *routes):
    r = d.post_alerts([{'labels': {'alertname': 'ti-' + r, 'route': r}}
                       for r in routes])
    assert r.status == 200, r


def paths_after_control(webhook):
    """Waits for the control notification, then a margin of two group
    intervals, and returns the paths that were notified."""
    webhook.wait_for(1, timeout=6)
    time.sleep(2.5)
    with webhook.cond:
        return sorted(r['path'] for r in webhook.requests)


def test_mute_interval_containing_now_mutes(alertd, webhook):
    d = alertd(config('always', 'always'))
    post(d, 'muted', 'active', 'control')
    assert paths_after_control(webhook) == ['/active', '/control']


def test_mute_interval_not_containing_now_notifies(alertd, webhook):
    d = alertd(config('never', 'never'))
    post(d, 'muted', 'active', 'control')
    # muted: its interval is in 1999, so it notifies; active: only
    # in 1999, so it does not.
    assert paths_after_control(webhook) == ['/control', '/muted']


def test_location_is_honoured(alertd, webhook):
    d = alertd(config('tokyo_now', 'tokyo_other'))
    post(d, 'muted', 'active', 'control')
    # Now (in Tokyo) is inside tokyo_now and outside tokyo_other.
    assert paths_after_control(webhook) == ['/control']


def test_location_other_window(alertd, webhook):
    d = alertd(config('tokyo_other', 'tokyo_now'))
    post(d, 'muted', 'active', 'control')
    assert paths_after_control(webhook) == ['/active', '/control',
                                            '/muted']
