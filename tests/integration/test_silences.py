"""The silence API of alertd against the real Alertmanager 0.25, over HTTP.

- The recorded cases (tests/data/silences/api_cases.jsonl, from
  record-am.py) replayed against a running alertd, and against a running
  prometheus-alertmanager to show the recording still holds.
- Scenarios run on both daemons side by side (create, update in place and
  with a new ID, expire, get, list with filters and sort order): every
  answer compared, with silence IDs mapped by creation order and
  timestamps near now normalized.
- The 0.28 limits --silences.max-silences and
  --silences.max-silence-size-bytes (Alertmanager 0.25 has no such flags:
  their answers follow 0.28's code, see silences/silence_store.c).

Known departures, asserted as such: DELETE of an unknown ID is 404 (0.26+;
0.25 said 500), and instants after 2262 are stored as the last instant
alertd can hold (Alertmanager keeps year 9999).
"""

import datetime
import json
import os
import re
import subprocess
import time

import pytest

import conftest

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, '..', 'data', 'silences', 'api_cases.jsonl')
API = '/api/v2'


def load_cases():
    with open(CASES) as f:
        return [json.loads(line) for line in f]


RECORDED = load_cases()


def replay(daemon, case):
    body = case.get('body')
    headers = {'Content-Type': 'application/json'} if body is not None \
        else {}
    return daemon.request(case['method'], API + case['path'], body,
                          headers)


def test_recorded_cases_count():
    # 54 POST bodies and 5 path checks, see record-am.py.
    assert len(RECORDED) == 59
    assert len({c['name'] for c in RECORDED}) == 59


def test_recorded_cases_against_alertd(alertd):
    ad = alertd()
    bad = []
    for c in RECORDED:
        r = replay(ad, c)
        want_status, want_body = c['status'], c['resp']
        if c['method'] == 'DELETE' and want_status == 500:
            # 0.25 answered 500 "silence not found"; 0.26+ and alertd 404.
            want_status, want_body = 404, ''
        if (r.status, r.text) != (want_status, want_body):
            bad.append((c['name'], r.status, r.text, want_status,
                        want_body))
    assert bad == []
    # Nothing was stored by any of them.
    r = ad.get(API + '/silences')
    assert (r.status, r.json()) == (200, [])


def test_recorded_cases_still_alertmanagers(alertmanager):
    am = alertmanager()
    got = []
    for c in RECORDED:
        r = replay(am, c)
        got.append((c['name'], r.status, r.text))
    assert got == [(c['name'], c['status'], c['resp']) for c in RECORDED]


def test_regex_error_cases_in_full(alertd, alertmanager):
    """Go's RE2 error text, quoting the raw (unanchored) pattern."""
    ad, am = alertd(), alertmanager()
    for pat in ['(', '[', 'a)', '*', 'a{2,1}', '(?P<n>a', '\\8', 'x**',
                '[z-a]', '(?i', 'a|(b']:
        body = {'matchers': [{'name': 'a', 'value': 'b', 'isRegex': False},
                             {'name': 'r', 'value': pat, 'isRegex': True}],
                'startsAt': '2020-01-01T00:00:00Z',
                'endsAt': '2099-01-01T00:00:00Z',
                'createdBy': 'me', 'comment': 'c'}
        r1 = ad.request('POST', API + '/silences', body)
        r2 = am.request('POST', API + '/silences', body)
        assert (r1.status, r1.text) == (r2.status, r2.text), pat
        if r2.status == 400:
            assert 'error parsing regexp' in r2.text


