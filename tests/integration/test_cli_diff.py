"""Differential tests: the same command lines through the real amtool 0.25
and through build/alertctl, against the same server, compared on exit
status, stdout and (where amtool's words are kept) stderr.  Only
generated IDs and, where a command prints times it generated, times are
normalised.

Runs against the real Alertmanager 0.25 and, when build/alertd answers
/api/v2/status, against alertd too (see test_cli_common.SERVERS).  The
second half checks that the real amtool works against each server: what
it adds can be queried back, what it expires is gone, and so on.

Deliberate differences from amtool, checked as such rather than skipped:
  - HTTP errors: alertctl says "<METHOD> /api/v2/<path>: <status>:
    <server's message>"; amtool prints go-openapi's wording;
  - config show -o extended and silence update -q: amtool 0.25 prints Go
    pointers (0xc000...) where the values belong; alertctl the values;
  - transport errors are worded by curl rather than by Go's net/http.
"""

import json
import os
import re
import subprocess

import pytest

from test_cli_common import (ALERTCTL, AMTOOL, SERVERS, UUID_RE, Server,
                             norm_ids, norm_times, run, seed, tool_env)

FORMATS = ["simple", "extended", "json"]


def seeded(kind):
    s = Server(kind)
    try:
        assert s.wait(), "%s did not start" % kind
        seed(s)
        yield s
    finally:
        s.stop()


# Three servers per kind, so that what one group of tests changes cannot
# change what another group sees: read-only comparisons (server),
# comparisons of commands that change state (mserver), and the checks of
# the real amtool against the server (fserver).
@pytest.fixture(scope="module", params=SERVERS)
def server(request):
    yield from seeded(request.param)


@pytest.fixture(scope="module", params=SERVERS)
def mserver(request):
    yield from seeded(request.param)


@pytest.fixture(scope="module", params=SERVERS)
def fserver(request):
    yield from seeded(request.param)


@pytest.fixture
def home(tmp_path):
    return str(tmp_path)


def both(server, args, home, stdin=None, env=None):
    full = ["--alertmanager.url=" + server.url] + list(args)
    return (run(AMTOOL, full, home, stdin, env),
            run(ALERTCTL, full, home, stdin, env))


def prog_norm(s):
    return re.sub(r"^alertctl: ", "amtool: ", s, flags=re.M)


def assert_same(a, b, stderr=True, norm=lambda s: s):
    assert a[0] == b[0], "exit: amtool %d, alertctl %d\namtool: %s\n" \
        "alertctl: %s" % (a[0], b[0], a[2], b[2])
    assert norm(b[1]) == norm(a[1])
    if stderr:
        assert prog_norm(b[2]) == a[2]


# ------------------------------------------------------------ read-only

ALERT_QUERIES = [
    ["alert"],
    ["alert", "query"],
    ["alert", "query", "-a"],
    ["alert", "query", "-s"],
    ["alert", "query", "-i"],
    ["alert", "query", "-u"],
    ["alert", "-s", "-i"],
    ["alert", "query", "-a", "-s", "-i", "-u"],
    ["alert", "query", "--silenced", "--inhibited", "--active"],
    ["alert", "query", "-r", "db"],
    ["alert", "query", "--receiver=web.*", "-s", "-i", "-a"],
    ["alert", "query", "A"],
    ["alert", "Burst"],
    ["alert", "query", "alertname=A"],
    ["alert", "query", "alertname=~B.*|Burst"],
    ["alert", "query", "severity!=critical"],
    ["alert", "query", "Burst", "instance=~i1.*"],
    ["alert", "query", "alertname!~Burst", "-s", "-i"],
    ["alert", "query", "service=~\"api|web\""],
    ["alert", "query", "foo=~("],
    ["alert", "query", "nosuchalert"],
    ["alert", "--", "-a"],
]

SILENCE_QUERIES = [
    ["silence"],
    ["silence", "query"],
    ["silence", "query", "--expired"],
    ["silence", "--created-by=alice"],
    ["silence", "query", "--created-by", "erin"],
    ["silence", "query", "--within=1h"],
    ["silence", "query", "--within", "3h30m"],
    ["silence", "query", "--within=1h", "--expired"],
    ["silence", "query", "--expired", "--within=24h"],
    ["silence", "query", "Silenced"],
    ["silence", "query", "alertname=Silenced"],
    ["silence", "query", "service=~\"api|web\""],
    ["silence", "query", "Tie", "n=3"],
    ["silence", "query", "nosuch"],
]

STATUS_QUERIES = [
    ["cluster"],
    ["cluster", "show"],
    ["config"],
    ["config", "show"],
]


def ids(cmds):
    return [" ".join(c) for c in cmds]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("args", ALERT_QUERIES, ids=ids(ALERT_QUERIES))
def test_alert_query(server, home, args, fmt):
    a, b = both(server, ["-o", fmt] + args, home)
    assert a[0] == 0
    assert_same(a, b)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("args", SILENCE_QUERIES, ids=ids(SILENCE_QUERIES))
def test_silence_query(server, home, args, fmt):
    a, b = both(server, args + ["--output=" + fmt], home)
    assert a[0] == 0
    assert_same(a, b)


@pytest.mark.parametrize("args", SILENCE_QUERIES, ids=ids(SILENCE_QUERIES))
def test_silence_query_quiet(server, home, args):
    a, b = both(server, args + ["-q"], home)
    assert_same(a, b)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("args", STATUS_QUERIES, ids=ids(STATUS_QUERIES))
def test_status(server, home, args, fmt):
    a, b = both(server, ["-o" + fmt] + args, home)
    assert a[0] == 0
    if fmt == "extended" and args[0] == "config":
        # amtool prints Go pointers for the config text and the version
        # fields (a bug); alertctl prints the values.
        assert re.fullmatch(r"0xc[0-9a-f]+\n(buildUser|goVersion|revision|"
                            r"version|branch|buildDate) 0xc[0-9a-f]+\n"
                            r"(\w+ 0xc[0-9a-f]+\n){5}uptime \S+\n", a[1])
        assert a[0] == b[0] and a[2] == b[2] == ""
        _, st = server.api("GET", "/status")
        assert b[1].startswith(st["config"]["original"] + "\n")
        for k, v in st["versionInfo"].items():
            assert "\n%s %s\n" % (k, v) in b[1]
        assert b[1].endswith("\nuptime %s\n" % st["uptime"])
        assert a[1].endswith("\nuptime %s\n" % st["uptime"])
        return
    assert_same(a, b)


DATE_FORMATS = [
    "Mon Jan _2 15:04:05.000 -0700 2006",
    "2006-01-02T15:04:05Z07:00",
    "3:04PM",
    "Jan 2, 2006 at 3:04pm (MST)",
    "02/01/06 15h04 .999 Z0700",
    "Monday January 2 002 __2 .000000 ,999",
    "no layout elements",
]


