"""Reads Alertmanager's log on stdin, prints the verdict record.sh keeps."""
import json
import re
import sys

log = sys.stdin.read()
m = re.search(r'msg="Listen error" err=("(?:[^"\\]|\\.)*"|\S+)', log)
if m:
    v = m.group(1)
    v = json.loads(v) if v.startswith('"') else v
    sys.stdout.write("error\n" + v + "\n")
elif "TLS is enabled." in log:
    sys.stdout.write("ok tls\n")
elif "TLS is disabled." in log:
    sys.stdout.write("ok plain\n")
else:
    sys.exit("no verdict in:\n" + log)