def test_regex_valid_only_unanchored_is_refused(alertd, alertmanager):
    """A departure: Go accepts the pattern \\Q( but not its anchored form
    ^(?:\\Q()$.  Alertmanager stores such a silence, and then every
    silence query fails on it (so no alert is silenced at all); alertd
    refuses it with the anchored form's error."""
    ad, am = alertd(), alertmanager()
    body = sil([m('r', '\\Q(', True)], PAST, iso(3600))
    r1 = ad.request('POST', API + '/silences', body)
    r2 = am.request('POST', API + '/silences', body)
    assert r2.status == 200
    assert r1.status == 400
    assert r1.text == (r'"silence invalid: invalid label matcher 0: invalid '
                       r'regular expression \"\\\\Q(\": error parsing '
                       r'regexp: missing closing ): `^(?:\\Q()$`"' '\n')


# ------------------------------------------------------------ scenarios --

NOW_SLACK = 60.0    # seconds: a time this close to now reads as "<now>"
TIME_RE = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?'
                     r'(Z|[+-]\d\d:\d\d)$')
UUID_RE = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'
                     r'[0-9a-f]{12}')


def parse_time(s):
    s = s.replace('Z', '+00:00')
    if '.' in s:
        head, rest = s.split('.', 1)
        frac = re.match(r'\d+', rest).group(0)
        s = head + '.' + frac[:6].ljust(6, '0') + rest[len(frac):]
    return datetime.datetime.fromisoformat(s).timestamp()


class Session:
    """One daemon's view of a scenario: silence IDs as tokens."""

    def __init__(self, daemon):
        self.d = daemon
        self.ids = {}       # token -> real ID
        self.tokens = {}    # real ID -> token

    def learn(self, sid):
        if sid not in self.tokens:
            tok = '<S%d>' % len(self.tokens)
            self.tokens[sid] = tok
            self.ids[tok] = sid
        return self.tokens[sid]

    def subst(self, v):
        if isinstance(v, str):
            for tok, sid in self.ids.items():
                v = v.replace(tok, sid)
            return v
        if isinstance(v, list):
            return [self.subst(x) for x in v]
        if isinstance(v, dict):
            return {k: self.subst(x) for k, x in v.items()}
        return v

    def norm(self, v, now):
        if isinstance(v, str):
            if TIME_RE.match(v) and abs(parse_time(v) - now) < NOW_SLACK:
                return '<now>'
            return UUID_RE.sub(lambda m: self.tokens.get(m.group(0),
                                                         '<unknown>'), v)
        if isinstance(v, list):
            return [self.norm(x, now) for x in v]
        if isinstance(v, dict):
            return {k: self.norm(x, now) for k, x in v.items()}
        return v

    def do(self, method, path, body=None):
        r = self.d.request(method, API + self.subst(path),
                           self.subst(body) if body is not None else None)
        now = time.time()
        doc = None
        if r.body:
            try:
                doc = json.loads(r.body)
            except ValueError:
                doc = r.text
        if r.status == 200 and isinstance(doc, dict) and \
                'silenceID' in doc:
            self.learn(doc['silenceID'])
        if isinstance(doc, list):
            for s in doc:
                if isinstance(s, dict) and 'id' in s:
                    self.learn(s['id'])
        return r.status, self.norm(doc, now)


def sil(matchers, starts, ends, comment='c', by='me', id=None):
    d = {'matchers': matchers, 'startsAt': starts, 'endsAt': ends,
         'createdBy': by, 'comment': comment}
    if id is not None:
        d['id'] = id
    return d


def m(name, value, regex=False, equal=None):
    d = {'name': name, 'value': value, 'isRegex': regex}
    if equal is not None:
        d['isEqual'] = equal
    return d


PAST = '2020-01-01T00:00:00Z'


def iso(offset):
    t = datetime.datetime.now(datetime.timezone.utc) + \
        datetime.timedelta(seconds=offset)
    return t.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'


