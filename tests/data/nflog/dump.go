// Prints an Alertmanager nflog snapshot (varint-delimited
// nflogpb.MeshEntry) with Alertmanager's own decoder, one entry per line,
// sorted, hashes sorted: the expected output of alertd's import test.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run dump.go nflog
package main

import (
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/matttproud/golang_protobuf_extensions/pbutil"
	pb "github.com/prometheus/alertmanager/nflog/nflogpb"
)

func sorted(v []uint64) []uint64 {
	c := append([]uint64{}, v...)
	sort.Slice(c, func(i, j int) bool { return c[i] < c[j] })
	return c
}

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	var lines []string
	for {
		var e pb.MeshEntry
		if _, err := pbutil.ReadDelimited(f, &e); err != nil {
			if err == io.EOF {
				break
			}
			panic(err)
		}
		lines = append(lines, fmt.Sprintf("%q %s/%s/%d ts=%d exp=%d firing=%v resolved=%v",
			e.Entry.GroupKey, e.Entry.Receiver.GroupName, e.Entry.Receiver.Integration,
			e.Entry.Receiver.Idx, e.Entry.Timestamp.UnixNano(), e.ExpiresAt.UnixNano(),
			sorted(e.Entry.FiringAlerts), sorted(e.Entry.ResolvedAlerts)))
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
}