@pytest.mark.parametrize("layout", DATE_FORMATS)
@pytest.mark.parametrize("cmd", [["alert", "-s", "-i", "-a"],
                                 ["silence", "-o", "extended"],
                                 ["silence", "query", "--expired"]],
                         ids=["alerts", "silences", "expired"])
def test_date_format(server, home, cmd, layout):
    a, b = both(server, ["--date.format=" + layout] + cmd, home)
    assert a[0] == 0
    assert_same(a, b)


def test_date_format_from_amtool_yml(server, home):
    os.makedirs(os.path.join(home, ".config", "prometheus"))
    with open(os.path.join(home, ".config", "prometheus", "amtool.yml"),
              "w") as f:
        f.write("date.format: 'Jan 02 15:04'\noutput: extended\n")
    a, b = both(server, ["alert", "-a", "-s", "-i"], home)
    assert a[0] == 0 and "Jan 01 00:00" in a[1]
    assert_same(a, b)


# ------------------------------------------------------------- mutations

def alerts_named(mserver, name):
    _, got = mserver.api("GET", "/alerts?filter=alertname%%3D%s" % name)
    return got


ALERT_ADDS = [
    ["alert", "add", "Added1", "node=n1"],
    ["alert", "add", "alertname=Added2", "severity=info",
     "--annotation=summary=hello world", "--annotation=runbook=http://x"],
    ["alert", "add", "Added3", "--start=2022-05-01T10:00:00+02:00",
     "--end=2099-05-01T10:00:00Z", "--generator-url=http://gen/x?a=<b>"],
    ["alert", "add", "foo=~bar"],
    ["alert", "add", "Added4", "x=1", "x=2"],
]


@pytest.mark.parametrize("args", ALERT_ADDS, ids=ids(ALERT_ADDS))
def test_alert_add(mserver, home, args):
    a = run(AMTOOL, ["--alertmanager.url=" + mserver.url] + args, home)
    name = args[2].split("=")[-1] if "=" in args[2] else args[2]
    if args[2] == "foo=~bar":
        name = "foo=~bar"
    after_amtool = json.dumps(alerts_named(mserver, '"%s"' % name),
                              sort_keys=True)
    b = run(ALERTCTL, ["--alertmanager.url=" + mserver.url] + args, home)
    assert a[0] == 0
    assert_same(a, b)
    got = alerts_named(mserver, '"%s"' % name)
    assert len(got) == 1
    # alertctl re-posted the same alert: labels, annotations, times.
    for field in ("labels", "annotations", "startsAt", "generatorURL"):
        assert json.loads(after_amtool)[0].get(field) == got[0].get(field)


ALERT_ADD_ERRORS = [
    (["alert", "add"], "at least one label pair required"),
    (["alert", "add", "A", "sev=~x"], None),
    (["alert", "add", "A", "--annotation=x!=y"], None),
    (["alert", "add", "A", "--start=yesterday"], None),
    (["alert", "add", "A", "--end=2020-13-01T00:00:00Z"], None),
    (["alert", "add", "A", "--start=2020-01-01T00:00:00"], None),
    (["alert", "add", "A", "b=\"unterminated"], None),
]


@pytest.mark.parametrize("args,server_msg", ALERT_ADD_ERRORS,
                         ids=[" ".join(c[0]) for c in ALERT_ADD_ERRORS])
def test_alert_add_errors(mserver, home, args, server_msg):
    a, b = both(mserver, args, home)
    assert a[0] == 1
    if server_msg is None:
        assert_same(a, b)
    else:
        assert_same(a, b, stderr=False)
        assert server_msg in b[2] and "POST /api/v2/alerts: 400" in b[2]


SILENCE_ADDS = [
    ["silence", "add", "Foo", "-c", "why"],
    ["silence", "add", "alertname=Foo", "instance=~\"db.*\"", "-c", "x",
     "-a", "someone", "-d", "2h30m"],
    ["silence", "add", "job!=x", "env!~dev|test", "--comment=c",
     "--author=me", "--duration=1d"],
    ["silence", "add", "Foo", "-c", "x", "--start=2030-01-01T00:00:00Z",
     "--end=2030-01-02T00:00:00+01:00"],
    ["silence", "add", "Foo", "-c", "x", "--end=2031-01-01T00:00:00Z"],
    ["silence", "add", "foo=~(", "-c", "x"],
    ["silence", "add", "Foo", "--no-require-comment"],
    ["silence", "add", "--require-comment", "Foo", "-c", "x"],
]


@pytest.mark.parametrize("args", SILENCE_ADDS, ids=ids(SILENCE_ADDS))
def test_silence_add(mserver, home, args):
    a, b = both(mserver, args, home)
    assert a[0] == 0 and re.fullmatch(r"[0-9a-f-]{36}\n", a[1])
    assert_same(a, b, norm=norm_ids)
    _, sa = mserver.api("GET", "/silence/" + a[1].strip())
    _, sb = mserver.api("GET", "/silence/" + b[1].strip())
    for k in ("matchers", "createdBy", "comment"):
        assert sa[k] == sb[k]
    if "--end=2031-01-01T00:00:00Z" in args or "--start" in " ".join(args):
        assert sa["endsAt"] == sb["endsAt"]


def test_silence_add_author_from_config(mserver, home):
    os.makedirs(os.path.join(home, ".config", "prometheus"))
    with open(os.path.join(home, ".config", "prometheus", "amtool.yml"),
              "w") as f:
        f.write("author: from-config\ncomment_required: false\n")
    a, b = both(mserver, ["silence", "add", "CfgAuthor"], home)
    assert a[0] == 0
    assert_same(a, b, norm=norm_ids)
    for out in (a[1], b[1]):
        _, s = mserver.api("GET", "/silence/" + out.strip())
        assert s["createdBy"] == "from-config"


SILENCE_ADD_ERRORS = [
    ["silence", "add"],
    ["silence", "add", "-c", "x"],
    ["silence", "add", "Foo"],
    ["silence", "add", "Foo", "-c", "x", "-d", "0s"],
    ["silence", "add", "Foo", "-c", "x", "-d", "1x"],
    ["silence", "add", "Foo", "-c", "x", "-d", ""],
    ["silence", "add", "Foo", "-c", "x", "--start=2030-01-01T00:00:00Z",
     "--end=2029-01-01T00:00:00Z"],
    ["silence", "add", "Foo", "-c", "x", "--start=soon"],
    ["silence", "add", "Foo", "-c", "x", "--end=2030-02-30T00:00:00Z"],
    ["silence", "add", "Foo", "-c", "x", "--end=2030-01-01T25:00:00Z"],
    ["silence", "add", "Foo", "-c", "x", "--end=2030-01-01T00:00:00Zjunk"],
    ["silence", "add", "a=\"b", "-c", "x"],
    # A bool flag takes no value: "false" becomes a matcher argument.
    ["silence", "add", "Foo", "-c", "x", "--require-comment=false"],
]


