"""alertctl beyond amtool: ALERTCTL_URL and alertctl's own config file,
shell completion, silence add --preview, errors that say what happened,
--http.config.file (compared with what amtool sends), the version check.

Runs against the real Alertmanager and, when it serves the API, alertd
(test_cli_common.SERVERS); the HTTP-level checks use a small recording
server in this file.
"""

import http.server
import json
import os
import pty
import re
import socket
import subprocess
import threading
import time

import pytest

from test_cli_common import (ALERTCTL, AMTOOL, ROOT, SERVERS, Server, run,
                             seed, tool_env)


@pytest.fixture(scope="module", params=SERVERS)
def server(request):
    s = Server(request.param)
    try:
        assert s.wait(), "%s did not start" % request.param
        seed(s)
        yield s
    finally:
        s.stop()


@pytest.fixture
def home(tmp_path):
    return str(tmp_path)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


# ------------------------------------------------------- where the URL is

def test_alertctl_url_env(server, home):
    rc, out, err = run(ALERTCTL, ["-o", "json", "cluster"], home,
                       env={"ALERTCTL_URL": server.url})
    assert rc == 0, err
    assert json.loads(out)["status"] in ("disabled", "ready", "settling")
    # The flag wins over the environment.
    rc, out, err = run(ALERTCTL, ["--alertmanager.url=http://127.0.0.1:1",
                                  "cluster"], home,
                       env={"ALERTCTL_URL": server.url})
    assert rc == 1 and "127.0.0.1:1" in err


def test_alertctl_yml(server, home):
    write(os.path.join(home, ".config", "alertctl.yml"),
          "alertmanager.url: %s\noutput: json\n" % server.url)
    # amtool's file comes after alertctl's: its URL must not be used.
    write(os.path.join(home, ".config", "prometheus", "amtool.yml"),
          "alertmanager.url: http://127.0.0.1:1\noutput: extended\n"
          "date.format: '2006'\n")
    rc, out, err = run(ALERTCTL, ["cluster"], home)
    assert rc == 0, err
    assert json.loads(out)["status"]
    rc, out, _ = run(ALERTCTL, ["-o", "simple", "alert", "A"], home)
    assert rc == 0 and "\nA          2020  " in out
    # ALERTCTL_URL beats both files.
    rc, out, err = run(ALERTCTL, ["cluster"], home,
                       env={"ALERTCTL_URL": "http://127.0.0.1:1"})
    assert rc == 1 and "127.0.0.1:1" in err


def test_alertctl_config_env_and_xdg(server, home):
    cfg = os.path.join(home, "elsewhere.yml")
    write(cfg, "alertmanager.url: %s\n" % server.url)
    rc, out, err = run(ALERTCTL, ["cluster"], home,
                       env={"ALERTCTL_CONFIG": cfg})
    assert rc == 0 and out.startswith("Cluster Status:"), err
    xdg = os.path.join(home, "xdg")
    write(os.path.join(xdg, "alertctl.yml"),
          "alertmanager.url: %s\n" % server.url)
    rc, out, err = run(ALERTCTL, ["cluster"], home,
                       env={"XDG_CONFIG_HOME": xdg})
    assert rc == 0 and out.startswith("Cluster Status:"), err


# ------------------------------------------------------------ completion

def complete(home, words):
    """Runs the generated bash completion for words; returns COMPREPLY."""
    script = run(ALERTCTL, ["completion", "bash"], home)[1]
    path = os.path.join(home, "alertctl.bash")
    write(path, script)
    line = " ".join(words)
    cmd = ("source %s; COMP_WORDS=(%s); COMP_CWORD=%d; _alertctl; "
           "printf '%%s\\n' \"${COMPREPLY[@]}\"" % (
               path, " ".join("'%s'" % w for w in words), len(words) - 1))
    p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True,
                       env=tool_env(home))
    assert p.returncode == 0, p.stderr
    return [w for w in p.stdout.split("\n") if w]


