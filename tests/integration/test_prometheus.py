"""A real Prometheus (Debian's prometheus) evaluating `vector(1)` sends its
alert to alertd, which stores it with Prometheus' labels, annotations,
generatorURL and an endsAt in the future."""

import shutil
import subprocess
import time

from harness import free_port, wait_http

RULES = """groups:
- name: alertd
  interval: 1s
  rules:
  - alert: AlwaysFiring
    expr: vector(1)
    labels:
      severity: page
    annotations:
      summary: 'it fires: {{ $value }}'
"""

PROM = """global:
  evaluation_interval: 1s
rule_files: [rules.yml]
alerting:
  alertmanagers:
  - api_version: v2
    static_configs:
    - targets: ['127.0.0.1:%d']
"""


def test_prometheus_alert_arrives(alertd, tmp_path):
    assert shutil.which('prometheus'), 'install Debian package prometheus'
    ad = alertd()
    (tmp_path / 'rules.yml').write_text(RULES)
    (tmp_path / 'prometheus.yml').write_text(PROM % ad.port)
    port = free_port()
    with open(tmp_path / 'prometheus.log', 'wb') as log:
        p = subprocess.Popen(
            ['prometheus', '--config.file=' + str(tmp_path / 'prometheus.yml'),
             '--storage.tsdb.path=' + str(tmp_path / 'tsdb'),
             '--web.listen-address=127.0.0.1:%d' % port,
             '--rules.alert.resend-delay=1s'],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            wait_http(port, '/-/ready', timeout=30, proc=p)
            deadline = time.monotonic() + 30
            alerts = []
            while not alerts and time.monotonic() < deadline:
                time.sleep(0.2)
                alerts = ad.alerts()
        finally:
            p.terminate()
            p.wait(30)
    assert len(alerts) == 1, (tmp_path / 'prometheus.log').read_text()
    a = alerts[0]
    assert a['labels'] == {'alertname': 'AlwaysFiring', 'severity': 'page'}
    assert a['annotations'] == {'summary': 'it fires: 1'}
    assert a['generatorURL'].startswith('http://')
    assert 'vector%281%29' in a['generatorURL']
    assert a['status']['state'] == 'active'
    assert a['endsAt'] > a['startsAt']
