#!/bin/sh
# contrib/bench/run.sh BUILD: the side-by-side benchmark (make bench).
#
# Starts alertd (BUILD/alertd) and Debian's Alertmanager 0.25 with the
# same configuration on free 127.0.0.1 ports, drives both with
# BUILD/loadgen in the same run (repeats interleaved, so load from other
# processes falls on both), and writes one table with the median, min and
# max per figure, and the ratio alertd/Alertmanager, to
# BUILD/bench/results.md (raw figures in raw.tsv, daemon logs in logs/).
#
# Environment:
#   BENCH_QUICK=1       small sizes, 2 repeats: a few minutes, for development
#   BENCH_REPEATS=N     repeats per figure (default 3)
#   BENCH_CONNS=N       client connections for the ingest runs (default 8)
#   BENCH_AM_1M=0       skip Alertmanager at 1M alerts (default: measured
#                       once, in the first repeat only: it takes minutes)
#   BENCH_ONLY="1 4"    run only these scenarios (1..8)
#   ALERTMANAGER=path   the Alertmanager binary (prometheus-alertmanager)
#
# CPU-seconds are the daemon's own, read from /proc before and after each
# run; they are steadier than wall-clock rates on a shared machine.

set -u

B=${1:-build}
LG=$B/loadgen
AD=$B/alertd
CTL=$B/alertctl
AMTOOL=${AMTOOL:-amtool}
AM_TMPL=${AM_TMPL:-/usr/share/gocode/src/github.com/prometheus/alertmanager/template}
AM=${ALERTMANAGER:-prometheus-alertmanager}
OUT=$B/bench
QUICK=${BENCH_QUICK:-0}
CONNS=${BENCH_CONNS:-8}
ONLY=${BENCH_ONLY:-1 2 3 4 5 6 7 8}
TICK=$(getconf CLK_TCK)

if [ "$QUICK" = 1 ]; then
	REPEATS=${BENCH_REPEATS:-2}
	N_B1=5000 N_BIG=20000
	RS_SMALL=10000 RS_SMALL_ROUNDS=2 RS_BIG=0 RS_BIG_ROUNDS=1
	MEM_STEPS="10000 100000"
	GET_STEPS="10000" GET_N_SMALL=3 GET_N_BIG=1
	SIL_ALERTS=2000 SIL_INGEST=20000 SIL_STEPS="0 1000 10000"
	DISPATCH_GROUPS=1000 STARTUP_SILENCES=1000
else
	REPEATS=${BENCH_REPEATS:-3}
	N_B1=30000 N_BIG=100000
	RS_SMALL=10000 RS_SMALL_ROUNDS=5 RS_BIG=100000 RS_BIG_ROUNDS=1
	MEM_STEPS="10000 100000 1000000"
	GET_STEPS="10000 100000" GET_N_SMALL=3 GET_N_BIG=1
	SIL_ALERTS=5000 SIL_INGEST=100000 SIL_STEPS="0 1000 10000"
	DISPATCH_GROUPS=10000 STARTUP_SILENCES=10000
fi
SYSTEMS="ad am"
NEEDLE='"fingerprint":'

# die MSG: stop the whole run, also from inside $(...): the main shell
# gets SIGUSR1, and its trap exits through cleanup.
die() {
	echo "bench: $*" >&2
	kill -USR1 $$ 2>/dev/null
	exit 1
}
trap 'exit 1' USR1

[ -x "$LG" ] || die "$LG missing (make bench builds it)"
[ -x "$AD" ] || die "$AD missing (make bench builds it)"
command -v "$AM" >/dev/null 2>&1 ||
	die "$AM not found (apt-get install prometheus-alertmanager)"

TMP=$(mktemp -d /tmp/alertd-bench.XXXXXX) || die "mktemp failed"
mkdir -p "$OUT/logs" || die "cannot create $OUT"
RAW=$OUT/raw.tsv
FIGS=$TMP/figs.tsv
NOTES=$TMP/notes.txt
: >"$RAW"
: >"$FIGS"
: >"$NOTES"
PID_ad="" PID_am="" SINK_PID=""

# ------------------------------------------------------------ daemons --

cleanup() {
	for s in $SYSTEMS; do
		stop "$s"
	done
	if [ -n "$SINK_PID" ]; then
		kill "$SINK_PID" 2>/dev/null
		wait "$SINK_PID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

name() {
	case $1 in ad) echo alertd ;; am) echo Alertmanager ;; esac
}

