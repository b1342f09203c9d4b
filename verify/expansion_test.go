package verify_test

import (
	"strings"
	"testing"

	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// A record holding many short-spelled huge numbers (1e20 is
// 100000000000000000000 to JCS, five times longer) once made every digest
// materialize a canonical form five times the bundle. Digests now stream,
// and a canonical form more than model.MaxCanonicalGrowth longer than what
// was received is refused with a clear error: every digest that covers the
// record fails, nothing is verified, and nothing is kept.
func TestShortSpelledHugeNumbersAreRefused(t *testing.T) {
	b := verifytest.New().WithRecord()
	b.AddSnapshot("2026-01-01T01:00:00Z", "", "expanding")
	n := model.MaxCanonicalGrowth/17 + 1000 // each grows 17 bytes
	// The bundle's own record (its first canonical_record: members are
	// in key order) gains the numbers.
	data := []byte(strings.Replace(string(b.Build()), `"canonical_record":{`,
		`"canonical_record":{"x":[`+strings.Repeat("1e20,", n)+`1],`, 1))
	r := verifyData(t, data, verify.Options{Trust: b.Signer.Trust()})
	c, ok := r.Find(verify.CheckCanonicalDigest, verify.SubjectBundle)
	if !ok || c.Status != verify.Fail || !strings.Contains(c.Detail, "longer than the JSON received") {
		t.Fatalf("canonical_digest = %+v", c)
	}
	for _, name := range []string{verify.CheckBundleDigest, verify.CheckStateRecompute} {
		if c, _ := r.Find(name, verify.SubjectBundle); c.Status != verify.Fail || !strings.Contains(c.Detail, "longer than the JSON received") {
			t.Errorf("%s = %+v", name, c)
		}
	}
	if r.OK() {
		t.Fatal("verified")
	}
}

// Below the bound, short spellings are numbers like any other: the
// digest is over their canonical form, as jcs.Transform writes it.
func TestAFewShortSpelledNumbersAreCanonicalized(t *testing.T) {
	doc, err := model.ParseDoc([]byte(`{"x":[1e20,-1e20,1e-7,1E21,0.1e1]}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := model.CanonicalJSON(doc.Root())
	if err != nil || string(got) != `{"x":[100000000000000000000,-100000000000000000000,1e-7,1e+21,1]}` {
		t.Errorf("canonical form %s, %v", got, err)
	}
}
