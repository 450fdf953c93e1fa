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