# start SYS CONFIG DATADIR: fresh daemon on a free port; sets PID_SYS,
# ADDR_SYS.  Another program may take the port between our probe and the
# daemon's bind: then it exits, and we try another port.
start() {
	local port log try=1

	log=$OUT/logs/$1.log
	while :; do
		port=$("$LG" port) || die "no free port"
		echo "=== $(date -u +%FT%TZ) $3 port $port" >>"$log"
		case $1 in
		ad) "$AD" --config.file="$2" --storage.path="$3" \
			--web.listen-address="127.0.0.1:$port" \
			--cluster.listen-address= >>"$log" 2>&1 &
			;;
		am) "$AM" --config.file="$2" --storage.path="$3" \
			--web.listen-address="127.0.0.1:$port" \
			--cluster.listen-address= >>"$log" 2>&1 &
			;;
		esac
		eval "PID_$1=$! ADDR_$1=127.0.0.1:$port"
		"$LG" ready "127.0.0.1:$port" 60 "$(pid "$1")" 2>>"$log" && return
		stop "$1"
		[ $try -lt 3 ] || break
		try=$((try + 1))
	done
	tail -n 20 "$log" >&2
	die "$(name "$1") did not become ready (log: $log)"
}

# stop SYS: SIGTERM, then SIGKILL after 30 s.
stop() {
	local p i

	eval "p=\$PID_$1"
	[ -n "$p" ] || return 0
	kill "$p" 2>/dev/null
	i=0
	while kill -0 "$p" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	eval "PID_$1=''"
}

addr() { eval "echo \$ADDR_$1"; }
pid() { eval "echo \$PID_$1"; }

# CPU seconds the daemon has used so far: the sum over its threads of
# the scheduler's run time (nanoseconds) when the kernel keeps it, else
# utime+stime from /proc/PID/stat (10 ms ticks).  Both daemons keep their
# threads for their lifetime (MHD pool, Go's Ms), so the sum loses nothing.
cpu() {
	local p

	p=$(pid "$1")
	if [ -r "/proc/$p/schedstat" ]; then
		cat "/proc/$p"/task/*/schedstat 2>/dev/null |
		    awk '{ s += $1 } END { printf "%.4f\n", s / 1e9 }'
	else
		awk -v t="$TICK" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / t }' \
		    "/proc/$p/stat"
	fi
}

# Resident set size in kB.
rss() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$(pid "$1")/status"
}

# ------------------------------------------------------------ records --

# jget JSON KEY: a number from loadgen's one-line JSON.
jget() {
	printf '%s\n' "$1" | sed -n "s/.*\"$2\":\([-0-9.e+]*\).*/\1/p"
}

calc() { awk "BEGIN { printf \"%.6g\n\", $1 }"; }

# fig ID LABEL UNIT TARGET: declare a figure once; the table keeps this order.
# TARGET: r>=X / r<=X on the ratio alertd/Alertmanager, a<=X on alertd's
# value, "" for none, "-" for no ratio either.
fig() {
	grep -q "^$1	" "$FIGS" || printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$FIGS"
}

rec() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RAW"; }

# na ID SYS REASON: no figure, and why.
na() {
	local line="- $1, $(name "$2"): n/a: $3"

	rec "$1" "$2" NA
	grep -qxF -- "$line" "$NOTES" || echo "$line" >>"$NOTES"
}

note() { echo "- $*" >>"$NOTES"; }

# lg SYS ARGS...: run loadgen against SYS; fail the bench on an error.
lg() {
	local sys=$1 mode=$2 out

	shift 2
	if ! out=$("$LG" "$mode" "$(addr "$sys")" "$@" 2>"$TMP/lg.err"); then
		cat "$TMP/lg.err" >&2
		tail -n 20 "$OUT/logs/$sys.log" >&2
		die "loadgen $mode $* against $(name "$sys") failed"
	fi
	echo "$out"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

scenario() {
	echo "--- scenario $1 ($(date -u +%T), load $(loadavg))" >&2
	note "scenario $1 started at load average $(loadavg)"
}

wants() {
	case " $ONLY " in *" $1 "*) return 0 ;; esac
	return 1
}

# ------------------------------------------------------------- configs --

# The same configuration for both.  The receiver has no integration: the
# figures are about ingest, storage and the API; group_wait is long so no
# flush runs while a figure is measured (scenario 6 has its own config).
CFG=$TMP/bench.yml
cat >"$CFG" <<'EOF'
global:
  resolve_timeout: 5m
route:
  receiver: blackhole
  group_by: ['alertname', 'job']
  group_wait: 10m
  group_interval: 10m
  repeat_interval: 4h
receivers:
  - name: blackhole
EOF

fresh() { d=$(mktemp -d "$TMP/data.XXXXXX") && echo "$d"; }

