package verify_test

import (
	"testing"

	"github.com/pithscope/pithscope/verify"
	"github.com/pithscope/pithscope/verify/verifytest"
)

// keyIDShapes builds bundles whose events name a key id in every way a
// hostile server can: empty, missing, duplicated in public_keys, and
// unknown. Many events each, so that the workers read the keyring at once.
func keyIDShapes(t *testing.T) map[string][]byte {
	t.Helper()
	const events = 64
	build := func(signerOf func(i int) *verifytest.Signer, extra ...verifytest.Signer) []byte {
		b := verifytest.New().WithRecord()
		b.ExtraKeys = extra
		prev := ""
		for i := 1; i < events; i++ {
			prev = b.Add(verifytest.Event{Type: "graph_snapshot", Target: "graph", PrevEvent: prev,
				CreatedAt: "2026-01-01T00:00:00Z", Payload: verifytest.SnapshotPayload("keys", 1), Signer: signerOf(i)})
		}
		return b.Build()
	}
	empty := verifytest.NewSigner("", "a key listed with an empty id")
	unknown := verifytest.NewSigner("nobody-lists-this-key", "an unlisted key")
	second := verifytest.NewSigner("test-key-1", "a second key reusing the builder's id")
	return map[string][]byte{
		// Every other event names the key id "", which public_keys lists.
		"empty": build(func(i int) *verifytest.Signer {
			if i%2 == 0 {
				return &empty
			}
			return nil
		}, empty),
		// An empty id that nothing lists.
		"empty-unlisted": build(func(i int) *verifytest.Signer { return &empty }),
		// public_keys lists the builder's id twice, with other bytes second.
		"duplicate": build(func(int) *verifytest.Signer { return nil }, second),
		"unknown": build(func(i int) *verifytest.Signer {
			if i%3 == 0 {
				return &unknown
			}
			return nil
		}),
		// signer.key_id and signature.key_id removed from every event.
		"missing": verifytest.Edit(build(func(int) *verifytest.Signer { return nil }), func(m map[string]any) {
			for _, e := range m["events"].([]any) {
				delete(verifytest.At(e, "signer").(map[string]any), "key_id")
				delete(verifytest.At(e, "signature").(map[string]any), "key_id")
			}
		}),
	}
}

// Events naming odd key ids once made the workers write the keyring's map
// at once (fatal error: concurrent map writes). Run under -race (as
// .ci/test.sh does), many times with more workers than cores, every
// verification must read the keyring only, and give the same report.
func TestOddKeyIDsAreSafeToVerifyConcurrently(t *testing.T) {
	shapes := keyIDShapes(t)
	trust := verifytest.New().Signer.Trust()
	rounds := 16
	if testing.Short() {
		rounds = 8
	}
	for name, data := range shapes {
		t.Run(name, func(t *testing.T) {
			first := reportJSON(t, verifyData(t, data, verify.Options{Trust: trust, Workers: 1}))
			for i := 0; i < rounds; i++ {
				r := verifyData(t, data, verify.Options{Trust: trust, Workers: 8})
				if got := reportJSON(t, r); got != first {
					t.Fatalf("round %d: report differs from the one-worker report:\n%s\n%s", i, got, first)
				}
			}
		})
	}
}

func reportJSON(t *testing.T, r *verify.Report) string {
	t.Helper()
	out, err := verify.MarshalReport(r, "")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// An empty key id is an id like any other: a bundle key listed under ""
// is bundle-only, and its key_trust check says so. (The empty id was once
// left out of the trust checks, so a bundle signed only by its own key ""
// read as verified.)
func TestAnEmptyKeyIDIsJudgedLikeAnyOther(t *testing.T) {
	empty := verifytest.NewSigner("", "a key listed with an empty id")
	b := verifytest.New().WithRecord()
	b.Signer = empty
	b.AddSnapshot("2026-01-01T01:00:00Z", "", "signed by the empty id")
	r := verifyData(t, b.Build(), verify.Options{})
	c, ok := r.Find(verify.CheckKeyTrust, verify.KeySubject(""))
	if !ok || c.Status != verify.Fail || c.Found != string(verify.TrustBundleOnly) {
		t.Fatalf("key_trust for the empty id = %+v (found %v)\n%s", c, ok, dump(r))
	}
	if r.OK() {
		t.Fatal("a bundle signed only by its own key reads as verified")
	}
	if _, ok := r.Keys[""]; !ok {
		t.Error("the report's keys leave out the empty id")
	}
}

// Events whose signer names no listed key are unknown, not failed, and
// the merge leaves them out; the workers agree on that every time.
func TestUnknownAndMissingKeyIDsLeaveEventsOut(t *testing.T) {
	shapes := keyIDShapes(t)
	trust := verifytest.New().Signer.Trust()
	r := verifyData(t, shapes["unknown"], verify.Options{Trust: trust})
	unknown := notOK(r)[verify.CheckEventSignature+"?"]
	if unknown != 21 { // events 3, 6, ..., 63
		t.Errorf("%d event signatures unknown, want 21\n%s", unknown, dump(r))
	}
	r = verifyData(t, shapes["missing"], verify.Options{Trust: trust})
	if got := notOK(r)[verify.CheckEventSignature+"?"]; got != 64 {
		t.Errorf("%d event signatures unknown with no key id, want 64", got)
	}
}
