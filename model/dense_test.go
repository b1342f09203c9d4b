package model_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pithscope/pithscope/model"
)

// Dense input (a value every few bytes) is read by scanning, not indexed:
// the index stays near one node per 16 bytes, and every value still reads
// the same.
func TestDenseContainersAreNotIndexed(t *testing.T) {
	const n = 200000
	var keys strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			keys.WriteByte(',')
		}
		fmt.Fprintf(&keys, `"k%06d":%d`, i, i%7)
	}
	for name, src := range map[string]string{
		"numbers": `{"record":{"x":[` + strings.Repeat(`1e20,`, n) + `2]},"events":[{"a":1}]}`,
		"keys":    `{"payload":{` + keys.String() + `},"events":[{"a":1}]}`,
		"nested":  `{"a":[` + strings.Repeat(`[[0,1],[2]],`, n/4) + `[]]}`,
	} {
		doc, err := model.ParseDoc([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if got, limit := model.NodesForTest(doc), len(src)/16+256; got > limit {
			t.Errorf("%s: %d nodes for %d bytes, over %d", name, got, len(src), limit)
		}
		root := doc.Root()
		switch name {
		case "numbers":
			x := root.Get("record").Get("x")
			if x.Len() != n+1 || string(x.Elems()[n].Raw()) != "2" || root.Get("events").Elems()[0].Get("a").Raw()[0] != '1' {
				t.Errorf("numbers: read back wrong")
			}
		case "keys":
			p := root.Get("payload")
			if p.Len() != n || string(p.Get("k199999").Raw()) != fmt.Sprint(199999%7) {
				t.Errorf("keys: read back wrong")
			}
		}
	}
}
