"""pytest fixtures for alertd's integration tests (see harness.py).

    def test_x(alertd, webhook):
        ad = alertd(WEBHOOK_CONFIG)             # started, ready
        ad.post_alerts([{'labels': {'alertname': 'x'}}])
        webhook.wait_for(1)

    alertd(config_text=DEFAULT_CONFIG, args=(), prefix='', start=True)

DEFAULT_CONFIG has receivers without integrations (alertd refuses a
config naming an integration it cannot send yet); WEBHOOK_CONFIG in
harness.py routes to the webhook sink.
    alertmanager(...)   the real Alertmanager 0.25, same arguments
    webhook             a WebhookSink; {webhook} in configs expands to it

Every daemon a test starts is stopped at teardown.  The binary is
$ALERTD_BUILD/alertd (make integration sets it), else build/alertd.
"""

import os
import shutil

import pytest

from harness import Alertd, Alertmanager, WebhookSink

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))

DEFAULT_CONFIG = """route:
  receiver: web
  group_by: [alertname]
receivers:
- name: web
- name: other
"""


def alertd_binary():
    build = os.environ.get('ALERTD_BUILD', os.path.join(ROOT, 'build'))
    return os.path.join(build, 'alertd')


@pytest.fixture
def alertd_bin():
    path = alertd_binary()
    assert os.access(path, os.X_OK), 'build alertd first: %s' % path
    return path


@pytest.fixture
def webhook():
    sink = WebhookSink()
    yield sink
    sink.close()


def _factory(cls, tmp_path, webhook, extra):
    started = []

    def make(config_text=DEFAULT_CONFIG, args=(), prefix='', start=True):
        d = cls(*extra, config_text, tmp_path / ('%s%d' % (
            cls.__name__.lower(), len(started))), args=args,
            webhook=webhook, prefix=prefix)
        started.append(d)
        if start:
            d.start()
        return d

    return make, started


@pytest.fixture
def alertd(alertd_bin, tmp_path, webhook):
    make, started = _factory(Alertd, tmp_path, webhook, (alertd_bin,))
    yield make
    for d in started:
        d.stop()


@pytest.fixture
def alertmanager(tmp_path, webhook):
    assert shutil.which('prometheus-alertmanager'), \
        'install Debian package prometheus-alertmanager (make deps-test)'
    make, started = _factory(Alertmanager, tmp_path, webhook, ())
    yield make
    for d in started:
        d.stop()
