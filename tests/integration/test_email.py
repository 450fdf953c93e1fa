"""E-mail notifications end to end, against a real SMTP server on
127.0.0.1 (Debian's python3-aiosmtpd, started by each test): an alert
posted to the daemon arrives as a message; the envelope, the headers
(UTF-8 subject in RFC 2047 words, To, From, Message-Id, Date) and both
parts (quoted-printable text and HTML); STARTTLS with a certificate made
here with openssl (and refused with an unknown CA); AUTH PLAIN and LOGIN,
in clear text and after STARTTLS; require_tls against a server without
STARTTLS; send_resolved's default.

The tests that hold for Alertmanager 0.25 also run against it with
ALERTD_TEST_TARGET=alertmanager; the LOGIN ones are skipped there:
Alertmanager's LOGIN expects the challenge "Username:", aiosmtpd sends
"User Name", so 0.25 cannot log in to this server that way.  The byte
comparison with Alertmanager's messages is tests/unit/check_email.c.
"""

import email
import email.policy
import os
import re
import socket
import ssl
import subprocess
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

TARGET = os.environ.get('ALERTD_TEST_TARGET', 'alertd')
AM = TARGET == 'alertmanager'


@pytest.fixture
def daemon(request):
    """The daemon under test: alertd, or Alertmanager for reference."""
    return request.getfixturevalue('alertmanager' if AM else 'alertd')


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


class SMTPServer:
    """aiosmtpd on 127.0.0.1: records every message with its envelope,
    the EHLO name, whether TLS was on, and the AUTH used."""

    def __init__(self, tls_context=None, auth=False, auth_require_tls=True,
                 exclude=()):
        self.messages = []
        self.auths = []
        self.cond = threading.Condition()
        kw = {}
        if tls_context is not None:
            kw.update(tls_context=tls_context, require_starttls=True)
        if auth:
            kw.update(authenticator=self._authenticate,
                      auth_require_tls=auth_require_tls, auth_required=True,
                      auth_exclude_mechanism=list(exclude))
        self.port = free_port()
        self.controller = Controller(self, hostname='127.0.0.1',
                                     port=self.port, **kw)
        self.controller.start()

    def _authenticate(self, server, session, envelope, mechanism, data):
        ok = (isinstance(data, LoginPassword) and data.login == b'u' and
              data.password == b'pw')
        with self.cond:
            self.auths.append({'mechanism': mechanism, 'ok': ok,
                               'tls': session.ssl is not None})
        # handled=False: aiosmtpd answers 535 itself on failure
        return AuthResult(success=ok, handled=False)

    async def handle_DATA(self, server, session, envelope):
        with self.cond:
            self.messages.append({
                'ehlo': session.host_name,
                'tls': session.ssl is not None,
                'mail_from': envelope.mail_from,
                'rcpt_tos': list(envelope.rcpt_tos),
                'data': envelope.original_content,
                'msg': email.message_from_bytes(
                    envelope.original_content, policy=email.policy.default),
                't': time.monotonic()})
            self.cond.notify_all()
        return '250 2.0.0 queued'

    def wait_for(self, n, timeout=10.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.messages) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError('%d of %d messages' % (
                        len(self.messages), n))
                self.cond.wait(left)
            return list(self.messages)

    def count(self):
        with self.cond:
            return len(self.messages)

    def close(self):
        self.controller.stop()


@pytest.fixture
def cert(tmp_path):
    """A self-signed certificate for 127.0.0.1 (openssl); its path, and
    the server context."""
    crt, key = tmp_path / 'smtp.crt', tmp_path / 'smtp.key'
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048',
                    '-nodes', '-keyout', str(key), '-out', str(crt),
                    '-days', '1', '-subj', '/CN=127.0.0.1',
                    '-addext', 'subjectAltName=IP:127.0.0.1'],
                   check=True, capture_output=True)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(crt), str(key))
    return str(crt), ctx


@pytest.fixture
def servers():
    started = []

    def make(**kw):
        s = SMTPServer(**kw)
        started.append(s)
        return s
    yield make
    for s in started:
        s.close()


