// Generates the expected results of strfmt.ParseDateTime, strfmt.DateTime
// formatting and url.ParseRequestURI (govalidator.IsRequestURI) for the
// inputs below, from the Go libraries Alertmanager 0.25 is built with
// (Debian 12: golang-1.19, golang-github-go-openapi-strfmt-dev).
//
//	cd tests/data/api/gofmt && GO111MODULE=off GOPATH=/usr/share/gocode \
//	    TZ=UTC go run gen.go
//
// writes datetime.jsonl and uri.jsonl: one JSON object per line.
package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/go-openapi/strfmt"
)

var times = []string{
	"", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00.123Z",
	"2020-01-01T00:00:00.123456Z", "2020-01-01T00:00:00.123456789Z",
	"2020-01-01T00:00:00.1234567891234Z", "2020-01-01T00:00:00,5Z",
	"2020-01-01T10:00:00.123456789+02:00", "2020-01-01T00:00:00+0130",
	"2020-01-01T00:00:00.000+0130", "2020-01-01T00:00:00.000000-0930",
	"2020-01-01T00:00:00+25:00", "2020-01-01T00:00:00-00:00",
	"2020-01-01T00:00:00+00:00", "2020-01-01T00:00:00", "2020-01-01T00:00",
	"2020-01-01T00:00Z", "2020-01-01 00:00:00", "2020-01-01   00:00:00.25",
	"2020-01-01T1:02:03Z", "2020-01-01T24:00:00Z", "2020-01-01T23:60:00Z",
	"2020-01-01T23:59:60Z", "2020-13-01T00:00:00Z", "2020-00-01T00:00:00Z",
	"2020-02-30T00:00:00Z", "2020-02-29T00:00:00Z", "2019-02-29T00:00:00Z",
	"2020-1-01T00:00:00Z", "20x1-01-01T00:00:00Z", "foo", "2020",
	"2020-01-01", "2020-01-01T", "2020-01-01T00:00:00Zjunk",
	"2020-01-01T00:00:00.Z", "2020-01-01T00:00:00z", "2020-01-01t00:00:00Z",
	"0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z",
	"0001-01-01T01:00:00+01:00", "1970-01-01T00:00:00Z",
	"1969-12-31T23:59:59.999Z", "2262-04-11T23:47:16Z", "1678-01-01T00:00:00Z",
	"2020-01-01T00:00:00+01", "2020-01-01T00:00:00+1:00",
	"2020-01-01T00:00:00.12Z", "2020-01-01T00:00:00.1234Z",
	"\u00e92020", "2020-01-01T00:00:00\"Z", "2020-01-01\t00:00:00",
	"+020-01-01T00:00:00Z", "2020-01-01T00:00:00+-1:00",
	"2020-01-01T00:00:00.000x", " 2020-01-01T00:00:00Z",
}

var uris = []string{
	"", "*", "/", "/rel", "rel", "http://x", "http://x/", "http://x y",
	"http://x/ y", "::", ":x", "http:", "http:opaque", "mailto:a@b",
	"%zz", "/a%zz", "/a%2", "/a%20b", "http://[::1]:80/", "http://[::1",
	"http://[::1]x/", "http://h:80/", "http://h:8x/", "http://h:/",
	"http://u:p@h/", "http://u p@h/", "http://u%zz@h/", "http://h%41/",
	"http://h%C3%A9/", "http://[fe80::1%25en0]/", "http://[fe80::1%25%41]/",
	"http://x/?a=<b>&c", "http://x/#frag", "?q", "//x/y", "1http://x",
	"h+t-t.p://x", "http://x\x7f", "http://x\ty", "http://héllo/",
	"http://x/é", "http://a@b@c/", "http://x:1:2/", "https://prom:9090/graph?g0.expr=up&g0.tab=1",
}

func main() {
	tf, _ := os.Create("datetime.jsonl")
	for _, s := range times {
		d, err := strfmt.ParseDateTime(s)
		rec := map[string]interface{}{"in": s}
		if err != nil {
			rec["err"] = err.Error()
		} else {
			t := time.Time(d)
			rec["out"] = d.String()
			rec["zero"] = t.IsZero()
			rec["unix"] = t.Unix()
			rec["nsec"] = t.Nanosecond()
		}
		b, _ := json.Marshal(rec)
		fmt.Fprintln(tf, string(b))
	}
	tf.Close()
	uf, _ := os.Create("uri.jsonl")
	for _, s := range uris {
		_, err := url.ParseRequestURI(s)
		b, _ := json.Marshal(map[string]interface{}{"in": s, "ok": err == nil})
		fmt.Fprintln(uf, string(b))
	}
	uf.Close()
}