def scenario():
    """(method, path, body) steps; <Sn> is the n-th silence ID seen."""
    h = iso(3600)
    steps = [
        # Active (a past start becomes now), pending, several matchers.
        ('POST', '/silences', sil([m('alertname', 'A')], PAST, h)),
        ('POST', '/silences', sil([m('alertname', 'B'), m('job', 'x|y', True),
                                   m('env', 'dev', False, False),
                                   m('dc', 'e.*', True, False)],
                                  PAST, iso(7200), 'four matchers')),
        ('POST', '/silences', sil([m('alertname', 'P')],
                                  '2098-01-01T02:00:00+02:00',
                                  '2099-01-01T00:00:00.123456789-05:30',
                                  '<pending> & "quoted"', 'z\u00e9\u4e16')),
        ('POST', '/silences', sil([m('alertname', 'A'), m('x', '')],
                                  PAST, iso(1800), 'x empty')),
        ('GET', '/silences', None),
        ('GET', '/silence/<S0>', None),
        ('GET', '/silence/<S2>', None),
        # Update in place: same matchers, same start (active), new end and
        # comment; pending: new start in the future.
        ('POST', '/silences', sil([m('alertname', 'B'), m('job', 'x|y', True),
                                   m('env', 'dev', False, False),
                                   m('dc', 'e.*', True, False)],
                                  '<start:S1>', iso(9000), 'longer',
                                  id='<S1>')),
        ('POST', '/silences', sil([m('alertname', 'P')],
                                  '2097-01-01T00:00:00Z',
                                  '2099-01-01T00:00:00Z', 'moved', id='<S2>')),
        # Changed matchers: a new ID, the old one expired.
        ('POST', '/silences', sil([m('alertname', 'A2')], PAST, h,
                                  id='<S0>')),
        # Active silence with a changed start: a new ID.
        ('POST', '/silences', sil([m('alertname', 'A'), m('x', '')],
                                  '2096-01-01T00:00:00Z',
                                  '2096-02-01T00:00:00Z', id='<S3>')),
        ('GET', '/silences', None),
        # Expire: active and pending; again (already expired); unknown.
        ('DELETE', '/silence/<S1>', None),
        ('DELETE', '/silence/<S2>', None),
        ('DELETE', '/silence/<S2>', None),
        ('GET', '/silence/<S1>', None),
        ('GET', '/silence/<S2>', None),
        # Updating an expired silence gives a new one.
        ('POST', '/silences', sil([m('alertname', 'P')],
                                  '2097-01-01T00:00:00Z',
                                  '2099-01-01T00:00:00Z', 'revived',
                                  id='<S2>')),
        ('POST', '/silences', sil([m('alertname', 'Q')], PAST, h,
                                  id='11111111-2222-3333-4444-555555555555')),
        ('GET', '/silences', None),
        # Filters: Alertmanager's structural match on the matchers.
        ('GET', '/silences?filter=alertname%3D%22A%22', None),
        ('GET', '/silences?filter=alertname%3DA', None),
        ('GET', '/silences?filter=job%3D~%22x%7Cy%22', None),
        ('GET', '/silences?filter=job%3D~x%7Cy&filter=alertname%3DB', None),
        ('GET', '/silences?filter=env!%3Ddev', None),
        ('GET', '/silences?filter=dc!~e.*', None),
        ('GET', '/silences?filter=alertname%3DNone', None),
        ('GET', '/silences?filter=x%3D', None),
        ('GET', '/silences?filter=%7Balertname%3DA%7D', None),
        ('GET', '/silences?filter=alertname%3D~%22(%22', None),
        ('GET', '/silences?filter=a-b%3Dc', None),
        ('GET', '/silences?filter=', None),
        ('GET', '/silences?filter=nooperator', None),
    ]
    return steps


def resolve_start(sess, body):
    """<start:Sn>: the start the daemon stored for silence Sn."""
    if not isinstance(body, dict):
        return body
    st = body.get('startsAt', '')
    if st.startswith('<start:'):
        tok = '<%s>' % st[7:-1]
        r = sess.d.request('GET', API + '/silence/' + sess.ids[tok])
        body = dict(body, startsAt=r.json()['startsAt'])
    return body


