"""Telegram, Discord, MS Teams, Webex and SNS notifications end to end:
post an alert to the daemon, the API sink receives the request
(method, path, headers, body), and the daemon retries or gives up as
Alertmanager does.

The tests of the integrations Alertmanager 0.25 has (all but MS Teams)
also run against the real Alertmanager with
ALERTD_TEST_TARGET=alertmanager, which is how their expectations were
checked; by default they run against build/alertd.  Tests marked
alertd_only check what alertd does on purpose differently (a secret kept
out of the log where Alertmanager prints it) or what 0.25 lacks.
"""

import hashlib
import hmac
import json
import os
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

TARGET = os.environ.get('ALERTD_TEST_TARGET', 'alertd')
alertd_only = pytest.mark.skipif(
    TARGET == 'alertmanager', reason='alertd behaviour (see docstring)')

TELEGRAM_OK = (b'{"ok":true,"result":{"message_id":7,"chat":{"id":42,'
               b'"type":"private"},"date":1700000000,"text":"x"}}')
SNS_OK = (b'<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
          b'<PublishResult><MessageId>m-1</MessageId></PublishResult>'
          b'</PublishResponse>')


@pytest.fixture
def daemon(request):
    """The daemon under test: alertd, or Alertmanager for reference."""
    return request.getfixturevalue(
        'alertmanager' if TARGET == 'alertmanager' else 'alertd')


class ApiSink:
    """An HTTP endpoint standing for the vendors' APIs.

    script: (status, body, content type) answers for the first requests,
    then `default` (by default: what the API answers on success for the
    path: Telegram's JSON under /tg, SNS's XML under /sns, else 200 and
    an empty body).
    """

    def __init__(self, script=()):
        self.script = list(script)
        self.requests = []
        self.cond = threading.Condition()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def do_POST(self):
                n = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(n)
                with sink.cond:
                    ans = (sink.script.pop(0) if sink.script
                           else sink.default(self.path))
                status, reply, ctype = ans
                self.send_response(status)
                self.send_header('Content-Length', str(len(reply)))
                if ctype:
                    self.send_header('Content-Type', ctype)
                self.end_headers()
                self.wfile.write(reply)
                self.wfile.flush()
                with sink.cond:
                    sink.requests.append({
                        'method': 'POST', 'path': self.path,
                        'status': status,
                        'headers': {k.lower(): v for k, v in
                                    self.headers.items()},
                        'body': body, 't': time.monotonic()})
                    sink.cond.notify_all()

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

        self.server = Server(('127.0.0.1', 0), Handler)
        self.port = self.server.server_address[1]
        self.url = 'http://127.0.0.1:%d' % self.port
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()

    @staticmethod
    def default(path):
        if path.startswith('/tg'):
            return 200, TELEGRAM_OK, 'application/json'
        if path.startswith('/sns'):
            return 200, SNS_OK, 'text/xml'
        return 200, b'', None

    def wait_for(self, n, timeout=10.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.requests) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError('%d of %d requests: %r' % (
                        len(self.requests), n,
                        [r['path'] for r in self.requests]))
                self.cond.wait(left)
            return list(self.requests)

    def count(self):
        with self.cond:
            return len(self.requests)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sink():
    s = ApiSink()
    yield s
    s.close()


def config(receiver, group_interval='2s'):
    return """route:
  receiver: r
  group_by: [alertname]
  group_wait: 1s
  group_interval: %s
  repeat_interval: 1h
receivers:
- name: r
%s""" % (group_interval, receiver)


ALERT = {'labels': {'alertname': 'A<b>', 'instance': 'i&1'},
         'annotations': {'summary': 'sum "x"'},
         'startsAt': '2020-01-01T00:00:00Z',
         'generatorURL': 'http://g/?a=1&b=2'}

# The default texts for ALERT, as Alertmanager 0.25 renders them.
TEXT_LIST = ('Labels:\n - alertname = A<b>\n - instance = i&1\n'
             'Annotations:\n - summary = sum "x"\n'
             'Source: http://g/?a=1&b=2\n')
