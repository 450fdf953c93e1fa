// Prints test vectors for alertd's ntext_truncate_runes/_bytes from
// Alertmanager 0.25's own notify.TruncateInRunes / TruncateInBytes, as C
// string literals (used in tests/unit/check_integ2_ntext.c):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run truncate.go
package main

import (
	"fmt"
	"strings"

	"github.com/prometheus/alertmanager/notify"
)

// c writes s as C string literals of at most 48 source bytes each, one
// per line, so that the table keeps to 80 columns.
func c(s string) string {
	var parts []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\' {
			fmt.Fprintf(&b, "\\x%02x", ch)
			// a hex escape ends its literal: the next byte may be a
			// hex digit
			parts = append(parts, b.String())
			b.Reset()
		} else {
			b.WriteByte(ch)
		}
		if b.Len() >= 44 {
			parts = append(parts, b.String())
			b.Reset()
		}
	}
	if b.Len() > 0 || len(parts) == 0 {
		parts = append(parts, b.String())
	}
	// join short pieces on one line up to 48 bytes
	var lines []string
	cur := ""
	for _, p := range parts {
		if cur != "" && len(cur)+len(p)+3 > 48 {
			lines = append(lines, cur)
			cur = ""
		}
		if cur == "" {
			cur = "\"" + p + "\""
		} else {
			cur += " \"" + p + "\""
		}
	}
	lines = append(lines, cur)
	return strings.Join(lines, "\n\t    ")
}

func main() {
	ins := []string{"", "abcde", "abcdefgh", "a\u2318cde", "a\u2318cdef",
		"\u4e16\u754ccdef", "\xff\xfeabcdef", "ab\xe2\x8c", "ab\xe2\x8cxyz",
		"\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600x",
		"caf\u00e9 <b>&amp;</b> \u65e5\u672c"}
	for _, in := range ins {
		for _, n := range []int{0, 1, 2, 3, 4, 5, 6, 7, 9, 12} {
			r, rt := notify.TruncateInRunes(in, n)
			var b string
			bt := false
			func() {
				defer func() {
					if recover() != nil {
						b, bt = "PANIC", true
					}
				}()
				b, bt = notify.TruncateInBytes(in, n)
			}()
			fmt.Printf("\t{ %s, %d,\n\t    %s, %v,\n\t    %s, %v },\n",
				c(in), n, c(r), rt, c(b), bt)
		}
	}
}
