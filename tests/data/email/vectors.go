// Test vectors for alertd's notifiers/mime.c from Go's own packages (the Go
// that built Alertmanager 0.25: Debian's go 1.19).  Run:
//
//	go run tests/data/email/vectors.go > tests/data/email/go-vectors.json
//
// Inputs and outputs are base64 so that any byte survives JSON.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/rand"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"strings"
)

type qcase struct {
	In  string `json:"in"`
	Out string `json:"out"`
}

type acase struct {
	In    string   `json:"in"`
	Addrs []string `json:"addrs"`
	Err   string   `json:"err"`
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func randomText(r *rand.Rand, alphabet []string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(alphabet[r.Intn(len(alphabet))])
	}
	return b.String()
}

func main() {
	fixed := []string{
		"", "plain ascii", "tab\there", "caf\u00e9", "[FIRING:2] Disk<Full> node&co ",
		"under_score = equal? question", "\u65e5\u672c\u8a9e\u306e\u4ef6\u540d\u3067\u3059\u3002\u9577\u3044\u4ef6\u540d\u306f\u8907\u6570\u306e\u30a8\u30f3\u30b3\u30fc\u30c9\u3055\u308c\u305f\u5358\u8a9e\u306b\u5206\u5272\u3055\u308c\u307e\u3059",
		strings.Repeat("a", 100) + "\u00e9", "line\nbreak", "bell\x07", "del\x7f", "bad\xff\xfeutf8",
		"emoji \U0001F600 at end", strings.Repeat("\u00e9", 40), "trailing space ", "x\r\ny",
	}
	qp := []string{
		"", "a", "a=b", "trailing space ", "trailing tab\t", "a \nb", "a\t\r\nb",
		strings.Repeat("x", 75), strings.Repeat("x", 76), strings.Repeat("x", 77),
		strings.Repeat("x", 150), strings.Repeat("x", 74) + "=", strings.Repeat("x", 73) + "==",
		strings.Repeat("x", 75) + " ", strings.Repeat("x", 74) + " \n", strings.Repeat("x", 73) + "\t\n",
		"cr\ralone", "cr\r\u00e9\nquirk", "cr\r\n\nlf", "\n\n\n", "\r\r\n", ".dot\n.dot",
		strings.Repeat("\u00e9", 40), strings.Repeat("=", 80), "end with space ",
		"<html>\n<body style=\"a: b\">caf\u00e9</body>\n</html>\n",
	}
	r := rand.New(rand.NewSource(6))
	alpha := []string{"a", "b", " ", "\t", "=", "\n", "\r", "\r\n", "\u00e9", "\u65e5", "?", "_", ".", "\x00", "\xff", "~", "x", "y", "z", "\U0001F600"}
	for i := 0; i < 300; i++ {
		qp = append(qp, randomText(r, alpha, r.Intn(200)))
	}
	for i := 0; i < 100; i++ {
		fixed = append(fixed, randomText(r, alpha, r.Intn(120)))
	}
	out := map[string]interface{}{}
	var qw, qpc []qcase
	for _, s := range fixed {
		qw = append(qw, qcase{b64(s), b64(mime.QEncoding.Encode("utf-8", s))})
	}
	for _, s := range qp {
		var b bytes.Buffer
		w := quotedprintable.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		qpc = append(qpc, qcase{b64(s), b64(b.String())})
	}
	addrs := []string{
		"", " ", ",", "ops@example.org", "ops@example.org, \"Dev, Team\" <dev@example.org>",
		"\u00dcn\u00efcode Team <team@example.org>,third@example.org (Third)",
		"a@b,,c@d,", "a@b c@d", "John Doe", "john.doe", "<a@b>", "Name <a@b", "Name <a@>",
		"\"quoted local\"@example.org", "\"\"@example.org", "\"unclosed@example.org",
		"a@b (comment", "a@b (nested (comment) ok)", "a@b (=?utf-8?q?caf=C3=A9?=)",
		"a@b (=?x-unknown?q?abc?=)", "=?utf-8?q?Caf=C3=A9?= <a@b>", "=?x-unknown?q?abc?= <a@b>",
		"=?utf-8?b?Q2Fmw6k=?= <a@b>", "=?utf-8?b?bad!?= <a@b>", "team: a@b, c@d;", "team:;",
		"team: a@b", "undisclosed-recipients:;, x@y", ".a@b", "a.@b", "a..b@c", "a@.b", "a@b..c",
		"a@", "@b", "a@b\xff", "\"a\\\"b\"@c", "\"a\x01\"@c", "Name \"q\" <a@b>", "a@b >",
		"<a@b> (trailing comment)", "a@b, (only comment)", "first.last@sub.example.co.uk",
		"\u00e9l\u00e8ve@\u00e9cole.fr", "x@[127.0.0.1]", "\"Doe, John\" <john@doe>, jane@doe",
		"foo bar@baz", "a@b;c@d", "  spaced@x  ,  y@z  ", "tab\t<a@b>",
		"alerts+node&co@example.org", "Alertmanager <am@example.org>", "a@b, c",
		"\"x\" \"y\" <a@b>", "=?utf-8?q?a?= =?utf-8?q?b?= <a@b>", "Name: <a@b>;",
	}
	var ac []acase
	for _, s := range addrs {
		l, err := mail.ParseAddressList(s)
		c := acase{In: b64(s), Addrs: []string{}}
		if err != nil {
			c.Err = err.Error()
		} else {
			for _, a := range l {
				c.Addrs = append(c.Addrs, a.Address)
			}
		}
		ac = append(ac, c)
	}
	out["qencode"] = qw
	out["qp"] = qpc
	out["addresses"] = ac
	e := json.NewEncoder(os.Stdout)
	e.SetIndent("", " ")
	e.Encode(out)
}