# ingest SYS ID BATCH CONNS TOTAL SEED ROUNDS: one measured ingest run;
# records ID.rate, ID.cpu and, unless INGEST_BRIEF=1, ID.p50, ID.p99; with
# INGEST_GEN=1 also the load generator's CPU (ID.gen, ID.busy).
ingest() {
	local sys=$1 id=$2 c0 c1 j items gen dcpu

	c0=$(cpu "$sys")
	j=$(lg "$sys" alerts "$3" "$4" "$5" "$6" "$7")
	c1=$(cpu "$sys")
	items=$(jget "$j" items)
	gen=$(jget "$j" gen_cpu_s)
	dcpu=$(calc "$c1 - $c0")
	LAST_CPU100K=$(calc "$dcpu / $items * 100000")
	rec "$id.rate" "$sys" "$(jget "$j" items_per_s)"
	rec "$id.cpu" "$sys" "$LAST_CPU100K"
	[ "${INGEST_BRIEF:-0}" = 1 ] && return
	rec "$id.p50" "$sys" "$(jget "$j" p50_ms)"
	rec "$id.p99" "$sys" "$(jget "$j" p99_ms)"
	[ "${INGEST_GEN:-0}" = 1 ] || return
	rec "$id.gen" "$sys" "$(calc "$gen / ($dcpu > 0 ? $dcpu : 0.01)")"
	rec "$id.busy" "$sys" "$(calc "$gen / $(jget "$j" seconds) * 100")"
}

ingest_figs() {
	fig "$1.rate" "$2: alerts/s" "alerts/s" "$3"
	fig "$1.p50" "$2: p50 latency per request" "ms" ""
	fig "$1.p99" "$2: p99 latency per request" "ms" ""
	fig "$1.cpu" "$2: daemon CPU per 100k alerts" "CPU-s" "$4"
	[ "${INGEST_GEN:-0}" = 1 ] || return
	fig "$1.gen" "$2: load generator CPU / daemon CPU" "ratio" "-"
	fig "$1.busy" "$2: load generator busy (one thread)" "% of a core" "-"
}

# --------------------------------------------------------- scenario 1 --

s1_ingest() {
	scenario "1: ingest"
	INGEST_GEN=1
	for b in 1 64 100; do
		if [ "$b" = 1 ]; then
			ingest_figs "1.b$b" "1. ingest, batch $b, $CONNS conns, $N_B1 new alerts" \
			    "r>=3" "r<=0.333"
		else
			ingest_figs "1.b$b" "1. ingest, batch $b, $CONNS conns, $N_BIG new alerts" \
			    "r>=10" "r<=0.1"
		fi
	done
	r=1
	while [ $r -le "$REPEATS" ]; do
		for b in 1 64 100; do
			[ "$b" = 1 ] && n=$N_B1 || n=$N_BIG
			for s in $SYSTEMS; do
				start "$s" "$CFG" "$(fresh)"
				ingest "$s" "1.b$b" "$b" "$CONNS" "$n" 0 1
				stop "$s"
			done
		done
		r=$((r + 1))
	done
	INGEST_GEN=0
}

# --------------------------------------------------------- scenario 2 --

s2_resend() {
	scenario "2: re-send of active alerts"
	for pair in "$RS_SMALL:$RS_SMALL_ROUNDS" "$RS_BIG:$RS_BIG_ROUNDS"; do
		n=${pair%:*} rounds=${pair#*:}
		[ "$n" -gt 0 ] || continue
		ingest_figs "2.n$n" "2. re-send of $n active alerts ×$rounds, batch 64" \
		    "" ""
		for s in $SYSTEMS; do
			start "$s" "$CFG" "$(fresh)"
			lg "$s" alerts 64 "$CONNS" "$n" 0 1 >/dev/null
		done
		r=1
		while [ $r -le "$REPEATS" ]; do
			for s in $SYSTEMS; do
				ingest "$s" "2.n$n" 64 "$CONNS" "$n" 0 "$rounds"
			done
			r=$((r + 1))
		done
		for s in $SYSTEMS; do
			stop "$s"
		done
	done
}

# --------------------------------------------------------- scenario 3 --

s3_memory() {
	scenario "3: memory"
	for n in $MEM_STEPS; do
		fig "3.m$n" "3. RSS per active alert at $n alerts" "bytes" "r<=0.1"
	done
	fig "3.idle" "3. RSS at idle" "MB" ""
	r=1
	while [ $r -le "$REPEATS" ]; do
		for s in $SYSTEMS; do
			start "$s" "$CFG" "$(fresh)"
			sleep 1
			idle=$(rss "$s")
			rec 3.idle "$s" "$(calc "$idle / 1024")"
			have=0
			for n in $MEM_STEPS; do
				if [ "$s" = am ] && [ "$n" -ge 1000000 ] &&
				    { [ "${BENCH_AM_1M:-1}" = 0 ] || [ $r -gt 1 ]; }; then
					[ "${BENCH_AM_1M:-1}" = 0 ] &&
					    na "3.m$n" am "skipped (BENCH_AM_1M=0)"
					continue
				fi
				# Chunks of 100k keep loadgen's prepared bodies small.
				while [ $have -lt "$n" ]; do
					k=$((n - have))
					[ $k -gt 100000 ] && k=100000
					lg "$s" alerts 100 4 "$k" "$have" >/dev/null
					have=$((have + k))
				done
				sleep 2
				kb=$(rss "$s")
				rec "3.m$n" "$s" "$(calc "($kb - $idle) * 1024 / $n")"
			done
			stop "$s"
		done
		r=$((r + 1))
	done
	case " $MEM_STEPS " in *" 1000000 "*)
		[ "${BENCH_AM_1M:-1}" = 0 ] ||
		    note "3. Alertmanager at 1M alerts is measured in the first repeat only (its ingest of 1M alerts takes minutes here); alertd in every repeat" ;;
	esac
}

