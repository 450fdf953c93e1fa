#!/bin/sh
# regen.sh [CASE...]
#
# Regenerates each case's original.yml: the `config.original` that the real
# Alertmanager 0.25 (Debian's prometheus-alertmanager) reports in GET
# /api/v2/status for the case's config, started from the case directory
# with --config.file=alertmanager.yml (or the path in the case's
# config-path file).  check_config_dump.c compares alertd's
# config_dump_yaml with these files byte for byte.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
[ $# -gt 0 ] || set -- $(ls -d */ | tr -d /)
for c in "$@"; do
	cfg=alertmanager.yml
	[ -f "$c/config-path" ] && cfg=$(cat "$c/config-path")
	if "$here/am-dump.sh" "$cfg" "$c/original.yml" "$c"; then
		echo "$c: ok"
	else
		echo "$c: Alertmanager refused it" >&2
		exit 1
	fi
done