@pytest.mark.parametrize("args", SILENCE_ADD_ERRORS,
                         ids=ids(SILENCE_ADD_ERRORS))
def test_silence_add_errors(mserver, home, args):
    a, b = both(mserver, args, home)
    assert a[0] == 1
    assert_same(a, b)


def test_silence_add_server_rejects(mserver, home):
    # Accepted by amtool, refused by the mserver (matches everything).
    a, b = both(mserver, ["silence", "add", "foo=", "-c", "x"], home)
    assert a[0] == 1
    assert_same(a, b, stderr=False)
    assert "POST /api/v2/silences: 400" in b[2]
    assert "at least one matcher must not match the empty string" in b[2]


def new_silence(mserver, name, ends_in=3600, starts_in=-60):
    import time as _t
    from test_cli_common import rfc3339
    now = _t.time()
    st, body = mserver.api("POST", "/silences", {
        "matchers": [{"name": "alertname", "value": name,
                      "isRegex": False, "isEqual": True}],
        "createdBy": "tester", "comment": "to change",
        "startsAt": rfc3339(now + starts_in),
        "endsAt": rfc3339(now + ends_in)})
    assert st == 200, body
    return body["silenceID"]


def test_silence_expire(mserver, home):
    s1, s2 = new_silence(mserver, "Exp"), new_silence(mserver, "Exp")
    url = "--alertmanager.url=" + mserver.url
    a = run(AMTOOL, [url, "silence", "expire", s1], home)
    b = run(ALERTCTL, [url, "silence", "expire", s2], home)
    assert a == b == (0, "", "")
    for sid in (s1, s2):
        _, s = mserver.api("GET", "/silence/" + sid)
        assert s["status"]["state"] == "expired"


def test_silence_expire_several(mserver, home):
    url = "--alertmanager.url=" + mserver.url
    ids_a = [new_silence(mserver, "ExpN") for _ in range(3)]
    ids_b = [new_silence(mserver, "ExpN") for _ in range(3)]
    a = run(AMTOOL, [url, "silence", "expire"] + ids_a, home)
    b = run(ALERTCTL, [url, "silence", "expire"] + ids_b, home)
    assert a == b == (0, "", "")
    _, left = mserver.api("GET", "/silences?filter=alertname%3DExpN")
    assert all(s["status"]["state"] == "expired" for s in left)


def test_silence_expire_errors(mserver, home):
    a, b = both(mserver, ["silence", "expire"], home)
    assert_same(a, b)
    assert "no silence IDs specified" in b[2]
    a, b = both(mserver, ["silence", "expire",
                         "00000000-0000-0000-0000-000000000000"], home)
    assert a[0] == b[0] == 1
    assert "DELETE /api/v2/silence/00000000-0000-0000-0000-000000000000" \
        in b[2]
    a, b = both(mserver, ["silence", "expire", "not-a-uuid"], home)
    assert a[0] == b[0] == 1 and "/api/v2/silence/not-a-uuid: 422" in b[2]