def test_completion_bash(home):
    rc, out, err = run(ALERTCTL, ["completion", "bash"], home)
    assert rc == 0 and "complete -F _alertctl alertctl" in out
    p = subprocess.run(["bash", "-n"], input=out, text=True,
                       capture_output=True)
    assert p.returncode == 0, p.stderr
    assert complete(home, ["alertctl", "sil"]) == ["silence"]
    assert sorted(complete(home, ["alertctl", "silence", ""])) == [
        "add", "expire", "import", "query", "update"]
    assert complete(home, ["alertctl", "-o", ""]) == ["simple", "extended",
                                                      "json"]
    assert complete(home, ["alertctl", "--output", "e"]) == ["extended"]
    assert complete(home, ["alertctl", "silence", "query", "--ex"]) == [
        "--expired"]
    # Flags of other commands are not offered.
    assert "--expired" not in complete(home, ["alertctl", "alert", "--"])
    assert "--alertmanager.url" in complete(home, ["alertctl", "alert",
                                                   "--"])
    assert complete(home, ["alertctl", "-o", "json", "conf"]) == ["config"]
    assert sorted(complete(home, ["alertctl", "config", "routes", ""])) == [
        "show", "test"]


def test_completion_zsh_and_flags(home):
    rc, out, _ = run(ALERTCTL, ["completion", "zsh"], home)
    assert rc == 0
    assert out.startswith("#compdef alertctl\n")
    assert "bashcompinit" in out and "_alertctl()" in out
    # amtool's hidden kingpin flags print the same scripts.
    assert run(ALERTCTL, ["--completion-script-zsh"], home)[1] == out
    rc, out, err = run(ALERTCTL, ["completion", "fish"], home)
    assert rc == 1 and "unknown shell 'fish'" in err
    rc, out, err = run(ALERTCTL, ["completion"], home)
    assert rc == 1 and "required argument 'shell' not provided" in err


# --------------------------------------------------------------- preview

def silences_matching(server, name):
    _, got = server.api("GET", "/silences?filter=alertname%%3D%s" % name)
    return [s for s in got if s["status"]["state"] != "expired"]


def test_preview_without_terminal(server, home):
    rc, out, err = run(ALERTCTL, ["--alertmanager.url=" + server.url,
                                  "silence", "add", "--preview", "Burst",
                                  "instance=~i0.", "-c", "x"], home,
                       stdin=b"")
    assert rc == 0, err
    rows = out.splitlines()
    assert rows[0].split()[0] == "Alertname"
    assert len(rows) == 11 and all(r.startswith("Burst ") for r in rows[1:])
    assert "preview only (10 matching alert(s)); the silence was not " \
        "created" in err
    assert silences_matching(server, "Burst") == []


def test_preview_json_includes_suppressed(server, home):
    rc, out, _ = run(ALERTCTL, ["--alertmanager.url=" + server.url, "-o",
                                "json", "silence", "add", "--preview",
                                "alertname=~Silenced|B", "-c", "x"], home,
                     stdin=b"")
    assert rc == 0
    names = sorted(a["labels"]["alertname"] for a in json.loads(out))
    assert names == ["B", "Silenced"]


def run_tty(args, home, answer):
    master, slave = pty.openpty()
    p = subprocess.Popen([ALERTCTL] + args, stdin=slave,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=tool_env(home))
    os.close(slave)
    os.write(master, answer)
    out, err = p.communicate(timeout=30)
    os.close(master)
    return p.returncode, out.decode(), err.decode()


def test_preview_confirmed_on_terminal(server, home):
    args = ["--alertmanager.url=" + server.url, "silence", "add",
            "--preview", "C", "-c", "previewed"]
    rc, out, err = run_tty(args, home, b"n\n")
    assert rc == 0 and "Create it? [y/N]" in err
    assert silences_matching(server, "C") == []
    rc, out, err = run_tty(args, home, b"y\n")
    assert rc == 0, err
    sid = out.splitlines()[-1]
    assert re.fullmatch(r"[0-9a-f-]{36}", sid)
    got = silences_matching(server, "C")
    assert [s["id"] for s in got] == [sid]
    assert got[0]["comment"] == "previewed"


