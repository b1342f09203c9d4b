package verify_test

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/gowebpki/jcs"
	"github.com/pithscope/pithscope/model"
	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// FuzzVerify: verify never panics on any input the reader accepts, always
// reports at least one check, every check has a known name, a subject and
// a status, and two runs (with different worker counts, from separate
// parses) give the same checks in the same order.
func FuzzVerify(f *testing.F) {
	f.Add(verifytest.RealBundle(f))
	b := verifytest.New().WithRecord()
	a := b.AddSnapshot("2026-01-01T01:00:00Z", "", title)
	b.AddSnapshot("2026-01-01T02:00:00Z", a, title)
	b.AddSnapshot("2026-01-01T02:00:01Z", a, title)
	b.Add(verifytest.Event{Type: "author_attestation", Target: "a", CreatedAt: "2026-01-01T03:00:00Z", BadSignature: true, Supersedes: []string{a}})
	f.Add(b.Build())
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"events":[{"event_type":"record_created","payload":{"receipt":{}}}],"state":{},"public_keys":[{"key_id":"pith-v1-2026-05"}]}`))
	f.Add([]byte(`{"canonical_record":{"metadata":{"submitted_at":"2017"}},"events":[{}],"bundle_signature":{"key_id":"x"}}`))

	known := map[string]bool{}
	for _, n := range verify.CheckOrder {
		known[n] = true
	}
	trust := b.Signer.Trust()
	opts := func(workers int) verify.Options {
		return verify.Options{
			Trust: trust, Workers: workers,
			Requested: verify.Request{Text: "pith:M5BNRHPU", PithPrefix: "M5BNRHPU"},
			Previous:  &verify.PreviousVersion{EventIDs: []string{"sha256:x", a}, FetchedAt: "then"},
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b1, err := model.Parse(data)
		if err != nil {
			return
		}
		r1 := verify.Verify(b1, opts(1))
		if len(r1.Checks) == 0 {
			t.Fatal("no checks")
		}
		for _, c := range r1.Checks {
			if !known[c.Name] || c.Subject == "" || c.Detail == "" {
				t.Fatalf("check %+v: unknown name, or no subject or detail", c)
			}
			if c.Status != verify.OK && c.Status != verify.Fail && c.Status != verify.Unknown {
				t.Fatalf("check %+v: status", c)
			}
		}
		if _, err := verify.MarshalReport(r1, "fuzz"); err != nil {
			t.Fatal(err)
		}
		b2, err := model.Parse(data)
		if err != nil {
			t.Fatalf("second parse: %v", err)
		}
		r2 := verify.Verify(b2, opts(3))
		if !reflect.DeepEqual(r1.Checks, r2.Checks) {
			t.Fatalf("two runs differ:\n%s\n----\n%s", allChecks(r1), allChecks(r2))
		}
	})
}

// FuzzTamper edits one value of the real bundle (chosen by index among
// every value in it, in a fixed order) to a fuzzed JSON value or string:
// whatever the edit, the report is not OK, and verify is deterministic.
func FuzzTamper(f *testing.F) {
	data := verifytest.RealBundle(f)
	paths := valuePaths(verifytest.Decode(data), nil)
	f.Add(uint16(0), "x")
	f.Add(uint16(7), `{"a":1}`)
	f.Add(uint16(40), "1e400")
	f.Add(uint16(123), `"\u001b]52;c;"`)
	f.Add(uint16(200), "null")
	f.Fuzz(func(t *testing.T, which uint16, value string) {
		path := paths[int(which)%len(paths)]
		if unsigned(path) {
			return
		}
		var v any = value
		if json.Valid([]byte(value)) {
			dec := json.NewDecoder(strings.NewReader(value))
			dec.UseNumber()
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
		}
		m := verifytest.Decode(data)
		old := mustJSON(t, verifytest.At(m, path...))
		if sameJSON(old, mustJSON(t, v)) {
			return // not an edit
		}
		tampered := verifytest.Edit(data, set(path, v))
		b1, err := model.Parse(tampered)
		if err != nil {
			return // e.g. a field of the wrong type: refused, fine
		}
		r1 := verify.Verify(b1, verify.Options{Workers: 1})
		if r1.OK() {
			t.Fatalf("editing %v from %s to %s went unnoticed", path, old, mustJSON(t, v))
		}
		r2 := verify.Verify(mustParse(t, tampered), verify.Options{Workers: 2})
		if !reflect.DeepEqual(r1.Checks, r2.Checks) {
			t.Fatal("two runs differ")
		}
	})
}

// unsigned reports the members that no digest or signature covers: a
// signature block's signature_status (a claim, never evidence) and
// signed_at. Editing them cannot be detected, and means nothing.
func unsigned(path []any) bool {
	last, _ := path[len(path)-1].(string)
	if last != "signature_status" && last != "signed_at" {
		return false
	}
	return len(path) == 2 && path[0] == "bundle_signature" ||
		len(path) == 4 && path[0] == "events" && path[2] == "signature"
}

// valuePaths lists the path of every value in a decoded document, in a
// fixed order (members sorted by key).
func valuePaths(v any, prefix []any) [][]any {
	var out [][]any
	if len(prefix) > 0 {
		out = append(out, append([]any(nil), prefix...))
	}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = append(out, valuePaths(x[k], append(prefix, k))...)
		}
	case []any:
		for i, e := range x {
			out = append(out, valuePaths(e, append(prefix, i))...)
		}
	}
	return out
}

// sameJSON compares two JSON texts as data, numbers by their canonical form.
func sameJSON(a, b []byte) bool {
	ca, err1 := jcs.Transform(a)
	cb, err2 := jcs.Transform(b)
	return err1 == nil && err2 == nil && string(ca) == string(cb)
}