HTML_LIST = ('Labels:\n - alertname = A&lt;b&gt;\n - instance = i&amp;1\n'
             'Annotations:\n - summary = sum &#34;x&#34;\n'
             'Source: http://g/?a=1&amp;b=2\n')


# ---------------------------------------------------------------- telegram

TG = """  telegram_configs:
  - api_url: '%s/tg'
    bot_token: '123:secret-token'
    chat_id: -100
%s"""


def test_telegram_request(daemon, sink):
    ad = daemon(config(TG % (sink.url, '')))
    assert ad.post_alerts([ALERT]).status == 200
    req = sink.wait_for(1)[0]
    assert req['path'] == '/tg/bot123:secret-token/sendMessage'
    assert req['headers']['content-type'] == 'application/json'
    # telebot sets no User-Agent: Go's own
    assert req['headers']['user-agent'] == 'Go-http-client/1.1'
    want = {'chat_id': '-100', 'disable_web_page_preview': 'true',
            'parse_mode': 'HTML',
            'text': '\n\nAlerts Firing:\n' + HTML_LIST + '\n\n\n'}
    assert json.loads(req['body']) == want
    assert req['body'] == (json.dumps(want, separators=(',', ':'))
                           .replace('<', '\\u003c').replace('>', '\\u003e')
                           .replace('&', '\\u0026') + '\n').encode()
    time.sleep(2.5)
    assert sink.count() == 1


def test_telegram_markdown_options(daemon, sink):
    extra = ("    parse_mode: MarkdownV2\n"
             "    disable_notifications: true\n"
             "    message: '*{{ .Status }}* {{ .CommonLabels.alertname }}'\n")
    ad = daemon(config(TG % (sink.url, extra)))
    ad.post_alerts([ALERT])
    req = sink.wait_for(1)[0]
    assert req['body'] == (
        b'{"chat_id":"-100","disable_notification":"true",'
        b'"disable_web_page_preview":"true","parse_mode":"MarkdownV2",'
        b'"text":"*firing* A\\u003cb\\u003e"}\n')


def test_telegram_errors_are_retried(daemon):
    """telebot's errors all come back as (true, err): even a 400."""
    bad = (400, b'{"ok":false,"error_code":400,'
           b'"description":"Bad Request: chat not found"}',
           'application/json')
    s = ApiSink(script=[bad, (502, b'<html>bad gateway</html>', 'text/html')])
    try:
        ad = daemon(config(TG % (s.url, ''), group_interval='10s'))
        ad.post_alerts([ALERT])
        reqs = s.wait_for(3, timeout=10)
        assert [r['status'] for r in reqs] == [400, 502, 200]
        assert reqs[0]['body'] == reqs[2]['body']
        time.sleep(2)
        assert s.count() == 3
        log = ad.log()
        assert 'chat not found (400)' in log
    finally:
        s.close()


@alertd_only
def test_telegram_token_not_logged(daemon, sink):
    """A transport error: Alertmanager 0.25 logs telebot's error with the
    URL, token included; alertd writes <redacted>."""
    from harness import free_port
    dead = 'http://127.0.0.1:%d' % free_port()
    ad = daemon(config(TG % (dead, '')))
    ad.post_alerts([ALERT])
    deadline = time.monotonic() + 10
    while 'redacted' not in ad.log() and time.monotonic() < deadline:
        time.sleep(0.2)
    log = ad.log()
    assert 'telebot: Post \\"<redacted>\\"' in log, log
    assert 'secret-token' not in log


# ----------------------------------------------------------------- msteams
# MS Teams arrived in Alertmanager 0.26: alertd only.  The expectations are
# Alertmanager 0.27's notifier's (recorded in tests/data/integrations/
# msteams with that notifier built into 0.25).

TEAMS = """  msteams_configs:
  - webhook_url: '%s/teams/webhookb2/secret-part'
%s"""


