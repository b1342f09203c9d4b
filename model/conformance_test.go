package model_test

import (
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gowebpki/jcs"
	"github.com/pithscope/pithscope/model"
)

// The RFC 8785 reference vectors (testdata/rfc8785, from
// cyberphone/json-canonicalization): each input canonicalizes to exactly
// its output, byte for byte.
func TestRFC8785ReferenceVectors(t *testing.T) {
	inputs, err := filepath.Glob("testdata/rfc8785/input/*.json")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join("testdata/rfc8785/output", filepath.Base(in)))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := model.ParseDoc(src)
			if err != nil {
				t.Fatalf("the strict reader refuses a reference input: %v", err)
			}
			got, err := model.CanonicalJSON(doc.Root())
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("canonical form (%v)\n got  %q\n want %q", err, got, want)
			}
		})
	}
}

// JSONTestSuite (testdata/JSONTestSuite, from nst/JSONTestSuite): every
// y_ file parses and every n_ file is refused, except that this reader
// refuses duplicate keys (y_object_duplicated_key*: two parsers may keep
// different values, so a digest over them would not mean one thing).
// The i_ files, which JSON leaves to the implementation, are decided so:
//   - numbers beyond a double's range (i_number_*) are read, as valid JSON
//     grammar; only those a double holds have a canonical form, so a
//     digest over the others fails, as jcs.Transform does;
//   - lone or inverted surrogates and invalid UTF-8 (i_string_*,
//     i_object_key_lone_2nd_surrogate) are refused: they have no UTF-8 form
//     to hash;
//   - UTF-16 text and byte order marks are refused: a bundle is UTF-8 JSON;
//   - 500 nested arrays are refused: deeper than MaxDepth.
//
// Wherever both this reader and jcs.Transform accept a file, the canonical
// forms are the same bytes.
func TestJSONTestSuite(t *testing.T) {
	files, err := filepath.Glob("testdata/JSONTestSuite/test_parsing/*.json")
	if err != nil || len(files) < 300 {
		t.Fatalf("suite missing (%d files): %v", len(files), err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := model.ParseDoc(src)
		accepted := err == nil
		var want bool
		switch {
		case strings.HasPrefix(name, "y_object_duplicated_key"):
			want = false
		case strings.HasPrefix(name, "y_"):
			want = true
		case strings.HasPrefix(name, "n_"):
			want = false
		case strings.HasPrefix(name, "i_number_"):
			want = true
		default: // i_string_, i_object_, i_structure_
			want = false
		}
		if accepted != want {
			t.Errorf("%s: accepted %v, want %v (%v)", name, accepted, want, err)
			continue
		}
		if !accepted {
			continue
		}
		got, err := model.CanonicalJSON(doc.Root())
		ref, refErr := jcs.Transform(src)
		switch {
		case err == nil && refErr == nil && !bytes.Equal(got, ref):
			t.Errorf("%s: canonical form %q, jcs.Transform %q", name, got, ref)
		case err != nil && refErr == nil:
			t.Errorf("%s: no canonical form (%v), jcs.Transform gives %q", name, err, ref)
		case err == nil && refErr != nil && !strings.HasPrefix(name, "i_number_"):
			t.Errorf("%s: canonical form %q where jcs.Transform refuses (%v)", name, got, refErr)
		}
	}
}

// Random documents, nested deeper than the reader's index, with members
// out of order, escapes, every number spelling and whitespace anywhere:
// the canonical writer writes what jcs.Transform writes.
func TestCanonicalFormMatchesJCSOnRandomDocuments(t *testing.T) {
	rng := rand.New(rand.NewSource(8785))
	numbers := []string{"0", "-0", "1", "-1.50", "1e20", "1E-7", "0.000001", "123456789012345678", "4.5e3", "5e-324", "1.7976931348623157e308", "333333333.33333329"}
	strs := []string{`""`, `"x"`, `"\u00e9\/\u001f"`, `"\ud83d\ude00\""`, `"tab\tnl\n\\"`, "\"caf\u00e9 \u2028\"", `"\u0000\u007f"`}
	space := func() string { return []string{"", "", " ", "\n\t", "\r\n  "}[rng.Intn(5)] }
	var value func(depth int) string
	value = func(depth int) string {
		switch k := rng.Intn(10); {
		case depth < 9 && k < 3:
			n := rng.Intn(6)
			keys := rng.Perm(len(trickyKeys))[:n]
			var b strings.Builder
			b.WriteString("{" + space())
			for i, ki := range keys {
				if i > 0 {
					b.WriteString("," + space())
				}
				b.WriteString(model.JSONString(trickyKeys[ki]) + space() + ":" + space() + value(depth+1) + space())
			}
			return b.String() + "}"
		case depth < 9 && k < 5:
			n := rng.Intn(5)
			parts := make([]string, n)
			for i := range parts {
				parts[i] = space() + value(depth+1) + space()
			}
			return "[" + strings.Join(parts, ",") + "]"
		case k < 7:
			return numbers[rng.Intn(len(numbers))]
		case k < 9:
			return strs[rng.Intn(len(strs))]
		}
		return []string{"true", "false", "null"}[rng.Intn(3)]
	}
	for i := 0; i < 2000; i++ {
		src := []byte(space() + value(0) + space())
		doc, err := model.ParseDoc(src)
		if err != nil {
			t.Fatalf("generated document refused: %v\n%s", err, src)
		}
		got, err := model.CanonicalJSON(doc.Root())
		want, werr := jcs.Transform(src)
		if err != nil || werr != nil || !bytes.Equal(got, want) {
			t.Fatalf("document %d:\n%s\n got  %q (%v)\n want %q (%v)", i, src, got, err, want, werr)
		}
	}
}
