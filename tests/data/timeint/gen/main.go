// Command gen writes the Go-derived vectors of tests/data/timeint: the
// parsers and marshallers of Alertmanager 0.25's timeinterval package and
// TimeInterval.ContainsTime over a table of specs and instants.  From the
// repository root (see ../README):
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go run ./tests/data/timeint/gen
package main

import (
	"bufio"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/alertmanager/timeinterval"
	"gopkg.in/yaml.v2"
)

// The process-wide Local zone of these vectors (the C test sets the same).
const localTZ = "America/Sao_Paulo"

func str(s string) func(interface{}) error {
	return func(v interface{}) error {
		*(v.(*string)) = s
		return nil
	}
}

var rangeInputs = []string{
	"", "monday", "Monday", "MONDAY", "sunday", "saturday", "monday:friday",
	"friday:monday", "Monday:FRIDAY", "saturday:sunday", "sunday:saturday",
	"mon", "funday", "monday:", ":friday", "monday:tuesday:friday", ":",
	"1", "0", "-1", "31", "32", "-31", "-32", "1:5", "5:1", "-3:-1",
	"-1:-3", "1:-1", "15:-1", "25:-5", "-5:25", "-1:1", "0:5", "1:31",
	"-31:-1", "28:-1", "+5", "05", "1.5", " 1", "1 ", "1:2:3",
	"99999999999999999999", "-99999999999999999999", "x", "1:x", "x:1",
	"january", "January", "DECEMBER", "may:august", "august:may", "1:3",
	"12:1", "13", "0:12", "-1:2", "jan", "march:12", "2:april",
	"2020", "2020:2022", "2022:2020", "-5", "0:9999", "2020:", "\u212aay",
	"frİday", "MÖNDAY", "\xff", "mon\xffday", "\t1", "١", "1e3", "0x10",
	"+", "-", "--1", "+-1", "1_000", "\u00e9", "9223372036854775807",
	"9223372036854775808", "-9223372036854775808",
}

var timeInputs = [][2]string{
	{"09:00", "17:00"}, {"00:00", "24:00"}, {"17:00", "09:00"},
	{"09:00", "09:00"}, {"", "17:00"}, {"09:00", ""}, {"", ""},
	{"9:00", "17:00"}, {"09:00", "24:01"}, {"24:00", "24:00"},
	{"23:59", "24:00"}, {"25:00", "26:00"}, {"09:60", "10:00"},
	{"09:00:00", "10:00"}, {"0900", "1000"}, {"09:00 ", "10:00"},
	{"aa:bb", "10:00"}, {"10:00", "aa:bb"}, {"19:99", "20:00"},
	{"00:00", "00:01"}, {"20:00", "23:00\n"}, {"-1:00", "10:00"},
	{"١٠:00", "11:00"},
}

var locInputs = []string{
	"", "UTC", "Local", "Europe/Berlin", "America/New_York", "Asia/Tokyo",
	"Australia/Lord_Howe", "Europe", "Foo/Bar", "../etc/passwd",
	"/etc/localtime", "\\x", "Europe/../UTC", "utc", "Etc/GMT+5",
	"zone.tab", "tzdata.zi", "Europe/Berlin/x", "posixrules", "Factory",
	"right/Europe/Berlin", "America/Argentina/Buenos_Aires", "GMT",
	"Europe/./Berlin", "Europe//Berlin", "a.b", "EST5EDT",
	strings.Repeat("x", 300),
}

func q(s string) string { return strconv.Quote(s) }

