"""HTTP API compatibility cases: requests sent to the real Alertmanager 0.25
(to record what it answers) and to alertd (to compare byte for byte).

Record (needs Debian's prometheus-alertmanager; writes
tests/data/api/am_cases.jsonl):

    /usr/bin/python3 tests/integration/am_cases.py record

Each case is one HTTP request.  Cases that store alerts carry a label
case=<name>; after all requests the state of each such case is read back
with GET /api/v2/alerts?filter=case="<name>" and recorded too, with
timestamps near the recording time replaced by "<now>".

Cases where alertd deliberately differs from 0.25 are not here: the
/api/v1 routes (410 as in 0.27+), the status body, mutedBy (0.28+, removed
before comparing), and a null array element (Alertmanager panics and drops
the connection; alertd answers 400).
"""

import base64
import datetime
import http.client
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'data', 'api', 'am_cases.jsonl')

JSON = {'Content-Type': 'application/json'}


def alert(case, extra=None, **kw):
    labels = {'alertname': 'compat', 'case': case}
    labels.update(extra or {})
    d = {'labels': labels}
    d.update(kw)
    return d


def post(name, body, headers=None, state=False):
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode('utf-8', 'surrogateescape')
    h = dict(JSON)
    h.update(headers or {})
    h = {k: v for k, v in h.items() if v is not None}
    return {'name': name, 'method': 'POST', 'path': '/api/v2/alerts',
            'headers': h, 'body': body, 'state': state}


def get(name, path, method='GET', headers=None):
    return {'name': name, 'method': method, 'path': path,
            'headers': headers or {}, 'body': b'', 'state': False}


T1 = '2020-01-01T00:00:00Z'
T2 = '2030-01-01T00:00:00Z'
deep = '[' * 10001 + ']' * 10001
deep_ok = ('[{"labels":{"alertname":"compat","case":"deep-ok"},"x":'
           + '[' * 5000 + ']' * 5000 + '}]')

