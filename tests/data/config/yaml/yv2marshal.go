// Marshals, with gopkg.in/yaml.v2 (Debian golang-gopkg-yaml.v2-dev 2.4.0, the
// library Alertmanager 0.25 is built with), one string per input line
// (hex-encoded) inside a fixed document; outputs are NUL-terminated.
// Used by regen.sh; see check_yemit.c.
package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"

	yaml "gopkg.in/yaml.v2"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		b0, err := hex.DecodeString(sc.Text())
		if err != nil {
			panic(err)
		}
		s := string(b0)
		b, err := yaml.Marshal(map[string]interface{}{"key": s, "list": []string{s}, "nested": map[string]interface{}{"inner": s}, "z" + s: "v"})
		if err != nil {
			fmt.Printf("ERROR %v", err)
		}
		os.Stdout.Write(b)
		os.Stdout.Write([]byte{0})
	}
}
