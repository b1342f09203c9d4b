package model

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gowebpki/jcs"
)

// RFC 8785 is compositional: an object's canonical form is "{", its members'
// canonical "key":value pairs sorted by the UTF-16 code units of the key and
// joined by ",", then "}"; an array's is "[", its elements' canonical forms
// joined by ",", then "]". So every received byte is run through
// jcs.Transform once, as one of many small leaves (which can run in
// parallel), and every digest that covers it (an event without its
// signature, the state, the whole bundle) is composed from those leaves and
// streamed into SHA-256, instead of canonicalizing the bundle again.

// splitThreshold is the size above which a container is split into its
// members rather than canonicalized as one leaf, so that a huge state or
// payload spreads over the workers.
const splitThreshold = 64 << 10

// canonValue is canonical JSON that can be written out.
type canonValue interface {
	writeCanonical(w io.Writer) error
}

// canonLeaf is one received value waiting for, then holding, its canonical form.
type canonLeaf struct {
	raw []byte
	out []byte
	err error
}

func (l *canonLeaf) writeCanonical(w io.Writer) error {
	if l.err != nil {
		return l.err
	}
	_, err := w.Write(l.out)
	return err
}

// canonBytes is JSON this program wrote, already canonical (numbers as
// integers, strings through jcs).
type canonBytes []byte

func (c canonBytes) writeCanonical(w io.Writer) error { _, err := w.Write(c); return err }

type canonArray []canonValue

func (a canonArray) writeCanonical(w io.Writer) error {
	io.WriteString(w, "[")
	for i, v := range a {
		if i > 0 {
			io.WriteString(w, ",")
		}
		if err := v.writeCanonical(w); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "]")
	return err
}

type canonMember struct {
	key     string
	keyJSON []byte // the key as a canonical JSON string
	value   canonValue
}

// CanonObject is an object whose members are held in canonical form and in
// canonical (UTF-16 key) order, so that any subset of them can be written or
// hashed without canonicalizing again. A small object is canonicalized as
// one leaf and its members are found in that leaf's output each time they
// are needed (a scan of compact bytes, cheaper than keeping a member table
// for each of 10,000 events); a large one is planned member by member.
type CanonObject struct {
	members []canonMember
	whole   *canonLeaf
	source  Value // the received object, for whole-leaf objects
	split   sync.Once
	// Err is set when the value has no canonical form as an object.
	Err error
}

// wholeOK reports a whole-leaf object whose leaf has its canonical form.
// The leaf is fixed once the plan has run, so this reads no shared state
// that another goroutine writes.
func (o *CanonObject) wholeOK() bool { return o.whole != nil && o.whole.err == nil }

func (o *CanonObject) writeCanonical(w io.Writer) error {
	if o.wholeOK() {
		return o.whole.writeCanonical(w)
	}
	return o.write(w, nil)
}

// ensureMembers makes the member table of a planned object, or of a
// whole-leaf object whose leaf failed.
func (o *CanonObject) ensureMembers() error {
	if o.whole == nil {
		return o.Err
	}
	o.split.Do(func() {
		// Some member has no canonical form (a number JCS refuses).
		// Canonicalize member by member so that only that member is lost:
		// a digest that excludes it can still be computed.
		plan := NewCanonPlan()
		byMember := plan.objectWith(o.source, nil)
		plan.Run(context.Background(), 1)
		o.members, o.Err = byMember.members, byMember.Err
	})
	return o.Err
}

func (o *CanonObject) write(w io.Writer, exclude []string) error {
	if o.wholeOK() {
		io.WriteString(w, "{")
		first := true
		eachCanonicalMember(o.whole.out, func(keyJSON, value []byte) bool {
			if !keyIn(keyJSON, exclude) {
				if !first {
					io.WriteString(w, ",")
				}
				first = false
				w.Write(keyJSON)
				io.WriteString(w, ":")
				w.Write(value)
			}
			return true
		})
		_, err := io.WriteString(w, "}")
		return err
	}
	if err := o.ensureMembers(); err != nil {
		return err
	}
	io.WriteString(w, "{")
	first := true
	for _, m := range o.members {
		if contains(exclude, m.key) {
			continue
		}
		if !first {
			io.WriteString(w, ",")
		}
		first = false
		w.Write(m.keyJSON)
		io.WriteString(w, ":")
		if err := m.value.writeCanonical(w); err != nil {
			return fmt.Errorf("member %s: %w", strconv.Quote(m.key), err)
		}
	}
	_, err := io.WriteString(w, "}")
	return err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// SHA256Without is sha256(JCS(object minus the named members)), as hex.
func (o *CanonObject) SHA256Without(exclude ...string) (string, error) {
	return hashCanonical(func(w io.Writer) error { return o.write(w, exclude) })
}

// MemberSHA256 is sha256(JCS(member value)), as hex.
func (o *CanonObject) MemberSHA256(key string) (string, error) {
	v := o.member(key)
	if v == nil {
		return "", fmt.Errorf("no member %s", strconv.Quote(key))
	}
	return hashCanonical(v.writeCanonical)
}

// Bytes is the object's canonical JSON minus the named members.
func (o *CanonObject) Bytes(exclude ...string) ([]byte, error) {
	var buf bytesWriter
	err := o.write(&buf, exclude)
	return buf, err
}

func (o *CanonObject) member(key string) canonValue {
	return o.pick(key)[0]
}

// pick returns the canonical values of the named members (nil where a
// member is missing), in one pass over the object.
func (o *CanonObject) pick(keys ...string) []canonValue {
	out := make([]canonValue, len(keys))
	if o == nil {
		return out
	}
	if o.wholeOK() {
		found := 0
		eachCanonicalMember(o.whole.out, func(keyJSON, value []byte) bool {
			for i, k := range keys {
				if out[i] == nil && keyIs(keyJSON, k) {
					out[i] = canonBytes(value)
					found++
				}
			}
			return found < len(keys)
		})
		return out
	}
	if o.ensureMembers() != nil {
		return out
	}
	for _, m := range o.members {
		for i, k := range keys {
			if m.key == k {
				out[i] = m.value
			}
		}
	}
	return out
}

// hashWriters batch the many small writes of a composition before they
// reach SHA-256; pooled, since every event needs one.
var hashWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 8<<10) }}

