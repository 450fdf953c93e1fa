// Matcher String(), Matchers sorting and String(), and anchored matching
// as pkg/labels of Alertmanager 0.25 does them.
package main

import (
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/prometheus/alertmanager/pkg/labels"
)

var stringCases = []struct {
	t    labels.MatchType
	n, v string
}{
	{labels.MatchEqual, "foo", "bar"}, {labels.MatchNotEqual, "foo", ""},
	{labels.MatchRegexp, "env", "crit|page"}, {labels.MatchNotRegexp, "a", ".*"},
	{labels.MatchEqual, "q", `say "hi"`}, {labels.MatchEqual, "b", `back\slash`},
	{labels.MatchEqual, "nl", "a\nb"}, {labels.MatchEqual, "tab", "a\tb"},
	{labels.MatchEqual, "cr", "a\rb"}, {labels.MatchEqual, "u", "日本"},
	{labels.MatchEqual, "bad", "\xff"}, {labels.MatchEqual, "tilde", "~"},
	{labels.MatchRegexp, "re", `\d+\.\d+`}, {labels.MatchEqual, "e", `\"`},
}

var sortLists = [][]int{
	{0, 1, 2, 3}, {3, 2, 1, 0}, {4, 5, 6, 7, 8, 9, 10, 11, 12, 13},
}

var sortExtra = []*labels.Matcher{}

func mustMatcher(t labels.MatchType, n, v string) *labels.Matcher {
	m, err := labels.NewMatcher(t, n, v)
	if err != nil {
		panic(err)
	}
	return m
}

var matchPatterns = []string{
	"", "a", "a|b", "crit|page", "a)|(b", ".*", ".+", "(?s).*", "a.*",
	".*a", "(?i)crit", "a|", "\\d+", "[^a]", "a\\nb", "a$", "^a", "a\n",
	"x|y|z|w|v|u|t|s|r|q|p|o|n|m|l|k|j", "(a|b)c", "\ufffd", "é|e",
	"a\\x00b", "\\x{D800}|a", "a\\x{0}?b",
}

var matchValues = []string{
	"", "a", "b", "ab", "c", "ac", "bc", "crit", "page", "CRIT", "critpage",
	"a\n", "\n", "a\nb", "12", "x", "j", "é", "e", "\xff", "a\xffb",
	"\ufffd", "xa", "ba", "a\u0085", "a b",
}

// genMatchers writes matcher_string.txt ("type TAB name TAB value TAB
// String()", then "sort TAB indices... TAB Matchers.String()") and
// matcher_match.txt ("op TAB pattern TAB value TAB 0|1").  Values are C
// strings in alertd, so none holds a NUL (patterns may spell one: \x00).
func genMatchers(str, match io.Writer) {
	var all []*labels.Matcher
	for _, c := range stringCases {
		m := mustMatcher(c.t, c.n, c.v)
		all = append(all, m)
		fmt.Fprintf(str, "%s\t%s\t%s\t%s\n", c.t, strconv.Quote(c.n), strconv.Quote(c.v), strconv.Quote(m.String()))
	}
	// Equal names and values: sorting falls back to the type.
	all = append(all, mustMatcher(labels.MatchNotRegexp, "foo", "bar"),
		mustMatcher(labels.MatchRegexp, "foo", "bar"),
		mustMatcher(labels.MatchEqual, "foo", "bar"), mustMatcher(labels.MatchEqual, "foo", "baa"),
		mustMatcher(labels.MatchEqual, "fo", "zzz"))
	lists := append(sortLists, []int{14, 15, 16, 0, 17, 18, 1}, []int{})
	for _, l := range lists {
		var ms labels.Matchers
		fmt.Fprintf(str, "sort")
		for _, i := range l {
			fmt.Fprintf(str, "\t%d", i)
			ms = append(ms, all[i])
		}
		sort.Sort(ms)
		fmt.Fprintf(str, "\t%s\n", strconv.Quote(ms.String()))
	}
	for _, t := range []labels.MatchType{labels.MatchEqual, labels.MatchNotEqual, labels.MatchRegexp, labels.MatchNotRegexp} {
		for _, p := range matchPatterns {
			m, err := labels.NewMatcher(t, "l", p)
			if err != nil {
				panic(err)
			}
			for _, v := range matchValues {
				r := 0
				if m.Matches(v) {
					r = 1
				}
				fmt.Fprintf(match, "%s\t%s\t%s\t%d\n", t, strconv.Quote(p), strconv.Quote(v), r)
			}
		}
	}
}
