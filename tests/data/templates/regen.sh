#!/bin/sh
# Regenerates the expected outputs of the template corpus from the real
# renderers, so that their provenance is reproducible:
#
#   source amtool (default)  amtool 0.25 (Debian prometheus-alertmanager):
#                            amtool template render --template.text=...
#   source newer             functions of later Alertmanager releases that
#                            amtool 0.25 lacks: newer/render.go (Go's
#                            text/template and html/template with
#                            Alertmanager 0.25's Data and functions plus
#                            the later ones, written after their source)
#   source manual            expected output written by hand (KV.String,
#                            Alertmanager 0.26+), never regenerated
#
# Each case is a directory cases/NAME with
#   template   the --template.text value (bytes as they are)
#   args       one option per line:
#                type html        --template.type=html
#                data FILE        --template.data=data/FILE ("none": amtool's
#                                 built-in sample data)
#                glob FILE        --template.glob=tmpl/FILE (in order)
#                defaults         Alertmanager's default.tmpl and email.tmpl
#                                 (alertd renders its own embedded defaults)
#                later-defaults   use a later release's default.tmpl, from
#                                 $AM_LATER_DEFAULT (Alertmanager main's
#                                 template/default.tmpl); skipped if unset
#                source ...       see above
#   expected   stdout of a successful render, or
#   error      the error message: amtool's stderr without "amtool: error: "
#              and the two trailing newlines
#
# Usage: tests/data/templates/regen.sh [case ...]
set -e
cd "$(dirname "$0")"
AMTEMPL=${AMTEMPL:-/usr/share/gocode/src/github.com/prometheus/alertmanager/template}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

render_newer() {
	if [ ! -x "$tmp/render" ]; then
		(cd newer && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= \
		    go build -o "$tmp/render" render.go)
	fi
	"$tmp/render" "$@"
}

regen_case() {
	dir=$1
	source=amtool type=text data=firing.json later=no
	set --
	while read -r key val; do
		case $key in
		type) type=$val ;;
		data) data=$val ;;
		glob) set -- "$@" "--template.glob=tmpl/$val" ;;
		defaults) set -- "--template.glob=@DEFAULT@" \
		    "--template.glob=$AMTEMPL/email.tmpl" "$@" ;;
		later-defaults) later=yes ;;
		source) source=$val ;;
		esac
	done <"$dir/args"
	[ "$source" = manual ] && return 0
	deftmpl=$AMTEMPL/default.tmpl
	if [ $later = yes ]; then
		if [ -z "$AM_LATER_DEFAULT" ]; then
			echo "skip $dir (set AM_LATER_DEFAULT)" >&2
			return 0
		fi
		deftmpl=$AM_LATER_DEFAULT
	fi
	n=0
	for a in "$@"; do
		[ $n -eq 0 ] && set --
		n=$((n + 1))
		case $a in
		*@DEFAULT@*) set -- "$@" "--template.glob=$deftmpl" ;;
		*) set -- "$@" "$a" ;;
		esac
	done
	# amtool requires a glob: one that matches nothing loads no template.
	[ $# -eq 0 ] && set -- "--template.glob=$tmp/none-*"
	[ "$data" != none ] && set -- "$@" "--template.data=data/$data"
	text=$(cat "$dir/template"; printf x)
	text=${text%x}
	rm -f "$dir/expected" "$dir/error"
	if [ "$source" = newer ]; then
		render_newer "$@" --template.type=$type --template.text="$text" \
		    >"$tmp/out" 2>"$tmp/err" && rc=0 || rc=$?
	else
		amtool template render "$@" --template.type=$type \
		    --template.text="$text" >"$tmp/out" 2>"$tmp/err" &&
		    rc=0 || rc=$?
	fi
	if [ $rc -eq 0 ]; then
		cp "$tmp/out" "$dir/expected"
	else
		# "amtool: error: MSG\n\n" -> "MSG"
		sed '1s/^amtool: error: //' "$tmp/err" | awk '
		    { a[NR] = $0 } END { n = NR; while (n > 0 && a[n] == "") n--
		    for (i = 1; i <= n; i++) printf "%s%s", a[i], (i < n ? "\n" : "") }' \
		    >"$dir/error"
	fi
}

if [ $# -eq 0 ]; then
	set -- cases/*/
fi
for c in "$@"; do
	regen_case "${c%/}"
done