func hashCanonical(write func(io.Writer) error) (string, error) {
	h := sha256.New()
	bw := hashWriters.Get().(*bufio.Writer)
	defer hashWriters.Put(bw)
	bw.Reset(h)
	err := write(bw)
	if err == nil {
		err = bw.Flush()
	}
	bw.Reset(nil)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

type bytesWriter []byte

func (b *bytesWriter) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }

// newCanonObject sorts members into canonical order.
func newCanonObject(members []canonMember) *CanonObject {
	sort.Slice(members, func(i, j int) bool { return lessUTF16(members[i].key, members[j].key) })
	return &CanonObject{members: members}
}

// CanonPlan collects the leaves that jcs.Transform must run over; Run runs
// them. Objects built by a plan can be written once Run has returned.
type CanonPlan struct {
	leaves []*canonLeaf
}

// NewCanonPlan starts an empty plan.
func NewCanonPlan() *CanonPlan { return &CanonPlan{} }

func (p *CanonPlan) leaf(raw []byte) *canonLeaf {
	l := &canonLeaf{raw: raw}
	p.leaves = append(p.leaves, l)
	return l
}

// Object plans an object so that subsets of its members can be hashed (an
// event without its signature, a state without its digest): as one leaf
// when small, member by member when large.
func (p *CanonPlan) Object(v Value) *CanonObject {
	if v.Kind() == KindObject && len(v.Raw()) <= splitThreshold {
		return &CanonObject{whole: p.leaf(v.Raw()), source: v}
	}
	return p.objectWith(v, nil)
}

func (p *CanonPlan) objectWith(v Value, composed map[string]canonValue) *CanonObject {
	if v.Kind() != KindObject {
		return &CanonObject{Err: fmt.Errorf("not an object but %s", v.Kind())}
	}
	members := make([]canonMember, 0, v.Len())
	d, first := v.children()
	for c := first; c >= 0; c = d.nodes[c].next {
		n := &d.nodes[c]
		key := d.keyOf(c)
		keyJSON := d.src[n.keyStart:n.keyEnd]
		if n.keyEscaped || !isPlainASCII(keyJSON) {
			k, err := jcs.Transform(keyJSON)
			if err != nil {
				return &CanonObject{Err: fmt.Errorf("key %s: %w", strconv.Quote(key), err)}
			}
			keyJSON = k
		}
		value, ok := composed[key]
		if !ok {
			value = p.value(Value{doc: d, i: c})
		}
		members = append(members, canonMember{key: key, keyJSON: keyJSON, value: value})
	}
	return newCanonObject(members)
}

// value plans any value: one leaf when small, split by members or elements
// when large.
func (p *CanonPlan) value(v Value) canonValue {
	n := &v.doc.nodes[v.i]
	if n.end-n.start <= splitThreshold {
		return p.leaf(v.Raw())
	}
	switch n.kind {
	case KindObject:
		return p.Object(v)
	case KindArray:
		arr := make(canonArray, 0, n.count)
		d, first := v.children()
		for c := first; c >= 0; c = d.nodes[c].next {
			arr = append(arr, p.value(Value{doc: d, i: c}))
		}
		return arr
	}
	return p.leaf(v.Raw()) // a long string or number
}

