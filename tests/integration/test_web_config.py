"""--web.config.file: TLS, client certificates, basic auth, headers, and
the file read again per request / per connection, against build/alertd;
the real amtool (--http.config.file) as client; the real Alertmanager
0.25 for the 401/500 answers and the start-up error texts.

The test makes its own CA and certificates with openssl in tmp_path.
"""

import os
import shutil
import subprocess
import time
import warnings

import pytest
import requests

from conftest import DEFAULT_CONFIG

AMTOOL = shutil.which('amtool')


def _openssl(*args, cwd):
    subprocess.run(['openssl'] + list(args), cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _make_ca(d, name):
    _openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt',
             'ec_paramgen_curve:P-256', '-nodes', '-keyout', name + '.key',
             '-out', name + '.crt', '-days', '2', '-subj', '/CN=' + name,
             cwd=d)


def _make_cert(d, name, ca, ext):
    _openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
             '-nodes', '-keyout', name + '.key', '-out', name + '.csr',
             '-subj', '/CN=' + name, cwd=d)
    with open(os.path.join(d, name + '.ext'), 'w') as f:
        f.write(ext)
    _openssl('x509', '-req', '-in', name + '.csr', '-CA', ca + '.crt',
             '-CAkey', ca + '.key', '-CAcreateserial', '-out', name + '.crt',
             '-days', '2', '-extfile', name + '.ext', cwd=d)


@pytest.fixture
def pki(tmp_path):
    """ca signs server and client; rogue is a self-signed client."""
    d = str(tmp_path / 'pki')
    os.makedirs(d)
    _make_ca(d, 'ca')
    _make_cert(d, 'server', 'ca', 'subjectAltName=IP:127.0.0.1\n'
               'extendedKeyUsage=serverAuth\n')
    _make_cert(d, 'client', 'ca', 'extendedKeyUsage=clientAuth\n')
    _make_ca(d, 'rogue')
    return d


def _bcrypt(password):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        import crypt
    h = crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH,
                                           rounds=1 << 4))
    return h.replace('$2b$', '$2y$')


TLS = """tls_server_config:
  cert_file: {pki}/server.crt
  key_file: {pki}/server.key
"""


def _users(**users):
    return 'basic_auth_users:\n' + ''.join(
        "  %s: '%s'\n" % (u, _bcrypt(p)) for u, p in users.items())


class Web:
    """build/alertd (or Alertmanager) behind a web config file."""

    def __init__(self, daemon, path, tls, pki):
        self.d = daemon
        self.path = path
        self.scheme = 'https' if tls else 'http'
        self.pki = pki

    def url(self, p):
        return '%s://127.0.0.1:%d%s' % (self.scheme, self.d.port, p)

    def get(self, p, **kw):
        if self.scheme == 'https':
            kw.setdefault('verify', os.path.join(self.pki, 'ca.crt'))
        return requests.get(self.url(p), timeout=10, **kw)

    def write(self, text):
        # A new inode (rename), as config managers replace files.
        tmp = self.path + '.tmp'
        with open(tmp, 'w') as f:
            f.write(text)
        os.rename(tmp, self.path)


def _start(factory, tmp_path, text, pki, tls):
    path = str(tmp_path / 'web.yml')
    with open(path, 'w') as f:
        f.write(text)
    d = factory(DEFAULT_CONFIG, args=['--web.config.file=' + path],
                start=False)
    d.start(wait=False)
    w = Web(d, path, tls, pki)
    deadline = time.monotonic() + 10
    while True:
        assert d.proc.poll() is None, d.log()
        try:
            w.get('/-/ready', verify=False) if tls else w.get('/-/ready')
            return w
        except requests.exceptions.SSLError:
            return w        # serving: it refused our handshake
        except requests.exceptions.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture(autouse=True)
def _quiet():
    warnings.simplefilter('ignore')