# --------------------------------------------------------- scenario 4 --

# The filters select 1/150 of the alerts: alertname="Bench7", severity=~"crit.*".
FILTER='filter=alertname%3D%22Bench7%22&filter=severity%3D~%22crit.%2A%22'

s4_get() {
	scenario "4: GET latency"
	for s in $SYSTEMS; do
		start "$s" "$CFG" "$(fresh)"
	done
	have=0
	for n in $GET_STEPS; do
		[ "$n" -ge 100000 ] && cnt=$GET_N_BIG || cnt=$GET_N_SMALL
		for s in $SYSTEMS; do
			h=$have
			while [ "$h" -lt "$n" ]; do
				k=$((n - h))
				[ $k -gt 100000 ] && k=100000
				lg "$s" alerts 100 4 "$k" "$h" >/dev/null
				h=$((h + k))
			done
		done
		have=$n
		for ep in "alerts:/api/v2/alerts" "alertsf:/api/v2/alerts?$FILTER" \
		    "groups:/api/v2/alerts/groups" "groupsf:/api/v2/alerts/groups?$FILTER"; do
			key=${ep%%:*} path=${ep#*:}
			case $key in
			alerts) lbl="GET /api/v2/alerts" ;;
			alertsf) lbl="GET /api/v2/alerts?filter (1/150)" ;;
			groups) lbl="GET /api/v2/alerts/groups" ;;
			groupsf) lbl="GET /api/v2/alerts/groups?filter (1/150)" ;;
			esac
			fig "4.$key.$n" "4. $lbl at $n alerts, median latency" "ms" ""
			r=1
			while [ $r -le "$REPEATS" ]; do
				for s in $SYSTEMS; do
					j=$(lg "$s" get "$path" 1 "$cnt" "$NEEDLE")
					eval "M_$s=$(jget "$j" matches)"
					rec "4.$key.$n" "$s" "$(jget "$j" p50_ms)"
				done
				r=$((r + 1))
			done
			if [ "$key" != "${key#groups}" ] && [ "$M_ad" = 0.0 ] &&
			    [ "$M_am" != 0.0 ]; then
				sed -i "/^4\.$key\.$n	ad	/d" "$RAW"
				na "4.$key.$n" ad "no aggregation groups: the dispatcher is not in this build (it answers [])"
			elif [ "$M_ad" != "$M_am" ]; then
				note "4. $lbl at $n: alerts in the answers differ: alertd $M_ad, Alertmanager $M_am"
			fi
		done
	done
	for s in $SYSTEMS; do
		stop "$s"
	done
}

# --------------------------------------------------------- scenario 5 --

