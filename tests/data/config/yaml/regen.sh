#!/bin/sh
# Regenerates strings.hex and marshal.out: what yaml.v2 (Debian's
# golang-gopkg-yaml.v2-dev, as in Alertmanager 0.25) writes for each
# string of strings.hex.  Needs golang and golang-gopkg-yaml.v2-dev.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 gen-strings.py
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$tmp/cache" \
	go build -o "$tmp/yv2marshal" yv2marshal.go
"$tmp/yv2marshal" <strings.hex >marshal.out
echo "$(wc -l <strings.hex) strings"
