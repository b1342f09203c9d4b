package model_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pithscope/pithscope/model"
)

// wideObjects is two objects of n members that differ at one key, shaped
// like a served state whose payload holds n keys.
func wideObjects(t testing.TB, n int) (model.Value, model.Value) {
	t.Helper()
	var l, r strings.Builder
	l.WriteString(`{"payload":{`)
	r.WriteString(`{"payload":{`)
	for i := 0; i < n; i++ {
		if i > 0 {
			l.WriteByte(',')
			r.WriteByte(',')
		}
		fmt.Fprintf(&l, `"k%07d":%d`, i, i)
		// The right side lists the members in reverse, one value changed.
		j := n - 1 - i
		v := j
		if j == n/2 {
			v = -1
		}
		fmt.Fprintf(&r, `"k%07d":%d`, j, v)
	}
	l.WriteString(`}}`)
	r.WriteString(`}}`)
	dl, err := model.ParseDoc([]byte(l.String()))
	if err != nil {
		t.Fatal(err)
	}
	dr, err := model.ParseDoc([]byte(r.String()))
	if err != nil {
		t.Fatal(err)
	}
	return dl.Root(), dr.Root()
}

// DiffJSON once looked up every key of one side in the other with a walk
// over the members: quadratic, 69 s for one differing key among 160,000.
// This compares how the cost grows from n to 8n members (the issue's
// 160,000): linear grows 8x, sorting a little more, a walk per key 64x.
// It asserts growth, not speed: both sizes run on the same machine, the
// best of three runs each.
func TestDiffJSONGrowsLinearlyWithMembers(t *testing.T) {
	const n = 20000
	best := func(size int) time.Duration {
		l, r := wideObjects(t, size)
		var min time.Duration
		for i := 0; i < 3; i++ {
			start := time.Now()
			d := model.DiffJSON(l, r, 10)
			elapsed := time.Since(start)
			want := fmt.Sprintf(`$.payload.k%07d=%d/-1`, size/2, size/2)
			if len(d) != 1 || d[0].Path+"="+d[0].Left+"/"+d[0].Right != want {
				t.Fatalf("differences %+v, want %s", d, want)
			}
			if i == 0 || elapsed < min {
				min = elapsed
			}
		}
		return min
	}
	small, large := best(n), best(8*n)
	if ratio := float64(large) / float64(small); ratio > 24 {
		t.Errorf("8x the members took %.1fx the time (%v, %v): not linear", ratio, small, large)
	}
}

// A difference shows a number as RFC 8785 spells it, whatever the bundle
// sent: 12.000e-99999 is 0 to every digest, so it reads 0.
func TestDifferencePreviewsAreCanonical(t *testing.T) {
	l, _ := model.ParseDoc([]byte(`{"a":12.000e-99999,"b":{"y":1E2,"x":"\u0041"},"c":1e400,"d":"` + strings.Repeat("é", 100) + `"}`))
	r, _ := model.ParseDoc([]byte(`{"a":1,"b":[],"c":1,"d":""}`))
	got := map[string]string{}
	for _, d := range model.DiffJSON(l.Root(), r.Root(), 10) {
		got[d.Path] = d.Left
	}
	if got["$.a"] != "0" || got["$.b"] != `{"x":"A","y":100}` || got["$.c"] != "1e400 (no RFC 8785 form)" {
		t.Errorf("previews %q", got)
	}
	if d := got["$.d"]; !strings.HasSuffix(d, "…") || len(d) > 84 || !strings.HasPrefix(d, `"éé`) {
		t.Errorf("long string preview %q: not cut at a character boundary", d)
	}
}
