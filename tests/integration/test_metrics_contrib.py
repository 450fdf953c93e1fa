"""contrib/prometheus/: the scrape configuration and the alert rules for
alertd itself are valid (promtool check config / check rules), the rules
do what they say (promtool test rules), and they work on the real thing:
a real Prometheus scraping a real alertd with contrib's configuration
(only the addresses and intervals changed) has every series the rules
use, evaluates every rule without error, and a failed reload shows in the
AlertdConfigReloadFailed expression."""

import os
import re
import shutil
import subprocess
import time
import urllib.parse


from harness import free_port, request, wait_http

HERE = os.path.dirname(os.path.abspath(__file__))
CONTRIB = os.path.join(HERE, '..', '..', 'contrib', 'prometheus')
PROMTOOL = '/usr/bin/promtool'


def promtool(*args):
    assert shutil.which(PROMTOOL), 'install Debian package prometheus'
    return subprocess.run([PROMTOOL] + list(args), cwd=CONTRIB,
                          capture_output=True, text=True, timeout=60)


def test_promtool_check_config():
    r = promtool('check', 'config', 'prometheus.yml')
    assert r.returncode == 0, r
    assert 'SUCCESS: prometheus.yml is valid' in r.stdout
    assert 'SUCCESS: 1 rule files found' in r.stdout


def test_promtool_check_rules():
    r = promtool('check', 'rules', 'alertd-rules.yml')
    assert r.returncode == 0, r
    assert 'SUCCESS: 9 rules found' in r.stdout


def test_promtool_test_rules():
    r = promtool('test', 'rules', 'alertd-rules.test.yml')
    assert r.returncode == 0, r.stdout + r.stderr
    assert 'SUCCESS' in r.stdout


def test_every_rule_has_a_test():
    rules = open(os.path.join(CONTRIB, 'alertd-rules.yml')).read()
    tests = open(os.path.join(CONTRIB, 'alertd-rules.test.yml')).read()
    names = re.findall(r'- alert: (\w+)', rules)
    assert len(names) == 9
    for n in names:
        # Once firing (with labels) and once checked quiet.
        assert re.search(r'alertname: %s\n\s+exp_alerts:\n\s+- exp_labels'
                         % n, tests), n
        assert re.search(r'alertname: %s, exp_alerts: \[\]' % n, tests), n


def rule_metrics():
    """The metric names the rules' expressions use."""
    text = open(os.path.join(CONTRIB, 'alertd-rules.yml')).read()
    return sorted(set(re.findall(
        r'\b((?:alertmanager|prometheus|up)[a-z_]*)\b(?=[{\[)\s])',
        ''.join(re.findall(r'expr: ([^\n]*(?:\n {10,}[^\n]*)*)', text)))))


def prom_query(port, q):
    r = request(port, 'GET', '/api/v1/query?query=' +
                urllib.parse.quote(q))
    assert r.status == 200, r
    return r.json()['data']['result']


def live_config(ad_port, prom_port):
    """contrib's prometheus.yml with our ports and 1 s intervals."""
    text = open(os.path.join(CONTRIB, 'prometheus.yml')).read()
    assert text.count("'localhost:9093'") == 2
    assert text.count("'localhost:9090'") == 1
    text = text.replace("'localhost:9093'", "'127.0.0.1:%d'" % ad_port)
    text = text.replace("'localhost:9090'", "'127.0.0.1:%d'" % prom_port)
    text = text.replace('scrape_interval: 15s', 'scrape_interval: 1s')
    return text.replace('evaluation_interval: 15s', 'evaluation_interval: 1s')


def wait_for(fn, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v or time.monotonic() > deadline:
            return v
        time.sleep(0.2)


def test_real_prometheus_scrapes_alertd(alertd, tmp_path):
    assert shutil.which('prometheus'), 'install Debian package prometheus'
    ad = alertd()
    port = free_port()
    (tmp_path / 'prometheus.yml').write_text(live_config(ad.port, port))
    shutil.copy(os.path.join(CONTRIB, 'alertd-rules.yml'), tmp_path)
    log = open(tmp_path / 'prometheus.log', 'wb')
    p = subprocess.Popen(
        ['prometheus', '--config.file=' + str(tmp_path / 'prometheus.yml'),
         '--storage.tsdb.path=' + str(tmp_path / 'tsdb'),
         '--web.listen-address=127.0.0.1:%d' % port],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_http(port, '/-/ready', timeout=30, proc=p)
        up = wait_for(lambda: prom_query(port, 'up == 1') if len(
            prom_query(port, 'up == 1')) == 2 else None)
        assert up, prom_query(port, 'up')
        assert {r['metric']['job'] for r in up} == {'alertd', 'prometheus'}
        # Every metric the rules use exists (on the right job).
        names = rule_metrics()
        assert 'alertmanager_notifications_failed_total' in names
        assert 'prometheus_notifications_dropped_total' in names
        assert len(names) >= 8, names
        for n in names:
            assert wait_for(lambda: prom_query(port, n)), n
        for n in names:
            if n.startswith('alertmanager_'):
                assert {r['metric']['job'] for r in prom_query(port, n)} \
                    == {'alertd'}, n
        # Every rule evaluated without error.
        def rules_ok():
            r = request(port, 'GET', '/api/v1/rules').json()
            rules = [x for g in r['data']['groups'] for x in g['rules']]
            return rules if rules and all(
                x.get('health') == 'ok' for x in rules) else None
        rules = wait_for(rules_ok)
        assert rules and len(rules) == 9, request(
            port, 'GET', '/api/v1/rules').text
        # Healthy alertd: nothing pending or firing about it (AlertdAbsent
        # may be pending from an evaluation before the first scrape).
        def quiet():
            r = request(port, 'GET', '/api/v1/rules').json()
            return [x['name'] for g in r['data']['groups']
                    for x in g['rules'] if x['alerts']] == []
        assert wait_for(quiet), request(port, 'GET', '/api/v1/rules').text
        # A failed reload shows in AlertdConfigReloadFailed's expression.
        expr = [x['query'] for x in rules
                if x['name'] == 'AlertdConfigReloadFailed'][0]
        assert prom_query(port, expr) == []
        ad.write_config('route: [\n')
        assert ad.reload().status == 500
        # The expression over 3s instead of 5m (the successful samples
        # age out sooner), as it will be after 5 minutes.
        short = expr.replace('[5m]', '[3s]')
        assert short != expr
        got = wait_for(lambda: prom_query(port, short))
        assert got and got[0]['metric']['job'] == 'alertd', got
    finally:
        p.terminate()
        p.wait(30)
        log.close()