def run_both(ad, am, steps):
    sa, sm = Session(ad), Session(am)
    diffs = []
    for i, (method, path, body) in enumerate(steps):
        got = sa.do(method, path, resolve_start(sa, body))
        want = sm.do(method, path, resolve_start(sm, body))
        if got != want:
            diffs.append((i, method, path, got, want))
    return diffs, sa, sm


def test_scenario_same_answers(alertd, alertmanager):
    ad, am = alertd(), alertmanager()
    diffs, sa, sm = run_both(ad, am, scenario())
    assert diffs == []
    # The scenario made new IDs where Alertmanager does, not elsewhere.
    assert len(sa.tokens) == len(sm.tokens) == 7
    states = {s['id']: s['status']['state']
              for s in ad.get(API + '/silences').json()}
    assert sorted(states.values()) == sorted(
        s['status']['state'] for s in am.get(API + '/silences').json())


def test_sort_order_many(alertd, alertmanager):
    """Active by endsAt, pending by startsAt, expired by endsAt, newest
    first; many silences, so Go's sort.Slice leaves insertion sort."""
    ad, am = alertd(), alertmanager()
    steps = []
    for i in range(40):
        k = (i * 7) % 40
        if i % 3 == 0:      # active, distinct ends
            steps.append(('POST', '/silences',
                          sil([m('n', str(i))], PAST, iso(3600 + k * 60))))
        elif i % 3 == 1:    # pending, distinct starts
            steps.append(('POST', '/silences',
                          sil([m('n', str(i))],
                              '2090-01-%02dT00:00:00Z' % (k % 28 + 1),
                              '2091-01-01T%02d:00:00Z' % (k % 24))))
        else:               # active, expired below
            steps.append(('POST', '/silences',
                          sil([m('n', str(i))], PAST, iso(600 + k))))
    for i in range(2, 40, 3):
        steps.append(('DELETE', '/silence/<S%d>' % i, None))
        # Distinct expiry times (to the millisecond, as sorted).
        steps.append(('GET', '/silence/<S%d>' % i, None))
    diffs, sa, sm = run_both(ad, am, steps)
    assert diffs == []
    got = [sa.tokens[s['id']] for s in ad.get(API + '/silences').json()]
    want = [sm.tokens[s['id']] for s in am.get(API + '/silences').json()]
    assert got == want and len(got) == 40


def test_edge_times(alertd, alertmanager):
    ad, am = alertd(), alertmanager()
    cases = [
        ('0001-01-01T00:00:00Z', iso(3600)),        # zero start
        (PAST, '0001-01-01T00:00:00Z'),             # zero end
        ('', iso(3600)),                            # "" is the epoch
        (PAST, ''),
        ('2090-01-01T00:00:00+14:00', '2090-01-01T00:00:00-12:00'),
        ('2090-01-01T00:00:00.999999999Z', '2090-01-01T00:00:01Z'),
    ]
    for st, en in cases:
        b = sil([m('a', 'b')], st, en)
        r1 = ad.request('POST', API + '/silences', b)
        r2 = am.request('POST', API + '/silences', b)
        assert r1.status == r2.status, (st, en, r1, r2)
        if r2.status != 200:
            assert r1.text == r2.text
        else:
            g1 = ad.get(API + '/silence/' + r1.json()['silenceID']).json()
            g2 = am.get(API + '/silence/' + r2.json()['silenceID']).json()
            now = time.time()
            n1 = Session(ad).norm(dict(g1, id=''), now)
            n2 = Session(am).norm(dict(g2, id=''), now)
            assert n1 == n2


