// gen_vectors writes the Go-derived test vectors of alertctl's unit tests
// (tests/unit/check_cli.c) into tests/data/cli/*.json, from Go's own
// time, text/tabwriter, sort and encoding/json packages (Go 1.19, as
// amtool 0.25 is built with).  Run from the repository root:
//
//	TZ=UTC GOCACHE=/tmp/gocache go run tests/data/cli/gen/gen_vectors.go
//
// It is a test-data generator only; nothing of it is compiled into alertd.
package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

type formatCase struct {
	Sec    int64  `json:"sec"`
	Nsec   int64  `json:"nsec"`
	Off    int    `json:"off"`
	Zone   string `json:"zone"`
	Layout string `json:"layout"`
	Want   string `json:"want"`
}

type parseCase struct {
	Layout string `json:"layout"`
	Value  string `json:"value"`
	Sec    int64  `json:"sec"`
	Nsec   int64  `json:"nsec"`
	Off    int    `json:"off"`
	Zone   string `json:"zone"`
	Err    string `json:"err"`
}

// Inputs and outputs that may hold invalid UTF-8 are hex-encoded.
type tabCase struct {
	Padding int    `json:"padding"`
	In      string `json:"in_hex"`
	Want    string `json:"want_hex"`
}

type sortCase struct {
	Keys []int `json:"keys"`
	Perm []int `json:"perm"`
}

type jsonCase struct {
	In   string `json:"in_hex"`
	Want string `json:"want"`
}

var layouts = []string{
	"2006-01-02 15:04:05 MST", time.RFC3339, time.RFC3339Nano,
	"2006-01-02T15:04:05.000Z07:00", time.ANSIC, time.UnixDate,
	time.RubyDate, time.RFC822, time.RFC822Z, time.RFC850, time.RFC1123,
	time.RFC1123Z, time.Kitchen, time.Stamp, time.StampMilli,
	time.StampMicro, time.StampNano,
	"Mon Jan _2 15:04:05.000 -0700 2006", "3:04PM", "03:04:05 pm",
	"Jan 2, 2006 at 3:04pm (MST)", "02/01/06 15h04 .999 Z0700",
	"Monday January 2 002 __2 .000000 ,999", "no layout elements",
	"Z07 Z07:00:00 Z070000 -07 -07:00:00 -070000", "_2006 2006_1_2",
	"Janet Monique January", "15:04:05,000000000 ,9 .99999999999",
	"2006-01-02T15:04:05.9999Z07:00", "06 1 2 3 4 5 PM pm",
}

func formatCases() []formatCase {
	instants := [][2]int64{
		{0, 0}, {1700000000, 123456789}, {1582934400, 500000000},
		{-62135596800, 0}, {951782400, 7}, {4102444799, 999999999},
		{1609459199, 100}, {1234567890, 120000000}, {-1, 999999999},
		{253402300799, 0}, {1000000000, 10},
	}
	zones := []struct {
		off  int
		name string
	}{{0, "UTC"}, {7200, "CEST"}, {-18000, "EST"}, {19800, ""},
		{-12600, ""}, {0, ""}, {3600 + 1800 + 15, ""}}
	var out []formatCase
	for _, in := range instants {
		for _, z := range zones {
			t := time.Unix(in[0], in[1]).In(time.FixedZone(z.name, z.off))
			for _, l := range layouts {
				out = append(out, formatCase{in[0], in[1], z.off,
					z.name, l, t.Format(l)})
			}
		}
	}
	return out
}

