// sortgen: records how Alertmanager 0.25 orders alerts in a flush
// (types.AlertSlice, sort.Stable) and label sets (model.LabelSet.Before),
// for the label sets in the given file (one JSON object per line).
package main

import (
	"bufio"
	"encoding/json"
	"os"
	"sort"

	"github.com/prometheus/common/model"

	"github.com/prometheus/alertmanager/types"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	var sets []model.LabelSet
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
	var alerts types.AlertSlice
	for _, ls := range sets {
		alerts = append(alerts, &types.Alert{Alert: model.Alert{Labels: ls}})
	}
	sort.Stable(alerts)
	byAlert := []model.LabelSet{}
	for _, a := range alerts {
		byAlert = append(byAlert, a.Labels)
	}
	byBefore := append([]model.LabelSet{}, sets...)
	sort.SliceStable(byBefore, func(i, j int) bool { return byBefore[i].Before(byBefore[j]) })
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]interface{}{"alert_slice": byAlert, "label_set_before": byBefore}); err != nil {
		panic(err)
	}
}