SILENCE_UPDATES = [
    ["-c", "new comment"],
    ["-d", "3h"],
    ["--end=2099-01-01T00:00:00Z"],
    ["--start=2098-01-01T00:00:00+02:00", "--end=2099-01-01T00:00:00-05:00"],
    ["--duration=1d", "--comment=both"],
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("args", SILENCE_UPDATES, ids=ids(SILENCE_UPDATES))
def test_silence_update(mserver, home, args, fmt):
    s1, s2 = new_silence(mserver, "Upd"), new_silence(mserver, "Upd")
    url = "--alertmanager.url=" + mserver.url
    a = run(AMTOOL, [url, "-o", fmt, "silence", "update", s1] + args, home)
    b = run(ALERTCTL, [url, "-o", fmt, "silence", "update", s2] + args,
            home)
    assert a[0] == 0
    # The rows carry each silence's own ID, creation and update times.
    assert_same(a, b, norm=lambda s: norm_times(norm_ids(s)))
    # The mserver may have replaced the silence: follow the printed ID.
    _, ga = mserver.api("GET", "/silence/" + UUID_RE.search(a[1]).group(0))
    _, gb = mserver.api("GET", "/silence/" + UUID_RE.search(b[1]).group(0))
    assert ga["comment"] == gb["comment"]
    if "-d" not in args and "--duration=1d" not in args:
        assert ga["endsAt"] == gb["endsAt"]


def test_silence_update_quiet(mserver, home):
    s1, s2 = new_silence(mserver, "UpdQ"), new_silence(mserver, "UpdQ")
    url = "--alertmanager.url=" + mserver.url
    a = run(AMTOOL, [url, "silence", "update", "-q", "-c", "q", s1], home)
    b = run(ALERTCTL, [url, "silence", "update", "-q", "-c", "q", s2], home)
    assert a[0] == b[0] == 0
    # amtool 0.25 prints a Go pointer; alertctl the silence's ID.
    assert re.fullmatch(r"0xc[0-9a-f]+\n", a[1])
    assert b[1] == s2 + "\n"


SILENCE_UPDATE_ERRORS = [
    ["silence", "update"],
    ["silence", "update", "X", "-d", "1h"],
    ["silence", "update", "-d", "0", "SID"],
    ["silence", "update", "-d", "bad", "SID"],
    ["silence", "update", "--start=2099-06-01T00:00:00Z", "SID"],
    ["silence", "update", "--end=bad", "SID"],
]


@pytest.mark.parametrize("args", SILENCE_UPDATE_ERRORS,
                         ids=ids(SILENCE_UPDATE_ERRORS))
def test_silence_update_errors(mserver, home, args):
    sid = new_silence(mserver, "UpdErr")
    args = [sid if x == "SID" else x for x in args]
    a, b = both(mserver, args, home)
    assert a[0] == 1
    if "X" in args:
        assert_same(a, b, stderr=False)
        assert "GET /api/v2/silence/X: 422" in b[2]
    else:
        assert_same(a, b)


def export_json(mserver, home, name):
    rc, out, err = run(AMTOOL, ["--alertmanager.url=" + mserver.url,
                                "silence", "query", "-o", "json", name],
                       home)
    assert rc == 0, err
    return out


@pytest.mark.parametrize("flags,name", [([], "ImpA"), (["--force"], "ImpB"),
                                        (["-f"], "ImpC")],
                         ids=["plain", "force", "force-short"])
def test_silence_import(mserver, home, flags, name):
    for i in range(3):
        new_silence(mserver, name, ends_in=3600 + i)
    data = export_json(mserver, home, name)
    path = os.path.join(home, "in.json")
    with open(path, "w") as f:
        f.write(data)
    url = "--alertmanager.url=" + mserver.url
    # --worker=1: amtool then imports in input order, like alertctl.
    a = run(AMTOOL, [url, "silence", "import", "--worker=1", path] + flags,
            home)
    b = run(ALERTCTL, [url, "silence", "import", "--worker=1", path] + flags,
            home)
    assert a[0] == 0 and len(a[1].split()) == 3
    assert_same(a, b, norm=norm_ids)
    if not flags:
        # Known IDs update the silences in place (same IDs back).
        assert sorted(a[1].split()) == sorted(b[1].split())


def test_silence_import_stdin_and_unknown_ids(mserver, home):
    data = json.loads(export_json(mserver, home, "Silenced"))
    for s in data:
        s["id"] = "11111111-2222-3333-4444-555555555555"
    text = json.dumps(data).encode()
    a, b = both(mserver, ["silence", "import"], home, stdin=text)
    assert a[0] == 0 and len(a[1].split()) == len(data)
    assert_same(a, b, norm=norm_ids)


IMPORT_ERRORS = [b"", b"not json", b"{\"a\": 1}", b"[1, 2]", b"[{\"matchers\":"
                 b" [], \"startsAt\": \"x\"}]"]


@pytest.mark.parametrize("data", IMPORT_ERRORS,
                         ids=["empty", "text", "object", "numbers", "time"])
def test_silence_import_errors(mserver, home, data):
    a, b = both(mserver, ["silence", "import"], home, stdin=data)
    assert a[0] == b[0] == 1
    assert b[2].startswith("alertctl: error: couldn't unmarshal input data"
                           ", is it JSON?")
    assert a[2].startswith("amtool: error: couldn't unmarshal input data"
                           ", is it JSON?")


def test_silence_import_partial_failure(mserver, home):
    good = json.loads(export_json(mserver, home, "Silenced"))[0]
    bad = dict(good, id="", matchers=[{"name": "a", "value": "",
                                       "isRegex": False, "isEqual": True}])
    text = json.dumps([dict(good, id=""), bad]).encode()
    a, b = both(mserver, ["silence", "import", "--worker=1"], home,
                stdin=text)
    assert norm_ids(a[1]) == norm_ids(b[1]) == "<ID>\n"
    assert "Error adding silence id=''" in a[2]
    assert "Error adding silence id=''" in b[2]
    # amtool reads its error counter without waiting for the goroutine
    # that counts: its exit status here is 0 or 1 at random.
    assert a[0] in (0, 1)
    if a[0] == 1:
        assert a[2].endswith("couldn't import 1 out of 2 silences\n\n")
    assert b[0] == 1
    assert b[2].endswith("couldn't import 1 out of 2 silences\n\n")


# --------------------------------------------------- command-line parsing

PARSE_CASES = [
    ["--foo"], ["-x"], ["alert", "--bar"], ["-o", "xml", "alert"],
    ["--output"], ["-o"], ["--timeout=abc", "alert"],
    ["--timeout=1", "alert"], ["--timeout=5x", "alert"],
    ["--no-output", "alert"], ["bogus"], ["template"], ["config", "routes",
                                                         "bogus"],
    ["silence", "--output"], ["silence", "--output", "--expired"],
    ["cluster", "-o", "json", "--output", "simple"], ["silence", "-q",
                                                      "--foo"],
    ["cluster", "show", "extra"], ["template", "render",
                                   "--template.glob=x"],
    ["check-config", "/nonexistent"], ["--http.config.file=/nonexistent",
                                       "alert"],
    ["--http.config.file=/tmp", "alert"], ["silence", "import",
                                           "/nonexistent"],
    ["silence", "import", "--worker=x"], ["--alertmanager.url=::", "alert"],
    ["--alertmanager.url=http://[::1", "alert"],
    ["--alertmanager.url=::", "check-config", "/nonexistent"],
    ["--version-check=x", "alert"], ["alert", "-q"], ["silence", "add",
                                                      "-z"],
    ["--date.format"], ["-", "alert"], ["alert", "query", "-a=x"],
    ["--no-version-check=false", "alert"], ["@/nonexistent"],
    ["alert", "--inhibited=maybe"], ["-o=json", "cluster"],
    ["-vojson", "cluster"],
]


@pytest.mark.parametrize("args", PARSE_CASES, ids=ids(PARSE_CASES))
def test_parse(server, home, args):
    a, b = both(server, args, home)
    stderr = "-vojson" not in args  # -v: alertctl logs its requests
    assert_same(a, b, stderr=stderr)


def test_parse_dash_dash(server, home):
    a, b = both(server, ["silence", "expire", "--", "--not-a-flag"], home)
    assert a[0] == b[0] == 1
    assert "DELETE /api/v2/silence/--not-a-flag: 422" in b[2]


def test_help_flag_false(server, home):
    # --no-help still asks for help (kingpin only looks at the element).
    a, b = both(server, ["--no-help", "silence"], home)
    assert a[0] == b[0] == 0
    assert a[1].startswith("usage: amtool silence <command>")
    assert b[1].startswith("usage: alertctl silence <command>")


def test_parse_required_flags(server, home):
    # kingpin reports either missing flag (Go map order); both are fine.
    a, b = both(server, ["template", "render"], home)
    assert a[0] == b[0] == 1 and a[1] == b[1] == ""
    msgs = {"amtool: error: required flag --template.%s not provided\n\n" % f
            for f in ("glob", "text")}
    assert a[2] in msgs and prog_norm(b[2]) in msgs


def test_args_from_file(server, home):
    path = os.path.join(home, "args")
    with open(path, "w") as f:
        f.write("# comment\n-o\njson\ncluster\n")
    a, b = both(server, ["@" + path], home)
    assert a[0] == 0
    assert_same(a, b)


def test_no_command(server, home):
    a, b = both(server, [], home)
    assert a[0] == b[0] == 0
    assert a[1].startswith("usage: amtool [<flags>] <command>")
    assert b[1].startswith("usage: alertctl [<flags>] <command>")


def test_amtool_yml_bad_values(server, home):
    os.makedirs(os.path.join(home, ".config", "prometheus"))
    cfg = os.path.join(home, ".config", "prometheus", "amtool.yml")
    for text in ("output: xml\n", "timeout: forever\n", "- a\n- b\n",
                 "output: [a]\n", "alertmanager.url: '::'\n"):
        with open(cfg, "w") as f:
            f.write(text)
        a, b = run(AMTOOL, ["alert"], home), run(ALERTCTL, ["alert"], home)
        assert a[0] == b[0] == 1, text
        if text.startswith(("-", "output: [")):
            assert b[2].startswith("alertctl: error: could not load config "
                                   "file: yaml: unmarshal errors:")
        else:
            assert_same(a, b)


# ------------------------------------------------------- amtool vs fserver
# The real amtool against each fserver: what it does must take effect.

def amtool(fserver, home, *args, stdin=None):
    return run(AMTOOL, ["--alertmanager.url=" + fserver.url] + list(args),
               home, stdin)


def wait_alerts(fserver, home, *query):
    """Newly added alerts are "unprocessed" until the dispatcher sees them."""
    deadline = __import__("time").time() + 10
    while True:
        rc, out, _ = amtool(fserver, home, "alert", "query", *query)
        assert rc == 0
        if len(out.splitlines()) > 1 or __import__("time").time() > deadline:
            return out.splitlines()
        __import__("time").sleep(0.1)


def test_amtool_alert_roundtrip(fserver, home):
    rc, out, err = amtool(fserver, home, "alert", "add", "Roundtrip",
                          "team=rt", "--annotation=summary=round trip")
    assert (rc, out, err) == (0, "", "")
    lines = wait_alerts(fserver, home, "Roundtrip")
    assert lines[0].split() == ["Alertname", "Starts", "At", "Summary",
                                "State"]
    assert lines[1].startswith("Roundtrip ") and "round trip" in lines[1]
    rc, out, _ = amtool(fserver, home, "-o", "json", "alert", "query",
                        "team=rt")
    got = json.loads(out)
    assert [a["labels"] for a in got] == [{"alertname": "Roundtrip",
                                           "team": "rt"}]
    assert got[0]["status"]["state"] in ("active", "unprocessed")


def test_amtool_silence_roundtrip(fserver, home):
    rc, out, _ = amtool(fserver, home, "silence", "add", "RtSil", "x=~a|b",
                        "-c", "rt", "-a", "me", "-d", "90m")
    assert rc == 0
    sid = out.strip()
    rc, out, _ = amtool(fserver, home, "silence", "query", "-q", "RtSil")
    assert out.split() == [sid]
    rc, out, _ = amtool(fserver, home, "-o", "extended", "silence", "query",
                        "RtSil")
    assert sid in out and '{alertname="RtSil",x=~"a|b"}' in out
    rc, out, _ = amtool(fserver, home, "silence", "update", "-c", "changed",
                        sid)
    assert rc == 0 and "changed" in out
    rc, out, _ = amtool(fserver, home, "silence", "expire", sid)
    assert rc == 0
    rc, out, _ = amtool(fserver, home, "silence", "query", "-q", "RtSil")
    assert out == ""
    rc, out, _ = amtool(fserver, home, "silence", "query", "-q", "--expired",
                        "RtSil")
    assert out.split() == [sid]


def test_amtool_silence_suppresses(fserver, home):
    amtool(fserver, home, "alert", "add", "SupMe", "k=v")
    rc, out, _ = amtool(fserver, home, "silence", "add", "SupMe", "-c", "s")
    assert rc == 0
    sid = out.strip()
    deadline = __import__("time").time() + 10
    while __import__("time").time() < deadline:
        _, out, _ = amtool(fserver, home, "-o", "json", "alert", "query",
                           "-s", "SupMe")
        got = json.loads(out)
        if got and got[0]["status"]["silencedBy"] == [sid]:
            break
    assert got[0]["status"]["state"] == "suppressed"
    assert got[0]["status"]["silencedBy"] == [sid]


def test_amtool_import(fserver, home):
    amtool(fserver, home, "silence", "add", "ImpRt", "-c", "i")
    rc, data, _ = amtool(fserver, home, "-o", "json", "silence", "query",
                         "ImpRt")
    rc, out, err = amtool(fserver, home, "silence", "import", "-f",
                          stdin=data.encode())
    assert rc == 0, err
    rc, out2, _ = amtool(fserver, home, "silence", "query", "-q", "ImpRt")
    assert len(out2.split()) == 2 and out.strip() in out2.split()


def test_amtool_status(fserver, home):
    rc, out, _ = amtool(fserver, home, "config", "show")
    assert rc == 0 and "receiver: default" in out and "inhibit_rules" in out
    rc, out, _ = amtool(fserver, home, "cluster", "show")
    assert rc == 0 and out.startswith("Cluster Status:  ")
    rc, out, _ = amtool(fserver, home, "-o", "json", "config", "show")
    st = json.loads(out)
    assert set(st) == {"cluster", "config", "uptime", "versionInfo"}


def test_amtool_queries(fserver, home):
    rc, out, _ = amtool(fserver, home, "alert", "-i")
    assert rc == 0 and "\nB " in out
    rc, out, _ = amtool(fserver, home, "alert", "-s")
    assert rc == 0 and "\nSilenced " in out
    rc, out, _ = amtool(fserver, home, "alert", "-r", "pager")
    assert [l.split()[0] for l in out.splitlines()[1:]] == ["A"]
    rc, out, _ = amtool(fserver, home, "silence", "--expired", "-q", "Old")
    assert len(out.split()) == 1


# ----------------------------------------------------------- check-config
# Offline; the command is the config loader's (cmd_check_config.c).  For
# valid files the report must be amtool's byte for byte; for invalid ones
# every line amtool prints must be there, in order (the FAILED line with
# amtool's message), and alertctl adds every error with its place.

CHECK_FILES = {
    "valid.yml": "route:\n  receiver: r\nreceivers:\n  - name: r\n",
    "templates.yml": "route:\n  receiver: r\nreceivers:\n  - name: r\n"
                     "templates: ['/nonexistent/*.tmpl']\n",
    "inhibit.yml": "route:\n  receiver: r\nreceivers:\n  - name: r\n"
                   "inhibit_rules:\n  - source_matchers: [a=b]\n"
                   "    target_matchers: [c=d]\n",
    "undefined.yml": "route:\n  receiver: nope\nreceivers:\n  - name: r\n",
    "syntax.yml": "route: [\n",
}


@pytest.mark.parametrize("names", [["valid.yml"], ["templates.yml"],
                                   ["inhibit.yml"], ["valid.yml",
                                                     "inhibit.yml"],
                                   ["undefined.yml"], ["syntax.yml"],
                                   ["valid.yml", "undefined.yml"]],
                         ids=lambda n: "+".join(n))
def test_check_config(home, names):
    paths = []
    for n in names:
        paths.append(os.path.join(home, n))
        with open(paths[-1], "w") as f:
            f.write(CHECK_FILES[n])
    a = run(AMTOOL, ["check-config"] + paths, home)
    b = run(ALERTCTL, ["check-config"] + paths, home)
    assert a[0] == b[0]
    if a[0] == 0:
        assert b[1] == a[1]
    else:
        ours = iter(b[1].splitlines())
        for line in a[1].splitlines():
            assert any(line == o for o in ours), \
                "amtool's line %r missing from:\n%s" % (line, b[1])
        assert b[2].replace("alertctl:", "amtool:") == a[2]


def test_check_config_test_data(home):
    a = run(AMTOOL, ["check-config", os.path.join(
        os.path.dirname(__file__), "..", "data", "cli", "alertmanager.yml")],
        home)
    b = run(ALERTCTL, ["check-config", os.path.join(
        os.path.dirname(__file__), "..", "data", "cli", "alertmanager.yml")],
        home)
    assert a == b and a[0] == 0


# kingpin's hidden --completion-bash: what a kingpin-generated completion
# script asks for.  alertctl offers its own additions too (the
# `completion` command, silence add's --preview and template render's
# --template.defaults).
COMPLETIONS = ["", "silence", "silence add --", "--output e",
               "--output json", "alert q", "config", "config routes",
               "silence query --expired", "alert --receiver", "-o json sil",
               "template render --template.type h", "template render --"]


@pytest.mark.parametrize("words", COMPLETIONS)
def test_completion_bash_flag(home, words):
    a = run(AMTOOL, ["--completion-bash"] + words.split(), home)
    b = run(ALERTCTL, ["--completion-bash"] + words.split(), home)
    extra = {"completion", "--preview", "--template.defaults"}
    assert b[0] == a[0]
    assert prog_norm(b[2]) == a[2]
    assert [w for w in b[1].split("\n") if w not in extra] == \
        a[1].split("\n")


# ------------------------------------------------------------- a cluster
# Three Alertmanagers gossiping on loopback: cluster show with peers (the
# extended table sorts them by address).  Alertmanager only: alertd has
# no gossip (high availability comes later, on etcd).

@pytest.fixture(scope="module")
def cluster():
    from test_cli_common import free_port
    ports = [free_port() for _ in range(3)]
    peers = ["--cluster.peer=127.0.0.1:%d" % p for p in ports]
    nodes = []
    try:
        for p in ports:
            nodes.append(Server("alertmanager", cluster="127.0.0.1:%d" % p,
                                extra_args=peers))
        for n in nodes:
            assert n.wait()
        deadline = __import__("time").time() + 30
        while __import__("time").time() < deadline:
            st = [n.api("GET", "/status")[1]["cluster"] for n in nodes]
            if all(len(c["peers"]) == 3 and c["status"] == "ready"
                   for c in st):
                break
            __import__("time").sleep(0.2)
        yield nodes[1]
    finally:
        for n in nodes:
            n.stop()


@pytest.mark.parametrize("fmt", FORMATS)
def test_cluster_peers(cluster, home, fmt):
    a, b = both(cluster, ["-o", fmt, "cluster", "show"], home)
    assert a[0] == 0
    if fmt == "extended":
        assert len(a[1].splitlines()) == 7  # status, name, blank, 1+3
    assert_same(a, b)


# The real amtool builds its routing tree from the server's running
# configuration (GET /api/v2/status: config.original).  The expected trees
# are those amtool 0.25 prints for tests/data/cli/alertmanager.yml against
# Alertmanager 0.25 (match_re shows its anchored form there: a 0.25 quirk).
ROUTES_SHOW = """Routing tree:
.
\u2514\u2500\u2500 default-route  receiver: default
    \u251c\u2500\u2500 {team="db"}  continue: true  receiver: db
    \u251c\u2500\u2500 {severity="critical"}  receiver: pager
    \u2514\u2500\u2500 {service=~"^(?:^(api|web)$)$"}  receiver: web
        \u2514\u2500\u2500 {env="prod"}  receiver: web-prod

"""

ROUTES_TREE = """Matching routes:
.
\u2514\u2500\u2500 default-route
    \u2514\u2500\u2500 {service=~"^(?:^(api|web)$)$"}
        \u2514\u2500\u2500 {env="prod"}  receiver: web-prod


web-prod
"""


def test_amtool_config_routes(fserver, home):
    assert amtool(fserver, home, "config", "routes") == (0, ROUTES_SHOW, "")
    assert amtool(fserver, home, "config", "routes", "test", "team=db",
                  "severity=critical") == (0, "db,pager\n", "")
    assert amtool(fserver, home, "config", "routes", "test", "--tree",
                  "service=web", "env=prod") == (0, ROUTES_TREE, "")
    rc, out, _ = amtool(fserver, home, "config", "routes", "test",
                        "--verify.receivers=db", "foo=bar")
    assert (rc, out) == (1, "default\nWARNING: Expected receivers did not "
                         "match resolved receivers.\n")


# -------------------------------------------------------- template render
# Offline: amtool and alertctl render the same command lines in the same
# directory (relative globs), compared byte for byte on stdout, stderr
# and exit status.  The template files are written below; the data files
# are the template corpus's (tests/data/templates/data), recorded from
# Alertmanager 0.25's template.Data.

TMPL_DATA = os.path.join(os.path.dirname(__file__), "..", "data",
                         "templates", "data")
AM_TEMPLATES = "/usr/share/gocode/src/github.com/prometheus/alertmanager/" \
    "template"

RENDER_FILES = {
    "t/a.tmpl": '{{ define "a" }}A[{{ .Receiver }}]{{ end }}'
                '{{ define "list" }}{{ range $i, $a := .Alerts }}{{ $i }}:'
                '{{ $a.Labels.alertname }}/{{ $a.Status }} {{ end }}'
                '{{ end }}top-level a',
    "t/b.tmpl": '{{ define "b" }}B{{ template "a" . }}{{ end }}',
    "t/.hidden.tmpl": '{{ define "hidden" }}hidden{{ end }}',
    "t/empty.tmpl": "",
    "t/page.html": '{{ define "page" }}<a href="{{ .ExternalURL }}/#/'
                   'alerts?receiver={{ .Receiver }}" title="{{ .Status }}">'
                   '{{ range .Alerts }}<li onclick="f({{ .Labels.alertname'
                   ' }})">{{ .Annotations.description }} <a href="'
                   '{{ .GeneratorURL }}">src</a></li>{{ end }}</a><script>'
                   'var r = {{ .Receiver }};</script>{{ end }}',
    "o/override.tmpl": '{{ define "a" }}A2{{ end }}',
    "o/subject.tmpl": '{{ define "__subject" }}mine: {{ .Status }}'
                      '{{ end }}',
    "bad/unclosed.tmpl": '{{ define "x" }}never closed',
    "bad/undefined.tmpl": '{{ define "y" }}{{ template "nowhere" . }}'
                          '{{ end }}',
    "s/sub1/x.tmpl": '{{ define "x" }}X1{{ end }}',
    "s/sub2/x.tmpl": '{{ define "x" }}X2{{ end }}',
    "s/sub!/x.tmpl": '{{ define "x" }}X!{{ end }}',
    "w/ok.tmpl": '{{ define "ok" }}ok{{ end }}',
    "w/dir.tmpl/keep": "",
    "x/a[1].tmpl": '{{ define "brackets" }}[1]{{ end }}',
    "data/bad.json": "{bad",
    "data/truncated.json": '{"receiver": "x", "alerts": [',
    "data/number.json": '{"receiver": 1}',
    "data/time.json": '{"alerts": [{"startsAt": "yesterday"}]}',
    "data/literal.json": '{"receiver": nul}',
    "data/trailing.json": '{"receiver": "r"} {}',
    "data/empty.json": "",
    "data/array.json": "[]",
    "data/keys.json": '{"RECEIVER": "upper", "Status": "mixed", '
                      '"unknown": {"x": [1, 2.5e3, true]}}',
}
# Bytes Go decodes as U+FFFD: invalid UTF-8 and unpaired surrogates.
RENDER_BYTES = {
    "data/utf8.json": b'{"receiver": "r\xff\xfe", "status": "\\ud800x '
                      b'\\ud83d\\ude00 \\udc00"}',
}

T = "--template.text="
G = "--template.glob="
D = "--template.data="

RENDER_CASES = {
    # globs: several files, order, Go's syntax, dot files, no match
    "several": [G + "t/*.tmpl", T + '{{ template "b" . }}'],
    "file-name": [G + "t/*.tmpl", T + '{{ template "a.tmpl" . }}|'
                  '{{ template "empty.tmpl" . }}|'],
    "repeated-globs": [G + "t/a.tmpl", G + "t/b.tmpl", G + "o/*.tmpl",
                       T + '{{ template "b" . }}'],
    "later-glob-wins": [G + "o/*.tmpl", G + "t/a.tmpl",
                        T + '{{ template "a" . }}'],
    "dot-files": [G + "t/*", T + '{{ template "hidden" }}'],
    "class-caret": [G + "s/sub[^1]/x.tmpl", T + '{{ template "x" }}'],
    "class-bang": [G + "s/sub[!1]/x.tmpl", T + '{{ template "x" }}'],
    "question": [G + "s/sub?/x.tmpl", T + '{{ template "x" }}'],
    "star-dir": [G + "s/*/x.tmpl", T + '{{ template "x" }}'],
    "escaped": [G + "x/a\\[1].tmpl", T + '{{ template "brackets" }}'],
    "dot-slash": [G + "./t/./a.tmpl", T + '{{ template "a" . }}'],
    "dotdot-after-meta": [G + "t/*/../a.tmpl", T + "no match"],
    "no-match": [G + "nothing/*.tmpl", T + "plain {{ .Status }}"],
    "empty-glob": [G + "", T + "x"],
    "bad-pattern": [G + "[", T + "x"],
    "bad-pattern-late": [G + "t/a*[", T + "x"],
    "bad-pattern-unreached": [G + "t/z*[", T + "unreached"],
    "parse-error": [G + "bad/unclosed.tmpl", T + "x"],
    "undefined-in-file": [G + "bad/undefined.tmpl", T + '{{ template "y" . }}'],
    "directory": [G + "w/*", T + '{{ template "ok" }}'],
    "directory-literal": [G + "w", T + "x"],
    # execution, the sample data, output as is
    "sample": [G + "t/a.tmpl", T + '{{ template "list" . }}{{ range .Alerts }}'
               '{{ .Labels.SortedPairs }} {{ .Annotations.Values }} '
               '{{ .Fingerprint }} {{ .GeneratorURL }}{{ end }} '
               '{{ .GroupLabels }} {{ .CommonLabels.Names }} '
               '{{ .CommonAnnotations }} {{ .ExternalURL }}'],
    "sample-type": [G + "t/a.tmpl", T + '{{ printf "%T %T" . .Alerts }}'],
    "newline-kept": [G + "t/a.tmpl", T + "line\n\n"],
    "no-newline": [G + "t/a.tmpl", T + "caf\u00e9 \u2713"],
    "empty-text": [G + "t/a.tmpl", T],
    "exec-error": [G + "t/a.tmpl", T + "before {{ .Nope }}"],
    "undefined": [G + "t/a.tmpl", T + '{{ template "nope" . }}'],
    "text-parse-error": [G + "t/a.tmpl", T + "{{ if }}"],
    "unclosed-action": [G + "t/a.tmpl", T + "{{"],
    # data files
    "firing": [G + "t/a.tmpl", D + os.path.join(TMPL_DATA, "firing.json"),
               T + '{{ template "list" . }}{{ range .Alerts.Firing }}'
               '{{ .StartsAt }} {{ .EndsAt }} {{ .StartsAt.Unix }}'
               '{{ end }}'],
    "resolved": [G + "t/a.tmpl", D + os.path.join(TMPL_DATA,
                                                  "resolved.json"),
                 T + '{{ .Status }} {{ len .Alerts.Resolved }} '
                 '{{ .CommonLabels.Remove (stringSlice "alertname") }}'],
    "special": [G + "t/a.tmpl", D + os.path.join(TMPL_DATA, "special.json"),
                T + '{{ .Receiver }} {{ range .Alerts }}{{ .Labels }}'
                '{{ end }}'],
    "keys-any-case": [G + "t/a.tmpl", D + "data/keys.json",
                      T + "{{ .Receiver }} {{ .Status }}"],
    "invalid-utf8": [G + "t/a.tmpl", D + "data/utf8.json",
                     T + '{{ printf "%q %q" .Receiver .Status }}'],
    "data-missing": [G + "t/a.tmpl", D + "data/none.json", T + "x"],
    "data-directory": [G + "t/a.tmpl", D + "data", T + "x"],
    "data-syntax": [G + "t/a.tmpl", D + "data/bad.json", T + "x"],
    "data-truncated": [G + "t/a.tmpl", D + "data/truncated.json", T + "x"],
    "data-literal": [G + "t/a.tmpl", D + "data/literal.json", T + "x"],
    "data-trailing": [G + "t/a.tmpl", D + "data/trailing.json", T + "x"],
    "data-empty": [G + "t/a.tmpl", D + "data/empty.json", T + "x"],
    "data-array": [G + "t/a.tmpl", D + "data/array.json", T + "x"],
    "data-number": [G + "t/a.tmpl", D + "data/number.json", T + "x"],
    "data-time": [G + "t/a.tmpl", D + "data/time.json", T + "x"],
    "glob-error-before-data": [G + "[", D + "data/bad.json", T + "x"],
    # html/template
    "html": [G + "t/*.html", "--template.type=html",
             D + os.path.join(TMPL_DATA, "special.json"),
             T + '{{ template "page" . }}'],
    "html-sample": [G + "t/*.html", "--template.type=html",
                    T + '<p title="{{ .Receiver }}">{{ template "page" . }}'
                    '</p>'],
    "html-inline": [G + "t/a.tmpl", "--template.type=html",
                    D + os.path.join(TMPL_DATA, "special.json"),
                    T + '<b>{{ .Receiver }}</b><a href="{{ (index .Alerts 0)'
                    '.GeneratorURL }}">{{ (index .Alerts 0).Annotations.'
                    'description | safeHtml }}</a>'],
    "html-undefined": [G + "t/a.tmpl", "--template.type=html",
                       T + '{{ template "nope" . }}'],
    "html-exec-error": [G + "t/a.tmpl", "--template.type=html",
                        T + "<p>{{ .Nope }}</p>"],
    "type-text": [G + "t/a.tmpl", "--template.type=text", T + "<{{ .Status }}>"],
    # flags
    "no-glob": [T + "x"],
    "no-text": [G + "t/a.tmpl"],
    "bad-type": [G + "t/a.tmpl", "--template.type=xml", T + "x"],
}


def run_bytes(binary, args, cwd):
    p = subprocess.run([binary] + list(args), capture_output=True,
                       cwd=cwd, env=tool_env(cwd), timeout=30)
    return p.returncode, p.stdout, p.stderr


@pytest.fixture(scope="module")
def render_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("render")
    files = {k: v.encode() for k, v in RENDER_FILES.items()}
    files.update(RENDER_BYTES)
    for name, data in files.items():
        path = d / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return str(d)


@pytest.mark.parametrize("name", sorted(RENDER_CASES))
def test_template_render(render_dir, name):
    args = ["template", "render"] + RENDER_CASES[name]
    a = run_bytes(AMTOOL, args, render_dir)
    b = run_bytes(ALERTCTL, args, render_dir)
    assert b[0] == a[0], "exit: amtool %d (%r), alertctl %d (%r)" % (
        a[0], a[2], b[0], b[2])
    assert b[1] == a[1]
    assert b[2].replace(b"alertctl: ", b"amtool: ", 1) == a[2]


def test_template_render_outcomes(render_dir):
    """The corpus above covers both outcomes and Go's kinds of error."""
    codes = {}
    for name, args in RENDER_CASES.items():
        rc, out, err = run_bytes(AMTOOL, ["template", "render"] + args,
                                 render_dir)
        codes.setdefault(rc, []).append(name)
        if rc == 1:
            assert err.startswith(b"amtool: error: ") and \
                err.endswith(b"\n\n")
    assert len(codes[0]) >= 25 and len(codes[1]) >= 25


SAMPLE_TIME = re.compile(
    rb"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \+0000 UTC m=[+-]\d+\.\d+")


def test_template_render_sample_times(render_dir):
    # The sample's times are time.Now() based, with Go's monotonic
    # reading: only their shape can be compared.
    args = ["template", "render", G + "t/a.tmpl", T + '{{ range .Alerts }}'
            '{{ .StartsAt }}|{{ .EndsAt }}|{{ end }}']
    a = run_bytes(AMTOOL, args, render_dir)
    b = run_bytes(ALERTCTL, args, render_dir)
    assert a[0] == b[0] == 0
    assert SAMPLE_TIME.sub(b"<T>", b[1]) == SAMPLE_TIME.sub(b"<T>", a[1]) \
        == b"<T>|<T>|<T>|<T>|"


# --template.defaults (alertctl): alertd's default templates, compared
# with amtool given Alertmanager 0.25's default.tmpl and email.tmpl.
DEFAULT_NAMES = [
    ("__subject", "text"), ("__alertmanagerURL", "text"),
    ("__text_alert_list .Alerts", "text"),
    ("slack.default.title", "text"), ("slack.default.titlelink", "text"),
    ("slack.default.fallback", "text"),
    ("pagerduty.default.description", "text"),
    ("pagerduty.default.instances .Alerts", "text"),
    ("opsgenie.default.message", "text"),
    ("opsgenie.default.description", "text"),
    ("wechat.default.message", "text"), ("pushover.default.title", "text"),
    ("sns.default.message", "text"), ("telegram.default.message", "html"),
    ("discord.default.title", "text"), ("webex.default.message", "text"),
    ("email.default.subject", "text"), ("email.default.html", "html"),
]


@pytest.mark.parametrize("data", ["firing.json", "resolved.json",
                                  "special.json", None])
@pytest.mark.parametrize("call,typ", DEFAULT_NAMES,
                         ids=[n.split()[0] for n, _ in DEFAULT_NAMES])
def test_template_render_defaults(render_dir, call, typ, data):
    name, arg = (call.split() + ["."])[:2]
    common = ["--template.type=" + typ,
              T + '{{ template "%s" %s }}' % (name, arg)]
    if data:
        common.append(D + os.path.join(TMPL_DATA, data))
    a = run_bytes(AMTOOL, ["template", "render",
                           G + AM_TEMPLATES + "/default.tmpl",
                           G + AM_TEMPLATES + "/email.tmpl"] + common,
                  render_dir)
    b = run_bytes(ALERTCTL, ["template", "render", "--template.defaults"] +
                  common, render_dir)
    assert a[0] == 0 and len(a[1]) > 0
    assert b == a


def test_template_render_defaults_with_files(render_dir):
    # The user's files come after the defaults and may redefine them.
    text = T + '{{ template "__subject" . }}|{{ template "a" . }}'
    a = run_bytes(AMTOOL, ["template", "render",
                           G + AM_TEMPLATES + "/default.tmpl",
                           G + "o/subject.tmpl", G + "t/a.tmpl", text],
                  render_dir)
    b = run_bytes(ALERTCTL, ["template", "render", "--template.defaults",
                             G + "o/subject.tmpl", G + "t/a.tmpl", text],
                  render_dir)
    assert a == (0, b"mine: alertstatus|A[receiver]", b"")
    assert b == a


def test_template_render_without_defaults(render_dir):
    # As amtool 0.25: no default template unless asked for.
    args = ["template", "render", G + "t/a.tmpl",
            T + '{{ template "__subject" . }}']
    a = run_bytes(AMTOOL, args, render_dir)
    b = run_bytes(ALERTCTL, args, render_dir)
    assert a[0] == 1 and b"not defined" in a[2]
    assert b[0] == 1 and b[2].replace(b"alertctl", b"amtool") == a[2]
    rc, _, err = run_bytes(ALERTCTL, ["template", "render", T + "x"],
                           render_dir)
    assert (rc, err) == (1, b"alertctl: error: required flag "
                         b"--template.glob not provided\n\n")
    rc, out, err = run_bytes(ALERTCTL, ["template", "render",
                                        "--template.defaults", T + "x"],
                             render_dir)
    assert (rc, out, err) == (0, b"x", b"")


def test_template_render_defaults_help(render_dir):
    rc, out, _ = run_bytes(ALERTCTL, ["template", "render", "--help"],
                           render_dir)
    assert rc == 0 and b"--template.defaults" in out
