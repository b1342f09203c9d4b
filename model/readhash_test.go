package model_test

import (
	"strings"
	"testing"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// A bundle canonical as received is hashed (without its signature) while
// it is read; the digest is the one computed from the canonical form, and
// any byte that is not canonical drops the speculation.
func TestDigestHashedWhileReading(t *testing.T) {
	defer model.HashWhileReadingForTest()()
	data := string(verifytest.Generate(20))
	withoutSignature := verifytest.Edit([]byte(data), func(m map[string]any) { delete(m, "bundle_signature") })
	cases := []struct {
		name      string
		src       string
		speculate bool
	}{
		{"canonical", data, true},
		{"canonical, then a newline", data + "\n", true},
		{"no bundle_signature", string(withoutSignature), true},
		{"a number respelled", strings.Replace(data, `"version":1`, `"version":1.0`, 1), false},
		{"a string escaped", strings.Replace(data, `"bundle_type":"pith_open_graph_bundle"`, `"bundle_type":"pith\u005fopen_graph_bundle"`, 1), false},
		{"a space inside", strings.Replace(data, `"bundle_version":"1.0"`, `"bundle_version": "1.0"`, 1), false},
		{"members out of order", string(verifytest.Foreign([]byte(data))), false},
	}
	for _, c := range cases {
		b, err := model.Parse([]byte(c.src))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		read := model.DigestReadForTest(b)
		want, err := model.CanonicalOf(b.Root).SHA256Without("bundle_signature")
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case c.speculate && read != want:
			t.Errorf("%s: hashed while reading %q, canonical form hashes to %s", c.name, read, want)
		case !c.speculate && read != "":
			t.Errorf("%s: hashed while reading though not canonical as received", c.name)
		}
		if got, _ := model.NewCanonicalBundle(b).BundleSHA256(); got != want {
			t.Errorf("%s: BundleSHA256 %s, want %s", c.name, got, want)
		}
	}
}
