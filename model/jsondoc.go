package model

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"
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
// in full but their children get no nodes: they are read by scanning their
// bytes when asked for. A bundle's checks read a few members per event, so
// most of a large bundle is never indexed, which keeps parsing fast and
// memory near the input size.
const indexDepth = 3

// node is one value in a Doc. Nodes live in one slice so that reading a
// 10,000-event bundle costs a handful of allocations, not millions. A
// container's children follow it in the slice: its first child is the
// next node.
type node struct {
	kind       Kind
	keyEscaped bool  // the key holds a backslash escape and must be decoded to compare
	lazy       bool  // a container whose children have no nodes (read by scanning)
	start, end int32 // the value's exact bytes in Doc.src
	keyStart   int32 // when the node is an object member: its key's raw bytes (quotes included)
	keyEnd     int32
	count      int32 // members or elements
	next       int32 // next sibling, or -1
}

// Doc is a parsed JSON document that keeps every value's received bytes.
// Nothing changes it after ParseDoc returns, so any number of goroutines
// may read it at once.
type Doc struct {
	src   []byte
	nodes []node
	// unsorted holds, in increasing order, where each object whose members
	// are not in canonical (RFC 8785) key order starts: the canonical
	// writer streams every other object as it comes.
	unsorted []int32
}

// Value is one value of a Doc. The zero Value is "missing". A value
// below the index (node -1) is known by its bytes alone.
type Value struct {
	doc        *Doc
	node       int32 // index in doc.nodes, or -1
	start, end int32 // the value's bytes in doc.src
}

// ParseDoc reads src strictly: exactly one JSON value with nothing after it,
// valid UTF-8, no duplicate object keys at any depth, values nested at most
// MaxDepth levels below the top-level value. The Doc keeps src, and values
// and strings read from it share its bytes: src must not change afterwards.
// Two JSON parsers can disagree on input that breaks any of these rules, so a
// digest over such input would not mean one thing.
func ParseDoc(src []byte) (*Doc, error) {
	if len(src) > MaxBundleBytes {
		return nil, &ParseError{Path: "$", Offset: -1, Msg: fmt.Sprintf("input is %d bytes, over the limit of %d", len(src), MaxBundleBytes)}
	}
	return scanDoc(src)
}

func scanDoc(src []byte) (*Doc, error) {
	doc, _, err := scan(src, "")
	return doc, err
}

// hashChunk is how many bytes the reader gathers before handing them to
// the hasher (hashing while reading, readhash.go).
const hashChunk = 64 << 10

// scan reads src; with hashWithout set and src large, it also returns the
// SHA-256 of src's top-level object minus that member, when src is
// canonical as received ("" when not).
func scan(src []byte, hashWithout string) (*Doc, string, error) {
	p := &scanner{src: src, doc: &Doc{src: src, nodes: make([]node, 0, len(src)/100+16)}}
	p.skipSpace()
	if p.pos >= len(src) {
		return nil, "", p.fail("empty input: expected a JSON value")
	}
	if hashWithout != "" && len(src) >= hashWhileReadingMin && runtime.GOMAXPROCS(0) > 1 {
		p.hash = newReadHash(src, hashWithout)
		p.hash.from = p.pos
		defer p.hash.spoil() // on an error: let the hasher go
	}
	if _, err := p.value(0, true); err != nil {
		return nil, "", err
	}
	digest := ""
	if p.hash != nil {
		digest = p.hash.result(p.pos)
		p.hash = nil // what follows the value is not part of it
	}
	p.skipSpace()
	if p.pos < len(src) {
		return nil, "", p.fail("unexpected data after the JSON value")
	}
	// An object is recorded when its first out-of-order key is read, which
	// can be after nested objects of its earlier members were.
	slices.Sort(p.doc.unsorted)
	return p.doc, digest, nil
}

// pathElem is one step of the path to where the scanner is: an object key
// (raw bytes, decoded only when an error is reported) or an array index.
type pathElem struct {
	keyStart, keyEnd int32 // the key's raw bytes in the input
	index            int32
	isKey, escaped   bool
}