func genParse(w *bufio.Writer) {
	type parser struct {
		kind string
		new  func() interface{}
	}
	ps := []parser{
		{"weekdays", func() interface{} { return &timeinterval.WeekdayRange{} }},
		{"days_of_month", func() interface{} { return &timeinterval.DayOfMonthRange{} }},
		{"months", func() interface{} { return &timeinterval.MonthRange{} }},
		{"years", func() interface{} { return &timeinterval.YearRange{} }},
	}
	for _, p := range ps {
		for _, in := range rangeInputs {
			r := p.new()
			err := r.(yaml.Unmarshaler).UnmarshalYAML(str(in))
			if err != nil {
				fmt.Fprintf(w, "%s\t%s\terr\t%s\n", p.kind, q(in), q(err.Error()))
				continue
			}
			ir := reflect.ValueOf(r).Elem().Field(0).Interface().(timeinterval.InclusiveRange)
			out, err := r.(yaml.Marshaler).MarshalYAML()
			if err != nil {
				panic(err)
			}
			fmt.Fprintf(w, "%s\t%s\tok\t%d\t%d\t%s\n", p.kind, q(in), ir.Begin, ir.End, q(out.(string)))
		}
	}
	for _, in := range timeInputs {
		var tr timeinterval.TimeRange
		err := tr.UnmarshalYAML(func(v interface{}) error {
			rv := reflect.ValueOf(v).Elem()
			rv.FieldByName("StartTime").SetString(in[0])
			rv.FieldByName("EndTime").SetString(in[1])
			return nil
		})
		if err != nil {
			fmt.Fprintf(w, "times\t%s\t%s\terr\t%s\n", q(in[0]), q(in[1]), q(err.Error()))
			continue
		}
		out, _ := tr.MarshalYAML()
		o := reflect.ValueOf(out)
		fmt.Fprintf(w, "times\t%s\t%s\tok\t%d\t%d\t%s\t%s\n", q(in[0]), q(in[1]), tr.StartMinute, tr.EndMinute,
			q(o.FieldByName("StartTime").String()), q(o.FieldByName("EndTime").String()))
	}
	for _, in := range locInputs {
		var l timeinterval.Location
		if err := l.UnmarshalYAML(str(in)); err != nil {
			fmt.Fprintf(w, "location\t%s\terr\t%s\n", q(in), q(err.Error()))
			continue
		}
		out, _ := l.MarshalYAML()
		fmt.Fprintf(w, "location\t%s\tok\t%s\n", q(in), q(out.(string)))
	}
}

// Specs in a compact form the C test parses too:
// key=item,item;... with keys times (start-end), weekdays, dom, months,
// years, loc.
var specs = []string{
	"", "times=09:00-17:00", "times=00:00-24:00", "times=22:00-24:00,00:00-06:00",
	"weekdays=monday:friday", "weekdays=saturday,sunday", "weekdays=sunday:saturday",
	"dom=1", "dom=-1", "dom=-2:-1", "dom=1:5", "dom=28:31", "dom=29", "dom=30", "dom=31",
	"dom=-31", "dom=-31:-28", "dom=15:-1", "dom=-7:-1", "dom=1:-1", "dom=-29:-29",
	"months=february", "months=december:december", "months=1:3", "months=13",
	"years=2024", "years=2000:2030", "years=1999",
	"weekdays=monday:friday;times=09:00-17:00",
	"weekdays=monday:friday;times=09:00-17:00;loc=Europe/Berlin",
	"times=02:00-03:00;loc=Europe/Berlin", "times=01:00-02:00;loc=Europe/Berlin",
	"times=02:00-03:00;loc=America/New_York", "times=01:00-02:00;loc=America/New_York",
	"dom=-1;loc=Europe/Berlin", "dom=-1;loc=America/New_York", "dom=31;loc=Europe/Berlin",
	"dom=-2:-1;loc=America/New_York", "dom=30;loc=America/New_York",
	"dom=1;times=00:00-01:00;loc=Europe/Berlin", "dom=-1;loc=Australia/Lord_Howe",
	"dom=-1;loc=Asia/Kolkata", "dom=-1;loc=Pacific/Apia", "dom=-1;loc=America/Santiago",
	"dom=-1;loc=Asia/Beirut", "dom=-1;loc=Europe/London", "dom=-1;loc=Australia/Sydney",
	"weekdays=sunday;loc=Pacific/Kiritimati", "weekdays=saturday;loc=Pacific/Pago_Pago",
	"dom=1;months=1;loc=Asia/Tokyo", "years=2025;loc=America/Los_Angeles",
	"times=09:00-17:00;loc=UTC", "times=09:00-17:00;loc=Local", "dom=-1;loc=Local",
	"months=march:october;dom=-7:-1;weekdays=sunday;loc=Europe/Berlin",
	"times=23:30-24:00;loc=Asia/Kathmandu", "weekdays=monday;loc=America/St_Johns",
	"dom=-1;loc=Europe/Moscow", "times=12:00-13:00;loc=Africa/Casablanca",
	"dom=-1;loc=America/Sao_Paulo", "dom=29;months=2;loc=Europe/Berlin",
}

