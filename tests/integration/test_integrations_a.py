"""PagerDuty, OpsGenie, VictorOps, Pushover and WeChat end to end: the
daemon gets the capture's alerts (tests/data/integrations) and the sink
must receive, request for request, what the real Alertmanager 0.25 sent
(the recordings in tests/data/integrations/<name>/am-0.25): method,
target, headers and body byte for byte.  Then the behaviours the
recordings cannot show: retries (PagerDuty's 429, OpsGenie's 429),
failures that are not retried, WeChat's access token cache.

With ALERTD_TEST_TARGET=alertmanager the same tests run against the real
Alertmanager 0.25, which is how they were checked.
"""

import json
import os
import sys
import time

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DATA = os.path.join(ROOT, 'tests', 'data', 'integrations')
sys.path.insert(0, DATA)
import capture_a as capture  # noqa: E402
import sink as sinkmod  # noqa: E402

TARGET = os.environ.get('ALERTD_TEST_TARGET', 'alertd')
ARGS = ('--web.external-url=' + capture.EXTERNAL_URL, '--web.route-prefix=/')

# requests per phase, as recorded (see tests/data/integrations/README.md)
EXPECTED = {
    'pagerduty': (4, 4),
    'opsgenie': (4, 2),
    'victorops': (3, 3),
    'pushover': (3, 2),
    'wechat': (4, 1),
}


@pytest.fixture
def daemon(request):
    """The daemon under test: alertd, or Alertmanager for reference."""
    return request.getfixturevalue(
        'alertmanager' if TARGET == 'alertmanager' else 'alertd')


@pytest.fixture
def sink():
    s = sinkmod.Sink()
    yield s
    s.close()


def config_for(integ, sink, receiver=None, route=None):
    """capture-a.yml with only integ's receiver configured (the others
    empty: same routes, so same group keys); or, with receiver (a
    receiver's YAML), that receiver alone with route."""
    with open(os.path.join(DATA, 'capture-a.yml')) as f:
        cfg = yaml.safe_load(f.read().replace('SINKPORT', str(sink.port)))
    if receiver is not None:
        recv = yaml.safe_load(receiver.replace('SINKPORT', str(sink.port)))
        cfg['receivers'] = [recv]
        cfg['route'] = dict(route, receiver=recv['name'])
    else:
        cfg['receivers'] = [r if r['name'] == integ else {'name': r['name']}
                            for r in cfg['receivers']]
        cfg['route']['group_wait'] = '3s'
    return yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False)


def iso(t):
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(t)) + \
        '.%03dZ' % (int(t * 1000) % 1000)


def alerts_of(name, integ, t0):
    """The alerts of alerts<n>.json for integ, with times moved to t0:
    an alert that started before group_wait makes both daemons flush at
    once, racing with the other alerts of the same POST.  No payload
    shows a time."""
    with open(os.path.join(DATA, name)) as f:
        alerts = [a for a in json.load(f) if a['labels']['integ'] == integ]
    for a in alerts:
        if a['labels']['instance'] == 'c:9100':
            a['startsAt'], a['endsAt'] = iso(t0 - 1), iso(t0 - 0.5)
        else:
            a['startsAt'] = iso(t0)
            if 'endsAt' in a:
                a['endsAt'] = iso(time.time() - 0.1)
    return alerts


def recorded(integ, base):
    d = os.path.join(DATA, integ, 'am-0.25')
    with open(os.path.join(d, base + '.head'), 'rb') as f:
        head = f.read()
    with open(os.path.join(d, base + '.body'), 'rb') as f:
        body = f.read()
    return sinkmod.Request(head.rstrip(b'\r\n'), body, None)


def assert_same(sink, got, want, what):
    target = got.target.replace('127.0.0.1:%d' % sink.port,
                                '127.0.0.1:SINKPORT')
    assert (got.method, target) == (want.method, want.target), what
    gh = dict(got.headers)
    if gh.get('host') == '127.0.0.1:%d' % sink.port:
        gh['host'] = '127.0.0.1:SINKPORT'
    assert gh == want.headers, what
    assert got.body == want.body, what


def check_phase(sink, integ, reqs, phase):
    seen = set()
    for r in reqs:
        i, case = capture.classify(r)
        assert i == integ
        base = '%s_%s' % (case, phase)
        assert base not in seen, base
        seen.add(base)
        assert_same(sink, r, recorded(integ, base), base)
    return seen


@pytest.mark.parametrize('integ', sorted(EXPECTED))
def test_matches_recording(daemon, sink, integ):
    n_firing, n_resolved = EXPECTED[integ]
    ad = daemon(config_for(integ, sink), args=ARGS)
    t0 = time.time()
    assert ad.post_alerts(alerts_of('alerts-a1.json', integ, t0)).status == 200
    firing = sink.wait_for(n_firing)
    time.sleep(1)
    assert sink.count() == n_firing, sink.requests
    check_phase(sink, integ, firing, 'firing')
    assert ad.post_alerts(alerts_of('alerts-a2.json', integ, t0)).status == 200
    resolved = sink.wait_for(n_firing + n_resolved)[n_firing:]
    time.sleep(2.5)
    assert sink.count() == n_firing + n_resolved, sink.requests
    check_phase(sink, integ, resolved, 'resolved')