def config(smtp, email_config, group_interval='2s'):
    return """global:
  smtp_smarthost: '127.0.0.1:%d'
  smtp_from: 'Alertmanager <am@example.org>'
route:
  receiver: team
  group_by: [alertname]
  group_wait: 1s
  group_interval: %s
  repeat_interval: 1h
receivers:
- name: team
  email_configs:
%s""" % (smtp.port, group_interval, email_config)


def alert(name, **labels):
    return {'labels': dict({'alertname': name}, **labels),
            'annotations': {'summary': 'about ' + name,
                            'description': 'caf\u00e9 = 100%'}}


CUSTOM = """  - to: 'ops@example.org, "Dev, Team" <dev@example.org>'
    require_tls: false
    headers:
      Subject: 'St\u00f6rung \u2713 {{ .GroupLabels.alertname }} ({{ len .Alerts }})'
      X-Team: '{{ .CommonLabels.team }}'
    text: |
      {{ range .Alerts }}{{ .Labels.instance }}: {{ .Annotations.description }}
      {{ end }}
"""


def test_message(daemon, servers):
    smtp = servers()
    ad = daemon(config(smtp, CUSTOM))
    t0 = time.monotonic()
    ad.post_alerts([alert('Mail', instance='a', team='db'),
                    alert('Mail', instance='b', team='db')])
    m = smtp.wait_for(1)[0]
    assert 0.8 <= m['t'] - t0 <= 3.0
    # envelope: net/mail's addresses, EHLO from global smtp_hello
    assert m['ehlo'] == 'localhost'
    assert m['mail_from'] == 'am@example.org'
    assert m['rcpt_tos'] == ['ops@example.org', 'dev@example.org']
    assert not m['tls']
    head = m['data'].split(b'\r\n\r\n')[0].decode('ascii').split('\r\n')

    def line(pattern):
        return [h for h in head if re.fullmatch(pattern, h)]

    # RFC 2047 Q-encoded, as Go's mime.QEncoding
    assert line(r'Subject: =\?utf-8\?q\?St=C3=B6rung_=E2=9C=93_Mail_'
                r'\(2\)\?='), head
    assert line(r'X-Team: db')
    assert line(r'To: ops@example.org, "Dev, Team" <dev@example.org>')
    assert line(r'From: Alertmanager <am@example.org>')
    assert line(r'Message-Id: <\d+\.\d+@[^>]+>')
    assert line(r'Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}')
    assert line(r'Content-Type: multipart/alternative;  '
                r'boundary=[0-9a-f]{60}')
    assert head[-1] == 'MIME-Version: 1.0'
    assert len(head) == 8
    msg = m['msg']
    assert msg['Subject'] == 'St\u00f6rung \u2713 Mail (2)'
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ['text/plain',
                                                     'text/html']
    for p in parts:
        assert p['Content-Transfer-Encoding'] == 'quoted-printable'
        assert p.get_content_charset() == 'utf-8'
    # the block scalar's final newline follows {{ end }}
    assert parts[0].get_content() == ('a: caf\u00e9 = 100%\r\n'
                                      'b: caf\u00e9 = 100%\r\n\r\n')
    assert b'caf=C3=A9 =3D 100%' in m['data']
    html = parts[1].get_content()
    # email.default.html, rendered as html/template
    assert '<title>St' not in html
    assert '[FIRING:2] Mail (db)' in html
    assert 'about Mail' in html
    time.sleep(2.5)
    assert smtp.count() == 1


def test_default_subject_html_only(daemon, servers):
    smtp = servers()
    ad = daemon(config(smtp, "  - to: ops@example.org\n"
                             "    require_tls: false\n"))
    ad.post_alerts([alert('Disk<Full>', instance='a')])
    m = smtp.wait_for(1)[0]
    msg = m['msg']
    assert msg['Subject'] == '[FIRING:1] Disk<Full> (a)'
    assert msg['To'] == 'ops@example.org'
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ['text/html']
    assert 'Disk&lt;Full&gt;' in parts[0].get_content()


def test_starttls(daemon, servers, cert):
    crt, ctx = cert
    smtp = servers(tls_context=ctx)
    ad = daemon(config(smtp, "  - to: ops@example.org\n"
                             "    tls_config:\n"
                             "      ca_file: '%s'\n" % crt))
    ad.post_alerts([alert('Tls')])
    m = smtp.wait_for(1)[0]
    assert m['tls']
    assert m['msg']['Subject'] == '[FIRING:1] Tls '


