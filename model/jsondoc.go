package model

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
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
// the root ($) and a byte offset.
type ParseError struct {
	Path   string
	Offset int
	Msg    string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s at %s (byte %d)", e.Msg, e.Path, e.Offset)
}

// node is one value in a Doc. Nodes live in one slice so that reading a
// 10,000-event bundle costs a handful of allocations, not millions.
type node struct {
	kind       Kind
	start, end int32 // the value's exact bytes in Doc.src
	keyStart   int32 // when the node is an object member: its key's raw bytes (quotes included)
	keyEnd     int32
	keyEscaped bool  // the key holds a backslash escape and must be decoded to compare
	count      int32 // members or elements
	first      int32 // first child, or -1
	next       int32 // next sibling, or -1
}

// Doc is a parsed JSON document that keeps every value's received bytes.
type Doc struct {
	src   []byte
	nodes []node
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
		return nil, &ParseError{Path: "$", Msg: fmt.Sprintf("input is %d bytes, over the limit of %d", len(src), MaxBundleBytes)}
	}
	p := &scanner{src: src, doc: &Doc{src: src, nodes: make([]node, 0, len(src)/24+4)}}
	p.skipSpace()
	if p.pos >= len(src) {
		return nil, p.fail("empty input: expected a JSON value")
	}
	if _, err := p.value(0); err != nil {
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

type pathElem struct {
	key   string
	index int
	isKey bool
}

type scanner struct {
	src  []byte
	pos  int
	doc  *Doc
	path []pathElem
}

func (p *scanner) fail(msg string) error {
	return &ParseError{Path: formatPath(p.path), Offset: p.pos, Msg: msg}
}

func formatPath(path []pathElem) string {
	var b strings.Builder
	b.WriteString("$")
	for _, e := range path {
		if e.isKey {
			b.WriteString(PathKey(e.key))
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

// value scans one value at p.pos and returns its node index.
func (p *scanner) value(depth int) (int32, error) {
	if depth > MaxDepth {
		return 0, p.fail(fmt.Sprintf("nesting deeper than %d levels", MaxDepth))
	}
	if p.pos >= len(p.src) {
		return 0, p.fail("unexpected end of input")
	}
	start := p.pos
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		if _, err := p.str(); err != nil {
			return 0, err
		}
		return p.add(node{kind: KindString, start: int32(start), end: int32(p.pos), first: -1, next: -1}), nil
	case c == 't':
		return p.literal("true", KindBool)
	case c == 'f':
		return p.literal("false", KindBool)
	case c == 'n':
		return p.literal("null", KindNull)
	case c == '-' || c >= '0' && c <= '9':
		if err := p.number(); err != nil {
			return 0, err
		}
		return p.add(node{kind: KindNumber, start: int32(start), end: int32(p.pos), first: -1, next: -1}), nil
	default:
		return 0, p.fail(fmt.Sprintf("unexpected character %q", rune(c)))
	}
}

func (p *scanner) literal(word string, kind Kind) (int32, error) {
	start := p.pos
	if !bytes.HasPrefix(p.src[p.pos:], []byte(word)) {
		return 0, p.fail("invalid literal, expected " + word)
	}
	p.pos += len(word)
	return p.add(node{kind: kind, start: int32(start), end: int32(p.pos), first: -1, next: -1}), nil
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

func (p *scanner) object(depth int) (int32, error) {
	start := p.pos
	idx := p.add(node{kind: KindObject, start: int32(start), first: -1, next: -1})
	p.pos++ // {
	p.skipSpace()
	var last int32 = -1
	var count int32
	var seen map[string]struct{}
	depthPath := len(p.path)
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
			keyEnd := p.pos
			key := decodeKey(p.src[keyStart:keyEnd], keyEscaped)
			p.path = append(p.path, pathElem{isKey: true, key: key})
			// Duplicate keys: compare against earlier members; small objects
			// (all of a bundle's) by a linear walk, large ones with a map.
			if count < maxMembersLinear {
				for c := p.doc.nodes[idx].first; c >= 0; c = p.doc.nodes[c].next {
					if p.doc.keyOf(c) == key {
						p.pos = keyStart
						return 0, p.fail(fmt.Sprintf("duplicate key %q", key))
					}
				}
			} else {
				if seen == nil {
					seen = make(map[string]struct{}, 2*maxMembersLinear)
					for c := p.doc.nodes[idx].first; c >= 0; c = p.doc.nodes[c].next {
						seen[p.doc.keyOf(c)] = struct{}{}
					}
				}
				if _, dup := seen[key]; dup {
					p.pos = keyStart
					return 0, p.fail(fmt.Sprintf("duplicate key %q", key))
				}
				seen[key] = struct{}{}
			}
			p.skipSpace()
			if p.pos >= len(p.src) || p.src[p.pos] != ':' {
				return 0, p.fail("expected ':' after object key")
			}
			p.pos++
			p.skipSpace()
			child, err := p.value(depth + 1)
			if err != nil {
				return 0, err
			}
			n := &p.doc.nodes[child]
			n.keyStart, n.keyEnd, n.keyEscaped = int32(keyStart), int32(keyEnd), keyEscaped
			if last < 0 {
				p.doc.nodes[idx].first = child
			} else {
				p.doc.nodes[last].next = child
			}
			last = child
			count++
			p.skipSpace()
			if p.pos >= len(p.src) {
				return 0, p.fail("unterminated object")
			}
			if p.src[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.src[p.pos] == '}' {
				p.pos++
				break
			}
			return 0, p.fail("expected ',' or '}' in object")
		}
	}
	p.path = p.path[:depthPath]
	n := &p.doc.nodes[idx]
	n.end, n.count = int32(p.pos), count
	return idx, nil
}

func (p *scanner) array(depth int) (int32, error) {
	start := p.pos
	idx := p.add(node{kind: KindArray, start: int32(start), first: -1, next: -1})
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
			child, err := p.value(depth + 1)
			if err != nil {
				return 0, err
			}
			if last < 0 {
				p.doc.nodes[idx].first = child
			} else {
				p.doc.nodes[last].next = child
			}
			last = child
			count++
			p.skipSpace()
			if p.pos >= len(p.src) {
				return 0, p.fail("unterminated array")
			}
			if p.src[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.src[p.pos] == ']' {
				p.pos++
				break
			}
			return 0, p.fail("expected ',' or ']' in array")
		}
	}
	p.path = p.path[:depthPath]
	n := &p.doc.nodes[idx]
	n.end, n.count = int32(p.pos), count
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
	for c := v.doc.nodes[v.i].first; c >= 0; c = v.doc.nodes[c].next {
		n := &v.doc.nodes[c]
		if !n.keyEscaped {
			if string(v.doc.src[n.keyStart+1:n.keyEnd-1]) == key {
				return Value{doc: v.doc, i: c}
			}
		} else if v.doc.keyOf(c) == key {
			return Value{doc: v.doc, i: c}
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
	for c := v.doc.nodes[v.i].first; c >= 0; c = v.doc.nodes[c].next {
		out = append(out, Member{Key: v.doc.keyOf(c), Value: Value{doc: v.doc, i: c}})
	}
	return out
}

// Elems lists an array's elements.
func (v Value) Elems() []Value {
	if v.Kind() != KindArray {
		return nil
	}
	out := make([]Value, 0, v.Len())
	for c := v.doc.nodes[v.i].first; c >= 0; c = v.doc.nodes[c].next {
		out = append(out, Value{doc: v.doc, i: c})
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

// Int reads an integer number value.
func (v Value) Int() (int64, bool) {
	if v.Kind() != KindNumber {
		return 0, false
	}
	n, err := strconv.ParseInt(string(v.Raw()), 10, 64)
	return n, err == nil
}

// Bool reads a boolean.
func (v Value) Bool() bool { return v.Kind() == KindBool && v.Raw()[0] == 't' }

// IsNull reports a JSON null.
func (v Value) IsNull() bool { return v.Kind() == KindNull }