@alertd_only
def test_msteams_request(daemon, sink):
    ad = daemon(config(TEAMS % (sink.url, '')))
    ad.post_alerts([ALERT])
    req = sink.wait_for(1)[0]
    assert req['path'] == '/teams/webhookb2/secret-part'
    assert req['headers']['content-type'] == 'application/json'
    assert req['headers']['user-agent'] == 'Alertmanager/0.25.0'
    subject = '[FIRING:1] A<b> (i&1)'
    text = ('\n\n# Alerts Firing:\n\nLabels:\n  - alertname = A<b>\n'
            '  - instance = i&1\n\nAnnotations:\n  - summary = sum "x"\n\n'
            'Source: http://g/?a=1&b=2\n\n\n\n\n')
    msg = json.loads(req['body'])
    assert list(msg) == ['@context', 'type', 'title', 'summary', 'text',
                         'themeColor']
    assert msg == {'@context': 'http://schema.org/extensions',
                   'type': 'MessageCard', 'title': subject,
                   'summary': subject, 'text': text,
                   'themeColor': '8C1A1A'}
    assert b'A\\u003cb\\u003e' in req['body']
    assert req['body'].endswith(b'}\n')


@alertd_only
def test_msteams_resolved_and_status_codes(daemon):
    """4xx: not retried; 5xx: retried; resolved: green."""
    s = ApiSink(script=[(400, b'Summary or Text is required.', None),
                        (503, b'', None)])
    try:
        ad = daemon(config(TEAMS % (s.url, ''), group_interval='3s'))
        ad.post_alerts([ALERT])
        first = s.wait_for(1)[0]
        assert first['status'] == 400
        time.sleep(1.5)
        assert s.count() == 1
        log = ad.log()
        assert 'Summary or Text is required.' in log
        assert 'secret-part' not in log
        # the next group_interval tick: 503, then retried: 200
        reqs = s.wait_for(3, timeout=8)
        assert [r['status'] for r in reqs] == [400, 503, 200]
        resolved = dict(ALERT, endsAt='2020-01-01T01:00:00Z')
        ad.post_alerts([resolved])
        last = s.wait_for(4, timeout=8)[3]
        msg = json.loads(last['body'])
        assert msg['themeColor'] == '2DC72D'
        assert msg['title'].startswith('[RESOLVED] ')
    finally:
        s.close()


# ----------------------------------------------------------------- discord

DISCORD = """  discord_configs:
  - webhook_url: '%s/discord/api/webhooks/1/secret-part'
%s"""


def test_discord_request_and_resolved(daemon, sink):
    ad = daemon(config(DISCORD % (sink.url, '')))
    ad.post_alerts([ALERT])
    req = sink.wait_for(1)[0]
    assert req['path'] == '/discord/api/webhooks/1/secret-part'
    assert req['headers']['content-type'] == 'application/json'
    assert req['headers']['user-agent'] == 'Alertmanager/0.25.0'
    desc = '\n\nAlerts Firing:\n' + TEXT_LIST + '\n\n\n'
    want = {'content': '', 'embeds': [{
        'title': '[FIRING:1] A<b> (i&1)', 'description': desc,
        'color': 0x992D22}]}
    assert json.loads(req['body']) == want
    assert req['body'] == (json.dumps(want, separators=(',', ':'))
                           .replace('<', '\\u003c').replace('>', '\\u003e')
                           .replace('&', '\\u0026') + '\n').encode()
    ad.post_alerts([dict(ALERT, endsAt='2020-01-01T01:00:00Z')])
    req = sink.wait_for(2, timeout=8)[1]
    msg = json.loads(req['body'])
    assert msg['embeds'][0]['color'] == 0x2ECC71
    assert msg['embeds'][0]['title'] == '[RESOLVED] A<b> (i&1)'


def test_discord_4xx_not_retried(daemon):
    s = ApiSink(script=[(400, b'{"embeds": ["0"]}', 'application/json')])
    try:
        ad = daemon(config(DISCORD % (s.url, ''), group_interval='10s'))
        ad.post_alerts([ALERT])
        assert s.wait_for(1)[0]['status'] == 400
        time.sleep(2.5)
        assert s.count() == 1
        assert 'unexpected status code 400' in ad.log()
    finally:
        s.close()


