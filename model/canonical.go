package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"sync"
)

// Every digest of a bundle (an event without its signature, the state,
// the whole bundle, the state recomputed from the events) is its canonical
// form streamed into SHA-256 by the canonical writer (canonwriter.go),
// straight from the received bytes: nothing is kept between digests, so a
// digest costs one pass over what it covers and no memory that grows with
// it.

// canonValue is canonical JSON that can be written out.
type canonValue interface {
	writeCanonical(c *canonWriter)
}

// canonBytes is JSON this program wrote, already canonical (numbers as
// integers, strings quoted as JCS quotes them).
type canonBytes []byte

func (b canonBytes) writeCanonical(c *canonWriter) { c.write(b) }

// canonReceived is a received value, written canonically from its bytes.
type canonReceived struct{ v Value }

func (r canonReceived) writeCanonical(c *canonWriter) { c.received(r.v) }

type canonArray []canonValue

func (a canonArray) writeCanonical(c *canonWriter) {
	c.writeByte('[')
	for i, v := range a {
		if i > 0 {
			c.writeByte(',')
		}
		v.writeCanonical(c)
	}
	c.writeByte(']')
}

type canonMember struct {
	key     string
	keyJSON []byte // the key as a canonical JSON string
	value   canonValue
}

// CanonObject is an object whose canonical form, or that of any subset of
// its members, can be written or hashed: a received object (written from
// its bytes each time) or one this program composed.
type CanonObject struct {
	source  Value
	members []canonMember // composed: in canonical order
}

// CanonicalOf is a received object, for hashing.
func CanonicalOf(v Value) *CanonObject { return &CanonObject{source: v} }

func (o *CanonObject) writeCanonical(c *canonWriter) { o.write(c, nil) }

func (o *CanonObject) write(c *canonWriter, exclude []string) {
	if o.source.Exists() {
		if o.source.Kind() != KindObject {
			c.fail(fmt.Errorf("not an object but %s", o.source.Kind()))
			return
		}
		v := o.source
		c.src = v.doc.src
		c.resume(int(v.start))
		c.cut(c.object(v.doc, int(v.start), exclude))
		return
	}
	c.writeByte('{')
	first := true
	for _, m := range o.members {
		if slices.Contains(exclude, m.key) {
			continue
		}
		if !first {
			c.writeByte(',')
		}
		first = false
		c.write(m.keyJSON)
		c.writeByte(':')
		m.value.writeCanonical(c)
	}
	c.writeByte('}')
}

// SHA256Without is sha256(JCS(object minus the named members)), as hex.
func (o *CanonObject) SHA256Without(exclude ...string) (string, error) {
	return hashCanonical(func(c *canonWriter) { o.write(c, exclude) })
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
	c := newCanonWriter(nil)
	defer c.release()
	o.write(c, exclude)
	if c.err != nil {
		return nil, c.err
	}
	return bytes.Clone(c.out), nil
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
	if o.source.Exists() {
		found := 0
		o.source.eachChild(func(key []byte, _ int32, child Value) bool {
			for i, k := range keys {
				if out[i] == nil && keyIs(key, k) {
					out[i] = canonReceived{child}
					found++
				}
			}
			return found < len(keys)
		})
		return out
	}
	for _, m := range o.members {
		if i := slices.Index(keys, m.key); i >= 0 {
			out[i] = m.value
		}
	}
	return out
}

// hashers are SHA-256 states, pooled: every event needs one.
var hashers = sync.Pool{New: func() any { return sha256.New() }}

func hashCanonical(write func(*canonWriter)) (string, error) {
	h := hashers.Get().(hash.Hash)
	defer hashers.Put(h)
	h.Reset()
	c := newCanonWriter(h)
	defer c.release()
	write(c)
	if err := c.flush(); err != nil {
		return "", err
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])), nil
}

// CanonicalBundle names the objects of a bundle whose digests are checked.
type CanonicalBundle struct {
	Root   *CanonObject
	Events []*CanonObject
	State  *CanonObject // nil when the bundle has no state object

	digestRead string // the bundle's digest, hashed while it was read, or ""
}

// NewCanonicalBundle wraps a parsed bundle for hashing.
func NewCanonicalBundle(b *Bundle) *CanonicalBundle {
	cb := &CanonicalBundle{Root: CanonicalOf(b.Root), Events: make([]*CanonObject, len(b.Events)), digestRead: b.digestRead}
	for i := range b.Events {
		cb.Events[i] = CanonicalOf(b.Events[i].Value)
	}
	if b.State.Value.Kind() == KindObject {
		cb.State = CanonicalOf(b.State.Value)
	}
	return cb
}

// BundleSHA256 is sha256(JCS(bundle minus bundle_signature)), as hex: the
// digest hashed while the bundle was read when it was canonical as
// received, else computed now.
func (cb *CanonicalBundle) BundleSHA256() (string, error) {
	if cb.digestRead != "" {
		return cb.digestRead, nil
	}
	return cb.Root.SHA256Without("bundle_signature")
}

// CanonicalJSON is the RFC 8785 form of a received value.
func CanonicalJSON(v Value) ([]byte, error) {
	c := newCanonWriter(nil)
	defer c.release()
	c.received(v)
	if c.err != nil {
		return nil, c.err
	}
	return bytes.Clone(c.out), nil
}

// SHA256Hex is the digest of JCS(v), for a value on its own (a fetcher
// checking what it was sent, before a full verification).
func SHA256Hex(v Value) (string, error) {
	return hashCanonical(func(c *canonWriter) { c.received(v) })
}

// canonString is a string this program writes, in canonical form.
func canonString(s string) canonBytes { return canonicalString(s) }

// newCanonObject sorts members into canonical order.
func newCanonObject(members []canonMember) *CanonObject {
	slices.SortFunc(members, func(a, b canonMember) int {
		switch {
		case lessUTF16(a.key, b.key):
			return -1
		case lessUTF16(b.key, a.key):
			return 1
		}
		return 0
	})
	return &CanonObject{members: members}
}

// canonObjectOf builds an object from this program's own keys and values.
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
		members = append(members, canonMember{key: key, keyJSON: canonicalString(key), value: v})
	}
	return newCanonObject(members)
}