def one_alert(integ, name='Solo'):
    return [{'labels': {'alertname': name, 'integ': integ},
             'annotations': {'summary': 'about ' + name}}]


FAST_ROUTE = {'group_by': ['alertname'], 'group_wait': '1s',
              'group_interval': '10s', 'repeat_interval': '1h'}


def scripted(statuses):
    """A responder answering the given statuses first, then the default."""
    left = list(statuses)

    def responder(method, path, host):
        if left:
            return left.pop(0), b'{"message":"scripted"}'
        return sinkmod.default_responder(method, path, host)
    return responder


def test_pagerduty_retries_429_and_5xx(daemon):
    s = sinkmod.Sink(scripted([429, 503]))
    try:
        ad = daemon(config_for('pagerduty', s, receiver="""
name: pd
pagerduty_configs:
- routing_key: rk
  url: 'http://127.0.0.1:SINKPORT/pd/v2'
""", route=FAST_ROUTE), args=ARGS)
        ad.post_alerts(one_alert('pd'))
        reqs = s.wait_for(3)
        assert [r.status for r in reqs] == [429, 503, 202]
        assert reqs[0].body == reqs[2].body
        time.sleep(1.5)
        assert s.count() == 3
    finally:
        s.close()


def test_pagerduty_400_not_retried(daemon):
    s = sinkmod.Sink(scripted([400]))
    try:
        ad = daemon(config_for('pagerduty', s, receiver="""
name: pd
pagerduty_configs:
- routing_key: rk
  url: 'http://127.0.0.1:SINKPORT/pd/v2'
""", route=FAST_ROUTE), args=ARGS)
        ad.post_alerts(one_alert('pd'))
        s.wait_for(1)
        time.sleep(2.5)
        assert s.count() == 1
        if TARGET != 'alertmanager':
            assert 'unexpected status code 400: scripted: ' in ad.log()
    finally:
        s.close()


def test_opsgenie_update_alerts_retried_from_the_start(daemon):
    # the second request of the chain fails once: the retry sends the
    # whole notification again, create first
    s = sinkmod.Sink(scripted([202, 429]))
    try:
        ad = daemon(config_for('opsgenie', s, receiver="""
name: og
opsgenie_configs:
- api_key: k
  api_url: 'http://127.0.0.1:SINKPORT/og/'
  update_alerts: true
""", route=FAST_ROUTE), args=ARGS)
        ad.post_alerts(one_alert('og'))
        reqs = s.wait_for(5)
        assert [(r.method, r.target.split('?')[0].rsplit('/', 1)[-1],
                 r.status) for r in reqs] == [
            ('POST', 'alerts', 202), ('PUT', 'message', 429),
            ('POST', 'alerts', 202), ('PUT', 'message', 202),
            ('PUT', 'description', 202)]
        time.sleep(1.5)
        assert s.count() == 5
    finally:
        s.close()


def test_wechat_token_cached_and_refreshed(daemon):
    tokens = []

    def responder(method, path, host):
        if '/gettoken' in path:
            tokens.append('tok%d' % (len(tokens) + 1))
            return 200, b'{"access_token":"%s"}' % tokens[-1].encode()
        if 'access_token=tok1' in path:
            return 200, b'{"errcode":42001,"errmsg":"access_token expired"}'
        return 200, b'{"errcode":0,"errmsg":"ok"}'

    s = sinkmod.Sink(responder)
    try:
        ad = daemon(config_for('wechat', s, receiver="""
name: wc
wechat_configs:
- api_secret: secret
  corp_id: corp
  api_url: 'http://127.0.0.1:SINKPORT/wc/'
""", route=FAST_ROUTE), args=ARGS)
        ad.post_alerts(one_alert('wc', 'First'))
        if TARGET == 'alertmanager':
            # 0.25 reads "code", not WeChat's "errcode": 42001 passes
            reqs = s.wait_for(2)
            want = ['gettoken', 'tok1']
        else:
            # 0.26+: the expired token is dropped, a new one fetched
            reqs = s.wait_for(4)
            want = ['gettoken', 'tok1', 'gettoken', 'tok2']
        time.sleep(1)
        assert s.count() == len(want)
        assert [('gettoken' if 'gettoken' in r.target else
                 r.target.split('access_token=')[1].split('&')[0])
                for r in reqs] == want
        # another group: the cached token, no new request for one
        ad.post_alerts(one_alert('wc', 'Second'))
        last = s.wait_for(len(want) + 1)[-1]
        assert 'message/send?access_token=' + want[-1] in last.target
        time.sleep(1)
        assert s.count() == len(want) + 1
    finally:
        s.close()
