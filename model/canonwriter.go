package model

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// RFC 8785 (JCS) output is written straight from the received bytes, which
// the strict reader has already validated: no parse tree, no copy of the
// canonical form, one pass. Received bytes that are already canonical
// (compact, keys in order, numbers and strings spelled as JCS spells them)
// are passed on in runs as long as possible; everything else is rewritten
// as it goes by: whitespace is dropped, every number is spelled by
// jcs.NumberToJSON (CanonicalNumber), strings with escapes are decoded and
// escaped again as JCS escapes, and the members of an object received out
// of order are written in order.

// MaxCanonicalGrowth bounds how much longer a canonical form may be than
// the received JSON it comes from. Only numbers grow (1e20 is
// 100000000000000000000), and a few bytes each in an honest bundle; a
// bundle of millions of short-spelled huge numbers would otherwise make
// every digest hash five times its size.
const MaxCanonicalGrowth = 1 << 20

// writerChunk is how much canonical output is gathered before it is passed
// to the sink, and the run length above which received bytes go to the
// sink directly rather than through the buffer.
const writerChunk = 32 << 10

// canonWriter writes canonical JSON to a sink (a hash or a comparison), or
// keeps it (sink nil).
type canonWriter struct {
	out   []byte
	sink  io.Writer
	src   []byte // the document the pending run is in
	run   int    // start of the pending run of received bytes, or -1
	grown int    // bytes the numbers written so far have grown by
	err   error
	spans []memberSpan   // the members of the objects being reordered, innermost last
	ends  *containerEnds // where containers found while reordering end, for this output
	// numbers remembers what CanonicalNumber made of recent short
	// spellings: a bundle's numbers are a few small integers, thousands of
	// times over.
	numbers [64]struct{ raw, canonical string }
}

// memberSpan is a member of a received object: where its key and value start.
type memberSpan struct {
	keyStart, keyEnd, value int32
	plainKey                bool   // ASCII with no escapes: compared as bytes
	key                     string // the decoded key, when not plain
}

var writers = sync.Pool{New: func() any { return &canonWriter{out: make([]byte, 0, writerChunk), run: -1} }}

// newCanonWriter takes a writer from the pool; sink nil keeps the output.
func newCanonWriter(sink io.Writer) *canonWriter {
	c := writers.Get().(*canonWriter)
	c.sink, c.err, c.grown, c.run = sink, nil, 0, -1
	return c
}

func (c *canonWriter) release() {
	if cap(c.out) > 4*writerChunk { // a kept output: do not pool its size
		c.out = make([]byte, 0, writerChunk)
	}
	c.out, c.sink, c.src, c.spans, c.ends = c.out[:0], nil, nil, c.spans[:0], nil
	writers.Put(c)
}

// flush passes the gathered output to the sink.
func (c *canonWriter) flush() error {
	if c.sink != nil && len(c.out) > 0 && c.err == nil {
		_, c.err = c.sink.Write(c.out)
		c.out = c.out[:0]
	}
	return c.err
}

func (c *canonWriter) write(b []byte) {
	if c.sink != nil && len(b) >= writerChunk {
		if c.flush() == nil {
			_, c.err = c.sink.Write(b)
		}
		return
	}
	c.out = append(c.out, b...)
	if len(c.out) >= writerChunk {
		c.flush()
	}
}

func (c *canonWriter) writeByte(b byte) {
	c.out = append(c.out, b)
	if len(c.out) >= writerChunk {
		c.flush()
	}
}

func (c *canonWriter) writeString(s string) {
	c.out = append(c.out, s...)
	if len(c.out) >= writerChunk {
		c.flush()
	}
}

// cut ends the pending run of received bytes at j and writes it.
func (c *canonWriter) cut(j int) {
	if c.run >= 0 {
		if j > c.run {
			c.write(c.src[c.run:j])
		}
		c.run = -1
	}
}

func (c *canonWriter) resume(j int) { c.run = j }

// received writes the canonical form of a received value. A missing
// value (the zero Value) has none: that is an error, not a panic.
func (c *canonWriter) received(v Value) {
	if c.err != nil {
		return
	}
	if !v.Exists() {
		c.err = fmt.Errorf("no value to canonicalize")
		return
	}
	c.src = v.doc.src
	c.resume(int(v.start))
	c.value(v.doc, int(v.start))
	c.cut(int(v.end))
}