s5_silences() {
	scenario "5: silences"
	last=$(echo "$SIL_STEPS" | awk '{ print $NF }')
	for k in $SIL_STEPS; do
		[ "$k" = 0 ] && continue
		# The target (GET ≥100× faster) is for 10k silences.
		[ "$k" = 10000 ] && t="r<=0.01" || t=""
		fig "5.create$k" "5. create $k silences (regex matchers), 4 conns" "silences/s" ""
		fig "5.cold$k" "5. first GET /api/v2/alerts after $k silences were created, $SIL_ALERTS alerts" "ms" "$t"
		fig "5.warm$k" "5. next GETs /api/v2/alerts, $k silences, $SIL_ALERTS alerts (median)" "ms" "$t"
	done
	for k in $SIL_STEPS; do
		fig "5.ingest$k.cpu" "5. ingest with $k silences, batch 64: daemon CPU per 100k alerts" "CPU-s" ""
		fig "5.ingest$k.rate" "5. ingest with $k silences, batch 64: alerts/s" "alerts/s" ""
	done
	fig "5.slow" "5. ingest CPU with $last silences / with none" "ratio" "a<=1.2"
	r=1
	while [ $r -le "$REPEATS" ]; do
		for s in $SYSTEMS; do
			base=""
			for k in $SIL_STEPS; do
				start "$s" "$CFG" "$(fresh)"
				lg "$s" alerts 100 4 "$SIL_ALERTS" 0 >/dev/null
				if [ "$k" -gt 0 ]; then
					j=$(lg "$s" silences 4 "$k" regex)
					rec "5.create$k" "$s" "$(jget "$j" items_per_s)"
					j=$(lg "$s" get /api/v2/alerts 1 1 "$NEEDLE")
					rec "5.cold$k" "$s" "$(jget "$j" p50_ms)"
					j=$(lg "$s" get /api/v2/alerts 1 3 "$NEEDLE")
					rec "5.warm$k" "$s" "$(jget "$j" p50_ms)"
				fi
				INGEST_BRIEF=1
				ingest "$s" "5.ingest$k" 64 "$CONNS" "$SIL_INGEST" \
				    1000000 1
				INGEST_BRIEF=0
				[ "$k" = 0 ] && base=$LAST_CPU100K
				if [ "$k" = "$last" ] && [ -n "$base" ]; then
					rec 5.slow "$s" "$(calc "$LAST_CPU100K / $base")"
				fi
				stop "$s"
			done
		done
		r=$((r + 1))
	done
}

# --------------------------------------------------------- scenario 6 --

s6_dispatch() {
	scenario "6: dispatch to a webhook"
	n=$DISPATCH_GROUPS
	fig 6.rate "6. dispatch: $n groups to a webhook, notifications/s" "notif/s" "r>=5"
	fig 6.all "6. dispatch: time until all $n delivered (after group_wait 1s)" "s" ""
	fig 6.cpu "6. dispatch: daemon CPU for $n notifications" "CPU-s" ""
	fig 6.sink "6. webhook sink CPU / daemon CPU" "ratio" "-"
	fig 6.conns "6. connections the daemon opened to the sink" "conns" "-"
	sport=$("$LG" port) || die "no free port"
	dcfg=$TMP/dispatch.yml
	cat >"$dcfg" <<EOF
route:
  receiver: sink
  group_by: ['instance']
  group_wait: 1s
  group_interval: 10m
  repeat_interval: 4h
receivers:
  - name: sink
    webhook_configs:
      - url: 'http://127.0.0.1:$sport/'
        send_resolved: false
EOF
	why=""
	if ! "$AD" --config.check --config.file="$dcfg" >"$TMP/check.out" 2>&1; then
		why=$(head -n1 "$TMP/check.out" | sed "s|^.*: receivers|receivers|" | cut -c1-160)
		why="config with a webhook receiver does not load: ${why:-see alertd --config.check}"
	elif [ "${NO_DISPATCHER:-0}" = 1 ]; then
		why="the dispatcher is not in this build"
	fi
	if [ -n "$why" ]; then
		na 6.rate ad "$why"
		na 6.all ad "see 6.rate"
		na 6.cpu ad "see 6.rate"
		na 6.sink ad "see 6.rate"
		na 6.conns ad "see 6.rate"
		SKIP_ad=1
	fi
	r=1
	while [ $r -le "$REPEATS" ]; do
		for s in $SYSTEMS; do
			eval "skip=\${SKIP_$s:-0}"
			[ "$skip" = 1 ] && continue
			s6_one "$s" "$n" "$dcfg" "$sport"
		done
		r=$((r + 1))
	done
}

