// Applies Alertmanager 0.27's Discord limits (title 256 runes,
// description 4096, content 2000; notify/discord since #3597) to the
// bodies Alertmanager 0.25 sent (am-0.25/*_Long_firing.body, the only
// ones over a limit), with Alertmanager's own notify.TruncateInRunes and
// Go's json.Encoder, into am-0.25+0.27cut/:
//
//	cd tests/data/integrations/discord
//	GO111MODULE=off GOPATH=/usr/share/gocode go run cut.go
package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/prometheus/alertmanager/notify"
)

type embed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Color       int    `json:"color"`
}

type message struct {
	Content   string  `json:"content"`
	Embeds    []embed `json:"embeds"`
	Username  string  `json:"username,omitempty"`
	AvatarURL string  `json:"avatar_url,omitempty"`
}

func main() {
	files, err := filepath.Glob("am-0.25/*_Long_firing.body")
	if err != nil {
		panic(err)
	}
	if err := os.MkdirAll("am-0.25+0.27cut", 0o755); err != nil {
		panic(err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			panic(err)
		}
		var m message
		if err := json.Unmarshal(raw, &m); err != nil {
			panic(err)
		}
		m.Content, _ = notify.TruncateInRunes(m.Content, 2000)
		for i := range m.Embeds {
			m.Embeds[i].Title, _ = notify.TruncateInRunes(m.Embeds[i].Title, 256)
			m.Embeds[i].Description, _ = notify.TruncateInRunes(m.Embeds[i].Description, 4096)
		}
		var out bytes.Buffer
		if err := json.NewEncoder(&out).Encode(m); err != nil {
			panic(err)
		}
		dst := filepath.Join("am-0.25+0.27cut", filepath.Base(f))
		if err := os.WriteFile(dst, out.Bytes(), 0o644); err != nil {
			panic(err)
		}
	}
}
