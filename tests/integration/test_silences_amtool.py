"""The real amtool 0.25's `silence add / query / expire / update / import`
against alertd, in every output format: exit status, stdout and stderr
compared with what the same commands print against the real Alertmanager
0.25 started next to it, and the results checked through the API (IDs,
states, what GET returns).

Generated IDs are mapped to <S0>, <S1>... in the order each daemon
printed them, and times within a minute and a half of now + a whole
number of hours are written <now+Nh> (amtool computes ends from its own
clock, the daemons starts from theirs).

The one known difference: expiring an unknown ID is 404 in alertd (as in
0.26+), 500 in 0.25, so amtool words the error differently.
"""

import datetime
import json
import os
import re
import subprocess
import time

UUID_RE = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'
                     r'[0-9a-f]{12}')
TIME_RES = [
    (re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)'),
     None),
    (re.compile(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC'),
     '%Y-%m-%d %H:%M:%S UTC'),
]
SLACK = 90
API = '/api/v2'


def parse_time(s, fmt):
    if fmt is not None:
        return datetime.datetime.strptime(s, fmt).replace(
            tzinfo=datetime.timezone.utc).timestamp()
    s = s.replace('Z', '+00:00')
    m = re.match(r'(.*?\d\d:\d\d:\d\d)(\.\d+)?(.*)$', s)
    frac = (m.group(2) or '.0')[:7].ljust(7, '0')
    return datetime.datetime.fromisoformat(m.group(1) + frac + m.group(3)) \
        .timestamp()


class Tool:
    """amtool against one daemon; remembers the IDs it was shown."""

    def __init__(self, daemon, home):
        self.d = daemon
        self.env = dict(os.environ, HOME=str(home), TZ='UTC')
        self.tokens = {}

    def learn(self, text):
        for sid in UUID_RE.findall(text):
            self.tokens.setdefault(sid, '<S%d>' % len(self.tokens))

    def id(self, tok):
        return {v: k for k, v in self.tokens.items()}[tok]

    def run(self, *args, stdin=None):
        r = subprocess.run(['amtool', '--alertmanager.url=' +
                            self.d.url('/')] + list(args),
                           capture_output=True, text=True, timeout=60,
                           env=self.env, input=stdin)
        return r.returncode, r.stdout, r.stderr

    def norm(self, text):
        now = time.time()

        def t(m, fmt):
            try:
                v = parse_time(m.group(0), fmt)
            except ValueError:
                return m.group(0)
            h = round((v - now) / 3600)
            if abs(v - now - h * 3600) < SLACK:
                # Keep the width: tables stay aligned.
                return ('<now%+dh>' % h).ljust(len(m.group(0)), '~')
            return m.group(0)
        for rx, fmt in TIME_RES:
            text = rx.sub(lambda m: t(m, fmt), text)
        self.learn(text)
        return UUID_RE.sub(lambda m: self.tokens[m.group(0)].ljust(36, '~'),
                           text)

    def same(self, other, *args, stdin=None):
        """Runs args with both; returns the normalized result of self."""
        a = self.run(*args, stdin=stdin)
        b = other.run(*args, stdin=stdin)
        na = (a[0], self.norm(a[1]), self.norm(a[2]))
        nb = (b[0], other.norm(b[1]), other.norm(b[2]))
        assert na == nb, args
        return a, na


def tools(alertd, alertmanager, tmp_path):
    ad, am = alertd(), alertmanager()
    return Tool(ad, tmp_path), Tool(am, tmp_path)


def get(daemon, sid):
    r = daemon.get(API + '/silence/' + sid)
    assert r.status == 200, r
    return r.json()


def listing(daemon):
    r = daemon.get(API + '/silences')
    assert r.status == 200
    return r.json()


ADDS = [
    ['silence', 'add', 'alertname=x', '-c', 'hello', '-a', 'me', '-d', '1h'],
    ['silence', 'add', 'Foo', 'job=~"a|b"', 'env!=dev', '-c', 'two words',
     '-a', 'you', '-d', '2h'],
    ['silence', 'add', 'pend', '-c', 'p', '-a', 'me',
     '--start=2099-01-01T00:00:00Z', '--end=2099-01-02T00:00:00Z'],
    ['silence', 'add', 'x=~".+"', 'y!~"z|w"', '-c', '<&>', '-a', 'me',
     '--duration=3h'],
]