def test_far_future_ends(alertd, alertmanager):
    """Alertmanager refuses a silence whose endsAt + --data.retention (5
    days) passes the year 10000 (a protobuf timestamp limit), in gogo's
    words; alertd the same.  Later than 2262 but earlier than that, both
    accept; alertd stores the last instant it can hold (a departure)."""
    ad, am = alertd(), alertmanager()
    for end in ['9999-12-31T23:59:59Z', '9999-12-27T00:00:00Z',
                '9999-12-30T00:00:00.5+02:00']:
        b = sil([m('a', 'b')], PAST, end)
        r1 = ad.request('POST', API + '/silences', b)
        r2 = am.request('POST', API + '/silences', b)
        assert r2.status == 400 and 'after 10000-01-01' in r2.text
        assert (r1.status, r1.text) == (r2.status, r2.text)
    for end in ['9999-12-26T23:59:59.999Z', '9000-01-01T00:00:00Z']:
        b = sil([m('a', 'b')], PAST, end)
        r1 = ad.request('POST', API + '/silences', b)
        r2 = am.request('POST', API + '/silences', b)
        assert r1.status == r2.status == 200
        g1 = ad.get(API + '/silence/' + r1.json()['silenceID']).json()
        g2 = am.get(API + '/silence/' + r2.json()['silenceID']).json()
        assert g2['endsAt'] == end.replace('Z', '.000Z') \
            if '.' not in end else end
        assert g1['endsAt'] == '2262-04-11T23:47:16.854Z'
        assert g1['status'] == g2['status'] == {'state': 'active'}


# --------------------------------------------------------------- limits --

def test_limit_flags_in_help():
    out = subprocess.run([conftest.alertd_binary(), '--help'],
                         capture_output=True, text=True, timeout=10).stdout
    # kingpin's form, quoted or not.
    assert re.search(r'--silences\.max-silences=("?)0\1\n', out)
    assert re.search(r'--silences\.max-silence-size-bytes=("?)0\1\n', out)


def test_max_silences(alertd):
    ad = alertd(args=['--silences.max-silences=3'])
    ids = []
    for i in range(3):
        r = ad.request('POST', API + '/silences',
                       sil([m('n', str(i))], PAST, iso(3600)))
        assert r.status == 200, r
        ids.append(r.json()['silenceID'])
    r = ad.request('POST', API + '/silences',
                   sil([m('n', '3')], PAST, iso(3600)))
    assert (r.status, r.text) == (
        400, '"exceeded maximum number of silences: 3 (limit: 3)"\n')
    # An update in place needs no room; one that makes a new ID does.
    r = ad.request('POST', API + '/silences',
                   sil([m('n', '0')], ad.get(API + '/silence/' + ids[0])
                       .json()['startsAt'], iso(7200), 'longer', id=ids[0]))
    assert (r.status, r.json()['silenceID']) == (200, ids[0])
    r = ad.request('POST', API + '/silences',
                   sil([m('n', 'other')], PAST, iso(3600), id=ids[0]))
    assert r.status == 400 and 'exceeded maximum number' in r.text
    # Expired silences count until they are garbage-collected.
    assert ad.request('DELETE', API + '/silence/' + ids[1]).status == 200
    r = ad.request('POST', API + '/silences',
                   sil([m('n', '4')], PAST, iso(3600)))
    assert r.status == 400
    assert len(ad.get(API + '/silences').json()) == 3
    # The limit holds after a restart.
    ad.stop()
    ad.start()
    r = ad.request('POST', API + '/silences',
                   sil([m('n', '5')], PAST, iso(3600)))
    assert r.status == 400 and 'limit: 3' in r.text


def test_max_silence_size(alertd):
    ad = alertd(args=['--silences.max-silence-size-bytes=300'])
    r = ad.request('POST', API + '/silences',
                   sil([m('a', 'b')], PAST, iso(3600), 'short'))
    assert r.status == 200, r
    sid = r.json()['silenceID']
    r = ad.request('POST', API + '/silences',
                   sil([m('a', 'b')], PAST, iso(3600), 'x' * 400))
    assert r.status == 400
    mm = re.fullmatch(r'"silence exceeded maximum size: (\d+) bytes '
                      r'\(limit: 300 bytes\)"\n', r.text)
    assert mm and int(mm.group(1)) > 400, r.text
    # Too big an update is refused and leaves the silence as it was.
    start = ad.get(API + '/silence/' + sid).json()['startsAt']
    r = ad.request('POST', API + '/silences',
                   sil([m('a', 'b')], start, iso(3600), 'y' * 400, id=sid))
    assert r.status == 400
    assert ad.get(API + '/silence/' + sid).json()['comment'] == 'short'
    # Expiring is always possible.
    assert ad.request('DELETE', API + '/silence/' + sid).status == 200


