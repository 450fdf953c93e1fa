#!/bin/sh
# Records what the real Alertmanager 0.25 (Debian's prometheus-alertmanager,
# exporter-toolkit 0.8) says of each case's web.yml, into <case>/expected:
#   "ok tls" or "ok plain" when it serves (TLS is enabled/disabled.), or
#   "error" and then the text of its "Listen error" err= on the next lines.
# Run from the repository root:  sh tests/data/web_config/record.sh
# Paths in the texts are relative to the repository root, as the unit test
# (tests/unit/check_web_config.c) loads the cases from there.
set -e
dir=tests/data/web_config
am=$(mktemp -d)
printf 'route:\n  receiver: x\nreceivers:\n- name: x\n' >"$am/am.yml"
for c in "$dir"/ok_* "$dir"/bad_*; do
	name=$(basename "$c")
	mkdir -p "$am/$name"
	out=$(timeout 2 prometheus-alertmanager --config.file="$am/am.yml" \
		--storage.path="$am/$name" --cluster.listen-address= \
		--web.listen-address=127.0.0.1:0 --web.config.file="$c/web.yml" \
		2>&1 || true)
	printf '%s\n' "$out" | /usr/bin/python3 "$dir/verdict.py" >"$c/expected"
	printf '%s: %s\n' "$name" "$(head -1 "$c/expected")"
done
rm -rf "$am"
