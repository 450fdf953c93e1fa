// Command render renders a template the way a later Alertmanager release
// (0.28 .. 0.34) does, for the corpus cases that use functions
// Alertmanager 0.25's amtool does not have.  It takes amtool's flags
// (--template.glob, --template.text, --template.type, --template.data)
// and uses Go's text/template and html/template with Alertmanager 0.25's
// template.Data and DefaultFuncs plus the later functions, written here
// after their definitions in template/template.go (v0.28: date tz since
// humanizeDuration, v0.30: safeUrl urlUnescape toJson, v0.32: list
// append dict, v0.33: now, v0.34: toDate, main: base64encode base64decode,
// 0.26: trimSpace).  humanizeDuration follows prometheus/common's
// helpers/templates.HumanizeDuration.
//
// Build offline against Debian's Go sources:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run render.go ...
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	tmplhtml "html/template"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	tmpltext "text/template"
	"time"

	"github.com/prometheus/alertmanager/template"
)

type globs []string

func (g *globs) String() string     { return strings.Join(*g, ",") }
func (g *globs) Set(v string) error { *g = append(*g, v); return nil }

func toFloat(i any) (float64, error) {
	switch v := i.(type) {
	case float64:
		return v, nil
	case string:
		return strconv.ParseFloat(v, 64)
	case int:
		return float64(v), nil
	case uint:
		return float64(v), nil
	case int64:
		return float64(v), nil
	case uint64:
		return float64(v), nil
	case time.Duration:
		return v.Seconds(), nil
	}
	return 0, fmt.Errorf("can't convert %T to float", i)
}

func humanizeDuration(i any) (string, error) {
	v, err := toFloat(i)
	if err != nil {
		return "", err
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprintf("%.4g", v), nil
	}
	if v == 0 {
		return fmt.Sprintf("%.4gs", v), nil
	}
	if math.Abs(v) >= 1 {
		sign := ""
		if v < 0 {
			sign, v = "-", -v
		}
		d := int64(v)
		s, m, h, days := d%60, (d/60)%60, (d/3600)%24, d/86400
		switch {
		case days != 0:
			return fmt.Sprintf("%s%dd %dh %dm %ds", sign, days, h, m, s), nil
		case h != 0:
			return fmt.Sprintf("%s%dh %dm %ds", sign, h, m, s), nil
		case m != 0:
			return fmt.Sprintf("%s%dm %ds", sign, m, s), nil
		}
		return fmt.Sprintf("%s%.4gs", sign, v), nil
	}
	prefix := ""
	for _, p := range []string{"m", "u", "n", "p", "f", "a", "z", "y"} {
		if math.Abs(v) >= 1 {
			break
		}
		prefix = p
		v *= 1000
	}
	return fmt.Sprintf("%.4g%ss", v, prefix), nil
}

var later = map[string]any{
	"trimSpace":   strings.TrimSpace,
	"safeUrl":     func(s string) tmplhtml.URL { return tmplhtml.URL(s) },
	"urlUnescape": url.QueryUnescape,
	"date":        func(f string, t time.Time) string { return t.Format(f) },
	"tz": func(name string, t time.Time) (time.Time, error) {
		loc, err := time.LoadLocation(name)
		if err != nil {
			return time.Time{}, err
		}
		return t.In(loc), nil
	},
	"now":              time.Now,
	"since":            time.Since,
	"humanizeDuration": humanizeDuration,
	"toDate": func(layout, s string) time.Time {
		t, _ := time.ParseInLocation(layout, s, time.UTC)
		return t
	},
	"toJson": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"base64encode": func(s string) string {
		return base64.URLEncoding.EncodeToString([]byte(s))
	},
	"base64decode": func(s string) (string, error) {
		b, err := base64.URLEncoding.DecodeString(s)
		if err != nil {
			return "", err
		}
		return string(b), nil
	},
	"list": func(args ...any) ([]any, error) {
		if args == nil {
			return []any{}, nil
		}
		return args, nil
	},
	"append": func(s []any, args ...any) []any { return append(s, args...) },
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict requires an even number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict keys must be strings")
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
}

func main() {
	var g globs
	flag.Var(&g, "template.glob", "")
	text := flag.String("template.text", "", "")
	typ := flag.String("template.type", "text", "")
	data := flag.String("template.data", "", "")
	flag.Parse()
	out, err := render(g, *text, *typ, *data)
	if err != nil {
		fmt.Fprintf(os.Stderr, "amtool: error: %s\n\n", err)
		os.Exit(1)
	}
	fmt.Print(out)
}

func render(g globs, text, typ, dataFile string) (string, error) {
	var d template.Data
	b, err := os.ReadFile(dataFile)
	if err != nil {
		return "", err
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return "", err
	}
	if text == "" {
		return "", nil
	}
	var buf bytes.Buffer
	if typ == "html" {
		t := tmplhtml.New("").Option("missingkey=zero").Funcs(tmplhtml.FuncMap(template.DefaultFuncs)).Funcs(later)
		for _, p := range g {
			if m, _ := filepath.Glob(p); len(m) > 0 {
				if t, err = t.ParseGlob(p); err != nil {
					return "", err
				}
			}
		}
		if t, err = t.New("").Parse(text); err != nil {
			return "", err
		}
		err = t.Execute(&buf, d)
	} else {
		t := tmpltext.New("").Option("missingkey=zero").Funcs(tmpltext.FuncMap(template.DefaultFuncs)).Funcs(later)
		for _, p := range g {
			if m, _ := filepath.Glob(p); len(m) > 0 {
				if t, err = t.ParseGlob(p); err != nil {
					return "", err
				}
			}
		}
		if t, err = t.New("").Parse(text); err != nil {
			return "", err
		}
		err = t.Execute(&buf, d)
	}
	return buf.String(), err
}
