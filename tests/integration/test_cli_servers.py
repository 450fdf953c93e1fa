"""The real amtool 0.25 against alertd and against Alertmanager 0.25, both
seeded alike: what amtool prints must not tell them apart.  Where the
alertctl differential tests (test_cli_diff.py) compare two clients on one
server, these compare one client on two servers, so that a difference in
the daemon's API (a status code, a body, an order) shows even where
alertctl would hide it.  Normalised: generated IDs and times, Go pointers
(amtool prints some), server addresses.

Needs both servers: without build/alertd the tests are not collected
(empty parameter set, reported as skipped).
"""

import re

import pytest

from test_cli_common import (AMTOOL, SERVERS, Server, norm_ids, norm_times,
                             run, seed)
import test_cli_diff as diff


@pytest.fixture(scope="module",
                params=[("alertmanager", "alertd")] if "alertd" in SERVERS
                else [])
def pair(request):
    servers = [Server(kind) for kind in request.param]
    try:
        for s in servers:
            assert s.wait(), "%s did not start" % s.kind
            seed(s)
        yield servers
    finally:
        for s in servers:
            s.stop()


@pytest.fixture
def home(tmp_path):
    return str(tmp_path)


def norm(s):
    s = norm_times(norm_ids(s))
    s = re.sub(r"0xc[0-9a-f]+", "<PTR>", s)
    return re.sub(r"127\.0\.0\.1:\d+", "<HOST>", s)


def amtool_on(pair, args, home):
    """amtool's (exit, stdout, stderr) on each server, normalised; "SID"
    in args is replaced by a fresh silence of that server."""
    out = []
    for s in pair:
        sub = [diff.new_silence(s, "SrvCmp") if a == "SID" else a
               for a in args]
        rc, o, e = run(AMTOOL, ["--alertmanager.url=" + s.url] + sub, home)
        out.append((rc, norm(o), norm(e)))
    return out


# config show -o extended/json print the version information, which is
# the daemon's own; custom --date.format layouts print generated times
# that norm_times does not recognise.
READ = [["-o", fmt] + q for fmt in diff.FORMATS
        for q in diff.ALERT_QUERIES + diff.SILENCE_QUERIES +
        [["cluster"], ["config", "routes"]]] + \
    [["config"], ["config", "show"]] + \
    [q + ["-q"] for q in diff.SILENCE_QUERIES] + \
    [["config", "routes", "test", "--tree", "service=web", "env=prod"],
     ["config", "routes", "test", "team=db", "severity=critical"]]


@pytest.mark.parametrize("args", READ, ids=diff.ids(READ))
def test_amtool_reads_alike(pair, home, args):
    am, ad = amtool_on(pair, args, home)
    assert am[0] == 0
    assert ad == am


ERRORS = [c for c, _ in diff.ALERT_ADD_ERRORS] + diff.SILENCE_ADD_ERRORS + \
    diff.SILENCE_UPDATE_ERRORS + [
        ["silence", "add", "foo=", "-c", "x"],
        ["silence", "add", "A", "-c", "x", "--start=2000-01-01T00:00:00Z",
         "--end=2000-01-02T00:00:00Z"],
        ["alert", "add", "A", "--start=2099-01-01T00:00:00Z",
         "--end=2098-01-01T00:00:00Z"],
        ["silence", "expire"],
        ["silence", "expire", "not-a-uuid"],
        ["silence", "update", "00000000-0000-0000-0000-000000000000", "-c",
         "x"],
        ["alert", "query", "-r", "("],
    ]


@pytest.mark.parametrize("args", ERRORS, ids=diff.ids(ERRORS))
def test_amtool_errors_alike(pair, home, args):
    am, ad = amtool_on(pair, args, home)
    assert ad == am


def test_amtool_expire_unknown_silence(pair, home):
    """A documented departure (alertd/api_silences.c): DELETE
    /api/v2/silence/{unknown id} answers 404, as Alertmanager 0.26+;
    0.25 answers 500 "silence not found".  amtool 0.25 fails on both,
    with its own words for each."""
    am, ad = amtool_on(pair, ["silence", "expire",
                              "00000000-0000-0000-0000-000000000000"], home)
    assert am == (1, "", "amtool: error: [DELETE /silence/{silenceID}][500] "
                  "deleteSilenceInternalServerError  silence not found\n\n")
    assert ad == (1, "", "amtool: error: response status code does not "
                  "match any response statuses defined for this endpoint "
                  "in the swagger spec (status 404): {}\n\n")
