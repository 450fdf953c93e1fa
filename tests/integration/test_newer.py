"""The integrations added after Alertmanager 0.25 (MS Teams Workflows,
Mattermost, Rocket.Chat, Jira, incident.io) and the global fields of
later releases, end to end: alertd started on loopback, an alert posted,
the request received by a local sink.  alertd only: 0.25 has none of
them.  The payload shapes are upstream's notify/<name> structs as Go's
encoder writes them (field order, omitempty); the unit tests
(tests/unit/check_newer_*.c) check them field by field.
"""

import json
import time

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


# -------------------------------------------------------------------- jira

class FakeJira:
    """A Jira on loopback: search, create, update, transitions; issues
    kept in memory, every request recorded."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        self.issues = {}        # key -> {'labels', 'category', 'fields'}
        self.requests = []
        self.cond = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def _any(self):
                n = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(n)
                status, reply = fake.answer(self.command, self.path, body)
                data = json.dumps(reply).encode() if reply is not None \
                    else b''
                self.send_response(status)
                self.send_header('Content-Length', str(len(data)))
                self.send_header('Content-Type', 'application/json')
                self.end_headers()
                self.wfile.write(data)
                with fake.cond:
                    fake.requests.append({
                        'method': self.command, 'path': self.path,
                        'headers': {k.lower(): v for k, v in
                                    self.headers.items()},
                        'body': body})
                    fake.cond.notify_all()

            do_GET = do_POST = do_PUT = _any

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()

    def answer(self, method, path, body):
        base = '/rest/api/2/'
        assert path.startswith(base), path
        path = path[len(base):]
        req = json.loads(body) if body else None
        with self.cond:
            if method == 'POST' and path == 'search':
                label = req['jql'].split('labels="')[1].split('"')[0]
                open_only = 'statusCategory != Done' in req['jql']
                found = [{'key': k, 'fields': {'status': {
                    'name': i['category'],
                    'statusCategory': {'key': i['category']}}}}
                    for k, i in self.issues.items()
                    if label in i['labels'] and
                    not (open_only and i['category'] == 'done')]
                return 200, {'issues': found[:req['maxResults']]}
            if method == 'POST' and path == 'issue':
                key = 'OPS-%d' % (len(self.issues) + 1)
                self.issues[key] = {'labels': req['fields']['labels'],
                                    'category': 'new',
                                    'fields': req['fields']}
                return 201, {'key': key}
            if method == 'PUT' and path.startswith('issue/'):
                self.issues[path[6:]]['fields'].update(req['fields'])
                return 204, None
            if path.endswith('/transitions'):
                key = path.split('/')[1]
                if method == 'GET':
                    # as a real Jira answers: each transition with its
                    # target status; the ones named come last, past the
                    # 4 KiB other integrations' answers are cut at
                    pad = [{'id': str(100 + i), 'name': 'Step %d' % i,
                            'to': {'id': str(i), 'name': 'S%d' % i,
                                   'description': 'x' * 400,
                                   'statusCategory': {'key': 'new'}}}
                           for i in range(12)]
                    return 200, {'transitions': pad + [
                        {'id': '11', 'name': 'Start'},
                        {'id': '21', 'name': 'Done'},
                        {'id': '31', 'name': 'Reopen'}]}
                tid = req['transition']['id']
                self.issues[key]['category'] = \
                    'done' if tid == '21' else 'new'
                return 204, None
        return 404, {'errorMessages': ['no route']}

    def wait_for(self, n, timeout=10.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.requests) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError([(r['method'], r['path'])
                                        for r in self.requests])
                self.cond.wait(left)
            return list(self.requests)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_jira_create_update_resolve(alertd):
    """Firing: searched, then created with the group label; resolved:
    searched, updated, the resolve transition looked up and made; an
    alert firing again reopens the done issue."""
    j = FakeJira()
    try:
        ad = alertd("""global:
  jira_api_url: '%s/rest/api/2/'
  resolve_timeout: 1h
""" % j.url + config("""  jira_configs:
  - project: OPS
    issue_type: Bug
    labels: [alertmanager]
    priority: High
    resolve_transition: Done
    reopen_transition: Reopen
    reopen_duration: 1h
    fields: {customfield_1: '{{ .Status }}'}