CASES = [
    # Valid bodies and Alertmanager's defaults.
    post('simple', [alert('simple')], state=True),
    post('empty-array', '[]'),
    post('null-body', 'null'),
    post('two', [alert('two', {'n': '1'}), alert('two', {'n': '2'})],
         state=True),
    post('times', [alert('times', startsAt=T1, endsAt=T2)], state=True),
    post('ends-only', [alert('ends-only', endsAt=T2)], state=True),
    post('resolved', [alert('resolved', startsAt=T1,
                            endsAt='2020-01-02T00:00:00Z')], state=True),
    post('zero-times', [alert('zero-times',
                              startsAt='0001-01-01T00:00:00.000Z',
                              endsAt='0001-01-01T00:00:00Z')], state=True),
    post('epoch-start', [alert('epoch-start', startsAt='')], state=True),
    post('null-start', [alert('null-start', startsAt=None)], state=True),
    post('offset', [alert('offset', startsAt='2020-01-01T10:00:00+02:00',
                          endsAt='2030-01-01T00:00:00.5-09:30')],
         state=True),
    post('offset-25h', [alert('offset-25h',
                              startsAt='2020-01-01T00:00:00+25:00')],
         state=True),
    post('local-time', [alert('local-time', startsAt='2020-01-01T10:00:00',
                              endsAt='2030-01-01 10:00:00.123')],
         state=True),
    post('nanos', [alert('nanos',
                         startsAt='2020-01-01T00:00:00.987654321Z')],
         state=True),
    post('comma-frac', [alert('comma-frac',
                              startsAt='2020-01-01T00:00:00,25Z')],
         state=True),
    post('annotations', [alert('annotations', annotations={
        'summary': 'x', 'a': '<&>', 'z': '\u2028'})], state=True),
    post('generator', [alert('generator',
                             generatorURL='http://x/?a=<b>&c=1')],
         state=True),
    post('generator-rel', [alert('generator-rel', generatorURL='/graph')],
         state=True),
    post('generator-null', [alert('generator-null', generatorURL=None)],
         state=True),
    post('empty-value', [alert('empty-value', {'gone': ''})], state=True),
    post('null-value', '[{"labels":{"alertname":"compat",'
         '"case":"null-value","n":null}}]', state=True),
    post('case-keys', '[{"LABELS":{"alertname":"compat","case":"case-keys"},'
         '"StartsAt":"2020-01-01T00:00:00Z","ENDSAT":"2030-01-01T00:00:00Z"}]',
         state=True),
    post('long-s-key', '[{"labels":{"alertname":"compat","case":'
         '"long-s-key"},"\u017ftartsAt":"2020-01-01T00:00:00Z"}]',
         state=True),
    post('dup-labels', '[{"labels":{"alertname":"compat","case":"dup-labels"},'
         '"labels":{"x":"y"}}]', state=True),
    post('labels-null-reset', '[{"labels":{"alertname":"compat","a":"1"},'
         '"labels":null,"labels":{"alertname":"compat","case":'
         '"labels-null-reset"}}]', state=True),
    post('dup-key-last', '[{"labels":{"alertname":"compat","case":'
         '"dup-key-last","k":"1","k":"2"}}]', state=True),
    post('unknown-fields', '[{"labels":{"alertname":"compat","case":'
         '"unknown-fields"},"status":{"x":[1,2,{"y":null}]},"fp":1e10}]',
         state=True),
    post('bad-utf8', b'[{"labels":{"alertname":"compat","case":"bad-utf8",'
         b'"v":"a\xff\xfeb\xc3"}}]', state=True),
    post('escapes', '[{"labels":{"alertname":"compat","case":"escapes",'
         '"v":"\\u00e9\\ud83d\\ude00\\ud800x\\udc00\\"\\\\\\/\\b\\f\\n\\r\\t'
         '\\u0001"}}]', state=True),
    post('unicode', [alert('unicode', {'v': 'h\u00e9llo \u4e16\u754c'})],
         state=True),
    post('trailing-garbage', '[{"labels":{"alertname":"compat","case":'
         '"trailing-garbage"}}] xyz', state=True),
    post('deep-ok', deep_ok, state=True),
    post('partly-valid', [alert('partly-valid', {'bad-name': 'x'}),
                          alert('partly-valid', {'n': 'ok'}),
                          {'labels': {'x': ''}}], state=True),
    post('ct-charset', [alert('ct-charset')],
         {'Content-Type': 'application/json; charset=utf-8'}, state=True),
    post('ct-upper', [alert('ct-upper')],
         {'Content-Type': 'APPLICATION/JSON'}, state=True),
    # Merges of one alert (provider/mem).
    post('merge-1', [alert('merge', startsAt='2020-01-01T00:00:05Z',
                           endsAt=T2, annotations={'v': '1'})]),
    post('merge-2', [alert('merge', startsAt='2020-01-01T00:00:01Z',
                           endsAt='2029-01-01T00:00:00Z',
                           annotations={'v': '2'})], state=True),
    # 400: unparseable JSON (Go's scanner messages).
    post('syntax-x', 'xx'),
    post('syntax-truncated', '[{"labels":'),
    post('syntax-trailing-comma', '[{"labels":{"a":"b"}},]'),
    post('syntax-missing-colon', '[{"labels" {"a":"b"}}]'),
    post('syntax-obj-sep', '[{"labels":{"a":"b"} "x":1}]'),
    post('syntax-array-sep', '[{"labels":{"a":"b"}} {}]'),
    post('syntax-key', '[{labels:{}}]'),
    post('syntax-literal', '[tru]'),
    post('syntax-literal2', '[nulx]'),
    post('syntax-number', '[-x]'),
    post('syntax-decimal', '[1.x]'),
    post('syntax-exponent', '[1ex]'),
    post('syntax-escape', '["\\q"]'),
    post('syntax-u-escape', '["\\u12x4"]'),
    post('syntax-control', '["a\nb"]'),
    post('syntax-quote-char', '[\'x\']'),
    post('syntax-high-byte', b'[\xff]'),
    post('syntax-c1-byte', b'[\x85]'),
    post('syntax-bom', b'\xef\xbb\xbf[]'),
    post('syntax-deep', deep),
    post('syntax-eof-number', '-'),
    post('syntax-eof-string', '"abc'),
    # 400: wrong types (encoding/json messages).
    post('type-top-object', '{"labels":{}}'),
    post('type-top-string', '"x"'),
    post('type-top-number', '5'),
    post('type-top-bool', 'true'),
    post('type-elem-number', '[1]'),
    post('type-elem-string', '["x"]'),
    post('type-elem-array', '[[]]'),
    post('type-elem-bool', '[false]'),
    post('type-labels-string', '[{"labels":"x"}]'),
    post('type-labels-array', '[{"labels":[]}]'),
    post('type-labels-number', '[{"labels":1}]'),
    post('type-label-number', '[{"labels":{"a":1,"b":"x"}}]'),
    post('type-label-object', '[{"labels":{"a":{},"b":[1]}}]'),
    post('type-label-bool', '[{"labels":{"a":true}}]'),
    post('type-annotation', '[{"labels":{"a":"b"},"annotations":{"x":2}}]'),
    post('type-annotations', '[{"labels":{"a":"b"},"annotations":"x"}]'),
    post('type-starts-number', '[{"labels":{"a":"b"},"startsAt":5}]'),
    post('type-ends-object', '[{"labels":{"a":"b"},"endsAt":{}}]'),
    post('type-generator', '[{"labels":{"a":"b"},"generatorURL":5}]'),
    post('type-first-pass-wins', '[{"labels":"x","annotations":1}]'),
    post('type-time-wins', '[{"annotations":{"x":2},"startsAt":"foo"}]'),
    post('type-second-elem', '[{"labels":{"a":"b"}},{"labels":5}]'),
    # 400: times strfmt.ParseDateTime rejects.
    post('time-foo', [alert('t', startsAt='foo')]),
    post('time-month', [alert('t', startsAt='2020-13-01T00:00:00Z')]),
    post('time-hour', [alert('t', startsAt='2020-01-01T25:00:00Z')]),
    post('time-day', [alert('t', startsAt='2020-02-30T00:00:00Z')]),
    post('time-extra', [alert('t', startsAt='2020-01-01T00:00:00Zjunk')]),
    post('time-date-only', [alert('t', endsAt='2020-01-01')]),
    post('time-unicode', [alert('t', startsAt='\u00e9t\u00e9')]),
    # 422: go-swagger validation.
    post('empty-body', ''),
    post('blank-body', '  \n '),
    post('no-labels', '[{}]'),
    post('labels-null', '[{"labels":null}]'),
    post('second-no-labels', '[{"labels":{"a":"b"}},{"annotations":{}}]'),
    post('uri-colons', [alert('u', generatorURL='::')]),
    post('uri-space', [alert('u', generatorURL='http://x y')]),
    post('uri-escape', [alert('u', generatorURL='%zz')]),
    post('uri-control', [alert('u', generatorURL='http://x/\ty')]),
    post('uri-relative', [alert('u', generatorURL='rel')]),
    post('uri-before-labels', '[{"generatorURL":"::"}]'),
    # 400: types.Alert.Validate.
    post('no-label-pairs', '[{"labels":{}}]'),
    post('all-empty-values', '[{"labels":{"x":""}}]'),
    post('bad-label-name', '[{"labels":{"a-b":"x"}}]'),
    post('html-label-name', '[{"labels":{"a<b":"x"}}]'),
    post('empty-label-name', '[{"labels":{"":"x"}}]'),
    post('bad-annotation-name', [alert('x', annotations={'a b': 'x'})]),
    post('ends-before-starts', [alert('x', startsAt=T2, endsAt=T1)]),
    post('two-invalid', '[{"labels":{"a-b":"x"}},{"labels":{"c-d":"x"}}]'),
    # 415, 400, 406: content negotiation.
    post('ct-text', [alert('x')], {'Content-Type': 'text/plain'}),
    post('ct-none', [alert('x')], {'Content-Type': None}),
    post('ct-form', [alert('x')],
         {'Content-Type': 'application/x-www-form-urlencoded'}),
    post('ct-bad-slash', [alert('x')], {'Content-Type': 'garbage/'}),
    post('ct-no-type', [alert('x')], {'Content-Type': '/json'}),
    post('ct-bad-param', [alert('x')],
         {'Content-Type': 'application/json;;'}),
    post('ct-bare', [alert('x')], {'Content-Type': 'application'}),
    post('ct-text-empty-body', '', {'Content-Type': 'text/plain'}),
    get('accept-text', '/api/v2/receivers', headers={'Accept': 'text/plain'}),
    get('accept-json-q', '/api/v2/receivers',
        headers={'Accept': 'text/html, application/json;q=0.5'}),
    # GET /api/v2/alerts parameters.
    get('get-bad-filter', '/api/v2/alerts?filter=foo'),
    get('get-bad-regex', '/api/v2/alerts?filter=a%3D~%22(%22'),
    get('get-bad-receiver', '/api/v2/alerts?receiver=('),
    get('get-filter', '/api/v2/alerts?filter=case%3D%22two%22'
        '&filter=n%3D%222%22'),
    get('get-filter-re', '/api/v2/alerts?filter=case%3D~%22t.o%22'),
    get('get-receiver', '/api/v2/alerts?receiver=we&filter=case%3D%22two%22'),
    get('get-receiver-match', '/api/v2/alerts?receiver=w.*'
        '&filter=case%3D%22two%22'),
    get('get-inactive', '/api/v2/alerts?active=false'),
    get('get-active-no', '/api/v2/alerts?active=no&filter=case%3D%22two%22'),
    get('get-active-junk', '/api/v2/alerts?active=maybe'
        '&filter=case%3D%22two%22'),
    get('get-resolved-hidden', '/api/v2/alerts?filter=case%3D%22resolved%22'),
    get('receivers', '/api/v2/receivers'),
    # Routing.
    get('404-text', '/nope'),
    get('404-api', '/api'),
    get('404-v2', '/api/v2/nope'),
    get('404-v2-root', '/api/v2/'),
    get('404-v2-sub', '/api/v2/alerts/x'),
    get('301-v2', '/api/v2'),
    get('301-clean', '//api/v2/status'),
    get('301-dot', '/api/v2/./receivers?x=1'),
    get('trailing-slash', '/api/v2/receivers/'),
    get('405-v2', '/api/v2/alerts', method='DELETE'),
    get('405-v2-groups', '/api/v2/alerts/groups', method='PUT'),
    get('405-v2-head', '/api/v2/status', method='HEAD'),
    get('405-v2-options', '/api/v2/alerts', method='OPTIONS'),
    get('cors-preflight', '/api/v2/alerts', method='OPTIONS',
        headers={'Origin': 'http://x',
                 'Access-Control-Request-Method': 'POST'}),
    get('cors-simple', '/api/v2/receivers', headers={'Origin': 'http://x'}),
    get('healthy', '/-/healthy'),
    get('healthy-head', '/-/healthy', method='HEAD'),
    get('ready', '/-/ready'),
    get('healthy-post', '/-/healthy', method='POST'),
    get('healthy-options', '/-/healthy', method='OPTIONS'),
    get('reload-get', '/-/reload'),
]

