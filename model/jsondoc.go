package model

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits of the strict reader. They bound memory and recursion on hostile
// input; real bundles are a dozen levels deep.
const (
	MaxDepth         = 128
	MaxBundleBytes   = 32 << 20 // the same default as the fetch body limit
	maxMembersLinear = 16       // above this, duplicate keys are found with a map
)

// Kind is the JSON type of a Value.
type Kind uint8

const (
	KindInvalid Kind = iota
	KindNull
	KindBool
	KindNumber
	KindString
	KindArray
	KindObject
)

func (k Kind) String() string {
	return [...]string{"invalid", "null", "boolean", "number", "string", "array", "object"}[k]
}

// ParseError says what is wrong with the input and where: a JSON path from
// the root ($) and, for a syntax problem, a byte offset.
type ParseError struct {
	Path   string
	Offset int // -1 when the problem is a value, not a position in the text
	Msg    string
}

func (e *ParseError) Error() string {
	if e.Offset < 0 {
		return fmt.Sprintf("%s at %s", e.Msg, e.Path)
	}
	return fmt.Sprintf("%s at %s (byte %d)", e.Msg, e.Path, e.Offset)
}

// indexDepth is how deep the first pass indexes: containers nested deeper
// (an event's payload, signer, signature; the state's lists) are validated
// in full but their children are indexed only when first read. A bundle's
// checks read a few members per event, so most of a large bundle is never
// indexed, which keeps parsing fast and memory near the input size.
const indexDepth = 4

// node is one value in a Doc. Nodes live in one slice so that reading a
// 10,000-event bundle costs a handful of allocations, not millions. A
// container's children follow it in the slice: its first child is the
// next node.
type node struct {
	kind       Kind
	keyEscaped bool  // the key holds a backslash escape and must be decoded to compare
	lazy       bool  // a container whose children are indexed on first read (Doc.expand)
	start, end int32 // the value's exact bytes in Doc.src
	keyStart   int32 // when the node is an object member: its key's raw bytes (quotes included)
	keyEnd     int32
	count      int32 // members or elements
	next       int32 // next sibling, or -1
}

// Doc is a parsed JSON document that keeps every value's received bytes.
type Doc struct {
	src   []byte
	nodes []node

	mu   sync.Mutex
	subs map[int32]*Doc // lazy containers, indexed on first read
}

// Value is one value of a Doc. The zero Value is "missing".
type Value struct {
	doc *Doc
	i   int32
}

// ParseDoc reads src strictly: exactly one JSON value with nothing after it,
// valid UTF-8, no duplicate object keys at any depth, values nested at most
// MaxDepth levels below the top-level value.
// Two JSON parsers can disagree on input that breaks any of these rules, so a
// digest over such input would not mean one thing.
func ParseDoc(src []byte) (*Doc, error) {
	if len(src) > MaxBundleBytes {
		return nil, &ParseError{Path: "$", Offset: -1, Msg: fmt.Sprintf("input is %d bytes, over the limit of %d", len(src), MaxBundleBytes)}
	}
	return scanDoc(src)
}

func scanDoc(src []byte) (*Doc, error) {
	p := &scanner{src: src, doc: &Doc{src: src, nodes: make([]node, 0, len(src)/100+16)}}
	p.skipSpace()
	if p.pos >= len(src) {
		return nil, p.fail("empty input: expected a JSON value")
	}
	if _, err := p.value(0, true); err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(src) {
		return nil, p.fail("unexpected data after the JSON value")
	}
	return p.doc, nil
}

// Root is the document's top-level value.
func (d *Doc) Root() Value { return Value{doc: d, i: 0} }

// expand indexes the children of lazy container i, once. The bytes were
// validated by the first pass, so scanning them again cannot fail.
func (d *Doc) expand(i int32) *Doc {
	d.mu.Lock()
	defer d.mu.Unlock()
	if sub, ok := d.subs[i]; ok {
		return sub
	}
	n := &d.nodes[i]
	sub, err := scanDoc(d.src[n.start:n.end:n.end])
	if err != nil {
		panic("model: validated JSON failed to scan again: " + err.Error())
	}
	if d.subs == nil {
		d.subs = map[int32]*Doc{}
	}
	d.subs[i] = sub
	return sub
}

// children returns the doc that holds a container's children and the
// index of the first (-1 when empty): they follow the container in its
// doc, or, for a lazy container, in its expansion.
func (v Value) children() (*Doc, int32) {
	n := &v.doc.nodes[v.i]
	if n.count == 0 {
		return v.doc, -1
	}
	if n.lazy {
		return v.doc.expand(v.i), 1
	}
	return v.doc, v.i + 1
}