func parseCases() []parseCase {
	values := []struct{ layout, value string }{
		{time.RFC3339, "2006-01-02T15:04:05Z"},
		{time.RFC3339, "2030-01-01T00:00:00+02:00"},
		{time.RFC3339, "2030-01-01T00:00:00-05:30"},
		{time.RFC3339, "2030-01-01T00:00:00+00:00"},
		{time.RFC3339, "2030-01-01T00:00:00.123456789123Z"},
		{time.RFC3339, "2030-01-01T00:00:00,5Z"},
		{time.RFC3339, "2030-01-01T1:00:00Z"},
		{time.RFC3339, "2020-02-29T12:00:00Z"},
		{time.RFC3339, "2021-02-29T12:00:00Z"},
		{time.RFC3339, "2030-13-01T00:00:00Z"},
		{time.RFC3339, "2030-01-01T24:00:00Z"},
		{time.RFC3339, "2030-01-01T00:60:00Z"},
		{time.RFC3339, "2030-01-01T00:00:60Z"},
		{time.RFC3339, "2030-01-01T00:00:00"},
		{time.RFC3339, "2030-01-01T00:00:00Zjunk"},
		{time.RFC3339, "2030-01-01 00:00:00Z"},
		{time.RFC3339, "yesterday"},
		{time.RFC3339, "2030-1-01T00:00:00Z"},
		{time.RFC3339, "2030-01-01T00:00:00+0200"},
		{time.RFC3339, "2030-01-01T00:00:00+02"},
		{time.RFC3339, ""},
		{time.RFC3339, "2030-01-01T00:00:00.Z"},
		{time.RFC3339, "caf\u00e9"},
		{"2006-01-02 15:04:05 MST", "2030-01-01 10:11:12 UTC"},
		{time.Kitchen, "3:04PM"},
		{time.Kitchen, "12:00AM"},
		{"Jan _2 2006", "Feb  3 2024"},
		{"January 2, 2006", "march 9, 2024"},
		{"2006 002", "2024 060"},
		{"2006 __2", "2023 365"},
		{"2006 002", "2023 366"},
		{"2006-01-02 .000", "2024-01-01 .123"},
		{"2006-01-02 .999", "2024-01-01 .5"},
	}
	var out []parseCase
	for _, v := range values {
		t, err := time.Parse(v.layout, v.value)
		c := parseCase{Layout: v.layout, Value: v.value}
		if err != nil {
			c.Err = err.Error()
		} else {
			name, off := t.Zone()
			c.Sec, c.Nsec, c.Off, c.Zone = t.Unix(), int64(t.Nanosecond()),
				off, name
		}
		out = append(out, c)
	}
	return out
}

func tabCases() []tabCase {
	ins := []string{
		"a\tb\tc\t\nxx\tyyy\tz\t\n",
		"ID\tMatchers\tEnds At\t\n1\tx=\"y\"\t2020\t\n",
		"Cluster Status:\tready\nNode Name:\tn1\n\nAddress\tName\n1.2.3.4:9094\tn1\t\n",
		"a\tb\nc\n\td\te\n",
		"short\n\tindented\tcell\t\nlong long long\tx\t\n",
		"caf\u00e9\t\u2713\tx\t\nab\tcd\tef\t\n",
		"no tabs at all\n",
		"a\tb\tc\nd\te\nf\tg\th\ti\n",
		"trailing\tno newline",
		"",
		"\t\t\t\n\t\t\t\n",
		"x\vy\tz\t\n1\v2\t3\t\n",
		"a\tb\t\n\fc\td\t\n",
		"esc\xffape\td\xff\t\tx\t\nab\tc\t\n",
		"col\twith \"quotes\" and <html>&\t\nx\ty\t\n",
		"a\tb\tc\t\nlonger\tcell\n",
	}
	var out []tabCase
	for _, pad := range []int{2, 1, 0} {
		for _, in := range ins {
			var b bytes.Buffer
			w := tabwriter.NewWriter(&b, 0, 0, pad, ' ', 0)
			w.Write([]byte(in))
			w.Flush()
			out = append(out, tabCase{pad, hex.EncodeToString([]byte(in)),
				hex.EncodeToString(b.Bytes())})
		}
	}
	return out
}

type byKey struct {
	keys, idx []int
}

func (s byKey) Len() int           { return len(s.keys) }
func (s byKey) Less(i, j int) bool { return s.keys[i] < s.keys[j] }
func (s byKey) Swap(i, j int) {
	s.keys[i], s.keys[j] = s.keys[j], s.keys[i]
	s.idx[i], s.idx[j] = s.idx[j], s.idx[i]
}

