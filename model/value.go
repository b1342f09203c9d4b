package model

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"unsafe"
)

// Root is the document's top-level value.
func (d *Doc) Root() Value { return d.at(0) }

// at is the value of node i.
func (d *Doc) at(i int32) Value {
	n := &d.nodes[i]
	return Value{doc: d, node: i, start: n.start, end: n.end}
}

// keysInOrder reports whether the object that starts at offset start has
// its members in canonical order as received.
func (d *Doc) keysInOrder(start int32) bool {
	_, found := slices.BinarySearch(d.unsorted, start)
	return !found
}

// indexed reports whether the container's children have nodes.
func (v Value) indexed() bool { return v.node >= 0 && !v.doc.nodes[v.node].lazy }

// eachChild calls fn with each member (its key's raw bytes, quotes
// included, and where they start) or element (key nil) of a container, in
// received order, until fn returns false: from the index when the
// container has one, else by scanning its bytes.
func (v Value) eachChild(fn func(key []byte, keyAt int32, child Value) bool) {
	v.eachChildSkipping(nil, fn)
}

// eachChildSkipping is eachChild finding where unindexed children end
// with ends (nil: by scanning each).
func (v Value) eachChildSkipping(ends *containerEnds, fn func(key []byte, keyAt int32, child Value) bool) {
	d := v.doc
	if v.indexed() {
		if d.nodes[v.node].count == 0 {
			return
		}
		for c := v.node + 1; c >= 0; c = d.nodes[c].next {
			n := &d.nodes[c]
			var key []byte
			if n.keyEnd > 0 {
				key = d.src[n.keyStart:n.keyEnd]
			}
			if !fn(key, n.keyStart, d.at(c)) {
				return
			}
		}
		return
	}
	s := d.src
	object := s[v.start] == '{'
	i := int(v.start) + 1
	for {
		i = skipSpaceAt(s, i)
		if s[i] == '}' || s[i] == ']' {
			return
		}
		var key []byte
		keyAt := int32(i)
		if object {
			keyEnd := skipString(s, i)
			key = s[i:keyEnd]
			i = skipSpaceAt(s, skipSpaceAt(s, keyEnd)+1) // past ':'
		}
		end := ends.skip(s, i)
		if !fn(key, keyAt, Value{doc: d, node: -1, start: int32(i), end: int32(end)}) {
			return
		}
		i = skipSpaceAt(s, end)
		if s[i] == ',' {
			i++
		}
	}
}

// Exists reports whether the value is present (not the zero Value).
func (v Value) Exists() bool { return v.doc != nil }

// Kind is the value's JSON type; KindInvalid when missing.
func (v Value) Kind() Kind {
	switch {
	case v.doc == nil:
		return KindInvalid
	case v.node >= 0:
		return v.doc.nodes[v.node].kind
	}
	switch v.doc.src[v.start] {
	case '{':
		return KindObject
	case '[':
		return KindArray
	case '"':
		return KindString
	case 't', 'f':
		return KindBool
	case 'n':
		return KindNull
	}
	return KindNumber
}

// Raw is the value's exact received bytes.
func (v Value) Raw() []byte {
	if v.doc == nil {
		return nil
	}
	return v.doc.src[v.start:v.end:v.end]
}

// Len is the number of members or elements.
func (v Value) Len() int {
	if k := v.Kind(); k != KindObject && k != KindArray {
		return 0
	}
	if v.indexed() {
		return int(v.doc.nodes[v.node].count)
	}
	n := 0
	v.eachChild(func([]byte, int32, Value) bool { n++; return true })
	return n
}

// Get returns the member named key of an object, or a missing Value.
func (v Value) Get(key string) Value {
	var found Value
	if v.Kind() == KindObject {
		v.eachChild(func(k []byte, _ int32, child Value) bool {
			if keyIs(k, key) {
				found = child
				return false
			}
			return true
		})
	}
	return found
}

// Member is one key and value of an object, in received order.
type Member struct {
	Key   string
	Value Value
}

// Members lists an object's members in received order.
func (v Value) Members() []Member { return v.membersSkipping(nil) }

func (v Value) membersSkipping(ends *containerEnds) []Member {
	if v.Kind() != KindObject {
		return nil
	}
	var out []Member
	v.eachChildSkipping(ends, func(k []byte, _ int32, child Value) bool {
		out = append(out, Member{Key: decodeKey(k, bytes.IndexByte(k, '\\') >= 0), Value: child})
		return true
	})
	return out
}

// Elems lists an array's elements.
func (v Value) Elems() []Value { return v.elemsSkipping(nil) }

func (v Value) elemsSkipping(ends *containerEnds) []Value {
	if v.Kind() != KindArray {
		return nil
	}
	var out []Value
	v.eachChildSkipping(ends, func(_ []byte, _ int32, child Value) bool {
		out = append(out, child)
		return true
	})
	return out
}

