"""The alertd process: flags, start-up, status, route prefix, reload over
HTTP and SIGHUP, clean stop on SIGTERM/SIGINT."""

import os
import signal
import socket
import subprocess
import time

import conftest
from harness import Alertd, free_port, free_ports, request, wait_http

BAD_CONFIG = 'route:\n  receiver: nope\nreceivers:\n- name: web\n'


def run(*args, timeout=10):
    return subprocess.run([conftest.alertd_binary()] + list(args),
                          capture_output=True, text=True, timeout=timeout)


def test_version_help_and_unknown_flags():
    r = run('--version')
    assert r.returncode == 0 and r.stdout.startswith('alertd, version ')
    r = run('-h')
    assert r.returncode == 0 and '--web.listen-address=":9093" ...' in r.stdout
    assert '--cluster.peer-timeout="15s"' in run('--help').stdout
    r = run('--no.such.flag')
    assert r.returncode == 2
    assert "unknown long flag '--no.such.flag'" in r.stderr
    assert run('--data.retention=5d').returncode == 2   # Go durations
    assert run('positional').returncode == 2
    assert run('--config.file').returncode == 2         # missing value


def test_config_check(tmp_path):
    good = tmp_path / 'good.yml'
    good.write_text(conftest.DEFAULT_CONFIG)
    bad = tmp_path / 'bad.yml'
    bad.write_text(BAD_CONFIG)
    r = run('--config.file', str(good), '--config.check')
    assert r.returncode == 0, r.stdout
    r = run('--config.check', '--config.file=' + str(bad))
    assert r.returncode == 1
    assert 'nope' in r.stdout


UNDEFINED_TEMPLATES = """\
route:
  receiver: j
receivers:
- name: j
  slack_configs:
  - api_url: http://127.0.0.1:9/x
    title: '{{ template "nope" . }}'
  jira_configs:
  - api_url: http://127.0.0.1:9/rest/api/2/
    project: OPS
    issue_type: Bug
    summary: '{{ template "nope2" . }}'
    description:
      template: '{{ template "nope3" . }}'
"""


def test_config_check_undefined_templates(tmp_path):
    """Beyond Alertmanager: every template string of a receiver is parsed
    at load; each call of an undefined template is an error at its own
    line, with the field path, all reported at once."""
    f = tmp_path / 'tmpl.yml'
    f.write_text(UNDEFINED_TEMPLATES)
    r = run('--config.check', '--config.file=' + str(f))
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines == [
        '%s:7:12: receivers[0].slack_configs[0].title: template: '
        ':1:12: template "nope" not defined' % f,
        '%s:12:14: receivers[0].jira_configs[0].summary: template: '
        ':1:12: template "nope2" not defined' % f,
        '%s:14:7: receivers[0].jira_configs[0].description: template: '
        ':1:12: template "nope3" not defined' % f], r.stdout


def test_startup_is_fast_and_failures_exit_1(alertd_bin, tmp_path):
    d = Alertd(alertd_bin, conftest.DEFAULT_CONFIG, tmp_path / 'a')
    t0 = time.monotonic()
    d.start()
    assert time.monotonic() - t0 < 0.5
    # The same port again: Listen error, exit 1.
    p = subprocess.run([alertd_bin, '--config.file=' + d.config_path,
                        '--storage.path=' + str(tmp_path / 'b'),
                        '--web.listen-address=127.0.0.1:%d' % d.port,
                        '--cluster.listen-address='],
                       capture_output=True, text=True, timeout=10)
    assert p.returncode == 1 and 'Listen error' in p.stderr
    d.stop()
    (tmp_path / 'bad.yml').write_text(BAD_CONFIG)
    p = subprocess.run([alertd_bin, '--config.file=' + str(tmp_path /
                        'bad.yml'), '--storage.path=' + str(tmp_path / 'c'),
                        '--web.listen-address=127.0.0.1:%d' % free_port()],
                       capture_output=True, text=True, timeout=10)
    assert p.returncode == 1
    assert 'Loading configuration file failed' in p.stderr


def test_listen_addresses_repeat_and_flag_syntaxes(alertd):
    port, extra = free_ports(2)
    ad = alertd(args=['--web.listen-address', '127.0.0.1:%d' % extra,
                      '--log.level', 'debug', '--log.format=json'],
                start=False)
    ad.start(port=port)
    for port in (ad.port, extra):
        assert request(port, 'GET', '/-/healthy').text == 'OK'
    assert '"level":"info"' in ad.log()


def test_status_shape(alertd):
    st = alertd().status()
    assert st['cluster'] == {'peers': [], 'status': 'disabled'}
    assert set(st) == {'cluster', 'config', 'uptime', 'versionInfo'}
    assert isinstance(st['config']['original'], str)
    assert set(st['versionInfo']) == {'branch', 'buildDate', 'buildUser',
                                      'goVersion', 'revision', 'version'}
    assert st['versionInfo']['version'] == '0.25.0'
    up = time.strptime(st['uptime'][:19], '%Y-%m-%dT%H:%M:%S')
    assert abs(time.mktime(up) - time.timezone - time.time()) < 60


def test_status_config_original(alertd):
    assert 'receiver: web' in alertd().status()['config']['original']


