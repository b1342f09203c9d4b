package model

import (
	"bytes"
	"sort"
	"strconv"
	"strings"

	"github.com/gowebpki/jcs"
)

// Difference is one JSON path where two documents disagree.
type Difference struct {
	Path  string
	Left  string // a short rendering of the left value, or "(missing)"
	Right string
}

// DiffJSON compares two values as JSON data (member order and number
// spelling do not matter) and returns up to max differing paths, in a
// stable order. Paths named in skip (e.g. "$.state_sha256") are not compared.
func DiffJSON(left, right Value, max int, skip ...string) []Difference {
	d := &differ{max: max, skip: skip}
	d.walk("$", left, right)
	return d.out
}

type differ struct {
	out  []Difference
	max  int
	skip []string
}

func (d *differ) add(path string, l, r Value) {
	if len(d.out) < d.max {
		d.out = append(d.out, Difference{Path: path, Left: preview(l), Right: preview(r)})
	}
}

func (d *differ) walk(path string, l, r Value) {
	if len(d.out) >= d.max || contains(d.skip, path) {
		return
	}
	if l.Kind() != r.Kind() {
		d.add(path, l, r)
		return
	}
	switch l.Kind() {
	case KindObject:
		keys := map[string]bool{}
		for _, m := range l.Members() {
			keys[m.Key] = true
		}
		for _, m := range r.Members() {
			keys[m.Key] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			d.walk(path+PathKey(k), l.Get(k), r.Get(k))
		}
	case KindArray:
		le, re := l.Elems(), r.Elems()
		for i := 0; i < len(le) || i < len(re); i++ {
			var a, b Value
			if i < len(le) {
				a = le[i]
			}
			if i < len(re) {
				b = re[i]
			}
			d.walk(path+"["+strconv.Itoa(i)+"]", a, b)
		}
	case KindString:
		if l.Str() != r.Str() {
			d.add(path, l, r)
		}
	case KindNumber:
		if !bytes.Equal(l.Raw(), r.Raw()) {
			lc, err1 := jcs.Transform(l.Raw())
			rc, err2 := jcs.Transform(r.Raw())
			if err1 != nil || err2 != nil || !bytes.Equal(lc, rc) {
				d.add(path, l, r)
			}
		}
	case KindBool:
		if l.Bool() != r.Bool() {
			d.add(path, l, r)
		}
	}
}

// preview renders a value for a difference report, its numbers in their
// RFC 8785 form (DataJSON), cut to a readable size.
func preview(v Value) string {
	if !v.Exists() {
		return "(missing)"
	}
	const max = 80
	s, cut := DataJSON(v, max)
	if len(s) > max {
		s, cut = strings.ToValidUTF8(s[:max], ""), true
	}
	if cut {
		s += "…"
	}
	return s
}
