"""`config routes show` and `config routes test`: the real amtool 0.25 and
build/alertctl on the same command lines, compared on exit status, stdout
and stderr (the program's name aside).  Nothing is normalised: the tree
drawing, the anchored match_re values, the warnings and the error texts
must be amtool's byte for byte.

Offline (--config.file): the configs of tests/data/cli/routes (nested
routes, continue, regex and negative matchers, escaping, group_by and
time intervals), the routing vectors of tests/data/routing, every valid
config of tests/data/config (corpus-like: every integration, YAML
oddities) and every invalid one (amtool's error message).  The label sets
each config is tested with are derived from its own matchers, so that
every route is reached, plus some that miss.

Against a server (Alertmanager 0.25 and, when it answers, alertd):
amtool reads GET /api/v2/status config.original, secrets masked as
<secret>, and parses it again; alertctl must do the same.

Deliberate difference, checked as such: a transport error is worded by
curl, not by Go's net/http (exit status and "error:" line shape agree).
"""

import glob
import os
import re

import pytest
import yaml

from test_cli_common import (ALERTCTL, AMTOOL, ROOT, SERVERS, Server, run)

DATA = os.path.join(ROOT, "tests", "data")
ROUTES = os.path.join(DATA, "cli", "routes")


def rel(path):
    return os.path.relpath(path, DATA)


OWN = sorted(glob.glob(os.path.join(ROUTES, "*.yml")))
VECTORS = sorted(glob.glob(os.path.join(DATA, "routing", "*", "alertd.yml")))
VALID = sorted(glob.glob(os.path.join(DATA, "config", "valid", "*",
                                      "alertmanager.yml")))
# Which of several errors amtool reports (cli/cfgerr.c): type errors
# grouped, checks that stop the decode, config-wide checks.
INVALID_OWN = sorted(glob.glob(os.path.join(ROUTES, "invalid", "*.yml")))
INVALID = sorted(glob.glob(os.path.join(DATA, "config", "invalid", "*",
                                        "alertmanager.yml"))) + INVALID_OWN
# A config amtool makes panic (yaml.v2 hands a nil receiver to
# UnmarshalYAML): amtool exits 2 with a Go stack trace; alertctl reports
# the error.  Checked on its own below.
PANICS = {"yaml-null-list-item"}
OFFLINE = OWN + VECTORS + VALID


@pytest.fixture
def home(tmp_path):
    return str(tmp_path)


def prog_norm(s):
    return re.sub(r"^alertctl: ", "amtool: ", s, flags=re.M)


def both(args, home):
    return run(AMTOOL, args, home), run(ALERTCTL, args, home)


def same(a, b):
    """None when alertctl's result is amtool's, else what differs."""
    if (a[0], a[1], a[2]) == (b[0], b[1], prog_norm(b[2])):
        return None
    return "exit %d/%d\n--- amtool stdout\n%s--- alertctl stdout\n%s" \
        "--- amtool stderr\n%s--- alertctl stderr\n%s" % (
            a[0], b[0], a[1], b[1], a[2], b[2])


# ------------------------------------------------- label sets to test

MATCHER_RE = re.compile(r'^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*'
                        r'(?:"((?:[^"\\]|\\.)*)"|([^,"]*?))\s*$')
PLAIN_ALT = re.compile(r"^[\w .:/-]+$")


def unescape(v):
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n"
                  else m.group(1), v)


def split_matchers(s):
    s = s.strip()
    if s.startswith("{") and s.endswith("}"):
        s = s[1:-1]
    parts, cur, quoted, esc = [], "", False, False
    for ch in s:
        if esc:
            cur, esc = cur + ch, False
            continue
        if ch == "\\":
            cur, esc = cur + ch, True
            continue
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append(cur)
            cur = ""
            continue
        cur += ch
    if cur.strip():
        parts.append(cur)
    return parts


def regex_values(rx):
    """Values a simple regex matches (a|b, ^(a|b)$, db.*), else []."""
    rx = rx.strip("^$")
    if rx.startswith("(") and rx.endswith(")"):
        rx = rx[1:-1]
    alts = [v.replace(".*", "").replace(".+", "x") for v in rx.split("|")]
    return [v for v in alts if PLAIN_ALT.match(v)]