def test_cluster_single_node(alertd_bin, tmp_path):
    """The flags the acceptance suite passes: one peer, itself."""
    d = Alertd(alertd_bin, conftest.DEFAULT_CONFIG, tmp_path)
    cport = free_port()
    d.args = ['--cluster.listen-address', '127.0.0.1:%d' % cport,
              '--cluster.settle-timeout', '0s',
              '--cluster.peer=127.0.0.1:%d' % cport]
    d.command_orig = d.command
    d.command = lambda: [a for a in d.command_orig()
                         if a != '--cluster.listen-address=']
    d.start()
    try:
        c = d.status()['cluster']
        assert c['status'] == 'ready'
        assert len(c['name']) == 26
        assert c['peers'] == [{'address': '127.0.0.1:%d' % cport,
                               'name': c['name']}]
        assert d.log().count('clustering is not implemented yet') == 1
    finally:
        d.stop()


def test_route_prefix(alertd):
    ad = alertd(prefix='/foo')
    assert ad.get('/api/v2/status').status == 200
    assert ad.get('/-/healthy').text == 'OK'
    r = request(ad.port, 'GET', '/api/v2/status')
    assert r.status == 404
    r = request(ad.port, 'GET', '/')
    assert (r.status, r.headers['location']) == (302, '/foo')
    r = request(ad.port, 'GET', '/foo/api/v2')
    assert (r.status, r.headers['location']) == (301, '/foo/api/v2/')
    r = ad.post_alerts([{'labels': {'alertname': 'p'}}])
    assert r.status == 200 and len(ad.alerts()) == 1


def test_external_url_path_is_the_prefix(alertd):
    ad = alertd(args=['--web.external-url=http://example.com:9093/am/'],
                start=False)
    ad.prefix = '/am'
    ad.start()
    assert ad.get('/api/v2/receivers').json() == [{'name': 'web'},
                                                  {'name': 'other'}]


def test_v1_is_gone(alertd):
    r = alertd().get('/api/v1/alerts')
    assert r.status == 410
    assert r.json()['status'] == 'deprecated'


def receivers(ad):
    return [r['name'] for r in ad.get('/api/v2/receivers').json()]


def test_reload_http(alertd):
    ad = alertd()
    ad.post_alerts([{'labels': {'alertname': 'kept'}}])
    ad.write_config(conftest.DEFAULT_CONFIG + '- name: third\n')
    r = ad.reload()
    assert (r.status, r.body) == (200, b'')
    assert receivers(ad) == ['web', 'other', 'third']
    ad.write_config(BAD_CONFIG)
    r = ad.reload()
    assert r.status == 500
    assert r.headers['content-type'] == 'text/plain; charset=utf-8'
    assert r.text.startswith('failed to reload config: ')
    assert 'nope' in r.text and r.text.endswith('\n')
    assert receivers(ad) == ['web', 'other', 'third']   # the running one
    assert [a['labels']['alertname'] for a in ad.alerts()] == ['kept']
    assert 'Loading configuration file failed' in ad.log()


def test_reload_sighup(alertd):
    ad = alertd()
    ad.write_config(conftest.DEFAULT_CONFIG + '- name: third\n')
    ad.sighup()
    deadline = time.monotonic() + 5
    while receivers(ad) != ['web', 'other', 'third']:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    ad.write_config(BAD_CONFIG)
    ad.sighup()
    deadline = time.monotonic() + 5
    while 'Loading configuration file failed' not in ad.log():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert ad.proc.poll() is None
    assert receivers(ad) == ['web', 'other', 'third']


def test_sigterm_and_sigint_stop_cleanly_and_free_the_port(alertd):
    for sig in (signal.SIGTERM, signal.SIGINT):
        ad = alertd()
        port = ad.port
        t0 = time.monotonic()
        assert ad.stop(sig) == 0
        assert time.monotonic() - t0 < 2
        assert 'exiting gracefully' in ad.log()
        # The port is free at once (SO_REUSEADDR, no lingering listener).
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('127.0.0.1', port))


def test_storage_path_created(alertd_bin, tmp_path):
    d = Alertd(alertd_bin, conftest.DEFAULT_CONFIG, tmp_path)
    d.storage = str(tmp_path / 'deep' / 'er' / 'data')
    d.start()
    try:
        assert os.path.isdir(d.storage)
        wait_http(d.port, '/-/healthy')
    finally:
        d.stop()


def test_metrics(alertd):
    ad = alertd()
    ad.post_alerts([{'labels': {'alertname': 'a'}},
                    {'labels': {'bad-name': 'b'}}])
    r = ad.get('/metrics')
    assert r.status == 200
    assert r.headers['content-type'] == \
        'text/plain; version=0.0.4; charset=utf-8'
    lines = set(r.text.splitlines())
    for want in (
            'alertmanager_alerts{state="active"} 1',
            'alertmanager_alerts_invalid_total{version="v2"} 1',
            'alertmanager_alerts_received_total{status="firing",'
            'version="v2"} 2',
            'alertmanager_config_last_reload_successful 1'):
        assert want in lines, want
    ad.write_config(BAD_CONFIG)
    assert ad.reload().status == 500
    assert 'alertmanager_config_last_reload_successful 0' in \
        ad.get('/metrics').text.splitlines()