// Run canonicalizes every planned leaf, on up to workers goroutines. It
// returns early (leaving errors in the unfinished leaves) when ctx ends.
func (p *CanonPlan) Run(ctx context.Context, workers int) {
	if workers < 1 {
		workers = 1
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(p.leaves) {
					return
				}
				l := p.leaves[i]
				if ctx.Err() != nil {
					l.err = ctx.Err()
					continue
				}
				l.out, l.err = jcs.Transform(l.raw)
				if l.err == nil && bytes.Equal(l.out, l.raw) {
					// Already canonical as received (strings, integers,
					// and objects from canonical producers): keep one copy.
					l.out = l.raw
				}
			}
		}()
	}
	wg.Wait()
}

// CanonicalBundle is a bundle planned for canonicalization: the events and
// the state are planned member by member and the bundle is composed of them.
type CanonicalBundle struct {
	Root   *CanonObject
	Events []*CanonObject
	State  *CanonObject
}

// PlanBundle plans the whole bundle so each received byte is canonicalized once.
func (p *CanonPlan) PlanBundle(b *Bundle) *CanonicalBundle {
	cb := &CanonicalBundle{Events: make([]*CanonObject, len(b.Events))}
	arr := make(canonArray, len(b.Events))
	for i := range b.Events {
		cb.Events[i] = p.Object(b.Events[i].Value)
		arr[i] = cb.Events[i]
	}
	composed := map[string]canonValue{"events": arr}
	if b.State.Value.Kind() == KindObject {
		cb.State = p.Object(b.State.Value)
		composed["state"] = cb.State
	}
	cb.Root = p.objectWith(b.Root, composed)
	return cb
}

// eachCanonicalMember calls fn with the key (as JSON) and value of each
// member of an object in jcs.Transform's output (compact, valid, keys in
// canonical order), until fn returns false. The slices are into c.
func eachCanonicalMember(c []byte, fn func(keyJSON, value []byte) bool) {
	if len(c) < 2 || c[0] != '{' {
		return
	}
	for i := 1; i < len(c) && c[i] != '}'; {
		keyEnd := skipCanonical(c, i)
		if keyEnd >= len(c) || c[keyEnd] != ':' {
			return // cannot happen in jcs output; stop rather than misread
		}
		valEnd := skipCanonical(c, keyEnd+1)
		if !fn(c[i:keyEnd], c[keyEnd+1:valEnd]) {
			return
		}
		i = valEnd
		if i < len(c) && c[i] == ',' {
			i++
		}
	}
}

// keyIs compares a key as canonical JSON with a Go string, without
// allocating when the key has no escapes (every key of a real bundle).
func keyIs(keyJSON []byte, key string) bool {
	if bytes.IndexByte(keyJSON, '\\') < 0 {
		return len(keyJSON) == len(key)+2 && string(keyJSON[1:len(keyJSON)-1]) == key
	}
	return decodeKey(keyJSON, true) == key
}

func keyIn(keyJSON []byte, keys []string) bool {
	for _, k := range keys {
		if keyIs(keyJSON, k) {
			return true
		}
	}
	return false
}

// skipCanonical returns the index just past the compact JSON value that
// starts at i.
func skipCanonical(c []byte, i int) int {
	skipString := func(i int) int { // i is at the opening quote
		for i++; i < len(c) && c[i] != '"'; i++ {
			if c[i] == '\\' {
				i++
			}
		}
		return i + 1
	}
	if i >= len(c) {
		return i
	}
	switch c[i] {
	case '"':
		return skipString(i)
	case '{', '[':
		depth := 0
		for i < len(c) {
			switch c[i] {
			case '"':
				i = skipString(i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(c) && c[i] != ',' && c[i] != '}' && c[i] != ']' && c[i] != ':' {
		i++
	}
	return i
}
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

// SHA256Hex is the digest of JCS(v), for a value on its own (a fetcher
// checking what it was sent, before a full verification).
func SHA256Hex(v Value) (string, error) {
	c, err := jcs.Transform(v.Raw())
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:]), nil
}

// canonString is a string this program writes, in canonical form.
func canonString(s string) canonBytes {
	if isPlainASCII([]byte(s)) && strings.IndexByte(s, '"') < 0 {
		// JCS escapes only quotes, backslashes and control characters.
		return canonBytes(`"` + s + `"`)
	}
	out, err := jcs.Transform([]byte(JSONString(s)))
	if err != nil {
		panic(err) // JSONString always produces a valid JSON string
	}
	return out
}

// canonMembers builds an object from this program's own keys and values.
func canonObjectOf(pairs ...any) *CanonObject {
	members := make([]canonMember, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		key := pairs[i].(string)
		var v canonValue
		switch x := pairs[i+1].(type) {
		case canonValue:
			v = x
		case string:
			v = canonString(x)
		case int:
			v = canonBytes(strconv.Itoa(x))
		case nil:
			v = canonBytes("null")
		default:
			panic(fmt.Sprintf("canonObjectOf: %T", x))
		}
		members = append(members, canonMember{key: key, keyJSON: []byte(JSONString(key)), value: v})
	}
	return newCanonObject(members)
}
