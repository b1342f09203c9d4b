package model_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

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

// Objects out of key order below the index are written (sorted) and
// compared by first finding where each member ends. Without remembering
// where large containers end, each byte was scanned once more for every
// such object around it: 29 MB nested 120 deep took 4 s to canonicalize.
// The work on the same payload nested 120 deep must stay within a few
// times that of 4 deep (it asserts growth, not speed: best of three).
func TestNestingDepthDoesNotMultiplyTheWork(t *testing.T) {
	inner := `[[0,1]` + strings.Repeat(`,[2,3]`, 100000) + `]`
	best := func(depth int, work func(model.Value)) time.Duration {
		src := strings.Repeat(`{"b":`, depth) + inner + strings.Repeat(`,"a":0}`, depth)
		doc, err := model.ParseDoc([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		var min time.Duration
		for i := 0; i < 3; i++ {
			start := time.Now()
			work(doc.Root())
			if d := time.Since(start); i == 0 || d < min {
				min = d
			}
		}
		return min
	}
	for name, work := range map[string]func(model.Value){
		"canonical form": func(v model.Value) {
			if _, err := model.CanonicalJSON(v); err != nil {
				t.Fatal(err)
			}
		},
		"differences": func(v model.Value) { model.DiffJSON(v, v, 10) },
	} {
		shallow, deep := best(4, work), best(120, work)
		if ratio := float64(deep) / float64(shallow); ratio > 4 {
			t.Errorf("%s: 120 levels took %.1fx 4 levels (%v, %v)", name, ratio, shallow, deep)
		}
	}
}