// value writes the canonical form of the value at src[i] (as part of the
// pending run where it is canonical as received) and returns its end.
func (c *canonWriter) value(d *Doc, i int) int {
	s := d.src
	switch s[i] {
	case '{':
		return c.object(d, i, nil)
	case '[':
		return c.array(d, i)
	case '"':
		end, escaped := scanString(s, i)
		if escaped {
			c.cut(i)
			c.escapedString(s[i:end])
			c.resume(end)
		}
		return end
	case 't':
		return i + 4
	case 'f':
		return i + 5
	case 'n':
		return i + 4
	}
	end := skipValue(s, i)
	c.number(i, end)
	return end
}

// scanString returns the index just past the (validated) string whose
// quote is at s[i], and whether it holds an escape, looking at eight bytes
// at a time while none is a quote or a backslash.
func scanString(s []byte, i int) (end int, escaped bool) {
	j := i + 1
	for j+8 <= len(s) && !quoteOrBackslash(binary.LittleEndian.Uint64(s[j:])) {
		j += 8
	}
	for s[j] != '"' {
		if s[j] == '\\' {
			return skipString(s, i), true
		}
		j++
	}
	return j + 1, false
}

// quoteOrBackslash reports whether one of the eight bytes of w is '"' or '\\'.
func quoteOrBackslash(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	hasZero := func(x uint64) uint64 { return (x - ones) &^ x & highs }
	return hasZero(w^('"'*ones))|hasZero(w^('\\'*ones)) != 0
}

// number writes a number as jcs.NumberToJSON spells it.
func (c *canonWriter) number(i, end int) {
	raw := c.src[i:end]
	var canonical string
	var err error
	if slot := &c.numbers[numberSlot(raw)]; len(raw) <= 16 && slot.canonical != "" && slot.raw == string(raw) {
		canonical = slot.canonical
	} else if canonical, err = CanonicalNumber(raw); err == nil && len(raw) <= 16 {
		slot.raw, slot.canonical = string(raw), canonical
	}
	switch {
	case err != nil:
		c.fail(err)
	case canonical != string(raw):
		c.cut(i)
		c.writeString(canonical)
		c.resume(end)
		if c.grown += len(canonical) - len(raw); c.grown > MaxCanonicalGrowth {
			c.fail(fmt.Errorf("the canonical form is over %d bytes longer than the JSON received (numbers spelled short, such as 1e20, are written out in full)", MaxCanonicalGrowth))
		}
	}
}

// numberSlot hashes a short number spelling to a slot of canonWriter.numbers.
func numberSlot(raw []byte) int {
	h := uint32(2166136261)
	for _, b := range raw {
		h = (h ^ uint32(b)) * 16777619
	}
	return int(h % 64)
}

func (c *canonWriter) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// space drops the whitespace at src[i], if any, from the output.
func (c *canonWriter) space(i int) int {
	j := skipSpaceAt(c.src, i)
	if j > i {
		c.cut(i)
		c.resume(j)
	}
	return j
}

func (c *canonWriter) array(d *Doc, i int) int {
	s := d.src
	i = c.space(i + 1)
	for s[i] != ']' && c.err == nil {
		i = c.space(c.value(d, i))
		if s[i] == ',' {
			i = c.space(i + 1)
		}
	}
	return i + 1
}

// object writes an object, minus the members named in exclude. One in
// canonical order with nothing to leave out streams as it comes; any
// other is written member by member, sorted.
func (c *canonWriter) object(d *Doc, i int, exclude []string) int {
	s := d.src
	if len(exclude) == 0 && d.keysInOrder(int32(i)) {
		i = c.space(i + 1)
		for s[i] != '}' && c.err == nil {
			i = c.value(d, i) // the key: a string
			i = c.space(i)
			i = c.space(i + 1) // past ':'
			i = c.space(c.value(d, i))
			if s[i] == ',' {
				i = c.space(i + 1)
			}
		}
		return i + 1
	}
	v := d.objectAt(i)
	mark := len(c.spans)
	end := skipSpaceAt(s, i+1) // past the last member: where '}' is
	if c.ends == nil {
		c.ends = newContainerEnds(s)
	}
	v.eachChildSkipping(c.ends, func(key []byte, keyAt int32, child Value) bool {
		end = skipSpaceAt(s, int(child.end))
		for _, x := range exclude {
			if keyIs(key, x) {
				return true
			}
		}
		span := memberSpan{keyStart: keyAt, keyEnd: keyAt + int32(len(key)), value: child.start}
		span.plainKey = isPlainASCII(key)
		if !span.plainKey {
			span.key = decodeKey(key, bytes.IndexByte(key, '\\') >= 0)
		}
		c.spans = append(c.spans, span)
		return true
	})
	end++ // past '}'
	if !d.keysInOrder(int32(i)) {
		slices.SortFunc(c.spans[mark:], func(a, b memberSpan) int { return compareKeys(s, a, b) })
	}
	c.cut(i)
	c.writeByte('{')
	for k := mark; k < len(c.spans) && c.err == nil; k++ {
		span := c.spans[k]
		if k > mark {
			c.writeByte(',')
		}
		c.resume(int(span.keyStart))
		c.value(d, int(span.keyStart))
		c.cut(int(span.keyEnd))
		c.writeByte(':')
		c.resume(int(span.value))
		c.cut(c.value(d, int(span.value)))
	}
	c.spans = c.spans[:mark]
	c.writeByte('}')
	c.resume(end)
	return end
}