// pathElem is one step of the path to where the scanner is: an object key
// (raw bytes, decoded only when an error is reported) or an array index.
type pathElem struct {
	key     []byte
	escaped bool
	index   int
	isKey   bool
}

// keySpan is a key of an object being scanned, kept to find duplicates.
type keySpan struct {
	start, end int32
	escaped    bool
}

type scanner struct {
	src  []byte
	pos  int
	doc  *Doc
	path []pathElem
	keys []keySpan // the keys of every object being scanned, innermost last
}

func (p *scanner) fail(msg string) error {
	return &ParseError{Path: formatPath(p.path), Offset: p.pos, Msg: msg}
}

func formatPath(path []pathElem) string {
	var b strings.Builder
	b.WriteString("$")
	for _, e := range path {
		if e.isKey {
			b.WriteString(PathKey(decodeKey(e.key, e.escaped)))
		} else {
			b.WriteString("[" + strconv.Itoa(e.index) + "]")
		}
	}
	return b.String()
}

// PathKey formats one object key as a JSON path step: .name for plain
// identifiers, ["..."] otherwise.
func PathKey(key string) string {
	plain := key != ""
	for i, r := range key {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return "." + key
	}
	return "[" + strconv.Quote(key) + "]"
}

func (p *scanner) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *scanner) add(n node) int32 {
	p.doc.nodes = append(p.doc.nodes, n)
	return int32(len(p.doc.nodes) - 1)
}

// value scans one value at p.pos. When index is set it adds a node for
// it and returns the node's index; otherwise it only validates (-1).
func (p *scanner) value(depth int, index bool) (int32, error) {
	if depth > MaxDepth {
		return 0, p.fail(fmt.Sprintf("nesting deeper than %d levels", MaxDepth))
	}
	if p.pos >= len(p.src) {
		return 0, p.fail("unexpected end of input")
	}
	start := p.pos
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object(depth, index)
	case c == '[':
		return p.array(depth, index)
	case c == '"':
		if _, err := p.str(); err != nil {
			return 0, err
		}
		return p.scalar(KindString, start, index), nil
	case c == 't':
		return p.literal("true", KindBool, index)
	case c == 'f':
		return p.literal("false", KindBool, index)
	case c == 'n':
		return p.literal("null", KindNull, index)
	case c == '-' || c >= '0' && c <= '9':
		if err := p.number(); err != nil {
			return 0, err
		}
		return p.scalar(KindNumber, start, index), nil
	default:
		return 0, p.fail(fmt.Sprintf("unexpected character %q", rune(c)))
	}
}

func (p *scanner) scalar(kind Kind, start int, index bool) int32 {
	if !index {
		return -1
	}
	return p.add(node{kind: kind, start: int32(start), end: int32(p.pos), next: -1})
}

func (p *scanner) literal(word string, kind Kind, index bool) (int32, error) {
	start := p.pos
	if !bytes.HasPrefix(p.src[p.pos:], []byte(word)) {
		return 0, p.fail("invalid literal, expected " + word)
	}
	p.pos += len(word)
	return p.scalar(kind, start, index), nil
}

func (p *scanner) number() error {
	s := p.src
	i := p.pos
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		p.pos = i
		return p.fail("invalid number")
	}
	if i < len(s) && s[i] == '.' {
		i++
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			p.pos = i
			return p.fail("invalid number: no digits after the decimal point")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			p.pos = i
			return p.fail("invalid number: no digits in the exponent")
		}
	}
	p.pos = i
	return nil
}

// str scans a string at p.pos (the opening quote) and reports whether it
// holds a backslash escape. It checks UTF-8 and escapes; lone surrogates in
// \u escapes are refused because they have no UTF-8 form to hash.
func (p *scanner) str() (escaped bool, err error) {
	s := p.src
	i := p.pos + 1
	for {
		if i >= len(s) {
			p.pos = i
			return false, p.fail("unterminated string")
		}
		c := s[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return escaped, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(s) {
				p.pos = i
				return false, p.fail("unterminated escape")
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				r, ok := hex4(s, i+2)
				if !ok {
					p.pos = i
					return false, p.fail("invalid \\u escape")
				}
				i += 6
				if utf16.IsSurrogate(r) {
					r2, ok2 := rune(0), false
					if r < 0xDC00 && i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
						r2, ok2 = hex4(s, i+2)
					}
					if !ok2 || utf16.DecodeRune(r, r2) == utf8.RuneError {
						p.pos = i - 6
						return false, p.fail("lone UTF-16 surrogate in \\u escape")
					}
					i += 6
				}
			default:
				p.pos = i
				return false, p.fail("invalid escape character")
			}
		case c < 0x20:
			p.pos = i
			return false, p.fail("control character in string must be escaped")
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size <= 1 {
				p.pos = i
				return false, p.fail("invalid UTF-8")
			}
			i += size
		}
	}
}

