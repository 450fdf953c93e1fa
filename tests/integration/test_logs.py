"""alertd's logs: Alertmanager's shapes, levels, and no secrets.

Each run starts alertd with a --log.format and --log.level, makes it log
at every level (startup and debug lines, a notification that fails, a
request on the removed v1 API, a failed reload, a SIGHUP, shutdown), and
parses every line it wrote:

- logfmt as go-logfmt decodes it, keys ts, caller, level, then component
  and msg when present, then the rest; JSON one object per line with
  sorted keys (go-kit's JSON logger), every value a string;
- ts is Alertmanager's UTC millisecond timestamp, caller file:line;
- no line below --log.level, and every level at or above it present.

The same parser and checks are run on the real Alertmanager's logs of the
same scenario, so they check Alertmanager's shapes, not just our own.

A last test runs alertd at debug level on a config full of secrets (SMTP
password, Slack URL, API keys, basic auth password, bearer token, a
password in a webhook URL) and greps everything it logged for them.
"""

import base64
import json
import os
import re
import signal
import subprocess
import time

import pytest

import conftest
from harness import Alertd, Alertmanager

LEVELS = ['debug', 'info', 'warn', 'error']
TS_RE = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$')
CALLER_RE = re.compile(r'^[A-Za-z0-9_.-]+\.(c|go):\d+$')
HEAD = ['ts', 'caller', 'level']

CONFIG = """route:
  receiver: down
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
receivers:
- name: down
  webhook_configs:
  - url: 'http://127.0.0.1:1/refused'
"""


# ----------------------------------------------------------- parsing --

def unquote_logfmt(s, i):
    """The quoted value at s[i] ('"'); returns (value, next index)."""
    out, i = [], i + 1
    esc = {'"': '"', '\\': '\\', 'n': '\n', 'r': '\r', 't': '\t',
           '/': '/', 'b': '\b', 'f': '\f'}
    while True:
        c = s[i]
        if c == '"':
            return ''.join(out), i + 1
        if c == '\\':
            e = s[i + 1]
            if e == 'u':
                out.append(chr(int(s[i + 2:i + 6], 16)))
                i += 6
                continue
            assert e in esc, 'bad escape %r' % s[i:i + 2]
            out.append(esc[e])
            i += 2
            continue
        assert c >= ' ', 'control character in %r' % s
        out.append(c)
        i += 1


def parse_logfmt(line):
    """go-logfmt: key=value pairs separated by one space."""
    pairs, i = [], 0
    while i < len(line):
        m = re.compile(r'[^\s="]+').match(line, i)
        assert m, 'bad key at %d in %r' % (i, line)
        key, i = m.group(0), m.end()
        assert line[i] == '=', 'no = after %r in %r' % (key, line)
        i += 1
        if i < len(line) and line[i] == '"':
            value, i = unquote_logfmt(line, i)
        else:
            m = re.compile(r'[^\s"=]*').match(line, i)
            value, i = m.group(0), m.end()
            assert value != 'null', line
        pairs.append((key, value))
        if i < len(line):
            assert line[i] == ' ' and line[i + 1] != ' ', line
            i += 1
    return pairs


def parse_json(line, strings_only):
    pairs = json.loads(line, object_pairs_hook=list)
    assert isinstance(pairs, list), line
    keys = [k for k, _ in pairs]
    assert keys == sorted(keys), 'keys not sorted: %r' % line
    if strings_only:
        assert all(isinstance(v, str) for _, v in pairs), line
    return pairs


def parse_lines(text, fmt, strict=True):
    """Every line -> its (key, value) pairs, checked.

    strict (alertd): every JSON value a string, and in logfmt msg right
    after component (Alertmanager's loggers put context keys, such as the
    dispatcher's aggrGroup, before msg).
    """
    assert text.endswith('\n'), 'last line cut: %r' % text[-200:]
    out = []
    for line in text.splitlines():
        pairs = parse_logfmt(line) if fmt == 'logfmt' else \
            parse_json(line, strict)
        keys = [k for k, _ in pairs]
        assert len(set(keys)) == len(keys), 'duplicate key: %r' % line
        d = dict(pairs)
        for k in HEAD:
            assert k in d, 'no %s: %r' % (k, line)
        if fmt == 'logfmt':
            assert keys[:3] == HEAD, line
            rest = keys[3:]
            if 'component' in rest:
                assert rest.index('component') == 0, line
            if 'msg' in rest and strict:
                assert rest.index('msg') == ('component' in rest), line
        assert TS_RE.match(d['ts']), line
        assert CALLER_RE.match(d['caller']), line
        assert d['level'] in LEVELS, line
        if 'msg' in d:
            assert d['msg'] != '', line
        out.append(d)
    return out


