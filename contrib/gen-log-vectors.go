// Command gen-log-vectors writes tests/data/log/values.txt: how go-kit's
// logfmt and JSON loggers (Alertmanager 0.25's, via prometheus/common's
// promlog) encode a value, for tests/unit/check_log.c.  Each line:
// the value's bytes in hex, a tab, its logfmt encoding, a tab, its JSON
// encoding.  With Debian 12's Go 1.19 and golang-github-go-kit-log-dev:
//
//	GOPATH=/usr/share/gocode GO111MODULE=off \
//	    go run contrib/gen-log-vectors.go >tests/data/log/values.txt
package main

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/go-kit/log"
)

var values = []string{
	"", "plain", "with space", "a=b", "=", `q"uote`, `"`, `back\slash`,
	`\`, "null", "nul", "tab\tx", "nl\nx", "cr\rx", "\x01ctl", "x\x1f",
	"del\x7f", "caf\xc3\xa9", "\xe4\xb8\x96\xe7\x95\x8c", "bad\xffbyte",
	"cut\xe2\x82", "<a href=\"x\">&amp;</a>", "line\u2028sep\u2029",
	"emoji\U0001f600", "http://user:secret@host:9093/path?q=1&r=2",
	"err=\"x\" y", " lead", "trail ", "\x00zero", "{\"json\":[1,2]}",
	"ünïcödé spaced", "\xed\xa0\x80surrogate", "\xef\xbf\xbdreplacement",
}

func encode(newLogger func(*bytes.Buffer) log.Logger, v string,
	prefix, suffix string) string {
	var b bytes.Buffer
	if err := newLogger(&b).Log("k", v); err != nil {
		panic(err)
	}
	s := b.String()
	if !strings.HasPrefix(s, prefix) || !strings.HasSuffix(s, suffix) {
		panic(fmt.Sprintf("unexpected %q", s))
	}
	return s[len(prefix) : len(s)-len(suffix)]
}

func main() {
	logfmt := func(b *bytes.Buffer) log.Logger { return log.NewLogfmtLogger(b) }
	json := func(b *bytes.Buffer) log.Logger { return log.NewJSONLogger(b) }
	for _, v := range values {
		fmt.Printf("%s\t%s\t%s\n", hex.EncodeToString([]byte(v)),
			encode(logfmt, v, "k=", "\n"),
			encode(json, v, `{"k":`, "}\n"))
	}
}
