#!/bin/sh
# corpus-dump.sh [BUILD_DIR [CORPUS_DIR]]
#
# For every configuration of the shared corpus that amtool 0.25 accepts
# (INDEX.tsv verdict "ok"), compares alertd's config_dump_yaml (dumpcfg.c,
# built here against BUILD_DIR/libalertd.a, default build) with what the
# real Alertmanager 0.25 shows as config.original (am-dump.sh).
# Nothing is recorded: it prints each difference (a unified diff with
# DUMP_DIFF=1) and, last, "dump: N agree, M differ, K not started".
# Configurations Alertmanager itself refuses to start with (a CA file
# that is not there, ...) are counted as not started.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
corpus=${2:-/work/shared/corpus/configs}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set -e
# The libraries the Makefile links with.
pkgs=$(sed -n 's/^PKGS[[:space:]]*:=[[:space:]]*//p' "$top/Makefile")
cc -D_GNU_SOURCE -std=c11 -I"$top" -o "$tmp/dumpcfg" "$here/dumpcfg.c" \
	"$build/libalertd.a" $(pkg-config --libs $pkgs) -lcrypt -lm -pthread
set +e
agree=0 differ=0 skipped=0
for f in $(awk -F'\t' 'NR > 1 && $5 == "ok" { print $1 }' "$corpus/INDEX.tsv"); do
	cp "$corpus/$f" "$tmp/alertmanager.yml"
	if ! "$here/am-dump.sh" "$tmp/alertmanager.yml" "$tmp/am.out" \
	    2>"$tmp/am.err"; then
		skipped=$((skipped + 1))
		echo "NOT STARTED $f: $(head -c 200 "$tmp/am.err")"
		continue
	fi
	(cd "$tmp" && ./dumpcfg alertmanager.yml) >"$tmp/ours.out" 2>&1
	if cmp -s "$tmp/am.out" "$tmp/ours.out"; then
		agree=$((agree + 1))
	else
		differ=$((differ + 1))
		echo "DIFFER $f"
		[ "${DUMP_DIFF:-0}" = 1 ] && diff -u "$tmp/am.out" "$tmp/ours.out"
	fi
done
echo "dump: $agree agree, $differ differ, $skipped not started"
[ "$differ" -eq 0 ]
