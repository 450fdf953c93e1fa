// Regex vectors: regexp.Compile verdicts and MatchString results from the
// Go toolchain Alertmanager 0.25 is built with.  See ../README.
package main

import (
	"fmt"
	"io"
	"math/rand"
	"regexp"
	"strconv"
	"strings"
)

// Curated patterns: every construct of Go's RE2 syntax and every error.
var curated = []string{
	``, `a`, `abc`, `a|b`, `crit|page`, `a|`, `|`, `|a`, `(a)`, `()`,
	`(?:)`, `(?:a|b)c`, `a*`, `a+`, `a?`, `a*?`, `a+?`, `a??`, `a{2}`,
	`a{2,}`, `a{2,3}`, `a{0}`, `a{0,0}`, `a{,3}`, `a{1,2}?`, `a{`, `a{1`,
	`a{1,`, `a{x}`, `a{01}`, `a{1000}`, `a{1001}`, `a{1000,}`,
	`a{2,1}`, `a{99999999999}`, `a{1,99999999999}`, `(a{2}){500}`,
	`(a{2}){501}`, `(?:a{10}){100}`, `(?:a{10}){101}`, `((a{2}){2}){250}`,
	`(a{0}){2000}`, `a**`, `a*+`, `a++`, `a?*`, `a{2}*`, `a*{2}`,
	`a*?*`, `(a*)*`, `a*(?i)*`, `*`, `+a`, `?`, `(*)`, `a|*`, `(?i)*`,
	`^*`, `$+`, `\b+`, `(|a)*`, `x{2}{3}`,
	`(`, `)`, `a)`, `(a`, `((a)`, `(a))`, `(?:`, `(?:a`, `a(?:b|c`,
	`(?i)abc`, `(?i:abc)d`, `(?i)k`, `(?i)s`, `(?i)σ`, `(?i)ǅ`, `(?-i)a`,
	`(?i-i)a`, `(?i)a(?-i)b`, `(?m)^a$`, `(?m)^$`, `(?s).`, `.`,
	`(?s:.)`, `(?U)a+`, `(?imsU)a`, `(?)`, `(?i`, `(?i-)`, `(?-)`,
	`(?--i)`, `(?z)`, `(?P<name>a)`, `(?P<n1_>a)`, `(?P<>a)`,
	`(?P<n!>a)`, `(?P<name`, `(?P=name)`, `(?P>a)`, `(?<name>a)`,
	`(?'name'a)`, `(?=a)`, `(?!a)`, `(?<=a)`, `(?<!a)`, `(?#comment)`,
	`(?>a)`, `(?|a)`, `(?R)`, `(?1)`, `(?P`, `(?P<`, `(?P<a`,
	`\1`, `(a)\1`, `\8`, `\0`, `\01`, `\012`, `\0123`, `\101`, `\18`,
	`\777`, `\x41`, `\x4`, `\x`, `\xg1`, `\x{41}`, `\x{10FFFF}`,
	`\x{110000}`, `\x{}`, `\x{41`, `\x{4g}`, `\x{D800}`, `\x{0}`,
	`\a\f\t\n\r\v`, `\b`, `\B`, `\A`, `\z`, `\Z`, `\C`, `\G`, `\K`,
	`\R`, `\X`, `\h`, `\N`, `\e`, `\cA`, `\E`, `\Qa.b\E.c`, `\Qa.b`,
	`\Q\E`, `\Q*\E+`, `\_`, `\-`, `\.`, `\*`, `\é`, `\`, `a\`,
	`\d`, `\D`, `\s`, `\S`, `\w`, `\W`, `\pL`, `\PL`, `\pN`, `\p{L}`,
	`\p{Lu}`, `\p{^Lu}`, `\P{^Lu}`, `\p{Greek}`, `\P{Greek}`,
	`\p{Han}`, `\p{Latin}`, `\p{Common}`, `\p{Inherited}`, `\p{Cyrillic}`,
	`\p{Any}`, `\P{Any}`, `\p{C}`, `\P{C}`, `\p{Cn}`, `\p{L&}`,
	`\p{LC}`, `\p{greek}`, `\p{IsGreek}`, `\p{Grek}`, `\p{Foo}`, `\pX`,
	`\p`, `\p{`, `\p{L`, `\p{}`, `\p{^}`, `\pé`, `(?i)\p{Lu}`,
	`(?i)\p{Ll}`, `(?i)\P{Lu}`, `(?i)\p{Greek}`, `(?i)[\P{Lu}]`,
	`(?i)[^\p{Lu}]`, `(?i)[\p{Lu}\d]`, `(?i)[^\P{Lu}x]`, `[\P{C}]`,
	`[^\P{C}]`, `(?i)\p{Nd}`, `(?i)\W`, `(?i)[\W]`, `(?i)[^\W]`,
	`(?i)[\Wx]`, `(?i)[[:^upper:]]`, `(?i)[[:upper:]]`, `(?i)[[:lower:]]`,
	`[a]`, `[abc]`, `[a-c]`, `[^a]`, `[^a-c]`, `[]a]`, `[^]a]`, `[]`,
	`[^]`, `[a-]`, `[-a]`, `[a-b-c]`, `[z-a]`, `[a-\d]`, `[\d-z]`,
	`[a-[:alpha:]]`, `[[:alpha:]-z]`, `[[:alpha:]]`, `[[:^alpha:]]`,
	`[[:word:]]`, `[[:foo:]]`, `[[:alpha:]`, `[[:alpha]]`, `[[:a]`,
	`[[]`, `[[:]]`, `[\]]`, `[\[]`, `[\b]`, `[\A]`, `[\z]`, `[\Q]`,
	`[\n]`, `[\x41-\x{5A}]`, `[\pL]`, `[\p{Greek}\d]`, `[^\p{Greek}]`,
	`[\P{Greek}]`, `[\p{Foo}]`, `[a`, `[a-`, `[a-z`, `[\`, `[^`, `[`,
	`[\d\s\w]`, `[\D]`, `[^\D]`, `[\x{D800}-\x{DFFF}]`,
	`[\x{D7FF}-\x{E000}]`, `[[:space:]]`, `[\s]`, `\s`, `[[:cntrl:]]`,
	`[[:print:]]`, `[[:graph:]]`, `[[:punct:]]`, `[[:xdigit:]]`,
	`[[:blank:]]`, `[[:ascii:]]`, `[[:^ascii:]]`, `[[:digit:]]`,
	`[[:alnum:]]`, `(?i)[k]`, `(?i)[^k]`, `(?i)[a-z]`, `(?i)[^a-z]`,
	`(?i)[ſ]`, `(?i)[K]`, `(?i)[\x{212A}]`, `(?i)[Σ]`,
	`^a`, `a$`, `^$`, `\Aa\z`, `(?m)a$`, `(?m)^`, `(?m)$`, `^^a`,
	`a$$`, `(?m:^a|b$)`, `\bfoo\b`, `\Bfoo`, `a\b`, `.*`, `.+`, `.*a.*`,
	`(?s).*`, `(?s).+`, `[^\n]*`, `(a|b)*c`, `(a|aa)*b`, `(a*)*b`,
	`(x+x+)+y`, `(?i)hello|world`, `ab|ac|ad`, `abc|abd|aef|bcx|bcy`,
	`a.c`, `a\.c`, `10\.0\.0\.\d+`, `[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})*`,
	`(?i)CRIT|page`, `foo.*bar`, `^foo`, `bar$`, `(foo|bar)baz`,
	"a\x00b", "é", "日本", "\xff", "a\xffb", "\xe2\x82", "[\xff]",
	"\\p{\xff}", "(?P<\xff>a)", "(?P<a\xff", "\\Q\xff\\E", "(?\xff)",
	"\\x\xff", "\\x{\xff}", "[a-\xff]", "\\\xff", "\ufffd", "[\ufffd]",
	`(?i)ⓐ`, `(?i)ǈ`, `\x{FFFD}`, `[^a]`, `(?i)Ǆ`, `(?i)ß`, `(?i)ẞ`,
	`\d+\.\d+`, `\w+@\w+\.com`, `[[:alpha:]_][[:alnum:]_]*`, `(a)(b)(c)`,
	`(?P<x>a)(?P<x>b)`, `a{1000}b{1000}`, `(?:(?:a{1000}))`, `(a|b){3,5}`,
	`(?:a{2,3}){3}`, `(?:\b)+`, `(?:^)*a`, `(?:$)?`,
}

// Random patterns: concatenations of fragments that are each interesting
// alone; many are invalid, which exercises the error paths.
var frags = []string{
	"a", "b", "c", "k", "K", "s", "\u212a", "\u017f", "é", "É", "σ", "ς",
	"Σ", "日", ".", "^", "$", "|", "(", ")", "(?:", "(?i)", "(?i:", "(?m)",
	"(?s)", "(?-i)", "(?U)", "(?P<n>", "*", "+", "?", "*?", "+?", "??",
	"{2}", "{1,3}", "{0,}", "{,2}", "{", "}", "[", "]", "[^", "-", "a-z",
	"\\d", "\\D", "\\s", "\\S", "\\w", "\\W", "\\b", "\\B", "\\A", "\\z",
	"\\pL", "\\p{Greek}", "\\P{Lu}", "\\p{^L}", "[[:alpha:]]", "[:word:]",
	"\\x41", "\\x{3c3}", "\\101", "\\0", "\\n", "\\t", "\\.", "\\\\",
	"\\Q", "\\E", "\\1", "\\q", " ", "\n", "0", "9", "_", ",", ":", "=",
	"\"", "'", "\\", "\xff",
}

var subjects = []string{
	"", "a", "b", "c", "ab", "abc", "aab", "aaab", "ba", "k", "K",
	"\u212a", "s", "S", "\u017f", "é", "É", "σ", "ς", "Σ", "日本", "\n",
	"a\n", "\na", "a\nb", "\x00", "a\x00b", "\xff", "a\xffb", "\ufffd",
	"\xe2\x82", "1", "12", "123", "1.5", " ", "\t", "\v", "\f", "\r",
	"_", "-", "foo", "foobar", "foo bar", "bar", "crit", "page", "CRIT",
	"hello", "HELLO", "world", "a.c", "abc.def", "10.0.0.1", "x@y.com",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxy",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "{", "}", "[", "]", "{2}", "a{,3}",
	"\u0345", "\u03b9", "\u1fbe", "ǅ", "ǆ", "Ǆ", "ß", "ẞ", "ⓐ", "Ⓐ",
	"\U0001d400", "\u00b5", "\u0378", "\u2028",
}

// Patterns at Go's limits: nesting depth 1000 and program size.
func limitPatterns() []string {
	var ps []string
	for _, n := range []int{999, 1000} {
		ps = append(ps, strings.Repeat("(", n)+"a"+strings.Repeat(")", n))
		ps = append(ps, strings.Repeat("(?:a(?:b|", n/2)+"c"+strings.Repeat("))", n/2))
	}
	ps = append(ps, strings.Repeat("(?:", 1500)+"a"+strings.Repeat(")", 1500))
	ps = append(ps, "(?:"+strings.Repeat("a", 3355)+"){1000}")
	ps = append(ps, "(?:"+strings.Repeat("a", 3356)+"){1000}")
	ps = append(ps, "(?:"+strings.Repeat("a|", 2000)+"){1000}")
	return ps
}

func randomPatterns(n int) []string {
	r := rand.New(rand.NewSource(20250))
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		var b strings.Builder
		k := 1 + r.Intn(6)
		for j := 0; j < k; j++ {
			b.WriteString(frags[r.Intn(len(frags))])
		}
		out = append(out, b.String())
	}
	return out
}

// genRegex writes "pattern TAB ok" or "pattern TAB err TAB message" to
// regex.txt and "pattern TAB subject TAB 0|1" to regex_match.txt, every
// string in strconv.Quote form.
func genRegex(compile, match io.Writer) {
	fixed := append(append([]string{}, curated...), limitPatterns()...)
	pats := append(fixed, randomPatterns(3000)...)
	seen := map[string]bool{}
	r := rand.New(rand.NewSource(11))
	for i, p := range pats {
		if seen[p] {
			continue
		}
		seen[p] = true
		re, err := regexp.Compile(p)
		if err != nil {
			fmt.Fprintf(compile, "%s\terr\t%s\n", strconv.Quote(p), strconv.Quote(err.Error()))
			continue
		}
		fmt.Fprintf(compile, "%s\tok\n", strconv.Quote(p))
		subj := subjects
		if i >= len(curated) && i < len(fixed) {
			continue // limits: the verdict is the point
		}
		if i >= len(fixed) {
			// Random patterns: a sample of the subjects.
			subj = nil
			for j := 0; j < 12; j++ {
				subj = append(subj, subjects[r.Intn(len(subjects))])
			}
		}
		for _, s := range subj {
			v := 0
			if re.MatchString(s) {
				v = 1
			}
			fmt.Fprintf(match, "%s\t%s\t%d\n", strconv.Quote(p), strconv.Quote(s), v)
		}
	}
}
