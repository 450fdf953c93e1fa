#!/bin/sh
# Builds a GOPATH in $1 (default /tmp/alertd-gen-utf8) holding Alertmanager's
# UTF-8 matcher parser (matcher/parse, 0.27+) from a checkout of
# github.com/prometheus/alertmanager given as $2, runnable with the Go 1.19
# of Debian 12.  Two edits make it build there without changing any output:
#  - a stand-in for the Go 1.21 "slices" package (slices.Contains only);
#  - fmt.Errorf("%w: %w", ...) becomes "%w: %v" (Go 1.19 allows one %w;
#    the text is the same).
# pkg/labels is NOT copied: it resolves to 0.25's in /usr/share/gocode,
# whose NewMatcher/String are what alertd reproduces.
set -e
dst=${1:-/tmp/alertd-gen-utf8}
am=${2:?usage: setup.sh GOPATH-DIR ALERTMANAGER-CHECKOUT}
here=$(cd "$(dirname "$0")" && pwd)
p=$dst/src/github.com/prometheus/alertmanager/matcher/parse
mkdir -p "$p" "$dst/src/slices"
for f in lexer.go parse.go token.go; do
	if [ -d "$am/.git" ] || [ -f "$am/HEAD" ]; then
		git -C "$am" show "HEAD:matcher/parse/$f" >"$p/$f"
	else
		cp "$am/matcher/parse/$f" "$p/$f"
	fi
done
sed -i 's/%w: %w/%w: %v/g' "$p/parse.go"
cp "$here/slices/slices.go" "$dst/src/slices/"
echo "GOPATH=$dst:/usr/share/gocode GO111MODULE=off go run ./tests/data/matchers/gen-utf8"
