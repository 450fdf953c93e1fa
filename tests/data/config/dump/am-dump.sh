#!/bin/sh
# am-dump.sh CONFIG OUT [DIR]
#
# Starts the real Alertmanager 0.25 (Debian's prometheus-alertmanager) on a
# free loopback port with CONFIG, reads `.config.original` of GET
# /api/v2/status into OUT, and stops it.  Alertmanager runs from CONFIG's
# directory with --config.file=<its base name>, or, given DIR, from DIR
# with --config.file=CONFIG (CONFIG relative to DIR): relative paths in
# the dump depend on it.  Exit 1 when Alertmanager refuses the config.
set -eu
cfg=$1
out=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
if [ $# -ge 3 ]; then
	dir=$(cd "$3" && pwd)
	base=$cfg
else
	dir=$(cd "$(dirname "$cfg")" && pwd)
	base=$(basename "$cfg")
fi
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
tmp=$(mktemp -d)
(cd "$dir" && exec prometheus-alertmanager --config.file="$base" \
	--web.listen-address=127.0.0.1:"$port" --cluster.listen-address= \
	--storage.path="$tmp" --log.level=error >"$tmp/log" 2>&1) &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
i=0
while ! curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $pid 2>/dev/null; then
		cat "$tmp/log" >&2
		exit 1
	fi
	sleep 0.1
done
curl -sf "http://127.0.0.1:$port/api/v2/status" | jq -j .config.original >"$out"
