package model_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/gowebpki/jcs"
	"github.com/pithscope/pithscope/model"
)

// FuzzParse: the strict reader never panics; what it accepts is JSON that
// encoding/json reads the same way (every value's Raw bytes, every string,
// every key); input with a duplicate key never succeeds; a refusal is a
// *ParseError inside the input; and the canonical form of what it accepts
// is exactly what jcs.Transform makes of it (the differential oracle).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, `{"a":{"b":[{"c":1,"c":2}]}}`,
		`{"a":"\ud83d\ude00","b":"\ud800"}`, "{\"a\":\"\xff\"}", `{"a":1} x`, `[1,2]`,
		`{"k":[1.5e3,-0,0.1,1e400]}`, `{"a/b":1,"a\/b":2}`, strings.Repeat(`{"a":`, 130) + `1` + strings.Repeat(`}`, 130),
		`{"events":[{"signer":{"key_id":"k"},"supersedes":["x"],"payload":{"deep":{"deeper":{"x":[1,{"y":2}]}}}}],"state":{"event_count":1}}`,
		`{"b":{"z":{"y":{"x":{"w":{"v":1,"u":[{"t":1,"s":2}]},"a":1}}}},"a":"\u00e9\/\u001f\ud83d\ude00"}`,
		` [ 1e20 , -0.0 , 1E-7 , {"\u20ac":1,"\r":2,"1":3} ] `, `"\u0000\b\u007f"`, `123.456e7`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := model.ParseDoc(data)
		if err != nil {
			var pe *model.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v, want *model.ParseError", err, err)
			}
			if pe.Offset < 0 || pe.Offset > len(data) || !strings.HasPrefix(pe.Path, "$") {
				t.Fatalf("error %v: offset or path out of range", pe)
			}
			if _, err := model.Parse(data); err == nil {
				t.Fatal("Parse accepts what ParseDoc refuses")
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted input encoding/json calls invalid: %q", data)
		}
		if dupKey(data) {
			t.Fatalf("accepted input with a duplicate key: %q", data)
		}
		walk(t, doc.Root(), 0)

		// jcs.Transform is the oracle of the canonical writer: both
		// refuse (a number beyond a double) or both write the same bytes.
		got, err := model.CanonicalJSON(doc.Root())
		want, werr := jcs.Transform(data)
		if (err == nil) != (werr == nil) || err == nil && !bytes.Equal(got, want) {
			t.Fatalf("canonical form %q (%v), jcs %q (%v)", got, err, want, werr)
		}
		if doc.Root().Kind() == model.KindObject {
			if sub, err := model.CanonicalOf(doc.Root()).Bytes(); (err == nil) != (werr == nil) || err == nil && !bytes.Equal(sub, want) {
				t.Fatalf("object's canonical form %q (%v), jcs %q (%v)", sub, err, want, werr)
			}
		}
		// The bundle reader, on top, refuses or reads; it never panics. A
		// digest it hashed while reading is the canonical form's.
		restore := model.HashWhileReadingForTest()
		b, err := model.Parse(data)
		restore()
		if err == nil && b.Root.Kind() != model.KindObject {
			t.Fatal("Parse accepted a top level that is not an object")
		}
		if err == nil && model.DigestReadForTest(b) != "" {
			if want, _ := model.CanonicalOf(b.Root).SHA256Without("bundle_signature"); model.DigestReadForTest(b) != want {
				t.Fatalf("hashed while reading %s, canonical form %s", model.DigestReadForTest(b), want)
			}
		}
	})
}

// walk checks every value below v against encoding/json.
func walk(t *testing.T, v model.Value, depth int) {
	raw := v.Raw()
	if !json.Valid(raw) {
		t.Fatalf("Raw of a %s is not JSON: %q", v.Kind(), raw)
	}
	var ref any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&ref); err != nil {
		t.Fatal(err)
	}
	switch v.Kind() {
	case model.KindString:
		if v.Str() != ref.(string) {
			t.Fatalf("Str %q, encoding/json %q", v.Str(), ref)
		}
	case model.KindObject:
		obj := ref.(map[string]any)
		members := v.Members()
		if len(members) != v.Len() || len(members) != len(obj) {
			t.Fatalf("%d members (Len %d), encoding/json %d", len(members), v.Len(), len(obj))
		}
		for _, m := range members {
			if _, ok := obj[m.Key]; !ok {
				t.Fatalf("key %q unknown to encoding/json", m.Key)
			}
			if got := v.Get(m.Key); !got.Exists() || !bytes.Equal(got.Raw(), m.Value.Raw()) {
				t.Fatalf("Get(%q) is not the member", m.Key)
			}
			walk(t, m.Value, depth+1)
		}
	case model.KindArray:
		elems := v.Elems()
		if len(elems) != v.Len() || len(elems) != len(ref.([]any)) {
			t.Fatalf("%d elements (Len %d), encoding/json %d", len(elems), v.Len(), len(ref.([]any)))
		}
		for _, e := range elems {
			walk(t, e, depth+1)
		}
	case model.KindNumber:
		if _, ok := ref.(json.Number); !ok {
			t.Fatalf("number %q", raw)
		}
	case model.KindBool:
		if v.Bool() != ref.(bool) {
			t.Fatalf("bool %q", raw)
		}
	case model.KindNull:
		if ref != nil || !v.IsNull() {
			t.Fatalf("null %q", raw)
		}
	default:
		t.Fatalf("kind %v", v.Kind())
	}
}

// dupKey reports, with encoding/json's tokenizer, whether any object in
// valid JSON has two members with the same decoded key.
func dupKey(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		keys    map[string]bool // nil for an array
		wantKey bool
	}
	var stack []*frame
	// valueDone notes that a value ended: in an object, a key comes next.
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].keys != nil {
			stack[n-1].wantKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return false // io.EOF, or invalid input: no verdict
		}
		if n := len(stack); n > 0 && stack[n-1].keys != nil && stack[n-1].wantKey {
			if k, ok := tok.(string); ok {
				if stack[n-1].keys[k] {
					return true
				}
				stack[n-1].keys[k] = true
				stack[n-1].wantKey = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{keys: map[string]bool{}, wantKey: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			valueDone()
		default:
			valueDone()
		}
	}
}

func TestDupKeyReference(t *testing.T) {
	for src, want := range map[string]bool{
		`{"a":1,"b":2}`: false, `{"a":1,"a":2}`: true, `{"a":{"x":1},"b":{"x":1}}`: false,
		`[{"a":1},{"a":1}]`: false, `{"a":[{"b":1,"b":1}]}`: true, `{"a":1,"\u0061":1}`: true,
	} {
		if got := dupKey([]byte(src)); got != want {
			t.Errorf("dupKey(%s) = %v", src, got)
		}
	}
}