// compareKeys orders two members by their keys' UTF-16 code units.
func compareKeys(s []byte, a, b memberSpan) int {
	if a.plainKey && b.plainKey {
		return bytes.Compare(s[a.keyStart+1:a.keyEnd-1], s[b.keyStart+1:b.keyEnd-1])
	}
	ka, kb := a.key, b.key
	if a.plainKey {
		ka = string(s[a.keyStart+1 : a.keyEnd-1])
	}
	if b.plainKey {
		kb = string(s[b.keyStart+1 : b.keyEnd-1])
	}
	switch {
	case lessUTF16(ka, kb):
		return -1
	case lessUTF16(kb, ka):
		return 1
	}
	return 0
}

// objectAt is the object that starts at offset i, with its node when it
// has one, so that its members are read from the index.
func (d *Doc) objectAt(i int) Value {
	// Nodes are in order of where they start.
	if n, found := slices.BinarySearchFunc(d.nodes, int32(i), func(n node, at int32) int { return int(n.start - at) }); found {
		return d.at(int32(n))
	}
	return Value{doc: d, node: -1, start: int32(i), end: -1} // eachChild needs only the start
}

// escapedString writes a received string that holds escapes as JCS
// writes it: the escapes decoded, then only '"', '\' and control
// characters escaped (\b \t \n \f \r, others as \u00xx).
func (c *canonWriter) escapedString(raw []byte) {
	c.writeByte('"')
	s := raw[1 : len(raw)-1]
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			j := bytes.IndexByte(s[i:], '\\')
			if j < 0 {
				j = len(s) - i
			}
			c.write(s[i : i+j])
			i += j
			continue
		}
		var r rune
		switch e := s[i+1]; e {
		case 'u':
			u, _ := hex4(s, i+2)
			r = u
			i += 6
			if utf16.IsSurrogate(u) { // the strict reader accepted only pairs
				low, _ := hex4(s, i+2)
				r = utf16.DecodeRune(u, low)
				i += 6
			}
		default:
			r = rune(unescaped[e])
			i += 2
		}
		c.writeRune(r)
	}
	c.writeByte('"')
}

// unescaped maps the character after a backslash to what it stands for.
var unescaped = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// writeRune writes one character of a string as JCS does.
func (c *canonWriter) writeRune(r rune) {
	switch r {
	case '"':
		c.writeString(`\"`)
	case '\\':
		c.writeString(`\\`)
	case '\b':
		c.writeString(`\b`)
	case '\f':
		c.writeString(`\f`)
	case '\n':
		c.writeString(`\n`)
	case '\r':
		c.writeString(`\r`)
	case '\t':
		c.writeString(`\t`)
	default:
		if r < 0x20 {
			c.writeString(`\u00`)
			c.writeByte("0123456789abcdef"[r>>4])
			c.writeByte("0123456789abcdef"[r&0xf])
			return
		}
		c.out = utf8.AppendRune(c.out, r)
	}
}

// canonicalString is s as a canonical JSON string.
func canonicalString(s string) []byte {
	c := newCanonWriter(nil)
	defer c.release()
	c.writeByte('"')
	for _, r := range s {
		c.writeRune(r)
	}
	c.writeByte('"')
	return bytes.Clone(c.out)
}

// isPlainASCII reports bytes that are printable ASCII other than '\'.
func isPlainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= utf8.RuneSelf || c == '\\' {
			return false
		}
	}
	return true
}

// lessUTF16 orders keys by their UTF-16 code units, as RFC 8785 requires.
// For ASCII (every key in a real bundle) that is byte order.
func lessUTF16(a, b string) bool {
	if isPlainASCII([]byte(a)) && isPlainASCII([]byte(b)) {
		return a < b
	}
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}