// keySpan is a key of an object being scanned, kept to find duplicates.
type keySpan struct {
	start, end int32
	escaped    bool
	ascii      bool // every byte is ASCII (so its UTF-16 order is its byte order)
}

type scanner struct {
	src  []byte
	pos  int
	doc  *Doc
	path []pathElem // no pointers in it: it changes at every member, and writes of pointers cost a GC barrier
	keys []keySpan  // the keys of every object being scanned, innermost last
	hash *readHash  // hashing while reading: when asked for, and while the input is canonical
}

func (p *scanner) fail(msg string) error {
	return &ParseError{Path: formatPath(p.src, p.path), Offset: p.pos, Msg: msg}
}

func formatPath(src []byte, path []pathElem) string {
	var b strings.Builder
	b.WriteString("$")
	for _, e := range path {
		if e.isKey {
			b.WriteString(PathKey(decodeKey(src[e.keyStart:e.keyEnd], e.escaped)))
		} else {
			b.WriteString("[" + strconv.Itoa(int(e.index)) + "]")
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
	start := p.pos
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			p.spaceSeen(start)
			return
		}
	}
	p.spaceSeen(start)
}

// spaceSeen drops the hash-while-reading speculation when whitespace was
// skipped since start: the input is not compact.
func (p *scanner) spaceSeen(start int) {
	if p.hash != nil && p.pos > start {
		p.hash.spoil()
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
		escaped, _, err := p.str()
		if err != nil {
			return 0, err
		}
		if escaped && p.hash != nil {
			p.hash.spoil()
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
		if p.hash != nil {
			p.hash.number(p.src[start:p.pos])
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
func (p *scanner) str() (escaped, ascii bool, err error) {
	s := p.src
	i := p.pos + 1
	ascii = true
	for {
		// Eight bytes at a time while none of them needs a look: no
		// quote, backslash, control character or non-ASCII byte.
		for i+8 <= len(s) && plainWord(binary.LittleEndian.Uint64(s[i:])) {
			i += 8
		}
		for i < len(s) && plainStringByte[s[i]] {
			i++
		}
		if i >= len(s) {
			p.pos = i
			return false, false, p.fail("unterminated string")
		}
		c := s[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return escaped, ascii, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(s) {
				p.pos = i
				return false, false, p.fail("unterminated escape")
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				r, ok := hex4(s, i+2)
				if !ok {
					p.pos = i
					return false, false, p.fail("invalid \\u escape")
				}
				i += 6
				if utf16.IsSurrogate(r) {
					r2, ok2 := rune(0), false
					if r < 0xDC00 && i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
						r2, ok2 = hex4(s, i+2)
					}
					if !ok2 || utf16.DecodeRune(r, r2) == utf8.RuneError {
						p.pos = i - 6
						return false, false, p.fail("lone UTF-16 surrogate in \\u escape")
					}
					i += 6
				}
			default:
				p.pos = i
				return false, false, p.fail("invalid escape character")
			}
		case c < 0x20:
			p.pos = i
			return false, false, p.fail("control character in string must be escaped")
		case c < utf8.RuneSelf:
			i++
		default:
			ascii = false
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size <= 1 {
				p.pos = i
				return false, false, p.fail("invalid UTF-8")
			}
			i += size
		}
	}
}

// plainStringByte marks the bytes a string holds as they are: printable
// ASCII other than '"' and '\'.
var plainStringByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// plainWord reports whether all eight bytes of w are plainStringByte.
func plainWord(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	hasZero := func(x uint64) uint64 { return (x - ones) &^ x & highs }
	quote, backslash := hasZero(w^('"'*ones)), hasZero(w^('\\'*ones))
	control := (w - 0x20*ones) &^ w & highs // a byte under 0x20 (or 0x80 and up, caught next)
	return (quote | backslash | control | w&highs) == 0
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

// Dense containers are not indexed: a node costs more than the bytes of a
// small value (an array of a million 1e20, an object of a million short
// keys), so a container whose subtree holds more than one node per
// bytesPerNode bytes (past a first few) drops its children's nodes and is
// read by scanning instead. That bounds the index near len(src)/bytesPerNode
// nodes whatever the input; the members of a bundle's events are far
// sparser than that.
const (
	bytesPerNode   = 16
	denseAllowance = 64 // nodes any container may have, however small
)

// tooDense reports whether the container at node idx, started at start,
// has grown denser than the index allows.
func (p *scanner) tooDense(idx int32, start int) bool {
	return int(int32(len(p.doc.nodes))-idx) > denseAllowance+(p.pos-start)/bytesPerNode
}

// unindex drops the nodes of a container's children: it is read by
// scanning from now on.
func (p *scanner) unindex(idx int32) {
	p.doc.nodes = p.doc.nodes[:idx+1]
	p.doc.nodes[idx].lazy = true
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
	objStart := int32(p.pos)
	p.pos++ // {
	p.skipSpace()
	var last int32 = -1
	var count int32
	var seen map[string]struct{}
	depthPath := len(p.path)
	p.path = append(p.path, pathElem{})[:depthPath] // room for this object's step
	keysMark := len(p.keys)
	inOrder := true
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
			keyEscaped, keyASCII, err := p.str()
			if err != nil {
				return 0, err
			}
			key := keySpan{start: int32(keyStart), end: int32(p.pos), escaped: keyEscaped, ascii: keyASCII}
			p.path = p.path[:depthPath+1]
			p.path[depthPath] = pathElem{isKey: true, keyStart: key.start, keyEnd: key.end, escaped: keyEscaped}
			// While the keys come in canonical order, each is greater than
			// every earlier one, so none can repeat; once not, duplicates
			// are looked for: in small objects (all of a bundle's) by a walk
			// over the raw keys, in large ones with a map.
			if inOrder && count > 0 && !p.keyLess(p.keys[len(p.keys)-1], key) {
				if p.hash != nil {
					p.hash.spoil()
				}
				inOrder = false
				p.doc.unsorted = append(p.doc.unsorted, objStart)
			}
			if !inOrder && count < maxMembersLinear {
				for _, k := range p.keys[keysMark:] {
					if p.sameKey(k, key) {
						p.pos = keyStart
						return 0, p.fail(fmt.Sprintf("duplicate key %q", p.keyString(key)))
					}
				}
			} else if !inOrder {
				if seen == nil {
					seen = make(map[string]struct{}, max(2*maxMembersLinear, int(count)))
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
			if keyEscaped && p.hash != nil {
				p.hash.spoil()
			}
			excluded := depth == 0 && p.hash != nil && p.hash.member(keyStart, int(key.end), count == 0)
			child, err := p.value(depth+1, indexChildren)
			if err != nil {
				return 0, err
			}
			if excluded {
				p.hash.memberEnd(p.pos, count == 0)
			} else if p.hash != nil && p.pos-p.hash.from >= hashChunk {
				p.hash.commit(p.pos)
			}
			if indexChildren {
				n := &p.doc.nodes[child]
				n.keyStart, n.keyEnd, n.keyEscaped = key.start, key.end, key.escaped
				p.link(&last, child)
				if p.tooDense(idx, int(objStart)) {
					p.unindex(idx)
					indexChildren = false
				}
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

// keyLess reports whether key a sorts before key b in RFC 8785 order
// (the UTF-16 code units of the decoded keys).
func (p *scanner) keyLess(a, b keySpan) bool {
	if !a.escaped && !b.escaped && a.ascii && b.ascii {
		ka, kb := p.src[a.start+1:a.end-1], p.src[b.start+1:b.end-1]
		if len(ka) > 0 && len(kb) > 0 && ka[0] != kb[0] { // most keys differ at once
			return ka[0] < kb[0]
		}
		return bytes.Compare(ka, kb) < 0
	}
	return lessUTF16(p.keyString(a), p.keyString(b))
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
	arrStart := p.pos
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
			p.path[depthPath].index = count
			p.skipSpace()
			child, err := p.value(depth+1, indexChildren)
			if err != nil {
				return 0, err
			}
			if p.hash != nil && p.pos-p.hash.from >= hashChunk {
				p.hash.commit(p.pos)
			}
			if indexChildren {
				p.link(&last, child)
				if p.tooDense(idx, arrStart) {
					p.unindex(idx)
					indexChildren = false
				}
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
