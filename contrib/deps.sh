#!/bin/sh
# contrib/deps.sh run|test: install the Debian 12 packages that building
# and running (run) or testing (test) alertd needs, when any is missing.
# As root it runs apt-get itself; otherwise it prints the exact command and
# fails, so "make run" and "make test" work on a fresh machine.
set -e
BUILD_PKGS="gcc make pkg-config libmicrohttpd-dev libcurl4-openssl-dev
	libjansson-dev libyaml-dev libpcre2-dev libcrypt-dev libgnutls28-dev
	ca-certificates"
TEST_PKGS="check libsubunit-dev python3 python3-pytest python3-requests
	python3-aiosmtpd python3-yaml prometheus-alertmanager prometheus openssl
	tzdata curl"
case "${1:-run}" in
run) pkgs=$BUILD_PKGS ;;
test) pkgs="$BUILD_PKGS $TEST_PKGS" ;;
compat) pkgs="$BUILD_PKGS golang-go golang-github-prometheus-alertmanager-dev" ;;
fuzz) pkgs="$BUILD_PKGS clang libclang-rt-14-dev" ;;
bench) pkgs="$BUILD_PKGS prometheus-alertmanager golang-github-prometheus-alertmanager-dev" ;;
*) echo "usage: $0 run|test|compat|fuzz|bench" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "alertd: missing Debian packages:$missing" >&2
	echo "alertd: run as root:  $cmd" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends $missing ||
	{ apt-get update -q && apt-get install -y -q --no-install-recommends $missing; }