@alertd_only
def test_discord_long_title_cut(daemon, sink):
    """Alertmanager 0.27+ cuts the title to 256 runes (0.25 sent it whole,
    which Discord refuses)."""
    long = dict(ALERT, labels={'alertname': 'x' * 300})
    ad = daemon(config(DISCORD % (sink.url, '')))
    ad.post_alerts([long])
    msg = json.loads(sink.wait_for(1)[0]['body'])
    title = msg['embeds'][0]['title']
    assert len(title) == 256 and title.endswith('\u2026')
    assert title.startswith('[FIRING:1] xxx')


# ------------------------------------------------------------------- webex

WEBEX = """  webex_configs:
  - api_url: '%s/webex/v1/messages'
    room_id: 'Y2lzY29zcGFyazovL3VzL1JPT00v'
    http_config:
      authorization:
        credentials: 'webex-secret'
%s"""


def test_webex_request(daemon, sink):
    ad = daemon(config(WEBEX % (sink.url, '')))
    ad.post_alerts([ALERT])
    req = sink.wait_for(1)[0]
    assert req['path'] == '/webex/v1/messages'
    assert req['headers']['authorization'] == 'Bearer webex-secret'
    assert req['headers']['content-type'] == 'application/json'
    assert req['headers']['user-agent'] == 'Alertmanager/0.25.0'
    md = 'sum "x"\n\nAlerts Firing:\n' + TEXT_LIST + '\n\n\n'
    want = {'markdown': md, 'roomId': 'Y2lzY29zcGFyazovL3VzL1JPT00v'}
    assert json.loads(req['body']) == want
    assert req['body'] == (json.dumps(want, separators=(',', ':'))
                           .replace('<', '\\u003c').replace('>', '\\u003e')
                           .replace('&', '\\u0026') + '\n').encode()


def test_webex_retry_then_fail(daemon):
    """500: retried; then 401: given up, not retried."""
    s = ApiSink(script=[(500, b'', None), (401, b'{"message":"no"}',
                                           'application/json')])
    try:
        ad = daemon(config(WEBEX % (s.url, ''), group_interval='10s'))
        ad.post_alerts([ALERT])
        reqs = s.wait_for(2, timeout=8)
        assert [r['status'] for r in reqs] == [500, 401]
        time.sleep(2.5)
        assert s.count() == 2
        log = ad.log()
        assert 'unexpected status code 401' in log
        assert 'webex-secret' not in log
    finally:
        s.close()


# --------------------------------------------------------------------- sns

SNS = """  sns_configs:
  - api_url: '%s/sns'
    sigv4:
      region: 'eu-west-1'
      access_key: 'AKIDTEST'
      secret_key: 'sns-secret-key'
%s"""


def sigv4_check(req, secret, service='sns'):
    """Verifies an AWS SigV4 Authorization header, independently of the
    daemon's signer (AWS's documented algorithm, Python's hashlib)."""
    auth = req['headers']['authorization']
    assert auth.startswith('AWS4-HMAC-SHA256 Credential=')
    parts = dict(p.split('=', 1) for p in
                 auth[len('AWS4-HMAC-SHA256 '):].split(', '))
    access, date, region, svc, term = parts['Credential'].split('/')
    assert svc == service and term == 'aws4_request'
    names = parts['SignedHeaders'].split(';')
    amz_date = req['headers']['x-amz-date']
    assert amz_date[:8] == date
    canon_headers = ''.join('%s:%s\n' % (n, ' '.join(
        req['headers'][n].split())) for n in names)
    path, _, query = req['path'].partition('?')
    canon = '\n'.join(['POST', urllib.parse.quote(path, safe='/~'),
                       query, canon_headers, ';'.join(names),
                       hashlib.sha256(req['body']).hexdigest()])
    scope = '%s/%s/%s/aws4_request' % (date, region, svc)
    sts = '\n'.join(['AWS4-HMAC-SHA256', amz_date, scope,
                     hashlib.sha256(canon.encode()).hexdigest()])
    key = ('AWS4' + secret).encode()
    for part in (date, region, svc, 'aws4_request'):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    want = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    assert parts['Signature'] == want, (canon, sts)
    return access, region, names