# s6_one SYS N CONFIG SINKPORT
s6_one() {
	local c0 c1 j t0 i e got first last alerts

	"$LG" sink "$4" "$2" >"$TMP/sink.out" 2>"$TMP/sink.err" &
	SINK_PID=$!
	start "$1" "$3" "$(fresh)"
	c0=$(cpu "$1")
	j=$(lg "$1" alerts 100 4 "$2" 0)
	t0=$(jget "$j" t0)
	i=0
	while ! grep -q '"expected"' "$TMP/sink.out" && [ $i -lt 1200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	c1=$(cpu "$1")
	kill "$SINK_PID" 2>/dev/null
	wait "$SINK_PID" 2>/dev/null
	SINK_PID=""
	stop "$1"
	e=$(grep '"expected"' "$TMP/sink.out")
	if [ -z "$e" ]; then
		got=$(jget "$(tail -n1 "$TMP/sink.out")" requests)
		for f in rate all cpu sink conns; do
			na "6.$f" "$1" "only ${got:-0} of $2 notifications within 60 s"
		done
		# Nothing at all: not wired in this build; no use repeating.
		[ "${got:-0}" = 0 ] && eval "SKIP_$1=1"
		return
	fi
	first=$(jget "$e" first) last=$(jget "$e" last)
	rec 6.rate "$1" "$(calc "$2 / ($last - $first)")"
	rec 6.all "$1" "$(calc "$last - $t0 - 1")"
	rec 6.cpu "$1" "$(calc "$c1 - $c0")"
	rec 6.sink "$1" "$(calc "$(jget "$e" sink_cpu_s) / ($c1 - $c0)")"
	rec 6.conns "$1" "$(jget "$e" conns)"
	alerts=$(jget "$e" alerts)
	[ "$alerts" = "$2" ] ||
	    note "6. $(name "$1"): the sink received $alerts alerts in $2 notifications"
}

# --------------------------------------------------------- scenario 7 --

s7_startup() {
	scenario "7: start-up"
	k=$STARTUP_SILENCES
	fig 7.empty "7. start-up to ready, empty storage" "ms" ""
	fig 7.sil "7. start-up to ready with $k persisted silences" "ms" "r<=0.2"
	for s in $SYSTEMS; do
		d=$(fresh)
		eval "DIR7_$s=\$d"
		start "$s" "$CFG" "$d"
		lg "$s" silences 4 "$k" regex >/dev/null
		stop "$s"
	done
	r=1
	while [ $r -le "$REPEATS" ]; do
		for s in $SYSTEMS; do
			eval "d=\$DIR7_$s"
			s7_one "$s" 7.sil "$d"
			s7_one "$s" 7.empty "$(fresh)"
		done
		r=$((r + 1))
	done
	# The silences did come back.
	for s in $SYSTEMS; do
		eval "d=\$DIR7_$s"
		start "$s" "$CFG" "$d"
		got=$(jget "$(lg "$s" get /api/v2/silences 1 1 '"createdBy":')" matches)
		stop "$s"
		[ "${got%.*}" = "$k" ] ||
		    die "$(name "$s") has ${got%.*} silences after a restart, not $k"
	done
}

# s7_one SYS ID DATADIR
s7_one() {
	local port log s id j

	port=$("$LG" port) || die "no free port"
	log=$OUT/logs/$1.log
	case $1 in
	ad) set -- "$1" "$2" "$AD" --config.file="$CFG" --storage.path="$3" \
		--web.listen-address="127.0.0.1:$port" --cluster.listen-address= ;;
	am) set -- "$1" "$2" "$AM" --config.file="$CFG" --storage.path="$3" \
		--web.listen-address="127.0.0.1:$port" --cluster.listen-address= ;;
	esac
	s=$1 id=$2
	shift 2
	j=$("$LG" startup "127.0.0.1:$port" 60 "$@" 2>>"$log") ||
		die "$(name "$s") did not start (log: $log)"
	rec "$id" "$s" "$(calc "$(jget "$j" ready_s) * 1000")"
}

# --------------------------------------------------------- scenario 8 --

# Rendering the default Slack and email templates for one group of 1,000
# alerts: alertctl template render --template.defaults against amtool
# template render with Alertmanager's own default.tmpl and email.tmpl
# (amtool 0.25 does not load them by itself; they come with
# golang-github-prometheus-alertmanager-dev).  Each process renders the
# template text repeated REP times (200 for Slack's short fields, 5 for
# the email); a figure is the best of 3 such runs minus the best of 3 runs
# of a constant template with the same data, divided by REP: one
# rendering, without process start-up and reading the JSON data.

# s8_data FILE N: a template.Data JSON of one firing group of N alerts.
s8_data() {
	awk -v n="$2" 'BEGIN {
		printf "{\"receiver\":\"team-x\",\"status\":\"firing\",\"alerts\":["
		for (i = 0; i < n; i++) {
			printf "%s{\"status\":\"firing\",\"labels\":{\"alertname\":\"HighLatency\",\"job\":\"api\",\"instance\":\"host%d:9100\",\"severity\":\"page\",\"team\":\"t%d\",\"region\":\"r%d\",\"service\":\"s%d\",\"env\":\"prod\"},", i ? "," : "", i, i % 20, i % 4, i % 200
			printf "\"annotations\":{\"summary\":\"High latency on host%d\",\"description\":\"p99 above 1s on host%d for 10m\"},", i, i
			printf "\"startsAt\":\"2026-11-25T10:00:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"http://prom.example:9090/graph?g0.expr=up\",\"fingerprint\":\"%016x\"}", i
		}
		printf "],\"groupLabels\":{\"alertname\":\"HighLatency\",\"job\":\"api\"},\"commonLabels\":{\"alertname\":\"HighLatency\",\"env\":\"prod\",\"job\":\"api\",\"severity\":\"page\"},\"commonAnnotations\":{},\"externalURL\":\"http://am.example:9093\"}\n"
	}' >"$1"
}