def route_wants(route):
    """[(name, value)] one alert needs to match the route, as far as a
    value can be guessed; negative matchers are left to chance.  An
    equality wins over a guess from a regex for the same name."""
    want = []

    def put(n, v, exact):
        for i, (name, _) in enumerate(want):
            if name == n:
                if exact:
                    want[i] = (n, v)
                return
        want.append((n, v))

    for n, v in (route.get("match") or {}).items():
        put(str(n), str(v), True)
    for n, v in (route.get("match_re") or {}).items():
        vals = regex_values(str(v))
        if vals:
            put(str(n), vals[0], False)
    for line in route.get("matchers") or []:
        for part in split_matchers(str(line)):
            m = MATCHER_RE.match(part)
            if m is None:
                continue
            name, op = m.group(1), m.group(2)
            value = unescape(m.group(3)) if m.group(3) is not None \
                else m.group(4)
            if op == "=":
                put(name, value, True)
            elif op == "=~":
                vals = regex_values(value)
                if vals:
                    put(name, vals[0], False)
    return want


def walk(route, inherited, out):
    if not isinstance(route, dict):
        return
    want = inherited + route_wants(route)
    out.append(want)
    for child in route.get("routes") or []:
        walk(child, want, out)


def load_yaml(path):
    """The first document, as yaml.v2 reads it; None if it does not
    parse."""
    try:
        with open(path) as f:
            return next(yaml.safe_load_all(f), None)
    except yaml.YAMLError:
        return None


def route_receivers(path):
    doc = load_yaml(path)
    names = set()

    def visit(r):
        if isinstance(r, dict):
            names.add(r.get("receiver"))
            for c in r.get("routes") or []:
                visit(c)
    visit(doc.get("route") if isinstance(doc, dict) else None)
    names.discard(None)
    return names


def quote(v):
    return '"%s"' % v.replace("\\", "\\\\").replace('"', '\\"') \
        .replace("\n", "\\n")


def label_sets(path, limit=24):
    """Argument lists for `routes test`: one per route (the labels its
    matchers and its parents' want), the same with the last value
    changed (a miss), no labels, and an unrelated alert."""
    doc = load_yaml(path)
    wants = []
    if isinstance(doc, dict):
        walk(doc.get("route"), [], wants)
    sets = [[], ["alertname=Unrelated"]]
    for want in wants:
        labels = dict(want)
        if labels:
            sets.append(["%s=%s" % (n, quote(v)) for n, v in
                         sorted(labels.items())])
            n, v = want[-1]
            labels[n] = v + "-miss"
            sets.append(["%s=%s" % (n, quote(v)) for n, v in
                         sorted(labels.items())])
    uniq = []
    for s in sets:
        if s not in uniq:
            uniq.append(s)
    return uniq[:limit]


# ------------------------------------------------------------ offline

def ids(paths):
    return [rel(p) for p in paths]


@pytest.mark.parametrize("path", OFFLINE, ids=ids(OFFLINE))
def test_routes_show_offline(home, path):
    for args in (["config", "routes"], ["config", "routes", "show"],
                 ["config", "routes", "--config.file", path, "show"]):
        if "--config.file" not in args:
            args = args + ["--config.file=" + path]
        a, b = both(args, home)
        assert a[0] == 0, a[2]
        assert a[1].startswith("Routing tree:\n.\n")
        assert same(a, b) is None, same(a, b)


@pytest.mark.parametrize("path", OFFLINE, ids=ids(OFFLINE))
def test_routes_test_offline(home, path):
    sets = label_sets(path)
    assert len(sets) >= 2
    diffs = []
    receivers = set()
    for labels in sets:
        base = ["config", "routes", "test", "--config.file=" + path]
        a, b = both(base + labels, home)
        assert a[0] == 0, a[2]
        receivers.add(a[1])
        diffs.append(same(a, b))
        a, b = both(base + ["--tree"] + labels, home)
        assert a[1].startswith("Matching routes:\n.\n")
        diffs.append(same(a, b))
        got = a[1].splitlines()[-1]
        # The right receivers pass, others fail with amtool's warning.
        a, b = both(base + ["--verify.receivers=" + got] + labels, home)
        assert a[0] == 0
        diffs.append(same(a, b))
        a, b = both(base + ["--verify.receivers=" + got + ",x"] + labels,
                    home)
        assert a[0] == 1 and a[1].endswith("WARNING: Expected receivers "
                                           "did not match resolved "
                                           "receivers.\n")
        diffs.append(same(a, b))
    assert [d for d in diffs if d is not None] == []
    # Where routes name different receivers, more than one is reached.
    if len(route_receivers(path)) > 1:
        assert len(receivers) > 1