// Str decodes a string value; "" when the value is not a string.
func (v Value) Str() string {
	if v.Kind() != KindString {
		return ""
	}
	raw := v.Raw()
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1])
	}
	return decodeKey(raw, true)
}

// sharedStr is Str without a copy when the string holds no escape: the
// text shares the document's bytes (which nothing changes), so it keeps
// the whole input alive as long as it is.
func (v Value) sharedStr() string {
	raw := v.Raw()
	if v.Kind() != KindString || len(raw) <= 2 || bytes.IndexByte(raw, '\\') >= 0 {
		return v.Str()
	}
	return unsafe.String(&raw[1], len(raw)-2)
}

// Int reads a number value that is an integer, however it is spelled
// (2, 2.0 and 2e0 are one number to JSON and to JCS), within the range a
// float64 holds exactly.
func (v Value) Int() (int64, bool) {
	if v.Kind() != KindNumber {
		return 0, false
	}
	if n, err := strconv.ParseInt(string(v.Raw()), 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(string(v.Raw()), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// Bool reads a boolean.
func (v Value) Bool() bool { return v.Kind() == KindBool && v.Raw()[0] == 't' }

// IsNull reports a JSON null.
func (v Value) IsNull() bool { return v.Kind() == KindNull }

// keyIs compares a key as JSON (quotes included) with a Go string, without
// allocating when the key has no escapes (every key of a real bundle).
func keyIs(keyJSON []byte, key string) bool {
	if bytes.IndexByte(keyJSON, '\\') < 0 {
		return len(keyJSON) == len(key)+2 && string(keyJSON[1:len(keyJSON)-1]) == key
	}
	return decodeKey(keyJSON, true) == key
}

// ---- finding the ends of validated JSON ----

// The functions below read bytes the strict reader has accepted, so they
// check nothing: they only find where things end.

func skipSpaceAt(s []byte, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just past the string whose opening quote
// is at i.
func skipString(s []byte, i int) int {
	i++
	for {
		j := i + bytes.IndexByte(s[i:], '"')
		k := j
		for k > i && s[k-1] == '\\' {
			k--
		}
		if (j-k)%2 == 0 { // an even run of backslashes escapes only itself
			return j + 1
		}
		i = j + 1
	}
}

// structural marks the bytes skipValue stops at inside a container.
var structural = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}

// skipValue returns the index just past the value that starts at i.
func skipValue(s []byte, i int) int {
	switch s[i] {
	case '"':
		return skipString(s, i)
	case '{', '[':
		depth := 0
		for {
			for !structural[s[i]] {
				i++
			}
			switch s[i] {
			case '"':
				i = skipString(s, i)
				continue
			case '{', '[':
				depth++
			default:
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
	}
	for i < len(s) {
		switch s[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// containerEnds remembers where containers of minRemembered bytes or more
// end, found while skipping over them, so that reading their members later
// does not scan them again. Reading the members of nested objects below
// the index (to sort them, to compare them) would otherwise scan each byte
// once more for every such object around it: a 29 MB document 120 objects
// deep took 4 s. Smaller containers are scanned again, each byte at most
// a few times (an object out of order takes 12 bytes or more); at most one
// end per maxRememberedEvery bytes of input is kept (about a third of the
// input in memory at most), and past that, containers are scanned again.
type containerEnds struct {
	m     map[int32]int32
	limit int
	stack []int32
}

const (
	minRemembered      = 64
	maxRememberedEvery = 32
)

func newContainerEnds(src []byte) *containerEnds {
	return &containerEnds{m: map[int32]int32{}, limit: len(src)/maxRememberedEvery + 64}
}

// skip returns the index just past the value that starts at s[i].
func (e *containerEnds) skip(s []byte, i int) int {
	if e == nil || s[i] != '{' && s[i] != '[' {
		return skipValue(s, i)
	}
	if end, ok := e.m[int32(i)]; ok {
		return int(end)
	}
	e.stack = e.stack[:0]
	for {
		for !structural[s[i]] {
			i++
		}
		switch s[i] {
		case '"':
			i = skipString(s, i)
			continue
		case '{', '[':
			if end, ok := e.m[int32(i)]; ok {
				i = int(end)
				if len(e.stack) == 0 {
					return i
				}
				continue
			}
			e.stack = append(e.stack, int32(i))
		default:
			start := e.stack[len(e.stack)-1]
			e.stack = e.stack[:len(e.stack)-1]
			if int32(i+1)-start >= minRemembered && len(e.m) < e.limit {
				e.m[start] = int32(i + 1)
			}
			if len(e.stack) == 0 {
				return i + 1
			}
		}
		i++
	}
}
