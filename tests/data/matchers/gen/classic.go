// Classic matcher syntax vectors: pkg/labels.ParseMatchers and
// ParseMatcher of Alertmanager 0.25 (GOPATH /usr/share/gocode).
package main

import (
	"fmt"
	"io"
	"math/rand"
	"strconv"
	"strings"

	"github.com/prometheus/alertmanager/pkg/labels"
)

var classicInputs = []string{
	``, `{}`, `{`, `}`, `{{}}`, `foo=bar`, `foo="bar"`, `{foo="bar"}`,
	`{foo = "bar", dings != "bums", }`, `foo=bar,dings!=bums`,
	`foo=bar, dings!=bums`, `{quote="She said: \"Hi, ladies! That's gender-neutral…\""}`,
	`statuscode=~"5.."`, `foo=~bar.*`, `foo!~"a|b"`, `foo=`, `foo=""`,
	`foo=~`, `foo!=`, `foo!~`, `foo`, `=bar`, `foo==bar`, `foo=~=bar`,
	`foo!bar`, `foo=!bar`, `foo =~ "bar"`, `  foo  =  bar  `,
	"\tfoo\t=\tbar\t", "\nfoo=bar\n", "foo=bar\v", "foo=\u00a0bar\u00a0",
	"{foo=bar\u00a0}", "foo=bar\u00a0,a=b", `foo:bar=baz`, `:foo=bar`,
	`_foo=bar`, `1foo=bar`, `foo-bar=baz`, `fö=bar`, `foo="bar`,
	`foo=bar"`, `foo="bar"baz"`, `foo="bar\"baz"`, `foo="bar\\"`,
	`foo="bar\\\"baz"`, `foo="a\nb"`, `foo="a\tb"`, `foo=a\nb`,
	`foo="a\\b"`, `foo="a\b"`, `foo="\"`, `foo="\\"`, `foo=\`,
	`foo="a\"`, `foo=""""`, `foo="`, `foo=""bar`, `foo="a,b"`,
	`foo=a,b`, `foo="a,b",c=d`, `foo="a\",b"`, `foo=a\,b`, `foo="a\,b"c`,
	`foo=\"a,b\"`, `a=b,,c=d`, `a=b,`, `a=b, `, `a=b,	`, `,a=b`, `,`,
	`, `, `a=b}`, `{a=b`, `{a=b}}`, `{{a=b}`, `{a=b,}`, `{a=b, }`,
	`{a=b},c=d`, `a=b,c`, `a=b c=d`, `a=~"(a"`, `a=~"(?=x)"`,
	`a=~"\\1"`, `a=~"a**"`, `a=~"[z-a]"`, `a=~"x{1001}"`, `a=~")"`,
	`a=~"\\Qa"`, `a="\xff"`, "a=\xff", "a=\"\xff\"", "a=b\xff,c=d",
	"{a=\xff}", "\xff=a", `foo=日本`, `foo="日本"`, `foo=~"(?i)crit"`,
	`alertname="Watchdog"`, `severity=~"critical|warning"`,
	`env="prod",severity=~"crit|page"`, `instance=~".+:9100"`,
	`a="b"  ,  c="d"`, `a = "b" , c = "d"`, `a="b",c="d",`, `a="b" c`,
	"a=\"b\"\n,c=d", "a=b\r", "a=\"b\" ", "a= \"b\"", "a=\" b \"",
	`a="b\nc"`, "a=\"b\nc\"", `a="`, `a="\"`, `a=\"`, `a=""\"`,
	`{foo="bar}"}`, `{foo="bar{"}`, `foo="{bar}"`, `{foo=}`, `{=}`,
	`{ }`, `{,}`, `{a=b,,}`, `!=a`, `a!=`, `a=~".*"`, `a!~""`,
}

var classicFrags = []string{
	"a", "b", "foo", "_x", ":", "1", "=", "!=", "=~", "!~", "!", "~",
	"\"", "\\", "\\\"", "\\n", ",", "{", "}", " ", "\t", "\n", "\u00a0",
	"é", "\xff", "(", ")", "*", ".", "|", "[", "]",
}

func randomClassic(n int) []string {
	r := rand.New(rand.NewSource(7))
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		var b strings.Builder
		k := 1 + r.Intn(8)
		for j := 0; j < k; j++ {
			b.WriteString(classicFrags[r.Intn(len(classicFrags))])
		}
		out = append(out, b.String())
	}
	return out
}

func writeMatchers(w io.Writer, in string, ms []*labels.Matcher, err error) {
	fmt.Fprintf(w, "%s", strconv.Quote(in))
	if err != nil {
		fmt.Fprintf(w, "\terr\t%s\n", strconv.Quote(err.Error()))
		return
	}
	fmt.Fprintf(w, "\tok")
	for _, m := range ms {
		fmt.Fprintf(w, "\t%s\t%s\t%s", strconv.Quote(m.Name), m.Type, strconv.Quote(m.Value))
	}
	fmt.Fprintln(w)
}

func genClassic(list, one io.Writer) {
	ins := append(append([]string{}, classicInputs...), randomClassic(3000)...)
	seen := map[string]bool{}
	for _, in := range ins {
		if seen[in] {
			continue
		}
		seen[in] = true
		ms, err := labels.ParseMatchers(in)
		writeMatchers(list, in, ms, err)
		m, err := labels.ParseMatcher(in)
		var mm []*labels.Matcher
		if m != nil {
			mm = append(mm, m)
		}
		writeMatchers(one, in, mm, err)
	}
}