def add_all(ta, tm):
    ids = []
    for args in ADDS:
        (rc, out, err), (nrc, nout, _) = ta.same(tm, *args)
        assert rc == 0 and err == ''
        assert UUID_RE.fullmatch(out.strip())
        ids.append(out.strip())
    return ids


def test_add(alertd, alertmanager, tmp_path):
    ta, tm = tools(alertd, alertmanager, tmp_path)
    ids = add_all(ta, tm)
    assert len(set(ids)) == 4
    a, b, c, d = (get(ta.d, i) for i in ids)
    assert a['matchers'] == [{'isEqual': True, 'isRegex': False,
                              'name': 'alertname', 'value': 'x'}]
    assert (a['comment'], a['createdBy'], a['status']['state']) == \
        ('hello', 'me', 'active')
    assert b['matchers'] == [
        {'isEqual': True, 'isRegex': False, 'name': 'alertname',
         'value': 'Foo'},
        {'isEqual': True, 'isRegex': True, 'name': 'job', 'value': 'a|b'},
        {'isEqual': False, 'isRegex': False, 'name': 'env', 'value': 'dev'}]
    assert abs(parse_time(b['endsAt'], None) - time.time() - 7200) < SLACK
    assert (c['startsAt'], c['endsAt'], c['status']['state']) == \
        ('2099-01-01T00:00:00.000Z', '2099-01-02T00:00:00.000Z', 'pending')
    assert d['matchers'][1] == {'isEqual': False, 'isRegex': True,
                                'name': 'y', 'value': 'z|w'}
    assert d['comment'] == '<&>'
    # What the API lists, side by side (IDs and times normalized).
    assert ta.norm(json.dumps(listing(ta.d))) == \
        tm.norm(json.dumps(listing(tm.d)))


QUERIES = [
    [], ['-q'], ['--expired'], ['alertname=x'], ['Foo'], ['--within=3h'],
    ['job=~"a|b"'], ['--within=1h', '--expired'], ['-a', 'you'],
    ['--created-by=me', 'x=~".+"'], ['nosuch'],
]


def test_query_all_formats(alertd, alertmanager, tmp_path):
    ta, tm = tools(alertd, alertmanager, tmp_path)
    add_all(ta, tm)
    # One expired silence too.
    sid = ta.id('<S0>'), tm.id('<S0>')
    assert ta.run('silence', 'expire', sid[0])[0] == 0
    assert tm.run('silence', 'expire', sid[1])[0] == 0
    seen = 0
    for fmt in ['simple', 'extended', 'json']:
        for q in QUERIES:
            args = ['-o', fmt, 'silence', 'query'] + q
            if q and q[0] == '-a':
                args = ['-o', fmt, 'silence', 'query', '--created-by',
                        q[1]]
            (rc, out, err), norm = ta.same(tm, *args)
            assert rc == 0, (args, err)
            seen += len(UUID_RE.findall(out))
            if fmt == 'json' and '-q' not in q:
                doc = json.loads(out)
                want = 'expired' if '--expired' in q else None
                for s in doc:
                    assert s['status']['state'] == want or (
                        want is None and s['status']['state'] != 'expired')
    assert seen > 0
    # `silence` alone is `silence query`.
    ta.same(tm, 'silence')
    ta.same(tm, '-o', 'extended', 'silence', '--expired')


def test_expire(alertd, alertmanager, tmp_path):
    ta, tm = tools(alertd, alertmanager, tmp_path)
    ids = add_all(ta, tm)
    # Active and pending, in one command; nothing printed.
    (rc, out, err) = ta.run('silence', 'expire', ids[0], ids[2])
    assert (rc, out, err) == (0, '', '')
    assert tm.run('silence', 'expire', tm.id('<S0>'),
                  tm.id('<S2>')) == (0, '', '')
    for i in (0, 2):
        s = get(ta.d, ids[i])
        assert s['status']['state'] == 'expired'
        assert abs(parse_time(s['endsAt'], None) - time.time()) < SLACK
    assert get(ta.d, ids[1])['status']['state'] == 'active'
    ta.same(tm, '-o', 'json', 'silence', 'query', '--expired')
    ta.same(tm, 'silence', 'query', '-q', '--expired')
    # Expiring again is fine.
    assert ta.run('silence', 'expire', ids[0]) == (0, '', '')
    # `expire $(amtool silence query -q)`: every active one.
    rc, out, _ = ta.run('silence', 'query', '-q')
    assert rc == 0 and len(out.split()) == 2
    assert ta.run('silence', 'expire', *out.split())[0] == 0
    assert ta.run('silence', 'query', '-q') == (0, '', '')
    assert {s['status']['state'] for s in listing(ta.d)} == {'expired'}
    # Errors: no ID, a malformed one (same words), an unknown one.
    ta.same(tm, 'silence', 'expire')
    ta.same(tm, 'silence', 'expire', 'nonexistent')
    rc, out, err = ta.run('silence', 'expire',
                          '00000000-0000-0000-0000-000000000000')
    # amtool 0.25's spec has no 404 for DELETE (0.25 answered 500).
    assert (rc, out, err) == (1, '', 'amtool: error: response status code '
                              'does not match any response statuses defined '
                              'for this endpoint in the swagger spec (status '
                              '404): {}\n\n')


