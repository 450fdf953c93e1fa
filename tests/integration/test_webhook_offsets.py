"""The webhook body of alerts posted with UTC offsets, end to end: the
same bytes as the real Alertmanager 0.25 sent for the same alerts
(tests/data/webhook/offsets/am-0.25.body, recorded by capture.py there).
"""

import json
import os

from conftest import ROOT

OFFSETS = os.path.join(ROOT, 'tests', 'data', 'webhook', 'offsets')

# The alerts started long ago, so the group flushes at once, possibly
# before the whole batch is in (Alertmanager too); a 1s group_interval
# sends the complete group next, whose body is the recorded one.
CONFIG = """route:
  receiver: hook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
- name: hook
  webhook_configs:
  - url: '{webhook}hook'
"""


def test_webhook_keeps_posted_offsets(alertd, webhook):
    ad = alertd(CONFIG, args=['--web.external-url=http://am.example:9093'])
    with open(os.path.join(OFFSETS, 'alerts.json')) as f:
        alerts = json.load(f)
    assert ad.post_alerts(alerts).status == 200
    n = 1
    while len(webhook.wait_for(n)[-1]['json']['alerts']) < len(alerts):
        n += 1
    got = webhook.requests[n - 1]['body']
    with open(os.path.join(OFFSETS, 'am-0.25.body'), 'rb') as f:
        want = f.read()
    assert got == want
    # The API prints the same offsets back (strfmt: milliseconds).
    starts = {a['labels']['instance']: a['startsAt'] for a in ad.alerts()}
    assert starts['a'] == '2020-01-01T10:00:00.500+02:00'
    assert starts['e'] == '2019-12-31T23:59:59.999+05:45'
