#!/bin/sh
# Regenerates tests/data/routing/*/expected.json with Alertmanager 0.25's
# own code (Debian's golang-github-prometheus-alertmanager-dev, Go in
# GOPATH mode, offline).  Run from anywhere; needs golang-go.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=$(dirname "$here")
work=${TMPDIR:-/tmp}/alertd-routegen
mkdir -p "$work/cache"
export GO111MODULE=off GOFLAGS= GOPROXY=off GOENV=off CGO_ENABLED=0
export GOPATH="$here:/usr/share/gocode" GOCACHE="$work/cache"
for c in basic continue group_by_all inherit escaping; do
	go run routegen "$data/$c" >"$data/$c/expected.json.tmp"
	mv "$data/$c/expected.json.tmp" "$data/$c/expected.json"
	echo "gen: $c"
done
go run sortgen "$data/sort/labels" >"$data/sort/expected.json.tmp"
mv "$data/sort/expected.json.tmp" "$data/sort/expected.json"
echo "gen: sort"
