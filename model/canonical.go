package model

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gowebpki/jcs"
)

// RFC 8785 is compositional: an object's canonical form is "{", its members'
// canonical "key":value pairs sorted by the UTF-16 code units of the key and
// joined by ",", then "}". So each received value is run through jcs.Transform
// once, and the digests that cover it again (an event without its signature,
// then the whole bundle that holds the event) are composed from those bytes
// and streamed into SHA-256 instead of canonicalizing the bundle a second time.

// canonValue is canonical JSON that can be written out: either bytes from
// jcs.Transform, or a composition of canonical parts.
type canonValue interface {
	writeCanonical(w io.Writer) error
}

type canonBytes []byte

func (c canonBytes) writeCanonical(w io.Writer) error { _, err := w.Write(c); return err }

type canonArray []canonValue

func (a canonArray) writeCanonical(w io.Writer) error {
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
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
	keyJSON []byte // the key as canonical JSON string
	value   canonValue
}

// CanonObject is an object whose members are held in canonical form and in
// canonical (UTF-16 key) order, so that any subset of them can be written or
// hashed without canonicalizing again.
type CanonObject struct {
	members []canonMember
	// Err is the first member that jcs.Transform refused (e.g. a number it
	// cannot represent); such an object has no canonical form.
	Err error
}

func (o *CanonObject) writeCanonical(w io.Writer) error {
	return o.write(w, nil)
}

func (o *CanonObject) write(w io.Writer, exclude []string) error {
	if o.Err != nil {
		return o.Err
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
			return err
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
	h := sha256.New()
	bw := bufio.NewWriterSize(h, 64<<10)
	if err := o.write(bw, exclude); err != nil {
		return "", err
	}
	if err := bw.Flush(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Bytes is the object's canonical JSON minus the named members.
func (o *CanonObject) Bytes(exclude ...string) ([]byte, error) {
	var buf bytesWriter
	err := o.write(&buf, exclude)
	return buf, err
}

type bytesWriter []byte

func (b *bytesWriter) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }

// Member returns a member's canonical bytes.
func (o *CanonObject) Member(key string) ([]byte, bool) {
	for _, m := range o.members {
		if m.key == key {
			var buf bytesWriter
			if m.value.writeCanonical(&buf) != nil {
				return nil, false
			}
			return buf, true
		}
	}
	return nil, false
}

// CanonicalizeObject runs jcs.Transform once over each member of an object.
// composed replaces the value of the named members with an already
// canonical composition (used for the bundle's events and state).
func CanonicalizeObject(v Value, composed map[string]canonValue) *CanonObject {
	o := &CanonObject{}
	if v.Kind() != KindObject {
		o.Err = fmt.Errorf("not an object but %s", v.Kind())
		return o
	}
	o.members = make([]canonMember, 0, v.Len())
	for c := v.doc.nodes[v.i].first; c >= 0; c = v.doc.nodes[c].next {
		n := &v.doc.nodes[c]
		key := v.doc.keyOf(c)
		rawKey := v.doc.src[n.keyStart:n.keyEnd]
		keyJSON := rawKey
		if n.keyEscaped || !isPlainASCII(rawKey) {
			k, err := jcs.Transform(rawKey)
			if err != nil {
				o.Err = fmt.Errorf("member %q: %w", key, err)
				return o
			}
			keyJSON = k
		}
		var value canonValue
		if cv, ok := composed[key]; ok {
			value = cv
		} else {
			cb, err := jcs.Transform(v.doc.src[n.start:n.end])
			if err != nil {
				o.Err = fmt.Errorf("member %q: %w", key, err)
				return o
			}
			value = canonBytes(cb)
		}
		o.members = append(o.members, canonMember{key: key, keyJSON: keyJSON, value: value})
	}
	sort.Slice(o.members, func(i, j int) bool { return lessUTF16(o.members[i].key, o.members[j].key) })
	return o
}

func isPlainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= utf8.RuneSelf {
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

// CanonicalBundle composes the bundle's canonical form from its events' and
// state's canonical objects; every other member is canonicalized here, once.
// An event that is not an object is canonicalized whole.
func CanonicalBundle(b *Bundle, events []*CanonObject, state *CanonObject) *CanonObject {
	arr := make(canonArray, len(events))
	for i, e := range events {
		arr[i] = e
	}
	composed := map[string]canonValue{"events": arr}
	if state != nil && b.State.Value.Exists() {
		composed["state"] = state
	}
	return CanonicalizeObject(b.Root, composed)
}

// SHA256Hex is the digest of JCS(v).
func SHA256Hex(v Value) (string, error) {
	c, err := jcs.Transform(v.Raw())
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(c)
	return hex.EncodeToString(sum[:]), nil
}
