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
