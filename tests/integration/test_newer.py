"""The integrations added after Alertmanager 0.25 (MS Teams Workflows,
Mattermost, Rocket.Chat, Jira, incident.io) and the global fields of
later releases, end to end: alertd started on loopback, an alert posted,
the request received by a local sink.  alertd only: 0.25 has none of
them.  The payload shapes are upstream's notify/<name> structs as Go's
encoder writes them (field order, omitempty); the unit tests
(tests/unit/check_newer_*.c) check them field by field.
"""

import json

import pytest

from test_integrations_b import ALERT, ApiSink, config


@pytest.fixture
def sink():
    s = ApiSink()
    yield s
    s.close()


SUBJECT = '[FIRING:1] A<b> (i&1)'


# --------------------------------------------------------------- msteamsv2

def test_msteamsv2_request(alertd, sink):
    ad = alertd(config("""  msteamsv2_configs:
  - webhook_url: '%s/workflows/secret-part?sig=x'
""" % sink.url))
    ad.post_alerts([ALERT])
    req = sink.wait_for(1)[0]
    assert req['path'] == '/workflows/secret-part?sig=x'
    assert req['headers']['content-type'] == 'application/json'
    assert req['headers']['user-agent'] == 'Alertmanager/0.25.0'
    msg = json.loads(req['body'])
    assert list(msg) == ['type', 'attachments']
    att = msg['attachments'][0]
    assert list(att) == ['contentType', 'contentUrl', 'content']
    assert att['contentUrl'] is None
    content = att['content']
    assert list(content) == ['$schema', 'type', 'version', 'body', 'msteams']
    assert content['msteams'] == {'width': 'full'}
    title, text = content['body']
    assert list(title) == ['type', 'text', 'weight', 'size', 'wrap', 'style',
                           'color']
    assert title['text'] == SUBJECT
    assert title['color'] == 'Attention'
    assert text['text'].startswith('\n\n# Alerts Firing:\n')
    assert list(text) == ['type', 'text', 'wrap']
    assert b'A\\u003cb\\u003e' in req['body']
    assert 'secret-part' not in ad.log()


# -------------------------------------------------------------- mattermost

def test_mattermost_request_and_channel_error(alertd):
    """Default fields in one attachment; a 400 is not retried and its
    error names the channel."""
    s = ApiSink(script=[(400, b'bad channel', None)])
    try:
        ad = alertd(config("""  mattermost_configs:
  - webhook_url: '%s/hooks/secret-part'
    channel: ops
""" % s.url, group_interval='3s'))
        ad.post_alerts([ALERT])
        first = s.wait_for(1)[0]
        assert first['path'] == '/hooks/secret-part'
        assert first['headers']['content-type'] == 'application/json'
        msg = json.loads(first['body'])
        assert list(msg) == ['channel', 'username', 'attachments']
        assert msg['channel'] == 'ops'
        assert msg['username'] == 'Alertmanager'
        att = msg['attachments'][0]
        assert list(att) == ['fallback', 'color', 'text', 'title',
                             'title_link']
        assert att['title'] == SUBJECT
        assert att['color'] == 'danger'
        assert att['fallback'] == SUBJECT + ' | ' + att['title_link']
        assert att['text'].startswith('\n\n# Alerts Firing:\n')
        # not retried: the next request is the next group_interval's
        reqs = s.wait_for(2, timeout=8)
        assert reqs[1]['t'] - reqs[0]['t'] > 2.0
        log = ad.log()
        assert 'channel \\"ops\\": unexpected status code 400' in log or \
            'channel "ops": unexpected status code 400' in log
        assert 'secret-part' not in log
    finally:
        s.close()


def test_mattermost_global_webhook_url(alertd, sink):
    ad = alertd("""global:
  mattermost_webhook_url: '%s/hooks/global'
""" % sink.url + config("""  mattermost_configs:
  - text: 'T {{ .Status }}'
    attachments: [{title: A}]
    priority: {priority: Urgent, requested_ack: true}
"""))
    ad.post_alerts([ALERT])
    req = sink.wait_for(1)[0]
    assert req['path'] == '/hooks/global'
    msg = json.loads(req['body'])
    assert msg == {'text': 'T firing', 'username': 'Alertmanager',
                   'attachments': [{'title': 'A'}],
                   'priority': {'priority': 'urgent',
                                'requested_ack': True}}


# -------------------------------------------------------------- rocketchat