"""))
        fresh = {k: v for k, v in ALERT.items() if k != 'startsAt'}
        ad.post_alerts([fresh])
        reqs = j.wait_for(2)
        search, create = reqs[0], reqs[1]
        assert (search['method'], search['path']) == \
            ('POST', '/rest/api/2/search')
        assert search['headers']['accept-language'] == 'en'
        assert search['headers']['user-agent'] == 'Go-http-client/1.1'
        q = json.loads(search['body'])
        assert list(q) == ['fields', 'jql', 'maxResults']
        assert q['fields'] == ['status'] and q['maxResults'] == 2
        assert q['jql'].startswith(
            '(resolutiondate is EMPTY OR resolutiondate >= -60m) and '
            'project="OPS" and labels="ALERT{')
        assert (create['method'], create['path']) == \
            ('POST', '/rest/api/2/issue')
        f = json.loads(create['body'])['fields']
        assert list(f) == sorted(f)
        assert f['summary'] == SUBJECT
        assert f['issuetype'] == {'name': 'Bug'}
        assert f['project'] == {'key': 'OPS'}
        assert f['priority'] == {'name': 'High'}
        assert f['customfield_1'] == 'firing'
        label = [x for x in f['labels'] if x.startswith('ALERT{')][0]
        assert f['labels'] == sorted(['alertmanager', label])
        assert '# Alerts Firing:' in f['description']

        # resolved: update, then the "Done" transition
        ad.post_alerts([dict(fresh, endsAt='2020-01-01T00:00:00Z')])
        reqs = j.wait_for(6)[2:6]
        assert [(r['method'], r['path']) for r in reqs] == [
            ('POST', '/rest/api/2/search'),
            ('PUT', '/rest/api/2/issue/OPS-1'),
            ('GET', '/rest/api/2/issue/OPS-1/transitions'),
            ('POST', '/rest/api/2/issue/OPS-1/transitions')]
        assert 'statusCategory != Done and project="OPS"' in \
            json.loads(reqs[0]['body'])['jql']
        assert json.loads(reqs[1]['body'])['fields']['customfield_1'] == \
            'resolved'
        assert reqs[2]['body'] == b''
        assert reqs[3]['body'] == b'{"transition":{"id":"21"}}\n'
        assert j.issues['OPS-1']['category'] == 'done'

        # firing again within reopen_duration: the same issue, reopened
        ad.post_alerts([dict(fresh, startsAt=time.strftime(
            '%Y-%m-%dT%H:%M:%SZ', time.gmtime()))])
        reqs = j.wait_for(10)[6:10]
        assert [(r['method'], r['path']) for r in reqs] == [
            ('POST', '/rest/api/2/search'),
            ('PUT', '/rest/api/2/issue/OPS-1'),
            ('GET', '/rest/api/2/issue/OPS-1/transitions'),
            ('POST', '/rest/api/2/issue/OPS-1/transitions')]
        assert reqs[3]['body'] == b'{"transition":{"id":"31"}}\n'
        assert j.issues['OPS-1']['category'] == 'new'
        assert len(j.issues) == 1
        assert 'level=error' not in ad.log()
        assert 'Notify attempt failed' not in ad.log()
    finally:
        j.close()


def test_jira_resolved_without_issue(alertd):
    """The issue closed by hand, then the alert resolved: the search
    (open issues only) finds nothing, and that is the whole, successful
    notification: no issue is created for resolved alerts."""
    j = FakeJira()
    try:
        ad = alertd("""global:
  jira_api_url: '%s/rest/api/2/'
  resolve_timeout: 1h
""" % j.url + config("""  jira_configs:
  - project: OPS
    issue_type: Bug
    resolve_transition: Done
"""))
        fresh = {k: v for k, v in ALERT.items() if k != 'startsAt'}
        ad.post_alerts([fresh])
        j.wait_for(2)
        with j.cond:
            j.issues['OPS-1']['category'] = 'done'
        ad.post_alerts([dict(fresh, endsAt='2020-01-01T00:00:00Z')])
        reqs = j.wait_for(3)
        assert (reqs[2]['method'], reqs[2]['path']) == \
            ('POST', '/rest/api/2/search')
        time.sleep(3)
        assert len(j.requests) == 3
        log = ad.log()
        assert 'level=error' not in log
        assert 'Notify attempt failed' not in log
    finally:
        j.close()