def test_limits_off_by_default(alertd):
    ad = alertd()
    for i in range(50):
        r = ad.request('POST', API + '/silences',
                       sil([m('n', str(i))], PAST, iso(3600), 'z' * 5000))
        assert r.status == 200
    assert len(ad.get(API + '/silences').json()) == 50


# --------------------------------------------- alert status (silencedBy) --

def alerts_by_name(daemon, query=''):
    r = daemon.get(API + '/alerts' + query)
    assert r.status == 200, r
    return {a['labels']['alertname']: a['status'] for a in r.json()}


def test_alert_status_follows_silences(alertd, alertmanager):
    """The silence steps of the acceptance test
    TestAlertGetReturnsCurrentAlertStatus, on both daemons: GET
    /api/v2/alerts marks an alert silenced as soon as a silence covering
    it exists (no wait for the pipeline) and active again once it is
    expired; pending and non-matching silences do not count.  Its
    inhibitedBy step needs the inhibitor (branch `dispatch`)."""
    ad, am = alertd(), alertmanager()
    alerts = [{'labels': {'alertname': n, 'sev': s, 'env': e},
               'startsAt': iso(-60), 'endsAt': iso(300)}
              for n, s, e in [('A', 'warning', 'prod'),
                              ('B', 'critical', 'dev'),
                              ('C', 'warning', 'dev')]]
    sa, sm = Session(ad), Session(am)
    for d in (ad, am):
        assert d.post_alerts(alerts).status == 200
        st = alerts_by_name(d)
        assert {n: s['state'] for n, s in st.items()} == \
            {'A': 'active', 'B': 'active', 'C': 'active'}
    steps = [
        ('POST', '/silences', sil([m('alertname', 'A')], PAST, iso(300))),
        ('POST', '/silences', sil([m('sev', 'warn.*', True),
                                   m('env', 'prod', False, False)],
                                  PAST, iso(300))),
        ('POST', '/silences', sil([m('alertname', 'B')],
                                  '2099-01-01T00:00:00Z',
                                  '2099-01-02T00:00:00Z')),   # pending
        ('POST', '/silences', sil([m('alertname', 'nomatch')], PAST,
                                  iso(300))),
    ]
    for method, path, body in steps:
        assert sa.do(method, path, body) == sm.do(method, path, body)

    def statuses(sess):
        out = {}
        for q in ['', '?silenced=false', '?active=false',
                  '?filter=alertname%3D~%22A%7CC%22&silenced=true']:
            st = alerts_by_name(sess.d, q)
            for v in st.values():
                v.pop('mutedBy', None)      # 0.28's field, alertd has it
            out[q] = {n: sess.norm(s, time.time()) for n, s in st.items()}
        return out

    want = statuses(sm)
    assert statuses(sa) == want
    assert want[''] == {
        'A': {'inhibitedBy': [], 'silencedBy': ['<S0>'],
              'state': 'suppressed'},
        'B': {'inhibitedBy': [], 'silencedBy': [], 'state': 'active'},
        'C': {'inhibitedBy': [], 'silencedBy': ['<S1>'],
              'state': 'suppressed'}}
    # Expire one: A is active again at once.
    assert sa.do('DELETE', '/silence/<S0>') == sm.do('DELETE',
                                                     '/silence/<S0>')
    want = statuses(sm)
    assert statuses(sa) == want
    assert want['']['A']['state'] == 'active'
    assert want['']['A']['silencedBy'] == []
