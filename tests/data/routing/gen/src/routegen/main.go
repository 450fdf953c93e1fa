// routegen: records what Alertmanager 0.25 itself computes for a routing
// config and a list of label sets: the route tree (Walk order, Key(),
// effective options) and, through a real Dispatcher with a recording
// stage, the group key, receiver and group labels of every group each
// label set lands in.  Run in GOPATH mode against Debian's
// golang-github-prometheus-alertmanager-dev; see ../README.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/model"

	"github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/dispatch"
	"github.com/prometheus/alertmanager/notify"
	"github.com/prometheus/alertmanager/provider/mem"
	"github.com/prometheus/alertmanager/types"
)

type routeOut struct {
	Key            string   `json:"key"`
	ID             string   `json:"id"`
	Receiver       string   `json:"receiver"`
	GroupBy        []string `json:"group_by"`
	GroupByAll     bool     `json:"group_by_all"`
	GroupWait      int64    `json:"group_wait"`
	GroupInterval  int64    `json:"group_interval"`
	RepeatInterval int64    `json:"repeat_interval"`
	Continue       bool     `json:"continue"`
	Mute           []string `json:"mute_time_intervals"`
	Active         []string `json:"active_time_intervals"`
}

type groupOut struct {
	Receiver    string            `json:"receiver"`
	GroupKey    string            `json:"group_key"`
	GroupLabels map[string]string `json:"group_labels"`
}

type caseOut struct {
	Labels    map[string]string `json:"labels"`
	Receivers []string          `json:"receivers"`
	Routes    []string          `json:"route_keys"`
	Groups    []groupOut        `json:"groups"`
}

// id is Route.ID() of Alertmanager 0.26+: Key() plus the position among
// the parent's children.
func id(r *dispatch.Route, parent *dispatch.Route, pos int) string {
	if parent == nil {
		return r.Key()
	}
	return fmt.Sprintf("%s/%d", r.Key(), pos)
}

func walk(r, parent *dispatch.Route, pos int, out *[]routeOut) {
	gb := []string{}
	for ln := range r.RouteOpts.GroupBy {
		gb = append(gb, string(ln))
	}
	sort.Strings(gb)
	mute := r.RouteOpts.MuteTimeIntervals
	if mute == nil {
		mute = []string{}
	}
	active := r.RouteOpts.ActiveTimeIntervals
	if active == nil {
		active = []string{}
	}
	*out = append(*out, routeOut{r.Key(), id(r, parent, pos), r.RouteOpts.Receiver, gb,
		r.RouteOpts.GroupByAll, int64(r.RouteOpts.GroupWait),
		int64(r.RouteOpts.GroupInterval), int64(r.RouteOpts.RepeatInterval),
		r.Continue, mute, active})
	for i, c := range r.Routes {
		walk(c, r, i, out)
	}
}

type recorder struct {
	mtx    sync.Mutex
	groups map[model.Fingerprint][]groupOut
}

func (rc *recorder) Exec(ctx context.Context, l log.Logger, alerts ...*types.Alert) (context.Context, []*types.Alert, error) {
	key, _ := notify.GroupKey(ctx)
	recv, _ := notify.ReceiverName(ctx)
	gl, _ := notify.GroupLabels(ctx)
	g := groupOut{recv, key, map[string]string{}}
	for k, v := range gl {
		g.GroupLabels[string(k)] = string(v)
	}
	rc.mtx.Lock()
	defer rc.mtx.Unlock()
	for _, a := range alerts {
		rc.groups[a.Fingerprint()] = append(rc.groups[a.Fingerprint()], g)
	}
	return ctx, alerts, nil
}

func shorten(cr *config.Route) {
	d := model.Duration(300 * time.Millisecond)
	cr.GroupWait = &d
	h := model.Duration(time.Hour)
	cr.GroupInterval = &h
	for _, c := range cr.Routes {
		shorten(c)
	}
}

func main() {
	dir := os.Args[1]
	cfg, err := config.LoadFile(dir + "/alertd.yml")
	if err != nil {
		panic(err)
	}
	route := dispatch.NewRoute(cfg.Route, nil)
	var routes []routeOut
	walk(route, nil, 0, &routes)

	var sets []model.LabelSet
	f, err := os.Open(dir + "/labels")
	if err != nil {
		panic(err)
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if len(sc.Bytes()) == 0 || sc.Bytes()[0] == '#' {
			continue
		}
		ls := model.LabelSet{}
		if err := json.Unmarshal(sc.Bytes(), &ls); err != nil {
			panic(err)
		}
		sets = append(sets, ls)
	}

	// A real dispatcher on the same tree, with short timers (they do not
	// enter any key), records every group each alert lands in.
	shorten(cfg.Route)
	droute := dispatch.NewRoute(cfg.Route, nil)
	marker := types.NewMarker(prometheus.NewRegistry())
	alerts, err := mem.NewAlerts(context.Background(), marker, time.Hour, nil, log.NewNopLogger(), prometheus.NewRegistry())
	if err != nil {
		panic(err)
	}
	rec := &recorder{groups: map[model.Fingerprint][]groupOut{}}
	disp := dispatch.NewDispatcher(alerts, droute, rec, marker, nil, nil, log.NewNopLogger(),
		dispatch.NewDispatcherMetrics(false, prometheus.NewRegistry()))
	go disp.Run()
	now := time.Now()
	for _, ls := range sets {
		a := &types.Alert{Alert: model.Alert{Labels: ls, StartsAt: now, EndsAt: now.Add(time.Hour)}, UpdatedAt: now}
		if err := alerts.Put(a); err != nil {
			panic(err)
		}
	}
	time.Sleep(1500 * time.Millisecond)
	disp.Stop()

	var cases []caseOut
	for _, ls := range sets {
		c := caseOut{Labels: map[string]string{}, Receivers: []string{}, Routes: []string{}}
		for k, v := range ls {
			c.Labels[string(k)] = string(v)
		}
		for _, r := range route.Match(ls) {
			c.Receivers = append(c.Receivers, r.RouteOpts.Receiver)
			c.Routes = append(c.Routes, r.Key())
		}
		c.Groups = rec.groups[ls.Fingerprint()]
		sort.Slice(c.Groups, func(i, j int) bool {
			if c.Groups[i].GroupKey != c.Groups[j].GroupKey {
				return c.Groups[i].GroupKey < c.Groups[j].GroupKey
			}
			return c.Groups[i].Receiver < c.Groups[j].Receiver
		})
		cases = append(cases, c)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]interface{}{"routes": routes, "cases": cases}); err != nil {
		panic(err)
	}
}