func sortCases() []sortCase {
	var out []sortCase
	seed := uint32(12345)
	next := func() int {
		seed = seed*1103515245 + 12345
		return int(seed >> 16)
	}
	for _, n := range []int{0, 1, 2, 5, 12, 13, 20, 49, 50, 51, 64, 100,
		200, 777} {
		for _, spread := range []int{1, 3, 10, 1000000} {
			keys := make([]int, n)
			for i := range keys {
				keys[i] = next() % spread
			}
			in := append([]int(nil), keys...)
			idx := make([]int, n)
			for i := range idx {
				idx[i] = i
			}
			sort.Sort(byKey{keys, idx})
			out = append(out, sortCase{in, idx})
		}
		// Sorted, reversed and nearly sorted inputs take other paths.
		for _, kind := range []int{0, 1, 2} {
			keys := make([]int, n)
			for i := range keys {
				switch kind {
				case 0:
					keys[i] = i / 3
				case 1:
					keys[i] = (n - i) / 2
				case 2:
					keys[i] = i
					if i%17 == 5 {
						keys[i] = i - 9
					}
				}
			}
			in := append([]int(nil), keys...)
			idx := make([]int, n)
			for i := range idx {
				idx[i] = i
			}
			sort.Sort(byKey{keys, idx})
			out = append(out, sortCase{in, idx})
		}
	}
	return out
}

func jsonCases() []jsonCase {
	ins := []string{"plain", "a\"b\\c", "<b>&amp;</b>", "\n\r\t\b\f\x01\x1f",
		"\x7f", "caf\u00e9 \u2713", "\u2028\u2029", "\xff\xfe bad", "\x00",
		"emoji \U0001F600", "/slash"}
	var out []jsonCase
	for _, in := range ins {
		b, _ := json.Marshal(in)
		out = append(out, jsonCase{hex.EncodeToString([]byte(in)),
			string(b)})
	}
	return out
}

type matchCase struct {
	Pattern string `json:"pattern_hex"`
	Name    string `json:"name_hex"`
	Match   bool   `json:"match"`
	Err     string `json:"err"`
}

// filepath.Match over patterns and names chosen for Go's rules: '^'
// negates a class, '!' does not; '*' and '?' stop at '/'; backslash
// escapes; malformed classes are errors (sometimes only once reached).
func matchCases() []matchCase {
	pats := []string{"", "*", "a*", "*a", "a*b*c", "*.tmpl", "?", "a?c",
		"[abc]", "[^abc]", "[!abc]", "[a-c]x", "[^a-c]", "[a-]",
		"[]a]", "[", "[a", "a[", "[^]", "[\\]]", "\\*", "a\\",
		"\\[a]", "[x\\-z]", "[\\-]", "a*[", "*[", "[-a]", "[a-b-c]",
		"*/b", "a/*", "a/?", "*x*", "**", "[\xff]", "\xff", "?",
		"[\u00e9]", "[\u00e0-\u00ff]", "\u00e9*", "a*b", "*.*", ".*",
		"*[.]tmpl", "[^.]*"}
	names := []string{"", "a", "abc", "ab", "b", "x", "axb", "aXc",
		"a/b", "abbc", "a.tmpl", ".hidden.tmpl", "tmpl", "]", "-",
		"\\", "*", "!", "^", "\u00e9", "\xff", "ac", "a[", "aabbcc",
		"x.tmpl.bak", "bx", "a/c", "-x", "zx"}
	var out []matchCase
	for _, p := range pats {
		for _, n := range names {
			m, err := filepath.Match(p, n)
			c := matchCase{Pattern: hex.EncodeToString([]byte(p)),
				Name: hex.EncodeToString([]byte(n)), Match: m}
			if err != nil {
				c.Err = err.Error()
			}
			out = append(out, c)
		}
	}
	return out
}

type pathCase struct {
	Path  string `json:"path"`
	Clean string `json:"clean"`
	Base  string `json:"base"`
}

func pathCases() []pathCase {
	ins := []string{"", ".", "..", "/", "//", "a", "a/", "/a/", "a//b",
		"./a", "a/./b", "a/../b", "../a", "../../a/..", "/../a",
		"/a/b/../../..", "a/b/c/../../d", "abc/def/..", ".hidden",
		"a/.", "a/..", "///x///y//", "x/../..", "..a/b..", "a/...",
		"/./x"}
	var out []pathCase
	for _, in := range ins {
		out = append(out, pathCase{in, filepath.Clean(in),
			filepath.Base(in)})
	}
	return out
}

type globCase struct {
	Pattern string   `json:"pattern"`
	Matches []string `json:"matches"`
	Err     string   `json:"err"`
}

type globVectors struct {
	Tree  []string   `json:"tree"` // relative paths; directories end in '/'
	Cases []globCase `json:"cases"`
}