func buildSpec(s string) timeinterval.TimeInterval {
	var y strings.Builder
	for _, part := range strings.Split(s, ";") {
		if part == "" {
			continue
		}
		kv := strings.SplitN(part, "=", 2)
		items := strings.Split(kv[1], ",")
		switch kv[0] {
		case "times":
			y.WriteString("times:\n")
			for _, it := range items {
				se := strings.Split(it, "-")
				fmt.Fprintf(&y, "- start_time: %q\n  end_time: %q\n", se[0], se[1])
			}
		case "loc":
			fmt.Fprintf(&y, "location: %q\n", kv[1])
		default:
			key := map[string]string{"weekdays": "weekdays", "dom": "days_of_month",
				"months": "months", "years": "years"}[kv[0]]
			fmt.Fprintf(&y, "%s: [", key)
			for i, it := range items {
				if i > 0 {
					y.WriteString(", ")
				}
				fmt.Fprintf(&y, "%q", it)
			}
			y.WriteString("]\n")
		}
	}
	var ti timeinterval.TimeInterval
	if err := yaml.UnmarshalStrict([]byte(y.String()), &ti); err != nil {
		panic(s + ": " + err.Error())
	}
	return ti
}

func instants() []int64 {
	var out []int64
	utc := func(y int, m time.Month, d, h, mi int) int64 {
		return time.Date(y, m, d, h, mi, 0, 0, time.UTC).Unix()
	}
	around := func(t int64) {
		for _, d := range []int64{-3601, -3600, -1801, -61, -60, -1, 0, 1, 59, 60, 1799, 3599, 3600, 7199} {
			out = append(out, t+d)
		}
	}
	// DST transitions.
	for _, y := range []int{2023, 2024, 2025} {
		around(utc(y, 3, 31, 1, 0) - int64((31-lastSunday(y, 3))*86400))
		around(utc(y, 10, 31, 1, 0) - int64((31-lastSunday(y, 10))*86400))
	}
	around(utc(2024, 3, 10, 7, 0))
	around(utc(2024, 11, 3, 6, 0))
	around(utc(2025, 3, 9, 7, 0))
	around(utc(2025, 11, 2, 6, 0))
	// Month ends in UTC, Berlin, New York; leap years.
	for _, y := range []int{1999, 2000, 2023, 2024, 2025, 2100} {
		for m := time.January; m <= time.December; m++ {
			first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
			last := first.AddDate(0, 1, -1)
			for _, off := range []int{0, -1, -2, 1, 4, 5} {
				b := last.Unix() + int64(off)*3600
				out = append(out, b, b+12*3600, b+23*3600+59*60, b+24*3600)
			}
			out = append(out, first.Unix()-1, first.Unix())
		}
	}
	r := rand.New(rand.NewSource(42))
	lo := time.Date(1971, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for i := 0; i < 1500; i++ {
		out = append(out, lo+r.Int63n(hi-lo))
	}
	return out
}

func lastSunday(y int, m time.Month) int {
	d := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)
	return d.Day() - int(d.Weekday())
}

func genContains(w *bufio.Writer) {
	var tis []timeinterval.TimeInterval
	for i, s := range specs {
		fmt.Fprintf(w, "spec\t%d\t%s\n", i, q(s))
		tis = append(tis, buildSpec(s))
	}
	seen := map[int64]bool{}
	for _, sec := range instants() {
		if seen[sec] {
			continue
		}
		seen[sec] = true
		var b strings.Builder
		for _, ti := range tis {
			if ti.ContainsTime(time.Unix(sec, 0).UTC()) {
				b.WriteByte('1')
			} else {
				b.WriteByte('0')
			}
		}
		fmt.Fprintf(w, "t\t%d\t%s\n", sec, b.String())
	}
}

// Empty but present lists (yaml "weekdays: []") are non-nil slices in Go:
// such an interval never matches.
func genEmpty(w *bufio.Writer) {
	for _, y := range []string{"weekdays: []", "times: []", "days_of_month: []", "months: []", "years: []", "weekdays:", "location: \"\""} {
		var ti timeinterval.TimeInterval
		if err := yaml.UnmarshalStrict([]byte(y), &ti); err != nil {
			panic(err)
		}
		fmt.Fprintf(w, "empty\t%s\t%v\n", q(y), ti.ContainsTime(time.Unix(1700000000, 0).UTC()))
	}
}

func create(name string) (*os.File, *bufio.Writer) {
	f, err := os.Create("tests/data/timeint/" + name)
	if err != nil {
		panic(err)
	}
	return f, bufio.NewWriter(f)
}

func main() {
	os.Setenv("TZ", localTZ)
	f1, w1 := create("parse.txt")
	genParse(w1)
	genEmpty(w1)
	w1.Flush()
	f1.Close()
	f2, w2 := create("contains.txt")
	genContains(w2)
	w2.Flush()
	f2.Close()
}