# s8_run SYS TYPE TEXT: one render; prints its wall-clock milliseconds.
s8_run() {
	local t0 t1

	t0=$(date +%s%N)
	case $1 in
	ad) "$CTL" template render --template.defaults \
		--template.glob="$TMP/none.tmpl" --template.data="$TMP/t8.json" \
		--template.type="$2" --template.text="$3" >"$TMP/t8.$1" ||
		die "alertctl template render failed" ;;
	am) "$AMTOOL" template render --template.glob="$AM_TMPL/default.tmpl" \
		--template.glob="$AM_TMPL/email.tmpl" \
		--template.data="$TMP/t8.json" --template.type="$2" \
		--template.text="$3" >"$TMP/t8.$1" ||
		die "amtool template render failed" ;;
	esac
	t1=$(date +%s%N)
	calc "($t1 - $t0) / 1000000"
}

# s8_best SYS TYPE TEXT: the best of 3 renders, in ms.
s8_best() {
	local best="" i v

	for i in 1 2 3; do
		v=$(s8_run "$@")
		best=$(calc "${best:-$v} < $v ? ${best:-$v} : $v")
	done
	echo "$best"
}

s8_templates() {
	local slack email r s base v i

	# rep N TEXT: TEXT N times
	rep() {
		i=0
		while [ $i -lt "$1" ]; do printf '%s' "$2"; i=$((i + 1)); done
	}

	scenario "8: default templates, 1,000-alert group"
	if ! command -v "$AMTOOL" >/dev/null 2>&1 ||
	    [ ! -f "$AM_TMPL/default.tmpl" ]; then
		note "scenario 8 skipped: amtool or $AM_TMPL/default.tmpl missing"
		return
	fi
	s8_data "$TMP/t8.json" 1000
	echo '{{ define "bench.none" }}{{ end }}' >"$TMP/none.tmpl"
	slack='{{ template "slack.default.title" . }}{{ template "slack.default.username" . }}{{ template "slack.default.fallback" . }}{{ template "slack.default.callbackid" . }}{{ template "slack.default.pretext" . }}{{ template "slack.default.titlelink" . }}{{ template "slack.default.iconemoji" . }}{{ template "slack.default.iconurl" . }}{{ template "slack.default.text" . }}{{ template "slack.default.footer" . }}'
	email='{{ template "email.default.subject" . }}{{ template "email.default.html" . }}'
	fig 8.slack "8. render the default Slack fields, 1,000 alerts" "ms" ""
	fig 8.email "8. render email.default.subject and .html, 1,000 alerts" "ms" ""
	fig 8.same "8. output identical to Alertmanager's (1 = yes)" "bool" "-"
	r=1
	while [ $r -le "$REPEATS" ]; do
		for s in $SYSTEMS; do
			base=$(s8_best "$s" text 'x')
			v=$(s8_best "$s" text "$(rep 200 "$slack")")
			rec 8.slack "$s" "$(calc "($v > $base ? $v - $base : 0) / 200")"
			v=$(s8_best "$s" html "$(rep 5 "$email")")
			rec 8.email "$s" "$(calc "($v > $base ? $v - $base : 0) / 5")"
		done
		r=$((r + 1))
	done
	# The same bytes as Alertmanager (the emails' last render is in t8.*).
	same=1
	cmp -s "$TMP/t8.ad" "$TMP/t8.am" || same=0
	s8_run ad text "$slack" >/dev/null
	s8_run am text "$slack" >/dev/null
	cmp -s "$TMP/t8.ad" "$TMP/t8.am" || same=0
	rec 8.same ad "$same"
	rec 8.same am 1
}

# -------------------------------------------------------------- table --