def test_starttls_unknown_ca_refused(daemon, servers, cert):
    _, ctx = cert
    smtp = servers(tls_context=ctx)
    ad = daemon(config(smtp, "  - to: ops@example.org\n"))
    ad.post_alerts([alert('Tls')])
    time.sleep(5)
    assert smtp.count() == 0
    assert 'certificate' in ad.log().lower()


def test_auth_plain(daemon, servers):
    smtp = servers(auth=True, auth_require_tls=False, exclude=['LOGIN'])
    ad = daemon(config(smtp, "  - to: ops@example.org\n"
                             "    require_tls: false\n"
                             "    auth_username: u\n"
                             "    auth_password: pw\n"))
    ad.post_alerts([alert('Auth')])
    smtp.wait_for(1)
    assert smtp.auths == [{'mechanism': 'PLAIN', 'ok': True, 'tls': False}]


@pytest.mark.skipif(AM, reason="0.25's LOGIN wants the challenge "
                    "'Username:', aiosmtpd sends 'User Name'")
def test_auth_login(daemon, servers, tmp_path):
    smtp = servers(auth=True, auth_require_tls=False, exclude=['PLAIN'])
    pw = tmp_path / 'pw'
    pw.write_text('pw\n')
    ad = daemon(config(smtp, "  - to: ops@example.org\n"
                             "    require_tls: false\n"
                             "    auth_username: u\n"
                             "    auth_password_file: '%s'\n" % pw))
    ad.post_alerts([alert('Auth')])
    smtp.wait_for(1)
    assert smtp.auths == [{'mechanism': 'LOGIN', 'ok': True, 'tls': False}]


@pytest.mark.skipif(AM, reason="0.25 picks LOGIN (first of the server's "
                    "'LOGIN PLAIN'), which cannot log in to aiosmtpd")
def test_auth_after_starttls(daemon, servers, cert):
    crt, ctx = cert
    smtp = servers(tls_context=ctx, auth=True)
    ad = daemon(config(smtp, "  - to: ops@example.org\n"
                             "    auth_username: u\n"
                             "    auth_password: pw\n"
                             "    tls_config:\n"
                             "      ca_file: '%s'\n" % crt))
    ad.post_alerts([alert('Auth')])
    m = smtp.wait_for(1)[0]
    assert m['tls']
    # AUTH only offered, and used, once encrypted
    assert smtp.auths == [{'mechanism': 'PLAIN', 'ok': True, 'tls': True}]


def test_bad_password_not_delivered(daemon, servers):
    smtp = servers(auth=True, auth_require_tls=False, exclude=['LOGIN'])
    ad = daemon(config(smtp, "  - to: ops@example.org\n"
                             "    require_tls: false\n"
                             "    auth_username: u\n"
                             "    auth_password: wrong\n"))
    ad.post_alerts([alert('Auth')])
    time.sleep(4)
    assert smtp.count() == 0
    assert smtp.auths and not any(a['ok'] for a in smtp.auths)
    assert len(smtp.auths) >= 2         # retried
    assert 'wrong' not in ad.log()


def test_require_tls_without_starttls(daemon, servers):
    smtp = servers()
    ad = daemon(config(smtp, "  - to: ops@example.org\n"
                             "    auth_username: u\n"
                             "    auth_password: pw\n"))
    ad.post_alerts([alert('NoTls')])
    want = ("'require_tls' is true (default) but \\\"127.0.0.1:%d\\\" does "
            "not advertise the STARTTLS extension" % smtp.port)
    deadline = time.monotonic() + 8
    while want not in ad.log() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert want in ad.log()
    assert smtp.count() == 0


def test_send_resolved_default_false(daemon, servers):
    smtp = servers()
    ad = daemon(config(smtp, "  - to: ops@example.org\n"
                             "    require_tls: false\n"))
    a = alert('Res')
    ad.post_alerts([a])
    smtp.wait_for(1)
    ad.post_alerts([dict(a, endsAt=time.strftime(
        '%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() - 1)))])
    time.sleep(4.5)
    assert smtp.count() == 1
