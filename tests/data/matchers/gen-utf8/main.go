// Command gen-utf8 writes the UTF-8 matcher syntax vectors of
// tests/data/matchers: Alertmanager 0.27+'s matcher/parse (Matchers, and
// Matcher behind compat.UTF8MatcherParser's brace check), and the results
// of compat's fallback mode, which combines it with 0.25's pkg/labels
// parser.  Inputs: the first column of parse_classic.txt plus the cases
// below.  See ../README and setup.sh.
package main

import (
	"bufio"
	"fmt"
	"io"
	"math/rand"
	"os"
	"reflect"
	"strconv"
	"strings"

	"github.com/prometheus/alertmanager/matcher/parse"
	"github.com/prometheus/alertmanager/pkg/labels"
)

var utf8Inputs = []string{
	`{"foo"="bar"}`, `"foo"="bar"`, `{"foo bar"="baz"}`, `{foo🙂="bar"}`,
	`{"foo🙂"="bar"}`, `{foo="bar🙂"}`, `foo=bar🙂`, `{foo=~"[a-z]+"}`,
	`{foo=~[a-z]+}`, `{foo="bar\w"}`, `{foo=~"\d+"}`, `{foo=~\d+}`,
	`{foo="\xf0\x9f"}`, "{foo=\"\xf0\x9f\"}", `{foo="\u00e9"}`,
	`{foo="\ud800"}`, `{foo="\777"}`, `{foo="\101"}`, `{foo="\'"}`,
	`{foo='bar'}`, "{foo=`bar`}", `{foo=bar,}`, `{foo=bar,,}`, `{,}`,
	`{foo=bar}}`, `{{foo=bar}`, `{foo}`, `{foo=}`, `{=bar}`, `{foo!bar}`,
	`{foo!}`, `{foo!`, `{foo=`, `{foo="`, `{foo="bar`, `{foo="bar\"}`,
	`{foo="bar\\"}`, `foo="bar" baz="qux"`, `foo="bar"baz="qux"`,
	`{foo="bar"} x`, `{ foo = "bar" , baz != "qux" }`, "{\tfoo=bar\n}",
	"{foo=bar\u00a0}", "{foo\u00a0=bar}", "{foo\u2028=bar}", `{foo=b\ar}`,
	`{foo=~"(a"}`, `{foo=~(a}`, `{foo="a",bar=~"b|c"}`, `foo=bar,baz=qux`,
	`foo=,`, `,foo=bar`, `{"foo"}`, `{""=""}`, `{"a"="\n"}`, "{\"a\"=\"\n\"}",
	"{foo=\xff}", "{\xff=bar}", `{foo=~"x{1001}"}`, `{foo==bar}`,
	`{foo=~~bar}`, `{foo!~~bar}`, `{foo=!bar}`, `{a=b c=d}`, `}`, `{`,
	` `, "\n", `{ }`, `foo=bar}`, `{foo=bar`, `"foo`, `foo"=bar`,
}

var utf8Frags = []string{
	"a", "foo", "\"", "\\", "\\\"", "\\n", "\\x41", "\\u00e9", "{", "}",
	",", "=", "!=", "=~", "!~", "!", "~", " ", "\t", "é", "🙂", "\xff",
	"'", "`", "(", "*", "\u00a0", "\\q",
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

// utf8One is compat.UTF8MatcherParser.
func utf8One(in string) (*labels.Matcher, error) {
	if strings.HasPrefix(in, "{") || strings.HasSuffix(in, "}") {
		return nil, fmt.Errorf("unexpected open or close brace: %s", in)
	}
	return parse.Matcher(in)
}

// fallbackList and fallbackOne are compat's Fallback*Parser without the
// logging.
func fallbackList(in string) ([]*labels.Matcher, error) {
	n, nErr := parse.Matchers(in)
	c, cErr := labels.ParseMatchers(in)
	if nErr != nil {
		return c, cErr
	}
	if cErr == nil && !reflect.DeepEqual(n, labels.Matchers(c)) {
		return c, nil
	}
	return n, nil
}

func fallbackOne(in string) (*labels.Matcher, error) {
	if strings.HasPrefix(in, "{") || strings.HasSuffix(in, "}") {
		return nil, fmt.Errorf("unexpected open or close brace: %s", in)
	}
	n, nErr := parse.Matcher(in)
	c, cErr := labels.ParseMatcher(in)
	if nErr != nil {
		return c, cErr
	}
	if cErr == nil && !reflect.DeepEqual(n, c) {
		return c, nil
	}
	return n, nil
}

func one(m *labels.Matcher) []*labels.Matcher {
	if m == nil {
		return nil
	}
	return []*labels.Matcher{m}
}

func main() {
	var ins []string
	f, err := os.Open("tests/data/matchers/parse_classic.txt")
	if err != nil {
		panic(err)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		q := strings.SplitN(sc.Text(), "\t", 2)[0]
		s, err := strconv.Unquote(q)
		if err != nil {
			panic(err)
		}
		ins = append(ins, s)
	}
	f.Close()
	ins = append(ins, utf8Inputs...)
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 2000; i++ {
		var b strings.Builder
		for j, k := 0, 1+r.Intn(8); j < k; j++ {
			b.WriteString(utf8Frags[r.Intn(len(utf8Frags))])
		}
		ins = append(ins, b.String())
	}
	out := map[string]*bufio.Writer{}
	for _, name := range []string{"parse_utf8.txt", "parse_utf8_one.txt", "parse_fallback.txt", "parse_fallback_one.txt"} {
		f, err := os.Create("tests/data/matchers/" + name)
		if err != nil {
			panic(err)
		}
		defer f.Close()
		w := bufio.NewWriter(f)
		defer w.Flush()
		out[name] = w
	}
	seen := map[string]bool{}
	for _, in := range ins {
		if seen[in] {
			continue
		}
		seen[in] = true
		ms, err := parse.Matchers(in)
		writeMatchers(out["parse_utf8.txt"], in, ms, err)
		m, err := utf8One(in)
		writeMatchers(out["parse_utf8_one.txt"], in, one(m), err)
		ms, err = fallbackList(in)
		writeMatchers(out["parse_fallback.txt"], in, ms, err)
		m, err = fallbackOne(in)
		writeMatchers(out["parse_fallback_one.txt"], in, one(m), err)
	}
}