# Median, min and max per figure and system; the ratio alertd/Alertmanager
# per repeat (paired by order) when both have as many values, else of the
# medians.
table() {
	awk -F '\t' -v notes="$NOTES" '
	function fmt(v) {
		if (v == "") return "n/a"
		if (v < 0) return sprintf("%.3g", v)
		if (v >= 100) return sprintf("%.0f", v)
		if (v >= 10) return sprintf("%.1f", v)
		if (v >= 1) return sprintf("%.2f", v)
		return sprintf("%.3g", v)
	}
	function sortn(a, n,    i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
	}
	function med(a, n) {
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	# stats(a, n): "median (min–max)" into S, median into M
	function stats(a, n,    b, i) {
		if (n == 0) { S = "n/a"; M = ""; return }
		for (i = 1; i <= n; i++) b[i] = a[i]
		sortn(b, n)
		M = med(b, n)
		S = n == 1 ? fmt(M) : fmt(M) " (" fmt(b[1]) "–" fmt(b[n]) ")"
	}
	FNR == NR { order[++nf] = $1; label[$1] = $2; unit[$1] = $3; tgt[$1] = $4; next }
	$3 == "NA" { next }
	{ k = $1 SUBSEP $2; v[k, ++cnt[k]] = $3 + 0 }
	END {
		print "| Figure | Unit | alertd median (min–max) | Alertmanager median (min–max) | alertd/AM median (min–max) | Target | |"
		print "|---|---|---|---|---|---|---|"
		for (i = 1; i <= nf; i++) {
			f = order[i]
			na_ = cnt[f SUBSEP "ad"] + 0; nm = cnt[f SUBSEP "am"] + 0
			for (j = 1; j <= na_; j++) a[j] = v[f SUBSEP "ad", j]
			for (j = 1; j <= nm; j++) m[j] = v[f SUBSEP "am", j]
			stats(a, na_); sa = S; ma = M
			stats(m, nm); sm = S; mm = M
			rs = "n/a"; rm = ""
			if (tgt[f] == "-") {
				rs = ""; tgt[f] = ""
			} else if (na_ > 0 && na_ == nm) {
				nr = 0
				for (j = 1; j <= na_; j++)
					if (m[j] != 0) rr[++nr] = a[j] / m[j]
				stats(rr, nr); rs = S; rm = M
			} else if (ma != "" && mm != "" && mm != 0) {
				rm = ma / mm; rs = fmt(rm)
			}
			t = tgt[f]; verdict = ""; shown = ""
			if (t != "") {
				kind = substr(t, 1, 1); op = substr(t, 2, 2); x = substr(t, 4) + 0
				val = kind == "a" ? ma : rm
				shown = (kind == "a" ? "alertd " : "") op " " x
				gsub(/>=/, "≥", shown); gsub(/<=/, "≤", shown)
				if (val == "") verdict = "n/a"
				else if ((op == ">=" && val >= x) || (op == "<=" && val <= x))
					verdict = "met"
				else if (op == ">=")
					verdict = sprintf("**missed**: %.4g of %g", val, x)
				else
					verdict = sprintf("**missed**: %.3g× over", val / x)
			}
			printf "| %s | %s | %s | %s | %s | %s | %s |\n", label[f], unit[f], sa, sm, rs, shown, verdict
		}
	}' "$FIGS" "$RAW"
}

machine() {
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), $(nproc) cores; $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM"
	echo "- kernel: $(uname -sr)"
	echo "- alertd: $(git -C "$B/.." describe --always --dirty 2>/dev/null || echo unknown) ($("$AD" --version 2>&1 | head -n1))"
	echo "- Alertmanager: $("$AM" --version 2>&1 | head -n1)"
	echo "- load average at start: $LOAD0; at end: $(loadavg)"
	echo "- repeats: $REPEATS$([ "$QUICK" = 1 ] && echo ' (BENCH_QUICK=1: small sizes)')"
}

# Whether this alertd build routes and groups alerts: until the dispatcher
# lands its ingest skips work Alertmanager's includes; say so.
probe_dispatcher() {
	local j

	start ad "$CFG" "$(fresh)"
	lg ad alerts 1 1 1 >/dev/null
	j=$(lg ad get /api/v2/alerts/groups 1 1 '"labels":')
	stop ad
	[ "$(jget "$j" matches)" != 0.0 ] && return
	NO_DISPATCHER=1
	note "this alertd build has no dispatcher (GET /api/v2/alerts/groups answers []): its ingest and memory figures leave out routing and aggregation groups, which Alertmanager's include"
}

# --------------------------------------------------------------- main --

LOAD0=$(loadavg)
probe_dispatcher
T0=$(date +%s)
echo "bench: results in $OUT/results.md (load average $LOAD0)" >&2
wants 1 && s1_ingest
wants 2 && s2_resend
wants 3 && s3_memory
wants 4 && s4_get
wants 5 && s5_silences
wants 6 && s6_dispatch
wants 7 && s7_startup
wants 8 && s8_templates
{
	echo "## Benchmark: alertd vs Alertmanager 0.25"
	echo
	machine
	echo "- duration: $(( $(date +%s) - T0 )) s"
	echo
	table
	echo
	echo "Ratios are alertd/Alertmanager per repeat (median, min–max): above 1"
	echo "alertd is higher (better for rates, worse for latency, memory, CPU)."
	echo "CPU-s are the daemon's CPU time (/proc/PID/task/*/schedstat);"
	echo "\"load generator CPU / daemon CPU\" shows the generator is not the"
	echo "bottleneck."
	echo
	echo "Notes:"
	cat "$NOTES"
} >"$OUT/results.md"
cat "$OUT/results.md"
