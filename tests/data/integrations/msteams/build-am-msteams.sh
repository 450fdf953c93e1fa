#!/bin/sh
# Builds the Alertmanager that recorded msteams/am-0.25+0.27msteams: Debian's
# Alertmanager 0.25 source (/usr/share/gocode) with Alertmanager 0.27's MS
# Teams notifier (notify/msteams, its MSTeamsConfig, its receiver wiring)
# added unchanged, but for the failure-reason wrapper 0.25 lacks.  0.25
# has no MS Teams integration and Go 0.26+ builds need modules this
# machine does not have, so this is the closest to the real thing:
# Alertmanager's own code sending, with 0.25's HTTP client, JSON encoder
# and template engine.  The msteams.default.* templates of 0.27 are given
# to it as a `templates:` file (msteams-default.tmpl: those and the
# __text_alert_list_markdown they call, copied from 0.27's default.tmpl by
# this script), as 0.25's default.tmpl is compiled in.
#
#   AMGIT=/path/to/alertmanager.git sh build-am-msteams.sh /tmp/am-msteams
#
# AMGIT: a clone of github.com/prometheus/alertmanager with tag v0.27.0.
set -e
AMGIT=${AMGIT:?AMGIT: a git clone of prometheus/alertmanager}
OUT=${1:-/tmp/am-msteams}
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/src/github.com/prometheus"
cp -r /usr/share/gocode/src/github.com/prometheus/alertmanager \
    "$W/src/github.com/prometheus/"
A=$W/src/github.com/prometheus/alertmanager
mkdir -p "$A/notify/msteams"
git -C "$AMGIT" show v0.27.0:notify/msteams/msteams.go |
    sed 's/return shouldRetry, notify.NewErrorWithReason(notify.GetFailureReasonFromStatusCode(resp.StatusCode), err)/return shouldRetry, err/' \
    >"$A/notify/msteams/msteams.go"
git -C "$AMGIT" show v0.27.0:config/notifiers.go >"$W/notifiers27.go"
git -C "$AMGIT" show v0.27.0:template/default.tmpl | /usr/bin/python3 -c '
import re, sys
t = sys.stdin.read()
md = re.search(r"{{ define \"__text_alert_list_markdown\" }}.*?\n{{ end }}\n{{ end }}\n",
               t, re.S).group(0)
ms = t[t.index("{{ define \"msteams.default.summary\""):]
sys.stdout.write(md + "\n" + ms)' >"$HERE/msteams-default.tmpl"
/usr/bin/python3 - "$A" "$W/notifiers27.go" <<'PY'
import re, sys
a, n27 = sys.argv[1], open(sys.argv[2]).read()
def edit(path, old, new):
    p = a + '/' + path
    s = open(p).read()
    assert old in s, (path, old)
    open(p, 'w').write(s.replace(old, new, 1))
default = re.search(r'\tDefaultMSTeamsConfig = MSTeamsConfig\{.*?\n\t\}\n',
                    n27, re.S).group(0)
typ = re.search(r'type MSTeamsConfig struct \{.*?\n\}\n\nfunc \(c \*MSTeamsConfig\)'
                r' UnmarshalYAML.*?\n\}\n', n27, re.S).group(0)
edit('config/notifiers.go', '\tDefaultWebexConfig = ',
     default + '\tDefaultWebexConfig = ')
s = open(a + '/config/notifiers.go').read()
open(a + '/config/notifiers.go', 'w').write(s + '\n' + typ)
edit('config/config.go',
     '\tWebexConfigs     []*WebexConfig     `yaml:"webex_configs,omitempty" json:"webex_configs,omitempty"`\n',
     '\tWebexConfigs     []*WebexConfig     `yaml:"webex_configs,omitempty" json:"webex_configs,omitempty"`\n'
     '\tMSTeamsConfigs   []*MSTeamsConfig   `yaml:"msteams_configs,omitempty" json:"msteams_configs,omitempty"`\n')
edit('config/config.go', '\t\tfor _, webex := range rcv.WebexConfigs {',
     '\t\tfor _, msteams := range rcv.MSTeamsConfigs {\n'
     '\t\t\tif msteams.HTTPConfig == nil {\n'
     '\t\t\t\tmsteams.HTTPConfig = c.Global.HTTPConfig\n\t\t\t}\n\t\t}\n'
     '\t\tfor _, webex := range rcv.WebexConfigs {')
edit('cmd/alertmanager/main.go', '\tfor i, c := range nc.WebexConfigs {',
     '\tfor i, c := range nc.MSTeamsConfigs {\n'
     '\t\tadd("msteams", i, c, func(l log.Logger) (notify.Notifier, error) '
     '{ return msteams.New(c, tmpl, l) })\n\t}\n'
     '\tfor i, c := range nc.WebexConfigs {')
edit('cmd/alertmanager/main.go',
     '\t"github.com/prometheus/alertmanager/notify/webex"\n',
     '\t"github.com/prometheus/alertmanager/notify/msteams"\n'
     '\t"github.com/prometheus/alertmanager/notify/webex"\n')
PY
GO111MODULE=off GOPATH="$W:/usr/share/gocode" GOCACHE="$W/gocache" \
    go build -ldflags "-X github.com/prometheus/common/version.Version=0.25.0" \
    -o "$OUT" github.com/prometheus/alertmanager/cmd/alertmanager
echo "built $OUT"
