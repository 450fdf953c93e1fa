"""GET /metrics of alertd against the real Alertmanager 0.25, side by side.

Both daemons get the same configuration file and the same actions
(alerts, invalid alerts, silences, notifications to a webhook that
accepts and to one that refuses, HTTP requests, a failed reload); then
their /metrics are compared:

- every alertmanager_* and process_* family: same name, type, help text
  and label names (KNOWN_DIFFERENCES lists what Alertmanager has and
  alertd does not, with the reason);
- the values that must agree after the same actions;
- alertd's output is well formed: `promtool check metrics` (Debian's
  prometheus package) and a strict parser below (families sorted and
  unique, series unique and sorted as client_golang sorts them, label
  names sorted, histograms consistent).
"""

import math
import re
import shutil
import subprocess
import time

import pytest

import conftest
from harness import Alertd, Alertmanager, WebhookSink

PROMTOOL = '/usr/bin/promtool'

# Families Alertmanager 0.25 prints that alertd does not, and why.  The
# comparison fails on any other difference, in either direction.
KNOWN_DIFFERENCES = {
    # Go runtime and client_golang internals: alertd is not a Go program.
    'go_': 'Go runtime statistics (prefix)',
    'promhttp_': "client_golang's own handler metrics (prefix)",
    # Go's net/http dialer instrumentation (prometheus/common config):
    # per-integration connection counters of Go's dialer; alertd's
    # connections are libcurl's.
    'net_conntrack_': 'Go dialer instrumentation (prefix)',
}

CONFIG = """global:
  resolve_timeout: 5m
route:
  receiver: web
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
  - matchers: ['team="refused"']
    receiver: refused
    # One attempt only: the next flush (which would retry) is an hour away.
    group_interval: 1h
receivers:
- name: web
  webhook_configs:
  - url: '{web}'
- name: refused
  webhook_configs:
  - url: '{refused}'
    send_resolved: false
- name: unused
  webhook_configs:
  - url: '{web}unused1'
  - url: '{web}unused2'
"""


# ------------------------------------------------------------ parsing --

SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


class Family:
    def __init__(self, name):
        self.name = name
        self.help = None
        self.type = None
        self.samples = []       # (sample name, labels list, value)

    def label_names(self):
        names = set()
        for _, labels, _ in self.samples:
            names.update(k for k, _ in labels if k not in ('le', 'quantile'))
        return frozenset(names)

    def value(self, suffix='', **labels):
        """The value of the sample name+suffix with exactly these labels."""
        want = sorted(labels.items())
        for n, ls, v in self.samples:
            if n == self.name + suffix and sorted(
                    (k, x) for k, x in ls if k != 'le') == want and \
                    not any(k == 'le' for k, _ in ls):
                return v
        raise KeyError('%s%s%r' % (self.name, suffix, labels))


def unescape(v):
    return re.sub(r'\\(.)', lambda m: {'n': '\n'}.get(m.group(1),
                                                      m.group(1)), v)


def parse_labels(text):
    labels, pos = [], 0
    while pos < len(text):
        m = LABEL_RE.match(text, pos)
        assert m, 'bad labels %r' % text
        labels.append((m.group(1), unescape(m.group(2))))
        pos = m.end()
    return labels


def family_of(sample, fam):
    """The family a sample name belongs to, given the current family."""
    if fam is not None and fam.type in ('histogram', 'summary'):
        for sfx in ('_bucket', '_sum', '_count'):
            if sample == fam.name + sfx and (sfx != '_bucket' or
                                             fam.type == 'histogram'):
                return fam.name
    return sample


