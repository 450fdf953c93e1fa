#!/bin/sh
# regen.sh: rewrites valid/ and invalid/ from cases.py, then runs the real
# `amtool check-config` (Debian's prometheus-alertmanager 0.25) on each
# case from its directory and records, for invalid cases, its message in
# `error` (the text after "FAILED: ", continuation lines included).  It
# stops when amtool's verdict is not the one the directory says.
# check_config_cases.c then checks alertd's loader against these.
set -eu
cd "$(dirname "$0")"
/usr/bin/python3 cases.py
fail=0
for kind in valid invalid; do
	for d in "$kind"/*/; do
		d=${d%/}
		out=$(cd "$d" && amtool check-config alertmanager.yml 2>/dev/null) \
		    && got=valid || got=invalid
		if [ "$got" != "$kind" ]; then
			echo "$d: amtool says $got" >&2
			fail=1
			continue
		fi
		[ "$kind" = invalid ] || continue
		printf '%s\n' "$out" | awk '
			/FAILED: / { sub(/.*FAILED: /, ""); on = 1 }
			on && /^$/ { exit }
			on { print }' >"$d/error"
		# amtool 0.25 dereferences nil on some files.
		[ -s "$d/error" ] || echo "amtool 0.25 panics" >"$d/error"
	done
done
exit $fail