# Headers whose values are compared (others vary: Date, lengths).
KEEP_HEADERS = ('content-type', 'allow', 'location', 'vary',
                'access-control-allow-origin',
                'access-control-allow-methods',
                'x-content-type-options')


def do_request(port, case, timeout=10):
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=timeout)
    c.putrequest(case['method'], case['path'], skip_accept_encoding=True)
    for k, v in case['headers'].items():
        c.putheader(k, v)
    if case['method'] in ('POST', 'PUT') or case['body']:
        c.putheader('Content-Length', str(len(case['body'])))
    c.endheaders(case['body'] or None)
    r = c.getresponse()
    body = r.read()
    hdrs = {}
    for k, v in r.getheaders():
        k = k.lower()
        if k in KEEP_HEADERS:
            hdrs[k] = hdrs[k] + ', ' + v if k in hdrs else v
    c.close()
    return r.status, hdrs, body


def body_repr(b):
    try:
        return {'text': b.decode('utf-8')}
    except UnicodeDecodeError:
        return {'b64': base64.b64encode(b).decode()}


def _near_now(v, now):
    try:
        t = datetime.datetime.fromisoformat(v.replace('Z', '+00:00'))
    except ValueError:
        return False
    return abs(t.timestamp() - now) < 3600


def normalize_alerts(raw, now):
    """The GET /api/v2/alerts answer with volatile parts replaced."""
    alerts = json.loads(raw)
    for a in alerts:
        for k in ('startsAt', 'endsAt', 'updatedAt'):
            if _near_now(a[k], now):
                a[k] = '<now>'
        a['status'].pop('mutedBy', None)
    return alerts


