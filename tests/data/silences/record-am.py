#!/usr/bin/python3
"""Records Alertmanager 0.25's answers to POST /api/v2/silences error cases
(and path-id checks) into api_cases.jsonl, for check_silence_api.c.

Run: /usr/bin/python3 tests/data/silences/record-am.py
Starts Debian's prometheus-alertmanager on a free loopback port with a
temporary --storage.path, sends every case, stops it.  Only cases whose
answer does not depend on the current time or a random ID are kept.
"""
import json, os, signal, socket, subprocess, sys, tempfile, time, urllib.request

F, S = "2030-01-01T00:00:00Z", "2020-01-01T00:00:00Z"

def sil(**kw):
    d = {"matchers": [{"name": "a", "value": "b", "isRegex": False}],
         "startsAt": S, "endsAt": F, "createdBy": "me", "comment": "c"}
    d.update(kw)
    return json.dumps(d)

def drop(k):
    d = json.loads(sil()); del d[k]; return json.dumps(d)

M = lambda *ms: sil(matchers=list(ms))
CASES = [
    ("empty-body", ""),
    ("empty-object", "{}"),
    ("no-matchers", sil(matchers=[])),
    ("null-matchers", sil(matchers=None)),
    ("missing-comment", drop("comment")),
    ("missing-createdBy", drop("createdBy")),
    ("missing-startsAt", drop("startsAt")),
    ("missing-endsAt", drop("endsAt")),
    ("missing-isRegex", M({"name": "a", "value": "b"})),
    ("missing-name", M({"value": "b", "isRegex": False})),
    ("missing-value", M({"name": "a", "isRegex": False})),
    ("second-missing-name", M({"name": "a", "value": "b", "isRegex": False}, {"value": "b", "isRegex": True})),
    ("all-match-empty", M({"name": "a", "value": "", "isRegex": False})),
    ("all-match-empty-re", M({"name": "a", "value": ".*", "isRegex": True})),
    ("all-match-empty-mixed", M({"name": "a", "value": "", "isRegex": False}, {"name": "b", "value": "x|", "isRegex": True})),
    ("bad-regex-paren", M({"name": "a", "value": "(", "isRegex": True})),
    ("bad-regex-bracket-2nd", M({"name": "a", "value": "b", "isRegex": False}, {"name": "c", "value": "[", "isRegex": True})),
    ("bad-name", M({"name": "a-b", "value": "x", "isRegex": False})),
    ("empty-name", M({"name": "", "value": "x", "isRegex": False})),
    ("start-after-end", sil(startsAt=F, endsAt=S)),
    ("start-equals-end", sil(startsAt=F, endsAt=F)),
    ("end-in-past", sil(startsAt="2019-01-01T00:00:00Z", endsAt=S)),
    ("unknown-id", sil(id="00000000-0000-0000-0000-000000000000")),
    ("non-uuid-id", sil(id="xyz")),
    ("truncated-json", '{"matchers":'),
    ("not-json", "xx"),
    ("top-level-array", "[]"),
    ("top-level-string", '"x"'),
    ("top-level-number", "12"),
    ("id-number", sil(id=5)),
    ("comment-number", sil(comment=5)),
    ("createdBy-bool", sil(createdBy=True)),
    ("matchers-string", sil(matchers="x")),
    ("matcher-string", sil(matchers=["x"])),
    ("isRegex-string", M({"name": "a", "value": "b", "isRegex": "no"})),
    ("isEqual-number", M({"name": "a", "value": "b", "isRegex": False, "isEqual": 1})),
    ("name-number", M({"name": 1, "value": "b", "isRegex": False})),
    ("startsAt-number", sil(startsAt=5)),
    ("startsAt-word", sil(startsAt="yesterday")),
    ("startsAt-bad-month", sil(startsAt="2020-13-01T00:00:00Z")),
    ("startsAt-bad-day", sil(startsAt="2021-02-29T00:00:00Z")),
    ("startsAt-bad-hour", sil(startsAt="2020-01-01T25:00:00Z")),
    ("startsAt-trailing", sil(startsAt="2020-01-01T00:00:00Zjunk")),
    ("startsAt-date-only", sil(startsAt="2020-01-01")),
    ("startsAt-bad-year", sil(startsAt="20x0-01-01T00:00:00Z")),
    ("startsAt-bad-tz", sil(startsAt="2020-01-01T00:00:00+0x:00")),
    ("startsAt-nonascii", sil(startsAt="2020-01-01T00:00:00\u00e9")),
    ("endsAt-space-form-past", sil(startsAt="2019-01-01 00:00:00", endsAt="2019-06-01 00:00:00.5")),
    ("endsAt-local-past", sil(endsAt="2019-06-01T00:00:00")),
    ("endsAt-minutes-past", sil(endsAt="2019-06-01T00:00Z")),
    ("endsAt-minutes-local-past", sil(endsAt="2019-06-01T00:00")),
    ("endsAt-empty", sil(endsAt="")),
    ("case-insensitive-keys-past", json.dumps({"Matchers": [{"NAME": "a", "Value": "b", "isregex": False}], "StartsAt": S, "ENDSAT": S, "createdby": "me", "Comment": "c"})),
    ("offset-equal-times", sil(startsAt="2030-01-01T02:00:00+02:00", endsAt="2030-01-01T00:00:00Z")),
]
PATHS = [("GET", "nonexist"), ("DELETE", "zzz"), ("GET", "0000000000000000000000000000000g"),
         ("GET", "00000000-0000-0000-0000-000000000000"), ("DELETE", "00000000000000000000000000000000")]

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def req(url, method, body=None):
    r = urllib.request.Request(url, data=body.encode() if body is not None else None, method=method,
                               headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(r, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()

def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "api_cases.jsonl")
    with tempfile.TemporaryDirectory() as d:
        cfg = os.path.join(d, "am.yml")
        open(cfg, "w").write("route:\n  receiver: 'null'\nreceivers:\n- name: 'null'\n")
        port = free_port()
        p = subprocess.Popen(["prometheus-alertmanager", "--config.file", cfg, "--storage.path", d,
                              "--web.listen-address", "127.0.0.1:%d" % port, "--cluster.listen-address="],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = "http://127.0.0.1:%d/api/v2" % port
            for _ in range(100):
                try:
                    req(base + "/status", "GET"); break
                except OSError:
                    time.sleep(0.1)
            with open(out, "w") as f:
                for name, body in CASES:
                    st, rb = req(base + "/silences", "POST", body)
                    f.write(json.dumps({"name": name, "method": "POST", "path": "/silences",
                                        "body": body, "status": st, "resp": rb}) + "\n")
                for method, pid in PATHS:
                    st, rb = req(base + "/silence/" + pid, method)
                    f.write(json.dumps({"name": method + " " + pid, "method": method, "path": "/silence/" + pid,
                                        "id": pid, "status": st, "resp": rb}) + "\n")
        finally:
            p.send_signal(signal.SIGTERM); p.wait(10)
    print("wrote", out)

main()