def parse(text, strict=False):
    """Text format 0.0.4 -> {name: Family}.

    strict: alertd's promises (client_golang's output): HELP then TYPE
    before the samples, families unique and sorted by name, series unique,
    label names sorted (le last), series sorted by label values,
    histogram buckets cumulative with +Inf equal to _count.
    """
    fams, order, cur = {}, [], None
    assert text.endswith('\n'), 'no final newline'
    for line in text.splitlines():
        if line.startswith('# HELP '):
            name, _, help_ = line[7:].partition(' ')
            if strict:
                assert name not in fams, 'family %s twice' % name
            cur = fams.setdefault(name, Family(name))
            cur.help = unescape(help_)
            order.append(name)
        elif line.startswith('# TYPE '):
            name, _, typ = line[7:].partition(' ')
            assert cur is not None and cur.name == name, line
            cur.type = typ
        elif line.startswith('#') or not line:
            assert not strict, 'unexpected line %r' % line
        else:
            m = SAMPLE_RE.match(line)
            assert m, 'bad sample line %r' % line
            name = family_of(m.group(1), cur)
            assert cur is not None and name == cur.name, \
                'sample %r outside its family' % line
            value = float(m.group(4))
            cur.samples.append((m.group(1),
                                parse_labels(m.group(3) or ''), value))
    if strict:
        check_strict(fams, order)
    return fams


def go_series_key(labels):
    return [v for k, v in labels if k not in ('le', 'quantile')]


def check_strict(fams, order):
    assert order == sorted(order), 'families not sorted'
    for f in fams.values():
        assert f.help is not None and f.type is not None, f.name
        assert f.samples, 'empty family %s' % f.name
        seen, keys = set(), []
        for n, labels, v in f.samples:
            names = [k for k, _ in labels if k != 'le']
            assert names == sorted(names), 'labels unsorted in %s' % n
            if any(k == 'le' for k, _ in labels):
                assert labels[-1][0] == 'le', n
            key = (n, tuple(labels))
            assert key not in seen, 'series %r twice' % (key,)
            seen.add(key)
            k = go_series_key(labels)
            if not keys or keys[-1] != k:
                keys.append(k)
        assert keys == sorted(keys), 'series unsorted in %s' % f.name
        if f.type == 'histogram':
            check_histogram(f)
        if f.type == 'counter':
            assert all(v >= 0 and not math.isnan(v)
                       for _, _, v in f.samples), f.name


def check_histogram(f):
    series = {}
    for n, labels, v in f.samples:
        key = tuple((k, x) for k, x in labels if k != 'le')
        series.setdefault(key, []).append((n, dict(labels).get('le'), v))
    for key, ss in series.items():
        buckets = [(float(le), v) for n, le, v in ss if n.endswith('_bucket')]
        assert buckets and buckets[-1][0] == math.inf, (f.name, key)
        assert [b for b, _ in buckets] == sorted(b for b, _ in buckets)
        counts = [v for _, v in buckets]
        assert counts == sorted(counts), (f.name, key, counts)
        count = [v for n, _, v in ss if n.endswith('_count')]
        assert count == [counts[-1]], (f.name, key)


def signature(fams, prefixes=('alertmanager_', 'process_')):
    """{name: (type, help, label names)} of the families we compare."""
    return {n: (f.type, f.help, f.label_names()) for n, f in fams.items()
            if n.startswith(prefixes)}


# ----------------------------------------------------------- fixtures --

class Pair:
    """alertd and Alertmanager with the same config file (same bytes, so
    alertmanager_config_hash must agree), sending to the same two webhook
    sinks: one answering 200, one 400 (a client error: no retry in either,
    so the failure is counted at once)."""

    def __init__(self, tmp_path):
        self.web, self.refused = WebhookSink(), WebhookSink()
        self.refused.status = 400
        self.ad = Alertd(conftest.alertd_binary(), '', tmp_path / 'alertd')
        self.am = Alertmanager('', tmp_path / 'alertmanager')
        self.daemons = (self.ad, self.am)

    def config(self, text=CONFIG):
        return text.replace('{web}', self.web.url).replace(
            '{refused}', self.refused.url)

    def start(self, config=CONFIG):
        for d in self.daemons:
            d.write_config(self.config(config))
            d.start()

    def stop(self):
        for d in self.daemons:
            d.stop()
        self.web.close()
        self.refused.close()