def normalize_405(rec):
    """go-swagger lists a path's methods in Go map order (random): sort."""
    import re
    if rec['status'] != 405 or 'allow' not in rec['headers'] or \
            ',' not in rec['headers']['allow'] or \
            ', ' in rec['headers']['allow']:
        return
    ms = sorted(rec['headers']['allow'].split(','))
    rec['headers']['allow'] = ','.join(ms)
    rec['text'] = re.sub(r'\[[A-Z,]+\]', '[' + ','.join(ms) + ']',
                         rec['text'])


def run_cases(port):
    """Sends every case; returns the records (responses, then states)."""
    out = []
    now = time.time()
    for case in CASES:
        st, hdrs, body = do_request(port, case)
        rec = {'name': case['name'], 'status': st, 'headers': hdrs}
        if (case['method'] == 'GET' and st == 200 and
                case['path'].startswith('/api/v2/alerts')):
            rec['alerts'] = normalize_alerts(body, now)
        else:
            rec.update(body_repr(body))
        normalize_405(rec)
        out.append(rec)
    for case in CASES:
        if not case['state']:
            continue
        cname = case['name'].split('-')[0] if case['name'].startswith(
            'merge') else case['name']
        st, _, body = do_request(port, get(
            'state', '/api/v2/alerts?filter=case%3D%22' + cname + '%22'))
        out.append({'name': 'state:' + case['name'], 'status': st,
                    'alerts': normalize_alerts(body, now)})
    return out


CONFIG = """route:
  receiver: web
  group_by: [alertname]
receivers:
- name: web
- name: other
"""


def record():
    import subprocess
    import tempfile
    sys.path.insert(0, HERE)
    from harness import free_port, wait_http
    with tempfile.TemporaryDirectory() as d:
        cfg = os.path.join(d, 'am.yml')
        with open(cfg, 'w') as f:
            f.write(CONFIG)
        port = free_port()
        p = subprocess.Popen(
            ['prometheus-alertmanager', '--config.file', cfg,
             '--storage.path', d, '--web.listen-address',
             '127.0.0.1:%d' % port, '--cluster.listen-address='],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_http(port, '/-/ready')
            recs = run_cases(port)
        finally:
            p.terminate()
            p.wait()
    with open(DATA, 'w') as f:
        for r in recs:
            f.write(json.dumps(r, sort_keys=True) + '\n')
    print('recorded %d records into %s' % (len(recs), DATA))


if __name__ == '__main__' and sys.argv[1:] == ['record']:
    record()
