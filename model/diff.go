package model

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Difference is one JSON path where two documents disagree.
type Difference struct {
	Path  string
	Left  string // a short rendering of the left value (canonical JSON), or "(missing)"
	Right string
}

// DiffJSON compares two values as JSON data (member order and number
// spelling do not matter) and returns up to max differing paths, in a
// stable order. Paths named in skip (e.g. "$.state_sha256") are not
// compared. The cost is linear in the size of both values (n log n in the
// members of an object, which are sorted to be matched).
func DiffJSON(left, right Value, max int, skip ...string) []Difference {
	d := &differ{max: max, skip: skip, path: []byte("$")}
	if left.Exists() {
		d.leftEnds = newContainerEnds(left.doc.src)
	}
	if right.Exists() {
		d.rightEnds = newContainerEnds(right.doc.src)
	}
	d.walk(left, right)
	return d.out
}

type differ struct {
	out  []Difference
	max  int
	skip []string
	path []byte // the path to the values being compared, grown and cut as the walk goes
	// Where large containers of either side end, once found.
	leftEnds, rightEnds *containerEnds
}

func (d *differ) add(l, r Value) {
	if len(d.out) < d.max {
		d.out = append(d.out, Difference{Path: string(d.path), Left: preview(l), Right: preview(r)})
	}
}

func (d *differ) walk(l, r Value) {
	if len(d.out) >= d.max || slices.Contains(d.skip, string(d.path)) {
		return
	}
	if l.Kind() != r.Kind() {
		d.add(l, r)
		return
	}
	switch l.Kind() {
	case KindObject:
		d.objects(l, r)
	case KindArray:
		le, re := l.elemsSkipping(d.leftEnds), r.elemsSkipping(d.rightEnds)
		mark := len(d.path)
		for i := 0; i < len(le) || i < len(re); i++ {
			var a, b Value
			if i < len(le) {
				a = le[i]
			}
			if i < len(re) {
				b = re[i]
			}
			d.path = append(strconv.AppendInt(append(d.path, '['), int64(i), 10), ']')
			d.walk(a, b)
			d.path = d.path[:mark]
		}
	case KindString:
		if !bytes.Equal(l.Raw(), r.Raw()) && l.Str() != r.Str() {
			d.add(l, r)
		}
	case KindNumber:
		if !bytes.Equal(l.Raw(), r.Raw()) {
			lc, err1 := CanonicalNumber(l.Raw())
			rc, err2 := CanonicalNumber(r.Raw())
			if err1 != nil || err2 != nil || lc != rc {
				d.add(l, r)
			}
		}
	case KindBool:
		if l.Bool() != r.Bool() {
			d.add(l, r)
		}
	}
}

// objects matches the members of two objects by key: both sorted, then
// walked side by side.
func (d *differ) objects(l, r Value) {
	byKey := func(a, b Member) int { return strings.Compare(a.Key, b.Key) }
	lm, rm := l.membersSkipping(d.leftEnds), r.membersSkipping(d.rightEnds)
	slices.SortFunc(lm, byKey)
	slices.SortFunc(rm, byKey)
	mark := len(d.path)
	for i, j := 0, 0; i < len(lm) || j < len(rm); {
		var a, b Value
		var key string
		switch {
		case j >= len(rm) || i < len(lm) && lm[i].Key < rm[j].Key:
			key, a = lm[i].Key, lm[i].Value
			i++
		case i >= len(lm) || rm[j].Key < lm[i].Key:
			key, b = rm[j].Key, rm[j].Value
			j++
		default:
			key, a, b = lm[i].Key, lm[i].Value, rm[j].Value
			i++
			j++
		}
		d.path = append(d.path, PathKey(key)...)
		d.walk(a, b)
		d.path = d.path[:mark]
	}
}

// previewLen is how much of a value a difference shows.
const previewLen = 80

// errPreviewFull stops the canonical writer once a preview has enough.
var errPreviewFull = errors.New("preview full")

type previewSink struct{ b []byte }

func (p *previewSink) Write(b []byte) (int, error) {
	p.b = append(p.b, b...)
	if len(p.b) > previewLen {
		return len(b), errPreviewFull
	}
	return len(b), nil
}

// preview renders a value for a difference report as its canonical JSON
// (numbers as RFC 8785 spells them, whatever was received), cut to a
// readable size; writing stops there, so a huge value costs no more.
func preview(v Value) string {
	if !v.Exists() {
		return "(missing)"
	}
	sink := &previewSink{}
	c := newCanonWriter(sink)
	c.received(v)
	err := c.flush()
	c.release()
	switch {
	case err == nil || errors.Is(err, errPreviewFull):
	case v.Kind() == KindNumber: // no canonical form: say so beside the text received
		return cut(v.Raw()) + " (no RFC 8785 form)"
	default:
		return cut(v.Raw())
	}
	return cut(sink.b)
}

// cut shortens b to previewLen bytes at a character boundary, marking the cut.
func cut(b []byte) string {
	if len(b) <= previewLen {
		return string(b)
	}
	n := previewLen
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return string(b[:n]) + "…"
}