# ---------------------------------------------------------------- errors

def test_errors_name_the_request(server, home):
    url = "--alertmanager.url=" + server.url
    rc, _, err = run(ALERTCTL, [url, "silence", "add", "a=", "-c", "x"],
                     home)
    assert rc == 1
    assert err == ("alertctl: error: POST /api/v2/silences: 400 Bad Request: "
                   "silence invalid: at least one matcher must not match "
                   "the empty string\n\n")
    rc, _, err = run(ALERTCTL, [url, "silence", "update",
                                "0a0a0a0a-0000-0000-0000-000000000000"],
                     home)
    assert rc == 1 and "GET /api/v2/silence/0a0a0a0a-0000-0000-0000-" \
        "000000000000: 404 Not Found" in err


def test_connection_refused(home):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    rc, _, err = run(ALERTCTL, ["--alertmanager.url=http://127.0.0.1:%d" %
                                port, "alert"], home)
    assert rc == 1
    assert err.startswith("alertctl: error: GET http://127.0.0.1:%d/api/v2/"
                          "alerts?active=true" % port)
    assert "onnect" in err


def test_timeout(home):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)  # never answers
    try:
        t0 = time.time()
        rc, _, err = run(ALERTCTL, ["--alertmanager.url=http://127.0.0.1:%d"
                                    % s.getsockname()[1], "--timeout=300ms",
                                    "silence"], home)
        assert rc == 1 and time.time() - t0 < 10
        assert "timed out" in err and "--timeout" in err
    finally:
        s.close()


def test_verbose_logs_requests(server, home):
    rc, out, err = run(ALERTCTL, ["--alertmanager.url=" + server.url, "-v",
                                  "cluster"], home)
    assert rc == 0
    assert "GET %s/api/v2/status\n" % server.url in err


def test_version(home):
    rc, out, _ = run(ALERTCTL, ["--version"], home)
    assert rc == 0 and out.startswith("alertctl, version 0.25.0")


def test_man_page():
    page = os.path.join(ROOT, "contrib", "man", "alertctl.1")
    p = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", page],
                       capture_output=True, text=True)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    text = open(page).read().replace("\\-", "-")
    for word in ("ALERTCTL_URL", "alertctl.yml", "amtool.yml", "--preview",
                 "completion", "check-config", "silence import",
                 "config routes", "template render", "--template.defaults",
                 "--http.config.file"):
        assert word in text, word


# ------------------------------------------- HTTP-level, next to amtool