def test_label_sets_reach_every_receiver_of_nested(home):
    """The generator is good enough to reach every leaf of nested.yml."""
    path = os.path.join(ROUTES, "nested.yml")
    got = set()
    for labels in label_sets(path, limit=100):
        rc, out, _ = run(AMTOOL, ["config", "routes", "test",
                                  "--config.file=" + path] + labels, home)
        assert rc == 0
        got.update(out.strip().split(","))
    assert {"team-a-eu", "team-a-us", "team-a-prod-other", "blackhole",
            "team-b-db1", "team-a-rest", "root"} <= got


INVALID_OK = [p for p in INVALID
              if os.path.basename(os.path.dirname(p)) not in PANICS]


@pytest.mark.parametrize("path", INVALID_OK, ids=ids(INVALID_OK))
def test_check_config_message(home, path):
    """check-config's FAILED line is amtool's, whatever alertd's loader
    found first; alertctl's own lines (every error with its place,
    warnings, notes) follow amtool's report and are left out here."""
    a, b = both(["check-config", path], home)
    assert a[0] == b[0] == 1
    assert "  FAILED: " in a[1]
    ours = "".join(line for line in b[1].splitlines(True)
                   if not line.startswith(("  " + path + ":",
                                           "  warning: ", "  note: ")))
    assert ours == a[1]
    assert prog_norm(b[2]) == a[2]


@pytest.mark.parametrize("path", INVALID_OK, ids=ids(INVALID_OK))
def test_routes_invalid_config(home, path):
    # show: kingpin.Fatalf("%s"), one newline; test: "%v\n", two.
    for sub, tail in (("show", "\n"), ("test", "\n\n")):
        a, b = both(["config", "routes", sub, "--config.file=" + path,
                     "a=b"][:5 if sub == "test" else 4], home)
        assert a[0] == 1 and a[1] == ""
        assert a[2].startswith("Warning: --config.file flag overrides the "
                               "--alertmanager.url.\namtool: error: ")
        assert a[2].endswith(tail) and not a[2].endswith(tail + "\n")
        assert same(a, b) is None, same(a, b)


def test_routes_amtool_panics(home):
    path = os.path.join(DATA, "config", "invalid", "yaml-null-list-item",
                        "alertmanager.yml")
    a, b = both(["config", "routes", "--config.file=" + path], home)
    assert a[0] == 2 and "panic: runtime error" in a[2]
    assert (b[0], b[1]) == (1, "")
    assert b[2].endswith("\nalertctl: error: empty list element\n")


ARG_CASES = [
    ["a"],                          # bad matcher format
    ["a!=b"],                       # not key=value
    ["a=~b"],
    ["team=a", "x!~y"],             # the first bad one is reported
    ["x!~y", "a"],
    ["a=\"b"],                      # unescaped quote
    ["1a=b"],                       # invalid label name
    ["a="],                         # empty value: fine
    ["team=a", "team=b"],           # the last value wins
    ["team=\"a\""],
    ["team='a'"],
    ["{team=a}"],
    ["team=a,b"],
    ["  team  =  a  "],
    ["--", "--tree"],               # "--tree" is a label here
    ["--verify.receivers="],        # empty: nothing checked
    ["--verify.receivers", "team-a", "team=a"],
    ["--verify.receivers=root", "--tree"],
    ["--tree", "--tree"],
    ["--tree=false"],
    ["--no-tree", "team=a"],
]


@pytest.mark.parametrize("args", ARG_CASES,
                         ids=[" ".join(a) for a in ARG_CASES])
def test_routes_test_args(home, args):
    path = os.path.join(ROUTES, "nested.yml")
    a, b = both(["config", "routes", "test", "--config.file=" + path] +
                args, home)
    assert same(a, b) is None, same(a, b)