def test_update(alertd, alertmanager, tmp_path):
    ta, tm = tools(alertd, alertmanager, tmp_path)
    ids = add_all(ta, tm)
    n = len(listing(ta.d))
    # In place: same ID, new comment (default format: the table).
    rc, out, err = ta.run('silence', 'update', ids[0], '--comment=changed')
    want = tm.run('silence', 'update', tm.id('<S0>'), '--comment=changed')
    assert (rc, ta.norm(out), ta.norm(err)) == \
        (want[0], tm.norm(want[1]), tm.norm(want[2]))
    assert rc == 0 and ids[0] in out
    s = get(ta.d, ids[0])
    assert (s['id'], s['comment'], s['status']['state']) == \
        (ids[0], 'changed', 'active')
    # New duration (from the start), JSON output.
    got = ta.run('-o', 'json', 'silence', 'update', ids[1], '-d', '5h')
    want = tm.run('-o', 'json', 'silence', 'update', tm.id('<S1>'), '-d',
                  '5h')
    assert (got[0], ta.norm(got[1])) == (want[0], tm.norm(want[1]))
    [doc] = json.loads(got[1])
    assert doc['id'] == ids[1]
    assert abs(parse_time(doc['endsAt'], None) -
               parse_time(doc['startsAt'], None) - 5 * 3600) < 2
    # Pending: a new end keeps the ID.
    got = ta.run('-o', 'extended', 'silence', 'update', ids[2],
                 '--end=2099-02-01T00:00:00Z')
    want = tm.run('-o', 'extended', 'silence', 'update', tm.id('<S2>'),
                  '--end=2099-02-01T00:00:00Z')
    assert (got[0], ta.norm(got[1])) == (want[0], tm.norm(want[1]))
    assert get(ta.d, ids[2])['endsAt'] == '2099-02-01T00:00:00.000Z'
    assert len(listing(ta.d)) == n
    # Active with a new start: a new ID; the old one expires.
    got = ta.run('-o', 'extended', 'silence', 'update', ids[3],
                 '--start=2098-01-01T00:00:00Z', '--end=2098-01-02T00:00:00Z')
    want = tm.run('-o', 'extended', 'silence', 'update', tm.id('<S3>'),
                  '--start=2098-01-01T00:00:00Z',
                  '--end=2098-01-02T00:00:00Z')
    assert (got[0], ta.norm(got[1])) == (want[0], tm.norm(want[1]))
    [new] = [i for i in UUID_RE.findall(got[1])]
    assert new != ids[3]
    assert get(ta.d, ids[3])['status']['state'] == 'expired'
    s = get(ta.d, new)
    assert (s['status']['state'], s['comment'], s['startsAt']) == \
        ('pending', '<&>', '2098-01-01T00:00:00.000Z')
    assert len(listing(ta.d)) == n + 1
    # -q: amtool 0.25 prints a Go pointer; the update is done all the same.
    rc, out, _ = ta.run('silence', 'update', '-q', ids[0], '-c', 'quiet')
    assert rc == 0 and get(ta.d, ids[0])['comment'] == 'quiet'
    # Errors: unknown ID, end before start.
    got = ta.run('silence', 'update', '00000000-0000-0000-0000-000000000000',
                 '-c', 'x')
    want = tm.run('silence', 'update',
                  '00000000-0000-0000-0000-000000000000', '-c', 'x')
    assert got == want and got[0] == 1
    got = ta.run('silence', 'update', ids[0], '--end=2001-01-01T00:00:00Z')
    want = tm.run('silence', 'update', tm.id('<S0>'),
                  '--end=2001-01-01T00:00:00Z')
    assert (got[0], ta.norm(got[2])) == (want[0], tm.norm(want[2]))
    assert got[0] == 1 and 'cannot start after it ends' in got[2]
    got = ta.run('silence', 'update', ids[0], '--start=2000-01-01T00:00:00Z',
                 '--end=2001-01-01T00:00:00Z')
    want = tm.run('silence', 'update', tm.id('<S0>'),
                  '--start=2000-01-01T00:00:00Z',
                  '--end=2001-01-01T00:00:00Z')
    assert (got[0], ta.norm(got[2])) == (want[0], tm.norm(want[2]))
    assert got[0] == 1 and "end time can't be in the past" in got[2]
    assert get(ta.d, ids[0])['status']['state'] == 'active'


