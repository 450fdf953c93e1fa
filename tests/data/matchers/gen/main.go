// Command gen writes the Go-derived vectors of tests/data/matchers.
// Run it from the repository root, see ../README:
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go run ./tests/data/matchers/gen
package main

import (
	"bufio"
	"os"
)

func create(name string) (*os.File, *bufio.Writer) {
	f, err := os.Create("tests/data/matchers/" + name)
	if err != nil {
		panic(err)
	}
	return f, bufio.NewWriter(f)
}

func main() {
	var files []*os.File
	var ws []*bufio.Writer
	open := func(name string) *bufio.Writer {
		f, w := create(name)
		files = append(files, f)
		ws = append(ws, w)
		return w
	}
	genRegex(open("regex.txt"), open("regex_match.txt"))
	genClassic(open("parse_classic.txt"), open("parse_classic_one.txt"))
	genMatchers(open("matcher_string.txt"), open("matcher_match.txt"))
	for i := range ws {
		ws[i].Flush()
		files[i].Close()
	}
}