PARSE_CASES = [
    ["config", "routes", "--config.file=/nonexistent"],
    ["config", "routes", "--config.file=/tmp"],
    ["config", "routes", "--config.file", "show"],
    ["config", "routes", "show", "extra"],
    ["config", "routes", "bogus"],
    ["config", "routes", "test", "--bogus"],
    ["config", "routes", "show", "--tree"],
    ["config", "routes", "--help"],
    ["config", "routes", "test", "--help"],
    ["help", "config", "routes", "test"],
    ["config", "routes", "--config.file=%s" % os.path.join(ROUTES,
                                                           "nested.yml"),
     "--config.file=%s" % os.path.join(ROUTES, "nested.yml")],
]


@pytest.mark.parametrize("args", PARSE_CASES,
                         ids=[" ".join(a) for a in PARSE_CASES])
def test_routes_parse(home, args):
    a, b = both(args, home)
    if "--help" in args or args[0] == "help":
        # Help texts are alertctl's own; the exit status is amtool's.
        assert a[0] == b[0] == 0 and b[1].startswith("usage: alertctl ")
        return
    assert same(a, b) is None, same(a, b)


# ---------------------------------------------------- against a server

@pytest.fixture(scope="module", params=SERVERS)
def server(request):
    s = Server(request.param, config=os.path.join(ROUTES, "server.yml"))
    try:
        assert s.wait(), "%s did not start" % request.param
        yield s
    finally:
        s.stop()


SERVER_SETS = label_sets(os.path.join(ROUTES, "server.yml"), limit=100)


def test_routes_show_server(server, home):
    url = "--alertmanager.url=" + server.url
    for args in (["config", "routes"], ["config", "routes", "show"]):
        a, b = both([url] + args, home)
        assert a[0] == 0 and a[2] == ""
        assert '{service=~"^(?:^(api|web)$)$"}  receiver: web' in a[1]
        assert same(a, b) is None, same(a, b)


@pytest.mark.parametrize("tree", [False, True], ids=["plain", "tree"])
def test_routes_test_server(server, home, tree):
    url = "--alertmanager.url=" + server.url
    diffs, seen = [], set()
    for labels in SERVER_SETS:
        args = [url, "config", "routes", "test"] + \
            (["--tree"] if tree else []) + labels
        a, b = both(args, home)
        assert a[0] == 0, a[2]
        seen.add(a[1].splitlines()[-1])
        diffs.append(same(a, b))
    assert [d for d in diffs if d is not None] == []
    assert {"db", "pager-prod", "pager", "web-prod", "web", "quoted",
            "default"} <= set(",".join(seen).split(","))


def test_routes_verify_server(server, home):
    url = "--alertmanager.url=" + server.url
    for expect, rc in (("db,pager-prod", 0), ("db", 1), ("", 0)):
        a, b = both([url, "config", "routes", "test",
                     "--verify.receivers=" + expect, "team=db",
                     "severity=critical", "env=prod", "region=eu"], home)
        assert a[0] == rc
        assert same(a, b) is None, same(a, b)


def test_routes_file_overrides_server(server, home):
    path = os.path.join(ROUTES, "nested.yml")
    a, b = both(["--alertmanager.url=" + server.url, "config", "routes",
                 "--config.file=" + path], home)
    assert a[0] == 0 and "team-a-eu" in a[1]
    assert same(a, b) is None, same(a, b)


def test_routes_server_errors(home):
    from test_cli_common import free_port
    url = "--alertmanager.url=http://127.0.0.1:%d" % free_port()
    for sub, tail in (("show", "\n"), ("test", "\n\n")):
        a, b = both([url, "config", "routes", sub], home)
        assert a[0] == b[0] == 1 and a[1] == b[1] == ""
        # amtool: Get "...": dial tcp ...; alertctl: curl's words.
        assert a[2].startswith("amtool: error: Get ")
        assert b[2].startswith("alertctl: error: GET http://127.0.0.1:")
        assert a[2].endswith(tail) and not a[2].endswith(tail + "\n")
        assert b[2].endswith(tail) and not b[2].endswith(tail + "\n")