def test_rocketchat_request_and_success_false(alertd):
    """chat.postMessage with the auth headers; "success": false in a 200
    answer fails the notification (not retried) with Rocket.Chat's
    error."""
    s = ApiSink(script=[(200, b'{"success":false,"error":"no room"}',
                         'application/json')])
    try:
        ad = alertd("""global:
  rocketchat_token_id: user-1
  rocketchat_token: secret-token
""" + config("""  rocketchat_configs:
  - api_url: '%s/rc/'
    channel: '#ops'
""" % s.url, group_interval='3s'))
        ad.post_alerts([ALERT])
        first = s.wait_for(1)[0]
        assert first['path'] == '/rc/api/v1/chat.postMessage'
        assert first['headers']['x-auth-token'] == 'secret-token'
        assert first['headers']['x-user-id'] == 'user-1'
        msg = json.loads(first['body'])
        assert list(msg) == ['channel', 'attachments']
        att = msg['attachments'][0]
        assert list(att) == ['title', 'title_link', 'color']
        assert att['title'] == SUBJECT
        assert att['color'] == 'red'
        reqs = s.wait_for(2, timeout=8)
        assert reqs[1]['t'] - reqs[0]['t'] > 2.0
        log = ad.log()
        assert 'error response from Rocketchat: no room' in log
        assert 'secret-token' not in log
    finally:
        s.close()


# -------------------------------------------------------------- incidentio

def test_incidentio_request_and_429_retried(alertd):
    """The webhook-shaped message (version "1") with the alert source
    token as a bearer; a 429 is retried at once with backoff (upstream's
    RetryCodes), not left for the next group_interval."""
    s = ApiSink(script=[(429, b'{"message":"rate limited"}',
                         'application/json')])
    try:
        ad = alertd(config("""  incidentio_configs:
  - url: '%s/v2/alert_events/http/secret-part'
    alert_source_token: secret-token
    max_alerts: 1
""" % s.url, group_interval='1h'))
        # starting now: an old alert flushes its new group at once (as
        # Alertmanager), maybe before the second is in
        fresh = {k: v for k, v in ALERT.items() if k != 'startsAt'}
        ad.post_alerts([fresh, dict(fresh, labels={'alertname': 'A<b>',
                                                   'instance': 'i&2'})])
        reqs = s.wait_for(2, timeout=8)
        assert reqs[0]['status'] == 429 and reqs[1]['status'] == 200
        assert reqs[1]['t'] - reqs[0]['t'] < 3.0
        assert reqs[0]['body'] == reqs[1]['body']
        req = reqs[1]
        assert req['path'] == '/v2/alert_events/http/secret-part'
        assert req['headers']['content-type'] == 'application/json'
        assert req['headers']['authorization'] == 'Bearer secret-token'
        msg = json.loads(req['body'])
        assert list(msg) == ['receiver', 'status', 'alerts', 'groupLabels',
                             'commonLabels', 'commonAnnotations',
                             'externalURL', 'version', 'groupKey',
                             'truncatedAlerts']
        assert msg['version'] == '1'
        assert msg['receiver'] == 'r'
        assert msg['groupKey'] == '{}:{alertname="A<b>"}'
        assert msg['truncatedAlerts'] == 1
        assert len(msg['alerts']) == 1
        assert msg['alerts'][0]['labels'] == ALERT['labels']
        assert msg['groupLabels'] == {'alertname': 'A<b>'}
        # the data is of the alerts sent (truncated first, as upstream)
        assert msg['commonLabels'] == ALERT['labels']
        assert b'A\\u003cb\\u003e' in req['body']
        log = ad.log()
        assert 'unexpected status code 429: rate limited' in log
        assert 'secret-part' not in log and 'secret-token' not in log
    finally:
        s.close()


def test_incidentio_400_not_retried(alertd):
    s = ApiSink(script=[(400, b'{"type":"validation_error","errors":'
                         b'["bad field"]}', 'application/json')])
    try:
        ad = alertd(config("""  incidentio_configs:
  - url: '%s/iio'
    http_config:
      authorization: {credentials: cred-x}
""" % s.url, group_interval='3s'))
        ad.post_alerts([ALERT])
        reqs = s.wait_for(2, timeout=8)
        assert reqs[0]['headers']['authorization'] == 'Bearer cred-x'
        assert reqs[1]['t'] - reqs[0]['t'] > 2.0
        assert 'unexpected status code 400: bad field' in ad.log()
    finally:
        s.close()