def test_sns_publish(daemon, sink):
    extra = ("    topic_arn: 'arn:aws:sns:eu-west-1:123456789012:alerts'\n"
             "    attributes: {team: '{{ .CommonLabels.alertname }}'}\n")
    ad = daemon(config(SNS % (sink.url, extra)))
    ad.post_alerts([ALERT])
    req = sink.wait_for(1)[0]
    assert req['path'] == '/sns/'
    h = req['headers']
    assert h['content-type'] == ('application/x-www-form-urlencoded; '
                                 'charset=utf-8')
    assert h['user-agent'].startswith('aws-sdk-go/')
    access, region, names = sigv4_check(req, 'sns-secret-key')
    assert (access, region) == ('AKIDTEST', 'eu-west-1')
    assert names == ['content-length', 'content-type', 'host',
                     'x-amz-date']
    form = urllib.parse.parse_qsl(req['body'].decode(),
                                  keep_blank_values=True)
    keys = [k for k, _ in form]
    assert keys == sorted(keys)
    msg = ('sum "x"\n\nAlerts Firing:\n' + TEXT_LIST + '\n\n\n')
    assert dict(form) == {
        'Action': 'Publish', 'Message': msg,
        'MessageAttributes.entry.1.Name': 'team',
        'MessageAttributes.entry.1.Value.DataType': 'String',
        'MessageAttributes.entry.1.Value.StringValue': 'A<b>',
        'Subject': '[FIRING:1] A<b> (i&1)',
        'TopicArn': 'arn:aws:sns:eu-west-1:123456789012:alerts',
        'Version': '2010-03-31'}
    time.sleep(2.5)
    assert sink.count() == 1


def test_sns_sms_cut_and_errors(daemon):
    """An SMS is cut to 1600 bytes with a "truncated" attribute; a 400
    is given up, a 5xx retried."""
    err = (b'<ErrorResponse><Error><Type>Sender</Type><Code>'
           b'InvalidParameter</Code><Message>Invalid parameter: '
           b'PhoneNumber</Message></Error></ErrorResponse>')
    s = ApiSink(script=[(500, b'', 'text/xml'), (400, err, 'text/xml')])
    try:
        extra = ("    phone_number: '+15555550100'\n"
                 "    message: '{{ range .Alerts }}%s{{ end }}'\n" %
                 ('\u00e9' * 1000))
        ad = daemon(config(SNS % (s.url, extra), group_interval='10s'))
        ad.post_alerts([ALERT])
        reqs = s.wait_for(2, timeout=10)
        assert [r['status'] for r in reqs[:2]] == [500, 400]
        time.sleep(2)
        log = ad.log()
        assert 'Invalid parameter: PhoneNumber' in log
        assert 'sns-secret-key' not in log
        sigv4_check(reqs[0], 'sns-secret-key')
        form = urllib.parse.parse_qs(reqs[0]['body'].decode(),
                                     keep_blank_values=True,
                                     encoding='latin-1')
        # 1600 bytes of two-byte runes: 800 of them, none split
        assert form['Message'][0].encode('latin-1') == \
            ('\u00e9' * 800).encode()
        assert form['MessageAttributes.entry.1.Name'] == ['truncated']
        assert form['MessageAttributes.entry.1.Value.StringValue'] == \
            ['true']
        assert form['PhoneNumber'] == ['+15555550100']
        # SDK retries (AM's 500 -> several requests) aside, the 400 is
        # the last one: nothing after it
        n = s.count()
        time.sleep(2)
        assert s.count() == n
    finally:
        s.close()