// filepath.Glob run inside a fixture tree (relative patterns), so that
// the unit test can rebuild the tree and compare.
func globCases() globVectors {
	tree := []string{"a.tmpl", "b.tmpl", ".hidden.tmpl", "c.txt",
		"d1/", "d1/x.tmpl", "d1/y.tmpl", "d2/", "d2/x.tmpl", "d!/",
		"d!/x.tmpl", "deep/", "deep/e/", "deep/e/f.tmpl", "[x]",
		"a*b", "empty/", "Z.tmpl", "d1/sub/", "d1/sub/z.tmpl"}
	dir, err := os.MkdirTemp("", "globvec")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	for _, p := range tree {
		if strings.HasSuffix(p, "/") {
			os.MkdirAll(filepath.Join(dir, p), 0755)
		} else {
			os.WriteFile(filepath.Join(dir, p), []byte("x"), 0644)
		}
	}
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	os.Chdir(dir)
	pats := []string{"*", "*.tmpl", "*/*.tmpl", "d*/x.tmpl", "d[^1]/x.tmpl",
		"d[!1]/x.tmpl", "d?/*", "./a.tmpl", "./*.tmpl", "d1/../a.tmpl",
		"*/../a.tmpl", "a.tmpl", "nope", "nope/*", "", "[", "d1/[",
		"a*[", "z*[", "\\[x]", "[[]x]", "a\\*b", "a*b", "deep/*/*",
		"*/*/*", "d1", "d1/", "d1/*/", "empty/*", "c.txt/*", "*.TMPL",
		"[A-Z]*", "d1//x.tmpl", "d1/./x.tmpl", ".*", "?.tmpl",
		"d1/sub/../x.tmpl", "*/sub/*"}
	var cases []globCase
	for _, p := range pats {
		m, err := filepath.Glob(p)
		c := globCase{Pattern: p, Matches: m}
		if c.Matches == nil {
			c.Matches = []string{}
		}
		if err != nil {
			c.Err = err.Error()
		}
		cases = append(cases, c)
	}
	return globVectors{tree, cases}
}

type scanCase struct {
	In  string `json:"in_hex"`
	Err string `json:"err"`
}

// json.Unmarshal's syntax errors (checkValid runs before decoding), and
// quoteChar for every byte that can follow a top-level value.
func scanCases() []scanCase {
	ins := []string{"", " ", "{}", "[]", "{\"a\":1}", "{bad", "{\"a\" 1}",
		"{\"a\":1 2}", "[1 2]", "[1,]", "{,}", "{\"a\":}", "[", "{",
		"{\"a\"", "\"abc", "\"a\\x\"", "\"\\u12g4\"", "\"\\u", "\"\x01\"",
		"tr", "tru", "trUe", "fals", "f", "nul", "nulL", "-", "-a",
		"01", "1.", "1.e", "1e", "1e+", "1e+x", "1.5e3", "-0.0E-1",
		"1 2", "{} x", "[]]", "\"\t\"", "\"\xff\xfe\"", "\xef\xbb\xbf{}",
		"\u00e9", "nan", "+1", ".5", "[1,[2,{\"x\":[true,false,null]}]]",
		"{\"a\":1,}", "{\"a\":1,\"b\"}", "  {  }  ", "}", "]", "\"\\/\"",
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
		strings.Repeat("{\"a\":", 10001) + "1" + strings.Repeat("}", 10001)}
	for c := 0; c < 256; c++ {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			ins = append(ins, "{}"+string([]byte{byte(c)}))
		}
	}
	var out []scanCase
	for _, in := range ins {
		var v interface{}
		c := scanCase{In: hex.EncodeToString([]byte(in))}
		if err := json.Unmarshal([]byte(in), &v); err != nil {
			c.Err = err.Error()
		}
		out = append(out, c)
	}
	return out
}

func write(name string, v interface{}) {
	// Keep the raw bytes of the inputs (escape for JSON, not HTML).
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	if err := os.WriteFile("tests/data/cli/"+name, buf.Bytes(), 0644); err != nil {
		panic(err)
	}
	fmt.Println("wrote", name)
}

func main() {
	write("gotime_format.json", formatCases())
	write("gotime_parse.json", parseCases())
	write("tabwriter.json", tabCases())
	write("gosort.json", sortCases())
	write("gojson_string.json", jsonCases())
	write("goglob_match.json", matchCases())
	write("goglob_path.json", pathCases())
	write("goglob_glob.json", globCases())
	write("goscan.json", scanCases())
}