# ---------------------------------------------------------- scenario --

def make_noise(d, bad_config):
    """Logs at every level: debug (startup, dispatcher), info (reload),
    warn (v1 API, notify attempt failed), error (failed reload, failed
    notification at shutdown)."""
    assert d.post_alerts([{'labels': {'alertname': 'x'}}]).status == 200
    d.get('/api/v1/alerts')
    good = open(d.config_path).read()
    d.write_config(bad_config)
    assert d.reload().status == 500
    d.write_config(good)
    d.sighup()
    deadline = time.monotonic() + 10
    while 'Notify attempt failed' not in d.log() and \
            time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)


def run_alertd(tmp_path, fmt, level, config=CONFIG):
    d = Alertd(conftest.alertd_binary(), config, tmp_path / 'alertd',
               args=['--log.format=' + fmt, '--log.level=' + level])
    d.start()
    try:
        make_noise(d, 'route: [\n')
    finally:
        assert d.stop() == 0
    return d.log()


@pytest.mark.parametrize('fmt', ['logfmt', 'json'])
@pytest.mark.parametrize('level', LEVELS)
def test_every_line_parses_at_level(tmp_path, fmt, level):
    t0 = time.time()
    lines = parse_lines(run_alertd(tmp_path, fmt, level), fmt)
    t1 = time.time()
    want = set(LEVELS[LEVELS.index(level):])
    assert {d['level'] for d in lines} == want
    for d in lines:
        t = time.mktime(time.strptime(d['ts'][:19], '%Y-%m-%dT%H:%M:%S')) \
            - time.timezone
        assert t0 - 2 <= t <= t1 + 2, d
    msgs = [d.get('msg') for d in lines]
    if level in ('debug', 'info'):
        assert 'Starting alertd' in msgs
        assert 'Loading configuration file' in msgs
    assert 'Loading configuration file failed' in msgs
    failed = [d for d in lines if d.get('msg') ==
              'Loading configuration file failed']
    assert failed[0]['component'] == 'configuration'
    assert failed[0]['level'] == 'error' and failed[0]['err']


def test_alertmanager_lines_pass_the_same_checks(tmp_path):
    """The checks above describe Alertmanager's own output."""
    for fmt in ('logfmt', 'json'):
        d = Alertmanager(CONFIG, tmp_path / fmt,
                         args=['--log.format=' + fmt, '--log.level=debug'])
        d.start()
        try:
            make_noise(d, 'route: [\n')
        finally:
            d.stop()
        lines = parse_lines(d.log(), fmt, strict=False)
        assert {x['level'] for x in lines} >= {'debug', 'info', 'error'}
        assert any(x.get('msg') == 'Loading configuration file failed'
                   for x in lines)


def test_same_messages_in_both_formats(tmp_path):
    logfmt = parse_lines(run_alertd(tmp_path / 'a', 'logfmt', 'info'),
                         'logfmt')
    js = parse_lines(run_alertd(tmp_path / 'b', 'json', 'info'), 'json')
    first = [(d['level'], d.get('msg')) for d in logfmt][:6]
    assert first == [(d['level'], d.get('msg')) for d in js][:6]


def test_bad_level_and_format_refused(tmp_path):
    binary = conftest.alertd_binary()
    for flag, msg in (('--log.level=verbose', 'unrecognized log level '
                       '"verbose"'),
                      ('--log.format=text', 'unrecognized log format '
                       '"text"')):
        r = subprocess.run([binary, flag], capture_output=True, text=True,
                           timeout=10, cwd=str(tmp_path))
        assert r.returncode != 0
        assert msg in r.stderr, r.stderr


# ----------------------------------------------------------- secrets --

SECRETS = {
    'smtp': 'SMTP-PASSWORD-1a2b3c',
    'slack': 'https://hooks.slack.com/services/T000/B000/SLACKSECRET4d5e',
    'opsgenie': 'OPSGENIE-KEY-6f7a8b',
    'victorops': 'VICTOROPS-KEY-9c0d1e',
    'wechat': 'WECHAT-SECRET-2f3a4b',
    'basic': 'BASIC-PASSWORD-5c6d7e',
    'bearer': 'BEARER-TOKEN-8f9a0b',
    'userinfo': 'URL-PASSWORD-1c2d3e',
}