func hex4(s []byte, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(s[i:i+4]), 16, 32)
	return rune(v), err == nil
}

// container adds a node for an object or array being scanned (when
// indexed) and says whether its children get nodes too.
func (p *scanner) container(kind Kind, depth int, index bool) (idx int32, indexChildren bool) {
	if !index {
		return -1, false
	}
	indexChildren = depth < indexDepth
	idx = p.add(node{kind: kind, start: int32(p.pos), next: -1, lazy: !indexChildren})
	return idx, indexChildren
}

// finish records a container's end and size, and links its children.
func (p *scanner) finish(idx int32, count int32) {
	if idx >= 0 {
		n := &p.doc.nodes[idx]
		n.end, n.count = int32(p.pos), count
	}
}

func (p *scanner) link(last *int32, child int32) {
	if *last >= 0 {
		p.doc.nodes[*last].next = child
	}
	*last = child
}

func (p *scanner) object(depth int, index bool) (int32, error) {
	idx, indexChildren := p.container(KindObject, depth, index)
	p.pos++ // {
	p.skipSpace()
	var last int32 = -1
	var count int32
	var seen map[string]struct{}
	depthPath := len(p.path)
	keysMark := len(p.keys)
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
	} else {
		for {
			// Until its key is read, a problem is about the object itself,
			// not the member before.
			p.path = p.path[:depthPath]
			p.skipSpace()
			if p.pos >= len(p.src) || p.src[p.pos] != '"' {
				return 0, p.fail("expected a string key")
			}
			keyStart := p.pos
			keyEscaped, err := p.str()
			if err != nil {
				return 0, err
			}
			key := keySpan{start: int32(keyStart), end: int32(p.pos), escaped: keyEscaped}
			p.path = append(p.path, pathElem{isKey: true, key: p.src[key.start:key.end], escaped: keyEscaped})
			// Duplicate keys: compare against earlier members; small objects
			// (all of a bundle's) by a walk over raw keys, large ones with a map.
			if count < maxMembersLinear {
				for _, k := range p.keys[keysMark:] {
					if p.sameKey(k, key) {
						p.pos = keyStart
						return 0, p.fail(fmt.Sprintf("duplicate key %q", p.keyString(key)))
					}
				}
			} else {
				if seen == nil {
					seen = make(map[string]struct{}, 2*maxMembersLinear)
					for _, k := range p.keys[keysMark:] {
						seen[p.keyString(k)] = struct{}{}
					}
				}
				name := p.keyString(key)
				if _, dup := seen[name]; dup {
					p.pos = keyStart
					return 0, p.fail(fmt.Sprintf("duplicate key %q", name))
				}
				seen[name] = struct{}{}
			}
			p.keys = append(p.keys, key)
			p.skipSpace()
			if p.pos >= len(p.src) || p.src[p.pos] != ':' {
				return 0, p.fail("expected ':' after object key")
			}
			p.pos++
			p.skipSpace()
			child, err := p.value(depth+1, indexChildren)
			if err != nil {
				return 0, err
			}
			if indexChildren {
				n := &p.doc.nodes[child]
				n.keyStart, n.keyEnd, n.keyEscaped = key.start, key.end, key.escaped
				p.link(&last, child)
			}
			count++
			more, err := p.next('}', "object")
			if err != nil {
				return 0, err
			}
			if !more {
				break
			}
		}
	}
	p.keys = p.keys[:keysMark]
	p.path = p.path[:depthPath]
	p.finish(idx, count)
	return idx, nil
}

// next reads what follows a member or an element: a comma (more is true)
// or the container's closing bracket.
func (p *scanner) next(closing byte, container string) (more bool, err error) {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return false, p.fail("unterminated " + container)
	}
	switch p.src[p.pos] {
	case ',':
		p.pos++
		return true, nil
	case closing:
		p.pos++
		return false, nil
	}
	return false, p.fail(fmt.Sprintf("expected ',' or '%c' in %s", closing, container))
}