def scrape(d, strict=False):
    r = d.get('/metrics')
    assert r.status == 200, r
    assert r.headers['content-type'].startswith('text/plain; version=0.0.4')
    return parse(r.text, strict)


def wait_until(fn, timeout=15.0):
    """Polls fn() until it returns a true value; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v or time.monotonic() > deadline:
            return v
        time.sleep(0.1)


def iso(t):
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(t)) + \
        '.%03dZ' % (int(t * 1000) % 1000)


ALERTS = [
    {'labels': {'alertname': 'Web', 'job': 'a'}},
    {'labels': {'alertname': 'Web', 'job': 'b'}},
    {'labels': {'alertname': 'Refused', 'team': 'refused'}},
    {'labels': {'alertname': 'Silenced'}},
]
INVALID = [{'labels': {}}, {'labels': {'0bad': 'x'}},
           {'labels': {'alertname': 'Bad'}, 'startsAt': '2020-01-02T00:00:00Z',
            'endsAt': '2020-01-01T00:00:00Z'}]


def silence(d, name, starts, ends):
    r = d.request('POST', '/api/v2/silences', {
        'matchers': [{'name': 'alertname', 'value': name, 'isRegex': False}],
        'startsAt': iso(starts), 'endsAt': iso(ends),
        'createdBy': 'test', 'comment': 'metrics'})
    assert r.status == 200, (d, r)
    return r.json()['silenceID']


def act(d, now):
    """The same actions on either daemon."""
    silence(d, 'Silenced', now - 60, now + 3600)
    silence(d, 'Future', now + 3600, now + 7200)
    sid = silence(d, 'Expired', now - 60, now + 3600)
    assert d.request('DELETE', '/api/v2/silence/' + sid).status == 200
    assert d.post_alerts(ALERTS).status == 200
    assert d.post_alerts([{'labels': {'alertname': 'Gone'},
                           'startsAt': iso(now - 600),
                           'endsAt': iso(now - 60)}]).status == 200
    assert d.post_alerts(INVALID).status == 400
    for method, path in (('GET', '/-/healthy'), ('HEAD', '/-/healthy'),
                         ('GET', '/-/ready'), ('GET', '/-/ready'),
                         ('GET', '/')):
        assert d.request(method, path).status == 200, (d, path)


def settled(fams):
    """Both flushes done: the refused one failed, the silenced alert
    marked suppressed."""
    try:
        return (fams['alertmanager_notifications_total'].value(
            integration='webhook') == 2 and
            fams['alertmanager_notifications_failed_total'].value(
                integration='webhook') == 1 and
            fams['alertmanager_alerts'].value(state='suppressed') == 1)
    except KeyError:
        return False


@pytest.fixture(scope='module')
def scraped(tmp_path_factory):
    """Runs the scenario once on both daemons; returns their scrapes:
    {'ad': text, 'am': text, 'ad_failed': ..., 'am_failed': ...} where
    *_failed is after a failed reload."""
    assert shutil.which('prometheus-alertmanager'), \
        'install Debian package prometheus-alertmanager'
    p = Pair(tmp_path_factory.mktemp('metrics'))
    try:
        p.start()
        now = time.time()
        for d in p.daemons:
            act(d, now)
        out = {}
        for key, d in (('ad', p.ad), ('am', p.am)):
            ok = wait_until(lambda: settled(scrape(d)))
            assert ok, '%s did not settle:\n%s' % (key, d.get('/metrics').text)
            out[key] = d.get('/metrics').text
        assert len(p.web.requests) == 2 and len(p.refused.requests) == 2
        for key, d in (('ad', p.ad), ('am', p.am)):
            d.write_config('route: [\n')
            assert d.reload().status == 500
            out[key + '_failed'] = d.get('/metrics').text
        return out
    finally:
        p.stop()


# -------------------------------------------------------------- tests --

def known(name):
    return any(name.startswith(k) for k in KNOWN_DIFFERENCES)


def test_same_families_as_alertmanager(scraped):
    """Every alertmanager_* and process_* family: same type, help text and
    label names; nothing missing and nothing extra."""
    am = parse(scraped['am'])
    ad = parse(scraped['ad'], strict=True)
    assert [n for n in am if not n.startswith(
        ('alertmanager_', 'process_')) and not known(n)] == []
    want, got = signature(am), signature(ad)
    assert sorted(set(want) - set(got)) == []
    assert sorted(set(got) - set(want)) == []
    for name in sorted(want):
        assert got[name] == want[name], name
    # The families the issue names are among them.
    for name in ('alertmanager_alerts', 'alertmanager_alerts_received_total',
                 'alertmanager_alerts_invalid_total',
                 'alertmanager_notifications_total',
                 'alertmanager_notifications_failed_total',
                 'alertmanager_notification_requests_total',
                 'alertmanager_notification_requests_failed_total',
                 'alertmanager_notification_latency_seconds',
                 'alertmanager_dispatcher_aggregation_groups',
                 'alertmanager_dispatcher_alert_processing_duration_seconds',
                 'alertmanager_silences',
                 'alertmanager_silences_query_duration_seconds',
                 'alertmanager_silences_gc_duration_seconds',
                 'alertmanager_silences_snapshot_size_bytes',
                 'alertmanager_nflog_query_duration_seconds',
                 'alertmanager_nflog_snapshot_duration_seconds',
                 'alertmanager_config_hash',
                 'alertmanager_config_last_reload_successful',
                 'alertmanager_config_last_reload_success_timestamp_seconds',
                 'alertmanager_receivers', 'alertmanager_integrations',
                 'alertmanager_http_request_duration_seconds',
                 'alertmanager_http_response_size_bytes',
                 'alertmanager_build_info', 'alertmanager_cluster_enabled',
                 'process_cpu_seconds_total', 'process_resident_memory_bytes',
                 'process_open_fds', 'process_start_time_seconds'):
        assert name in got, name


def test_histogram_buckets_as_alertmanager(scraped):
    """Same le bounds for every histogram series both have."""
    am, ad = parse(scraped['am']), parse(scraped['ad'])
    for name, f in am.items():
        if f.type != 'histogram' or known(name):
            continue
        def bounds(fam):
            out = {}
            for n, labels, _ in fam.samples:
                d = dict(labels)
                if 'le' in d:
                    key = tuple(sorted((k, v) for k, v in labels
                                       if k != 'le'))
                    out.setdefault(key, []).append(d['le'])
            return out
        want, got = bounds(f), bounds(ad[name])
        for key in set(want) & set(got):
            assert got[key] == want[key], (name, key)
        assert set(want) & set(got), name


def values(text):
    """The values that must agree after the same actions."""
    f = parse(text)
    out = {}
    for name in ('alertmanager_alerts', 'alertmanager_marked_alerts'):
        for st in ('active', 'suppressed', 'unprocessed'):
            out[(name, st)] = f[name].value(state=st)
    for st in ('active', 'pending', 'expired'):
        out[('silences', st)] = f['alertmanager_silences'].value(state=st)
    for status in ('firing', 'resolved'):
        for v in ('v1', 'v2'):
            out[('received', status, v)] = f[
                'alertmanager_alerts_received_total'].value(
                    status=status, version=v)
    for v in ('v1', 'v2'):
        out[('invalid', v)] = f['alertmanager_alerts_invalid_total'].value(
            version=v)
    for fam in ('notifications_total', 'notifications_failed_total',
                'notification_requests_total',
                'notification_requests_failed_total'):
        for i in ('webhook', 'email', 'slack', 'pagerduty'):
            out[(fam, i)] = f['alertmanager_' + fam].value(integration=i)
    lat = f['alertmanager_notification_latency_seconds']
    out['latency_count'] = lat.value('_count', integration='webhook')
    # Four groups (Web, Refused, Silenced, Gone) and five alerts routed;
    # Alertmanager drops empty groups only every 30 s.
    out['groups'] = f['alertmanager_dispatcher_aggregation_groups'].value()
    out['processed'] = f[
        'alertmanager_dispatcher_alert_processing_duration_seconds'].value(
            '_count')
    for name in ('alertmanager_receivers', 'alertmanager_integrations',
                 'alertmanager_cluster_enabled', 'alertmanager_config_hash',
                 'alertmanager_config_last_reload_successful'):
        out[name] = f[name].value()
    out['version'] = dict(f['alertmanager_build_info'].samples[0][1])[
        'version']
    http = f['alertmanager_http_request_duration_seconds']
    for handler, method in (('/-/healthy', 'get'), ('/-/healthy', 'head'),
                            ('/-/ready', 'get'), ('/', 'get')):
        out[('http', handler, method)] = http.value(
            '_count', handler=handler, method=method)
    return out


def test_values_agree(scraped):
    want, got = values(scraped['am']), values(scraped['ad'])
    assert got == want
    # And they are what the scenario did (so agreeing means something).
    assert want[('alertmanager_alerts', 'active')] == 3
    assert want[('alertmanager_alerts', 'suppressed')] == 1
    assert want[('silences', 'active')] == 1
    assert want[('silences', 'pending')] == 1
    assert want[('silences', 'expired')] == 1
    assert want[('received', 'firing', 'v2')] == 6
    assert want[('received', 'resolved', 'v2')] == 2
    assert want[('invalid', 'v2')] == 3
    assert want[('notifications_total', 'webhook')] == 2
    assert want[('notifications_failed_total', 'webhook')] == 1
    assert want['alertmanager_receivers'] == 2
    assert want['alertmanager_integrations'] == 2
    assert want['groups'] == 4 and want['processed'] == 5


def test_failed_reload_agrees(scraped):
    for key in ('ad', 'am'):
        before, after = parse(scraped[key]), parse(scraped[key + '_failed'])
        assert before['alertmanager_config_last_reload_successful'] \
            .value() == 1, key
        assert after['alertmanager_config_last_reload_successful'] \
            .value() == 0, key
        # The running config is still the old one.
        assert after['alertmanager_config_hash'].value() == \
            before['alertmanager_config_hash'].value(), key
        assert after[
            'alertmanager_config_last_reload_success_timestamp_seconds'] \
            .value() == before[
                'alertmanager_config_last_reload_success_timestamp_seconds'] \
            .value(), key
    assert values(scraped['ad_failed']) == values(scraped['am_failed'])


def promtool(text):
    return subprocess.run([PROMTOOL, 'check', 'metrics'], input=text,
                          capture_output=True, text=True, timeout=30)


def test_promtool_check_metrics(scraped):
    assert shutil.which(PROMTOOL), 'install Debian package prometheus'
    for key in ('ad', 'ad_failed'):
        r = promtool(scraped[key])
        assert r.returncode == 0 and r.stdout == '' and r.stderr == '', \
            (key, r)


def test_promtool_catches_problems():
    """promtool does look (so that the test above means something)."""
    r = promtool('# HELP x_total X.\n# TYPE x_total counter\nx_total 1\n'
                 'y 2\n')
    assert r.returncode != 0 and 'no help text' in r.stdout + r.stderr


def test_strict_parser_catches_problems():
    bad = [
        '# HELP b B.\n# TYPE b gauge\nb 1\n# HELP a A.\n# TYPE a gauge\n'
        'a 1\n',                                       # unsorted families
        '# HELP a A.\n# TYPE a gauge\na{x="2"} 1\na{x="1"} 1\n',
        '# HELP a A.\n# TYPE a gauge\na{y="1",x="2"} 1\n',
        '# HELP a A.\n# TYPE a gauge\na 1\na 1\n',
        '# HELP a A.\n# TYPE a histogram\na_bucket{le="1"} 2\n'
        'a_bucket{le="+Inf"} 1\na_sum 1\na_count 1\n',
    ]
    for text in bad:
        with pytest.raises(AssertionError):
            parse(text, strict=True)