def test_tls_basic_auth_and_headers(alertd, tmp_path, pki):
    text = (TLS + 'http_server_config:\n  headers:\n'
            '    X-Frame-Options: deny\n' + _users(alice='s3cret'))
    w = _start(alertd, tmp_path, text.format(pki=pki), pki, tls=True)
    assert 'msg="TLS is enabled."' in w.d.log()

    r = w.get('/-/healthy')
    assert r.status_code == 401
    assert r.headers['WWW-Authenticate'] == 'Basic'
    assert r.headers['X-Frame-Options'] == 'deny'
    assert r.headers['Content-Type'] == 'text/plain; charset=utf-8'
    assert r.text == 'Unauthorized\n'
    assert w.get('/-/healthy', auth=('alice', 'wrong')).status_code == 401
    assert w.get('/-/healthy', auth=('bob', 's3cret')).status_code == 401

    r = w.get('/-/healthy', auth=('alice', 's3cret'))
    assert r.status_code == 200 and r.text == 'OK'
    assert r.headers['X-Frame-Options'] == 'deny'
    r = requests.post(w.url('/api/v2/alerts'), auth=('alice', 's3cret'),
                      json=[{'labels': {'alertname': 'tls'}}],
                      verify=os.path.join(pki, 'ca.crt'), timeout=10)
    assert r.status_code == 200
    r = w.get('/api/v2/alerts', auth=('alice', 's3cret'))
    assert [a['labels']['alertname'] for a in r.json()] == ['tls']
    # An unauthenticated POST is refused and stores nothing.
    r = requests.post(w.url('/api/v2/alerts'),
                      json=[{'labels': {'alertname': 'nope'}}],
                      verify=os.path.join(pki, 'ca.crt'), timeout=10)
    assert r.status_code == 401
    assert len(w.get('/api/v2/alerts', auth=('alice', 's3cret')).json()) == 1

    # Plain HTTP to the TLS port and a client trusting another CA fail.
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get('http://127.0.0.1:%d/-/healthy' % w.d.port, timeout=5)
    with pytest.raises(requests.exceptions.SSLError):
        w.get('/-/healthy', verify=os.path.join(pki, 'rogue.crt'))


def test_client_cert_required_and_verified(alertd, tmp_path, pki):
    text = TLS + ('  client_auth_type: RequireAndVerifyClientCert\n'
                  '  client_ca_file: {pki}/ca.crt\n')
    w = _start(alertd, tmp_path, text.format(pki=pki), pki, tls=True)
    client = (os.path.join(pki, 'client.crt'), os.path.join(pki, 'client.key'))
    rogue = (os.path.join(pki, 'rogue.crt'), os.path.join(pki, 'rogue.key'))
    assert w.get('/-/healthy', cert=client).status_code == 200
    with pytest.raises(requests.exceptions.ConnectionError):
        w.get('/-/healthy')
    with pytest.raises(requests.exceptions.ConnectionError):
        w.get('/-/healthy', cert=rogue)


def test_client_cert_verified_if_given(alertd, tmp_path, pki):
    text = TLS + ('  client_auth_type: VerifyClientCertIfGiven\n'
                  '  client_ca_file: {pki}/ca.crt\n')
    w = _start(alertd, tmp_path, text.format(pki=pki), pki, tls=True)
    client = (os.path.join(pki, 'client.crt'), os.path.join(pki, 'client.key'))
    rogue = (os.path.join(pki, 'rogue.crt'), os.path.join(pki, 'rogue.key'))
    assert w.get('/-/healthy').status_code == 200
    assert w.get('/-/healthy', cert=client).status_code == 200
    with pytest.raises(requests.exceptions.ConnectionError):
        w.get('/-/healthy', cert=rogue)


def test_any_client_cert_required(alertd, tmp_path, pki):
    text = TLS + '  client_auth_type: RequireAnyClientCert\n'
    w = _start(alertd, tmp_path, text.format(pki=pki), pki, tls=True)
    rogue = (os.path.join(pki, 'rogue.crt'), os.path.join(pki, 'rogue.key'))
    assert w.get('/-/healthy', cert=rogue).status_code == 200
    with pytest.raises(requests.exceptions.ConnectionError):
        w.get('/-/healthy')


def test_file_read_again_per_request(alertd, tmp_path, pki):
    """exporter-toolkit reads the file for every request: no SIGHUP."""
    w = _start(alertd, tmp_path, _users(alice='pw'), pki, tls=False)
    assert 'msg="TLS is disabled."' in w.d.log()
    assert w.get('/-/healthy').status_code == 401
    assert w.get('/-/healthy', auth=('alice', 'pw')).status_code == 200
    w.write(_users(alice='new'))
    assert w.get('/-/healthy', auth=('alice', 'pw')).status_code == 401
    assert w.get('/-/healthy', auth=('alice', 'new')).status_code == 200
    w.write('http_server_config:\n  bogus: 1\n')
    r = w.get('/-/healthy')
    assert r.status_code == 500 and r.text == 'Internal Server Error\n'
    assert 'msg="Unable to parse configuration"' in w.d.log()
    w.write('')
    assert w.get('/-/healthy').status_code == 200