SECRET_CONFIG = """global:
  smtp_smarthost: '127.0.0.1:1'
  smtp_from: 'alertd@example.org'
  smtp_auth_username: 'alertd'
  smtp_auth_password: '{smtp}'
  slack_api_url: '{slack}'
  opsgenie_api_key: '{opsgenie}'
  victorops_api_key: '{victorops}'
  wechat_api_secret: '{wechat}'
route:
  receiver: basic
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  routes:
  - matchers: ['r="bearer"']
    receiver: bearer
  - matchers: ['r="userinfo"']
    receiver: userinfo
receivers:
- name: basic
  webhook_configs:
  - url: 'http://127.0.0.1:1/basic'
    http_config:
      basic_auth:
        username: alertd
        password: '{basic}'
- name: bearer
  webhook_configs:
  - url: 'http://127.0.0.1:1/bearer'
    http_config:
      authorization:
        credentials: '{bearer}'
- name: userinfo
  webhook_configs:
  - url: 'http://alertd:{userinfo}@127.0.0.1:1/userinfo'
"""

# Secrets inside receivers alertd may refuse (integrations it cannot send
# yet) or accept: either way, nothing of them in the logs.  The route to
# an undefined receiver makes the load fail in any case.
SECRET_RECEIVERS = """- name: slack
  slack_configs:
  - api_url: '{slack}'
    channel: '#x'
- name: mail
  email_configs:
  - to: 'x@example.org'
    auth_password: '{smtp}'
    auth_secret: '{wechat}'
- name: ops
  opsgenie_configs:
  - api_key: '{opsgenie}'
"""


def failing_config(config):
    """config with the secret receivers and a route to a receiver that
    does not exist."""
    return config.replace(
        'receivers:\n', 'receivers:\n' + SECRET_RECEIVERS.format(
            **SECRETS)).replace(
        "    receiver: userinfo\n", "    receiver: userinfo\n"
        "  - matchers: ['r=\"x\"']\n    receiver: undefined\n")


def secret_forms():
    """Each secret, and the forms a leak could take (basic auth header)."""
    forms = dict(SECRETS)
    forms['basic-header'] = base64.b64encode(
        ('alertd:' + SECRETS['basic']).encode()).decode()
    forms['userinfo-header'] = base64.b64encode(
        ('alertd:' + SECRETS['userinfo']).encode()).decode()
    return forms


def assert_no_secret(text):
    for name, s in secret_forms().items():
        assert s not in text, '%s secret in the logs' % name
        # A secret cut in the middle is still a leak.
        assert s[:12] not in text, '%s secret (start) in the logs' % name


@pytest.mark.parametrize('fmt', ['logfmt', 'json'])
def test_no_secret_in_logs(tmp_path, fmt):
    config = SECRET_CONFIG.format(**SECRETS)
    d = Alertd(conftest.alertd_binary(), config, tmp_path / 'alertd',
               args=['--log.format=' + fmt, '--log.level=debug'])
    d.start()
    try:
        assert d.post_alerts([
            {'labels': {'alertname': 'a'}},
            {'labels': {'alertname': 'b', 'r': 'bearer'}},
            {'labels': {'alertname': 'c', 'r': 'userinfo'}}]).status == 200
        # The config with every secret is served masked...
        status = d.get('/api/v2/status').text
        assert SECRETS['smtp'] not in status
        assert SECRETS['basic'] not in status
        # ...and a reload with secret receivers fails: its errors logged.
        bad = failing_config(config)
        d.write_config(bad)
        assert d.reload().status == 500
        d.write_config(config)
        d.sighup()
        deadline = time.monotonic() + 10
        while d.log().count('Notify attempt failed') < 3 and \
                time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        assert d.stop() == 0
    log = d.log()
    lines = parse_lines(log, fmt)
    # The run did log what could leak: failed notifications to each
    # receiver (with their URLs) and the failed reload.
    failed = [x for x in lines if x.get('msg') == 'Notify attempt failed, '
              'will retry later']
    assert {x['receiver'] for x in failed} == {'basic', 'bearer',
                                               'userinfo'}
    assert any('alertd:***@127.0.0.1:1/userinfo' in x['err']
               for x in failed), 'userinfo password not shown as ***'
    assert any(x.get('msg') == 'Loading configuration file failed'
               for x in lines)
    assert_no_secret(log)


def test_no_secret_when_startup_config_fails(tmp_path):
    """A config that fails at startup: alertd exits, logging why."""
    config = failing_config(SECRET_CONFIG.format(**SECRETS))
    d = Alertd(conftest.alertd_binary(), config, tmp_path / 'alertd',
               args=['--log.level=debug'])
    d.start(wait=False)
    try:
        rc = d.proc.wait(10)
    finally:
        d.stop()
    assert rc == 1
    log = d.log()
    assert 'Loading configuration file failed' in log
    assert_no_secret(log)