class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers the API enough for `cluster show`; records each request."""
    version = "0.25.0"
    seen = []

    def do_GET(self):
        Recorder.seen.append((self.path, self.headers.get("Authorization")))
        body = json.dumps({
            "cluster": {"status": "disabled", "peers": []},
            "config": {"original": "route: {}\n"},
            "uptime": "2020-01-01T00:00:00.000Z",
            "versionInfo": {"branch": "b", "buildDate": "d",
                            "buildUser": "u", "goVersion": "g",
                            "revision": "r", "version": Recorder.version}})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    Recorder.seen = []
    Recorder.version = "0.25.0"
    yield "http://127.0.0.1:%d" % srv.server_address[1]
    srv.shutdown()
    srv.server_close()


HTTP_CONFIGS = [
    ("basic_auth:\n  username: u\n  password: p\n", {}),
    ("basic_auth:\n  username: u\n  password_file: pw\n", {"pw": "s3cr3t\n"}),
    ("authorization:\n  credentials: tok\n", {}),
    ("authorization:\n  type: Token\n  credentials_file: tok\n",
     {"tok": "abc\n"}),
    ("bearer_token: legacy\n", {}),
    ("bearer_token_file: bt\n", {"bt": "fromfile"}),
    ("follow_redirects: false\ntls_config:\n  insecure_skip_verify: true\n",
     {}),
]


@pytest.mark.parametrize("config,files", HTTP_CONFIGS,
                         ids=[c[0].split(":")[0] + str(i) for i, c in
                              enumerate(HTTP_CONFIGS)])
def test_http_config_like_amtool(recorder, home, config, files):
    # Relative file names are anchored one directory above the config
    # file's own (prometheus/common's SetDirectory quirk, kept).
    cfgdir = os.path.join(home, "conf", "http")
    write(os.path.join(cfgdir, "http.yml"), config)
    for name, text in files.items():
        write(os.path.join(home, "conf", name), text)
    args = ["--alertmanager.url=" + recorder + "/prefix/",
            "--http.config.file=" + os.path.join(cfgdir, "http.yml"),
            "cluster"]
    a = run(AMTOOL, args, home)
    seen_a, Recorder.seen = Recorder.seen, []
    b = run(ALERTCTL, args, home)
    seen_b = Recorder.seen
    assert a[0] == 0, a
    assert (b[0], b[1]) == (a[0], a[1])
    assert seen_a == seen_b
    assert seen_b[-1][0] == "/prefix/api/v2/status"


HTTP_CONFIG_ERRORS = [
    "basic_auth:\n  username: u\n  password: p\n  password_file: f\n",
    "bearer_token: a\nbearer_token_file: b\n",
    "basic_auth:\n  username: u\nbearer_token: x\n",
    "authorization:\n  type: Basic\n",
    "authorization:\n  credentials: x\nbasic_auth:\n  username: u\n",
    "unknown_field: 1\n",
]


@pytest.mark.parametrize("config", HTTP_CONFIG_ERRORS)
def test_http_config_errors_like_amtool(recorder, home, config):
    path = os.path.join(home, "http.yml")
    write(path, config)
    args = ["--alertmanager.url=" + recorder, "--http.config.file=" + path,
            "cluster"]
    a, b = run(AMTOOL, args, home), run(ALERTCTL, args, home)
    assert a[0] == b[0] == 1
    assert a[2].startswith("amtool: error: failed to load HTTP config file: ")
    if "unknown_field" in config:
        assert "field unknown_field not found" in a[2]
        assert "field unknown_field not found" in b[2]
    else:
        assert b[2] == a[2].replace("amtool:", "alertctl:", 1)


def test_url_userinfo_and_http_config(recorder, home):
    path = os.path.join(home, "http.yml")
    write(path, "bearer_token: x\n")
    url = recorder.replace("http://", "http://u:p@")
    rc, out, err = run(ALERTCTL, ["--alertmanager.url=" + url, "cluster"],
                       home)
    assert rc == 0
    assert Recorder.seen[-1][1] == "Basic dTpw"
    args = ["--alertmanager.url=" + url, "--http.config.file=" + path,
            "cluster"]
    a, b = run(AMTOOL, args, home), run(ALERTCTL, args, home)
    assert a[0] == b[0] == 1
    assert a[2] == "amtool: error: basic authentication and " \
        "http.config.file are mutually exclusive\n"
    assert b[2] == a[2].replace("amtool:", "alertctl:", 1)


def test_version_check_warning(recorder, home):
    Recorder.version = "0.24.1"
    args = ["--alertmanager.url=" + recorder, "cluster"]
    a, b = run(AMTOOL, args, home), run(ALERTCTL, args, home)
    assert a[0] == b[0] == 0 and a[1] == b[1]
    assert a[2] == "Warning: amtool version (0.25.0) and alertmanager " \
        "version (0.24.1) are different.\n"
    assert b[2] == a[2].replace("amtool version", "alertctl version")
    Recorder.seen = []
    b = run(ALERTCTL, ["--no-version-check"] + args, home)
    assert b[2] == "" and len(Recorder.seen) == 1