def export(tool, *q):
    rc, out, err = tool.run('-o', 'json', 'silence', 'query', *q)
    assert rc == 0, err
    return out


def test_import(alertd, alertmanager, tmp_path):
    ta, tm = tools(alertd, alertmanager, tmp_path)
    ids = add_all(ta, tm)
    data = export(ta)
    path = tmp_path / 'silences.json'
    path.write_text(data)
    src = json.loads(data)
    assert len(src) == 4
    # Into a fresh alertd and a fresh Alertmanager: the IDs are unknown
    # there (404), so amtool creates new silences.
    fa, fm = Tool(alertd(), tmp_path), Tool(alertmanager(), tmp_path)
    got = fa.run('silence', 'import', '-w', '1', str(path))
    want = fm.run('silence', 'import', '-w', '1', str(path))
    assert (got[0], fa.norm(got[1]), got[2]) == \
        (want[0], fm.norm(want[1]), want[2])
    assert got[0] == 0 and got[2] == ''
    new = got[1].split()
    assert len(new) == 4 and not set(new) & set(ids)
    after = listing(fa.d)
    assert sorted(s['id'] for s in after) == sorted(new)

    def content(s):
        return (s['comment'], s['createdBy'], json.dumps(s['matchers']),
                s['endsAt'], s['status']['state'])
    assert sorted(map(content, after)) == sorted(map(content, src))
    pend = [s for s in after if s['status']['state'] == 'pending']
    assert [s['startsAt'] for s in pend] == ['2099-01-01T00:00:00.000Z']
    assert fa.norm(json.dumps(after)) == fm.norm(json.dumps(listing(fm.d)))
    # Into the source: known IDs, updated in place, nothing new.
    rc, out, err = ta.run('silence', 'import', str(path))
    assert rc == 0, err
    assert sorted(out.split()) == sorted(ids)
    assert len(listing(ta.d)) == 4
    # --force: new IDs always; from stdin.
    rc, out, err = ta.run('silence', 'import', '--force', stdin=data)
    assert rc == 0, err
    assert len(out.split()) == 4 and not set(out.split()) & set(ids)
    assert len(listing(ta.d)) == 8


def test_import_errors(alertd, alertmanager, tmp_path):
    ta, tm = tools(alertd, alertmanager, tmp_path)
    add_all(ta, tm)
    src = json.loads(export(ta))
    # One silence that ended in the past, one with no matcher left.
    bad = dict(src[0], id='', endsAt='2001-01-01T00:00:00Z',
               startsAt='2000-01-01T00:00:00Z')
    worse = dict(src[1], id='', matchers=[
        {'name': 'a', 'value': '', 'isRegex': False, 'isEqual': True}])
    path = tmp_path / 'bad.json'
    path.write_text(json.dumps([bad, src[2], worse]))
    fa, fm = Tool(alertd(), tmp_path), Tool(alertmanager(), tmp_path)
    got = fa.run('silence', 'import', '-w', '1', str(path))
    want = fm.run('silence', 'import', '-w', '1', str(path))
    assert (got[0], fa.norm(got[1])) == (want[0], fm.norm(want[1]))
    assert got[0] == 1
    # stderr: one line per failure with the server's words, then the
    # count (amtool may print the count before its counter caught up).
    lines = sorted(fa.norm(got[2]).splitlines())
    assert lines[:2] == sorted(fm.norm(want[2]).splitlines())[:2]
    assert "end time can't be in the past" in got[2]
    assert 'at least one matcher must not match the empty string' in got[2]
    assert len(listing(fa.d)) == 1
    # Not JSON.
    path.write_text('nope')
    fa.same(fm, 'silence', 'import', str(path))