func (p *scanner) keyString(k keySpan) string {
	return decodeKey(p.src[k.start:k.end], k.escaped)
}

// sameKey compares two keys as text: raw bytes when neither has escapes.
func (p *scanner) sameKey(a, b keySpan) bool {
	if !a.escaped && !b.escaped {
		return bytes.Equal(p.src[a.start:a.end], p.src[b.start:b.end])
	}
	return p.keyString(a) == p.keyString(b)
}

func (p *scanner) array(depth int, index bool) (int32, error) {
	idx, indexChildren := p.container(KindArray, depth, index)
	p.pos++ // [
	p.skipSpace()
	var last int32 = -1
	var count int32
	p.path = append(p.path, pathElem{})
	depthPath := len(p.path) - 1
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
	} else {
		for {
			p.path[depthPath].index = int(count)
			p.skipSpace()
			child, err := p.value(depth+1, indexChildren)
			if err != nil {
				return 0, err
			}
			if indexChildren {
				p.link(&last, child)
			}
			count++
			more, err := p.next(']', "array")
			if err != nil {
				return 0, err
			}
			if !more {
				break
			}
		}
	}
	p.path = p.path[:depthPath]
	p.finish(idx, count)
	return idx, nil
}

func (d *Doc) keyOf(i int32) string {
	n := &d.nodes[i]
	return decodeKey(d.src[n.keyStart:n.keyEnd], n.keyEscaped)
}

// decodeKey turns a scanned (already validated) JSON string into Go text.
func decodeKey(raw []byte, escaped bool) string {
	if !escaped {
		return string(raw[1 : len(raw)-1])
	}
	s, err := strconv.Unquote(string(raw))
	if err != nil {
		// strconv does not know \/ ; JSON and Go agree on everything else
		// the scanner accepts, so decode that case by hand.
		s = unquoteJSON(raw)
	}
	return s
}

func unquoteJSON(raw []byte) string {
	var b strings.Builder
	s := raw[1 : len(raw)-1]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, _ := hex4(s, i+1)
			i += 4
			if utf16.IsSurrogate(r) && i+6 < len(s)+1 {
				r2, _ := hex4(s, i+3)
				r = utf16.DecodeRune(r, r2)
				i += 6
			}
			b.WriteRune(r)
		default: // " \ /
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// ---- Value accessors ----

// Exists reports whether the value is present (not the zero Value).
func (v Value) Exists() bool { return v.doc != nil }

// Kind is the value's JSON type; KindInvalid when missing.
func (v Value) Kind() Kind {
	if v.doc == nil {
		return KindInvalid
	}
	return v.doc.nodes[v.i].kind
}

// Raw is the value's exact received bytes.
func (v Value) Raw() []byte {
	if v.doc == nil {
		return nil
	}
	n := &v.doc.nodes[v.i]
	return v.doc.src[n.start:n.end:n.end]
}

// Len is the number of members or elements.
func (v Value) Len() int {
	if v.doc == nil {
		return 0
	}
	return int(v.doc.nodes[v.i].count)
}

// Get returns the member named key of an object, or a missing Value.
func (v Value) Get(key string) Value {
	if v.Kind() != KindObject {
		return Value{}
	}
	d, first := v.children()
	for c := first; c >= 0; c = d.nodes[c].next {
		n := &d.nodes[c]
		if !n.keyEscaped {
			if string(d.src[n.keyStart+1:n.keyEnd-1]) == key {
				return Value{doc: d, i: c}
			}
		} else if d.keyOf(c) == key {
			return Value{doc: d, i: c}
		}
	}
	return Value{}
}

// Member is one key and value of an object, in received order.
type Member struct {
	Key   string
	Value Value
}

// Members lists an object's members in received order.
func (v Value) Members() []Member {
	if v.Kind() != KindObject {
		return nil
	}
	out := make([]Member, 0, v.Len())
	d, first := v.children()
	for c := first; c >= 0; c = d.nodes[c].next {
		out = append(out, Member{Key: d.keyOf(c), Value: Value{doc: d, i: c}})
	}
	return out
}

// Elems lists an array's elements.
func (v Value) Elems() []Value {
	if v.Kind() != KindArray {
		return nil
	}
	out := make([]Value, 0, v.Len())
	d, first := v.children()
	for c := first; c >= 0; c = d.nodes[c].next {
		out = append(out, Value{doc: d, i: c})
	}
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
