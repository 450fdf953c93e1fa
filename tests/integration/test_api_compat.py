"""alertd answers every recorded HTTP case exactly as Alertmanager 0.25 did:
status, the headers that matter, the body byte for byte, and the alerts
stored afterwards (see am_cases.py for the cases and how they were
recorded into tests/data/api/am_cases.jsonl)."""

import json

import pytest

from am_cases import CONFIG, DATA, run_cases


def load_expected():
    with open(DATA) as f:
        return [json.loads(line) for line in f]


EXPECTED = load_expected()


@pytest.fixture(scope='module')
def actual(tmp_path_factory):
    import conftest
    from harness import Alertd
    d = Alertd(conftest.alertd_binary(), CONFIG,
               tmp_path_factory.mktemp('compat'))
    d.start()
    try:
        recs = run_cases(d.port)
    finally:
        d.stop()
    return {r['name']: r for r in recs}


@pytest.mark.parametrize('want', EXPECTED, ids=[e['name'] for e in EXPECTED])
def test_case(actual, want):
    got = actual[want['name']]
    assert got == want


def test_every_case_recorded(actual):
    assert sorted(actual) == sorted(e['name'] for e in EXPECTED)