def test_certificate_read_again_per_connection(alertd, tmp_path, pki):
    """GetConfigForClient: a replaced certificate serves new connections."""
    w = _start(alertd, tmp_path, TLS.format(pki=pki), pki, tls=True)
    assert w.get('/-/healthy').status_code == 200
    _make_ca(pki, 'ca2')
    _make_cert(pki, 'server2', 'ca2', 'subjectAltName=IP:127.0.0.1\n')
    for ext in ('crt', 'key'):
        os.rename(os.path.join(pki, 'server2.' + ext),
                  os.path.join(pki, 'server.' + ext))
    assert w.get('/-/healthy',
                 verify=os.path.join(pki, 'ca2.crt')).status_code == 200
    with pytest.raises(requests.exceptions.SSLError):
        w.get('/-/healthy')
    # A file that no longer loads fails the handshake, not the server.
    with open(os.path.join(pki, 'server.key'), 'w') as f:
        f.write('junk\n')
    with pytest.raises(requests.exceptions.ConnectionError):
        w.get('/-/healthy', verify=os.path.join(pki, 'ca2.crt'))
    assert 'msg="TLS handshake error"' in w.d.log()
    assert w.d.proc.poll() is None


@pytest.mark.skipif(AMTOOL is None, reason='amtool not installed')
def test_amtool_http_config_file(alertd, tmp_path, pki):
    text = TLS + ('  client_auth_type: RequireAndVerifyClientCert\n'
                  '  client_ca_file: {pki}/ca.crt\n') + _users(alice='pw')
    w = _start(alertd, tmp_path, text.format(pki=pki), pki, tls=True)
    r = requests.post(w.url('/api/v2/alerts'), auth=('alice', 'pw'),
                      json=[{'labels': {'alertname': 'viaamtool'}}],
                      cert=(os.path.join(pki, 'client.crt'),
                            os.path.join(pki, 'client.key')),
                      verify=os.path.join(pki, 'ca.crt'), timeout=10)
    assert r.status_code == 200

    def amtool(password):
        hc = str(tmp_path / ('http-%s.yml' % password))
        with open(hc, 'w') as f:
            f.write('basic_auth:\n  username: alice\n  password: %s\n'
                    'tls_config:\n  ca_file: %s/ca.crt\n'
                    '  cert_file: %s/client.crt\n  key_file: %s/client.key\n'
                    % (password, pki, pki, pki))
        return subprocess.run(
            [AMTOOL, '--alertmanager.url=' + w.url('/'),
             '--http.config.file=' + hc, 'alert', 'query', '-o', 'json'],
            capture_output=True, text=True, timeout=30)

    p = amtool('pw')
    assert p.returncode == 0, p.stderr
    assert 'viaamtool' in p.stdout
    p = amtool('wrong')
    assert p.returncode != 0
    assert 'Unauthorized' in p.stderr or '401' in p.stderr, p.stderr


def test_bad_file_fails_start_as_alertmanager(alertd, alertmanager,
                                              tmp_path, pki):
    """Both exit 1 with the same "Listen error" text."""
    bad = ('tls_server_config:\n  cert_file: {pki}/server.crt\n'
           '  client_auth_type: RequireAnyClientCert\n').format(pki=pki)
    path = str(tmp_path / 'bad.yml')
    with open(path, 'w') as f:
        f.write(bad)
    errs = []
    for factory in (alertd, alertmanager):
        d = factory(DEFAULT_CONFIG, args=['--web.config.file=' + path],
                    start=False)
        d.start(wait=False)
        assert d.proc.wait(10) == 1
        line = [ln for ln in d.log().splitlines() if 'Listen error' in ln]
        assert line, d.log()
        errs.append(line[0].split(' err=', 1)[1])
    assert errs[0] == errs[1] == '"missing key_file"'


def test_401_and_500_as_alertmanager(alertd, alertmanager, tmp_path, pki):
    """Status, headers that matter and bodies match Alertmanager's."""
    text = ('http_server_config:\n  headers:\n'
            '    X-Content-Type-Options: nosniff\n' + _users(alice='pw'))
    got = []
    for i, factory in enumerate((alertd, alertmanager)):
        sub = tmp_path / ('d%d' % i)
        os.makedirs(sub)
        w = _start(factory, sub, text, pki, tls=False)
        rs = [w.get('/-/healthy'), w.get('/-/healthy', auth=('alice', 'x')),
              w.get('/-/healthy', auth=('alice', 'pw'))]
        w.write('bogus: 1\n')
        rs.append(w.get('/-/healthy'))
        got.append([(r.status_code, r.text, r.headers.get('WWW-Authenticate'),
                     r.headers.get('X-Content-Type-Options'),
                     r.headers.get('Content-Type')) for r in rs])
    assert got[0] == got[1]
    assert [g[0] for g in got[0]] == [401, 401, 200, 500]
